"""The Telegram front end: a PTB ``Application`` whose one handler runs the shared conversation.

Two ways in, one handler: with a public URL, Telegram POSTs updates to ``/webhooks/telegram`` (see
``webhook.py``), which calls ``receive``; without one (development), PTB's ``Updater`` long-polls
``getUpdates``. Either way ``_on_update`` translates the update, runs ``ChatFlow.handle`` in a worker
thread (the flow is synchronous database code) and renders the replies through the Bot API.

Replies go out as Bot API calls, not in the webhook's HTTP answer: that answer can carry one method
whose result we would never see, while a turn needs several (answer the press, send the messages and
the invite, mark the pressed keyboard) and must see a 429 to retry it. The webhook answers 200 once
the turn and its calls are done; a failure after that point is logged (and the person told), not
turned into a 5xx, because Telegram would redeliver and re-run a turn that already happened.

Each delivery's update id is stored in ``processed_webhooks`` before its turn runs, so a redelivery
(after a timeout or a crash) is acknowledged, not redone: at most once. The alternative, at least
once, would replay a typed answer into whatever question comes next (an email taken as an intake
answer); a message lost to a crash is visible, and the person simply sends it again.
"""

import asyncio
import hashlib
import hmac
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio.to_thread
from telegram import BotCommand, CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler

from booking.db import Database
from booking.idempotency import first_delivery
from bot.flow.conversation import ChatFlow
from bot.flow.messages import Incoming, Reply
from bot.telegram import render, updates
from bot.telegram.callback_data import CHOSEN, CallbackCodec
from bot.telegram.flood import RetryOnFlood

log = logging.getLogger("chatcal.telegram")
WEBHOOK_PATH = "/webhooks/telegram"
ALLOWED_UPDATES = ("message", "callback_query")
COMMANDS = (
    BotCommand("book", "Book a call"),
    BotCommand("mybookings", "Your bookings: reschedule or cancel"),
    BotCommand("cancel", "Stop what we're doing"),
    BotCommand("help", "What I can do"),
)
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."


@dataclass(frozen=True)
class TelegramConfig:
    """What the front end needs; ``public_url`` set means webhook mode, unset means polling."""

    token: str
    webhook_secret: str
    public_url: str | None = None
    api_base_url: str | None = None  # PTB's ``base_url``: ends in ``/bot`` (token appended) or has {token}

    @property
    def webhook_url(self) -> str | None:
        return f"{self.public_url.rstrip('/')}{WEBHOOK_PATH}" if self.public_url else None


def telegram_config(
    *,
    token: str | None,
    webhook_secret: str | None,
    public_url: str | None,
    api_base_url: str | None,
    signing_key: bytes,
) -> TelegramConfig | None:
    """The config from settings; None (Telegram off) without a token.

    Without ``TELEGRAM_WEBHOOK_SECRET`` the secret is derived from the signing key (hex, which Telegram's
    ``secret_token`` alphabet allows), so webhooks are never unauthenticated and survive restarts.
    """
    if not token:
        return None
    secret = webhook_secret or hmac.new(signing_key, b"telegram-webhook", hashlib.sha256).hexdigest()
    return TelegramConfig(token, secret, public_url or None, api_base_url or None)


class Unavailable(RuntimeError):
    """The Bot API could not be reached to set the bot up; the webhook answers 503 so Telegram retries."""


class TelegramFront:
    """One bot: its PTB ``Application``, the button codec, and the conversation it serves."""

    def __init__(self, config: TelegramConfig, chat: ChatFlow) -> None:
        # PTB 22 reports time periods (a 429's ``retry_after``) as int with a deprecation warning on
        # every read, its own included, unless this opt-in to v23's timedelta is set.
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        self.config = config
        self.chat = chat
        self.codec = CallbackCodec()
        builder = ApplicationBuilder().token(config.token).job_queue(None).rate_limiter(RetryOnFlood())
        if config.api_base_url:
            builder = builder.base_url(config.api_base_url)
        if config.webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._setup = asyncio.Lock()
        self._app_up = False  # PTB's Application initialised (the bot checked and cached)
        self._initialized = False  # and the commands and webhook registered too

    @property
    def db(self) -> Database:
        return self.chat.deps.db

    async def start(self) -> None:
        """Connect: check the token, register the commands, then set the webhook or start polling.

        A Bot API that can't be reached is logged, not fatal: the rest of chatcal keeps serving,
        and webhook mode tries again on the next delivery.
        """
        try:
            await self._ready()
        except Unavailable as exc:
            later = "on the next webhook delivery" if self.config.webhook_url else "at the next restart"
            log.error("telegram: %s; trying again %s", exc, later)
            return
        if self.application.updater is not None:
            try:
                await self.application.updater.start_polling(allowed_updates=list(ALLOWED_UPDATES))
            except TelegramError as exc:
                log.error("telegram: could not start polling: %s; trying again at the next restart", exc)
                return
            await self.application.start()
            log.info("telegram: polling getUpdates (set CHATCAL_PUBLIC_URL for webhooks)")

    async def _ready(self) -> None:
        if self._initialized:
            return
        async with self._setup:
            if self._initialized:
                return
            try:
                if not self._app_up:
                    await self.application.initialize()
                    self._app_up = True
                await self.application.bot.set_my_commands(COMMANDS)
                if self.config.webhook_url:
                    await self.application.bot.set_webhook(
                        self.config.webhook_url,
                        secret_token=self.config.webhook_secret,
                        allowed_updates=list(ALLOWED_UPDATES),
                    )
                    log.info("telegram: webhook at %s", self.config.webhook_url)
            except TelegramError as exc:
                raise Unavailable(f"the Bot API refused or could not be reached: {exc}") from exc
            self._initialized = True

    async def stop(self) -> None:
        """Stop polling (if running) and close PTB's HTTP connections."""
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        if self._app_up:
            await self.application.shutdown()
        else:  # a failed initialize() has opened the HTTP clients all the same
            await self.application.bot.shutdown()

    async def receive(self, update: Update) -> None:
        """One webhook delivery: set up if needed, skip a redelivery, run the turn."""
        await self._ready()
        if await anyio.to_thread.run_sync(self._claim, update.update_id):
            await self.application.process_update(update)
        else:
            log.info("telegram: update %s delivered again; already handled", update.update_id)

    def _claim(self, update_id: int) -> bool:
        """Record the update as handled; False if it already was (bot id + update id is unique)."""
        bot_id = self.config.token.partition(":")[0]
        return first_delivery(self.db, "telegram", f"{bot_id}:{update_id}")

    async def _on_update(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await self._pressed(update.callback_query)
        elif update.message is not None:
            incoming = updates.from_message(update.message)
            if incoming is not None:
                await self._send(update.message.chat.id, await self._turn(incoming))

    async def _pressed(self, query: CallbackQuery) -> None:
        """Stop the spinner while the conversation takes its turn, reply, then mark the choice.

        Marking (editing the pressed keyboard) comes after the reply because nothing waits for it:
        a second tap meanwhile is the conversation's to refuse, under its lock, not the keyboard's.
        """
        bot, message, data = self.application.bot, updates.pressed_message(query), query.data or ""
        value = self.codec.decode(data, message.reply_markup if message else None)
        if value is None:
            note = (
                "Already chosen." if data == CHOSEN else "That button has expired; send /book to start again."
            )
            await render.answer_press(bot, query.id, note)
            return
        _, replies = await asyncio.gather(
            render.answer_press(bot, query.id), self._turn(updates.from_press(query, value))
        )
        await self._send(updates.pressed_chat(query), replies)
        if message is not None:
            await render.mark_chosen(bot, message, data)

    async def _turn(self, incoming: Incoming) -> list[Reply]:
        return await anyio.to_thread.run_sync(self.chat.handle, incoming)

    async def _send(self, chat_id: int, replies: list[Reply]) -> None:
        for reply in replies:
            await render.send_reply(self.application.bot, chat_id, reply, self.codec)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what failed and tell the person, so a failed turn never ends in silence."""
        log.error("telegram: handling %s failed", update, exc_info=context.error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and not isinstance(context.error, TelegramError):
            try:
                await self.application.bot.send_message(chat.id, SORRY)
            except TelegramError as exc:
                log.debug("telegram: could not apologise in chat %s: %s", chat.id, exc)


@asynccontextmanager
async def telegram_running(
    config: TelegramConfig | None, chat: ChatFlow
) -> AsyncIterator[TelegramFront | None]:
    """The front end for the app's lifespan: started on entry, stopped on exit; None when off."""
    if config is None:
        yield None
        return
    front = TelegramFront(config, chat)
    await front.start()
    try:
        yield front
    finally:
        await front.stop()
