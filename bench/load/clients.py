"""Simulated clients, one thread each with a keep-alive connection: enumerators syncing submissions (retrying
on network errors and 5xx with the same UUID, and re-sending acknowledged ones on purpose) and supervisors
reading the review queue, the report, the rollup API, a household sheet PDF, and printing a booklet."""
from __future__ import annotations

import http.client
import json
import re
import threading
import time
from dataclasses import dataclass, field

from tests.support.live_server import BrowserSession, bearer, encode_body

RETRY_SECONDS = 90.0  # a client gives up on one request after this long (the server must be back by then)
TIMEOUT = 60.0
RESEND_EVERY = 8  # an enumerator's 8th, 16th… request re-sends a submission already acknowledged
API = "/api/v1/submissions"
BOOKLETS = 6  # booklets one printing supervisor asks for in a run, one after the other
JOB_LOCATION = re.compile(r"/paper/jobs/(\d+)$")


@dataclass
class Attempt:
    endpoint: str
    status: int | None  # None: no HTTP answer (refused, reset, timeout)
    started: float
    seconds: float


@dataclass
class Record:
    """What all clients saw; one lock for all of it."""
    total: int
    attempts: list[Attempt] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    unacknowledged: int = 0  # submissions that never got a 2xx (refused, or given up after RETRY_SECONDS)
    done: int = 0
    clients: int = 0
    ended: int = 0  # clients whose thread has returned (done, out of bodies, or crashed)
    lock: threading.Lock = field(default_factory=threading.Lock)
    progress: threading.Condition = field(init=False)

    def __post_init__(self):
        self.progress = threading.Condition(self.lock)

    def add(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts.append(attempt)

    def finish(self, uuid: str | None = None, *, acknowledged: bool = True) -> None:
        with self.lock:
            self.done += 1
            self.unacknowledged += not acknowledged
            if uuid and acknowledged:
                self.acknowledged.add(uuid)
            self.progress.notify_all()

    def end(self) -> None:
        with self.lock:
            self.ended += 1
            self.progress.notify_all()

    def wait_for(self, done: int) -> None:
        """Until ``done`` requests are done, or every client has ended."""
        with self.progress:
            self.progress.wait_for(lambda: self.done >= done or self.ended >= self.clients)


class Client(threading.Thread):
    def __init__(self, port: int, record: Record):
        super().__init__(daemon=True)
        self.port, self.record = port, record
        self.connection = None
        self.failure: BaseException | None = None

    def run(self):
        try:
            self.work()
        except BaseException as error:  # reported by the driver
            self.failure = error
        finally:
            self.record.end()

    def send(self, endpoint: str, method: str, path: str, *, headers: dict, json_body=None, form=None,
             retry_5xx: bool = False) -> tuple[int | None, dict, bytes]:
        """One logical request, tried until it gets an answer (and, if ``retry_5xx``, not a 5xx)."""
        body, all_headers = encode_body(json_body=json_body, form=form)
        all_headers.update(headers)
        deadline, pause = time.monotonic() + RETRY_SECONDS, 0.1
        while True:
            started = time.monotonic()
            status, response_headers, data = None, {}, b""
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                data = response.read()
                status, response_headers = response.status, {k.lower(): v for k, v in response.getheaders()}
                if response.will_close:
                    self._drop()
            except (OSError, http.client.HTTPException):
                self._drop()
            self.record.add(Attempt(endpoint, status, started, time.monotonic() - started))
            if status is not None and not (retry_5xx and status >= 500):
                return status, response_headers, data
            if time.monotonic() > deadline:
                return status, response_headers, data
            time.sleep(pause)
            pause = min(pause * 2, 2.0)

    def _drop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None


class Enumerator(Client):
    """Posts its submissions with its own Bearer token, as a device syncing."""

    def __init__(self, port: int, record: Record, token: str, bodies: list[dict], operations: int):
        super().__init__(port, record)
        self.headers = bearer(token)
        self.bodies, self.operations = list(bodies), operations
        self.sent: list[dict] = []

    def work(self):
        for number in range(1, self.operations + 1):
            if number % RESEND_EVERY == 0 and self.sent:
                body = self.sent[number % len(self.sent)]  # deliberate duplicate: the same UUID again
            elif self.bodies:
                body = self.bodies.pop(0)
            else:
                break
            status, _, _ = self.send(f"POST {API}", "POST", API, headers=self.headers, json_body=body,
                                     retry_5xx=True)
            if status in (200, 201):
                self.sent.append(body)
            self.record.finish(body["uuid"], acknowledged=status in (200, 201))


@dataclass
class Places:
    """What supervisors look at: the round, their commune, a household for its sheet, a village and a few of
    its households for a booklet."""
    round: str
    commune: str
    household: str
    village: str
    booklet_households: list[str]


class Supervisor(Client):
    """A logged-in supervisor (cookies and CSRF token) with a Bearer token for the rollup API."""

    READS = ("queue", "report", "rollup", "sheet", "queue", "rollup", "report", "booklet")

    def __init__(self, port: int, record: Record, browser: BrowserSession, token: str, places: Places,
                 operations: int, prints: bool):
        super().__init__(port, record)
        self.browser, self.token, self.places = browser, token, places
        self.operations, self.prints = operations, prints
        self.job: int | None = None
        self.booklets = 0

    def work(self):
        p = self.places
        for number in range(self.operations):
            kind = self.READS[number % len(self.READS)]
            if kind == "queue":
                self.send("GET /review/", "GET", "/review/", headers=self.browser.cookie_header)
            elif kind == "report":
                self.send("GET /reports/<round>/<area>", "GET", f"/reports/{p.round}/{p.commune}",
                          headers=self.browser.cookie_header)
            elif kind == "rollup":
                self.send("GET /api/v1/rollup", "GET", f"/api/v1/rollup?area={p.commune}&round={p.round}",
                          headers=bearer(self.token))
            elif kind == "sheet" or not self.prints:
                self.send("GET /households/<code>/sheet.pdf", "GET", f"/households/{p.household}/sheet.pdf",
                          headers=self.browser.cookie_header)
            else:
                self.booklet()
            self.record.finish()
        deadline = time.monotonic() + RETRY_SECONDS
        while self.job is not None and time.monotonic() < deadline:  # the last booklet's page shows its end
            self.poll_job()
            time.sleep(0.5)

    def poll_job(self) -> None:
        status, _, data = self.send("GET /paper/jobs/<id>/status", "GET", f"/paper/jobs/{self.job}/status",
                                    headers=self.browser.cookie_header)
        if status == 200 and json.loads(data)["state"] in ("done", "failed"):
            self.job = None

    def booklet(self):
        """Look at the last booklet's state; once it has ended, ask for the next one (``BOOKLETS`` per run)."""
        if self.job is not None:
            self.poll_job()
        if self.job is not None or self.booklets >= BOOKLETS:
            return
        p = self.places
        form = [("csrf_token", self.browser.csrf_token), ("village", p.village), ("scope", "selection"),
                ("round", p.round)] + [("households", code) for code in p.booklet_households]
        status, headers, _ = self.send("POST /paper/booklets", "POST", "/paper/booklets",
                                       headers=self.browser.cookie_header, form=form)
        match = JOB_LOCATION.search(headers.get("location", "")) if status == 303 else None
        if match:
            self.job, self.booklets = int(match.group(1)), self.booklets + 1
