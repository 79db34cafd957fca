"""After booking: "my bookings", cancelling and moving ("move it to Thursday") from the chat."""

from sqlmodel import col, select

from booking import repository, service
from booking.errors import DomainError
from booking.models import Booking, EventType
from booking.models.bookings import OPEN_STATUSES
from bot.flow import slots
from bot.flow.messages import Choice, Reply
from bot.flow.state import Step
from bot.flow.turn import Turn
from bot.flow.wording import local

MOVE_WORDS = ("move", "reschedule", "change", "postpone", "shift")
CANCEL_WORDS = ("cancel", "call off", "can't make it", "cannot make it")


def my_bookings(turn: Turn) -> None:
    """This chat user's upcoming bookings, each with Reschedule / Cancel."""
    rows = turn.session.exec(
        select(Booking)
        .where(
            Booking.channel == turn.incoming.channel,
            Booking.channel_user_id == turn.incoming.who.user_id,
            col(Booking.status).in_(OPEN_STATUSES),
            col(Booking.end) > turn.now,
        )
        .order_by(col(Booking.start))
        .limit(10)
    ).all()
    if not rows:
        turn.say(Reply("You have no upcoming bookings. Say /book to make one."))
        return
    zone = turn.state.zone or rows[0].attendee_time_zone
    for booking in rows:
        buttons = ((Choice("Reschedule", f"move:{booking.uid}"), Choice("Cancel", f"cancel:{booking.uid}")),)
        turn.say(
            Reply(f"{booking.title}: {local(booking.start, zone)} ({zone}), {booking.status.value}", buttons)
        )


def _mine(turn: Turn, uid: str) -> Booking | None:
    booking = repository.booking_by_uid(turn.session, uid)
    if booking is None or booking.channel_user_id != turn.incoming.who.user_id:
        turn.say(Reply("I can't find that booking."))
        return None
    current = repository.latest_in_chain(turn.session, booking)
    if current.status not in OPEN_STATUSES:
        turn.say(Reply(f"That booking is already {current.status.value}."))
        return None
    return current


def ask_cancel(turn: Turn, uid: str) -> None:
    booking = _mine(turn, uid)
    if booking is None:
        return
    turn.state.step = Step.CONFIRM_CANCEL
    turn.state.target = booking.uid
    zone = turn.state.zone or booking.attendee_time_zone
    buttons = ((Choice("Yes, cancel it", "cancel-yes"), Choice("Keep it", "cancel-no")),)
    turn.say(Reply(f"Cancel {booking.title} on {local(booking.start, zone)}?", buttons))


def confirm_cancel(turn: Turn, value: str) -> None:
    turn.state.step = Step.DONE
    if value != "cancel-yes":
        turn.say(Reply("Kept it. See you then!"))
        return
    booking = _mine(turn, turn.state.target or "")
    if booking is None:
        return
    try:
        with turn.session.begin_nested():
            service.cancel(turn.session, booking, turn.now, "cancelled in chat")
    except DomainError as problem:
        turn.say(Reply(problem.message))
        return
    turn.say(Reply("Cancelled. The host has been told. Say /book whenever you want a new time."))


def start_move(turn: Turn, uid: str, wish: str | None = None) -> None:
    """Offer new times for an existing booking (optionally narrowed by what they said)."""
    booking = _mine(turn, uid)
    if booking is None:
        return
    event_type = turn.session.get_one(EventType, booking.event_type_id)
    turn.state = turn.state.remembered()
    turn.state.zone = turn.state.zone or booking.attendee_time_zone
    turn.state.owner, turn.state.event = repository.public_path(turn.session, event_type)
    turn.state.moving = booking.uid
    if not (wish and slots.wish_for(turn, wish)):
        slots.offer(turn, "When should it move to? ")


def free_text_after_booking(turn: Turn, text: str) -> bool:
    """Understand "move it to Thursday" / "cancel it" about the latest booking; False if neither."""
    lowered = text.lower()
    if not turn.state.target:
        return False
    if any(word in lowered for word in MOVE_WORDS):
        start_move(turn, turn.state.target, text)
        return True
    if any(word in lowered for word in CANCEL_WORDS):
        ask_cancel(turn, turn.state.target)
        return True
    return False
