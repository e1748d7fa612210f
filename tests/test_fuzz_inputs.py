"""Property-based runs over the three parsers of outside input: whatever they are given, they answer with a result or
their own refusal (with a Vietnamese message), never another exception.

* the expression parser (core/expressions): any string → an Expression or ExpressionError;
* the questionnaire loader (core/questionnaire): the real form with fuzzed parts, or any JSON-like data →
  a Definition or DefinitionError;
* the household import (households/importing.py): fuzzed CSV bytes → an ImportResult or ImportFailed.

Bounded in time: a fixed number of examples, derandomised so that a run is repeatable."""
from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_app.core.expressions import Expression, ExpressionError, parse
from survey_app.core.questionnaire import Definition, DefinitionError, definition_from_data
from survey_app.households.importing import ImportFailed, ImportResult, import_households

BOUNDED = settings(max_examples=200, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))
FORM = yaml.safe_load((Path(__file__).parents[1] / "forms" / "ho_gia_dinh.yaml").read_text(encoding="utf-8"))

TOKENS = ["${so_nguoi}", "${x}", "${", "}", ".", "(", ")", "+", "-", "*", " div ", " mod ", "=", "!=", "<", "<=",
          ">", ">=", " and ", " or ", "not(", "'", '"', "'co'", ",", "1", "0", "2.5", "1e309", "99999999999999999999",
          "if(", "selected(", "count-selected(", "string-length(", "concat(", "today()", "int(", "round(", " ",
          "\n", "é", "${thanh_vien}", "[", "]", "/", "position(..)", "sum(", "coalesce(", "regex(", "Đ"]
expression_sources = st.one_of(st.text(max_size=200), st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))


@BOUNDED
@given(source=expression_sources)
def test_the_expression_parser_answers_any_string_with_an_expression_or_its_error(source):
    try:
        assert isinstance(parse(source), Expression)
    except ExpressionError as err:
        assert str(err)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)


def _replace_somewhere(data, choices: list[int], value):
    """The real form with the part reached by ``choices`` (an index at each level) replaced by ``value``."""
    data = copy.deepcopy(data)
    node = data
    for choice in choices:
        keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        if not keys:
            break
        key = keys[choice % len(keys)]
        child = node[key]
        if not isinstance(child, (dict, list)) or not child or choice % 3 == 0:
            node[key] = value
            return data
        node = child
    return data


mutated_forms = st.builds(_replace_somewhere, st.just(FORM), st.lists(st.integers(0, 10_000), min_size=1, max_size=8),
                          json_values | expression_sources)


@BOUNDED
@given(data=st.one_of(mutated_forms, json_values, st.dictionaries(st.sampled_from(list(FORM)), json_values)))
def test_the_questionnaire_loader_answers_any_data_with_a_definition_or_its_error(data):
    try:
        assert isinstance(definition_from_data(data, "fuzz.yaml"), Definition)
    except DefinitionError as err:
        assert str(err)


HEADER = ["ma_ho", "ten_chu_ho", "dan_toc", "ma_thon", "so_thanh_vien", "dia_chi", "tinh_trang_2024"]
CELLS = ["K1", "K2", "Đinh Văn Ằm", "Xơ Đăng", "V1", "V2", "C1", "3", "0", "-1", "99999999999999999999", "1e9", "",
         "nghèo", "cận nghèo", "x", '"', ",", ";", "\t", "\r\n", "\x00", "=1+1", "K1/2", " "]
cells = st.sampled_from(CELLS) | st.text(max_size=12)
csv_files = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda header, rows, sep: (sep.join(header) + "\n" + "".join(sep.join(r) + "\n" for r in rows)).encode(),
              st.lists(st.sampled_from(HEADER) | st.text(max_size=8), max_size=9).map(
                  lambda extra: HEADER[:5] + extra) | st.permutations(HEADER),
              st.lists(st.lists(cells, max_size=9), max_size=6), st.sampled_from([",", ";", "\t"])))


def test_the_household_import_answers_any_csv_with_a_result_or_its_refusal(session, world):
    user = world.users["admin"]

    @settings(BOUNDED, max_examples=100)
    @given(data=csv_files)
    def run(data):
        try:
            assert isinstance(import_households(session, user, "ho.csv", data), ImportResult)
        except ImportFailed as err:
            assert err.lines and all(isinstance(line, str) and line for line in err.lines)
        finally:
            session.rollback()

    run()
