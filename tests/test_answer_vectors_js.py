"""The whole-answer-set vectors against static/js/engine.js, under Node and once in Chromium: the browser's engine
and the server's validate_answers give the same errors and the same answers to send."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.answer_vectors import ROOT, VECTORS_PATH, cases, compiled_forms, mismatches

JS = ROOT / "survey_app" / "static" / "js"
RUNNER = ROOT / "tests" / "support" / "answer_vectors.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: the Node run of the vectors needs it")
def test_vectors_under_node(tmp_path: Path):
    forms = tmp_path / "forms.json"
    forms.write_text(json.dumps(compiled_forms(), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(["node", str(RUNNER), str(VECTORS_PATH), str(forms)], capture_output=True, text=True,
                          timeout=60, check=True)
    failures = mismatches(json.loads(done.stdout))
    assert not failures, "\n".join(failures)


_RUN_ALL = """([vectors, forms]) => vectors.map((v) => {
  try {
    const state = window.SurveyEngine.run(forms[v.form || v.form_file], v.answers, {today: v.today, submit: v.submit});
    return {name: v.name, errors: state.errors, answers: state.answers};
  } catch (e) { return {name: v.name, thrown: String(e && e.stack || e)}; }
})"""


@pytest.mark.browser
def test_vectors_in_chromium(chromium):
    page = chromium.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(JS / "expr.js"))
    page.add_script_tag(path=str(JS / "engine.js"))
    payload = json.dumps([cases(), compiled_forms()], ensure_ascii=False)
    results = page.evaluate(f"({_RUN_ALL})(JSON.parse({json.dumps(payload)}))")
    page.close()
    failures = mismatches(results)
    assert not failures, "\n".join(failures)
