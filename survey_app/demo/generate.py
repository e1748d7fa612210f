"""`flask demo generate --households N --seed S`: a synthetic province for demos, tests and benchmarks.

Builds (or reuses) the Kon Tum area tree of the demo data, adding communes and villages so that villages hold
about 200 households; N households with ethnic groups and official statuses for three years; two rounds of the
series `cuoc_van_dong` (CVD-2024, CVD-2025) given both shipped rulesets; a submission per household and round
(a few missing, in draft, returned or rejected, a few second submissions that are not current) whose answers
are drawn per district so that outcomes differ by district and improve in the second round. Stored in bulk
(multi-row INSERTs, in chunks) with the same shape `save_submission` gives, and scored with the same engine
(`RoundScorer`, the code behind `store_score`). The same N and seed always give the same data.
"""
from __future__ import annotations

import random
import time
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..areas import add_area
from ..core.clock import utc_now, vietnam_today
from ..core.questionnaire import load_definition
from ..errors import Invalid
from ..models import (
    Area,
    Household,
    HouseholdResult,
    HouseholdStatus,
    QuestionnaireVersion,
    Submission,
    SubmissionVersion,
    SurveyRound,
    record,
)
from ..reports.summary import rebuild_summary
from ..reports.targets import load_target_file
from ..results.rulesets import assign_ruleset, load_directory
from ..results.store import household_record, scorers_for
from ..submissions import answers_hash
from ..surveys.versions import store_definition
from .answers import build_compositions, draw_answers, tier_of
from .seed import DISTRICT_GROUPS, KON_TUM, VILLAGE_NAMES, ensure_ethnic_groups, person_name

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "forms" / "ho_gia_dinh.yaml"
RULESETS = ROOT / "forms" / "rulesets"
TARGETS = ROOT / "forms" / "targets"
SERIES = "cuoc_van_dong"
ROUNDS = (("CVD-2024", "Khảo sát Cuộc vận động năm 2024", 2024), ("CVD-2025", "Khảo sát Cuộc vận động năm 2025", 2025))
HOUSEHOLDS_PER_VILLAGE = 200
COMMUNES_PER_DISTRICT = 10
CHUNK = 2000
STATE_WEIGHTS = {"approved": 86, "submitted": 5, "edited": 2, "has_issues": 2, "rejected": 1, "draft": 2, "missing": 2}
SECOND_SUBMISSION = 0.01  # share of households with a second, not current, submission in a round
ROUND_GAIN = 0.07  # propensity gained from one round to the next


class GenerateError(Invalid):
    """Demo data cannot be generated on this database (Vietnamese message)."""


@dataclass
class GenerateReport:
    households: int = 0
    submissions: int = 0
    results: int = 0
    villages: int = 0
    seconds: float = 0.0
    rounds: list[str] = field(default_factory=list)


@dataclass
class _Village:
    id: int
    code: str
    district: str
    q: float  # the commune's propensity


def generate(session: Session, *, households: int, seed: int, versions: bool = True,
             today: date | None = None) -> GenerateReport:
    """Create the synthetic province. Raises GenerateError if the rounds already exist. Flushes, never commits."""
    started = time.perf_counter()
    if households < 1:
        raise GenerateError("Số hộ phải lớn hơn 0.")
    existing = session.scalar(select(SurveyRound.code).where(SurveyRound.code.in_([r[0] for r in ROUNDS])))
    if existing:
        raise GenerateError(f"Đã có đợt khảo sát {existing}: chỉ sinh dữ liệu mẫu trên cơ sở dữ liệu chưa có đợt này.")
    rng = random.Random(seed)
    ensure_ethnic_groups(session)
    villages = _tree(session, rng, households)
    rounds = _rounds(session, villages)
    scorers = {r.id: scorers_for(session, r) for r in rounds}
    defn = load_definition(FORM)
    pool = build_compositions(defn, rng, (today or vietnam_today()).isoformat(),
                              per_size_and_tier=max(2, min(12, households // 400)))
    report = GenerateReport(villages=len(villages), rounds=[r.code for r in rounds])
    number = 0
    plan = _households_per_village(rng, villages, households)
    batch: list[tuple[_Village, int]] = []
    for village, count in plan:
        for _ in range(count):
            number += 1
            batch.append((village, number))
            if len(batch) >= CHUNK:
                _write_chunk(session, rng, seed, batch, rounds, scorers, pool, versions, report)
                batch = []
    if batch:
        _write_chunk(session, rng, seed, batch, rounds, scorers, pool, versions, report)
    for survey_round in rounds:
        _load_demo_targets(session, survey_round)
    rebuild_summary(session)  # the results were stored in bulk, past the lifecycle
    report.seconds = time.perf_counter() - started
    record(session, user=None, actor="demo-generate", action="demo.generate", entity_type="system", entity_id="demo",
           summary=f"Sinh dữ liệu mẫu: {report.households} hộ, {report.submissions} phiếu, {report.villages} thôn, "
                   f"đợt {', '.join(report.rounds)} (hạt giống {seed})")
    return report


# -- areas, rounds --------------------------------------------------------------------------------------------

def _get_or_add(session: Session, cache: dict[str, Area], code: str, name: str, level: str,
                parent: Area | None) -> Area:
    if code not in cache:
        area = session.scalar(select(Area).where(Area.code == code))
        cache[code] = area or add_area(session, code=code, name=name, level=level, parent=parent)
    return cache[code]


def _tree(session: Session, rng: random.Random, households: int) -> list[_Village]:
    cache: dict[str, Area] = {}
    province = _get_or_add(session, cache, "KT", "Kon Tum", "tỉnh", None)
    communes_total = len(KON_TUM) * COMMUNES_PER_DISTRICT
    per_commune = max(2, round(households / HOUSEHOLDS_PER_VILLAGE / communes_total))
    district_q = {code: q for (code, *_), q in zip(KON_TUM, _spread(rng, len(KON_TUM)))}
    villages = []
    for district_code, name, level, communes in KON_TUM:
        district = _get_or_add(session, cache, district_code, name, level, province)
        names = communes + [f"Xã {district.name} {i}" for i in range(len(communes) + 1, COMMUNES_PER_DISTRICT + 1)]
        for index, commune_name in enumerate(names[:COMMUNES_PER_DISTRICT], start=1):
            commune_code = f"{district_code}-{index:02d}"
            commune = _get_or_add(session, cache, commune_code, commune_name, "xã", district)
            commune_q = _clamp(district_q[district_code] + rng.uniform(-0.08, 0.08))
            for v in range(1, per_commune + 1):
                code = f"{commune_code}-{v:02d}"
                village_name = VILLAGE_NAMES[(index * 3 + v) % len(VILLAGE_NAMES)] if v <= 4 else f"Thôn {v}"
                village = _get_or_add(session, cache, code, village_name, "thôn", commune)
                villages.append(_Village(village.id, code, district_code, commune_q))
    session.flush()
    return villages


def _spread(rng: random.Random, n: int) -> list[float]:
    """District propensities spread from low to high (shuffled), so outcomes clearly differ by district."""
    values = [0.12 + 0.6 * i / max(1, n - 1) for i in range(n)]
    rng.shuffle(values)
    return values


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _rounds(session: Session, villages: list[_Village]) -> list[SurveyRound]:
    load = load_directory(session, RULESETS, actor="demo-generate")
    versions = {item.version.ruleset_id: item.version for item in load}
    defn = load_definition(FORM)
    store_definition(session, defn, source_name=str(FORM.relative_to(ROOT)), actor="demo-generate")
    qv = session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.form_id == defn.form_id,
                                                           QuestionnaireVersion.version == defn.version))
    province = session.scalar(select(Area).where(Area.code == "KT"))
    rounds = []
    for code, name, year in ROUNDS:
        survey_round = SurveyRound(code=code, name=name, series=SERIES, questionnaire_version_id=qv.id,
                                   period_start=date(year, 1, 1), period_end=date(year, 12, 31), is_open=True,
                                   count_only_approved=True, areas=[province])
        session.add(survey_round)
        session.flush()
        for position, ruleset_id in enumerate(("cuoc_van_dong", "chuan_ngheo_quoc_gia")):
            if ruleset_id in versions:
                assign_ruleset(session, survey_round, versions[ruleset_id], position=position, actor="demo-generate")
        rounds.append(survey_round)
    return rounds


def _load_demo_targets(session: Session, survey_round: SurveyRound) -> None:
    """The province's 2023 targets are the round's default (the latest province plan in the sources); the
    district targets for 2025 apply to the 2025 round."""
    load_target_file(session, TARGETS / "tinh_2023.yaml", round_code=survey_round.code, actor="demo-generate")
    if survey_round.period_end.year == 2025:
        for name in ("kon_plong_2025.yaml", "dak_glei_2025.yaml"):
            load_target_file(session, TARGETS / name, round_code=survey_round.code, actor="demo-generate")


def _households_per_village(rng: random.Random, villages: list[_Village], total: int) -> list[tuple[_Village, int]]:
    weights = [rng.uniform(0.5, 1.5) for _ in villages]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return list(zip(villages, counts))


# -- households, submissions, results -------------------------------------------------------------------------

def _next_status(rng: random.Random, status: str, q: float) -> str:
    if status == "ngheo":
        return rng.choices(["ngheo", "can_ngheo", "khong_ngheo"], [0.85 - 0.35 * q, 0.1 + 0.2 * q, 0.05 + 0.15 * q])[0]
    if status == "can_ngheo":
        return rng.choices(["ngheo", "can_ngheo", "khong_ngheo"], [0.05, 0.85 - 0.35 * q, 0.1 + 0.35 * q])[0]
    return rng.choices(["ngheo", "can_ngheo", "khong_ngheo"], [0.01, 0.03, 0.96])[0]


def _write_chunk(session: Session, rng: random.Random, seed: int, batch, rounds, scorers, pool, versions: bool,
                 report: GenerateReport) -> None:
    people = []
    for village, number in batch:
        group = rng.choice(DISTRICT_GROUPS[village.district])
        q = _clamp(village.q + rng.uniform(-0.2, 0.2))
        size = rng.choices(range(1, 10), [4, 10, 16, 22, 18, 12, 8, 6, 4])[0]
        first = rng.choices(["ngheo", "can_ngheo", "khong_ngheo"],
                            [10, 10, 80] if group == "kinh" else [50, 25, 25])[0]
        statuses = {2023: first}
        for year in (2024, 2025):
            statuses[year] = _next_status(rng, statuses[year - 1], q + (year - 2024) * ROUND_GAIN)
        names = [person_name(rng, group) for _ in range(size)]
        people.append({"code": f"G{seed}-{village.code}-{number:06d}", "head_name": names[0],
                       "ethnic_group_code": group, "village_id": village.id, "members": size, "q": q,
                       "names": names, "statuses": statuses, "district": village.district})
    household_table = Household.__table__
    now = utc_now()
    ids = session.execute(insert(household_table).returning(household_table.c.id, sort_by_parameter_order=True), [
        {"code": p["code"], "head_name": p["head_name"], "ethnic_group_code": p["ethnic_group_code"],
         "village_id": p["village_id"], "members": p["members"], "address": "", "created_at": now, "updated_at": now}
        for p in people]).scalars().all()
    session.execute(insert(HouseholdStatus.__table__), [
        {"household_id": hid, "year": year, "status": status}
        for hid, p in zip(ids, people) for year, status in p["statuses"].items()])
    report.households += len(people)
    for offset, survey_round in enumerate(rounds):
        _write_round(session, rng, survey_round, offset, list(zip(ids, people)), scorers[survey_round.id], pool,
                     versions, report, now)


def _write_round(session: Session, rng: random.Random, survey_round: SurveyRound, offset: int, people, scorers,
                 pool, versions: bool, report: GenerateReport, now: datetime) -> None:
    submission_table = Submission.__table__
    year = survey_round.period_end.year
    rows, meta = [], []
    for household_id, p in people:
        state = rng.choices(list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()))[0]
        if state == "missing":
            continue
        copies = 2 if rng.random() < SECOND_SUBMISSION else 1
        for copy_index in range(copies):
            q = _clamp(p["q"] + offset * ROUND_GAIN + rng.uniform(-0.05, 0.05))
            composition = rng.choice(pool[(p["members"], tier_of(q))])
            day = date(year, 10, 1) + timedelta(days=rng.randint(0, 75))
            answers = draw_answers(rng, composition, p["names"], q=q, survey_date=day.isoformat(),
                                   ethnic_group=p["ethnic_group_code"], status_start=p["statuses"][year - 1],
                                   status_end=p["statuses"][year],
                                   urban=p["district"] == "KT-TP" and rng.random() < 0.5)
            submit = state != "draft"
            submitted_at = datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc) if submit else None
            current = copy_index == 0
            rows.append({"uuid": str(uuid_module.UUID(int=rng.getrandbits(128), version=4)),
                         "round_id": survey_round.id, "household_id": household_id,
                         "questionnaire_version_id": survey_round.questionnaire_version_id,
                         "village_id": p["village_id"],
                         "enumerator_id": None, "state": state if current else "submitted", "is_current": current,
                         "answers": answers, "answers_hash": answers_hash(answers, submit), "version_number": 1,
                         "flags": [] if current else [{"code": "duplicate_household",
                                                       "message": "Hộ đã có phiếu khác trong đợt này"}],
                         "source": "demo", "started_at": submitted_at, "finished_at": submitted_at,
                         "submitted_at": submitted_at, "created_at": now, "updated_at": now})
            meta.append((household_id, p))
    ids = session.execute(insert(submission_table).returning(submission_table.c.id, sort_by_parameter_order=True),
                          rows).scalars().all()
    report.submissions += len(rows)
    if versions:
        session.execute(insert(SubmissionVersion.__table__), [
            {"submission_id": sid, "number": 1, "answers": row["answers"], "answers_hash": row["answers_hash"],
             "questionnaire_version_id": row["questionnaire_version_id"], "created_by_id": None,
             "reason": "Gửi phiếu", "created_at": now}
            for sid, row in zip(ids, rows) if row["state"] != "draft"])
    results = []
    for sid, row, (household_id, p) in zip(ids, rows, meta):
        if row["state"] == "draft":
            continue
        register = household_record(_Register(p["code"], p["ethnic_group_code"], p["members"]), survey_round,
                                    p["statuses"])
        for scorer in scorers:
            results.append(scorer.row(submission_id=sid, household_id=household_id, village_id=row["village_id"],
                                      state=row["state"], is_current=row["is_current"], answers=row["answers"],
                                      record=register, now=now))
    if results:
        session.execute(insert(HouseholdResult.__table__), results)
    report.results += len(results)


@dataclass
class _Register:
    code: str
    ethnic_group_code: str
    members: int
