"""Supervisor review: the area-limited queue, the submission page with comments, versions, diffs and
corrections, quality flags, bulk approval. Blueprint ``review`` under ``/review``; the JSON API is in
``survey_app/api/review.py``; the legal transitions are in ``survey_app/core/review_states.py``."""
from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates", static_folder="static")

from . import append_only, views  # noqa: E402,F401  (the ORM guard on comments; the routes register on import)
