"""The conversation engine: one locked, persisted turn per incoming message, routed to a handler.

Each message is handled in one write transaction that first locks the conversation's row (row lock on
PostgreSQL, the write lock on SQLite), so a double-tapped button runs strictly after the first tap and
finds the booking already made. State is saved in the same transaction as the booking it led to.
"""

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from booking.columns import utcnow
from booking.models import Conversation
from bot.flow import booking_steps as steps
from bot.flow import manage_steps as manage
from bot.flow import slots
from bot.flow.messages import Incoming, Kind, Reply
from bot.flow.rewording import NeedsRewording, reword
from bot.flow.state import ChatState, Step
from bot.flow.turn import FlowDeps, Turn

HELP = (
    "I book calls. /book to start, /mybookings for your bookings, /cancel to stop what we're doing. "
    "You can write times in your own words, like 'next Tuesday after 3pm'."
)
Handler = Callable[[Turn, str], None]
BY_STEP: dict[Step, Handler] = {
    Step.ASK_ZONE: steps.ask_zone,
    Step.CONFIRM_ZONE: steps.confirm_zone,
    Step.PICK_SLOT: steps.pick_slot,
    Step.ASK_NAME: steps.ask_name,
    Step.ASK_EMAIL: steps.ask_email,
    Step.ASK_QUESTION: steps.answer_question,
    Step.CONFIRM: steps.confirm,
    Step.CONFIRM_CANCEL: manage.confirm_cancel,
}


def _locked_row(session: Session, incoming: Incoming) -> Conversation:
    channel, chat, user = incoming.key
    query = select(Conversation).where(
        Conversation.channel == channel, Conversation.chat_id == chat, Conversation.user_id == user
    )
    row = session.exec(query.with_for_update()).first()
    if row is None:
        row = Conversation(
            channel=channel, chat_id=chat, user_id=user, state=ChatState().model_dump(mode="json")
        )
        session.add(row)
        session.flush()
    return row


def _command(turn: Turn) -> None:
    name, argument = turn.incoming.text.lower().lstrip("/"), turn.incoming.argument.strip()
    if name in ("start", "book"):
        if argument:
            steps.choose_event(turn, argument)
        else:
            steps.list_event_types(turn)
    elif name in ("mybookings", "bookings"):
        manage.my_bookings(turn)
    elif name == "cancel":
        turn.state = turn.state.remembered()
        turn.state.step = Step.DONE
        turn.say(Reply("Stopped. Say /book to start again."))
    else:
        turn.say(Reply(HELP))


def _choice(turn: Turn) -> bool:
    """Buttons that mean the same at any step; False when the button belongs to the current step."""
    value = turn.incoming.text
    if value.startswith("event:"):
        steps.choose_event(turn, value.removeprefix("event:"))
    elif value.startswith("move:"):
        manage.start_move(turn, value.removeprefix("move:"))
    elif value.startswith("cancel:"):
        manage.ask_cancel(turn, value.removeprefix("cancel:"))
    else:
        return False
    return True


def _stale(turn: Turn) -> None:
    """A button from an earlier message (a double tap, an old keyboard)."""
    if turn.state.step is Step.DONE:
        turn.say(Reply("That's already done. Say /mybookings to see your bookings."))
    else:
        turn.say(Reply("That button is from an earlier message; here's where we are."))
        _resume(turn)


def _resume(turn: Turn) -> None:
    if turn.state.step is Step.PICK_SLOT:
        slots.offer(turn)
    else:
        steps.list_event_types(turn)


def route(turn: Turn) -> None:
    """Send the incoming message to the handler that can answer it."""
    incoming = turn.incoming
    if incoming.kind is Kind.COMMAND:
        _command(turn)
        return
    if incoming.kind is Kind.CHOICE and _choice(turn):
        return
    handler = BY_STEP.get(turn.state.step)
    if incoming.kind is Kind.CHOICE and not _belongs(turn):
        _stale(turn)
    elif handler is not None:
        handler(turn, incoming.text)
    elif not manage.free_text_after_booking(turn, incoming.text):
        steps.list_event_types(turn)


def _belongs(turn: Turn) -> bool:
    """Whether a button press answers the current step (slot buttons must be ones we offered)."""
    value = turn.incoming.text
    if turn.state.step is Step.DONE:
        return False
    if value.startswith("slot:"):
        return turn.state.step is Step.PICK_SLOT and value.removeprefix("slot:") in turn.state.offered
    return True


class ChatFlow:
    """Answers incoming messages for every channel; adapters call ``handle`` and render the replies."""

    def __init__(self, deps: FlowDeps) -> None:
        self.deps = deps

    def handle(self, incoming: Incoming) -> list[Reply]:
        """One turn: lock the conversation, route, save the state, return what to send.

        A turn that needs the language model's reading of the text rolls back, and runs again with
        the answer, which was fetched with no lock or connection held.
        """
        try:
            return self._attempt(incoming, None)
        except NeedsRewording as need:
            model = self.deps.language_model
            return self._attempt(incoming, reword(model, need.text, need.today) if model else "")

    def _attempt(self, incoming: Incoming, reworded: str | None) -> list[Reply]:
        """Two first messages of a new chat may race to create its row; the loser simply runs again
        and then waits on the winner's lock like any later message.
        """
        try:
            return self._turn(incoming, reworded)
        except IntegrityError:
            return self._turn(incoming, reworded)

    def _turn(self, incoming: Incoming, reworded: str | None) -> list[Reply]:
        with self.deps.db.transaction(write=True) as session:
            row = _locked_row(session, incoming)
            state = ChatState.model_validate(row.state)
            turn = Turn(session, self.deps, incoming, state, self.deps.clock(), reworded)
            route(turn)
            row.state = turn.state.model_dump(mode="json")
            row.version += 1
            row.updated_at = utcnow()
            session.add(row)
        return turn.replies
