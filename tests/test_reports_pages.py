"""Report pages, exports and the rollup API: they agree with each other and stay inside the user's area."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey_app.core.formatting import (
    as_number,
    format_percent_change,
    format_ratio,
    percent_change_value,
    percent_value,
)
from survey_app.models import Area, OutcomeTarget
from tests.conftest import csrf_token, login
from tests.support.rollup import expected_by_area, generate_small


@pytest.fixture
def province(app, session, factories):
    generate_small(session, households=400, seed=11)
    factories.user("tinh", "admin", "KT")
    factories.user("huyen", "viewer", "KT-KPL")
    factories.user("xa", "supervisor", "KT-KPL-01")
    session.commit()


def _page_counts(html: str, table_id: str) -> dict[str, tuple[int, int]]:
    table = html[html.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    return {m[0]: (int(m[1]), int(m[2])) for m in
            re.findall(r'data-outcome="([a-z_]+)"[^>]*data-count="(\d+)" data-population="(\d+)"', table)}


def test_page_xlsx_and_json_agree(province, client, session):
    login(client, "huyen")
    html = client.get("/reports/CVD-2025/KT-KPL").get_data(as_text=True)
    page = _page_counts(html, "report-total")
    api = client.get("/api/v1/rollup?area=KT-KPL&round=CVD-2025").get_json()
    workbook = load_workbook(io.BytesIO(client.get("/reports/CVD-2025/KT-KPL/bang.xlsx").data), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    header, total = rows[0], rows[1]
    assert api["area"]["code"] == total[0] == "KT-KPL"
    assert api["area"]["denominator"] == total[3]
    assert len(page) == len(api["area"]["outcomes"]) == 8
    for outcome in api["area"]["outcomes"]:
        column = header.index(f"{outcome['label']} — số hộ")
        assert page[outcome["id"]] == (outcome["count"], outcome["population"]) == (total[column], total[column + 1])
        assert format_ratio(outcome["count"], outcome["population"]) in html
        # One rounding everywhere (see tests/test_percent_rounding.py): the API's and the sheet's percentage.
        assert outcome["percent"] == as_number(percent_value(outcome["count"], outcome["population"]))
        assert total[header.index(f"{outcome['label']} — tỷ lệ (%)")] == outcome["percent"]
        previous = outcome["previous"]
        assert previous["change_points"] == as_number(percent_change_value(
            outcome["count"], outcome["population"], previous["count"], previous["population"]))
        change = format_percent_change(outcome["count"], outcome["population"], previous["count"],
                                       previous["population"])
        assert f"{change} điểm %" in html
    expected = expected_by_area(session, "CVD-2025")["KT-KPL"]
    assert api["area"]["denominator"] == expected.denominator
    # Children: one row per commune, the same in the three.
    assert [c["code"] for c in api["children"]] == [r[0] for r in rows[2:]]
    assert [c["denominator"] for c in api["children"]] == [r[3] for r in rows[2:]]
    for child, row in zip(api["children"], rows[2:]):
        start = html.index(f'data-area="{child["code"]}"')
        row_html = html[start:html.index("</tr>", start)]
        cells = {m[0]: (int(m[1]), int(m[2])) for m in re.findall(
            r'data-outcome="([a-z_]+)" data-count="(\d+)" data-population="(\d+)"', row_html)}
        for outcome in child["outcomes"]:
            column = header.index(f"{outcome['label']} — số hộ")
            assert cells[outcome["id"]] == (outcome["count"], outcome["population"]) == (row[column], row[column + 1])
    assert "<svg" in html and "Chỉ tiêu" in html


def test_targets_with_overrides_show_on_page_and_api(province, client, session):
    login(client, "tinh")
    province_data = client.get("/api/v1/rollup?round=CVD-2025").get_json()
    assert province_data["area"]["code"] == "KT"
    by_code = {c["code"]: c for c in province_data["children"]}
    mindset = {c: next(o for o in by_code[c]["outcomes"] if o["id"] == "mindset_changed") for c in by_code}
    assert mindset["KT-KPL"]["target"] == {"operator": ">=", "percent": 70.0}  # Kon Plông's own 2025 target
    assert mindset["KT-DGL"]["target"] == {"operator": ">=", "percent": 15.0}  # the province's default
    cooperative = next(o for o in by_code["KT-DGL"]["outcomes"] if o["id"] == "cooperative")
    assert cooperative["target"]["percent"] == 25.0
    # The Kon Plông override reaches its communes too (nearest ancestor wins).
    commune = client.get("/api/v1/rollup?round=CVD-2025&area=KT-KPL").get_json()["children"][0]
    assert next(o for o in commune["outcomes"] if o["id"] == "mindset_changed")["target"]["percent"] == 70.0
    for child in province_data["children"]:
        for o in child["outcomes"]:
            if o["target"] and o["population"]:
                share = o["count"] * 100 / o["population"]
                assert o["met"] == (share >= o["target"]["percent"] if o["target"]["operator"] == ">="
                                    else share > o["target"]["percent"])


def test_admin_edits_a_target_and_others_may_not(province, client, session):
    login(client, "tinh")
    token = csrf_token(client, "/reports/CVD-2025/chi-tieu")
    response = client.post("/reports/CVD-2025/chi-tieu", data={
        "csrf_token": token, "outcome_id": "informed", "area_code": "KT-KPL-01", "operator": ">=", "percent": "95,5"})
    assert response.status_code == 302
    target = session.scalar(select(OutcomeTarget).join(Area).where(Area.code == "KT-KPL-01"))
    assert (target.outcome_id, target.operator, target.percent) == ("informed", ">=", 95.5)
    bad = client.post("/reports/CVD-2025/chi-tieu", data={"csrf_token": token, "outcome_id": "informed",
                                                          "area_code": "", "operator": ">=", "percent": "150"})
    assert bad.status_code == 422 and "từ 0 đến 100" in bad.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})
    other = client.application.test_client()
    login(other, "huyen")
    assert other.get("/reports/CVD-2025/chi-tieu").status_code == 403


@pytest.mark.parametrize("path", [
    "/reports/CVD-2025/KT", "/reports/CVD-2025/KT-DGL", "/reports/CVD-2025/KT-DGL/bang.csv",
    "/reports/CVD-2025/KT-DGL/ho.csv", "/reports/CVD-2025/KT-DGL/ho.xlsx",
    "/api/v1/rollup?area=KT-DGL&round=CVD-2025", "/api/v1/rollup?area=KT&round=CVD-2025",
])
def test_outside_the_area_is_not_found(province, client, path):
    login(client, "huyen")
    assert client.get(path).status_code == 404


def test_household_export_is_limited_to_the_area_and_explains_criteria(province, client, session):
    login(client, "xa")
    assert client.get("/api/v1/rollup?round=CVD-2025").get_json()["area"]["code"] == "KT-KPL-01"
    body = client.get("/reports/CVD-2025/KT-KPL-01/ho.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header, codes, data = rows[0], rows[1], rows[2:]
    assert header[codes.index("life_improved.co_ti_vi")] == "Có ti vi"
    assert data and all(row[3].startswith("KT-KPL-01-") for row in data)
    expected = expected_by_area(session, "CVD-2025")["KT-KPL-01"]
    informed = header.index("Được tuyên truyền, phổ biến nội dung Cuộc vận động")
    assert codes[informed] == "informed"
    assert sum(1 for row in data if row[informed] == "Đạt") == expected.met["informed"]
    workbook = load_workbook(io.BytesIO(client.get("/reports/CVD-2025/KT-KPL-01/ho.xlsx").data), read_only=True)
    assert len(list(workbook.active.iter_rows(values_only=True))) == len(rows) - 1  # codes: the sheet "Mã cột"


def test_drill_down_links_and_ethnic_toggle(province, client):
    login(client, "huyen")
    html = client.get("/reports/CVD-2025/KT-KPL?ethnic=1").get_data(as_text=True)
    assert 'href="/reports/CVD-2025/KT-KPL-01?ethnic=1"' in html
    assert 'id="report-ethnic"' in html and "Xơ Đăng" in html
    assert "So sánh với đợt" in html
    index = client.get("/reports/")
    assert index.status_code == 302 and index.headers["Location"].endswith("/reports/CVD-2025/KT-KPL")
