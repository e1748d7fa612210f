"""The review queue: the submissions of the user's area, filtered and paged, in one query per page.

Area: a submission is in the queue of the area its household lives in **now**, not the area it was received in.
A household moved to another village (``households.service.save_household``, audited there) takes its earlier
submissions to the new supervisor's queue and out of the old one's. We scope by the household's current village
rather than rewriting ``Submission.village_id`` on a move: that column stays the village at receipt (the
commune's income statistics of that time are built from it), a move changes one row and writes one audit entry,
and the submission page checks the same current village (``submissions.queries.submission_in_scope``).

Speed on large rounds: the area limit is ``household_id IN (households of the villages of the user's subtrees)``
(the village ids come from the small area table first; households by village are indexed,
``ix_household_village_group``), the round and state are indexed columns of the submission,
rows are read as plain columns (never the answers), and the total is counted only up to ``COUNT_CAP``.
Drafts never appear: they are the enumerator's unfinished work.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import String, cast, false, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..access import area_clause
from ..core import review_states
from ..errors import NotFound
from ..models import Area, Household, Submission, SurveyRound, User
from ..submissions.flags import FLAG_LABELS

COUNT_CAP = 2_000
TO_REVIEW = "to_review"
ALL_STATES = "all"
STATE_FILTERS = {TO_REVIEW: "Cần duyệt (đã gửi, đã sửa)", ALL_STATES: "Tất cả (trừ bản nháp)",
                 **{s: review_states.label(s) for s in review_states.STATES if s != "draft"}}
FLAG_FILTERS = {"": "Tất cả", "any": "Có cảnh báo", "none": "Không cảnh báo", **FLAG_LABELS}
SORTS = {"new": "Mới gửi trước", "old": "Gửi lâu nhất trước"}


class QueueFilterError(NotFound):
    """A filter value the user may not use (unknown, or outside their area): the page answers 404."""


@dataclass
class QueueFilters:
    survey_round: SurveyRound | None = None
    area: Area | None = None
    enumerator: User | None = None
    state: str = TO_REVIEW
    flag: str = ""
    sort: str = "new"

    def states(self) -> tuple[str, ...]:
        if self.state == TO_REVIEW:
            return review_states.AWAITING_REVIEW
        if self.state == ALL_STATES:
            return tuple(s for s in review_states.STATES if s != "draft")
        return (self.state,)


@dataclass
class QueuePage:
    rows: list
    number: int
    per_page: int
    total: int
    capped: bool = False
    filters: QueueFilters | None = field(default=None, repr=False)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    def to_meta(self) -> dict:
        return {"page": self.number, "per_page": self.per_page, "total": self.total, "pages": self.pages,
                "total_is_lower_bound": self.capped}


def rounds_for(session: Session, user: User) -> list[SurveyRound]:
    """Rounds whose areas meet the user's areas (open or closed), newest first."""
    rounds = session.scalars(select(SurveyRound).options(selectinload(SurveyRound.areas))
                             .order_by(SurveyRound.period_start.desc(), SurveyRound.code))
    return [r for r in rounds if any(a.path.startswith(p) or p.startswith(a.path)
                                     for a in r.areas for p in user.area_paths)]


def enumerators_for(session: Session, user: User) -> list[User]:
    """Enumerator accounts working inside the user's areas (for the filter list)."""
    people = session.scalars(select(User).where(User.role == "enumerator").options(selectinload(User.areas))
                             .order_by(User.full_name, User.username))
    return [p for p in people if p.areas and all(user.covers(a) for a in p.areas)]


def parse_filters(session: Session, user: User, args, *, default_round: bool = True) -> QueueFilters:
    """Filters from query arguments (round, area, enumerator, state, flag, sort). Codes outside the user's area
    raise QueueFilterError."""
    filters = QueueFilters()
    rounds = rounds_for(session, user)
    code = (args.get("round") or "").strip()
    if code:
        filters.survey_round = next((r for r in rounds if r.code == code), None)
        if filters.survey_round is None:
            raise QueueFilterError(f"Không có đợt khảo sát “{code}” trong địa bàn của bạn.")
    elif default_round and rounds:
        filters.survey_round = rounds[0]
    area_code = (args.get("area") or "").strip()
    if area_code:
        filters.area = session.scalar(select(Area).where(Area.code == area_code))
        if filters.area is None or not user.covers(filters.area):
            raise QueueFilterError(f"Không có địa bàn “{area_code}” trong địa bàn của bạn.")
    username = (args.get("enumerator") or "").strip()
    if username:
        filters.enumerator = session.scalar(select(User).where(User.username == username))
        if filters.enumerator is None:
            raise QueueFilterError(f"Không có tài khoản “{username}”.")
    state = (args.get("state") or "").strip() or TO_REVIEW
    if state not in STATE_FILTERS:
        raise QueueFilterError(f"Không có trạng thái “{state}”.")
    filters.state = state
    flag = (args.get("flag") or "").strip()
    if flag not in FLAG_FILTERS:
        raise QueueFilterError(f"Không có loại cảnh báo “{flag}”.")
    filters.flag = flag
    sort = (args.get("sort") or "").strip() or "new"
    filters.sort = sort if sort in SORTS else "new"
    return filters


def flag_clause(dialect: str, flag: str):
    """SQL filter on Submission.flags (JSON list of {"code", ...}): "any", "none" or one code."""
    if dialect == "postgresql":
        length = func.jsonb_array_length(Submission.flags)
        if flag == "any":
            return length > 0
        if flag == "none":
            return length == 0
        return Submission.flags.op("@>")(func.jsonb_build_array(func.jsonb_build_object("code", flag)))
    length = func.json_array_length(Submission.flags)
    if flag == "any":
        return length > 0
    if flag == "none":
        return length == 0
    items = func.json_each(Submission.flags).table_valued("value").alias("flag_item")
    return select(1).select_from(items).where(
        func.json_extract(items.c.value, "$.code") == cast(flag, String)).exists()


def queue_conditions(session: Session, user: User, filters: QueueFilters, *, enumerator_self: bool = False) -> list:
    """WHERE conditions on the submission table alone (area, round, state, enumerator, flag)."""
    villages = select(Area.id).where(area_clause(user, Area.path))
    if filters.area is not None:
        villages = villages.where(Area.path.startswith(filters.area.path, autoescape=True))
    # The ids are read first (a small query on the area table) and written into the query: with a literal list
    # the planners estimate the area filter right and walk the (round, state, submitted_at) index for wide areas.
    village_ids = list(session.scalars(villages))
    conditions = [Submission.household_id.in_(select(Household.id).where(Household.village_id.in_(village_ids)))
                  if village_ids else false(),  # the household's current village (module docstring)
                  Submission.state.in_(filters.states())]
    if filters.survey_round is not None:
        conditions.append(Submission.round_id == filters.survey_round.id)
    if filters.enumerator is not None:
        conditions.append(Submission.enumerator_id == filters.enumerator.id)
    if enumerator_self:
        conditions.append(Submission.enumerator_id == user.id)
    if filters.flag:
        conditions.append(flag_clause(session.get_bind().dialect.name, filters.flag))
    return conditions


def queue_statement(session: Session, user: User, filters: QueueFilters, *, enumerator_self: bool = False):
    """The page query: one row per submission with the columns the queue shows."""
    village = aliased(Area, name="village")
    enumerator = aliased(User, name="enumerator")
    stmt = (select(Submission.id, Submission.uuid, Submission.state, Submission.submitted_at, Submission.flags,
                   Submission.version_number, Submission.is_current, Submission.round_id,
                   Household.code.label("household_code"), Household.head_name,
                   village.id.label("village_id"), village.name.label("village_name"), enumerator.username.label("enumerator_username"),
                   enumerator.full_name.label("enumerator_name"))
            .join(Household, Household.id == Submission.household_id)
            .join(village, village.id == Household.village_id)
            .outerjoin(enumerator, enumerator.id == Submission.enumerator_id)
            .where(*queue_conditions(session, user, filters, enumerator_self=enumerator_self)))
    if filters.sort == "old":
        return stmt.order_by(Submission.submitted_at.asc(), Submission.id.asc())
    return stmt.order_by(Submission.submitted_at.desc(), Submission.id.desc())


def capped_count(session: Session, user: User, filters: QueueFilters, *, enumerator_self: bool = False,
                 cap: int = COUNT_CAP) -> int:
    """How many submissions match, counting at most ``cap + 1`` (on the submission table only: every submission
    has its household and village, so the page's joins change no count)."""
    matching = select(Submission.id).where(*queue_conditions(session, user, filters, enumerator_self=enumerator_self))
    return session.scalar(select(func.count()).select_from(matching.limit(cap + 1).subquery())) or 0


def queue_page(session: Session, user: User, filters: QueueFilters, page: int = 1, per_page: int = 50,
               *, enumerator_self: bool = False) -> QueuePage:
    page = max(1, page)
    per_page = max(1, min(per_page, 200))
    stmt = queue_statement(session, user, filters, enumerator_self=enumerator_self)
    rows = list(session.execute(stmt.limit(per_page).offset((page - 1) * per_page)))
    counted = capped_count(session, user, filters, enumerator_self=enumerator_self)
    capped = counted > COUNT_CAP
    return QueuePage(rows=rows, number=page, per_page=per_page, total=min(counted, COUNT_CAP), capped=capped,
                     filters=filters)
