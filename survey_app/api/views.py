"""The ``api`` blueprint (``/api/v1/``) and its authentication; the route modules below register on import."""
from flask import Blueprint, g, request
from flask_login import current_user

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def _authenticate():
    """Every API route needs an account; session-authenticated writes also need the CSRF header."""
    if not current_user.is_authenticated:
        from ..extensions import login_manager

        return login_manager.unauthorized()
    if request.method not in ("GET", "HEAD", "OPTIONS") and not g.get("auth_via_token"):
        csrf.protect()
    return None


from . import device, households, me, openapi, questionnaires, review, rollup, rounds, submissions  # noqa: E402,F401  (routes register on import)
