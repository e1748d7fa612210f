"""Stored scores: store_score / sync_states, the counting rule, ruleset loading and rescoring with its audit row."""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from survey_app.core.questionnaire import load_definition
from survey_app.core.scoring import load_ruleset, resolve_parameters, score
from survey_app.models import AuditEntry, HouseholdResult, RoundRuleset, Submission, SurveyRound
from survey_app.reports.report import build_report
from survey_app.reports.summary import rebuild_summary
from survey_app.results import (
    decode,
    encode,
    load_directory,
    rescore_round,
    store_score,
    stored_results,
    sync_states,
)
from survey_app.results.rulesets import RulesetLoadError, assign_ruleset
from survey_app.surveys.versions import store_definition
from tests.support.scoring import base_answers

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "forms" / "rulesets" / "cuoc_van_dong.yaml"


def make_round(session, world, *, count_only_approved=True, code="R2024"):
    defn = load_definition(ROOT / "forms" / "ho_gia_dinh.yaml")
    store_definition(session, defn, source_name="forms/ho_gia_dinh.yaml", actor="test")
    from survey_app.models import QuestionnaireVersion

    qv = session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.form_id == defn.form_id))
    survey_round = SurveyRound(code=code, name=f"Đợt {code}", series="cvd", questionnaire_version_id=qv.id,
                               period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                               count_only_approved=count_only_approved, areas=[world.areas["P"]])
    session.add(survey_round)
    session.flush()
    version = next(load.version for load in load_directory(session, CAMPAIGN))
    assign_ruleset(session, survey_round, version)
    return survey_round


def submit(session, survey_round, household, *, state="submitted", answers=None, is_current=True):
    submission = Submission(uuid=str(uuid.uuid4()), round_id=survey_round.id, household_id=household.id,
                            questionnaire_version_id=survey_round.questionnaire_version_id,
                            village_id=household.village_id, state=state, is_current=is_current,
                            answers=answers or base_answers(), answers_hash="x" * 64)
    session.add(submission)
    session.flush()
    store_score(session, submission)
    return submission


def province_report(session, survey_round, world):
    """These tests write results past the submission lifecycle (store level), so the village summaries the report
    reads are rebuilt first (their upkeep is tested in test_reports_summary.py)."""
    rebuild_summary(session)
    return build_report(session, survey_round, world.areas["P"], compare=False).rollup.total


def test_codec_round_trip_keeps_every_explanation():
    ruleset = load_ruleset(CAMPAIGN)
    answers = base_answers()
    answers.pop("thu_nhap_binh_quan_thang")  # a missing answer: undetermined criterion with its missing name
    household = {"code": "H", "ethnic_group": "xo_dang", "members": 4, "status_start": "ngheo", "status_end": None}
    result = score(ruleset, answers, household, resolve_parameters(ruleset, "2025-12-31"), today="2025-12-31")
    in_population, population_mask, met_mask, compact = encode(result)
    again = decode(compact, ruleset.to_data(), content_hash=ruleset.content_hash, parameters=result.parameters,
                   today=result.today)
    assert again == result
    assert len(str(compact)) < len(str(result.to_data())) / 5
    bits = {o.id: i for i, o in enumerate(ruleset.outcomes)}
    assert met_mask >> bits["informed"] & 1 == 1
    assert population_mask >> bits["escaped_near_poverty"] & 1 == 0


def test_store_score_is_idempotent_and_drafts_have_no_result(world, session):
    survey_round = make_round(session, world)
    submission = submit(session, survey_round, world.households["in"], state="draft")
    assert session.scalar(select(func.count(HouseholdResult.id))) == 0
    submission.state = "submitted"
    store_score(session, submission)
    store_score(session, submission)
    rows = session.scalars(select(HouseholdResult)).all()
    assert len(rows) == 1 and rows[0].state == "submitted" and rows[0].ethnic_group_code == "xo_dang"
    # A review decision changes only the state: sync_states copies it without rescoring.
    submission.state = "approved"
    sync_states(session, [submission.id])
    session.expire_all()
    assert session.scalars(select(HouseholdResult)).one().state == "approved"


def test_counting_rule_approved_only_or_all_submitted_each_household_once(world, session):
    survey_round = make_round(session, world)
    first = submit(session, survey_round, world.households["in"], state="approved")
    submit(session, survey_round, world.households["in"], state="submitted", is_current=False)  # second copy
    submit(session, survey_round, world.households["in_b"], state="submitted")
    submit(session, survey_round, world.households["out"], state="has_issues")
    # Register statuses: the start of 2025 is the review of 2024 (all three households are poor or near-poor).
    # The counted households follow the counting rule; the denominator is the official list of the three.
    total = province_report(session, survey_round, world)
    assert (total.counted, total.surveyed, total.listed, total.denominator) == (1, 3, 3, 3)
    survey_round.count_only_approved = False
    session.flush()
    assert province_report(session, survey_round, world).counted == 2  # has_issues never counts
    # The stored copy of a rejection: the household drops out (store level; who becomes current is the counting
    # rule of the submission lifecycle, tested in test_submission_counting.py).
    first.state = "rejected"
    sync_states(session, [first.id])
    assert province_report(session, survey_round, world).counted == 1


def test_ruleset_same_version_with_changed_content_is_refused(world, session, tmp_path):
    load_directory(session, CAMPAIGN)
    data = yaml.safe_load(CAMPAIGN.read_text(encoding="utf-8"))
    data["parameters"]["thu_nhap_binh_quan_dtts"]["periods"][0]["value"] = 999
    changed = tmp_path / "cvd.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesetLoadError) as err:
        load_directory(session, changed)
    assert "phải tăng" in str(err.value)


def test_rescore_applies_a_changed_parameter_and_writes_the_audit_row(world, session, tmp_path):
    survey_round = make_round(session, world)
    answers = base_answers()
    answers["thu_nhap_binh_quan_thang"] = 2_000_000  # above 1.800.000: life improved (every other criterion holds)
    submission = submit(session, survey_round, world.households["in"], state="approved", answers=answers)
    before = province_report(session, survey_round, world).outcome("life_improved").count
    assert before == 1
    data = yaml.safe_load(CAMPAIGN.read_text(encoding="utf-8"))
    data["version"] = "2024.2"
    data["parameters"]["thu_nhap_binh_quan_dtts"]["periods"][0]["value"] = 2_500_000
    newer = tmp_path / "cuoc_van_dong_2024_2.yaml"
    newer.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    version = load_directory(session, newer)[0].version
    assign_ruleset(session, survey_round, version)
    report = rescore_round(session, survey_round, actor="test")
    assert report.rows == 1
    assert province_report(session, survey_round, world).outcome("life_improved").count == 0
    stored = session.scalar(select(HouseholdResult).where(HouseholdResult.submission_id == submission.id))
    assert stored.ruleset_version_id == version.id
    explained = decode(stored.result, version.definition).outcome("life_improved")
    assert explained.criterion("thu_nhap_tren_binh_quan").held is False
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "scoring.rescore"))
    assert "cuoc_van_dong 2024.2" in audit.summary
    assert audit.after["ruleset_versions"][0]["parameters"]["thu_nhap_binh_quan_dtts"] == 2_500_000


def test_stored_results_explain_each_criterion_in_vietnamese(world, session):
    survey_round = make_round(session, world)
    answers = base_answers()
    answers["loai_nha"] = "ban_kien_co"
    submission = submit(session, survey_round, world.households["in"], state="submitted", answers=answers)
    [stored] = stored_results(session, submission.id)
    assert stored.version.ruleset_id == "cuoc_van_dong"
    link_id = session.scalar(select(RoundRuleset.id).where(RoundRuleset.round_id == survey_round.id))
    assert stored.round_ruleset_id == link_id
    assert stored.score.content_hash == stored.version.content_hash and stored.score.today == "2025-12-31"
    life = stored.score.outcome("life_improved")
    assert life.status == "not_met"
    assert life.criterion("nha_kien_co").explain() == "Không đạt — Có nhà ở kiên cố"
    assert life.criterion("co_ti_vi").explain() == "Đạt — Có ti vi"


def test_cli_loads_rulesets_and_targets_and_rescores(world, session, app):
    survey_round = make_round(session, world, code="R2025")
    submit(session, survey_round, world.households["in"], state="approved")
    session.commit()
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["rulesets", "load", str(ROOT / "forms" / "rulesets")])
    assert loaded.exit_code == 0, loaded.output
    assert "cuoc_van_dong 2024.1: không đổi" in loaded.output and "chuan_ngheo_quoc_gia 2024.1: mới" in loaded.output
    targets = runner.invoke(args=["targets", "load", str(ROOT / "forms" / "targets" / "tinh_2023.yaml"),
                                  "--round", "R2025"])
    assert targets.exit_code == 0 and "Đã ghi 5 chỉ tiêu" in targets.output
    rescored = runner.invoke(args=["scoring", "rescore", "--round", "R2025"])
    assert rescored.exit_code == 0 and "1 kết quả theo bộ quy tắc cuoc_van_dong 2024.1" in rescored.output
    missing = runner.invoke(args=["scoring", "rescore", "--round", "KHONG-CO"])
    assert missing.exit_code != 0 and "Không có đợt khảo sát mã 'KHONG-CO'" in missing.output
