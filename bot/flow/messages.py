"""Channel-neutral messages: what an adapter hands the conversation and what it gets back.

Adapters translate their platform's updates into ``Incoming`` and render ``Reply`` with their own
widgets (Telegram inline keyboards, Slack Block Kit buttons, web chat buttons, numbered terminal
choices). The conversation never sees a platform type.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What the person did: typed text, pressed a button, or sent a command (``/book``)."""

    TEXT = "text"
    CHOICE = "choice"
    COMMAND = "command"


@dataclass(frozen=True, slots=True)
class Who:
    """The person writing; ``time_zone`` when the platform knows it (Slack profiles do)."""

    user_id: str
    name: str = ""
    time_zone: str | None = None
    locale: str = "en"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a person sent. For a command, ``text`` is its name and ``argument`` the rest."""

    channel: str
    chat_id: str
    who: Who
    kind: Kind
    text: str
    argument: str = ""

    def __post_init__(self) -> None:
        # No channel should deliver NUL, and no database column can store it: drop it at the door.
        object.__setattr__(self, "text", self.text.replace("\x00", ""))
        object.__setattr__(self, "argument", self.argument.replace("\x00", ""))

    @property
    def key(self) -> tuple[str, str, str]:
        """Which conversation this belongs to."""
        return self.channel, self.chat_id, self.who.user_id


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: ``label`` shown, ``value`` sent back as an ``Incoming`` of kind CHOICE."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link the person can follow (payment page, video call, manage page)."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to send along, such as the ``.ics`` invite."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """One message back. ``choices`` are rows of buttons; adapters may lay them out their own way."""

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    links: tuple[Link, ...] = ()
    attachments: tuple[Attachment, ...] = field(default=())
