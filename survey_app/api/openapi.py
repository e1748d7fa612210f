"""GET /api/v1/openapi.json: the OpenAPI 3 document of this API (``openapi.yaml`` beside this module).

Like every API route it needs an account (token or session); ``tests/test_api_openapi.py`` keeps the document in
step with the routes and the responses."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import jsonify

from .views import bp

DOCUMENT = Path(__file__).with_name("openapi.yaml")


@cache
def openapi_document() -> dict:
    with DOCUMENT.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
