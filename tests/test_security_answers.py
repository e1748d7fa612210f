"""Findings "500s" and "limits" in answers: a number over 4.300 digits, start/finish times near year 1 or 9999,
a draft with 50.000 repeat rows and a 10 MB text answer are refused with a 422 naming the question, never a 500."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from survey_app.auth.service import issue_token
from survey_app.core.questionnaire import AnswerValueError, coerce_value, load_definition, validate_answers
from survey_app.core.questionnaire.answers import MAX_REPEAT_ROWS
from survey_app.core.questionnaire.values import MAX_TEXT_LENGTH, HugeNumber
from tests.support.review import ROUND, small_round
from tests.support.surveys import new_uuid
from tests.test_api_errors import assert_problem

EXAMPLE = Path(__file__).parent / "data" / "qdef" / "vi_du_ho.yaml"


@pytest.fixture
def auth(world, session):
    small_round(session)
    token = issue_token(session, world.users["dieutra"], "test")
    session.commit()
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _body(answers_json: str, **extra) -> str:
    fields = {"uuid": new_uuid(), "household": "HV1-001", "round": ROUND, "form_version": "1", **extra}
    return json.dumps(fields)[:-1] + ', "answers": ' + answers_json + "}"


def test_number_over_4300_digits_in_answers_is_a_422_naming_the_question(client, auth):
    for raw in ("9" * 5000, '"' + "9" * 5000 + '"', "1e400", "9" * 25):
        response = client.post("/api/v1/submissions", data=_body('{"so_nguoi": ' + raw + ', "co_vay": "khong"}'),
                               headers=auth)
        body = assert_problem(response, 422)
        assert "so_nguoi" in body["errors"], (raw[:10], body)
    decimal = client.post("/api/v1/submissions", headers=auth,
                          data=_body('{"so_nguoi": 2, "co_vay": "co", "so_tien": "' + "9" * 5000 + '"}'))
    assert "so_tien" in assert_problem(decimal, 422)["errors"]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-07:00",
                                    "0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_start_and_finish_times_near_year_1_or_9999_are_a_422(client, auth, moment):
    for key in ("started_at", "finished_at"):
        response = client.post("/api/v1/submissions", headers=auth,
                               data=_body('{"so_nguoi": 2, "co_vay": "khong"}', **{key: moment}))
        body = assert_problem(response, 422)
        assert key in body["errors"] and "2000" in body["errors"][key]


def test_ten_megabyte_text_answer_is_a_422(client, auth):
    text = "a" * (10 * 1024 * 1024)
    response = client.post("/api/v1/submissions", headers=auth,
                           data=_body(json.dumps({"so_nguoi": 2, "co_vay": "khong", "ghi_chu": text})))
    body = assert_problem(response, 422)
    assert "tối đa" in body["errors"]["ghi_chu"]
    assert coerce_value("text", "a" * MAX_TEXT_LENGTH) == "a" * MAX_TEXT_LENGTH


def test_draft_with_50000_repeat_rows_is_refused_fast():
    defn = load_definition(EXAMPLE)
    rows = [{"ho_ten": "A", "gioi_tinh": "nam", "tuoi": "3"}] * 50_000
    started = time.perf_counter()
    result = validate_answers(defn, {"thanh_vien": rows}, submit=False, today="2024-06-01")
    assert time.perf_counter() - started < 1
    assert f"tối đa {MAX_REPEAT_ROWS} dòng" in result.errors["thanh_vien"]
    ok = validate_answers(defn, {"thanh_vien": rows[:MAX_REPEAT_ROWS]}, submit=False, today="2024-06-01")
    assert "thanh_vien" not in ok.errors


def test_huge_numbers_are_refused_by_every_number_type():
    for question_type, raw in (("integer", 10**19), ("integer", HugeNumber("9" * 30)), ("decimal", "1" * 400),
                               ("integer", 1e300), ("text", HugeNumber("9" * 30))):
        with pytest.raises(AnswerValueError):
            coerce_value(question_type, raw)
    assert coerce_value("integer", -(10**17)) == -(10**17)
    assert coerce_value("decimal", "-1.500.000,5") == -1500000.5
