"""Telegram updates → the conversation's ``Incoming``, and the ``/start`` deep-link payload format.

Only what the conversation understands is translated: text messages (a leading ``/word`` is a
command, ``/start@ChatcalBot`` included) and presses on our inline buttons. Everything else
(stickers, edits, joins) returns None and is left alone.

Deep links: Telegram's ``t.me/<bot>?start=<payload>`` allows only ``[A-Za-z0-9_-]`` and 64 characters,
so ``owner/event`` travels as ``owner_event``. Our slugs are ``[a-z0-9-]``, never ``_``, so the first
``_`` is unambiguously the separator (``--`` would not be: ``a--b`` is a valid slug). When both slugs
together exceed 64 characters the payload is the event slug alone, which the conversation resolves
when it is unambiguous.
"""

from urllib.parse import quote

from telegram import CallbackQuery, Message, User

from bot.flow.messages import Incoming, Kind, Who

CHANNEL = "telegram"
PAYLOAD_LIMIT = 64
SEPARATOR = "_"
EVENT_COMMANDS = frozenset({"start", "book"})


def start_payload(owner: str, event: str) -> str:
    """The ``start`` payload that opens booking ``owner/event``."""
    payload = f"{owner}{SEPARATOR}{event}"
    return payload if len(payload) <= PAYLOAD_LIMIT else event


def deep_link(bot_username: str, owner: str, event: str) -> str:
    """``https://t.me/<bot>?start=…``: a link that opens the bot and starts booking ``owner/event``."""
    return f"https://t.me/{quote(bot_username)}?start={start_payload(owner, event)}"


def event_path(argument: str) -> str:
    """``owner_event`` (deep link) or ``owner/event`` (typed) → ``owner/event``; a lone slug stays."""
    return argument.strip().replace(SEPARATOR, "/", 1)


def _who(user: User) -> Who:
    return Who(str(user.id), user.full_name, None)


def _command(text: str) -> tuple[str, str] | None:
    """``/Book@ChatcalBot ana_intro`` → ``("book", "ana/intro")``; None for plain text."""
    if not text.startswith("/"):
        return None
    head, *rest = text.split(maxsplit=1)
    name = head[1:].partition("@")[0].lower()
    argument = rest[0].strip() if rest else ""
    return name, event_path(argument) if name in EVENT_COMMANDS else argument


def from_message(message: Message) -> Incoming | None:
    """A typed message or command; None for anything without text or sender."""
    if message.text is None or message.from_user is None:
        return None
    chat, who = str(message.chat.id), _who(message.from_user)
    command = _command(message.text)
    if command is None:
        return Incoming(CHANNEL, chat, who, Kind.TEXT, message.text)
    name, argument = command
    return Incoming(CHANNEL, chat, who, Kind.COMMAND, name, argument)


def pressed_chat(query: CallbackQuery) -> int:
    """The chat a button was pressed in (the person's own chat when the message is out of reach)."""
    return query.message.chat.id if query.message is not None else query.from_user.id


def from_press(query: CallbackQuery, value: str) -> Incoming:
    """A pressed button, its ``callback_data`` already decoded to the conversation's ``value``."""
    return Incoming(CHANNEL, str(pressed_chat(query)), _who(query.from_user), Kind.CHOICE, value)


def pressed_message(query: CallbackQuery) -> Message | None:
    """The message whose keyboard was pressed, when Telegram still lets us see and edit it."""
    return query.message if isinstance(query.message, Message) else None
