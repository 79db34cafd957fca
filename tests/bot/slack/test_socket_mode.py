"""Socket Mode, the development way in: the same listeners, reached over a WebSocket, no public URL.

The stand-in answers ``apps.connections.open`` (with the app-level token) with its own WebSocket URL,
greets with ``hello`` and pushes envelopes; Bolt acknowledges each by its ``envelope_id`` and the
conversation's replies go out through the Web API as over HTTP.
"""

import asyncio
from typing import Any

import anyio.to_thread
import pytest

from booking.db import Database
from bot.flow.conversation import ChatFlow
from bot.slack.adapter import SlackBot
from tests.booking.factory import setup
from tests.bot.channel import flow
from tests.bot.slack.conftest import PERSON
from tests.bot.slack.workspace import event_callback, im_message, slash_command
from tests.standins.slack_api import APP_TOKEN, BOT_TOKEN, SlackApi
from tests.standins.slack_methods import dm_channel


def acked(api: SlackApi, envelope_id: str) -> bool:
    return any(ack.get("envelope_id") == envelope_id for ack in api.acks)


def posted(api: SlackApi, text: str) -> Any:
    return next((m for m in list(api.messages.values()) if text in m["text"]), None)


def test_socket_mode_runs_the_same_conversation(db: Database, api: SlackApi) -> None:
    setup(db)
    chat = flow(db)
    bot = SlackBot(BOT_TOKEN, None, lambda: chat, api.base_url)

    async def converse() -> None:
        async with bot.socket_mode(APP_TOKEN):
            command = await anyio.to_thread.run_sync(api.push, "slash_commands", slash_command(PERSON, ""))
            await anyio.to_thread.run_sync(api.wait_for, lambda a: acked(a, command), "the command's ack")
            await anyio.to_thread.run_sync(api.wait_for, lambda a: posted(a, "What would you like"))
            message = event_callback(im_message(PERSON, "hello again"))
            event = await anyio.to_thread.run_sync(api.push, "events_api", message)
            await anyio.to_thread.run_sync(api.wait_for, lambda a: acked(a, event), "the event's ack")
            await anyio.to_thread.run_sync(
                api.wait_for, lambda a: len(a.calls_of("chat.postMessage")) == 2, "the second answer"
            )

    asyncio.run(converse())
    [connect] = api.calls_of("apps.connections.open")
    assert connect.token == APP_TOKEN
    assert {call.args["channel"] for call in api.calls_of("chat.postMessage")} == {dm_channel(PERSON)}
    assert all(call.token == BOT_TOKEN for call in api.calls if call.method != "apps.connections.open")


def test_http_needs_a_signing_secret(api: SlackApi) -> None:
    """Without one, anyone could post events as Slack: Socket Mode only."""

    def no_flow() -> ChatFlow:
        raise AssertionError("not reached")

    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        SlackBot(BOT_TOKEN, None, no_flow, api.base_url).router()
