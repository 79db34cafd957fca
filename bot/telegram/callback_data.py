"""Button values ↔ Telegram ``callback_data``, which may hold at most 64 bytes.

Most values the conversation puts on buttons fit as they are (``yes``, ``slot:2030-01-07T09:00:00+00:00``,
``move:<uid>``), and those travel verbatim, so a button keeps working after a restart and on any
worker. Longer ones (an intake question's option of up to 100 characters, ``event:<owner>/<slug>`` with
long slugs) travel as a token: ``~`` and 16 characters of the value's SHA-256. A token resolves in
two ways:

- when the pressed button's own label hashes to the token, the value *is* the label (choice-question
  options are shown as they are sent back), read from the keyboard Telegram hands back with every
  press; this needs no memory at all;
- otherwise from a bounded in-process map filled when the keyboard was rendered. A token nobody can
  resolve (the process restarted) is answered as an expired button, never guessed at.

``CHOSEN`` marks a pressed keyboard's "✓ label" button: pressing it does nothing.
"""

import base64
import hashlib
from collections import OrderedDict

from telegram import InlineKeyboardMarkup

LIMIT_BYTES = 64
TOKEN_PREFIX = "~"
CHOSEN = "~"
REMEMBERED = 10_000


def token_of(value: str) -> str:
    """The short stand-in for ``value``: deterministic, so every process computes the same one."""
    digest = hashlib.sha256(value.encode()).digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(digest).decode()[:16]


def fits(value: str) -> bool:
    """Whether ``value`` can be sent as it is (and cannot be mistaken for a token)."""
    return 0 < len(value.encode()) <= LIMIT_BYTES and not value.startswith(TOKEN_PREFIX)


class CallbackCodec:
    """Encodes button values for one bot and decodes what a press sends back."""

    def __init__(self, remembered: int = REMEMBERED) -> None:
        self._values: OrderedDict[str, str] = OrderedDict()
        self._remembered = remembered

    def encode(self, value: str) -> str:
        """``callback_data`` for ``value``; long values are remembered under their token."""
        if fits(value):
            return value
        token = token_of(value)
        self._values[token] = value
        self._values.move_to_end(token)
        while len(self._values) > self._remembered:
            self._values.popitem(last=False)
        return token

    def decode(self, data: str, keyboard: InlineKeyboardMarkup | None) -> str | None:
        """The value behind ``data`` from a press on ``keyboard``; None when it can't be known."""
        if not data.startswith(TOKEN_PREFIX):
            return data
        if data == CHOSEN:
            return None
        for row in keyboard.inline_keyboard if keyboard else ():
            for button in row:
                if button.callback_data == data and token_of(button.text) == data:
                    return button.text
        return self._values.get(data)
