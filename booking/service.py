"""The booking lifecycle: book, confirm, reject, cancel, reschedule, mark paid, expire holds.

Every front end calls these functions inside a transaction it owns (``Database.transaction``); they
flush but never commit. Each change is checked by the engine against fresh data after the hosts are
locked, written with its outbox event, and guarded once more by the database's overlap constraint.
"""

import secrets
from collections.abc import Container
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlmodel import Session

import engine
from booking import outbox, repository
from booking.calendar import Setup, setup_of, slot_query
from booking.errors import Conflict, InvalidRequest, SlotTaken
from booking.intake import check_answers
from booking.models import Booking, EventType
from booking.models.bookings import OPEN_STATUSES, REASON_LENGTH, TITLE_LENGTH, BookingStatus
from booking.schemas import BookingIn, QuestionIn
from integrations.video import VideoRooms

ENDED = {
    BookingStatus.CANCELLED: "cancelled",
    BookingStatus.REJECTED: "rejected",
    BookingStatus.EXPIRED: "expired (payment not received in time)",
}


def _initial_status(event_type: EventType) -> BookingStatus:
    if event_type.price > 0:
        return BookingStatus.HELD
    if event_type.requires_confirmation:
        return BookingStatus.PENDING
    return BookingStatus.ACCEPTED


def require_payable(event_type: EventType, payments: Container[str]) -> None:
    """Refuse a paid event type whose payment provider this server can't take payments through.

    A hold that can never be paid only blocks the host's time until it lapses; saying so before the
    invitee picks a time (the chat) or books (the API) is the honest answer.
    """
    provider = event_type.payment_provider
    if event_type.price > 0 and provider not in payments:
        raise Conflict(
            f"{event_type.title} is paid through {(provider or 'a payment provider').title()}, which this "
            "server isn't set up to take payments with yet, so it can't be booked here; please tell the host."
        )


def _holds_time(booking: Booking, event_type: EventType) -> bool:
    return booking.status is not BookingStatus.PENDING or event_type.pending_blocks


def _assign(
    session: Session,
    event_type: EventType,
    setup: Setup,
    start: datetime,
    now: datetime,
    zone: str,
    *,
    ignore: int | None,
) -> engine.Assignment:
    """Ask the engine whether ``start`` is still free, clearing lapsed holds it read on the way.

    Bookings of different slots run side by side; when two claim overlapping time, the database's
    exclusion constraint lets one commit and turns the other into ``SlotTaken``. Event types whose
    rules count bookings (limits, round-robin turns) are booked one at a time instead.
    """
    if event_type.limits or setup.rotating:
        repository.lock_event_type(session, event_type.id or 0)
    end = start + timedelta(minutes=event_type.duration)
    query = slot_query(session, setup, (start, end), now, zone, ignore_booking=ignore)
    if _has_lapsed_hold(query, now):  # the engine already ignores them; their rows still guard time
        expire_holds(session, now, list(setup.schedules))
    try:
        assignment = engine.check_start(query, start)
    except engine.EngineInputError as exc:
        raise InvalidRequest(str(exc)) from exc
    if assignment is None:
        raise SlotTaken("That time is not available (any more); please pick one of the offered slots.")
    return assignment


def _has_lapsed_hold(query: engine.SlotQuery, now: datetime) -> bool:
    return any(
        booking.expires_at is not None and booking.expires_at <= now
        for calendar in query.hosts
        for booking in calendar.bookings
    )


def _in_id_order(setup: Setup, slugs: tuple[str, ...]) -> list[repository.Member]:
    """The chosen hosts by id: concurrent team bookings then meet the overlap guard in one order."""
    return [member for member in setup.members if member.slug in slugs]


def _insert(
    session: Session,
    booking: Booking,
    event_type: EventType,
    setup: Setup,
    slugs: tuple[str, ...],
    kind: str,
    **extra: str | int | None,
) -> tuple[str, ...]:
    """Store a new booking with its hosts' shares and its outbox event; returns its hosts' slugs.

    The booking gets its id; each host's share blocks the booking's time with its buffers.
    """
    hosts = _in_id_order(setup, slugs)
    shares = repository.Shares(
        [host.id for host in hosts],
        booking.start - timedelta(minutes=event_type.buffer_before),
        booking.end + timedelta(minutes=event_type.buffer_after),
        _holds_time(booking, event_type),
    )
    row = booking.model_dump(exclude={"id"})
    booking.id = repository.insert_booking(session, row, shares, outbox.event(kind, booking, **extra))
    return tuple(host.slug for host in hosts)


class Booked(NamedTuple):
    """A new booking and its hosts' slugs (in the order ``repository.host_slugs`` gives them)."""

    booking: Booking
    hosts: tuple[str, ...]


def book(
    session: Session,
    event_type: EventType,
    request: BookingIn,
    now: datetime,
    video: VideoRooms,
    *,
    payments: Container[str],
    channel: str = "api",
    channel_user_id: str | None = None,
) -> Booked:
    """Book ``request.start`` if the engine still offers it; held when paid, pending when confirmed later.

    ``payments``: the providers this server takes payments through (``require_payable``).
    """
    require_payable(event_type, payments)
    questions = [QuestionIn.model_validate(question) for question in event_type.questions]
    answers = check_answers(questions, request.answers)
    setup = setup_of(session, event_type)
    zone = request.attendee.time_zone
    assignment = _assign(session, event_type, setup, request.start, now, zone, ignore=None)
    uid = secrets.token_urlsafe(12)
    status = _initial_status(event_type)
    booking = Booking(
        uid=uid,
        ical_uid=f"{uid}@chatcal",
        event_type_id=event_type.id or 0,
        status=status,
        start=assignment.slot.start,
        end=assignment.slot.end,
        title=f"{event_type.title} with {request.attendee.name}"[:TITLE_LENGTH],
        attendee_name=request.attendee.name,
        attendee_email=request.attendee.email,
        attendee_time_zone=request.attendee.time_zone,
        attendee_locale=request.attendee.locale,
        channel=channel,
        channel_user_id=channel_user_id,
        answers=answers,
        location=video.link(uid) if event_type.location_kind == "jitsi" else event_type.location_value,
        price=event_type.price,
        currency=event_type.currency,
        payment_provider=event_type.payment_provider,
        hold_expires_at=now + timedelta(minutes=event_type.hold_minutes)
        if status is BookingStatus.HELD
        else None,
        created_at=now,
        updated_at=now,
    )
    hosts = _insert(session, booking, event_type, setup, assignment.hosts, f"booking.{status.value}")
    return Booked(booking, hosts)


def _end(
    session: Session, booking: Booking, status: BookingStatus, now: datetime, reason: str | None
) -> None:
    """Move an open booking to an ended status and free its time."""
    booking.status = status
    booking.cancel_reason = reason[:REASON_LENGTH] if reason else booking.cancel_reason
    booking.updated_at = now
    booking.sequence += 1
    for share in repository.booking_hosts(session, booking.id or 0):
        share.active = False
        session.add(share)
    session.add(booking)
    session.flush()


def _lock(session: Session, booking: Booking) -> None:
    """Hold ``booking``'s row until commit and read it afresh before changing it.

    PostgreSQL runs write transactions side by side: two changes to one booking (a reschedule and a
    cancel sent together, a host's confirm and the invitee's cancel) each passed their checks on what
    they read before the other committed, and both went through. Locked, the second waits and then
    sees the first's result. (SQLite's write transactions already run one at a time.)
    """
    session.refresh(booking, with_for_update=True)


def _require_open(booking: Booking, action: str) -> None:
    if booking.status not in OPEN_STATUSES:
        raise Conflict(f"This booking was {ENDED[booking.status]}; it can't be {action}.")


def cancel(session: Session, booking: Booking, now: datetime, reason: str = "") -> Booking:
    """Cancel an open booking, keeping the reason for the other side."""
    _lock(session, booking)
    _require_open(booking, "cancelled")
    _end(session, booking, BookingStatus.CANCELLED, now, reason or None)
    outbox.emit(session, "booking.cancelled", booking, reason=reason)
    return booking


def _activate(session: Session, booking: Booking, status: BookingStatus, now: datetime) -> None:
    """Give ``booking`` its time back (confirming a request, reviving a paid hold); the guard decides."""
    booking.status = status
    booking.updated_at = now
    session.add(booking)
    for share in repository.booking_hosts(session, booking.id or 0):
        share.active = True
        session.add(share)
    session.flush()


def _still_free(session: Session, booking: Booking, event_type: EventType) -> None:
    """Re-check a booking that is about to take its time back against today's calendar.

    The engine judges it as of when it was requested (notice and period were met then) but with current
    busy time, buffers and limits, so confirming a request can't overbook a day or a blocked hour.
    """
    repository.lock_event_type(session, event_type.id or 0)
    query = slot_query(
        session,
        setup_of(session, event_type),
        (booking.start, booking.end),
        booking.created_at,
        booking.attendee_time_zone,
        ignore_booking=booking.id,
    )
    found = engine.check_start(query, booking.start)
    if found is None or not set(repository.host_slugs(session, booking.id or 0)) <= set(found.slot.hosts):
        raise SlotTaken("This time is no longer free (another booking, a busy block or a limit).")


def confirm(session: Session, booking: Booking, now: datetime) -> Booking:
    """The host accepts a pending request if the calendar still has room for it."""
    _lock(session, booking)
    if booking.status is BookingStatus.ACCEPTED:
        return booking
    if booking.status is not BookingStatus.PENDING:
        raise Conflict(f"Only pending bookings can be confirmed; this one is {booking.status.value}.")
    _still_free(session, booking, session.get_one(EventType, booking.event_type_id))
    _activate(session, booking, BookingStatus.ACCEPTED, now)
    outbox.emit(session, "booking.accepted", booking)
    return booking


def reject(session: Session, booking: Booking, now: datetime, reason: str = "") -> Booking:
    """The host declines a pending request."""
    _lock(session, booking)
    if booking.status is not BookingStatus.PENDING:
        raise Conflict(f"Only pending bookings can be rejected; this one is {booking.status.value}.")
    _end(session, booking, BookingStatus.REJECTED, now, reason or None)
    outbox.emit(session, "booking.rejected", booking, reason=reason)
    return booking


def reschedule(
    session: Session, booking: Booking, start: datetime, now: datetime, reason: str = ""
) -> Booking:
    """Move a booking: the old one ends as cancelled and links to a new one at ``start``, atomically.

    The old booking's own time is released first so a move by a few minutes can overlap it; if the new
    time is not free the whole transaction rolls back and the old booking stands.
    """
    _lock(session, booking)
    _require_open(booking, "rescheduled")
    if booking.status is BookingStatus.HELD:
        raise Conflict("This booking is waiting for payment; pay or cancel it before moving it.")
    event_type = session.get_one(EventType, booking.event_type_id)
    _end(session, booking, BookingStatus.CANCELLED, now, f"rescheduled{': ' + reason if reason else ''}")
    setup = setup_of(session, event_type)
    zone = booking.attendee_time_zone
    assignment = _assign(session, event_type, setup, start, now, zone, ignore=booking.id)
    successor = Booking(
        **booking.model_dump(
            exclude={
                "id",
                "uid",
                "status",
                "start",
                "end",
                "cancel_reason",
                "rescheduled_to_id",
                "created_at",
            }
        ),
        uid=secrets.token_urlsafe(12),
        status=BookingStatus.PENDING if event_type.requires_confirmation else BookingStatus.ACCEPTED,
        start=assignment.slot.start,
        end=assignment.slot.end,
    )
    successor.rescheduled_from_id = booking.id
    successor.created_at = successor.updated_at = now
    hosts = _keep_hosts(session, booking, assignment)
    _insert(session, successor, event_type, setup, hosts, "booking.rescheduled", previous=booking.uid)
    booking.rescheduled_to_id = successor.id
    session.add(booking)
    return successor


def _keep_hosts(session: Session, booking: Booking, assignment: engine.Assignment) -> tuple[str, ...]:
    """The booking's own hosts if they are all free at the new time, else the engine's choice."""
    current = tuple(repository.host_slugs(session, booking.id or 0))
    return current if set(current) <= set(assignment.slot.hosts) else assignment.hosts


def mark_paid(session: Session, booking: Booking, payment_ref: str, now: datetime) -> Booking:
    """Payment arrived: a held booking becomes accepted (or pending when the host confirms).

    Repeats of the same payment change nothing. A payment for a hold that already lapsed revives it if
    the time is still free; otherwise ``SlotTaken`` tells the caller to refund.
    """
    _lock(session, booking)  # the hold sweep skips a locked hold; a second payment waits for this one
    if booking.payment_ref == payment_ref and booking.status is not BookingStatus.HELD:
        return booking
    if booking.status not in (BookingStatus.HELD, BookingStatus.EXPIRED):
        raise Conflict(f"This booking is {booking.status.value}; a payment can't change that.")
    event_type = session.get_one(EventType, booking.event_type_id)
    if booking.status is BookingStatus.EXPIRED:
        _still_free(session, booking, event_type)
    booking.payment_ref = payment_ref
    booking.hold_expires_at = None
    target = BookingStatus.PENDING if event_type.requires_confirmation else BookingStatus.ACCEPTED
    _activate(session, booking, target, now)
    outbox.emit(session, "booking.paid", booking, payment_ref=payment_ref)
    return booking


def expire_holds(
    session: Session, now: datetime, host_ids: list[int] | None = None, batch: int | None = None
) -> int:
    """End the holds whose payment window has closed (of these hosts); returns how many.

    A booking that needs the time ends every lapsed hold in its way, waiting for any that another
    transaction is deciding. The background sweep passes ``batch``: at most that many per transaction,
    leaving holds other transactions have locked to them (``repository.stale_holds``).
    """
    stale = repository.stale_holds(session, now, host_ids, batch)
    for booking in stale:
        _end(session, booking, BookingStatus.EXPIRED, now, "payment not received in time")
        outbox.emit(session, "booking.expired", booking)
    return len(stale)
