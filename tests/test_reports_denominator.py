"""The official denominator: a district whose official list (poor and near-poor ethnic-minority households at
the start, as the register says) is larger than what was surveyed shows the list's size, the surveyed and counted
households and the coverage, and the round's denominator rule, identically on the page, in /api/v1/rollup, in the
PDF and in both exports; with the "surveyed" setting the figures over the counted households come back."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from survey_app.core.denominators import DENOMINATOR_LABELS, DENOMINATOR_SHORT
from survey_app.models import SurveyRound
from survey_app.submissions.decisions import decide
from survey_app.surveys.rounds import RoundError
from tests.conftest import login
from tests.support.pdf import have_poppler, pdf_text
from tests.support.printing import campaign_round, submit_household
from tests.support.surveys import change_round

INFORMED = "informed"
# D1 (commune C1: villages V1, V1B): 6 households on the list at the start of 2024 (register year 2023), 3 of them
# surveyed, 2 approved (the round counts approved ones only); a Kinh poor household and a non-poor one are not on
# the list.
LIST, SURVEYED, COUNTED = 6, 3, 2


@pytest.fixture
def half_surveyed(world, session, factories):
    survey_round = campaign_round(session)
    statuses = ["ngheo", "ngheo", "can_ngheo", "can_ngheo"]
    listed = [factories.household(world.areas["V1"], code=f"DS-{i:02d}", statuses={2023: status})
              for i, status in enumerate(statuses)]
    listed += [factories.household(world.areas["V1B"], code=f"DS-B{i}", statuses={2023: "ngheo"}) for i in range(2)]
    factories.household(world.areas["V1B"], code="DS-KINH", ethnic_group="kinh", statuses={2023: "ngheo"})
    factories.household(world.areas["V1B"], code="DS-KN", statuses={2023: "khong_ngheo"})
    sent = [submit_household(session, world.users["dieutra"], household, survey_round) for household in listed[:3]]
    for submission in sent[:2]:
        decide(session, world.users["giamsat"], submission, "approved")
    session.commit()
    return survey_round


def _set_denominator(session, survey_round, rule: str):
    change_round(session, survey_round, denominator=rule)


def _table(client, path: str, fmt: str) -> list[list]:
    body = client.get(f"{path}/bang.{fmt}")
    assert body.status_code == 200
    if fmt == "csv":  # for people: `;`, a row of labels, a row of codes (left out here), decimal commas
        labels, _codes, *rows = csv.reader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
        return [labels, *rows]
    return [list(r) for r in load_workbook(io.BytesIO(body.data), read_only=True).active.iter_rows(values_only=True)]


@pytest.mark.parametrize(("rule", "denominator", "informed"), [("official", LIST, "2/6 (33,3%)"),
                                                               ("surveyed", COUNTED, "2/2 (100,0%)")])
def test_the_list_and_the_rule_everywhere_the_report_appears(half_surveyed, session, client, tmp_path, rule,
                                                             denominator, informed):
    if rule != "official":
        _set_denominator(session, half_surveyed, rule)
    login(client, "admin")
    path = f"/reports/{half_surveyed.code}/D1"
    words = "danh sách 6 hộ; đã khảo sát 3; được tính 2; bao phủ 2/6 (33,3%)"
    cell = "6/3/2 (33,3%)"

    html = " ".join(client.get(path).get_data(as_text=True).split())
    assert DENOMINATOR_LABELS[rule] in html
    assert f"{denominator} hộ thuộc đối tượng" in html
    assert f'data-listed="{LIST}" data-surveyed="{SURVEYED}" data-counted="{COUNTED}"' in html
    assert words in html
    children = html[html.index('id="report-children"'):]
    assert re.search(r'data-area="C1".*?class="num report-list"[^>]*>([^<]*)<', children)[1].strip() == cell
    assert f"{informed}" in re.search(rf'data-outcome="{INFORMED}"[^>]*>([^<]*)', html)[1]

    api = client.get(f"/api/v1/rollup?area=D1&round={half_surveyed.code}").get_json()
    assert api["round"]["denominator"] == {"rule": rule, "label": DENOMINATOR_LABELS[rule]}
    expected_list = {"size": LIST, "surveyed": SURVEYED, "counted": COUNTED, "coverage": 33.3}
    assert api["area"]["official_list"] == expected_list
    assert api["area"]["denominator"] == denominator
    child = next(c for c in api["children"] if c["code"] == "C1")
    assert child["official_list"] == expected_list and child["denominator"] == denominator
    outcome = next(o for o in api["area"]["outcomes"] if o["id"] == INFORMED)
    assert (outcome["count"], outcome["population"]) == (2, denominator)

    for fmt in ("csv", "xlsx"):
        header, total, *rest = _table(client, path, fmt)
        assert header[3] == f"Mẫu số (hộ): {DENOMINATOR_SHORT[rule]}"
        columns = [header.index(name) for name in ("Danh sách được công nhận (hộ)", "Đã khảo sát (hộ)",
                                                   "Được tính (hộ)", "Bao phủ (%)")]
        for row in (total, next(r for r in rest if r[0] == "C1")):
            values = [row[i] for i in [3, *columns]]
            if fmt == "csv":
                values = [float(v.replace(",", ".")) if "," in v else int(v) for v in values]
            assert values == [denominator, LIST, SURVEYED, COUNTED, 33.3]
        assert total[header.index(f"{outcome['label']} — trên số hộ")] in (denominator, str(denominator))

    if have_poppler():
        pdf = client.get(f"/paper/reports/{half_surveyed.code}/D1.pdf")
        assert pdf.status_code == 200
        text = " ".join(pdf_text(pdf.data, tmp_path).split())
        assert f"Cuộc vận động: {denominator} hộ" in text
        assert DENOMINATOR_LABELS[rule][:60] in text
        assert words in text
        children = text[text.index("III."):]
        # the cell wraps in the PDF's narrow column: its first line follows the area's denominator
        assert f"Măng Cành {denominator} 6/3/2" in children and f"Tổng cộng {denominator} 6/3/2" in children
        assert informed in text


def test_unlisted_households_are_not_in_the_list_and_an_area_without_a_list_has_no_coverage(half_surveyed, session,
                                                                                            client):
    login(client, "admin")
    api = client.get(f"/api/v1/rollup?area=P&round={half_surveyed.code}").get_json()
    assert api["area"]["official_list"]["size"] == LIST  # not the Kinh household, not the non-poor one
    d2 = next(c for c in api["children"] if c["code"] == "D2")
    assert d2["official_list"] == {"size": 0, "surveyed": 0, "counted": 0, "coverage": None}
    poor = next(o for o in api["area"]["outcomes"] if o["id"] == "escaped_poverty")
    assert poor["population"] == 4  # the outcome's own population on the list: the poor at the start


def test_the_round_form_and_the_cli_set_the_rule(half_surveyed, app, client, session):
    login(client, "admin")
    page = client.get(f"/rounds/{half_surveyed.id}").get_data(as_text=True)
    assert "Mẫu số của báo cáo" in page and DENOMINATOR_LABELS["surveyed"] in page
    with pytest.raises(RoundError) as refused:
        _set_denominator(session, half_surveyed, "all")
    assert refused.value.errors["denominator"].startswith("Mẫu số của báo cáo:")
    session.rollback()
    result = app.test_cli_runner().invoke(args=["rounds", "create", "R-DEN", "--name", "Đợt thử", "--form", "ho_gia_dinh",
                                          "--start", "2024-01-01", "--end", "2024-12-31", "--area", "P",
                                          "--denominator", "surveyed"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.query(SurveyRound).filter_by(code="R-DEN").one().denominator == "surveyed"
