"""Ruleset versions in the database (immutable, like questionnaire versions) and the rulesets given to rounds.

`load_directory` stores every `*.yaml` of a folder: a new (ruleset_id, version) is added; the same version with
the same content is left alone; the same version with different content is refused (a changed ruleset needs a
new version, so that stored results always name what produced them). Nothing is written if any file is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.core.scoring import Ruleset, RulesetError, load_ruleset, ruleset_from_data
from survey_app.errors import InvalidLines
from survey_app.models import RoundRuleset, RulesetVersion, SurveyRound, User, record


class RulesetLoadError(InvalidLines):
    """A ruleset load run was refused; ``lines`` says what was wrong. Nothing was written."""


@dataclass
class RulesetLoad:
    source: str
    status: str  # "new" or "unchanged"
    version: RulesetVersion


def load_directory(session: Session, path: str | Path, *, user: User | None = None,
                   actor: str | None = "cli") -> list[RulesetLoad]:
    folder = Path(path)
    files = [folder] if folder.is_file() else sorted(p for p in folder.glob("*.yaml") if p.is_file())
    if not files:
        raise RulesetLoadError([f"Không có tệp bộ quy tắc (*.yaml) ở '{path}'."])
    parsed: list[tuple[str, Ruleset]] = []
    errors: list[str] = []
    for file in files:
        try:
            parsed.append((str(file), load_ruleset(file)))
        except RulesetError as err:
            errors.extend(str(problem) for problem in err.problems)
    loads: list[RulesetLoad] = []
    seen: dict[tuple[str, str], str] = {}
    for source, ruleset in parsed:
        key = (ruleset.ruleset_id, ruleset.version)
        if key in seen:
            errors.append(f"{source}: bộ quy tắc {key[0]} phiên bản {key[1]} đã có trong tệp {seen[key]}.")
            continue
        seen[key] = source
        existing = session.scalar(select(RulesetVersion).where(RulesetVersion.ruleset_id == ruleset.ruleset_id,
                                                               RulesetVersion.version == ruleset.version))
        if existing is None:
            loads.append(RulesetLoad(source, "new", _new_version(ruleset, source)))
        elif existing.content_hash == ruleset.content_hash:
            loads.append(RulesetLoad(source, "unchanged", existing))
        else:
            errors.append(f"{source}: bộ quy tắc {ruleset.ruleset_id} phiên bản {ruleset.version} đã được nạp với "
                          "nội dung khác. Nội dung thay đổi thì phải tăng \"version\".")
    if errors:
        raise RulesetLoadError(errors)
    for load in loads:
        if load.status == "new":
            session.add(load.version)
            session.flush()
            record(session, user=user, actor=None if user else actor, action="ruleset.load",
                   entity_type="ruleset_version", entity_id=load.version.id,
                   summary=f"Nạp bộ quy tắc {load.version.ruleset_id} phiên bản {load.version.version} "
                           f"từ {load.source}",
                   after={"ruleset_id": load.version.ruleset_id, "version": load.version.version,
                          "content_hash": load.version.content_hash})
    return loads


def _new_version(ruleset: Ruleset, source: str) -> RulesetVersion:
    return RulesetVersion(ruleset_id=ruleset.ruleset_id, version=ruleset.version, title=ruleset.title,
                          questionnaire=ruleset.questionnaire, content_hash=ruleset.content_hash,
                          definition=ruleset.to_data(), source_name=source[:300])


_RULESETS: dict[tuple[int, str], Ruleset] = {}


def get_ruleset(version: RulesetVersion) -> Ruleset:
    """The Ruleset of a stored version, rebuilt (and its expressions compiled) once per process."""
    key = (version.id, version.content_hash)
    ruleset = _RULESETS.get(key)
    if ruleset is None:
        ruleset = ruleset_from_data(version.definition, version.source_name or
                                    f"{version.ruleset_id} {version.version}")
        _RULESETS[key] = ruleset
    return ruleset


def round_rulesets(session: Session, survey_round_id: int) -> list[RoundRuleset]:
    """The rulesets of a round, the primary (reported first) one first."""
    return list(session.scalars(select(RoundRuleset).where(RoundRuleset.round_id == survey_round_id)
                                .order_by(RoundRuleset.position, RoundRuleset.id)))


def assign_ruleset(session: Session, survey_round: SurveyRound, version: RulesetVersion, *,
                   position: int | None = None, user: User | None = None, actor: str | None = "cli") -> RoundRuleset:
    """Give `version` to the round (replacing another version of the same ruleset_id). Stored results are not
    touched here: run `rescore_round` afterwards (the CLI does both in one transaction)."""
    if version.questionnaire != survey_round.questionnaire_version.form_id:
        raise RulesetLoadError([f"Bộ quy tắc {version.ruleset_id} đọc bảng hỏi '{version.questionnaire}', đợt "
                                f"{survey_round.code} dùng bảng hỏi '{survey_round.questionnaire_version.form_id}'."])
    link = session.scalar(select(RoundRuleset).where(RoundRuleset.round_id == survey_round.id,
                                                     RoundRuleset.ruleset_id == version.ruleset_id))
    before = None
    if link is None:
        count = len(round_rulesets(session, survey_round.id))
        link = RoundRuleset(round_id=survey_round.id, ruleset_id=version.ruleset_id, ruleset_version_id=version.id,
                            position=count if position is None else position)
        session.add(link)
    else:
        before = {"ruleset_version_id": link.ruleset_version_id}
        link.ruleset_version_id = version.id
        if position is not None:
            link.position = position
    session.flush()
    record(session, user=user, actor=None if user else actor, action="round.ruleset",
           entity_type="survey_round", entity_id=survey_round.id,
           summary=f"Đợt {survey_round.code} dùng bộ quy tắc {version.ruleset_id} phiên bản {version.version}",
           before=before, after={"ruleset_version_id": version.id, "position": link.position})
    return link
