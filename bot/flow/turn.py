"""One turn of a conversation: the incoming message, the state, and what the handlers may use."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from booking import links, repository
from booking.db import Database
from booking.errors import NotFound
from booking.links import manage_token
from booking.models import EventType, Host
from bot.flow.messages import Incoming, Reply
from bot.flow.state import ChatState
from integrations.llm import LanguageModel
from integrations.video import VideoRooms


@dataclass
class FlowDeps:
    """What the conversation needs from the outside, built by the composition root."""

    db: Database
    video: VideoRooms
    secret: bytes
    public_url: str
    clock: Callable[[], datetime]
    language_model: LanguageModel | None = None
    payments: frozenset[str] = frozenset()
    """The providers this server takes payments through: other paid event types can't be booked."""


@dataclass
class Turn:
    """Handlers read ``incoming``, change ``state`` and add replies; the caller persists the state."""

    session: Session
    deps: FlowDeps
    incoming: Incoming
    state: ChatState
    now: datetime
    reworded: str | None = None
    """The language model's rewording of the incoming text, on a replay that asked for it."""
    replies: list[Reply] = field(default_factory=list)

    def say(self, reply: Reply) -> None:
        self.replies.append(reply)

    def event_type(self) -> EventType:
        """The event type being booked."""
        found = repository.public_event_type(self.session, self.state.owner or "", self.state.event or "")
        if found is None:
            raise NotFound("That event type is no longer available.")
        return found

    def host_zone(self, event_type: EventType) -> str:
        return self.session.get_one(Host, event_type.host_id).time_zone

    def manage_url(self, uid: str) -> str:
        """The signed link that manages booking ``uid`` on the web."""
        return links.manage_url(self.deps.public_url, manage_token(self.deps.secret, uid))

    def pay_url(self, uid: str) -> str:
        """The signed link to the checkout page of held booking ``uid``."""
        return links.pay_url(self.deps.public_url, manage_token(self.deps.secret, uid))
