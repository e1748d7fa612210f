"""Loading, validating, canonicalising and compiling questionnaire definitions."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from survey_app.core.questionnaire import DefinitionError, QualitySettings, definition_from_data, load_definition

EXAMPLE = Path(__file__).parent / "data" / "qdef" / "vi_du_ho.yaml"
SOURCE = "forms/ho.yaml"


@pytest.fixture()
def data() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def refused(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        definition_from_data(data, SOURCE)
    return caught.value.errors


def question(data: dict, section: int, index: int) -> dict:
    return data["sections"][section]["questions"][index]


def test_example_loads_with_questions_in_document_order():
    defn = load_definition(EXAMPLE)
    assert (defn.form_id, defn.version, defn.title) == ("vi_du_ho", "2024.1", "Phiếu khảo sát hộ gia đình (ví dụ)")
    assert [section.name for section in defn.sections] == ["thong_tin_chung", "thanh_vien_ho", "doi_song"]
    names = list(defn.questions)
    assert names.index("thanh_vien") + 1 == names.index("ho_ten")  # a repeat, then its children
    assert defn.questions["tuoi"].repeat == "thanh_vien"
    assert defn.questions["tuoi"].section == "thanh_vien_ho"
    assert defn.questions["dan_toc_chu_ho"].list_name == "dan_toc"
    assert [choice.name for choice in defn.choice_lists["co_khong"]] == ["co", "khong"]
    assert defn.calculation_order == ("tong_thu_nhap", "thu_nhap_binh_quan", "so_tai_san")


def test_choice_label_for_display():
    defn = load_definition(EXAMPLE)
    assert defn.choice_label("dan_toc_chu_ho", "ba_na") == "Ba Na"
    assert defn.choice_label("tai_san_ho", ["ti_vi", "xe_may"]) == "Ti vi, Xe gắn máy"
    assert defn.choice_label("tai_san_ho", "xe_may ti_vi") == "Xe gắn máy, Ti vi"
    assert defn.choice_label("dan_toc_chu_ho", "khong_co") == "khong_co"
    assert defn.choice_label("so_thanh_vien", 4) == "4"
    assert defn.choice_label("dan_toc_chu_ho", None) == ""


def test_content_hash_ignores_key_order_and_layout(data, tmp_path):
    reordered = dict(reversed(list(copy.deepcopy(data).items())))
    for section in reordered["sections"]:
        section["questions"] = [dict(reversed(list(item.items()))) for item in section["questions"]]
    flow = tmp_path / "flow.yaml"
    flow.write_text(yaml.safe_dump(reordered, allow_unicode=True, default_flow_style=True, width=60), "utf-8")
    original = load_definition(EXAMPLE)
    assert load_definition(flow).content_hash == original.content_hash
    assert definition_from_data({**data, "sections": data["sections"]}, "x").content_hash == original.content_hash


def test_content_hash_changes_when_content_changes(data):
    original = definition_from_data(copy.deepcopy(data), SOURCE)
    question(data, 0, 5)["constraint"] = ". >= 1 and . <= 40"
    assert definition_from_data(data, SOURCE).content_hash != original.content_hash


def test_to_data_round_trips(data):
    defn = definition_from_data(data, SOURCE)
    again = definition_from_data(json.loads(json.dumps(defn.to_data())), "copy.yaml")
    assert again.to_data() == defn.to_data()
    assert again.content_hash == defn.content_hash
    assert "read_only" not in json.dumps(defn.to_data())  # defaults are left out of the canonical form


def test_compiled_is_json_with_parsed_expressions_and_orders():
    compiled = load_definition(EXAMPLE).compiled()
    text = json.dumps(compiled, ensure_ascii=False)
    assert json.loads(text) == compiled
    members = compiled["sections"][1]["questions"][0]
    assert members["type"] == "repeat" and members["repeat_count"]["source"] == "${so_thanh_vien}"
    age = members["questions"][2]
    assert age["constraint"] == {"source": ". >= 0 and . <= 120", "ast": age["constraint"]["ast"]}
    assert age["constraint"]["ast"][0] == "and"
    assert age["constraint_message"] == "Tuổi từ 0 đến 120"
    ethnic = compiled["sections"][0]["questions"][2]
    assert ethnic["choices"][1] == {"name": "ba_na", "label": "Ba Na"}
    loan = compiled["sections"][2]["questions"][3]
    assert loan["required"]["source"] == "${thu_nhap_binh_quan} < 1500000"
    assert compiled["calculation_order"] == ["tong_thu_nhap", "thu_nhap_binh_quan", "so_tai_san"]
    order = compiled["evaluation_order"]
    assert order.index("thu_nhap_thang") < order.index("tong_thu_nhap") < order.index("thu_nhap_binh_quan")
    assert order.index("thu_nhap_binh_quan") < order.index("so_tien_vay")
    assert compiled["content_hash"] == load_definition(EXAMPLE).content_hash


def test_evaluation_order_puts_dependencies_first_even_when_later_in_the_form(data):
    question(data, 0, 1)["relevant"] = "${so_tai_san} > 0"  # refers to a calculation two sections later
    order = definition_from_data(data, SOURCE).evaluation_order
    assert order.index("tai_san_ho") < order.index("so_tai_san") < order.index("ten_chu_ho")


# -- refusals: each names the file and the question --------------------------------------------------------------

def test_unknown_type(data):
    question(data, 0, 1)["type"] = "geopoint"
    question(data, 0, 2)["relevant"] = "${ten_chu_ho} != ''"  # no second, misleading 'missing name' error
    assert refused(data) == [f"{SOURCE}: câu \"ten_chu_ho\", type: kiểu 'geopoint' không được hỗ trợ"]


def test_missing_and_unknown_choice_list(data):
    question(data, 0, 2)["type"] = "select_one"
    question(data, 2, 2)["type"] = "select_one co_khong_xyz"
    errors = refused(data)
    assert any('câu "dan_toc_chu_ho", type:' in error and "tên danh sách" in error for error in errors)
    assert f"{SOURCE}: câu \"vay_von\", type: danh sách lựa chọn 'co_khong_xyz' không tồn tại" in errors


def test_duplicate_names_including_inside_a_repeat(data):
    question(data, 1, 0)["questions"][0]["name"] = "ten_chu_ho"
    data["sections"][2]["name"] = "thong_tin_chung"
    errors = refused(data)
    assert any(error.startswith(f'{SOURCE}: câu "ten_chu_ho"') and "bị trùng" in error for error in errors)
    assert any(error.startswith(f'{SOURCE}: phần "thong_tin_chung"') and "bị trùng" in error for error in errors)


@pytest.mark.parametrize("bad", ["so-thanh-vien", "1cau", "tên", "a b"])
def test_bad_names(data, bad):
    question(data, 0, 5)["name"] = bad
    question(data, 0, 5)["constraint"] = ". >= 1"
    errors = refused(data)
    assert any(f"tên '{bad}' không hợp lệ" in error and error.startswith(SOURCE) for error in errors)


def test_reference_to_a_missing_name_gives_attribute_and_position(data):
    question(data, 0, 5)["constraint"] = ". >= ${so_nguoi}"
    assert refused(data) == [
        f"{SOURCE}: câu \"so_thanh_vien\", constraint, vị trí 6: tham chiếu '${{so_nguoi}}' không tồn tại"]


def test_reference_to_a_note_or_a_section_is_refused(data):
    question(data, 0, 1)["relevant"] = "${gioi_thieu} = 'x' or ${doi_song} = 1"
    errors = refused(data)
    assert any("'${gioi_thieu}' là câu ghi chú" in error for error in errors)
    assert any("'${doi_song}' là một phần" in error for error in errors)


def test_expression_syntax_error_names_attribute_and_position(data):
    question(data, 1, 0)["questions"][2]["constraint"] = ". >= 0 and"
    with pytest.raises(DefinitionError) as caught:
        definition_from_data(data, SOURCE)
    (problem,) = caught.value.problems
    assert (problem.question, problem.attribute, problem.position) == ("tuoi", "constraint", 10)
    # the expression message already counts the position from 1, so it is not repeated
    assert str(problem).startswith(f'{SOURCE}: câu "tuoi", constraint: Lỗi cú pháp ở vị trí 11: ')


def test_unknown_function_is_refused(data):
    question(data, 0, 1)["constraint"] = "regex(., '[a-z]+')"
    (error,) = refused(data)
    assert error == f"{SOURCE}: câu \"ten_chu_ho\", constraint: Lỗi cú pháp ở vị trí 1: hàm không xác định 'regex'"


def test_current_value_only_in_constraint(data):
    question(data, 0, 1)["relevant"] = ". != ''"
    (error,) = refused(data)
    assert 'câu "ten_chu_ho", relevant' in error and "chỉ dùng được trong constraint" in error


def test_cyclic_calculations(data):
    question(data, 1, 1)["calculation"] = "sum(${thu_nhap_thang}) + ${thu_nhap_binh_quan}"
    (error,) = refused(data)
    assert error == (f"{SOURCE}: câu \"tong_thu_nhap\", calculation: vòng lặp tính toán: "
                     "tong_thu_nhap → thu_nhap_binh_quan → tong_thu_nhap")


def test_self_referencing_calculation(data):
    question(data, 2, 1)["calculation"] = "${so_tai_san} + 1"
    (error,) = refused(data)
    assert "so_tai_san → so_tai_san" in error


def test_cycle_through_relevance(data):
    question(data, 0, 4)["relevant"] = "${so_tai_san} > 0"  # ngay_phong_van
    question(data, 2, 1)["calculation"] = "count-selected(${tai_san_ho}) + string-length(${ngay_phong_van})"
    (error,) = refused(data)
    assert 'câu "ngay_phong_van", relevant: vòng lặp phụ thuộc' in error


def test_repeat_inside_repeat(data):
    inner = {"name": "con", "type": "repeat", "label": "Con",
             "questions": [{"name": "ten", "type": "text", "label": "Tên"}]}
    question(data, 1, 0)["questions"].append(inner)
    (error,) = refused(data)
    assert error.startswith(f'{SOURCE}: câu "con", type: không được đặt nhóm lặp')


def test_non_string_scalars_are_refused(data):
    data["version"] = 2024.1
    question(data, 0, 1)["label"] = True
    data["choices"]["co_khong"][0]["name"] = True
    errors = refused(data)
    assert any(error.startswith(f"{SOURCE}: version: phải là chuỗi") for error in errors)
    assert any(error.startswith(f'{SOURCE}: câu "ten_chu_ho", label: phải là chuỗi') for error in errors)
    assert any('danh sách lựa chọn "co_khong"' in error and "phải là chuỗi" in error for error in errors)


def test_unquoted_yes_in_a_yaml_file_is_explained(tmp_path):
    path = tmp_path / "ho.yaml"
    path.write_text(EXAMPLE.read_text("utf-8").replace('{name: "co", label: "Có"}', "{name: yes, label: Có}"), "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    (error,) = caught.value.errors
    assert error.startswith(f'{path}: danh sách lựa chọn "co_khong", lựa chọn thứ 1')
    assert "dấu nháy" in error


@pytest.mark.parametrize("key", ["form_id", "version", "title"])
def test_missing_header_fields(data, key):
    del data[key]
    assert refused(data) == [f"{SOURCE}: {key}: thiếu '{key}'"]


def test_all_problems_are_reported_at_once(data):
    del data["form_id"]
    question(data, 0, 1)["type"] = "barcode"
    question(data, 0, 5)["constraint"] = ". > ${khong_co}"
    question(data, 2, 1)["calculation"] = "${so_tai_san}"
    question(data, 0, 3)["requried"] = True
    errors = refused(data)
    assert len(errors) >= 4
    assert any("thuộc tính 'requried' không dùng được" in error for error in errors)


def test_unknown_keys_and_misplaced_attributes(data):
    question(data, 0, 0)["required"] = True  # a note cannot be required
    question(data, 2, 1)["constraint"] = ". > 0"  # nor a calculation constrained
    errors = refused(data)
    assert f"{SOURCE}: câu \"gioi_thieu\": thuộc tính 'required' không dùng được cho kiểu 'note'" in errors
    assert f"{SOURCE}: câu \"so_tai_san\": thuộc tính 'constraint' không dùng được cho kiểu 'calculate'" in errors


def test_default_must_fit_the_type(data):
    question(data, 0, 5)["default"] = "nhiều"
    question(data, 2, 2)["default"] = "co"
    errors = refused(data)
    assert errors == [f"{SOURCE}: câu \"so_thanh_vien\", default: giá trị mặc định không hợp lệ: Phải là số nguyên"]


def test_calculate_without_calculation_and_question_without_label(data):
    del question(data, 1, 1)["calculation"]
    del question(data, 0, 1)["label"]
    errors = refused(data)
    assert f"{SOURCE}: câu \"tong_thu_nhap\": câu tính toán phải có 'calculation'" in errors
    assert f"{SOURCE}: câu \"ten_chu_ho\": thiếu 'label'" in errors


def test_yaml_duplicate_key_and_syntax_error(tmp_path):
    duplicate = tmp_path / "dup.yaml"
    duplicate.write_text("form_id: a\nform_id: b\n", "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(duplicate)
    assert "khóa 'form_id' bị lặp lại" in caught.value.errors[0]
    assert caught.value.errors[0].startswith(f"{duplicate}: dòng 2")
    broken = tmp_path / "broken.yaml"
    broken.write_text("form_id: [a\n", "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(broken)
    assert "YAML không hợp lệ" in caught.value.errors[0]


def test_label_references_must_exist(data):
    question(data, 1, 0)["questions"][2]["label"] = "Tuổi của ${ho_ten_sai}"
    (error,) = refused(data)
    assert error == f"{SOURCE}: câu \"tuoi\", label: tham chiếu '${{ho_ten_sai}}' không tồn tại"


def test_the_example_in_the_documentation_is_the_tested_one():
    docs = (Path(__file__).parent.parent / "docs" / "questionnaires.md").read_text("utf-8")
    block = docs.split("## A complete small example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    documented = definition_from_data(yaml.safe_load(block), "docs/questionnaires.md")
    assert documented.content_hash == load_definition(EXAMPLE).content_hash


def test_impossible_date_is_reported_not_crashing(tmp_path):
    from survey_app.core.questionnaire import DefinitionError, load_definition

    path = tmp_path / "ngay.yaml"
    path.write_text(
        'form_id: ngay\ntitle: "Ngày"\nversion: "1"\nsections:\n  - name: s\n    label: "S"\n    questions:\n'
        '      - {name: ngay_tham, type: date, label: "Ngày thăm", default: 2024-13-01}\n', encoding="utf-8")
    with pytest.raises(DefinitionError) as failure:
        load_definition(path)
    assert failure.value.errors == [f'{path}: câu "ngay_tham", default: giá trị mặc định không hợp lệ: '
                                    'Ngày không hợp lệ: ghi ngày/tháng/năm (31/12/2025) hoặc YYYY-MM-DD']


def test_quality_block_of_the_shipped_form():
    defn = load_definition(Path(__file__).parent.parent / "forms" / "ho_gia_dinh.yaml")
    assert defn.quality == QualitySettings(income_question="thu_nhap_binh_quan_thang", income_factor=3.0,
                                           income_min_peers=5, seconds_per_answer=4.0, identical_min=3)


def test_without_a_quality_block_there_is_no_income_question(data):
    defn = definition_from_data(data, SOURCE)
    assert defn.quality == QualitySettings() and defn.quality.income_question is None
    assert "quality" not in defn.to_data()  # the content hash of a form without the block is unchanged


def test_quality_block_round_trips_and_changes_the_hash(data):
    plain = definition_from_data(copy.deepcopy(data), SOURCE)
    data["quality"] = {"income_question": "so_thanh_vien", "income_factor": 2.5, "identical_min": 4}
    defn = definition_from_data(data, SOURCE)
    assert defn.quality == QualitySettings(income_question="so_thanh_vien", income_factor=2.5, identical_min=4)
    assert definition_from_data(defn.to_data(), SOURCE).quality == defn.quality
    assert defn.content_hash != plain.content_hash


def test_quality_block_problems_name_the_key_and_the_value(data):
    data["quality"] = {"income_question": "thu_nhap", "income_factor": 0.5, "income_min_peers": 2.5,
                       "seconds_per_answer": -1, "identical_min": True, "nguong": 1}
    assert refused(data) == [
        f"{SOURCE}: quality: khóa không xác định 'nguong'",
        f"{SOURCE}: quality, income_question: câu 'thu_nhap' không có trong bảng hỏi",
        f"{SOURCE}: quality, income_factor: giá trị '0.5' không hợp lệ, cần một số lớn hơn hoặc bằng 1",
        f"{SOURCE}: quality, income_min_peers: giá trị '2.5' không hợp lệ, cần một số nguyên từ 1 trở lên",
        f"{SOURCE}: quality, seconds_per_answer: giá trị '-1' không hợp lệ, cần một số không âm (giây)",
        f"{SOURCE}: quality, identical_min: giá trị 'True' không hợp lệ, cần một số nguyên từ 2 trở lên",
    ]


@pytest.mark.parametrize("name", ["ten_chu_ho", "tuoi"])  # a text question; a question inside the repeat
def test_income_question_must_be_a_number_outside_repeats(data, name):
    data["quality"] = {"income_question": name}
    assert refused(data) == [f"{SOURCE}: quality, income_question: câu '{name}' phải là câu số (integer, decimal "
                             "hoặc calculate) ngoài nhóm lặp"]


def test_quality_must_be_a_mapping(data):
    data["quality"] = ["thu_nhap"]
    assert refused(data) == [f"{SOURCE}: quality: phải là bảng khóa–giá trị (income_question, income_factor, ...)"]
