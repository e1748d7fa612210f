"""Server-side checking and normalisation of answer sets (validate_answers, relevance, coerce_value)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from survey_app.core.questionnaire import (
    AnswerValueError,
    coerce_value,
    definition_from_data,
    load_definition,
    relevance,
    validate_answers,
)

EXAMPLE = Path(__file__).parent / "data" / "qdef" / "vi_du_ho.yaml"
TODAY = "2024-06-01"


@pytest.fixture(scope="module")
def defn():
    return load_definition(EXAMPLE)


def complete() -> dict:
    """A complete household as a web form posts it: every value a string."""
    return {
        "ten_chu_ho": " Y Blúp ",
        "dan_toc_chu_ho": "xo_dang",
        "ngay_phong_van": "2024-05-20",
        "so_thanh_vien": "2",
        "thanh_vien": [
            {"ho_ten": "Y Blúp", "gioi_tinh": "nam", "tuoi": "45", "thu_nhap_thang": "1.200.000"},
            {"ho_ten": "Y Hoa", "gioi_tinh": "nu", "tuoi": "12"},
        ],
        "tai_san_ho": "xe_may ti_vi",
        "vay_von": "khong",
    }


def check(defn, answers, submit=True):
    return validate_answers(defn, answers, submit=submit, today=TODAY)


def test_complete_answers_are_coerced_and_calculated(defn):
    result = check(defn, complete())
    assert result.ok, result.errors
    assert result.answers == {
        "ten_chu_ho": "Y Blúp",
        "dan_toc_chu_ho": "xo_dang",
        "ngay_phong_van": "2024-05-20",
        "so_thanh_vien": 2,
        "thanh_vien": [
            {"ho_ten": "Y Blúp", "gioi_tinh": "nam", "tuoi": 45, "thu_nhap_thang": 1200000.0},
            {"ho_ten": "Y Hoa", "gioi_tinh": "nu", "tuoi": 12},
        ],
        "tong_thu_nhap": 1200000,
        "thu_nhap_binh_quan": 600000,
        "tai_san_ho": ["ti_vi", "xe_may"],
        "so_tai_san": 2,
        "vay_von": "khong",
    }


def test_normalised_answers_validate_again_unchanged(defn):
    first = check(defn, complete()).answers
    second = check(defn, copy.deepcopy(first))
    assert second.ok and second.answers == first


def test_type_errors_are_reported_always_and_values_dropped(defn):
    answers = complete()
    answers["so_thanh_vien"] = "hai"
    answers["ngay_phong_van"] = "31/02/2024"
    answers["thanh_vien"][0]["tuoi"] = "4.5"
    result = check(defn, answers, submit=False)
    assert result.errors == {
        "ngay_phong_van": "Không có ngày 31/02/2024 trong lịch",
        "so_thanh_vien": "Phải là số nguyên",
        "thanh_vien[0].tuoi": "Phải là số nguyên",
    }
    assert "so_thanh_vien" not in result.answers and not result.ok


def test_required_is_only_enforced_on_submit(defn):
    draft = {"ten_chu_ho": "Y Blúp"}
    assert check(defn, draft, submit=False).ok
    errors = check(defn, draft, submit=True).errors
    assert errors["dan_toc_chu_ho"] == 'Câu "Dân tộc của chủ hộ" là bắt buộc, chưa được trả lời'
    assert errors["so_thanh_vien"].startswith('Câu "Số thành viên trong hộ"')
    assert "ngay_phong_van" not in errors  # optional


def test_required_expression(defn):
    answers = complete()
    answers["vay_von"] = "co"  # loan amount now applies; required when average income < 1.500.000
    assert check(defn, answers).errors == {"so_tien_vay": 'Câu "Số tiền vay (đồng)" là bắt buộc, chưa được trả lời'}
    answers["thanh_vien"][0]["thu_nhap_thang"] = "4000000"
    assert check(defn, answers).ok


def test_constraints_use_their_message_or_a_default_one(defn):
    answers = complete()
    answers["so_thanh_vien"] = "0"
    answers["ngay_phong_van"] = "2024-07-01"
    result = check(defn, answers, submit=False)
    assert result.errors["so_thanh_vien"] == "Số thành viên phải từ 1 đến 30"
    assert result.errors["ngay_phong_van"] == "Ngày phỏng vấn không được sau hôm nay"
    assert result.answers["so_thanh_vien"] == 0  # kept (typed), but the check failed
    answers = complete()
    answers["vay_von"] = "co"
    answers["so_tien_vay"] = "-5"
    result = check(defn, answers, submit=False)
    assert result.errors == {"so_tien_vay": 'Giá trị của câu "Số tiền vay (đồng)" không hợp lệ'}


def test_constraint_in_a_repeat_row_has_a_row_path(defn):
    answers = complete()
    answers["thanh_vien"][1]["tuoi"] = "130"
    assert check(defn, answers).errors == {"thanh_vien[1].tuoi": "Tuổi từ 0 đến 120"}


def test_unknown_choice_and_unknown_keys(defn):
    answers = complete()
    answers["dan_toc_chu_ho"] = "kinh"
    answers["tai_san_ho"] = ["ti_vi", "may_cay"]
    answers["khong_co_cau_nay"] = "x"
    answers["gioi_thieu"] = "ghi chú không được lưu"
    answers["tong_thu_nhap"] = 999  # calculations are recomputed, never taken from the client
    answers["thanh_vien"][0]["cot_la"] = 1
    result = check(defn, answers, submit=False)
    assert result.errors == {
        "dan_toc_chu_ho": "Lựa chọn 'kinh' không có trong danh sách",
        "tai_san_ho": "Lựa chọn 'may_cay' không có trong danh sách",
    }
    assert "khong_co_cau_nay" not in result.answers and "gioi_thieu" not in result.answers
    assert result.answers["tong_thu_nhap"] == 1200000
    assert "cot_la" not in result.answers["thanh_vien"][0]


def test_irrelevant_answers_are_removed(defn):
    answers = complete()
    answers["dan_toc_khac"] = "Kinh"  # only relevant when dan_toc_chu_ho = khac
    answers["so_tien_vay"] = "5000000"  # only relevant when vay_von = co
    answers["thanh_vien"][1]["thu_nhap_thang"] = "300000"  # only relevant for tuoi >= 15
    result = check(defn, answers)
    assert result.ok
    assert "dan_toc_khac" not in result.answers and "so_tien_vay" not in result.answers
    assert "thu_nhap_thang" not in result.answers["thanh_vien"][1]
    assert result.answers["tong_thu_nhap"] == 1200000  # the dropped income is not summed


def test_type_error_in_an_irrelevant_question_does_not_count(defn):
    answers = complete()
    answers["so_tien_vay"] = "nhiều"
    assert check(defn, answers).ok


def test_irrelevant_section_is_pruned_whole():
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data["sections"][2]["relevant"] = "${dan_toc_chu_ho} != 'khac'"
    defn = definition_from_data(data, "x.yaml")
    answers = complete()
    answers["dan_toc_chu_ho"] = "khac"
    answers["dan_toc_khac"] = "Hrê"
    result = check(defn, answers)
    assert result.ok, result.errors  # vay_von is required but its section does not apply
    assert not {"tai_san_ho", "so_tai_san", "vay_von"} & set(result.answers)
    assert "doi_song" not in result.relevant and "vay_von" not in result.relevant


def test_irrelevant_repeat_drops_its_rows():
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    members = data["sections"][1]["questions"][0]
    members["relevant"] = "${dan_toc_chu_ho} != 'khac'"
    defn = definition_from_data(data, "x.yaml")
    answers = complete()
    answers["dan_toc_chu_ho"] = "khac"
    answers["dan_toc_khac"] = "Hrê"
    result = check(defn, answers)
    assert "thanh_vien" not in result.answers
    assert result.answers["tong_thu_nhap"] == 0  # sum over no rows
    assert "thanh_vien" not in result.relevant
    assert not any(path.startswith("thanh_vien[") for path in result.relevant)


def test_repeat_count_fixes_the_number_of_rows(defn):
    answers = complete()
    answers["so_thanh_vien"] = "3"
    result = check(defn, answers, submit=False)
    assert len(result.answers["thanh_vien"]) == 3 and result.answers["thanh_vien"][2] == {}
    assert result.ok  # a draft may leave the new row empty
    submitted = check(defn, answers, submit=True)
    assert set(submitted.errors) == {"thanh_vien[2].ho_ten", "thanh_vien[2].gioi_tinh", "thanh_vien[2].tuoi"}
    answers["so_thanh_vien"] = "1"
    answers["thanh_vien"][1]["tuoi"] = "999"  # an error in a row that is cut off does not count
    result = check(defn, answers)
    assert result.ok and [row["ho_ten"] for row in result.answers["thanh_vien"]] == ["Y Blúp"]


def test_rows_are_kept_while_the_count_is_unanswered(defn):
    answers = complete()
    del answers["so_thanh_vien"]
    result = check(defn, answers, submit=False)
    assert len(result.answers["thanh_vien"]) == 2


def test_calculation_sums_over_the_repeat(defn):
    answers = complete()
    answers["thanh_vien"][1]["tuoi"] = "20"
    answers["thanh_vien"][1]["thu_nhap_thang"] = "800000,5"
    result = check(defn, answers)
    assert result.answers["tong_thu_nhap"] == 2000000.5
    assert result.answers["thu_nhap_binh_quan"] == 1000000


def test_malformed_repeat_values(defn):
    answers = complete()
    answers["thanh_vien"] = [{"ho_ten": "A", "gioi_tinh": "nam", "tuoi": 3}, "không phải một dòng"]
    result = check(defn, answers, submit=False)
    assert result.errors == {"thanh_vien[1]": "Mỗi dòng phải là một đối tượng"}
    answers["thanh_vien"] = "hai người"
    assert check(defn, answers, submit=False).errors == {"thanh_vien": "Phải là danh sách các dòng"}


def test_relevance_lists_the_paths_that_apply(defn):
    answers = complete()
    paths = relevance(defn, answers, TODAY)
    assert {"thong_tin_chung", "ten_chu_ho", "gioi_thieu", "thanh_vien", "thanh_vien[0].thu_nhap_thang"} <= paths
    assert "thanh_vien[1].thu_nhap_thang" not in paths  # a 12-year-old is not asked about income
    assert "dan_toc_khac" not in paths and "so_tien_vay" not in paths


def test_answers_must_be_a_mapping(defn):
    with pytest.raises(TypeError):
        validate_answers(defn, ["x"], submit=True, today=TODAY)


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("integer", "12", 12), ("integer", 12.0, 12), ("integer", " 1.500 ", 1500), ("integer", "-3", -3),
    ("decimal", "1,5", 1.5), ("decimal", "1.5", 1.5), ("decimal", "1.500.000", 1500000.0),
    ("decimal", "1.500.000,25", 1500000.25), ("decimal", 7, 7.0),
    ("text", 12, "12"), ("text", "  ", None),
    ("select_one", 1, "1"), ("select_multiple", ["2", "1", "2"], ["1", "2"]), ("select_multiple", "", None),
    ("date", "05/01/2024", "2024-01-05"), ("date", "2024-02-29", "2024-02-29"),
])
def test_coercion_of_posted_values(kind, raw, expected):
    assert coerce_value(kind, raw, ["1", "2"]) == expected


@pytest.mark.parametrize(("kind", "raw"), [
    ("integer", "1.5"), ("integer", True), ("integer", "12a"), ("decimal", "1,2,3"), ("decimal", "abc"),
    ("decimal", float("nan")), ("text", ["a"]), ("select_one", "3"), ("select_multiple", {"a": 1}),
    ("date", "2023-02-29"), ("date", "hôm nay"),
])
def test_coercion_refusals(kind, raw):
    with pytest.raises(AnswerValueError):
        coerce_value(kind, raw, ["1", "2"])


def test_garbage_never_raises_and_cleaning_is_idempotent(defn):
    import json
    import random

    generator = random.Random(7)
    garbage = [None, "", "1", 1, 2.5, "abc", [], ["co"], {}, True, "1.500", -1, "ti_vi khong", "2024-01-01"]
    names = [name for name, question in defn.questions.items() if question.repeat is None]
    for round_number in range(300):
        answers = {name: generator.choice(garbage) for name in generator.sample(names, 8)}
        answers["thanh_vien"] = [
            {child.name: generator.choice(garbage) for child in defn.questions["thanh_vien"].children}
            for _ in range(generator.randint(0, 3))
        ]
        result = validate_answers(defn, answers, submit=bool(round_number % 2), today=TODAY)
        json.dumps(result.answers)
        again = validate_answers(defn, result.answers, submit=False, today=TODAY)
        assert again.answers == result.answers
        assert set(again.errors) <= set(result.errors)
