"""The booking path: event type → time zone → slot → name, email → intake questions → confirm.

Each handler reads the turn, sets the next step and says what comes next; ``after_*`` functions
move on to whatever the booking still lacks, so returning invitees skip what we already know.
"""

from zoneinfo import ZoneInfo

from sqlmodel import col, select

from booking.errors import Conflict
from booking.intake import check_answer
from booking.models import EventType, Host
from booking.schemas import EMAIL, QuestionIn, QuestionType
from booking.service import require_payable
from bot.flow import slots
from bot.flow.finish import book_now, summary
from bot.flow.messages import Choice, Kind, Reply
from bot.flow.state import Step
from bot.flow.turn import Turn
from bot.flow.zones import parse_zone

YES_NO = ((Choice("Yes", "yes"), Choice("No", "no")),)
SKIP = "skip"


def list_event_types(turn: Turn) -> None:
    """Offer every active event type (self-hosted instances have a handful)."""
    rows = turn.session.exec(
        select(EventType, Host)
        .join(Host, col(Host.id) == EventType.host_id)
        .where(col(EventType.active).is_(True), col(EventType.team_id).is_(None))
        .order_by(col(Host.slug), col(EventType.id))
        .limit(20)
    ).all()
    if not rows:
        turn.say(Reply("There is nothing to book here yet."))
        return
    turn.state.step = Step.CHOOSE_EVENT
    choices = tuple(
        (Choice(f"{event.title} ({host.name})", f"event:{host.slug}/{event.slug}"),) for event, host in rows
    )
    turn.say(Reply("Hi! What would you like to book?", choices))


def choose_event(turn: Turn, path: str) -> None:
    """Start booking ``owner/slug`` (or just ``slug`` when it is unambiguous)."""
    owner, _, event = path.strip().strip("/").rpartition("/")
    if not owner:
        owner, event = _owner_of(turn, event)
    turn.state = turn.state.remembered()
    turn.state.owner, turn.state.event = owner, event
    try:
        chosen = turn.event_type()
    except Exception:
        turn.say(Reply("I couldn't find that event type."))
        list_event_types(turn)
        return
    try:
        require_payable(chosen, turn.deps.payments)  # before any questions, not after them
    except Conflict as refusal:
        turn.say(Reply(refusal.message))
        list_event_types(turn)
        return
    turn.say(Reply(f"{chosen.title}: {chosen.duration} minutes.{_price(chosen)}"))
    after_event(turn)


def _owner_of(turn: Turn, event: str) -> tuple[str, str]:
    owners = turn.session.exec(
        select(Host.slug).join(EventType, col(EventType.host_id) == Host.id).where(EventType.slug == event)
    ).all()
    return (owners[0], event) if len(owners) == 1 else ("", event)


def _price(event_type: EventType) -> str:
    if event_type.price <= 0:
        return ""
    return f" It costs {event_type.price / 100:.2f} {event_type.currency}, paid when you book."


def after_event(turn: Turn) -> None:
    """Next: the invitee's zone (from the platform, memory, or by asking), then slots."""
    known = turn.state.zone or turn.incoming.who.time_zone
    if known and parse_zone(known):
        turn.state.zone = parse_zone(known)
        slots.restart_search(turn)
        slots.offer(turn)
        return
    turn.state.step = Step.ASK_ZONE
    turn.say(Reply("Which time zone are you in? A city ('Berlin'), a zone ('Europe/Berlin') or 'UTC+2'."))


def ask_zone(turn: Turn, text: str) -> None:
    zone = parse_zone(text)
    if zone is None:
        turn.say(
            Reply("I don't know that one. Try a big city near you, like 'London' or 'Tokyo', or 'UTC+5'.")
        )
        return
    turn.state.proposed_zone = zone
    turn.state.step = Step.CONFIRM_ZONE
    clock = turn.now.astimezone(ZoneInfo(zone))
    turn.say(Reply(f"So it's {clock:%H:%M} for you now ({zone}). Right?", YES_NO))


def confirm_zone(turn: Turn, answer: str) -> None:
    if answer.lower() in ("yes", "y", "right", "correct", "ok"):
        turn.state.zone = turn.state.proposed_zone
        after_event(turn)
        return
    turn.state.step = Step.ASK_ZONE
    turn.say(Reply("No problem: which city or zone should I use?"))


def pick_slot(turn: Turn, value: str) -> None:
    """A slot button (or a typed wish) in answer to offered times."""
    if value == "more":
        slots.more(turn)
        return
    if value == "another-day":
        slots.ask_for_day(turn)
        return
    if value.startswith("slot:"):
        turn.state.start = value.removeprefix("slot:")
        after_slot(turn)
        return
    if not slots.wish_for(turn, value):
        slots.offer(turn, "Pick one of these times, or tell me when suits you, e.g. 'Tuesday afternoon'. ")


def after_slot(turn: Turn) -> None:
    """Next: whatever the booking still lacks, then the summary."""
    if turn.state.moving:
        turn.state.step = Step.CONFIRM
        turn.say(summary(turn))
        return
    if not turn.state.name:
        if turn.incoming.who.name:
            turn.state.name = turn.incoming.who.name
        else:
            turn.state.step = Step.ASK_NAME
            turn.say(Reply("What name should I put on the booking?"))
            return
    if not turn.state.asked_email:
        turn.state.step = Step.ASK_EMAIL
        turn.say(Reply("Your email, for the calendar invite? (or 'skip')", ((Choice("Skip", SKIP),),)))
        return
    questions = [QuestionIn.model_validate(q) for q in turn.event_type().questions]
    if turn.state.question < len(questions):
        ask_question(turn, questions[turn.state.question])
        return
    turn.state.step = Step.CONFIRM
    turn.say(summary(turn))


def ask_name(turn: Turn, text: str) -> None:
    name = " ".join(text.split())
    if not 1 <= len(name) <= 200:
        turn.say(Reply("Just your name, please (up to 200 characters)."))
        return
    turn.state.name = name
    after_slot(turn)


def ask_email(turn: Turn, text: str) -> None:
    answer = text.strip()
    if answer.lower() != SKIP and not EMAIL.match(answer):
        turn.say(Reply("That doesn't look like an email (name@example.com). Or say 'skip'."))
        return
    turn.state.email = None if answer.lower() == SKIP else answer
    turn.state.asked_email = True
    after_slot(turn)


def ask_question(turn: Turn, question: QuestionIn) -> None:
    turn.state.step = Step.ASK_QUESTION
    choices: tuple[tuple[Choice, ...], ...] = ()
    if question.type is QuestionType.CHOICE:
        choices = tuple((Choice(option, option),) for option in question.options)
    elif question.type is QuestionType.BOOLEAN:
        choices = YES_NO
    if not question.required:
        choices += ((Choice("Skip", SKIP),),)
    turn.say(Reply(question.label, choices))


def answer_question(turn: Turn, text: str) -> None:
    questions = [QuestionIn.model_validate(q) for q in turn.event_type().questions]
    question = questions[turn.state.question]
    if not (text.strip().lower() == SKIP and not question.required):
        try:
            turn.state.answers[question.key] = check_answer(question, text)
        except ValueError as problem:
            turn.say(Reply(f"Hmm, {problem}."))
            ask_question(turn, question)
            return
    turn.state.question += 1
    after_slot(turn)


def confirm(turn: Turn, value: str) -> None:
    if value == "confirm":
        book_now(turn)
    elif value == "change-time":
        slots.restart_search(turn)
        slots.offer(turn)
    elif turn.incoming.kind is Kind.TEXT and slots.wish_for(turn, value):
        return
    else:
        turn.say(summary(turn))
