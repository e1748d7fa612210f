"""Campaign report PDF: figures from the rollup as count/denominator (percent) against targets, by child area."""
from __future__ import annotations

import pytest

from survey_app.models import OutcomeTarget
from survey_app.printing import STATIC_ROOT, make_print_environment, render_template_pdf
from survey_app.printing.report import report_context
from survey_app.reports.summary import refresh_list
from tests.conftest import login
from tests.support.pdf import have_poppler, pdf_text
from tests.support.printing import PRINT_DAY, campaign_round, submit_household
from tests.support.surveys import not_informed_answers

pytestmark = pytest.mark.skipif(not have_poppler(), reason="poppler-utils (pdftotext) is not installed")


def _scored_province(world, session, factories):
    """Three approved households in Măng Cành (two informed) and one in Đăk Man; a 100% target for 'informed'.
    Măng Cành's fourth household on the list (Y Nhung, near-poor at the start) was not surveyed: it counts as not
    informed (the official denominator), so 'informed' is 2/4 in D1."""
    survey_round = campaign_round(session)
    survey_round.count_only_approved = False
    extra = factories.household(world.areas["V1"], code="HV1-002", head_name="Y Brơm", statuses={2023: "ngheo"})
    extra2 = factories.household(world.areas["V1B"], code="HV1B-002", head_name="A Hưởng", statuses={2023: "ngheo"})
    for household in (world.households["in"], world.households["in_b"], world.households["out"]):
        household.statuses[0].year = 2023  # poor at the start of the 2024 round: in the population
    session.flush()
    refresh_list(session, village_ids=[h.village_id for h in world.households.values()])  # written past the service
    not_informed = not_informed_answers()
    submit_household(session, world.users["dieutra"], world.households["in"], survey_round)
    submit_household(session, world.users["dieutra"], extra, survey_round, not_informed)
    submit_household(session, world.users["giamsat"], extra2, survey_round)
    submit_household(session, world.users["giamsat2"], world.households["out"], survey_round)
    session.add(OutcomeTarget(round_id=survey_round.id, outcome_id="informed", area_id=None, operator=">=",
                              percent=100))
    session.commit()
    return survey_round


def test_report_prints_rollup_against_targets_and_children(world, session, factories, tmp_path):
    survey_round = _scored_province(world, session, factories)
    context = report_context(session, survey_round, world.areas["D1"], today=PRINT_DAY)
    pdf = render_template_pdf(make_print_environment(), "print/campaign_report.html", context, STATIC_ROOT)
    text = pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    assert "UBND TỈNH KON TUM" in text and "UBND HUYỆN KON PLÔNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Kon Plông, ngày 08 tháng 02 năm 2023" in text
    assert "BÁO CÁO" in text and "01/01/2024" in flat and "31/12/2024" in flat
    # the label wraps in its table cell and in the chart: read the text in reading order
    assert "Được tuyên truyền, phổ biến nội dung Cuộc vận động" in " ".join(
        pdf_text(pdf, tmp_path, "plain", layout=False).split())
    assert "2/4 (50,0%)" in flat and "≥ 100%" in flat
    assert "danh sách 4 hộ; đã khảo sát 3; được tính 3; bao phủ 3/4 (75,0%)" in flat and "Chưa đạt" in flat
    assert "xã Măng Cành" in flat or "Măng Cành" in flat  # the child area row
    assert "Tổng cộng" in flat
    assert "NGƯỜI LẬP BÁO CÁO" in text


def test_report_route_is_area_limited(world, session, factories, client, tmp_path):
    survey_round = _scored_province(world, session, factories)
    login(client, "lanhdao")  # viewer of district D1
    response = client.get(f"/paper/reports/{survey_round.code}/D1.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "2/4 (50,0%)" in " ".join(pdf_text(response.data, tmp_path).split())
    assert client.get(f"/paper/reports/{survey_round.code}/D2.pdf").status_code == 404
    assert client.get(f"/paper/reports/{survey_round.code}/P.pdf").status_code == 404
    assert client.get("/paper/reports/NOPE/D1.pdf").status_code == 404
