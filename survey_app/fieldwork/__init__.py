"""The enumerator's data entry on tablets: the household list of a round, the questionnaire rendered from its
definition (one section per screen, run by static/js/form_runtime.js), drafts and submission through the
submission service, and adding a household met in the field. Blueprint ``fieldwork`` under ``/fieldwork``."""
from flask import Blueprint

bp = Blueprint("fieldwork", __name__, url_prefix="/fieldwork", template_folder="templates")

from . import views  # noqa: E402,F401  (routes register on import)
