"""The per-village summaries the reports add up (reports/summary.py) always equal a computation from scratch,
after any sequence of the operations that change what they summarise: submissions sent, reviewed, chosen,
households created, edited, moved or imported, their official statuses changed, a round's period changed, a round
rescored.
And the report read from them equals one plain aggregate over the stored results."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update

from survey_app.core.review_states import review_targets
from survey_app.errors import ServiceError
from survey_app.households.importing import import_households
from survey_app.households.service import save_household
from survey_app.models import Area, Household, HouseholdResult, Submission, VillageListSummary, VillageResultSummary
from survey_app.reports import summary
from survey_app.reports.report import area_ref, children_of, outcome_specs, round_link
from survey_app.reports.rollup import ResultSet, counted_filter, measures, rollup
from survey_app.results.rescore import rescore_round
from survey_app.submissions.decisions import choose_counted, decide
from survey_app.surveys.rounds import update_round
from tests.support.printing import campaign_round, submit_household
from tests.support.surveys import complete_household_answers, not_informed_answers

VILLAGES = ("V1", "V1B", "V2")
STATUSES = ("ngheo", "can_ngheo", "khong_ngheo", "")
GROUPS = ("xo_dang", "kinh", "ba_na")
IMPORT_HEADER = "ma_ho,ten_chu_ho,dan_toc,ma_thon,so_thanh_vien,dia_chi,tinh_trang_2023\n"

submit = st.tuples(st.just("submit"), st.integers(0, 30), st.booleans())
review = st.tuples(st.just("decide"), st.integers(0, 60), st.integers(0, 3))
operation = st.one_of(  # sending and reviewing drawn three times as often as the rest
    submit, review, submit, review, submit, review,
    st.tuples(st.just("household"), st.sampled_from(VILLAGES), st.sampled_from(GROUPS), st.sampled_from(STATUSES)),
    st.tuples(st.just("edit"), st.integers(0, 30), st.sampled_from(VILLAGES), st.sampled_from(GROUPS),
              st.sampled_from(STATUSES)),
    st.tuples(st.just("choose"), st.integers(0, 60)),
    st.tuples(st.just("import"), st.integers(0, 4), st.sampled_from(VILLAGES), st.sampled_from(("nghèo", "cận nghèo"))),
    st.tuples(st.just("period"), st.sampled_from((2023, 2024, 2025))),
    st.tuples(st.just("rescore")),
)


def _pick(items: list, index: int):
    return items[index % len(items)] if items else None


def _run(session, world, survey_round, step) -> None:
    admin, supervisor = world.users["admin"], world.users["giamsat"]
    households = list(session.scalars(select(Household).order_by(Household.id)))
    submissions = list(session.scalars(select(Submission).where(Submission.round_id == survey_round.id)
                                       .order_by(Submission.id)))
    kind = step[0]
    if kind == "household":
        _, village, group, status = step
        save_household(session, admin, household=None, code=f"HS-{len(households) + 1:04d}", head_name="Chủ hộ",
                       ethnic_group_code=group, village=world.areas[village], members=4, statuses={2023: status})
    elif kind == "edit" and households:
        _, index, village, group, status = step
        household = _pick(households, index)
        save_household(session, admin, household=household, code=household.code, head_name=household.head_name,
                       ethnic_group_code=group, village=world.areas[village], members=household.members,
                       statuses={2023: status, 2024: status})
    elif kind == "submit" and households:
        answers = complete_household_answers() if step[2] else not_informed_answers()
        submit_household(session, admin, _pick(households, step[1]), survey_round, answers)
    elif kind == "decide" and submissions:
        submission = _pick(submissions, step[1])
        targets = review_targets(submission.state)
        if targets:
            decide(session, admin, submission, targets[step[2] % len(targets)], "Kiểm tra lại")
    elif kind == "choose" and submissions:
        choose_counted(session, supervisor if supervisor.covers(_pick(submissions, step[1]).village) else admin,
                       _pick(submissions, step[1]), "Phiếu đúng")
    elif kind == "import":  # two rows: new households, or existing ones moved and given another status
        _, first, village, status = step
        rows = "".join(f"HS-IMP-{i},Y Nhung {i},Xơ Đăng,{village},3,,{status}\n" for i in (first, first + 1))
        import_households(session, admin, "ho.csv", (IMPORT_HEADER + rows).encode())
    elif kind == "period":
        update_round(session, None, survey_round, name=survey_round.name, period_start=date(step[1], 1, 1),
                     period_end=date(step[1], 12, 31), area_codes=[a.code for a in survey_round.areas],
                     is_open=True, count_only_approved=survey_round.count_only_approved, actor="test")
    elif kind == "rescore":
        rescore_round(session, survey_round, actor="test")


def _assert_summary_is_exact(session) -> None:
    session.flush()
    connection = session.connection()
    assert summary.stored_results(connection) == summary.computed_results(connection)
    assert summary.stored_lists(connection) == summary.computed_lists(connection)


@pytest.fixture
def summary_round(world, session):
    survey_round = campaign_round(session)
    session.commit()
    return survey_round


@settings(max_examples=6, deadline=None, database=None, derandomize=True, phases=(Phase.generate,),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(operation, min_size=1, max_size=12))
def test_the_summary_equals_a_computation_from_scratch_after_any_operations(world, session, summary_round, steps):
    for step in steps:  # one transaction per operation, as one request each
        try:
            _run(session, world, summary_round, step)
        except ServiceError:  # a refused operation (an illegal choice, a duplicate code): nothing of it is kept
            session.rollback()
            continue
        _assert_summary_is_exact(session)
        session.commit()


def _exercised(session, world, survey_round) -> None:
    """Households in three villages, submissions in several states, one moved household."""
    for i, (village, status) in enumerate([("V1", "ngheo"), ("V1", "can_ngheo"), ("V1B", "ngheo"), ("V2", "")]):
        _run(session, world, survey_round, ("household", village, GROUPS[i % 2], status))
    for i in range(4):
        _run(session, world, survey_round, ("submit", i, i != 2))
    _run(session, world, survey_round, ("decide", 0, 0))
    _run(session, world, survey_round, ("edit", 1, "V2", "xo_dang", "ngheo"))
    session.flush()


def test_the_report_read_from_the_summary_equals_one_aggregate_of_the_stored_results(world, session,
                                                                                     summary_round):
    _exercised(session, world, summary_round)
    link, version = round_link(session, summary_round)
    for approved_only in (True, False):
        result_set = ResultSet(link.id, approved_only, outcome_specs(version))
        top = world.areas["P"]
        figures = rollup(session.connection(), result_set, area_ref(top),
                         [area_ref(child) for child in children_of(session, top)], root=True)
        expected = session.execute(select(*measures(result_set.outcomes, HouseholdResult.__table__.c))
                                   .where(counted_filter(result_set))).one()
        got = [figures.total.denominator]
        for outcome in figures.total.outcomes:
            got += [outcome.population, outcome.count]
        assert got == [int(x) for x in expected]
        assert sum(child.denominator for child in figures.children) == figures.total.denominator


def test_rebuild_summary_command_repairs_a_damaged_summary(app, world, session, summary_round):
    _exercised(session, world, summary_round)
    session.execute(update(VillageResultSummary).values(population=VillageResultSummary.population + 1))
    session.execute(delete(VillageListSummary))
    session.commit()
    result = app.test_cli_runner().invoke(args=["reports", "rebuild-summary"])
    assert result.exit_code == 0, result.output
    assert "Đã tính lại bảng tổng hợp" in result.output
    session.rollback()
    _assert_summary_is_exact(session)
    assert session.scalar(select(func.count()).select_from(VillageResultSummary)) > 0
    assert session.scalar(select(func.count()).select_from(Area)) > 0
