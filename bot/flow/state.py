"""What a conversation remembers between messages, stored as JSON in the ``conversations`` table.

Everything is plain data (ISO strings, slugs, uids), so a restart, a second API process or a Celery
worker can pick a conversation up mid-way.
"""

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Step(StrEnum):
    """Where the conversation is; each has one handler in ``bot.flow.steps``."""

    CHOOSE_EVENT = "choose_event"
    ASK_ZONE = "ask_zone"
    CONFIRM_ZONE = "confirm_zone"
    PICK_SLOT = "pick_slot"
    ASK_NAME = "ask_name"
    ASK_EMAIL = "ask_email"
    ASK_QUESTION = "ask_question"
    CONFIRM = "confirm"
    DONE = "done"
    CONFIRM_CANCEL = "confirm_cancel"


class ChatState(BaseModel):
    """One invitee's conversation: the booking in progress and what we know about them."""

    step: Step = Step.CHOOSE_EVENT
    owner: str | None = None
    event: str | None = None
    zone: str | None = None
    proposed_zone: str | None = None
    name: str | None = None
    email: str | None = None
    asked_email: bool = False
    answers: dict[str, Any] = Field(default_factory=dict)
    question: int = 0
    offered: list[str] = Field(default_factory=list)
    search_from: str | None = None
    wish: str | None = None
    start: str | None = None
    moving: str | None = None
    target: str | None = None

    def remembered(self) -> "ChatState":
        """A fresh booking that keeps who the invitee is (zone, name, email)."""
        return ChatState(zone=self.zone, name=self.name, email=self.email, asked_email=self.asked_email)
