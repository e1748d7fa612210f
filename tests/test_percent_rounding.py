"""One rounding for every percentage: half up to one decimal from the exact fraction (survey_app.core.formatting
.percent_value), the same on the report page, in /api/v1/rollup and in the CSV and XLSX exports."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from survey_app.core.formatting import (
    MISSING,
    as_number,
    format_percent,
    format_percent_change,
    format_ratio,
    percent_change_value,
    percent_value,
    round_half_up,
)
from tests.conftest import login
from tests.support.printing import campaign_round, submit_household
from tests.support.surveys import not_informed_answers

# -- the function ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "denominator", "expected"), [
    (1, 16, "6.3"),  # 6,25 exactly: half up, where round(6.25, 1) gives 6.2
    (5, 16, "31.3"),  # 31,25; round() gives 31.2
    (3, 16, "18.8"),  # 18,75 (ties to even would agree here: a control)
    (1, 8, "12.5"),
    (3, 8, "37.5"),
    (1, 3, "33.3"),
    (2, 3, "66.7"),
    (1714, 2598, "66.0"),
    (0, 7, "0.0"),
    (0, 1, "0.0"),
    (16, 16, "100.0"),
    (1, 2000, "0.1"),  # 0,05 exactly
    (1, 2001, "0.0"),  # just under 0,05
])
def test_percent_value_rounds_half_up_from_the_exact_fraction(count, denominator, expected):
    value = percent_value(count, denominator)
    assert isinstance(value, Decimal) and value == Decimal(expected) and str(value) == expected


@pytest.mark.parametrize(("count", "denominator"), [(3, 0), (0, 0), (None, 5), (5, None)])
def test_no_percentage_without_households(count, denominator):
    assert percent_value(count, denominator) is None
    assert format_percent(count, denominator) == MISSING
    assert as_number(percent_value(count, denominator)) is None


def test_digits_and_exactness():
    assert percent_value(1, 16, digits=0) == Decimal("6")
    assert percent_value(1, 16, digits=2) == Decimal("6.25")
    assert percent_value(1, 32, digits=2) == Decimal("3.13")  # 3,125
    assert percent_value(1, 80, digits=0) == Decimal("1")  # 1,25
    assert percent_value(1, 40, digits=0) == Decimal("3")  # 2,5
    # A tie that no float reaches: (10^17 + 5) / 10^18 = 10,0000000000000005 %.
    assert percent_value(10**17 + 5, 10**18, digits=16) == Decimal("10.0000000000000005")
    assert percent_value(10**17 + 5, 10**18, digits=15) == Decimal("10.000000000000001")
    assert round_half_up(Fraction(25, 4)) == Decimal("6.3")
    assert round_half_up(Fraction(-25, 4)) == Decimal("-6.3")  # away from zero
    assert str(round_half_up(Fraction(-1, 100))) == "0.0"  # never -0,0
    with pytest.raises(ValueError):
        percent_value(1, 16, digits=-1)


def test_printed_and_numeric_forms_are_built_on_it():
    assert format_percent(1, 16) == "6,3%"
    assert format_percent(5, 16) == "31,3%"
    assert format_percent(1, 8) == "12,5%"
    assert format_percent(0, 16) == "0,0%"
    assert format_ratio(1, 16) == "1/16 (6,3%)"
    assert as_number(percent_value(1, 16)) == 6.3 and str(as_number(percent_value(5, 16))) == "31.3"


def test_change_in_points_is_the_exact_difference_rounded_the_same_way():
    assert percent_change_value(1, 16, 0, 8) == Decimal("6.3")
    assert percent_change_value(1, 8, 1, 16) == Decimal("6.3")  # 12,5 - 6,25
    assert percent_change_value(1, 16, 1, 8) == Decimal("-6.3")
    assert percent_change_value(1, 16, 1, 0) is None and percent_change_value(1, 0, 1, 16) is None
    assert format_percent_change(1, 16, 0, 8) == "+6,3"
    assert format_percent_change(1, 16, 1, 8) == "-6,3"
    assert format_percent_change(1, 16, 1, 16) == "0,0"
    assert format_percent_change(1, 16, None, None) == MISSING


# -- end to end: page, API, CSV, XLSX ------------------------------------------------------------------------------

INFORMED = "informed"
VILLAGES = {"V1": (1, 16, "6,3%", 6.3), "V1B": (5, 16, "31,3%", 31.3), "V2": (1, 8, "12,5%", 12.5)}


@pytest.fixture
def tied_villages(world, session, factories):
    """A round where 'informed' is 1/16 in V1, 5/16 in V1B and 1/8 in V2 (every household in the population)."""
    survey_round = campaign_round(session)
    survey_round.count_only_approved = False
    not_informed = not_informed_answers()
    submitters = {"V1": world.users["dieutra"], "V1B": world.users["giamsat"], "V2": world.users["giamsat2"]}
    for code, (informed, households, _, _) in VILLAGES.items():
        for i in range(households):
            household = factories.household(world.areas[code], code=f"T{code}-{i:03d}", statuses={2023: "ngheo"})
            submit_household(session, submitters[code], household, survey_round,
                             None if i < informed else not_informed)
    session.commit()
    return survey_round


def _page_cell(html: str, table_id: str, outcome_id: str) -> str:
    table = html[html.index(f'id="{table_id}"'):]
    match = re.search(rf'data-outcome="{outcome_id}"[^>]*>([^<]*)', table)
    return " ".join(match[1].split())


def _table_export(client, path: str, fmt: str) -> tuple[list, list]:
    """(header, rows): the labels for the CSV for people (its row of codes left out) and the XLSX, the codes for
    the CSV for machines (``csv-may``)."""
    machine = fmt == "csv-may"
    body = client.get(f"{path}/bang.csv?dang=may" if machine else f"{path}/bang.{fmt}")
    assert body.status_code == 200
    if machine:
        rows = list(csv.reader(io.StringIO(body.get_data(as_text=True))))
    elif fmt == "csv":
        labels, _codes, *rows = csv.reader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
        rows = [labels, *rows]
    else:
        sheet = load_workbook(io.BytesIO(body.data), read_only=True).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_page_api_csv_and_xlsx_show_the_same_rounded_value(tied_villages, client):
    login(client, "admin")
    code = tied_villages.code
    for village, (count, households, printed, number) in VILLAGES.items():
        path = f"/reports/{code}/{village}"
        html = client.get(path).get_data(as_text=True)
        assert _page_cell(html, "report-total", INFORMED) == f"{count}/{households} ({printed})"
        api = client.get(f"/api/v1/rollup?area={village}&round={code}").get_json()
        outcome = next(o for o in api["area"]["outcomes"] if o["id"] == INFORMED)
        assert (outcome["count"], outcome["population"]) == (count, households)
        assert outcome["percent"] == number and isinstance(outcome["percent"], float)
        for fmt in ("csv", "csv-may", "xlsx"):
            header, rows = _table_export(client, path, fmt)
            column = header.index(f"{INFORMED}.percent" if fmt == "csv-may" else f"{outcome['label']} — tỷ lệ (%)")
            assert rows[0][0] == village
            if fmt == "csv":
                assert rows[0][column] == printed.rstrip("%")  # "6,3", not "6,2" nor "6,25"
            elif fmt == "csv-may":
                assert rows[0][column] == str(number)  # "6.3"
            else:
                assert rows[0][column] == number and isinstance(rows[0][column], float)
        assert printed in html  # the bar chart's label, from the same function


def test_child_rows_agree_too(tied_villages, client):
    login(client, "admin")
    code = tied_villages.code
    html = client.get(f"/reports/{code}/C1").get_data(as_text=True)
    api = client.get(f"/api/v1/rollup?area=C1&round={code}").get_json()
    header, rows = _table_export(client, f"/reports/{code}/C1", "xlsx")
    by_code = {row[0]: row for row in rows}
    for child in api["children"]:
        count, households, printed, number = VILLAGES[child["code"]]
        outcome = next(o for o in child["outcomes"] if o["id"] == INFORMED)
        assert outcome["percent"] == number
        assert by_code[child["code"]][header.index(f"{outcome['label']} — tỷ lệ (%)")] == number
        start = html.index(f'data-area="{child["code"]}"')
        assert f"{count}/{households} ({printed})" in " ".join(html[start:html.index("</tr>", start)].split())
    # The commune itself: 6/32 = 18,75 % -> 18,8.
    total = next(o for o in api["area"]["outcomes"] if o["id"] == INFORMED)
    assert (total["count"], total["population"], total["percent"]) == (6, 32, 18.8)
    assert _page_cell(html, "report-total", INFORMED) == "6/32 (18,8%)"
