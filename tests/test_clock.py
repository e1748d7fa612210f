"""The one clock (``core/clock.py``), the UTC column type every timestamp uses, and the one set of Jinja filters."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import StatementError

from survey_app.core import clock
from survey_app.core.formatting import format_date_vn, format_datetime_vn
from survey_app.models import AuditEntry, Base
from survey_app.models.base import UTCDateTime
from survey_app.printing import make_print_environment
from survey_app.templating import FILTERS

HANOI = timezone(timedelta(hours=7))


def test_local_time_is_vietnam():
    assert clock.LOCAL_TIME.utcoffset(datetime(2024, 7, 1)) == timedelta(hours=7)
    assert clock.LOCAL_TIME.utcoffset(datetime(2024, 1, 1)) == timedelta(hours=7)  # no daylight saving


def test_utc_now_is_aware_utc():
    now = clock.utc_now()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)


@pytest.mark.parametrize(("utc", "expected"), [
    (datetime(2024, 5, 10, 16, 59, tzinfo=timezone.utc), date(2024, 5, 10)),
    (datetime(2024, 5, 10, 17, 0, tzinfo=timezone.utc), date(2024, 5, 11)),  # midnight in Vietnam
    (datetime(2024, 12, 31, 18, 30, tzinfo=timezone.utc), date(2025, 1, 1)),
])
def test_vietnam_today_is_the_date_in_vietnam(monkeypatch, utc, expected):
    monkeypatch.setattr(clock, "utc_now", lambda: utc)
    today = clock.vietnam_today()
    assert today == expected and type(today) is date


def test_as_utc_refuses_naive_and_converts_aware():
    with pytest.raises(ValueError, match="naive"):
        clock.as_utc(datetime(2024, 5, 10, 9, 0))
    converted = clock.as_utc(datetime(2024, 5, 10, 9, 0, tzinfo=HANOI))
    assert converted == datetime(2024, 5, 10, 2, 0, tzinfo=timezone.utc) and converted.tzinfo is timezone.utc


def test_from_device_reads_naive_times_as_vietnam_time():
    assert clock.from_device(None) is None
    assert clock.from_device(datetime(2024, 5, 10, 9, 0)) == datetime(2024, 5, 10, 2, 0, tzinfo=timezone.utc)
    sent_in_utc = clock.from_device(datetime(2024, 5, 10, 9, 0, tzinfo=timezone.utc))
    assert sent_in_utc == datetime(2024, 5, 10, 9, 0, tzinfo=timezone.utc)
    assert sent_in_utc.tzinfo is timezone.utc


def test_to_local_and_local_date():
    moment = datetime(2024, 5, 10, 18, 30, tzinfo=timezone.utc)
    assert clock.to_local(moment).isoformat() == "2024-05-11T01:30:00+07:00"
    assert clock.local_date(moment) == date(2024, 5, 11)
    with pytest.raises(ValueError):
        clock.to_local(datetime(2024, 5, 10, 18, 30))


def test_iso_is_utc_text():
    assert clock.iso(None) is None
    assert clock.iso(datetime(2024, 5, 10, 9, 0, 5, 123456, tzinfo=HANOI)) == "2024-05-10T02:00:05.123456+00:00"
    assert clock.iso(datetime(2024, 5, 10, 9, 0, 5, 123456, tzinfo=HANOI), "seconds") == "2024-05-10T02:00:05+00:00"
    with pytest.raises(ValueError):
        clock.iso(datetime(2024, 5, 10, 9, 0))


def test_dates_and_times_print_in_vietnam():
    late = datetime(2024, 5, 10, 18, 30, tzinfo=timezone.utc)
    assert format_datetime_vn(late) == "11/05/2024 01:30"
    assert format_datetime_vn(None) == "—"
    assert format_date_vn(late) == "11/05/2024"
    assert format_date_vn(date(2023, 2, 8)) == "08/02/2023"


def test_one_set_of_filters_for_pages_and_paper(app):
    printing = make_print_environment()
    for name, function in FILTERS.items():
        assert app.jinja_env.filters[name] is function
        assert printing.filters[name] is function
    assert app.jinja_env.globals["nl2br"] is printing.globals["nl2br"]
    source = "{{ at|format_datetime_vn }} {{ n|format_int }} {{ nl2br(body) }}"
    context = {"at": datetime(2024, 5, 10, 2, 5, tzinfo=timezone.utc), "n": 1714, "body": "a<b\nc"}
    expected = "10/05/2024 09:05 1.714 a&lt;b<br>c"
    assert app.jinja_env.from_string(source).render(context) == expected
    assert printing.from_string(source).render(context) == expected


def test_every_timestamp_column_is_utc():
    columns = [c for table in Base.metadata.tables.values() for c in table.columns
               if isinstance(c.type, UTCDateTime) or "DATETIME" in str(c.type.compile()).upper()
               or "TIMESTAMP" in str(c.type.compile()).upper()]
    assert len(columns) >= 20
    assert all(isinstance(c.type, UTCDateTime) for c in columns), [str(c) for c in columns]


def _entry(at: datetime) -> AuditEntry:
    return AuditEntry(at=at, actor="cli", action="test.clock", entity_type="clock", entity_id="1")


def test_column_refuses_naive_datetimes(session):
    session.add(_entry(datetime(2024, 5, 10, 9, 0)))
    with pytest.raises(StatementError, match="naive"):
        session.flush()
    session.rollback()


def test_column_stores_utc_and_reads_back_aware_utc(app, session):
    session.add(_entry(datetime(2024, 5, 10, 9, 0, tzinfo=HANOI)))
    session.commit()
    session.expire_all()
    at = session.scalar(select(AuditEntry.at).where(AuditEntry.action == "test.clock"))
    assert at == datetime(2024, 5, 10, 2, 0, tzinfo=timezone.utc)
    assert at.utcoffset() == timedelta(0) and at.tzinfo is timezone.utc
    # A comparison takes an aware time in any zone: 08:59 in Vietnam is before, 09:01 after.
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.at > datetime(2024, 5, 10, 8, 59, tzinfo=HANOI)))
    assert not session.scalar(select(AuditEntry.id).where(AuditEntry.at > datetime(2024, 5, 10, 9, 1, tzinfo=HANOI)))
    raw = session.execute(text("SELECT at FROM audit_entry WHERE action = 'test.clock'")).scalar()
    if app.extensions["database_engine"].dialect.name == "sqlite":
        assert str(raw).startswith("2024-05-10 02:00:00")  # UTC wall time, the format SQLite rows always had
    else:
        assert raw == datetime(2024, 5, 10, 2, 0, tzinfo=timezone.utc)


def test_postgresql_columns_are_timestamptz(app):
    """The column type keeps the DDL of ``DateTime(timezone=True)``: no migration converts anything."""
    engine = app.extensions["database_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no column time zones")
    inspector = inspect(engine)
    for table in Base.metadata.tables.values():
        found = {c["name"]: c["type"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if isinstance(column.type, UTCDateTime):
                assert getattr(found[column.name], "timezone", False), f"{table.name}.{column.name}"
