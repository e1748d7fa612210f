"""GET /api/v1/questionnaires/<version_id>/definition: a questionnaire version's compiled definition, sent once
per version. A version never changes (``surveys/versions.py``), so the answer is ``immutable`` for a year under
its URL and carries a strong ``ETag`` (a hash of the body): a client that still asks gets a 304 for
``If-None-Match``. The body is built once per process and version."""
from __future__ import annotations

import hashlib
import json

from flask import Response, request
from sqlalchemy import select
from sqlalchemy.orm import undefer

from ..access import permission_required
from ..errors import NotFound
from ..extensions import db
from ..models import QuestionnaireVersion
from ..security_headers import cache_immutable
from .views import bp

_documents: dict[tuple[int, str], tuple[bytes, str]] = {}


def definition_document(qv: QuestionnaireVersion) -> tuple[bytes, str]:
    """The JSON body and its ETag for one version (cached by id and content hash)."""
    key = (qv.id, qv.content_hash)
    if key not in _documents:
        body = json.dumps({"questionnaire_version_id": qv.id, "form_id": qv.form_id, "version": qv.version,
                           "title": qv.title, "content_hash": qv.content_hash, "definition": qv.compiled},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        _documents[key] = body, hashlib.sha256(body).hexdigest()[:32]
    return _documents[key]


def _matches(etag: str) -> bool:
    """``If-None-Match`` names this ETag, as sent or as the compression layer tagged it (``<tag>:gzip``)."""
    return any(tag == etag or tag.split(":", 1)[0] == etag for tag in request.if_none_match.as_set())


@bp.get("/questionnaires/<int:version_id>/definition")
@permission_required("round.view")
def questionnaire_definition(version_id):
    qv = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.id == version_id)
                           .options(undefer(QuestionnaireVersion.compiled)))
    if qv is None:
        raise NotFound(f"Không có phiên bản bảng hỏi số {version_id}.")
    body, etag = definition_document(qv)
    if _matches(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    return cache_immutable(response)
