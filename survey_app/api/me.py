from flask import jsonify
from flask_login import current_user

from .views import bp


@bp.get("/me")
def me():
    return jsonify({
        "username": current_user.username,
        "full_name": current_user.full_name,
        "role": current_user.role,
        "areas": [{"code": a.code, "name": a.name, "level": a.level} for a in current_user.areas],
    })
