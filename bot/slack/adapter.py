"""The Slack adapter: a Bolt ``AsyncApp`` whose listeners only translate to and from the flow.

Slack wants an answer within 3 seconds or it retries, so every listener acknowledges first and does
the slow part (profile lookup, the booking turn in a worker thread, posting) afterwards; Bolt's default
(``process_before_response=False``) sends the HTTP response as soon as ``ack()`` runs and lets the
listener carry on as a task. Requests reach the app over HTTP at ``/slack/events`` (signature checked
by Bolt's request verification on the raw body) or, for development, over Socket Mode.

Every conversation lives in the bot's DM with the person: a ``/book`` typed anywhere continues there,
so nobody books in front of a whole channel.
"""

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError

from booking.idempotency import first_delivery
from bot.flow.conversation import ChatFlow
from bot.flow.messages import Incoming, Kind, Reply
from bot.slack.blocks import ACTION_PREFIX, answered, plain_text
from bot.slack.delivery import post_replies, web_client
from bot.slack.profiles import Profiles

log = logging.getLogger("chatcal.slack")

CHANNEL = "slack"
EVENTS_PATH = "/slack/events"
_MENTION = re.compile(r"^\s*<@[A-Z0-9]+>")
SORRY = Reply("Sorry, something went wrong on my side. Please try that again.")


class SlackBot:
    """The Bolt app for one workspace (bot token), the flow it feeds, and its two ways in.

    ``chat`` is called per message rather than passed as a flow, so the composition root can build
    the app before its lifespan has built the flow (``lambda: app.state.chat``).
    """

    def __init__(
        self,
        bot_token: str,
        signing_secret: str | None,
        chat: Callable[[], ChatFlow],
        api_base_url: str | None = None,
    ) -> None:
        self.signing_secret = signing_secret
        self.chat = chat
        self.client = web_client(bot_token, api_base_url)
        self.profiles = Profiles(self.client)
        self._turns: set[asyncio.Task[Any]] = set()
        self.app = AsyncApp(client=self.client, signing_secret=signing_secret or "", name="chatcal")
        self.app.event("message")(self.on_message)
        self.app.action(re.compile(f"^{ACTION_PREFIX}"))(self.on_choice)
        self.app.command("/book")(self.on_book)
        self.app.event("app_mention")(self.on_mention)

    def router(self) -> APIRouter:
        """``POST /slack/events`` for the Events API, interactivity and slash commands alike."""
        if not self.signing_secret:
            raise ValueError("Slack over HTTP needs SLACK_SIGNING_SECRET to verify requests")
        handler = AsyncSlackRequestHandler(self.app)
        router = APIRouter(tags=["slack"])

        @router.post(EVENTS_PATH, include_in_schema=False)
        async def slack_events(request: Request) -> Response:
            return await handler.handle(request)

        return router

    @asynccontextmanager
    async def socket_mode(self, app_token: str) -> AsyncIterator[AsyncSocketModeHandler]:
        """Connected over Socket Mode (no public URL needed) for the block; disconnected after it."""
        handler = AsyncSocketModeHandler(self.app, app_token)
        await handler.connect_async()  # type: ignore[no-untyped-call]  # Bolt leaves these unannotated
        try:
            yield handler
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]

    async def on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """A message in the bot's DM; edits, joins, bots (us included) and channels are not for us."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        user, channel = event.get("user"), event.get("channel")
        if not user or not channel or not await self._first_delivery(body):
            return
        await self.turn(channel, user, Kind.TEXT, plain_text(str(event.get("text", ""))))

    async def on_choice(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A button: acknowledge, take the buttons off the clicked message, then run the choice."""
        await ack()
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        user = (body.get("user") or {}).get("id")
        if not channel or not user:
            return
        message: dict[str, Any] = body.get("message") or {}
        label = str((action.get("text") or {}).get("text", ""))
        if message.get("ts"):
            try:
                await self.client.chat_update(
                    channel=channel,
                    ts=message["ts"],
                    text=message.get("text") or " ",
                    blocks=answered(list(message.get("blocks") or []), label),
                )
            except SlackApiError as error:
                log.warning("could not update the clicked message: %s", error.response.get("error"))
        await self.turn(channel, user, Kind.CHOICE, str(action.get("value", "")))

    async def on_book(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        """``/book [owner/event]``: acknowledge, then carry on in the bot's DM with the person."""
        await ack()
        user = command.get("user_id")
        if user:
            channel = await self.direct_channel(user)
            await self.turn(channel, user, Kind.COMMAND, "book", plain_text(str(command.get("text", ""))))

    async def on_mention(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """``@chatcal …`` in a channel: answered in the DM, like ``/book``."""
        user = event.get("user")
        if not user or event.get("bot_id") or not await self._first_delivery(body):
            return
        said = _MENTION.sub("", str(event.get("text", "")), count=1)
        await self.turn(await self.direct_channel(user), user, Kind.TEXT, plain_text(said).strip())

    async def _first_delivery(self, body: dict[str, Any]) -> bool:
        """False for an event Slack delivers again (it retries when an answer is slow or lost).

        When the record can't be made the event counts as new: the turn then meets the same trouble
        and apologises, which beats silently dropping a message.
        """
        event_id = body.get("event_id")
        if not event_id:
            return True
        key = f"{body.get('team_id', '')}:{event_id}"
        try:
            return await anyio.to_thread.run_sync(first_delivery, self.chat().deps.db, CHANNEL, key)
        except Exception:
            log.exception("could not record Slack event %s; handling it as new", key)
            return True

    async def direct_channel(self, user: str) -> str:
        """The bot's DM with ``user`` (``conversations.open`` returns the existing one)."""
        opened = await self.client.conversations_open(users=user)
        return str(opened["channel"]["id"])

    async def drain(self) -> None:
        """Wait for the turns still running after their acks: what Slack was told is done gets done.

        Called at shutdown before the database closes, so no turn loses its connection mid-write.
        """
        while self._turns:
            await asyncio.gather(*self._turns, return_exceptions=True)

    async def turn(self, channel: str, user: str, kind: Kind, text: str, argument: str = "") -> None:
        """One turn of the flow (in a worker thread: it is synchronous database work), then its replies."""
        listener = asyncio.current_task()
        assert listener is not None  # Bolt runs every listener as a task
        self._turns.add(listener)
        try:
            await self._turn(channel, user, kind, text, argument)
        finally:
            self._turns.discard(listener)

    async def _turn(self, channel: str, user: str, kind: Kind, text: str, argument: str) -> None:
        who = await self.profiles.who(user)
        incoming = Incoming(CHANNEL, channel, who, kind, text, argument)
        try:
            replies = await anyio.to_thread.run_sync(self.chat().handle, incoming)
        except Exception:
            log.exception("the conversation failed on a Slack %s from %s", kind.value, user)
            replies = [SORRY]
        await post_replies(self.client, channel, replies)
