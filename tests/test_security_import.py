"""Findings "no decompressed-size or row limit on the household import", "parser exception text shown to users"
and "household codes unvalidated"."""
from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from survey_app.households.importing import MAX_ROWS, MAX_XLSX_BYTES, ImportFailed, import_households
from survey_app.households.service import HouseholdError, save_household
from survey_app.models import Household
from tests.conftest import csrf_token, login

HEADER = "ma_ho,ten_chu_ho,dan_toc,ma_thon,so_thanh_vien\n"


def _bomb(rows: int, *, dimension: str | None = None, padding: int = 0) -> bytes:
    """A small XLSX whose one sheet inflates to `rows` rows (and `padding` bytes more)."""
    workbook = Workbook()
    workbook.active.append(["ma_ho", "ten_chu_ho", "dan_toc", "ma_thon", "so_thanh_vien"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    body = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>A{n}</t></is></c></row>' for n in range(2, rows + 2))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main">{dim}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ma_ho</t></is>'
             f'</c></row>{body}</sheetData>' + " " * padding + "</worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet.encode() if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def test_no_decompressed_size_limit_on_the_household_import(session, world):
    data = _bomb(10, padding=MAX_XLSX_BYTES)
    assert len(data) < 400_000
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as failure:
        import_households(session, world.users["admin"], "ho.xlsx", data)
    assert time.perf_counter() - started < 2
    assert "quá lớn khi giải nén" in failure.value.lines[0] and "64 MB" in failure.value.lines[0]


def test_no_row_limit_on_the_household_import(session, world):
    declared = _bomb(400_000, dimension="A1:E400001")
    assert len(declared) < 4_000_000
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as failure:
        import_households(session, world.users["admin"], "ho.xlsx", declared)
    assert time.perf_counter() - started < 5
    assert failure.value.lines == [f"Tệp có quá nhiều dòng: tối đa {MAX_ROWS:,} dòng dữ liệu mỗi lần nhập."
                                   .replace(",", ".")]
    undeclared = _bomb(400_000)  # no <dimension>: the rows are counted in the zip, before openpyxl reads it
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as failure:
        import_households(session, world.users["admin"], "ho.xlsx", undeclared)
    assert time.perf_counter() - started < 5
    assert "quá nhiều dòng" in failure.value.lines[0]
    just_over = _bomb(MAX_ROWS + 1)
    with pytest.raises(ImportFailed) as failure:
        import_households(session, world.users["admin"], "ho.xlsx", just_over)
    assert "quá nhiều dòng" in failure.value.lines[0]
    csv_rows = HEADER + "".join(f"A{n},Y,Ba Na,V1,3\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(ImportFailed) as failure:
        import_households(session, world.users["admin"], "ho.csv", csv_rows.encode())
    assert "quá nhiều dòng" in failure.value.lines[0]


def test_parser_exception_text_shown_to_users(client, world):
    login(client, "giamsat")
    token = csrf_token(client, "/households/import")
    for name, data in (("ho.xlsx", b"PK\x03\x04 not a zip"), ("ho.xlsx", _bomb(1)[:-200]),
                       ("ho.csv", (HEADER + '"A1,' + "x" * 200_000 + "\n").encode())):
        response = client.post("/households/import", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")
        html = response.get_data(as_text=True)
        assert response.status_code == 422, (name, response.status_code)
        assert "Không đọc được tệp" in html
        for english in ("File is not a zip file", "field larger than field limit", "Error", "zip"):
            assert english not in html.split("<main", 1)[-1], english


@pytest.mark.parametrize("code", ["A/1", "A\r\nB", "A 1", "../x", "Mã-1", "-A", "x" * 41])
def test_household_codes_unvalidated(session, world, code):
    with pytest.raises(HouseholdError) as refusal:
        save_household(session, world.users["admin"], household=None, code=code, head_name="Y Lan",
                       ethnic_group_code="ba_na", village=world.areas["V1"], members=3)
    assert refusal.value.message.startswith("Mã hộ:")
    with pytest.raises(ImportFailed) as failure:
        import_households(session, world.users["admin"], "ho.csv",
                          (HEADER + f'"{code}",Y Lan,Ba Na,V1,3\n').encode())
    assert failure.value.lines[0].startswith("Dòng ") and ": mã hộ" in failure.value.lines[0]
    assert session.scalar(select(func.count()).select_from(Household)) == 3
    good = save_household(session, world.users["admin"], household=None, code="KT.01_A-9", head_name="Y Lan",
                          ethnic_group_code="ba_na", village=world.areas["V1"], members=3)
    assert good.code == "KT.01_A-9"
