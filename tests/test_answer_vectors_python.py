"""The whole-answer-set vectors against the server's reference, core.questionnaire.validate_answers."""

from __future__ import annotations

import pytest

from survey_app.core.questionnaire import validate_answers
from tests.support.answer_vectors import cases, definition, form_key


def test_there_are_enough_vectors_and_repeats_among_them():
    assert len(cases()) >= 60
    assert sum("[" in path for case in cases() for path in case["expect_errors"]) >= 5
    assert len({case["name"] for case in cases()}) == len(cases())


@pytest.mark.parametrize("case", cases(), ids=lambda case: case["name"])
def test_vector_in_python(case):
    check = validate_answers(definition(form_key(case)), case["answers"], submit=case["submit"], today=case["today"])
    assert check.errors == case["expect_errors"]
    assert list(check.errors) == list(case["expect_errors"])  # document order
    assert check.answers == case["expect_answers"]
