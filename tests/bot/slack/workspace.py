"""Slack's side in tests: requests signed as Slack signs them, and a person who uses the bot's DM.

Payloads follow the Events API, interactivity and slash-command formats Slack documents; the signature
is ``v0=`` HMAC-SHA256 over ``v0:{timestamp}:{raw body}`` with the app's signing secret. ``SlackPerson``
reads the bot's messages from the Web API stand-in (what Slack would show) and clicks their buttons.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from itertools import count
from typing import Any
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from httpx2 import Response

from tests.standins.slack_api import SlackApi
from tests.standins.slack_methods import APP, BOT_USER, TEAM, dm_channel

SIGNING_SECRET = "standin-signing-secret"
EVENTS = "/slack/events"
Json = dict[str, Any]
_serial = count(1)


def signature(body: bytes, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The two headers Slack adds to every request it sends to an app."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def event_callback(event: Json, event_id: str | None = None) -> Json:
    """An Events API delivery wrapping ``event``."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": APP,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_serial):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def im_message(user: str, text: str, **extra: Any) -> Json:
    """A ``message`` event in the bot's DM with ``user``."""
    ts = f"{int(time.time())}.{next(_serial):06d}"
    event = {"type": "message", "channel": dm_channel(user), "user": user, "text": text, "ts": ts}
    return {**event, "event_ts": ts, "channel_type": "im", "team": TEAM, **extra}


def slash_command(user: str, text: str, channel: str = "C0GENERAL", name: str = "/book") -> dict[str, str]:
    """The form fields of a slash command invocation."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "standin",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": name,
        "text": text,
        "api_app_id": APP,
        "response_url": "https://hooks.slack.invalid/commands/1/2/3",
        "trigger_id": f"{next(_serial)}.trigger",
    }


def block_actions(user: str, channel: str, message: Json, button: Json) -> Json:
    """The interactivity payload for a click on ``button`` of ``message``."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "standin"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": APP,
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
        "trigger_id": f"{next(_serial)}.trigger",
        "channel": {"id": channel, "name": "directmessage"},
        "message": message,
        "response_url": "https://hooks.slack.invalid/actions/1/2/3",
        "actions": [{**button, "block_id": "b", "action_ts": f"{int(time.time())}.000001"}],
    }


def buttons(message: Json) -> list[Json]:
    return [
        element
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


class SlackPerson:
    """One member of the workspace talking to the bot, through signed requests to ``/slack/events``."""

    def __init__(self, client: TestClient, api: SlackApi, user: str = "U0BO") -> None:
        self.client = client
        self.api = api
        self.user = user
        self.channel = dm_channel(user)
        self.seen = 0

    def send(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> Response:
        """POST ``body`` as Slack would; ``headers`` replace the signature (to test forgeries)."""
        signed = signature(body) if headers is None else headers
        sent = {"Content-Type": content_type, **signed}
        return self.client.post(EVENTS, content=body, headers=sent)

    def event(self, event: Json, event_id: str | None = None, **headers: str) -> Response:
        body = json.dumps(event_callback(event, event_id)).encode()
        return self.client.post(EVENTS, content=body, headers={**signature(body), **headers})

    def say(self, text: str, **extra: Any) -> Response:
        self.seen = len(self.messages())
        return self.event(im_message(self.user, text, **extra))

    def command(self, text: str, name: str = "/book") -> Response:
        self.seen = len(self.messages())
        body = urlencode(slash_command(self.user, text, name=name)).encode()
        return self.send(body, "application/x-www-form-urlencoded")

    def click(self, value: str) -> Response:
        """Click the button with ``value`` on the newest message that has one."""
        found = [(m, b) for m in self.messages() for b in buttons(m) if b["value"] == value]
        assert found, f"no button {value!r} in {[buttons(m) for m in self.messages()]}"
        message, button = found[-1]
        self.seen = len(self.messages())
        payload = block_actions(self.user, self.channel, message, button)
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.send(body, "application/x-www-form-urlencoded")

    def messages(self) -> list[Json]:
        """The bot's messages in this person's DM, oldest first, as Slack now shows them."""
        return [
            message for (channel, _), message in list(self.api.messages.items()) if channel == self.channel
        ]

    def reply(self, matches: Callable[[Json], bool]) -> Json:
        """Wait for a new message (since the last thing sent) that ``matches``."""

        def found(api: SlackApi) -> Json | None:
            return next((m for m in self.messages()[self.seen :] if matches(m)), None)

        return self.api.wait_for(found, "a matching reply")

    def reply_with(self, text: str) -> Json:
        return self.reply(lambda message: text in message["text"])
