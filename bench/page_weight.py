"""Page weight of the enumerator's offline app, measured with Chromium's network events (CDP ``Network.*``):
bytes on the wire (``loadingFinished.encodedDataLength``: compressed, headers included) and decoded bodies
(the sum of ``dataReceived.dataLength``) of every request the page made to the network; answers from the service
worker or the browser cache cost nothing and are counted apart. Baseline of the same run: the server-rendered
questionnaire page (first load, then a second household).

Measured: the app's first load (shell, scripts, device package, definition), a second household opened in the
app, a repeat load of the app, and the device package of the 300 households of the enumerator's two villages.

    python -m bench.page_weight            # SQLite scratch database, seed-demo with 150 households per village
"""
from __future__ import annotations

import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@dataclass
class Load:
    wire: int = 0  # bytes received from the network, compressed, with headers
    decoded: int = 0  # the same bodies decoded
    requests: int = 0
    local: int = 0  # requests answered by the service worker or the browser cache
    package_wire: int = 0
    package_decoded: int = 0
    urls: list[str] = field(default_factory=list)


class NetworkMeter:
    """Adds up the network events of one page between ``start()`` and ``stop()``."""

    def __init__(self, context, page):
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.local: set[str] = set()
        self.decoded: dict[str, int] = defaultdict(int)
        self.load = Load()
        self.cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.dataReceived", lambda e: self.decoded.__setitem__(
            e["requestId"], self.decoded[e["requestId"]] + e["dataLength"]))
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event) -> None:
        response = event["response"]
        if response.get("fromServiceWorker") or response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.local.add(event["requestId"])

    def _finished(self, event) -> None:
        request_id = event["requestId"]
        url = self.urls.get(request_id, "")
        if request_id in self.local or url.startswith("data:"):
            self.load.local += 1
            return
        self.load.requests += 1
        self.load.wire += int(event["encodedDataLength"])
        self.load.decoded += self.decoded[request_id]
        self.load.urls.append(url)
        if "/api/v1/device/package" in url:
            self.load.package_wire += int(event["encodedDataLength"])
            self.load.package_decoded += self.decoded[request_id]

    def start(self) -> None:
        self.load = Load()

    def stop(self, page) -> Load:
        page.wait_for_load_state("networkidle")
        return self.load


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def measure(browser, base_url: str, username: str, password: str, round_code: str, households: list[str]) -> dict:
    """The loads of the app and of the server-rendered baseline, each in a fresh browser profile."""
    size = {"viewport": {"width": 768, "height": 1024}, "locale": "vi-VN"}
    found: dict[str, Load] = {}
    context = browser.new_context(**size)
    page = context.new_page()
    meter = NetworkMeter(context, page)
    log_in(page, base_url, username, password)
    for label, code in (("classic: first household", households[0]), ("classic: second household", households[1])):
        meter.start()
        page.goto(f"{base_url}/fieldwork/{round_code}/{code}")
        page.wait_for_selector("#questionnaire.is-paged")
        found[label] = meter.stop(page)
    context.close()

    context = browser.new_context(**size)
    page = context.new_page()
    meter = NetworkMeter(context, page)
    log_in(page, base_url, username, password)
    meter.start()
    page.goto(f"{base_url}/app/#/r/{round_code}")
    page.wait_for_selector("body[data-app-ready='1']")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    found["app: first load"] = meter.stop(page)
    for label, code in (("app: a household", households[0]), ("app: a second household", households[1])):
        meter.start()
        page.goto(f"{base_url}/app/#/r/{round_code}/h/{code}")
        page.wait_for_selector('#questionnaire.is-paged[data-drafts-ready="1"]')
        found[label] = meter.stop(page)
    meter.start()
    page.goto(f"{base_url}/app/#/r/{round_code}")
    page.reload()
    page.wait_for_selector("body[data-app-ready='1']")
    found["app: repeat load"] = meter.stop(page)
    meter.start()
    page.evaluate("url => fetch(url, {credentials: 'same-origin'}).then(r => r.text()).then(t => t.length)",
                  "/api/v1/device/package")
    found["device package (full)"] = meter.stop(page)
    context.close()
    return found


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB".replace(".", ",")


def report(found: dict[str, Load]) -> list[str]:
    baseline = found["classic: first household"].wire or 1
    lines = [f"{'load':<28}{'wire (compressed)':>20}{'decoded':>12}{'requests':>10}{'local':>7}{'vs classic 1st':>16}"]
    for label, load in found.items():
        lines.append(f"{label:<28}{kb(load.wire):>20}{kb(load.decoded):>12}{load.requests:>10}{load.local:>7}"
                     f"{load.wire / baseline:>15.2f}x")
    package = found["device package (full)"]
    lines.append(f"device package, 300 households: {kb(package.package_wire)} compressed on the wire, "
                 f"{kb(package.package_decoded)} uncompressed")
    return lines


@contextmanager
def served(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def main() -> None:
    import logging

    from playwright.sync_api import sync_playwright
    from sqlalchemy import select

    from bench.common import bench_app, scratch_database
    from survey_app.demo.seed import DEMO_PASSWORD, ENUMERATOR_VILLAGES, seed_demo
    from survey_app.extensions import db
    from survey_app.models import Area, Household, SurveyRound

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = bench_app(scratch_database("sqlite"))
    with app.app_context():
        seed_demo(db.session, households_per_focus_village=150)
        db.session.commit()
        villages = select(Area.id).where(Area.code.in_(ENUMERATOR_VILLAGES))
        codes = list(db.session.scalars(select(Household.code).where(Household.village_id.in_(villages))
                                        .order_by(Household.code)))
        round_code = db.session.scalars(select(SurveyRound.code)).first()
    with served(app) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        found = measure(browser, url, "dieutra", DEMO_PASSWORD, round_code, codes[-2:])
        browser.close()
    print(f"households in the enumerator's villages: {len(codes)}")
    print("\n".join(report(found)))


if __name__ == "__main__":
    main()
