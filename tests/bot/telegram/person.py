"""A person in a private chat with the bot, producing updates in the shapes Telegram sends.

Commands carry a ``bot_command`` entity, presses are ``callback_query`` updates that carry the pressed
message as the stand-in last stored it (keyboard included), exactly what a Telegram client would show
and tap. Update ids grow across everyone, as they do per bot. ``deliver`` decides the way in: a
webhook POST or the stand-in's ``getUpdates`` queue.
"""

import copy
import time
from collections.abc import Callable
from itertools import count
from typing import Any

from tests.standins.telegram_api import Call, TelegramApi
from tests.standins.telegram_methods import Json

UPDATE_IDS = count(10_000)
QUERY_IDS = count(1)


class TelegramPerson:
    """One user; ``id`` is both the user id and the private chat's id, as on Telegram."""

    def __init__(
        self,
        api: TelegramApi,
        deliver: Callable[[Json], Any],
        user_id: int = 42,
        first_name: str = "Bo",
        last_name: str | None = "Li",
    ) -> None:
        self.api, self.deliver, self.id = api, deliver, user_id
        self.user: Json = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
        if last_name:
            self.user["last_name"] = last_name
        self.chat: Json = {"id": user_id, "type": "private", "first_name": first_name}

    def update(self, **content: Any) -> Json:
        return {"update_id": next(UPDATE_IDS), **content}

    def message_update(self, text: str, **extra: Any) -> Json:
        message = {
            "message_id": self.api.next_message_id(),
            "from": self.user,
            "chat": self.chat,
            "date": int(time.time()),
            "text": text,
            **extra,
        }
        return self.update(message=message)

    def command(self, name: str, argument: str = "") -> Any:
        """``/name argument``, with the entity Telegram marks commands with."""
        text = f"/{name} {argument}".strip()
        entity = {"type": "bot_command", "offset": 0, "length": len(name) + 1}
        return self.deliver(self.message_update(text, entities=[entity]))

    def say(self, text: str) -> Any:
        return self.deliver(self.message_update(text))

    def find_button(self, wanted: str) -> tuple[Json, Json]:
        """The newest bot message in this chat with a button labelled ``wanted`` or sending it."""
        with self.api.changed:
            mine = [m for (chat, _), m in self.api.messages.items() if chat == self.id]
            for message in sorted(mine, key=lambda m: m["message_id"], reverse=True):
                rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in (button for row in rows for button in row):
                    if wanted in (button.get("text"), button.get("callback_data")):
                        return copy.deepcopy(message), button
        raise AssertionError(f"no button {wanted!r} in chat {self.id}; last said: {self.last_text!r}")

    def tap(self, wanted: str, message: Json | None = None) -> Json:
        """The update a tap on ``wanted`` produces (not yet delivered); ``message`` as the client saw it."""
        found, button = self.find_button(wanted)
        shown = message or found
        query = {
            "id": str(next(QUERY_IDS)),
            "from": self.user,
            "message": shown,
            "chat_instance": f"ci-{self.id}",
            "data": button["callback_data"],
        }
        return self.update(callback_query=query)

    def press(self, wanted: str) -> Any:
        return self.deliver(self.tap(wanted))

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """What the bot sent to this chat with ``method``, in order."""
        return self.api.calls_to(self.id, method)

    @property
    def last_text(self) -> str:
        texts = [call.params["text"] for call in self.sent() if call.status == 200]
        return str(texts[-1]) if texts else ""

    def buttons(self) -> list[Json]:
        """The buttons of the newest message sent to this chat."""
        ok = [call for call in self.sent() if call.status == 200]
        markup = (ok[-1].params.get("reply_markup") if ok else None) or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]
