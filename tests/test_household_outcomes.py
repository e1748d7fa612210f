"""Outcome explanations on the household page, the computed poverty status beside the official one, and the
list of households where they differ."""
from sqlalchemy import select

from survey_app.models import Household, HouseholdStatus
from survey_app.reports.summary import refresh_list
from survey_app.reports.targets import setup_demo_scoring
from survey_app.submissions import SubmissionPayload, save_submission
from tests.conftest import login
from tests.support.surveys import complete_household_answers, make_round, new_uuid, store_campaign_form


def _scored_household(session, world, official_2024: str):
    survey_round = make_round(session, store_campaign_form(session), code="R2024")
    setup_demo_scoring(session, survey_round, actor="test")
    household = world.households["in"]
    household.statuses.append(HouseholdStatus(year=2023, status="ngheo"))
    for status in household.statuses:
        if status.year == 2024:
            status.status = official_2024
    session.flush()
    refresh_list(session, village_ids=[household.village_id])  # statuses written past households/service
    answers = complete_household_answers()  # 1.200.000 đ per person, rural, a few deprivations
    save_submission(session, world.users["dieutra"], SubmissionPayload(
        uuid=new_uuid(), household_code=household.code, round_code="R2024", form_version=None, answers=answers,
        submit=True), today="2024-06-01")
    session.commit()
    return household


def test_household_page_explains_each_criterion(client, world, session):
    _scored_household(session, world, "ngheo")
    login(client, "giamsat")
    html = client.get("/households/HV1-001").get_data(as_text=True)
    assert "Kết quả Đợt R2024" in html
    assert "Tham gia tổ hợp tác" in html or "tổ hợp tác" in html
    assert "Đạt:" in html and "Không đạt:" in html
    assert "Tình trạng tính theo chuẩn nghèo quốc gia" in html


def test_mismatch_is_listed_for_the_commune(client, world, session):
    household = _scored_household(session, world, "khong_ngheo")  # the commune says not poor
    login(client, "giamsat")
    html = client.get("/households/HV1-001").get_data(as_text=True)
    assert "data-mismatch" in html
    page = client.get("/reports/R2024/C1/chenh-lech-tinh-trang")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert household.code in text and "Không nghèo" in text
    # Outside the supervisor's commune: not found.
    assert client.get("/reports/R2024/C2/chenh-lech-tinh-trang").status_code == 404


def test_agreeing_household_is_not_listed(client, world, session):
    _scored_household(session, world, "can_ngheo")  # the answers compute as near-poor too
    login(client, "admin")
    text = client.get("/reports/R2024/P/chenh-lech-tinh-trang").get_data(as_text=True)
    assert "HV1-001" not in text and "Không có hộ nào chênh lệch" in text
    html = client.get("/households/HV1-001").get_data(as_text=True)
    assert "Hộ cận nghèo" in html and "data-mismatch" not in html
    assert session.scalar(select(Household).where(Household.code == "HV1-001")).status_for(2024) == "can_ngheo"
