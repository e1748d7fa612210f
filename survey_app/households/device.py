"""Households an enumerator added on a device offline, sent with their first submission (docs/offline.md).

The device names the household by its own UUID (``client_uuid``); the server gives it the next register code of
its village (``codes.next_household_code``) and stores it through ``service.save_household`` (the same checks and
audit row as the register's form). Sending the same ``client_uuid`` again finds that household: an outbox that
repeats a send never creates a second one.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..database import begin_writing
from ..errors import NotFound
from ..models import Area, Household, User
from .codes import next_household_code
from .service import save_household


def device_household(session: Session, user: User, new) -> tuple[Household, bool]:
    """The household of ``new`` (a ``submissions.payload.NewHousehold``) and whether it was created now.

    A village outside the user's areas, or unknown, is a 404 (its existence is not revealed); so is a household
    of this ``client_uuid`` that has since moved out of the user's areas. Creating is a write: on SQLite the
    write lock is taken first, and the lookup is made again under it."""
    existing = _by_client_uuid(session, new.client_uuid)
    if existing is None:
        village = _village_in_scope(session, user, new.village)
        if begin_writing(session):
            existing = _by_client_uuid(session, new.client_uuid)
    if existing is not None:
        if not user.covers(existing.village):
            raise NotFound(f"Hộ mới mã thiết bị {new.client_uuid} đã được ghi nhận nhưng nay nằm ngoài địa bàn "
                           "của bạn.")
        return existing, False
    household = save_household(session, user, household=None, code=next_household_code(session, village, reserve=True),
                               head_name=new.head_name, ethnic_group_code=new.ethnic_group, village=village,
                               members=new.members, address=new.address)
    household.client_uuid = new.client_uuid
    session.flush()
    return household, True


def _by_client_uuid(session: Session, client_uuid: str) -> Household | None:
    return session.scalar(select(Household).where(Household.client_uuid == client_uuid)
                          .options(joinedload(Household.village, innerjoin=True)).with_for_update(of=Household))


def _village_in_scope(session: Session, user: User, value: str) -> Area:
    condition = Area.id == int(value) if value.isdigit() and len(value) < 10 else Area.code == value
    village = session.scalar(select(Area).where(condition))
    if village is None or not user.covers(village):
        raise NotFound(f"Không tìm thấy thôn '{value}' (hoặc thôn nằm ngoài địa bàn của bạn).",
                       {"new_household.village": "Thôn không có hoặc nằm ngoài địa bàn của bạn"})
    return village
