"""The load and fault test (bench/load) in small: 4 clients, about 200 requests, a gunicorn worker SIGKILLed at
a third of the load and the whole server (and any job worker) SIGKILLed and restarted at two thirds. Every
submission acknowledged to a client must be stored exactly once, and no 5xx may come outside the downtime.

SQLite: a file in tmp_path. PostgreSQL (when TEST_DATABASE_URL is set): a database of its own,
``<that database>_load_live`` on the same server, created and dropped here.
"""
from __future__ import annotations

import pytest

from bench.load.run import report, run_load
from tests.support.live_database import drop_postgres_database, live_database

FAULTS = [("worker", 1 / 3), ("server", 2 / 3)]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_acknowledged_submissions_survive_a_worker_kill_and_a_full_restart(kind, tmp_path):
    url, postgres_url = live_database(kind, tmp_path, "load")
    try:
        result = run_load(kind, 200, 4, FAULTS, url=url)
    finally:
        if postgres_url is not None:
            drop_postgres_database(postgres_url)
    text = report(result)
    assert len(result.events) == 2, text  # both faults happened
    assert result.acknowledged > 100, text
    assert result.stored == result.acknowledged and result.lost == 0, text
    assert result.duplicated == 0, text
    assert result.server_errors_outside_downtime == 0, text
    assert not result.client_failures, text
    assert result.ok, text
