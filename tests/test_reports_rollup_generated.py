"""The rollup on a generated province agrees with counts computed independently, at every level of the tree."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.core.questionnaire import load_definition, validate_answers
from survey_app.core.scoring import score
from survey_app.models import Area, HouseholdResult, Submission
from survey_app.reports.report import build_report
from survey_app.results.codec import encode
from survey_app.results.store import scorers_for
from tests.support.rollup import expected_by_area, generate_small, primary


@pytest.fixture
def province(app, session):
    return generate_small(session)


def _check(figures, expected):
    assert figures.denominator == expected.denominator, figures.area
    for outcome in figures.outcomes:
        assert outcome.population == expected.population[outcome.id], (figures.area, outcome.id)
        assert outcome.count == expected.met[outcome.id], (figures.area, outcome.id)


def test_rollup_agrees_with_independent_counts_at_every_level(province, session):
    survey_round, _, _ = primary(session, "CVD-2025")
    expected = expected_by_area(session, "CVD-2025")
    areas = list(session.scalars(select(Area).where(Area.code.startswith("KT")).order_by(Area.path)))
    assert {a.level for a in areas} >= {"tỉnh", "huyện", "xã", "thôn"}
    empty = type(next(iter(expected.values())))(0, {}, {})
    for area in areas:
        report = build_report(session, survey_round, area, compare=False)
        want = expected.get(area.code, empty)
        _check(report.rollup.total, type(want)(want.denominator, dict(want.population), dict(want.met))
               if area.code in expected else _zero_like(report.rollup.total))
        for child in report.rollup.children:
            if child.area.code in expected:
                _check(child, expected[child.area.code])
            else:
                assert child.denominator == 0
    assert expected["KT"].denominator > 100


def _zero_like(figures):
    from tests.support.rollup import Expected

    return Expected(0, {o.id: 0 for o in figures.outcomes}, {o.id: 0 for o in figures.outcomes})


def test_previous_round_comparison_and_counting_rule(province, session):
    current_round, _, _ = primary(session, "CVD-2025")
    province_area = session.scalar(select(Area).where(Area.code == "KT"))
    report = build_report(session, current_round, province_area)
    assert report.previous_round.code == "CVD-2024"
    previous = expected_by_area(session, "CVD-2024")["KT"]
    assert report.rollup.total.previous_denominator == previous.denominator
    for outcome in report.rollup.total.outcomes:
        assert outcome.previous_count == previous.met[outcome.id]
        assert outcome.previous_population == previous.population[outcome.id]
    # Counting every submitted one (not only approved) raises the counted households by exactly the extra ones;
    # the official list, the denominator, stays.
    current_round.count_only_approved = False
    session.flush()
    everything = build_report(session, current_round, province_area, compare=False)
    expected = expected_by_area(session, "CVD-2025", approved_only=False)["KT"]
    assert everything.rollup.total.counted == expected.counted > report.rollup.total.counted
    assert everything.rollup.total.denominator == expected.denominator == report.rollup.total.denominator
    assert everything.rollup.total.surveyed == report.rollup.total.surveyed == expected.surveyed
    session.rollback()


def test_each_household_counts_once(province, session):
    _, link, _ = primary(session, "CVD-2025")
    rows = session.execute(select(HouseholdResult.household_id).where(
        HouseholdResult.round_ruleset_id == link.id, HouseholdResult.is_current.is_(True))).scalars().all()
    assert len(rows) == len(set(rows))
    duplicates = session.scalar(select(HouseholdResult.id).where(HouseholdResult.is_current.is_(False)).limit(1))
    assert duplicates is not None, "the generator makes a few second submissions that are not current"


def test_ethnic_breakdown_sums_to_the_total(province, session):
    survey_round, _, _ = primary(session, "CVD-2025")
    area = session.scalar(select(Area).where(Area.code == "KT"))
    report = build_report(session, survey_round, area, ethnic=True, compare=False)
    groups = report.rollup.ethnic
    assert len(groups) >= 3
    assert sum(g.denominator for g in groups) == report.rollup.total.denominator
    for i, outcome in enumerate(report.rollup.total.outcomes):
        assert sum(g.outcomes[i].count for g in groups) == outcome.count


def test_outcomes_vary_by_district(province, session):
    survey_round, _, _ = primary(session, "CVD-2025")
    area = session.scalar(select(Area).where(Area.code == "KT"))
    report = build_report(session, survey_round, area, compare=False)
    rates = [c.outcome("applies_science").percent for c in report.rollup.children if c.denominator >= 10]
    assert max(rates) - min(rates) > 15


def test_generated_answers_are_valid_and_results_are_the_engines(province, session):
    defn = load_definition("forms/ho_gia_dinh.yaml")
    survey_round, link, _ = primary(session, "CVD-2024")
    scorer = next(s for s in scorers_for(session, survey_round) if s.link.id == link.id)
    submissions = session.scalars(select(Submission).where(Submission.round_id == survey_round.id,
                                                           Submission.state == "approved")
                                  .order_by(Submission.id).limit(40)).all()
    for submission in submissions:
        checked = validate_answers(defn, submission.answers, submit=True, today="2026-01-01")
        assert checked.errors == {}
        assert checked.answers == submission.answers
        from survey_app.results.store import household_record

        result = score(scorer.ruleset, submission.answers, household_record(submission.household, survey_round),
                       scorer.parameters, today=scorer.today)
        stored = session.scalar(select(HouseholdResult).where(HouseholdResult.submission_id == submission.id,
                                                              HouseholdResult.round_ruleset_id == link.id))
        in_population, population_mask, met_mask, compact = encode(result)
        assert (stored.in_population, stored.population_mask, stored.met_mask, stored.result) == (
            in_population, population_mask, met_mask, compact)


def test_rescoring_in_worker_processes_reproduces_the_stored_results(province, session, monkeypatch):
    import survey_app.results.rescore as rescore_module
    from survey_app.results.rescore import rescore_round

    survey_round, link, _ = primary(session, "CVD-2025")
    columns = (HouseholdResult.submission_id, HouseholdResult.state, HouseholdResult.in_population,
               HouseholdResult.population_mask, HouseholdResult.met_mask, HouseholdResult.result)
    before = session.execute(select(*columns).order_by(HouseholdResult.submission_id,
                                                       HouseholdResult.round_ruleset_id)).all()
    monkeypatch.setattr(rescore_module, "PARALLEL_FROM", 0)
    monkeypatch.setattr(rescore_module, "PAGE", 97)
    report = rescore_round(session, survey_round, actor="test")
    session.flush()
    after = session.execute(select(*columns).order_by(HouseholdResult.submission_id,
                                                      HouseholdResult.round_ruleset_id)).all()
    in_round = session.scalar(select(func.count(HouseholdResult.id)).where(HouseholdResult.round_id == survey_round.id))
    assert report.rows == in_round > 500
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
