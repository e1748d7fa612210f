"""Issue 11, the offline app's harder paths in Chromium at 768x1024: the login session expires while the tablet is
offline (the device token syncs, nothing is retyped); another user of the tablet neither sees nor sends the
first one's outbox; a refusal (409, the server moved on) stays on the device with the server's reason until the
enumerator discards it (after confirming); an app update (a new service worker) and a new questionnaire version
arriving while drafts exist: the drafts still open, on the version they were started on."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from survey_app import static_files
from survey_app.core.questionnaire import definition_from_data
from survey_app.submissions import SubmissionPayload, save_submission
from survey_app.surveys.versions import store_definition
from tests.support.browser import log_in, screenshot
from tests.support.fieldwork import CAMPAIGN_FORM, ROUND_CODE, complete_answers
from tests.support.offline import (
    fill,
    installed_then_offline,
    marks,
    open_app,
    open_household,
    send,
    submissions_of,
    village_with_returned_submission,
    waiting,
)
from tests.support.surveys import new_uuid

pytestmark = pytest.mark.browser
SYNCED = "() => document.body.dataset.outbox === '0' && document.body.dataset.syncState === 'done'"


def queue_one(page, key="HV1-002"):
    open_household(page, key)
    fill(page, complete_answers())
    send(page)
    assert waiting(page) == 1


def test_an_expired_session_does_not_stop_the_sync(live_server, chromium, factories, world, session, tmp_path):
    village = village_with_returned_submission(factories, world, session)
    with installed_then_offline(chromium, tmp_path / "tablet", live_server.url) as (context, page):
        queue_one(page)
        user = world.users["dieutra"]
        user.session_generation += 1  # every session of the account ends (as after a password change or expiry)
        session.commit()

        context.set_offline(False)
        page.wait_for_function(SYNCED)
        page.reload()
        page.wait_for_selector('[data-screen="home"]:not([hidden]) [data-household]')
        assert page.locator("[data-login-link]").is_visible()  # the session ended; the app still works
        assert marks(page)["HV1-002"] == "state-submitted"
        screenshot(page, "offline-session-expired")
        assert page.js_errors == []
    sent = [s for s in submissions_of(session, village.returned.round_id) if s.household.code == "HV1-002"]
    assert len(sent) == 1 and sent[0].state == "submitted" and sent[0].enumerator_id == user.id


def test_another_user_of_the_tablet_neither_sees_nor_sends_the_outbox(live_server, chromium, factories, world,
                                                                      session, tmp_path):
    village = village_with_returned_submission(factories, world, session)
    factories.user("dieutra2", "enumerator", "V1")
    session.commit()
    with installed_then_offline(chromium, tmp_path / "tablet", live_server.url) as (context, page):
        queue_one(page)
        page.goto("about:blank")  # the app closed before the signal came back
        context.set_offline(False)
        context.clear_cookies()
        log_in(page, live_server.url, "dieutra2")  # before the first user's outbox had a chance to sync
        open_app(page, live_server.url)
        page.wait_for_function(SYNCED)
        assert waiting(page) == 0 and marks(page)["HV1-002"] == "none"
        assert page.locator("[data-user-name]").inner_text() == "dieutra2"
        assert not [s for s in submissions_of(session, village.returned.round_id) if s.household.code == "HV1-002"]

        context.clear_cookies()
        log_in(page, live_server.url, "dieutra")  # the first user back: their outbox goes
        open_app(page, live_server.url)
        page.wait_for_function(SYNCED)
        assert marks(page)["HV1-002"] == "state-submitted"
    sent = [s for s in submissions_of(session, village.returned.round_id) if s.household.code == "HV1-002"]
    assert len(sent) == 1 and sent[0].enumerator_id == world.users["dieutra"].id


def test_a_refused_item_stays_with_the_servers_reason_until_discarded(live_server, chromium, factories, world,
                                                                     session, tmp_path):
    village = village_with_returned_submission(factories, world, session)
    with installed_then_offline(chromium, tmp_path / "tablet", live_server.url) as (context, page):
        open_household(page, "HV1-004")
        page.fill("input[name=nguoi_tra_loi]", "Hồ Văn Lếch")
        send(page)
        # Meanwhile the same returned submission was sent again from another device: version 2 on the server.
        save_submission(session, world.users["dieutra"], SubmissionPayload(
            uuid=village.returned.uuid, household_code="HV1-004", round_code=ROUND_CODE, form_version=None,
            answers=dict(complete_answers(), nguoi_tra_loi="Từ máy khác"), started_at=None, finished_at=None,
            submit=True, source="api"), today="2025-03-13")
        session.commit()

        context.set_offline(False)
        page.wait_for_selector("[data-refused-item='HV1-004']")
        reason = page.locator("[data-refused-item='HV1-004'] .error").inner_text()
        assert "phiên bản" in reason  # the server's Vietnamese reason, as sent
        assert marks(page)["HV1-004"] == "refused"
        screenshot(page, "offline-refused")
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click("[data-refused-item='HV1-004'] [data-discard]")
        assert page.locator("[data-refused-item='HV1-004']").count() == 1  # not confirmed: kept
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("[data-refused-item='HV1-004'] [data-discard]")
        page.wait_for_selector("[data-refused-item='HV1-004']", state="detached")
        assert marks(page)["HV1-004"] != "refused"
    again = [s for s in submissions_of(session, village.returned.round_id) if s.household.code == "HV1-004"]
    assert len(again) == 1 and again[0].version_number == 2 and again[0].answers["nguoi_tra_loi"] == "Từ máy khác"


def until(page, script: str, arg=None, seconds: float = 20) -> None:
    """Poll an async page function until it is true (wait_for_function does not wait for promises)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {script}"
        page.wait_for_timeout(200)


def new_campaign_version(session, survey_round) -> str:
    data = yaml.safe_load(Path(CAMPAIGN_FORM).read_text(encoding="utf-8"))
    data["version"] = version = "2099.1"
    data["title"] = data["title"] + " (sửa đổi)"
    report = store_definition(session, definition_from_data(data, "ho_gia_dinh.yaml"), source_name="ho_gia_dinh.yaml",
                              actor="test")
    survey_round.questionnaire_version = report.questionnaire_version
    session.commit()
    return version


ACTIVATED = """(_) => navigator.serviceWorker.getRegistration().then(r => !!r && !r.installing && !r.waiting
    && r.active.state === 'activated')"""
PRECACHED = """(part) => caches.keys().then(names => Promise.all(names.map(name => caches.open(name)
    .then(cache => cache.keys())))).then(lists => lists.flat().some(request => request.url.includes(part)))"""


def test_an_app_update_and_a_new_questionnaire_version_leave_the_drafts_openable(
        live_server, chromium, app, factories, world, session, tmp_path, monkeypatch):
    village = village_with_returned_submission(factories, world, session)
    with installed_then_offline(chromium, tmp_path / "tablet", live_server.url) as (context, page):
        open_household(page, "HV1-002")
        old_version = page.evaluate("() => window.surveyForm.defn.version")
        page.fill("input[name=nguoi_tra_loi]", "Nháp trước khi cập nhật")
        page.click('[data-screen="household"] [data-action="draft"]')
        page.wait_for_selector("[data-app-message]:has-text('Đã lưu nháp trên máy')")

        new_version = new_campaign_version(session, village.returned.survey_round)
        shell_js = Path(app.static_folder, "js/app_shell.js")
        monkeypatch.setitem(static_files._hashes, shell_js, "0123456789abcdef")  # a new release of the app
        context.set_offline(False)
        page.goto(f"{live_server.url}/app/#/r/{ROUND_CODE}")
        until(page, PRECACHED, "app_shell.js?v=0123456789abcdef")
        until(page, ACTIVATED)
        page.wait_for_function(SYNCED)

        context.set_offline(True)
        page.reload()
        page.wait_for_selector('[data-screen="home"]:not([hidden]) [data-household]')
        assert page.evaluate("() => Array.from(document.scripts).some(s => s.src.includes('v=0123456789abcdef'))")
        assert marks(page)["HV1-002"] == "draft"
        open_household(page, "HV1-002")
        assert page.input_value("input[name=nguoi_tra_loi]") == "Nháp trước khi cập nhật"
        assert page.evaluate("() => window.surveyForm.defn.version") == old_version != new_version
        page.goto(f"{live_server.url}/app/#/r/{ROUND_CODE}")
        open_household(page, "HV1-003")  # a household without a draft opens on the new version
        assert page.evaluate("() => window.surveyForm.defn.version") == new_version
        assert page.js_errors == []


def test_a_draft_saved_on_the_server_opens_with_its_answers_and_is_sent_under_its_uuid(
        live_server, chromium, factories, world, session, tmp_path):
    village = village_with_returned_submission(factories, world, session)
    partial = {key: value for key, value in complete_answers().items() if key in ("ngay_khao_sat", "nguoi_tra_loi")}
    saved = save_submission(session, world.users["dieutra"], SubmissionPayload(
        uuid=new_uuid(), household_code="HV1-003", round_code=ROUND_CODE, form_version=None, answers=partial,
        submit=False, source="web"), today="2025-03-12").submission  # "Lưu nháp" on the web form
    session.commit()
    with installed_then_offline(chromium, tmp_path / "tablet", live_server.url) as (context, page):
        open_household(page, "HV1-003")
        shown = page.evaluate("() => window.surveyForm.readAnswers()")
        assert shown["nguoi_tra_loi"] == partial["nguoi_tra_loi"]  # the server's draft, not an empty form
        fill(page, {**complete_answers(), **partial})
        send(page)
        context.set_offline(False)
        page.wait_for_function(SYNCED)
        assert page.js_errors == []
    sent = [s for s in submissions_of(session, village.returned.round_id) if s.household.code == "HV1-003"]
    assert [(s.uuid, s.state) for s in sent] == [(saved.uuid, "submitted")]
