"""Every query the booking service makes, so the service reads as rules and not as SQL."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from booking.models import (
    Booking,
    BookingHost,
    BusyBlock,
    EventType,
    Host,
    Schedule,
    Team,
    TeamMember,
)
from booking.models.bookings import OPEN_STATUSES, BookingStatus
from booking.schemas import DAY_MINUTES


def host_by_slug(session: Session, slug: str) -> Host | None:
    return session.exec(select(Host).where(Host.slug == slug)).first()


def team_by_slug(session: Session, slug: str) -> Team | None:
    return session.exec(select(Team).where(Team.slug == slug)).first()


PUBLIC_EVENT_TYPE = (
    select(EventType, Host)
    .join(Host, col(Host.id) == EventType.host_id)
    .outerjoin(Team, col(Team.id) == EventType.team_id)
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

    The owning host is loaded alongside and kept referenced by the session (whose identity map holds
    only weak references), so the slot query that follows finds it without another round trip.
    """
    row = session.exec(PUBLIC_EVENT_TYPE, params={"owner": owner, "slug": slug}).first()
    if row is None:
        return None
    event_type, host = row
    session.info.setdefault("kept", []).append(host)
    return event_type


def public_path(session: Session, event_type: EventType) -> tuple[str, str]:
    """The (owner, slug) an event type is booked under: its team's handle, else its host's."""
    if event_type.team_id is not None:
        return session.get_one(Team, event_type.team_id).slug, event_type.slug
    return session.get_one(Host, event_type.host_id).slug, event_type.slug


Members = list[tuple[Host, str | None]]
"""An event type's hosts with their round-robin group (None = must attend), by id."""


def event_type_members(session: Session, event_type: EventType) -> Members:
    """The hosts of an event type with their round-robin group (None = must attend), by id."""
    if event_type.team_id is None:
        return [(session.get_one(Host, event_type.host_id), None)]
    rows = session.exec(
        select(Host, TeamMember.group)
        .join(TeamMember, col(TeamMember.host_id) == Host.id)
        .where(TeamMember.team_id == event_type.team_id)
        .order_by(col(Host.id))
    ).all()
    return [(host, group) for host, group in rows]


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


def schedule_for(
    session: Session, host_id: int, preferred: int | None
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]] | None:
    """(zone, weekly, overrides) of the host's schedule ``preferred``, else default, else oldest one."""
    row = session.execute(SCHEDULE_FOR, {"host_id": host_id, "preferred": preferred or 0}).first()
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


def open_bookings(
    session: Session, host_ids: Sequence[int], start: datetime, end: datetime
) -> list[OpenBooking]:
    """Open bookings of these hosts touching ``[start, end)``, once per host they occupy."""
    bounds = {"start": start, "end": end, "earliest_block": start - LONGEST_BLOCK}
    rows = session.execute(OPEN_BOOKINGS, {"host_ids": list(host_ids), **bounds})
    return [OpenBooking(*row) for row in rows]


BUSY_BLOCKS = sa_select(col(BusyBlock.host_id), col(BusyBlock.start), col(BusyBlock.end)).where(
    col(BusyBlock.host_id).in_(bindparam("host_ids", expanding=True)),
    col(BusyBlock.end) > bindparam("start"),
    col(BusyBlock.start) < bindparam("end"),
)


def busy_blocks(
    session: Session, host_ids: Sequence[int], start: datetime, end: datetime
) -> list[tuple[int, datetime, datetime]]:
    """(host id, start, end) of these hosts' busy blocks touching ``[start, end)``."""
    rows = session.execute(BUSY_BLOCKS, {"host_ids": list(host_ids), "start": start, "end": end})
    return [(host_id, block_start, block_end) for host_id, block_start, block_end in rows]


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


def stale_holds(session: Session, now: datetime, host_ids: Sequence[int] | None = None) -> list[Booking]:
    """Held bookings whose payment window has closed."""
    query = select(Booking).where(Booking.status == BookingStatus.HELD, col(Booking.hold_expires_at) <= now)
    if host_ids is not None:
        query = query.join(BookingHost, col(BookingHost.booking_id) == Booking.id).where(
            col(BookingHost.host_id).in_(host_ids)
        )
    return list(session.exec(query.with_for_update()).unique().all())


def booking_by_uid(session: Session, uid: str) -> Booking | None:
    return session.exec(select(Booking).where(Booking.uid == uid)).first()


def booking_hosts(session: Session, booking_id: int) -> list[BookingHost]:
    return list(session.exec(select(BookingHost).where(BookingHost.booking_id == booking_id)).all())


HOST_SLUGS = (
    sa_select(col(Host.slug))
    .join(BookingHost, col(BookingHost.host_id) == Host.id)
    .where(col(BookingHost.booking_id) == bindparam("booking_id"))
    .order_by(col(BookingHost.id))
)


def host_slugs(session: Session, booking_id: int) -> list[str]:
    """The slugs of a booking's hosts (built once: every booking answer asks)."""
    return list(session.execute(HOST_SLUGS, {"booking_id": booking_id}).scalars())


def latest_in_chain(session: Session, booking: Booking) -> Booking:
    """Follow reschedules to the booking that is current now."""
    while booking.rescheduled_to_id is not None:
        booking = session.get_one(Booking, booking.rescheduled_to_id)
    return booking
