"""Finding "formula injection in XLSX exports": a household head named like a formula is exported as text
(OWASP: a leading `'`), in the CSV and the XLSX, while numbers stay numbers."""
from __future__ import annotations

import csv
import io
import os

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey_app.models import Household
from survey_app.reports.exports import Column, Export, safe_cell, stream_csv, write_xlsx
from tests.conftest import login
from tests.support.rollup import generate_small

PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def named_heads(app, session, factories, client):
    generate_small(session, households=400, seed=11)
    factories.user("xa", "supervisor", "KT-KPL-01")
    session.commit()
    login(client, "xa")
    body = client.get("/reports/CVD-2025/KT-KPL-01/ho.csv").get_data(as_text=True)
    codes = [row[0] for row in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")][2:4]
    assert len(codes) == 2
    for code, name in zip(codes, PAYLOADS):
        session.scalar(select(Household).where(Household.code == code)).head_name = name
    session.commit()
    return codes


def test_formula_injection_in_xlsx_exports(named_heads, client):
    response = client.get("/reports/CVD-2025/KT-KPL-01/ho.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'" + PAYLOADS[0] in values and "'" + PAYLOADS[1] in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in values)


def test_formula_injection_in_csv_exports(named_heads, client):
    body = client.get("/reports/CVD-2025/KT-KPL-01/ho.csv").get_data(as_text=True)
    heads = {row[1] for row in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")}
    assert {"'" + PAYLOADS[0], "'" + PAYLOADS[1]} <= heads
    assert not any(h.startswith(("=", "+", "-", "@")) for h in heads)
    machine = client.get("/reports/CVD-2025/KT-KPL-01/ho.csv?dang=may").get_data(as_text=True)
    heads = {row[1] for row in csv.reader(io.StringIO(machine))}
    assert {"'" + PAYLOADS[0], "'" + PAYLOADS[1]} <= heads
    assert not any(h.startswith(("=", "+", "-", "@")) for h in heads)


def test_formula_injection_every_dangerous_start_is_prefixed_and_numbers_stay_numbers():
    assert [safe_cell(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert [safe_cell(v) for v in (-3, -2.5, 0, "Nguyễn Văn A", "", None)] == [-3, -2.5, 0, "Nguyễn Văn A", "", None]
    path = write_xlsx(Export([Column("so", "Số"), Column("ten", "=Tên")], [[-3, "=1+1"]]), "t")
    try:
        header, row = list(load_workbook(path).active.iter_rows())
        assert header[1].value == "'=Tên"
        assert (row[0].value, row[0].data_type) == (-3, "n")
        assert (row[1].value, row[1].data_type) == ("'=1+1", "s")
    finally:
        os.unlink(path)
    export = Export([Column("a", "A"), Column("b", "B"), Column("c", "C")], [[-3, "-3", "=1"]])
    assert "".join(stream_csv(export)).lstrip("\ufeff").splitlines()[2] == "-3;'-3;'=1"
    assert "".join(stream_csv(export, for_machines=True)).splitlines()[1] == "-3,'-3,'=1"
