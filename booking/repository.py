"""Every query the booking service makes, so the service reads as rules and not as SQL."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    null,
    or_,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from booking.columns import UTCDateTime
from booking.models import (
    Booking,
    BookingHost,
    BusyBlock,
    EventType,
    Host,
    OutboxEvent,
    Schedule,
    Team,
    TeamMember,
)
from booking.models.bookings import OPEN_STATUSES, BookingStatus
from booking.schemas import DAY_MINUTES

PREFETCHED = "prefetched_schedules"
"""The ``session.info`` key under which ``public_event_type`` leaves schedules for ``schedule_for``."""
StoredSchedule = tuple[str, list[dict[str, Any]], list[dict[str, Any]]]
"""A schedule's zone, weekly hours and date overrides as stored."""


def host_by_slug(session: Session, slug: str) -> Host | None:
    return session.exec(select(Host).where(Host.slug == slug)).first()


def team_by_slug(session: Session, slug: str) -> Team | None:
    return session.exec(select(Team).where(Team.slug == slug)).first()


OWNER_SCHEDULE = func.coalesce(
    sa_select(col(Schedule.id))
    .where(col(Schedule.host_id) == Host.id, col(Schedule.id) == EventType.schedule_id)
    .correlate(Host, EventType)
    .scalar_subquery(),
    sa_select(col(Schedule.id))
    .where(col(Schedule.host_id) == Host.id)
    .order_by(col(Schedule.is_default).desc(), col(Schedule.id))
    .limit(1)
    .correlate(Host)
    .scalar_subquery(),
)
"""The schedule ``schedule_for`` picks for the event type's owner: its own, else the default, else the
oldest (two subqueries, as SQLite can't order a subquery by an outer column)."""

PUBLIC_EVENT_TYPE = (
    sa_select(EventType, Host, col(Schedule.time_zone), col(Schedule.weekly), col(Schedule.overrides))
    .join(Host, col(Host.id) == EventType.host_id)
    .outerjoin(Team, col(Team.id) == EventType.team_id)
    .outerjoin(Schedule, col(Schedule.id) == OWNER_SCHEDULE)
    .where(
        col(EventType.slug) == bindparam("slug"),
        col(EventType.active).is_(True),
        or_(
            and_(col(Host.slug) == bindparam("owner"), col(EventType.team_id).is_(None)),
            col(Team.slug) == bindparam("owner"),
        ),
    )
)
"""Built once: every slot listing and chat turn starts here, and building the statement cost more than
running it."""


def public_event_type(session: Session, owner: str, slug: str) -> EventType | None:
    """An active event type by its public path (a host's own or a team's), in one round trip.

    The owning host and its schedule come along: the host is kept referenced by the session (whose
    identity map holds only weak references) and the schedule is left for the next ``schedule_for``,
    so the slot query that follows needs neither lookup.
    """
    row = session.execute(PUBLIC_EVENT_TYPE, {"owner": owner, "slug": slug}).first()
    if row is None:
        return None
    event_type: EventType = row[0]
    host, time_zone, weekly, overrides = row[1:]
    session.info.setdefault("kept", []).append(host)
    schedule = None if time_zone is None else (time_zone, weekly, overrides)
    session.info.setdefault(PREFETCHED, {})[(host.id, event_type.schedule_id or 0)] = schedule
    return event_type


def public_path(session: Session, event_type: EventType) -> tuple[str, str]:
    """The (owner, slug) an event type is booked under: its team's handle, else its host's."""
    if event_type.team_id is not None:
        return session.get_one(Team, event_type.team_id).slug, event_type.slug
    return session.get_one(Host, event_type.host_id).slug, event_type.slug


class Member(NamedTuple):
    """One host of an event type: who, and their round-robin group (None = must attend)."""

    id: int
    slug: str
    group: str | None


MEMBERS = (
    sa_select(col(Host.id), col(Host.slug), col(TeamMember.group))
    .join(TeamMember, col(TeamMember.host_id) == Host.id)
    .where(col(TeamMember.team_id) == bindparam("team_id"))
    .order_by(col(Host.id))
)


def event_type_members(session: Session, event_type: EventType) -> list[Member]:
    """The hosts of an event type by id: its owner alone, or its team's members."""
    if event_type.team_id is None:
        return [Member(event_type.host_id, session.get_one(Host, event_type.host_id).slug, None)]
    rows = session.connection().execute(MEMBERS, {"team_id": event_type.team_id}).all()
    return [Member(host_id or 0, slug, group) for host_id, slug, group in rows]


def default_schedule(session: Session, host_id: int) -> Schedule | None:
    """The host's default schedule, else their oldest one."""
    return session.exec(
        select(Schedule)
        .where(Schedule.host_id == host_id)
        .order_by(col(Schedule.is_default).desc(), col(Schedule.id))
    ).first()


SCHEDULE_FOR = (
    sa_select(col(Schedule.time_zone), col(Schedule.weekly), col(Schedule.overrides))
    .where(col(Schedule.host_id) == bindparam("host_id"))
    .order_by(
        (col(Schedule.id) == bindparam("preferred")).desc(), col(Schedule.is_default).desc(), col(Schedule.id)
    )
    .limit(1)
)


def schedule_for(session: Session, host_id: int, preferred: int | None) -> StoredSchedule | None:
    """(zone, weekly, overrides) of the host's schedule ``preferred``, else default, else oldest one.

    A schedule fetched with the event type (``public_event_type``) is used once, by the query it was
    fetched for; any later call reads the table again.
    """
    prefetched: dict[tuple[int, int], StoredSchedule | None] = session.info.get(PREFETCHED, {})
    key = (host_id, preferred or 0)
    if key in prefetched:
        return prefetched.pop(key)
    row = session.connection().execute(SCHEDULE_FOR, {"host_id": host_id, "preferred": key[1]}).first()
    return None if row is None else (row[0], row[1], row[2])


def lock_event_type(session: Session, event_type_id: int) -> None:
    """Serialise bookings of one event type on PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already did).

    Only decisions that count other bookings need it: a limit's tally, a round-robin turn, a request
    taking its time back. Overlaps need no lock; the exclusion constraint arbitrates those.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(EventType.id).where(EventType.id == event_type_id).with_for_update())


class OpenBooking(NamedTuple):
    """An open booking as the slot engine reads it: its time, state and its type's buffers.

    Plain columns rather than ORM objects: a booking check reads every booking of its hosts within
    a week and more of the slot, and building entities for them was most of a booking's CPU time.
    """

    host_id: int
    booking_id: int
    start: datetime
    end: datetime
    status: BookingStatus
    hold_expires_at: datetime | None
    event_type_id: int
    buffer_before: int
    buffer_after: int
    pending_blocks: bool


LONGEST_BLOCK = timedelta(minutes=3 * DAY_MINUTES)
"""The most time one booking can block: a day's duration with a day of buffer either side."""

OPEN_BOOKINGS = (
    sa_select(
        col(BookingHost.host_id),
        col(Booking.id),
        col(Booking.start),
        col(Booking.end),
        col(Booking.status),
        col(Booking.hold_expires_at),
        col(EventType.id),
        col(EventType.buffer_before),
        col(EventType.buffer_after),
        col(EventType.pending_blocks),
    )
    .join(Booking, col(Booking.id) == BookingHost.booking_id)
    .join(EventType, col(EventType.id) == Booking.event_type_id)
    .where(
        col(BookingHost.host_id).in_(bindparam("host_ids", expanding=True)),
        col(BookingHost.blocked_start) > bindparam("earliest_block"),
        col(BookingHost.blocked_start) < bindparam("end"),
        col(BookingHost.blocked_end) > bindparam("start"),
        col(Booking.status).in_(OPEN_STATUSES),
    )
)
"""Found through ``ix_booking_hosts_host_blocked`` with both ends bounded: a block starting before the
window by more than the longest block can't reach into it, so a host's whole history is never read."""

BUSY_BLOCKS = sa_select(
    col(BusyBlock.host_id),
    null(),
    col(BusyBlock.start),
    col(BusyBlock.end),
    *(null() for _ in OpenBooking._fields[4:]),
).where(
    col(BusyBlock.host_id).in_(bindparam("host_ids", expanding=True)),
    col(BusyBlock.end) > bindparam("start"),
    col(BusyBlock.start) < bindparam("end"),
)
"""Busy blocks in the open bookings' columns, with no booking id: both kinds in one round trip."""

BUSY_TIME: CompoundSelect[Any] = union_all(OPEN_BOOKINGS, BUSY_BLOCKS)


class BusyTime(NamedTuple):
    """What keeps hosts from a new booking: open bookings and external busy blocks, by host."""

    bookings: list[OpenBooking]
    blocks: list[tuple[int, datetime, datetime]]


def busy_time(session: Session, host_ids: Sequence[int], start: datetime, end: datetime) -> BusyTime:
    """Open bookings (once per host they occupy) and busy blocks of these hosts touching ``[start, end)``."""
    bounds = {"host_ids": list(host_ids), "start": start, "end": end, "earliest_block": start - LONGEST_BLOCK}
    busy = BusyTime([], [])
    for row in session.connection().execute(BUSY_TIME, bounds).all():
        if row[1] is None:
            busy.blocks.append((row[0], row[2], row[3]))
        else:
            busy.bookings.append(OpenBooking(*row))
    return busy


def last_booked(session: Session, event_type_id: int, host_ids: Sequence[int]) -> dict[int, datetime]:
    """When each host last received a booking of this event type (for round-robin fairness)."""
    rows = session.exec(
        select(BookingHost.host_id, func.max(Booking.created_at))
        .join(Booking, col(Booking.id) == BookingHost.booking_id)
        .where(
            Booking.event_type_id == event_type_id,
            col(BookingHost.host_id).in_(host_ids),
            col(Booking.status).in_(OPEN_STATUSES),
        )
        .group_by(col(BookingHost.host_id))
    ).all()
    return {host_id: at for host_id, at in rows if at is not None}


def _lapsed(now: datetime) -> ColumnElement[bool]:
    """Held and past its payment window: the rows of the partial index ``ix_bookings_held_expiry``.

    The status is written into the SQL, not bound: PostgreSQL's generic plan for a prepared statement
    can't prove ``status = $1`` matches the index's condition, and a full scan is all it has left.
    """
    held: ColumnElement[str] = literal_column(f"'{BookingStatus.HELD.value}'")
    return and_(col(Booking.status) == held, col(Booking.hold_expires_at) <= now)


def any_stale_hold(session: Session, now: datetime) -> bool:
    """Whether some hold has lapsed: a cheap read, so an idle sweep never opens a write transaction."""
    return session.exec(select(Booking.id).where(_lapsed(now)).limit(1)).first() is not None


def stale_holds(
    session: Session, now: datetime, host_ids: Sequence[int] | None = None, batch: int | None = None
) -> list[Booking]:
    """Held bookings whose payment window has closed, longest lapsed first, locked until commit.

    PostgreSQL re-reads each row as it locks it, so a hold paid or expired meanwhile is left out. A
    ``batch`` takes at most that many and skips holds another transaction has locked (a payment, or
    another process's batch), rather than queueing behind it. Locking in one order keeps two
    transactions that expire the same holds from deadlocking. SQLite has no row locks: its write
    transactions run one at a time.
    """
    query = select(Booking).where(_lapsed(now))
    if host_ids is not None:
        query = query.join(BookingHost, col(BookingHost.booking_id) == Booking.id).where(
            col(BookingHost.host_id).in_(host_ids)
        )
    query = query.order_by(col(Booking.hold_expires_at), col(Booking.id)).limit(batch)
    return list(session.exec(query.with_for_update(skip_locked=batch is not None)).unique().all())


def booking_by_uid(session: Session, uid: str) -> Booking | None:
    return session.exec(select(Booking).where(Booking.uid == uid)).first()


def booking_hosts(session: Session, booking_id: int) -> list[BookingHost]:
    return list(session.exec(select(BookingHost).where(BookingHost.booking_id == booking_id)).all())


BOOKINGS = Booking.__table__  # type: ignore[attr-defined]  # (SQLModel doesn't declare it)
OUTBOX = OutboxEvent.__table__  # type: ignore[attr-defined]
BOOKING_INSERT = BOOKINGS.insert()
BOOKING_HOSTS_INSERT = BookingHost.__table__.insert()  # type: ignore[attr-defined]
OUTBOX_INSERT = OUTBOX.insert()
"""Plain Core inserts: nothing reads these rows back as objects in the transaction that writes them,
so the ORM's unit of work (instance state, flush planning) would be pure cost on every booking."""
SHARE_COLUMNS = ["booking_id", "host_id", "blocked_start", "blocked_end", "active"]
EVENT_COLUMNS = ["kind", "payload", "created_at", "attempts"]


class Shares(NamedTuple):
    """The booking_hosts rows of a booking: each host's share blocks the same time."""

    host_ids: list[int]
    blocked_start: datetime
    blocked_end: datetime
    active: bool

    def rows(self, booking_id: int) -> list[dict[str, Any]]:
        blocked = (self.blocked_start, self.blocked_end, self.active)
        return [
            dict(zip(SHARE_COLUMNS, (booking_id, host_id, *blocked), strict=True))
            for host_id in self.host_ids
        ]


def _new_booking_statement() -> Select[int]:
    """A booking, its hosts' shares and its outbox event in one PostgreSQL statement (one round trip).

    Data-modifying CTEs run as one statement: the overlap guard fires on the shares' insert just as on
    a separate one, and a failure anywhere inserts nothing. The hosts come as an array, so one
    prebuilt statement serves any number of them.
    """
    columns = [column for column in BOOKINGS.c if column.name != "id"]
    values = {column.name: bindparam(column.name, type_=column.type) for column in columns}
    booking = BOOKING_INSERT.values(values).returning(BOOKINGS.c.id).cte("new_booking")
    share = sa_select(
        booking.c.id,
        func.unnest(bindparam("share_host_ids", type_=ARRAY(Integer))),
        bindparam("share_blocked_start", type_=UTCDateTime),
        bindparam("share_blocked_end", type_=UTCDateTime),
        bindparam("share_active", type_=Boolean),
    )
    shares = BOOKING_HOSTS_INSERT.from_select(SHARE_COLUMNS, share).cte("new_shares")
    event_values: dict[str, Any] = {
        name: bindparam(f"event_{name}", type_=OUTBOX.c[name].type) for name in EVENT_COLUMNS
    }
    event_values["booking_id"] = sa_select(booking.c.id).scalar_subquery()
    event = OUTBOX_INSERT.values(event_values).cte("new_event")
    return sa_select(booking.c.id).add_cte(shares, event)


NEW_BOOKING = _new_booking_statement()


def insert_booking(session: Session, booking: dict[str, Any], shares: Shares, event: dict[str, Any]) -> int:
    """Insert a booking with its hosts' shares and its outbox event; returns the booking's id.

    ``booking`` holds every column but ``id``, ``event`` every column but ``booking_id``. On
    PostgreSQL that is one round trip; SQLite, in-process, runs three statements.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        params = {
            **booking,
            **{f"share_{name}": value for name, value in shares._asdict().items()},
            **{f"event_{name}": event[name] for name in EVENT_COLUMNS},
        }
        return connection.execute(NEW_BOOKING, params).scalar_one()
    booking_id = connection.execute(BOOKING_INSERT, booking).lastrowid  # (RETURNING needs SQLite 3.35)
    connection.execute(BOOKING_HOSTS_INSERT, shares.rows(booking_id))
    add_event(session, {**event, "booking_id": booking_id})
    return booking_id


def add_event(session: Session, event: dict[str, Any]) -> None:
    """Record an outbox event (every column but ``id``)."""
    session.connection().execute(OUTBOX_INSERT, event)


HOST_SLUGS = (
    sa_select(col(Host.slug))
    .join(BookingHost, col(BookingHost.host_id) == Host.id)
    .where(col(BookingHost.booking_id) == bindparam("booking_id"))
    .order_by(col(BookingHost.id))
)


def host_slugs(session: Session, booking_id: int) -> list[str]:
    """The slugs of a booking's hosts, in the order they were added (the statement is built once)."""
    return list(session.connection().execute(HOST_SLUGS, {"booking_id": booking_id}).scalars())


def latest_in_chain(session: Session, booking: Booking) -> Booking:
    """Follow reschedules to the booking that is current now."""
    while booking.rescheduled_to_id is not None:
        booking = session.get_one(Booking, booking.rescheduled_to_id)
    return booking
