"""Issue 11, "Must show": the enumerator's offline app in Debian's Chromium at 768x1024. Log in online and let the
app install; cut the network; open three households (two never opened before), fill them in, add a household
and survey it, fix a returned submission; reload; close the browser and open it again on the same profile; the
drafts, the outbox count and the marks are intact; the network back, the outbox syncs and the server has exactly
those five submissions, each once, the returned one as its next version."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.models import Household
from tests.support.browser import log_in, screenshot
from tests.support.fieldwork import complete_answers
from tests.support.offline import (
    RETURN_COMMENT,
    fill,
    marks,
    open_app,
    open_household,
    page_of,
    persistent_tablet,
    send,
    submissions_of,
    village_with_returned_submission,
    wait_for_form,
    waiting,
)

pytestmark = pytest.mark.browser
TYPED = "Y Blao (vợ chủ hộ)"


def add_household(page, head_name: str) -> None:
    page.click("[data-add-household]")
    form = page.locator("[data-new-household]")
    form.locator("[name=head_name]").fill(head_name)
    form.locator("[name=ethnic_group]").select_option("xo_dang")
    form.locator("[name=members]").fill("2")
    form.locator("[name=address]").fill("Nương rẫy phía suối")
    form.locator("button[type=submit]").click()
    wait_for_form(page)


def test_three_households_a_new_one_and_a_returned_one_filled_offline_arrive_once_each(
        live_server, chromium, factories, world, session, tmp_path):
    village = village_with_returned_submission(factories, world, session)
    round_id = village.returned.round_id
    profile = tmp_path / "tablet"
    with persistent_tablet(chromium, profile) as context:
        page = page_of(context)
        log_in(page, live_server.url, "dieutra")
        open_app(page, live_server.url)
        open_household(page, "HV1-001")  # opened once online
        page.go_back()

        context.set_offline(True)
        page.reload()
        page.wait_for_selector('[data-screen="home"]:not([hidden]) [data-household]')
        assert page.locator("[data-net-state]").inner_text() == "Không có mạng"
        open_household(page, "HV1-001")
        fill(page, complete_answers())
        send(page)
        open_household(page, "HV1-002")  # never opened before
        fill(page, dict(complete_answers(), nguoi_tra_loi="Y Blao"))
        send(page)
        open_household(page, "HV1-003")  # never opened before: typed in, kept as a draft
        page.fill("input[name=nguoi_tra_loi]", TYPED)
        page.click('[data-screen="household"] [data-action="draft"]')
        page.wait_for_selector("[data-app-message]:has-text('Đã lưu nháp trên máy')")
        page.goto(f"{live_server.url}/app/#/")
        page.wait_for_selector('[data-screen="home"]:not([hidden]) [data-household]')
        add_household(page, "Đinh Thị Mới")
        fill(page, complete_answers())
        screenshot(page, "offline-form")
        send(page)
        open_household(page, "HV1-004")
        assert RETURN_COMMENT in page.locator(".review-comment").inner_text()
        page.fill("input[name=nguoi_tra_loi]", "Hồ Văn Lếch")
        send(page)
        assert waiting(page) == 4

        page.reload()
        page.wait_for_selector('[data-screen="home"]:not([hidden]) [data-household]')
        before = marks(page)
    assert before["HV1-001"] == before["HV1-002"] == before["HV1-004"] == "outbox"
    assert before["HV1-003"] == "draft"
    assert [mark for key, mark in before.items() if key.startswith("new:")] == ["outbox"]

    with persistent_tablet(chromium, profile) as context:  # the tablet restarted, still without signal
        context.set_offline(True)
        page = page_of(context)
        page.goto(f"{live_server.url}/app/")
        page.wait_for_selector('[data-screen="home"]:not([hidden]) [data-household]')
        assert marks(page) == before
        assert waiting(page) == 4
        assert page.locator("[data-outbox-count]").inner_text() == "4 phiếu chờ gửi"
        page.locator('a.household-row[data-household="HV1-003"]').scroll_into_view_if_needed()
        screenshot(page, "offline-home")
        open_household(page, "HV1-003")
        assert page.input_value("input[name=nguoi_tra_loi]") == TYPED
        fill(page, dict(complete_answers(), nguoi_tra_loi=TYPED))
        send(page)
        assert waiting(page) == 5
        assert submissions_of(session, round_id) == [village.returned]  # nothing reached the server offline

        context.set_offline(False)  # the "online" event starts the sync
        page.wait_for_function("() => document.body.dataset.outbox === '0' && document.body.dataset.syncState === 'done'")
        page.wait_for_selector("[data-last-sync]:has-text('Đồng bộ lần cuối')")
        synced = marks(page)
        screenshot(page, "offline-synced")
        assert page.js_errors == []

    found = submissions_of(session, round_id)
    assert len(found) == 5 and len({s.uuid for s in found}) == 5
    by_household = {s.household.code: s for s in found}
    new_household = session.scalar(select(Household).where(Household.head_name == "Đinh Thị Mới"))
    assert new_household is not None and new_household.client_uuid and new_household.village.code == "V1"
    assert set(by_household) == {"HV1-001", "HV1-002", "HV1-003", "HV1-004", new_household.code}
    assert by_household["HV1-003"].answers["nguoi_tra_loi"] == TYPED
    fixed = by_household["HV1-004"]
    assert fixed.uuid == village.returned.uuid and fixed.version_number == 2 and fixed.state == "edited"
    assert fixed.answers["nguoi_tra_loi"] == "Hồ Văn Lếch"
    assert all(s.state == "submitted" for s in found if s is not fixed)
    assert synced[new_household.code] == "state-submitted" and not any(k.startswith("new:") for k in synced)
