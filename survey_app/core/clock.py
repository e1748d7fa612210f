"""THE clock: the local time zone, "now", "today in Vietnam", ISO output and the reading of device times.

Every timestamp the application keeps is an aware UTC ``datetime`` (the ``UTCDateTime`` column type in
``models/base.py`` refuses naive ones and always gives back UTC); it is turned into Vietnam time only to be shown
(``to_local``, ``local_date``) and into text only through ``iso``. A naive time sent by a device (a tablet in the
province) means Vietnam time: ``from_device`` reads it so.

Pure Python: no Flask, no database.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
"""Vietnam's time zone (UTC+7, no daylight saving): the dates people see and the day ``today()`` means."""

UTC = timezone.utc


def utc_now() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def vietnam_today() -> date:
    """Today's date in Vietnam (between 17:00 and 24:00 UTC it is already the next day)."""
    return local_date(utc_now())


def as_utc(moment: datetime) -> datetime:
    """An aware time converted to UTC; a naive time is refused (``ValueError``): its zone would be a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: give a time zone (the application keeps aware UTC times)")
    return moment.astimezone(UTC)


def from_device(moment: datetime | None) -> datetime | None:
    """A time sent by a device, in UTC: a naive time is Vietnam time, an aware one keeps its offset."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIME)
    return moment.astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """An aware time as Vietnam time (naive refused, like :func:`as_utc`)."""
    return as_utc(moment).astimezone(LOCAL_TIME)


def local_date(moment: datetime) -> date:
    """The date in Vietnam at an aware time: ``2024-05-10 18:30 UTC`` is the 11th."""
    return to_local(moment).date()


def iso(moment: datetime | None, timespec: str = "auto") -> str | None:
    """ISO-8601 text of an aware time in UTC (``"2024-05-10T09:00:00+00:00"``), ``None`` for ``None``: what the API
    and the pages' hidden fields carry."""
    if moment is None:
        return None
    return as_utc(moment).isoformat(timespec=timespec)
