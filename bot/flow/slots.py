"""Offering times: the next free slots, "more", another day, or what the invitee asked for in words.

Only slots the engine returned are ever offered; a wish like "next Tuesday after 3pm" narrows the
window and filters them, it never makes a time up.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from booking.calendar import setup_of, slot_query
from bot.flow.messages import Choice, Reply
from bot.flow.rewording import NeedsRewording
from bot.flow.state import Step
from bot.flow.turn import Turn
from bot.flow.when import TimeRequest, describe, parse_when
from bot.flow.wording import slot_rows
from engine import find_slots

OFFER = 6
HORIZON = timedelta(days=14)
FAR = timedelta(days=92)
MORE = (Choice("Later times", "more"), Choice("Another day", "another-day"))


def _candidates(turn: Turn, start: datetime, end: datetime, wish: TimeRequest | None) -> list[datetime]:
    setup = setup_of(turn.session, turn.event_type())
    query = slot_query(turn.session, setup, (start, end), turn.now, turn.state.zone or "UTC")
    found = [slot.start for slot in find_slots(query)]
    return [moment for moment in found if wish is None or wish.allows(moment)]


def _wish(turn: Turn) -> TimeRequest | None:
    if not turn.state.wish:
        return None
    return parse_when(turn.state.wish, turn.now, ZoneInfo(turn.state.zone or "UTC"))


def offer(turn: Turn, intro: str = "") -> None:
    """Show the next free slots after ``state.search_from`` that match the standing wish."""
    wish = _wish(turn)
    start = datetime.fromisoformat(turn.state.search_from) if turn.state.search_from else turn.now
    if wish is not None:
        low, high = wish.window()
        start, end = max(start, low), high
    else:
        end = start + HORIZON
    found = _candidates(turn, start, end, wish)[:OFFER] if start < end else []
    if not found and wish is None:
        found = _candidates(turn, end, start + FAR, None)[:OFFER]
    turn.state.step = Step.PICK_SLOT
    if not found:
        what = describe(wish) if wish else "in the next three months"
        turn.state.wish = None
        turn.say(Reply(f"{intro}Nothing is free {what}. Try another day, e.g. 'next week' or 'June 3'."))
        return
    turn.state.offered = [moment.isoformat() for moment in found]
    heading = f"Free times {describe(wish)}" if wish else "The next free times"
    zone = turn.state.zone or "UTC"
    turn.say(Reply(f"{intro}{heading} (your time, {zone}):", (*slot_rows(found, zone), MORE)))


def more(turn: Turn) -> None:
    """Continue after the last offered slot."""
    if turn.state.offered:
        turn.state.search_from = (
            datetime.fromisoformat(turn.state.offered[-1]) + timedelta(seconds=1)
        ).isoformat()
    offer(turn)


def wish_for(turn: Turn, text: str) -> bool:
    """Take free text as a time wish; False when it holds none."""
    phrase = _readable(turn, text)
    if phrase is None:
        return False
    turn.state.wish = phrase
    turn.state.search_from = None
    offer(turn)
    return True


def _readable(turn: Turn, text: str) -> str | None:
    """``text`` if the parser reads it, else the language model's rewording of it if the parser reads
    that, else None. Without the rewording yet, the turn stops here to fetch it (``NeedsRewording``).
    """
    zone = ZoneInfo(turn.state.zone or "UTC")
    if parse_when(text, turn.now, zone) is not None:
        return text
    if turn.deps.language_model is None:
        return None
    if turn.reworded is None:
        raise NeedsRewording(text, turn.now.astimezone(zone).date())
    return turn.reworded if parse_when(turn.reworded, turn.now, zone) is not None else None


def ask_for_day(turn: Turn) -> None:
    turn.state.step = Step.PICK_SLOT
    turn.say(Reply("Which day suits you? Say it in your words: 'Friday', 'next week', 'June 3 after 2pm'."))


def restart_search(turn: Turn) -> None:
    """Forget where the last search was, keep nothing else of it."""
    turn.state.search_from = None
    turn.state.wish = None
    turn.state.offered = []
