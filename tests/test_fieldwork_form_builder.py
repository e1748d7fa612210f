"""The WTForms form built from a definition (survey_app/fieldwork/questionnaire_form.py): fields per type, posted
names to answers and back. Pure: no app, no database."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from survey_app.core.answers import path_label, path_section
from survey_app.core.questionnaire import definition_from_data, load_definition
from survey_app.fieldwork.questionnaire_form import (
    answers_from_form,
    dom_id,
    form_from_answers,
    form_from_post,
    posted_rows,
    questionnaire_form_class,
)
from survey_app.fieldwork.rendering import interpolate, shown_value
from tests.support.fieldwork import CAMPAIGN_FORM, SMALL_FORM


def small():
    return definition_from_data(SMALL_FORM, "nho.yaml")


def test_field_kinds_follow_type_and_appearance():
    form = form_from_answers(small(), None)
    assert form["ngan"].type == "RadioField"
    assert form["gon"].type == "SelectField" and form["dai"].type == "SelectField"
    assert form["gon"].choices[0].label == "— Chọn —"
    assert form["ghi_chu"].type == "TextAreaField"
    assert 'readonly' in form["co_dinh"]() and form["co_dinh"].data == "5"  # default on first opening
    assert form["data"].data == "mặc định"  # a question called "data" does not shadow the form's data
    assert form.rows == {"nguoi": []}


def test_campaign_fields_have_tablet_keyboards():
    form = form_from_answers(load_definition(CAMPAIGN_FORM), None)
    assert 'inputmode="numeric"' in form["so_thanh_vien"]()
    assert 'inputmode="decimal"' in form["dien_tich_nha"]()
    assert 'inputmode="numeric"' in form["ngay_khao_sat"]() and 'type="date"' not in form["ngay_khao_sat"]()
    assert 'type="checkbox"' in form["tai_san"]()


def test_posted_rows_become_lists_of_answers():
    defn = small()
    data = MultiDict([("data", " An "), ("ngan", "co"), ("dai", ""), ("nguoi-0--row", "1"), ("nguoi-0-ten", "Y Blúp"),
                      ("nguoi-0-dong_y", "co"), ("nguoi-0-dong_y", "khong"), ("nguoi-0-luong", "1.500.000,5"),
                      ("nguoi-1--row", "1"), ("nguoi-1-ten", ""), ("submission-uuid", "x")])
    assert posted_rows(defn, data) == {"nguoi": [0, 1]}
    answers = answers_from_form(form_from_post(defn, data))
    assert answers == {"data": "An", "ngan": "co",
                       "nguoi": [{"ten": "Y Blúp", "dong_y": ["co", "khong"], "luong": "1.500.000,5"}, {}]}


def test_no_rows_posted_means_no_repeat_answer():
    answers = answers_from_form(form_from_post(small(), MultiDict([("ngan", "khong")])))
    assert answers == {"ngan": "khong"}


def test_stored_answers_are_shown_back():
    form = form_from_answers(small(), {"ngan": "co", "co_dinh": 7,
                                       "nguoi": [{"ten": "Y Hoa", "dong_y": ["co"], "luong": 1234.5}, {}]})
    assert form.rows == {"nguoi": [0, 1]}
    assert form["co_dinh"].data == "7"  # stored answers win over defaults
    assert form["data"].data is None  # no default once answers exist
    assert form["nguoi-0-luong"].data == "1234,5" and form["nguoi-0-dong_y"].data == ["co"]
    assert 'checked' in form["ngan"]()
    template = form.row_template(small().questions["nguoi"])
    assert template["ten"].name == "nguoi-__index__-ten"


def test_form_class_is_built_once_per_definition_content():
    first, second = small(), small()
    assert questionnaire_form_class(first) is questionnaire_form_class(second)


def test_rendering_helpers():
    defn = load_definition(CAMPAIGN_FORM)
    assert dom_id("thanh_vien[1].tuoi") == "q-thanh_vien-1-tuoi" and dom_id("so_thanh_vien") == "q-so_thanh_vien"
    assert path_section(defn, "thanh_vien[1].tuoi") == "thanh_vien_ho" and path_section(defn, "uuid") is None
    assert path_label(defn, "thanh_vien[1].tuoi") == "Thành viên hộ 2 — Tuổi (tròn năm)"
    assert path_label(defn, "so_thanh_vien") == "Số nhân khẩu của hộ" and path_label(defn, "uuid") == "uuid"
    assert shown_value(1500000) == "1.500.000" and shown_value(22.75) == "22,75" and shown_value(2.5) == "2,5"
    assert shown_value(["ti_vi", "xe_may"]) == "ti_vi, xe_may" and shown_value(None) == ""
    html = interpolate("Hộ có ${n} trẻ <b>", {"n": 2})
    assert html == 'Hộ có <span class="ref" data-ref="n">2</span> trẻ &lt;b&gt;'
