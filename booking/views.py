"""Bookings as their host or invitee sees them, and a host's booking list."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from booking import repository
from booking.errors import NotFound
from booking.invite import InviteEvent, Person, invite
from booking.models import Booking, BookingHost, EventType, Host
from booking.models.bookings import OPEN_STATUSES, BookingStatus
from booking.schemas import AttendeeIn, BookingOut, BookingPage


def booking_out(session: Session, booking: Booking, hosts: Sequence[str] | None = None) -> BookingOut:
    """The public shape of a booking, with its hosts and reschedule links by uid.

    ``hosts`` are its hosts' slugs when the caller knows them (a booking just made), sparing a query.
    """
    event_type = session.get_one(EventType, booking.event_type_id)
    neighbours = {
        link: session.get_one(Booking, link).uid
        for link in (booking.rescheduled_from_id, booking.rescheduled_to_id)
        if link is not None
    }
    return BookingOut(
        uid=booking.uid,
        status=booking.status.value,
        event_type=event_type.slug,
        title=booking.title,
        start=booking.start,
        end=booking.end,
        attendee=AttendeeIn(
            name=booking.attendee_name,
            email=booking.attendee_email,
            time_zone=booking.attendee_time_zone,
            locale=booking.attendee_locale,
        ),
        answers=booking.answers,
        hosts=list(repository.host_slugs(session, booking.id or 0) if hosts is None else hosts),
        location=booking.location,
        price=booking.price,
        currency=booking.currency,
        hold_expires_at=booking.hold_expires_at,
        cancel_reason=booking.cancel_reason,
        rescheduled_from=neighbours.get(booking.rescheduled_from_id or -1),
        rescheduled_to=neighbours.get(booking.rescheduled_to_id or -1),
        created_at=booking.created_at,
    )


def _visible_to(host: Host) -> ColumnElement[bool]:
    """Bookings a host takes part in, or of event types the host owns."""
    hosted = select(BookingHost.booking_id).where(BookingHost.host_id == host.id)
    owned = select(EventType.id).where(EventType.host_id == host.id)
    return or_(col(Booking.id).in_(hosted), col(Booking.event_type_id).in_(owned))


def host_booking(session: Session, host: Host, uid: str) -> Booking:
    """A booking the host may see, by uid; another host's booking is ``NotFound``."""
    booking = session.exec(select(Booking).where(Booking.uid == uid, _visible_to(host))).first()
    if booking is None:
        raise NotFound(f"No booking {uid!r}.")
    return booking


def host_bookings(
    session: Session,
    host: Host,
    *,
    status: BookingStatus | None,
    after: datetime | None,
    before: datetime | None,
    skip: int,
    take: int,
) -> BookingPage:
    """One page of the host's bookings by start time, with the total across pages."""
    query = select(Booking).where(_visible_to(host))
    if status is not None:
        query = query.where(Booking.status == status)
    if after is not None:
        query = query.where(col(Booking.start) >= after)
    if before is not None:
        query = query.where(col(Booking.start) < before)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Booking.start), col(Booking.id)).offset(skip).limit(take)).all()
    return BookingPage(items=[booking_out(session, row) for row in rows], total=total, skip=skip, take=take)


def calendar_invite(session: Session, booking: Booking, manage_url: str | None) -> str:
    """The booking's ``.ics``: a REQUEST while it stands, a CANCEL once it has ended."""
    hosts = [
        session.get_one(Host, share.host_id) for share in repository.booking_hosts(session, booking.id or 0)
    ]
    organizer, *others = [Person(host.name, host.email) for host in hosts]
    event = InviteEvent(
        uid=booking.ical_uid,
        sequence=booking.sequence,
        title=booking.title,
        description=_description(booking, manage_url),
        start=booking.start,
        end=booking.end,
        organizer=organizer,
        attendees=(Person(booking.attendee_name, booking.attendee_email), *others),
        location=booking.location,
        url=manage_url,
        created=booking.updated_at,
        confirmed=booking.status is BookingStatus.ACCEPTED,
    )
    return invite(event, "REQUEST" if booking.status in OPEN_STATUSES else "CANCEL")


def _description(booking: Booking, manage_url: str | None) -> str:
    lines = [booking.title]
    if booking.location:
        lines.append(f"Join: {booking.location}")
    if manage_url:
        lines.append(f"Reschedule or cancel: {manage_url}")
    return "\n".join(lines)
