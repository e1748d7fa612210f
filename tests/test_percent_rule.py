"""A round's percent rule (decimals; rounded or truncated): the province's own tables print 1.714/2.598 as 65,9%
(truncated) where rounding gives 66,0%. One rule per report, the same on the page, in /api/v1/rollup, in both
exports, in the chart and in the PDF."""
from __future__ import annotations

import csv
import dataclasses
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from survey_app.core.formatting import PercentRule, format_percent_change, format_ratio, percent_value, truncate
from survey_app.reports.exports import table_export
from survey_app.reports.report import build_report, report_json
from survey_app.reports.rollup import AreaFigures, OutcomeFigure
from survey_app.surveys.rounds import RoundError
from tests.conftest import login
from tests.support.pdf import have_poppler, pdf_text
from tests.support.printing import campaign_round, submit_household
from tests.support.surveys import change_round, not_informed_answers

INFORMED = "informed"
TRUNCATE = PercentRule(1, "truncate")


def test_truncation_cuts_toward_zero_exactly():
    assert format_ratio(1714, 2598) == "1.714/2.598 (66,0%)"
    assert format_ratio(1714, 2598, *TRUNCATE) == "1.714/2.598 (65,9%)"
    assert percent_value(2, 3, *TRUNCATE) == Decimal("66.6") and percent_value(2, 3) == Decimal("66.7")
    assert percent_value(1, 16, *TRUNCATE) == Decimal("6.2")  # 6,25 exactly
    assert percent_value(16, 16, *TRUNCATE) == Decimal("100.0")
    assert percent_value(1, 3, 0, "truncate") == Decimal("33")
    assert truncate(Decimal("-0.04")) == Decimal("0.0")  # never "-0,0"
    assert format_percent_change(1, 3, 1, 2, *TRUNCATE) == "-16,6"  # 33,33 - 50 = -16,67 cut toward zero


@pytest.mark.parametrize("text", ["1:round", "0:truncate", "3:truncate"])
def test_rule_settings_read_back(text):
    assert PercentRule.parse(text).setting == text


@pytest.mark.parametrize("text", ["", "1", "4:round", "-1:round", "1:ceil", "a:round"])
def test_bad_rule_settings_are_refused(text):
    with pytest.raises(ValueError):
        PercentRule.parse(text)


@pytest.fixture
def two_of_three(world, session, factories):
    """A round where 'informed' is 2/3 in V1: 66,7% rounded, 66,6% truncated."""
    survey_round = campaign_round(session)
    survey_round.count_only_approved = False
    not_informed = not_informed_answers()
    for i in range(3):
        household = factories.household(world.areas["V1"], code=f"PR-{i:03d}", statuses={2023: "ngheo"})
        submit_household(session, world.users["dieutra"], household, survey_round, None if i < 2 else not_informed)
    session.commit()
    return survey_round


def _exported(client, path: str, fmt: str, label: str):
    body = client.get(f"{path}/bang.{fmt}")
    assert body.status_code == 200
    if fmt == "csv":  # for people: labels, then codes, then the rows
        rows = list(csv.reader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
        return rows[2][rows[0].index(f"{label} — tỷ lệ (%)")]
    rows = [list(r) for r in load_workbook(io.BytesIO(body.data), read_only=True).active.iter_rows(values_only=True)]
    return rows[1][rows[0].index(f"{label} — tỷ lệ (%)")]


@pytest.mark.parametrize(("rule", "printed", "number"), [("1:round", "66,7%", 66.7), ("1:truncate", "66,6%", 66.6),
                                                          ("0:truncate", "66%", 66.0)])
def test_one_rule_everywhere_the_report_appears(two_of_three, session, client, tmp_path, rule, printed, number):
    change_round(session, two_of_three, percent_rule=rule)
    login(client, "admin")
    path = f"/reports/{two_of_three.code}/V1"
    html = client.get(path).get_data(as_text=True)
    table = html[html.index('id="report-total"'):]
    assert f"2/3 ({printed})" in " ".join(re.search(rf'data-outcome="{INFORMED}"[^>]*>([^<]*)', table)[1].split())
    assert f"phần trăm ghi {PercentRule.parse(rule).label}" in " ".join(html.split())
    api = client.get(f"/api/v1/rollup?area=V1&round={two_of_three.code}").get_json()
    outcome = next(o for o in api["area"]["outcomes"] if o["id"] == INFORMED)
    assert outcome["percent"] == number
    assert api["round"]["percent_rule"]["method"] == rule.split(":")[1]
    assert _exported(client, path, "csv", outcome["label"]) == printed.rstrip("%")
    assert _exported(client, path, "xlsx", outcome["label"]) == number
    if have_poppler():
        pdf = client.get(f"/paper/reports/{two_of_three.code}/V1.pdf")
        assert pdf.status_code == 200
        assert f"2/3 ({printed})" in pdf_text(pdf.data, tmp_path)


def test_a_truncating_report_prints_the_seed_figure(two_of_three, session, world, tmp_path):
    """1.714/2.598 as the Đắk Glei report prints it, through the report's own builders (API, export, PDF)."""
    change_round(session, two_of_three, percent_rule="1:truncate")
    report = build_report(session, two_of_three, world.areas["V1"])
    total = report.rollup.total
    figures = dataclasses.replace(total, denominator=2598, outcomes=[
        OutcomeFigure(o.id, o.label, 1714 if o.id == INFORMED else 0, 2598) for o in total.outcomes])
    report = dataclasses.replace(report, rollup=dataclasses.replace(report.rollup, total=figures, children=[]))
    assert isinstance(figures, AreaFigures)
    informed = next(o for o in report_json(report)["area"]["outcomes"] if o["id"] == INFORMED)
    assert informed["percent"] == 65.9
    export = table_export(report)
    row = next(iter(export.rows))
    assert row[[c.label for c in export.columns].index(f"{informed['label']} — tỷ lệ (%)")] == Decimal("65.9")
    if have_poppler():
        from survey_app.printing import STATIC_ROOT, make_print_environment, render_template_pdf
        from survey_app.printing.report import _context
        context = _context(report, two_of_three.period_end)
        text = pdf_text(render_template_pdf(make_print_environment(), "print/campaign_report.html", context,
                                            STATIC_ROOT), tmp_path)
        assert "1.714/2.598 (65,9%)" in " ".join(text.split())
        assert "66,0%" not in text


def test_the_round_form_offers_the_rule_and_refuses_a_bad_one(two_of_three, client, session):
    login(client, "admin")
    page = client.get(f"/rounds/{two_of_three.id}").get_data(as_text=True)
    assert "Cách ghi phần trăm trong báo cáo" in page and "65,9%" in page  # the example next to "truncate"
    with pytest.raises(RoundError) as refused:
        change_round(session, two_of_three, percent_rule="9:ceil")
    assert refused.value.errors["percent_rule"].startswith("Cách ghi phần trăm trong báo cáo:")
