"""The end of the booking path: the summary, the booking itself, and the confirmation.

The booking runs in a savepoint inside the conversation's transaction, so a slot taken meanwhile
becomes an apology with fresh options instead of a lost conversation.
"""

from datetime import datetime

from booking import repository, service
from booking.errors import DomainError, SlotTaken
from booking.models import Booking
from booking.models.bookings import BookingStatus
from booking.schemas import AttendeeIn, BookingIn
from booking.views import calendar_invite
from bot.flow import slots
from bot.flow.messages import Attachment, Choice, Link, Reply
from bot.flow.state import Step
from bot.flow.turn import Turn
from bot.flow.wording import both_zones, local, money

CONFIRM_CHOICES = ((Choice("Confirm", "confirm"), Choice("Change time", "change-time")),)


def summary(turn: Turn) -> Reply:
    """What is about to be booked (or moved), in both zones, with Confirm / Change time."""
    event_type = turn.event_type()
    start = datetime.fromisoformat(turn.state.start or "")
    when = both_zones(start, turn.state.zone or "UTC", turn.host_zone(event_type))
    if turn.state.moving:
        return Reply(f"Move your {event_type.title} to {when}?", CONFIRM_CHOICES)
    lines = [f"{event_type.title}, {event_type.duration} min", when, f"Name: {turn.state.name}"]
    if turn.state.email:
        lines.append(f"Email: {turn.state.email}")
    labels = {question["key"]: question["label"] for question in event_type.questions}
    lines += [f"{labels.get(key, key)} {_answer(value)}" for key, value in turn.state.answers.items()]
    if event_type.price > 0:
        lines.append(f"Price: {money(event_type.price, event_type.currency)}")
    return Reply("Please check:\n" + "\n".join(lines), CONFIRM_CHOICES)


def _answer(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def book_now(turn: Turn) -> None:
    """Book (or move) the chosen slot; on a race, apologise and offer fresh times."""
    try:
        with turn.session.begin_nested():
            booking = _move(turn) if turn.state.moving else _book(turn)
    except SlotTaken:
        turn.state.start = None
        slots.restart_search(turn)
        slots.offer(turn, "Sorry, someone just took that time. ")
        return
    except DomainError as problem:
        turn.state.step = Step.CONFIRM
        turn.say(Reply(f"I couldn't book that: {problem.message}", CONFIRM_CHOICES))
        return
    turn.say(confirmation(turn, booking))
    turn.state = turn.state.remembered()
    turn.state.step = Step.DONE
    turn.state.target = booking.uid


def _book(turn: Turn) -> Booking:
    request = BookingIn(
        start=datetime.fromisoformat(turn.state.start or ""),
        attendee=AttendeeIn(
            name=turn.state.name or "Guest", email=turn.state.email, time_zone=turn.state.zone or "UTC"
        ),
        answers=turn.state.answers,
    )
    return service.book(
        turn.session,
        turn.event_type(),
        request,
        turn.now,
        turn.deps.video,
        payments=turn.deps.payments,
        channel=turn.incoming.channel,
        channel_user_id=turn.incoming.who.user_id,
    ).booking


def _move(turn: Turn) -> Booking:
    current = repository.booking_by_uid(turn.session, turn.state.moving or "")
    if current is None:
        raise SlotTaken("That booking no longer exists.")
    start = datetime.fromisoformat(turn.state.start or "")
    return service.reschedule(turn.session, current, start, turn.now, "moved in chat")


def confirmation(turn: Turn, booking: Booking) -> Reply:
    """Booked: when (both zones), where, the invite, and buttons to change it."""
    event_type = turn.event_type()
    when = both_zones(booking.start, booking.attendee_time_zone, turn.host_zone(event_type))
    lines = [f"Booked: {event_type.title}, {when}."]
    if booking.status is BookingStatus.HELD and booking.hold_expires_at:
        held = local(booking.hold_expires_at, booking.attendee_time_zone)
        price = money(booking.price, booking.currency)
        lines.append(f"Your time is held until {held}: pay {price} by then to keep it (Pay now below).")
    elif booking.status is BookingStatus.PENDING:
        lines = [f"Requested: {event_type.title}, {when}. The host will confirm it."]
    if booking.location:
        lines.append(f"Join: {booking.location}")
    manage = turn.manage_url(booking.uid)
    links = [Link("Manage booking", manage)]
    if booking.location and booking.location.startswith("http"):
        links.insert(0, Link("Join the call", booking.location))
    if booking.status is BookingStatus.HELD:
        links.insert(0, Link("Pay now", turn.pay_url(booking.uid)))
    invite = Attachment(
        f"{booking.uid}.ics", "text/calendar", calendar_invite(turn.session, booking, manage).encode()
    )
    buttons = ((Choice("Reschedule", f"move:{booking.uid}"), Choice("Cancel", f"cancel:{booking.uid}")),)
    return Reply("\n".join(lines), buttons, tuple(links), (invite,))
