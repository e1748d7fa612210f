"""Helpers for the offline app's browser tests (tests/test_offline_app_*.py): a village of four households with one
submission returned by the supervisor, a persistent Chromium profile (the service worker and IndexedDB survive
closing it, as on a tablet that restarts), and the steps of the enumerator in the app. Holds no tests."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select

from survey_app.models import Submission
from survey_app.submissions import SubmissionPayload, save_submission
from survey_app.submissions.decisions import decide
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, CSP_LISTENER, CSP_MARK, TABLET, log_in
from tests.support.fieldwork import ROUND_CODE, complete_answers, make_campaign_round
from tests.support.surveys import new_uuid

RETURN_COMMENT = "Số nhân khẩu chưa khớp với sổ hộ khẩu, đề nghị kiểm tra lại."


@dataclass
class Village:
    households: list  # HV1-001 … HV1-004, all in V1 (the enumerator's village)
    returned: Submission  # HV1-004's submission, returned with RETURN_COMMENT


def village_with_returned_submission(factories, world, session) -> Village:
    make_campaign_round(session)
    extra = [factories.household(world.areas["V1"], code=f"HV1-00{n}", head_name=name, members=2)
             for n, name in ((2, "Y Blao"), (3, "A Thư"), (4, "Hồ Văn Lếch"))]
    session.flush()
    payload = SubmissionPayload(uuid=new_uuid(), household_code="HV1-004", round_code=ROUND_CODE, form_version=None,
                                answers=complete_answers(), started_at=None, finished_at=None, submit=True,
                                source="api")
    returned = save_submission(session, world.users["dieutra"], payload, today="2025-03-12").submission
    decide(session, world.users["giamsat"], returned, "has_issues", RETURN_COMMENT)
    session.commit()
    return Village(households=[world.households["in"], *extra], returned=returned)


@contextmanager
def persistent_tablet(chromium, profile_dir):
    """A Chromium profile in ``profile_dir`` at 768x1024: closing and opening it again keeps cookies, the service
    worker, its caches and IndexedDB. CSP violations fail the block, as for the ``chromium`` fixture."""
    violations: list[str] = []
    browser_type = chromium._browser.browser_type
    context = browser_type.launch_persistent_context(
        str(profile_dir), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=TABLET, locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh", has_touch=True)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    context.on("console", lambda message: violations.append(message.text)
               if CSP_MARK in message.text or "Content Security Policy" in message.text else None)
    try:
        yield context
    finally:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@contextmanager
def installed_then_offline(chromium, profile_dir, base_url: str, username: str = "dieutra"):
    """A tablet on which ``username`` logged in and installed the app, then lost the network: (context, page)."""
    with persistent_tablet(chromium, profile_dir) as context:
        page = page_of(context)
        log_in(page, base_url, username)
        open_app(page, base_url)
        context.set_offline(True)
        yield context, page


def page_of(context):
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return page


def open_app(page, base_url: str, *, installed: bool = True) -> None:
    """The app's home; ``installed``: wait for the data on the device and the service worker in control."""
    page.goto(f"{base_url}/app/#/r/{ROUND_CODE}")
    page.wait_for_selector('[data-screen="home"]:not([hidden]) [data-household]')
    if installed:
        page.wait_for_selector("body[data-app-ready='1']")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def open_household(page, key: str) -> None:
    page.click(f'a.household-row[data-household="{key}"]')
    wait_for_form(page, key)


def wait_for_form(page, key: str | None = None) -> None:
    """The household screen shows the form of ``key`` (any household's when None), ready for answers."""
    named = f'[data-household="{key}"]' if key else ""
    page.wait_for_selector(f'[data-screen="household"]:not([hidden]) #questionnaire.is-paged{named}[data-drafts-ready="1"]')


def fill(page, answers: dict) -> None:
    page.evaluate("answers => window.surveyForm.setAnswers(answers)", answers)


def send(page) -> None:
    page.click('[data-screen="household"] [data-action="submit"]')
    page.wait_for_selector('[data-screen="home"]:not([hidden]) [data-household]')


def marks(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('a.household-row'))
        .map(a => [a.dataset.household, a.querySelector('[data-mark]').dataset.mark]))""")


def waiting(page) -> int:
    return int(page.get_attribute("body", "data-outbox") or 0)


def submissions_of(session, round_id: int) -> list[Submission]:
    """What the server stored, read afresh (objects this session loaded before are expired, not reused)."""
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(Submission).where(Submission.round_id == round_id).order_by(Submission.id)))
