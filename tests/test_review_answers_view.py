"""Answers laid out for the reviewer and the diff between versions (pure: no app, no database)."""
import pytest
import yaml

from survey_app.core.answer_paths import write_answer
from survey_app.core.answers import (
    answer_text,
    applied_sections,
    diff_answers,
    flat_texts,
    layout,
    path_label,
    question_at,
)
from survey_app.core.questionnaire import definition_from_data
from survey_app.submissions.flags import answer_fingerprint, answered_count

FORM = yaml.safe_load("""
form_id: thu_duyet
title: "Phiếu thử duyệt"
version: "1"
choices:
  co_khong: [{name: co, label: "Có"}, {name: khong, label: "Không"}]
  tai_san: [{name: ti_vi, label: "Ti vi"}, {name: xe_may, label: "Xe gắn máy"}]
sections:
  - name: chung
    label: "I. Chung"
    questions:
      - {name: huong_dan, type: note, label: "Đọc kỹ"}
      - {name: ngay, type: date, label: "Ngày khảo sát"}
      - {name: so_nguoi, type: integer, label: "Số nhân khẩu", required: true}
      - {name: co_vay, type: select_one co_khong, label: "Có vay vốn?"}
      - {name: so_tien, type: decimal, label: "Số tiền vay", relevant: "${co_vay} = 'co'"}
      - {name: tai_san, type: select_multiple tai_san, label: "Tài sản"}
      - {name: gap_doi, type: calculate, calculation: "${so_nguoi} * 2"}
  - name: thanh_vien_ho
    label: "II. Thành viên"
    questions:
      - name: thanh_vien
        type: repeat
        label: "Thành viên"
        repeat_count: "${so_nguoi}"
        questions:
          - {name: ho_ten, type: text, label: "Họ và tên"}
          - {name: tuoi, type: integer, label: "Tuổi"}
          - {name: di_hoc, type: select_one co_khong, label: "Đi học?", relevant: "${tuoi} < 18"}
  - name: vay
    label: "III. Vay vốn"
    relevant: "${co_vay} = 'co'"
    questions:
      - {name: muc_dich, type: text, label: "Mục đích vay"}
""")
DEFN = definition_from_data(FORM, "thu_duyet.yaml")
ANSWERS = {"ngay": "2024-05-10", "so_nguoi": 2, "co_vay": "khong", "tai_san": ["ti_vi", "xe_may"],
           "thanh_vien": [{"ho_ten": "Đinh Văn Ằm", "tuoi": 40}, {"ho_ten": "A Rin", "tuoi": 10, "di_hoc": "co"}]}


def test_layout_shows_only_what_applied_with_labels():
    sections = layout(DEFN, ANSWERS, "2024-06-01")
    assert [s.label for s in sections] == ["I. Chung", "II. Thành viên"]  # section III did not apply
    first = {line.path: line.text for line in sections[0].items}
    assert first == {"ngay": "10/05/2024", "so_nguoi": "2", "co_vay": "Không", "tai_san": "Ti vi, Xe gắn máy"}
    block = sections[1].items[0]
    assert [row.number for row in block.rows] == [1, 2]
    assert [(line.label, line.text) for line in block.rows[0].lines] == [("Họ và tên", "Đinh Văn Ằm"), ("Tuổi", "40")]
    assert [line.path for line in block.rows[1].lines] == ["thanh_vien[1].ho_ten", "thanh_vien[1].tuoi",
                                                           "thanh_vien[1].di_hoc"]
    assert block.rows[1].lines[2].text == "Có"


def test_layout_marks_unanswered_and_groups_lines():
    sections = layout(DEFN, {**ANSWERS, "co_vay": "co"}, "2024-06-01")
    lines = {line.path: line for line in sections[0].items}
    assert lines["so_tien"].text == "—" and not lines["so_tien"].answered
    assert [s.label for s in sections][-1] == "III. Vay vốn"
    groups = sections[0].groups()
    assert len(groups) == 1 and len(groups[0]) == 5


def test_decimal_and_integer_texts_are_vietnamese():
    texts = flat_texts(DEFN, {"so_nguoi": 12000, "co_vay": "co", "so_tien": 2500000.5})
    assert texts["so_nguoi"] == "12.000"
    assert texts["so_tien"] == "2.500.000,5"


def test_diff_by_question_with_labels_in_form_order():
    new = write_answer(write_answer(ANSWERS, "thanh_vien[1].tuoi", 11), "co_vay", "co")
    changes = diff_answers(DEFN, ANSWERS, new)
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("Có vay vốn?", "Không", "Có"),
        ("Thành viên 2 — Tuổi", "10", "11"),
    ]
    assert changes[1].section_label == "II. Thành viên"
    assert diff_answers(DEFN, ANSWERS, ANSWERS) == []


def test_diff_shows_added_and_removed_rows():
    new = {**ANSWERS, "so_nguoi": 1, "thanh_vien": ANSWERS["thanh_vien"][:1]}
    changes = {c.path: (c.old, c.new) for c in diff_answers(DEFN, ANSWERS, new)}
    assert changes["so_nguoi"] == ("2", "1")
    assert changes["thanh_vien[1].ho_ten"] == ("A Rin", "—")


def test_set_answer_copies_and_refuses_unknown_rows():
    changed = write_answer(ANSWERS, "thanh_vien[0].tuoi", 41)
    assert ANSWERS["thanh_vien"][0]["tuoi"] == 40 and changed["thanh_vien"][0]["tuoi"] == 41
    assert "co_vay" not in write_answer(ANSWERS, "co_vay", None)
    with pytest.raises(KeyError):
        write_answer(ANSWERS, "thanh_vien[5].tuoi", 3)
    with pytest.raises(KeyError):
        write_answer(ANSWERS, "khong hop le", 3)


def test_question_at_and_path_label():
    assert question_at(DEFN, "thanh_vien[1].tuoi").name == "tuoi"
    assert question_at(DEFN, "thanh_vien") is None
    assert question_at(DEFN, "tuoi") is None  # a repeat child needs its row
    assert question_at(DEFN, "so_nguoi[0].tuoi") is None
    assert path_label(DEFN, "thanh_vien[0].ho_ten") == "Thành viên 1 — Họ và tên"
    assert path_label(DEFN, "thanh_vien[1]") == "Thành viên 2"  # an error about a whole row
    assert path_label(DEFN, "khong hop le") == "khong hop le"


def test_fingerprint_ignores_names_and_dates_but_not_answers():
    other_names = {**ANSWERS, "ngay": "2024-05-11",
                   "thanh_vien": [{"ho_ten": "Y Hmil", "tuoi": 40}, {"ho_ten": "A Blưm", "tuoi": 10, "di_hoc": "co"}]}
    assert answer_fingerprint(DEFN, other_names) == answer_fingerprint(DEFN, ANSWERS)
    assert answer_fingerprint(DEFN, write_answer(ANSWERS, "thanh_vien[0].tuoi", 39)) != answer_fingerprint(DEFN, ANSWERS)
    assert answered_count(DEFN, {**ANSWERS, "gap_doi": 4}) == 4 + 5


def test_one_walk_over_the_sections_that_applied():
    """The review page and the printed sheet both walk ``applied_sections``: same sections, same rows."""
    walked = applied_sections(DEFN, ANSWERS, "2024-06-01")
    assert [section.name for section, _ in walked] == [view.name for view in layout(DEFN, ANSWERS, "2024-06-01")]
    items = {item.question.name: item for _, found in walked for item in found}
    assert "so_tien" not in items and items["so_nguoi"].value == 2
    rows = items["thanh_vien"].rows
    assert [row.index for row in rows] == [0, 1]
    assert "di_hoc" not in rows[0].applied and "di_hoc" in rows[1].applied  # relevant only under 18
    assert rows[1].answers["ho_ten"] == "A Rin"


def test_answer_text():
    questions = DEFN.questions
    assert answer_text("co", questions["co_vay"], DEFN) == "Có"
    assert answer_text(["ti_vi", "xe_may"], questions["tai_san"], DEFN) == "Ti vi, Xe gắn máy"
    assert answer_text(["ti_vi", "xe_may"]) == "ti_vi, xe_may"  # without the question: codes, as the form shows
    assert answer_text("2024-05-10", questions["ngay"], DEFN) == "10/05/2024"
    assert answer_text("2024-05-10") == "2024-05-10"
    assert answer_text(1500000.0) == "1.500.000" and answer_text(2.5) == "2,5" and answer_text(True) == "Có"
    assert answer_text(None) == "—" and answer_text("", empty="") == "" and answer_text([]) == "—"
