"""Backups: `flask backup create/restore` on both databases, and a backup taken while a live server acknowledges
submissions and households created on devices, restored to a fresh database, holding every submission and household
acknowledged before the backup started."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app import backup, migrate
from survey_app.database import make_engine
from survey_app.extensions import db
from survey_app.models import Household, Submission
from tests.support.live_database import drop_postgres_database, live_database
from tests.support.live_server import LiveServer, bearer, request
from tests.test_submissions_concurrency import HOUSEHOLDS, _seed, api_body, new_uuid


def _invoke(app, *args):
    db.session.remove()  # the command runs in its own app context, as from a shell
    return app.test_cli_runner().invoke(args=["backup", *args])


def test_backup_create_and_restore_commands(app, world, session, factories, tmp_path):
    path = tmp_path / "saved" / "survey.backup"
    created = _invoke(app, "create", str(path))
    assert created.exit_code == 0, created.output
    assert "Đã sao lưu vào" in created.output and path.stat().st_size > 0
    factories.household(world.areas["V1"], code="HV1-SAU", head_name="Thêm sau khi sao lưu")
    session.commit()
    refused = _invoke(app, "restore", str(path))
    assert refused.exit_code != 0 and "đang có dữ liệu" in refused.output and "--force" in refused.output
    assert session.scalar(select(Household).where(Household.code == "HV1-SAU")) is not None
    db.session.remove()
    restored = _invoke(app, "restore", str(path), "--force")
    assert restored.exit_code == 0, restored.output
    codes = set(db.session.scalars(select(Household.code)))
    assert "HV1-SAU" not in codes and {h.code for h in world.households.values()} <= codes


def test_restore_refuses_a_file_that_is_no_backup(app, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("không phải bản sao lưu")
    result = _invoke(app, "restore", str(bogus), "--force")
    assert result.exit_code != 0 and "không phải bản sao lưu" in result.output
    missing = _invoke(app, "restore", str(tmp_path / "none.backup"))
    assert missing.exit_code != 0 and "Không có tệp sao lưu" in missing.output


NEW_HOUSEHOLD_EVERY = 4  # one post in four brings a household created on the device (docs/offline.md)


class Writer(threading.Thread):
    """An enumerator's device posting new submissions in a loop, some for households it created offline; records
    each acknowledged submission UUID and household client UUID with the time its 2xx arrived."""

    def __init__(self, server: LiveServer, token: str, households: list[str]):
        super().__init__(daemon=True)
        self.server, self.token, self.households = server, token, households
        self.acknowledged: list[tuple[float, str]] = []
        self.new_households: list[tuple[float, str]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        index = 0
        while not self.stop.is_set():
            uuid = new_uuid()
            body = api_body(uuid, self.households[index % len(self.households)])
            client_uuid = None
            if index % NEW_HOUSEHOLD_EVERY == 0:
                client_uuid = new_uuid()
                del body["household"]
                body["new_household"] = {"client_uuid": client_uuid, "village": "V1", "head_name": f"Hộ mới {index}",
                                         "ethnic_group": "ba_na", "members": 2, "address": ""}
            index += 1
            try:
                answer = request(self.server, "POST", "/api/v1/submissions", json_body=body,
                                 headers=bearer(self.token))
            except OSError as err:
                self.errors.append(repr(err))
                continue
            if 200 <= answer.status < 300:
                self.acknowledged.append((time.monotonic(), uuid))
                if client_uuid is not None:
                    self.new_households.append((time.monotonic(), client_uuid))
            else:
                self.errors.append(f"{answer.status} {answer.text[:200]}")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_backup_during_writes_restores_every_acknowledged_submission_and_household(kind, tmp_path):
    url, postgres_url = live_database(kind, tmp_path, "backup")
    restore_url, restore_postgres = live_database(kind, tmp_path, "restored")
    server = LiveServer(url, tmp_path / "gunicorn.log")
    engines = []
    try:
        migrate.upgrade(url)
        tokens = _seed(url)
        server.start()
        writers = [Writer(server, tokens["dieutra"], HOUSEHOLDS[n::3]) for n in range(3)]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 60
        while sum(len(w.acknowledged) for w in writers) < 15 and time.monotonic() < deadline:
            time.sleep(0.1)
        started = time.monotonic()
        before = {uuid for w in writers for t, uuid in list(w.acknowledged) if t < started}
        households_before = {uuid for w in writers for t, uuid in list(w.new_households) if t < started}
        backup.create_backup(url, tmp_path / "during.backup")
        finished = time.monotonic()
        time.sleep(0.5)
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(timeout=40)
        during = [uuid for w in writers for t, uuid in w.acknowledged if t >= started]
        assert not [e for w in writers for e in w.errors], [e for w in writers for e in w.errors][:5]
        assert len(before) >= 15 and during, (len(before), len(during))  # writes went on around the backup
        backup.restore_backup(restore_url, tmp_path / "during.backup")
        restored = make_engine(restore_url)
        engines.append(restored)
        with Session(restored) as check:
            counts = dict(check.execute(select(Submission.uuid, func.count()).group_by(Submission.uuid)).all())
            created = set(check.scalars(select(Household.client_uuid).where(Household.client_uuid.is_not(None))))
        missing = before - set(counts)
        assert not missing, f"{len(missing)} acknowledged submissions missing from the backup"
        assert all(n == 1 for n in counts.values())
        assert households_before, "no household was created on a device before the backup"
        assert not households_before - created, "acknowledged households created on devices missing from the backup"
        print(f"[{kind}] acknowledged before the backup {len(before)} (of them {len(households_before)} with a new "
              f"household), during/after {len(during)}, in the backup {len(counts)}; backup took "
              f"{finished - started:.2f} s")
        migrate.upgrade(restore_url)  # the restored database is at the head revision already: a no-op
    finally:
        server.stop()
        for engine in engines:
            engine.dispose()
        for name in (postgres_url, restore_postgres):
            if name is not None:
                drop_postgres_database(name)


def test_sqlite_connections_are_wal_with_full_sync(tmp_path):
    """WAL with synchronous=FULL on every connection: a commit acknowledged to a client is on disk (fsynced
    WAL) before the answer leaves, so it survives a crash or a power loss."""
    engine = make_engine(f"sqlite:///{tmp_path / 'durable.sqlite3'}")
    try:
        for _ in range(2):
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
