"""Answer paths (pure): built, parsed, read and written in one module; the checker, the reviewer's layout and the
fieldwork form all name answers with it."""
import pytest

from survey_app.core.answer_paths import AnswerPath, answer_path, parse_path, read_answer, write_answer

ANSWERS = {"so_nguoi": 2, "thanh_vien": [{"ho_ten": "A", "tuoi": 40}, None]}


@pytest.mark.parametrize("parts, path", [
    (("so_nguoi",), "so_nguoi"),
    (("thanh_vien", 1), "thanh_vien[1]"),
    (("thanh_vien", 0, "tuoi"), "thanh_vien[0].tuoi"),
])
def test_build_and_parse_are_inverse(parts, path):
    assert answer_path(*parts) == path
    parsed = parse_path(path)
    assert parsed == AnswerPath(*parts)
    assert parsed.is_row == (len(parts) == 2)


@pytest.mark.parametrize("text", ["", None, "khong hop le", "thanh_vien[x].tuoi", "thanh_vien.tuoi", "1ab",
                                  "thanh_vien[0].tuoi.x", "thanh_vien[0][1]"])
def test_text_that_is_no_path(text):
    assert parse_path(text) is None
    assert read_answer(ANSWERS, text) is None
    with pytest.raises(KeyError):
        write_answer(ANSWERS, text, 1)


def test_read():
    assert read_answer(ANSWERS, "so_nguoi") == 2
    assert read_answer(ANSWERS, "thanh_vien[0].tuoi") == 40
    assert read_answer(ANSWERS, "thanh_vien[1].tuoi") is None  # an empty row
    assert read_answer(ANSWERS, "thanh_vien[7].tuoi") is None  # no such row
    assert read_answer(ANSWERS, "thanh_vien[0]") is None  # a row is not one answer


def test_write_copies_and_refuses_rows_and_missing_rows():
    changed = write_answer(ANSWERS, "thanh_vien[1].tuoi", 9)
    assert changed["thanh_vien"][1] == {"tuoi": 9} and ANSWERS["thanh_vien"][1] is None
    assert "so_nguoi" not in write_answer(ANSWERS, "so_nguoi", None)
    for path in ("thanh_vien[2].tuoi", "thanh_vien[0]", "so_nguoi[0].tuoi"):
        with pytest.raises(KeyError):
            write_answer(ANSWERS, path, 1)
