"""Unit tests for survey_app.core.formatting (pure Python, no app)."""

import datetime as dt
from decimal import Decimal

import pytest

from survey_app.core.formatting import (
    MISSING,
    VnNumberError,
    format_date_vn,
    format_decimal,
    format_int,
    format_money,
    format_percent,
    format_percent_value,
    format_place_date,
    format_ratio,
    parse_vn_number,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1714, "1.714"),
        (52049, "52.049"),
        (1_234_567_890_123, "1.234.567.890.123"),
        (-1714, "-1.714"),
        (-999, "-999"),
        (Decimal("2598"), "2.598"),
        (1714.5, "1.715"),  # half up
        (-1714.5, "-1.715"),  # half away from zero
        (-0.4, "0"),  # no "-0"
    ],
)
def test_format_int(value, expected):
    assert format_int(value) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (65.94, 1, "65,9"),
        (65.95, 1, "66,0"),  # the float 65.95 is 65.9499..., but prints as typed
        (65.949, 1, "65,9"),
        (Decimal("65.95"), 1, "66,0"),
        (-65.95, 1, "-66,0"),
        (0.05, 1, "0,1"),
        (-0.04, 1, "0,0"),
        (1714.5, 2, "1.714,50"),
        (1234567.891, 2, "1.234.567,89"),
        (20.3, 0, "20"),
        (10.4, 2, "10,40"),
        (3, 1, "3,0"),
    ],
)
def test_format_decimal(value, digits, expected):
    assert format_decimal(value, digits) == expected


def test_format_decimal_defaults_to_one_digit():
    assert format_decimal(36.21) == "36,2"


@pytest.mark.parametrize(
    ("count", "denominator", "digits", "expected"),
    [
        (1714, 2598, 1, "66,0%"),  # 65,97...% (the Đắk Glei report truncates to 65,9)
        (104, 2598, 0, "4%"),
        (1852, 3562, 1, "52,0%"),
        (1, 3, 2, "33,33%"),
        (2, 3, 1, "66,7%"),
        (1, 8, 1, "12,5%"),  # exact half rounds up
        (1, 16, 1, "6,3%"),  # 6,25 -> 6,3
        (0, 5, 1, "0,0%"),
        (5, 5, 1, "100,0%"),
        (-1, 8, 1, "-12,5%"),
        (3, 0, 1, MISSING),
        (0, 0, 1, MISSING),
        (None, 10, 1, MISSING),
        (3, None, 1, MISSING),
    ],
)
def test_format_percent(count, denominator, digits, expected):
    assert format_percent(count, denominator, digits) == expected


def test_format_percent_value():
    assert format_percent_value(15) == "15,0%"
    assert format_percent_value(54.93, 2) == "54,93%"
    assert format_percent_value(None) == MISSING


def test_format_ratio():
    assert format_ratio(1714, 2598) == "1.714/2.598 (66,0%)"
    assert format_ratio(104, 2598, digits=0) == "104/2.598 (4%)"
    assert format_ratio(3253, 3598) == "3.253/3.598 (90,4%)"
    assert format_ratio(0, 0) == "0/0 (—)"


def test_format_money():
    assert format_money(644000) == "644.000 đ"
    assert format_money(1_500_000) == "1.500.000 đ"
    assert format_money(0) == "0 đ"
    assert format_money(-250000) == "-250.000 đ"
    assert format_money(1999.5) == "2.000 đ"
    assert format_money(None) == MISSING


def test_format_date_vn():
    assert format_date_vn(dt.date(2023, 2, 8)) == "08/02/2023"
    assert format_date_vn(dt.date(2021, 12, 24)) == "24/12/2021"
    assert format_date_vn(dt.datetime(2025, 7, 1, 14, 30)) == "01/07/2025"
    assert format_date_vn(None) == MISSING


def test_format_place_date_follows_decree_30_leading_zeros():
    assert format_place_date("Kon Tum", dt.date(2023, 2, 8)) == "Kon Tum, ngày 08 tháng 02 năm 2023"
    assert format_place_date("Măng Cành", dt.date(2024, 1, 15)) == "Măng Cành, ngày 15 tháng 01 năm 2024"
    # Months 3..12 have no leading zero; days under 10 always do.
    assert format_place_date("Đắk Glei", dt.date(2024, 3, 5)) == "Đắk Glei, ngày 05 tháng 3 năm 2024"
    assert format_place_date("Kon Plông", dt.date(2025, 11, 20)) == "Kon Plông, ngày 20 tháng 11 năm 2025"


def test_format_place_date_without_date_or_place():
    assert format_place_date("Kon Tum", None) == "Kon Tum, ngày ..... tháng ..... năm ........"
    assert format_place_date(None, dt.date(2023, 2, 8)) == "Ngày 08 tháng 02 năm 2023"
    assert format_place_date("  ", None) == "Ngày ..... tháng ..... năm ........"


def test_formatters_reject_non_numbers():
    with pytest.raises(TypeError):
        format_int("1714")
    with pytest.raises(TypeError):
        format_decimal(True)
    with pytest.raises(ValueError):
        format_decimal(float("nan"))
    with pytest.raises(ValueError):
        format_decimal(1.5, -1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.714,5", Decimal("1714.5")),
        ("1.714", Decimal("1714")),
        ("1714", Decimal("1714")),
        ("65,9", Decimal("65.9")),
        ("0,05", Decimal("0.05")),
        ("-1.714,5", Decimal("-1714.5")),
        ("−250.000", Decimal("-250000")),
        ("+12", Decimal("12")),
        (" 1 500 000 ", Decimal("1500000")),
        ("1.234.567.890.123,75", Decimal("1234567890123.75")),
        ("644\u00a0000", Decimal("644000")),
    ],
)
def test_parse_vn_number(text, expected):
    assert parse_vn_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "1714.5", "1.5", "1.71", "12.3456", ".714", "1,", ",5", "1,5,6", "abc", "1.714.5", "--3", "1e3"],
)
def test_parse_vn_number_rejects_ambiguous_or_malformed(text):
    with pytest.raises(VnNumberError) as info:
        parse_vn_number(text)
    assert "số" in str(info.value).lower()


def test_parse_round_trips_format():
    for value in (Decimal("1714.5"), Decimal("-52049.25"), Decimal("0.7")):
        assert parse_vn_number(format_decimal(value, 2)) == value.quantize(Decimal("0.01"))


def test_format_answer_number():
    from survey_app.core.formatting import format_answer_number

    assert format_answer_number(1500000) == "1.500.000"
    assert format_answer_number(2.0) == "2"
    assert format_answer_number(36.5) == "36,5"
    assert format_answer_number(1714.25) == "1.714,25"


def test_format_iso_date():
    from survey_app.core.formatting import format_iso_date

    assert format_iso_date("2024-05-10") == "10/05/2024"
    assert format_iso_date("không rõ") == "không rõ"
