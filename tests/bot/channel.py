"""A fake chat channel: drives ``ChatFlow`` the way an adapter does and records every reply."""

from collections.abc import Callable
from datetime import datetime

from booking.db import Database
from bot.flow.conversation import ChatFlow
from bot.flow.messages import Incoming, Kind, Reply, Who
from bot.flow.turn import FlowDeps
from integrations.llm import LanguageModel
from integrations.video import JitsiRooms
from tests.booking.factory import NOW


def flow(
    db: Database,
    now: Callable[[], datetime] = lambda: NOW,
    language_model: LanguageModel | None = None,
    payments: frozenset[str] = frozenset(),
) -> ChatFlow:
    deps = FlowDeps(db, JitsiRooms(), b"test-secret", "http://chat.test", now, language_model, payments)
    return ChatFlow(deps)


class FakeChannel:
    """One person in one chat; ``last`` is the newest reply."""

    def __init__(self, chat: ChatFlow, user: str = "u1", name: str = "", zone: str | None = None) -> None:
        self.chat = chat
        self.who = Who(user, name, zone)
        self.replies: list[Reply] = []

    def _send(self, kind: Kind, text: str, argument: str = "") -> list[Reply]:
        answer = self.chat.handle(
            Incoming("fake", f"chat-{self.who.user_id}", self.who, kind, text, argument)
        )
        self.replies.extend(answer)
        return answer

    def say(self, text: str) -> list[Reply]:
        return self._send(Kind.TEXT, text)

    def press(self, value: str) -> list[Reply]:
        return self._send(Kind.CHOICE, value)

    def command(self, name: str, argument: str = "") -> list[Reply]:
        return self._send(Kind.COMMAND, name, argument)

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    def buttons(self) -> list[str]:
        """Values of the newest reply's buttons, in order."""
        return [choice.value for row in self.last.choices for choice in row]

    def pick_first_slot(self, event: str = "ana/intro", zone: str = "UTC") -> None:
        """Start booking ``event``, answer the zone question with ``zone``, take the first slot."""
        self.command("start", event)
        self.say(zone)
        self.press("yes")
        self.press(self.slot_buttons()[0])

    def slot_buttons(self) -> list[str]:
        return [value for value in self.buttons() if value.startswith("slot:")]
