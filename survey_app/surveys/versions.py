"""Questionnaire versions: YAML files in ``forms/`` stored as immutable QuestionnaireVersion rows.

A (form_id, version) pair names one content forever: loading the same file again changes nothing, and a file
whose content changed without a new ``version`` is refused, because submissions already received refer to the
stored content. A load is all or nothing: when any file of the run is refused, nothing of the run is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.questionnaire import Definition, DefinitionError, definition_from_data, load_definition
from ..errors import Invalid
from ..models import QuestionnaireVersion, User, record

STATUS_LABELS = {"new": "mới", "unchanged": "không đổi", "error": "lỗi"}


@dataclass
class LoadReport:
    """What happened to one file (or definition) of a load run."""

    source: str
    status: str  # "new" | "unchanged" | "error"
    form_id: str | None = None
    version: str | None = None
    message: str = ""
    questionnaire_version: QuestionnaireVersion | None = None
    definition: Definition | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def ok(self) -> bool:
        return self.status != "error"


class QuestionnaireLoadError(Invalid):
    """A load run was refused; ``reports`` says what was wrong with which file. Nothing was written."""

    def __init__(self, reports: list[LoadReport], message: str | None = None):
        self.reports = reports
        failed = [r for r in reports if not r.ok]
        super().__init__(message or f"Không nạp bảng hỏi nào: {len(failed)} tệp lỗi.",
                         {r.source: r.message for r in failed})


def load_directory(session: Session, path: str | Path, *, user: User | None = None,
                   actor: str | None = "cli") -> list[LoadReport]:
    """Load every ``*.yaml`` directly in ``path`` (not subfolders). Raises QuestionnaireLoadError (writing
    nothing) when any file is invalid or changed without a new version."""
    folder = Path(path)
    if not folder.is_dir():
        raise QuestionnaireLoadError([], f"Không có thư mục bảng hỏi '{path}'.")
    reports = []
    for file in sorted(p for p in folder.glob("*.yaml") if p.is_file()):
        try:
            reports.append(LoadReport(source=str(file), status="new", definition=load_definition(file)))
        except DefinitionError as exc:
            reports.append(LoadReport(source=str(file), status="error", message="\n".join(exc.errors)))
    return _store(session, reports, user=user, actor=actor)


def store_definition(session: Session, defn: Definition, *, source_name: str, user: User | None = None,
                     actor: str | None = "cli") -> LoadReport:
    """Store one already-validated definition (e.g. from the XLSForm importer) with the same rules."""
    report = LoadReport(source=source_name, status="new", definition=defn)
    return _store(session, [report], user=user, actor=actor)[0]


def _store(session: Session, reports: list[LoadReport], *, user: User | None, actor: str | None) -> list[LoadReport]:
    seen: dict[tuple[str, str], LoadReport] = {}
    for report in reports:
        if report.definition is not None:
            _classify(session, report, seen)
    if any(not r.ok for r in reports):
        raise QuestionnaireLoadError(reports)
    for report in reports:
        if report.status != "new":
            continue
        defn = report.definition
        row = QuestionnaireVersion(form_id=defn.form_id, version=defn.version, title=defn.title,
                                   content_hash=defn.content_hash, definition=defn.to_data(),
                                   compiled=defn.compiled(), source_name=report.source[:300])
        session.add(row)
        session.flush()
        report.questionnaire_version = row
        record(session, user=user, actor=None if user else actor, action="questionnaire.load",
               entity_type="questionnaire_version", entity_id=row.id,
               summary=f"Nạp bảng hỏi {defn.form_id} phiên bản {defn.version} từ {report.source}",
               after={"form_id": defn.form_id, "version": defn.version, "content_hash": defn.content_hash})
    return reports


def _classify(session: Session, report: LoadReport, seen: dict[tuple[str, str], LoadReport]) -> None:
    """Decide new / unchanged / error for one definition against the database and earlier files of the run."""
    defn = report.definition
    report.form_id, report.version = defn.form_id, defn.version
    key = (defn.form_id, defn.version)
    earlier = seen.get(key)
    if earlier is not None:
        if earlier.definition.content_hash != defn.content_hash:
            report.status = "error"
            report.message = (f"{report.source}: bảng hỏi '{defn.form_id}' phiên bản '{defn.version}' trùng với "
                              f"tệp {earlier.source} nhưng nội dung khác; hãy đổi version của một trong hai tệp.")
        else:
            report.status = "unchanged"
            report.questionnaire_version = earlier.questionnaire_version
        return
    seen[key] = report
    stored = session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.form_id == defn.form_id, QuestionnaireVersion.version == defn.version))
    if stored is None:
        report.status = "new"
    elif stored.content_hash == defn.content_hash:
        report.status = "unchanged"
        report.questionnaire_version = stored
    else:
        report.status = "error"
        report.message = (f"{report.source}: bảng hỏi '{defn.form_id}' phiên bản '{defn.version}' đã thay đổi "
                          f"nội dung nhưng chưa đổi version (bản đã nạp từ {stored.source_name or 'trước đây'}). "
                          f"Hãy tăng version trong tệp rồi nạp lại.")


# Rebuilt definitions by (id, content_hash). Rows are immutable, so an entry never goes stale; the hash in the key
# keeps the cache right when a test database reuses ids for different content.
_DEFINITIONS: dict[tuple[int, str], Definition] = {}


def get_definition(qv: QuestionnaireVersion) -> Definition:
    """The Definition of a stored version, rebuilt from its canonical data once per process."""
    key = (qv.id, qv.content_hash)
    defn = _DEFINITIONS.get(key)
    if defn is None:
        defn = definition_from_data(qv.definition, qv.source_name or f"{qv.form_id} {qv.version}")
        _DEFINITIONS[key] = defn
    return defn


def latest_version(session: Session, form_id: str) -> QuestionnaireVersion | None:
    """The most recently loaded version of ``form_id``."""
    return session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.form_id == form_id)
                          .order_by(QuestionnaireVersion.loaded_at.desc(), QuestionnaireVersion.id.desc()).limit(1))


def all_versions(session: Session) -> list[QuestionnaireVersion]:
    return list(session.scalars(select(QuestionnaireVersion).order_by(
        QuestionnaireVersion.form_id, QuestionnaireVersion.loaded_at.desc(), QuestionnaireVersion.id.desc())))
