"""The same form both ways: a definition exported as an XLSForm workbook is accepted by pyxform and imports back
to the same definition; for every form in forms/ and every corpus workbook that imports faithfully."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from survey_app.core.questionnaire import DefinitionError, definition_from_data, import_xlsform, load_definition
from survey_app.core.questionnaire.xlsform_export import write_xlsform

ROOT = Path(__file__).resolve().parent.parent
FORMS = sorted((ROOT / "forms").glob("*.yaml"))
CORPUS = ROOT.parent / "shared" / "xlsform-corpus"


def round_trip(definition, tmp_path):
    path = write_xlsform(definition, tmp_path / f"{definition.form_id}.xlsx")
    convert(xlsform=str(path))  # pyxform accepts the workbook (raises otherwise)
    data, _ = import_xlsform(path)
    return definition_from_data(data, str(path))


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_every_form_exports_and_imports_back_the_same(form, tmp_path):
    definition = load_definition(form)
    again = round_trip(definition, tmp_path)
    assert again.to_data() == definition.to_data()
    assert again.content_hash == definition.content_hash


def test_corpus_workbooks_that_import_come_back_the_same(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("needs ../shared/xlsform-corpus")
    compared = 0
    warnings.simplefilter("ignore")
    for workbook in sorted(CORPUS.glob("*.xls*")):
        try:
            data, _ = import_xlsform(workbook)
        except DefinitionError:
            continue
        definition = definition_from_data(data, str(workbook))
        assert round_trip(definition, tmp_path).to_data() == definition.to_data(), workbook.name
        compared += 1
    assert compared >= 30


def test_cli_export_writes_the_stored_version(app, session, tmp_path):
    runner = app.test_cli_runner()
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / FORMS[0].name).write_text(FORMS[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert runner.invoke(args=["questionnaires", "load", str(forms)]).exit_code == 0
    definition = load_definition(FORMS[0])
    out = tmp_path / "xuat.xlsx"
    result = runner.invoke(args=["questionnaires", "export", definition.form_id, "--out", str(out)])
    assert result.exit_code == 0, result.output
    data, _ = import_xlsform(out)
    assert definition_from_data(data, str(out)).to_data() == definition.to_data()
    again = runner.invoke(args=["questionnaires", "export", definition.form_id, "--out", str(out)])
    assert again.exit_code != 0 and "--force" in again.output
    missing = runner.invoke(args=["questionnaires", "export", "khong_co"])
    assert missing.exit_code != 0 and "khong_co" in missing.output
