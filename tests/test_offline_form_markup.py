"""form_markup.js draws the questionnaire from the compiled definition alone (for the offline app shell): the same
elements, classes, ids, names and data attributes as the server's template, and form_view.js behaves the same on
both (the inputs it reads, the answers it would send, what it shows and hides, its messages) for several answer
sets of forms/ho_gia_dinh.yaml and of the small form with every other widget."""
from __future__ import annotations

import pytest

from tests.support.browser import log_in
from tests.support.fieldwork import ROUND_CODE, complete_answers, make_small_round

pytestmark = pytest.mark.browser


# The structure of a form body: every element's tag, attributes (values and checked marks of inputs aside: the
# server puts defaults and the register's prefill in, the app sets them through the view; answers are compared
# below) and own text, in document order; templates' contents included.
STRUCTURE = """(form) => {
  const out = [];
  const walk = (node) => {
    for (const child of node.children) {
      const attrs = Array.from(child.attributes).filter(a => (a.name !== 'value' || child.type === 'hidden'
          || child.type === 'radio' || child.type === 'checkbox' || child.tagName === 'OPTION')
          && a.name !== 'checked' && a.name !== 'selected'
          && !(a.name === 'hidden' && child.hasAttribute('data-repeat-empty')))
        .map(a => a.name + '=' + a.value).sort().join(' ');
      const text = Array.from(child.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('')
        .replace(/\\s+/g, ' ').trim();
      out.push(child.tagName + ' ' + attrs + (text ? ' | ' + text : ''));
      // Repeat rows are the view's copies of the row template (compared here): the server draws the prefilled ones.
      if (!child.classList.contains('repeat-rows')) walk(child.tagName === 'TEMPLATE' ? child.content : child);
    }
  };
  walk(form.querySelector('.form-body'));
  return out;
}"""

# Each answer set into the view, then what the view shows and would send.
BEHAVIOUR = """([form, sets]) => sets.map(answers => {
  const view = form.__view;
  view.setAnswers(answers);
  view.goToPosition(view.sectionEls[view.sectionEls.length - 1].getAttribute('data-section'));
  view.update();
  const shown = Array.from(form.querySelectorAll('.q[data-q], .repeat-row')).filter(el => !el.closest('[hidden]')
    && !el.closest('template')).map(el => el.id);
  const errors = Array.from(form.querySelectorAll('[data-error]')).filter(el => !el.hidden).map(el => el.textContent);
  const calcs = Array.from(form.querySelectorAll('[data-calc]')).map(el => el.textContent);
  const refs = Array.from(form.querySelectorAll('span.ref')).map(el => el.textContent);
  return {read: view.readAnswers(), send: view.answersToSend(), shown, errors, calcs, refs};
})"""

SERVER_VIEW = "() => { const f = document.getElementById('questionnaire'); f.__view = window.surveyForm; return true; }"

DRAW = """() => {
  const old = document.getElementById('questionnaire');
  const defn = JSON.parse(document.getElementById('form-definition').textContent);
  const form = document.createElement('form');
  old.replaceWith(form);
  SurveyFormMarkup.draw(form, defn, {uuid: old.dataset.uuid, round: old.dataset.round,
    household: old.dataset.household, today: old.dataset.today, owner: old.dataset.owner, firstOpening: true});
  form.id = 'questionnaire';
  form.__view = new SurveyFormView.FormView(form, defn);
  form.__view.start();
  return true;
}"""


def answer_sets() -> list[dict]:
    complete = complete_answers()
    partial = {key: complete[key] for key in ("ngay_khao_sat", "khu_vuc", "so_thanh_vien", "thanh_vien",
                                              "duoc_tuyen_truyen")}
    partial["duoc_tuyen_truyen"] = "khong"  # its follow-up question no longer applies
    wrong = dict(complete, so_thanh_vien=3, ngay_khao_sat="31/02/2025", dien_tich_nha="-4",
                 thanh_vien=[dict(complete["thanh_vien"][0], tuoi="200"), {"ho_ten": ""}])
    return [{}, complete, partial, wrong]


def compare(page, url: str, sets: list[dict]) -> None:
    page.goto(url)
    page.wait_for_selector("#questionnaire.is-paged")
    page.evaluate(SERVER_VIEW)
    server_structure = page.evaluate(STRUCTURE, page.locator("#questionnaire").element_handle())
    server = page.evaluate(BEHAVIOUR, [page.locator("#questionnaire").element_handle(), sets])
    page.goto(url)
    page.wait_for_selector("#questionnaire.is-paged")
    page.add_script_tag(url=url.split("/fieldwork/")[0] + "/static/js/form_markup.js")
    page.evaluate(DRAW)
    drawn_structure = page.evaluate(STRUCTURE, page.locator("#questionnaire").element_handle())
    drawn = page.evaluate(BEHAVIOUR, [page.locator("#questionnaire").element_handle(), sets])
    assert drawn_structure == server_structure
    for number, (a, b) in enumerate(zip(server, drawn, strict=True)):
        assert b == a, f"answer set {number}"


def test_the_campaign_form_drawn_in_the_browser_behaves_as_the_servers(live_server, tablet_page, campaign):
    log_in(tablet_page, live_server.url, "dieutra")
    sets = answer_sets()
    compare(tablet_page, f"{live_server.url}/fieldwork/{ROUND_CODE}/HV1-001", sets)
    assert tablet_page.js_errors == []


def test_the_small_form_drawn_in_the_browser_behaves_as_the_servers(live_server, tablet_page, campaign, session):
    make_small_round(session)
    session.commit()
    log_in(tablet_page, live_server.url, "dieutra")
    sets = [{}, {"data": "x", "ngan": "co", "gon": "khong", "dai": "11", "ghi_chu": "hai\ndòng",
                 "nguoi": [{"ten": "A", "dong_y": ["co", "khong"], "luong": "1,5"}, {"ten": "B"}]},
            {"ngan": "sai", "co_dinh": "7", "nguoi": [{"luong": "abc"}]}]
    compare(tablet_page, f"{live_server.url}/fieldwork/KS-NHO/HV1-001", sets)
    assert tablet_page.js_errors == []
