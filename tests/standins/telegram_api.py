"""A local stand-in for the Telegram Bot API, spoken to by the real python-telegram-bot.

It follows the documented wire format (https://core.telegram.org/bots/api#making-requests):
``POST /bot<token>/<method>`` with a JSON, form-urlencoded or multipart body (PTB sends forms, and
multipart for ``sendDocument``); answers ``{"ok": true, "result": ...}`` with real Message / User /
Chat shapes, or ``{"ok": false, "error_code": ..., "description": ...}``, and for flood control HTTP 429
with ``parameters.retry_after`` and a ``Retry-After`` header. ``getUpdates`` long-polls the updates a
test pushes, honouring ``offset`` and ``timeout``, and refuses with 409 while a webhook is set.

The server runs on its own event loop in a thread, on a free port of 127.0.0.1. Every call is recorded
(with the ``perf_counter`` instant it arrived, for ``bench/bot.py``); tests synchronise on recorded
calls with a condition variable, never on sleeps.
"""

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import count
from typing import Any, TypeVar

from aiohttp import web

from tests.standins.serving import WAIT_S, serving
from tests.standins.telegram_methods import TOKEN, ApiError, Json, answer

JSON_FIELDS = frozenset({"reply_markup", "allowed_updates", "commands", "entities", "reply_parameters"})
T = TypeVar("T")


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Call:
    """One Bot API call as received: scalars as the strings a form carries, JSON fields decoded."""

    method: str
    params: Json
    files: dict[str, Upload]
    status: int
    at: float


@dataclass
class TelegramApi:
    """The stand-in's state; configure it and read it from the test thread."""

    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    by_chat: dict[str, list[Call]] = field(default_factory=dict)
    messages: dict[tuple[int, int], Json] = field(default_factory=dict)
    webhook: Json | None = None
    failures: dict[str, list[ApiError]] = field(default_factory=dict)
    pending: list[Json] = field(default_factory=list)
    loop: asyncio.AbstractEventLoop | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    closing: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    serial: Iterator[int] = field(default_factory=lambda: count(1))

    def next_message_id(self) -> int:
        return next(self.serial)

    def fail_next(self, method: str, status: int = 400, description: str = "Bad Request: test") -> None:
        """The next call of ``method`` is refused with ``status`` and ``description``."""
        self.failures.setdefault(method.lower(), []).append(ApiError(status, description))

    def flood_next(self, method: str, retry_after: int = 1) -> None:
        """The next call of ``method`` hits flood control: 429 asking to wait ``retry_after`` s."""
        error = ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self.failures.setdefault(method.lower(), []).append(error)

    def push_update(self, update: Json) -> None:
        """Queue an update for ``getUpdates`` and wake a waiting long poll."""
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._queue, update)

    def _queue(self, update: Json) -> None:
        self.pending.append(update)
        self.arrived.set()

    def calls_of(self, method: str) -> list[Call]:
        with self.changed:
            return [call for call in self.calls if call.method.lower() == method.lower()]

    def wait_for(self, found: Callable[["TelegramApi"], T | None], what: str = "") -> T:
        """Block until ``found`` returns something (checked after every call the stand-in records)."""
        with self.changed:
            result = self.changed.wait_for(lambda: found(self), WAIT_S)
        assert result, f"Telegram stand-in never saw {what or found}; calls: {[c.method for c in self.calls]}"
        return result

    def calls_to(self, chat_id: int, method: str) -> list[Call]:
        """Calls of ``method`` addressed to ``chat_id`` (indexed, so a long benchmark stays cheap)."""
        with self.changed:
            return [call for call in self.by_chat.get(str(chat_id), []) if call.method == method]

    def record(self, call: Call) -> None:
        with self.changed:
            self.calls.append(call)
            self.by_chat.setdefault(str(call.params.get("chat_id")), []).append(call)
            self.changed.notify_all()

    async def get_updates(self, params: Json) -> list[Json]:
        """Confirm updates below ``offset``; wait up to ``timeout`` s for one if none is pending."""
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 100))
        self.pending = [update for update in self.pending if update["update_id"] >= offset]
        if not self.pending and not self.closing:
            self.arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(float(params.get("timeout", 0)), WAIT_S))
        return self.pending[:limit]


API = web.AppKey("api", TelegramApi)


def _normal(name: str, value: Any) -> Any:
    if name in JSON_FIELDS and isinstance(value, str):
        return json.loads(value)
    if isinstance(value, str | dict | list):
        return value
    return json.dumps(value)


async def _arguments(request: web.Request) -> tuple[Json, dict[str, Upload]]:
    raw: Json = dict(request.query)
    files: dict[str, Upload] = {}
    if request.content_type == "application/json":
        raw.update(await request.json())
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[name] = Upload(value.filename, value.content_type, value.file.read())
            else:
                raw[name] = value
    return {name: _normal(name, value) for name, value in raw.items()}, files


def _refusal(error: ApiError) -> web.Response:
    body: Json = {"ok": False, "error_code": error.status, "description": error.description}
    headers = {}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
        headers["Retry-After"] = str(error.retry_after)
    return web.json_response(body, status=error.status, headers=headers)


async def _bot_api(request: web.Request) -> web.Response:
    api = request.app[API]
    arrived_at = time.perf_counter()
    method = request.match_info["method"]
    params, files = await _arguments(request)
    try:
        if request.match_info["token"] != TOKEN:
            raise ApiError(401, "Unauthorized")
        if queued := api.failures.get(method.lower()):
            raise queued.pop(0)
        if method.lower() == "getupdates":
            result: Any = await api.get_updates(params)
        else:
            result = answer(api, method, params, files)
        response = web.json_response({"ok": True, "result": result})
    except ApiError as error:
        response = _refusal(error)
    api.record(Call(method, params, files, response.status, arrived_at))
    return response


async def _wake_pollers(app: web.Application) -> None:
    api = app[API]
    api.closing = True
    api.arrived.set()


@contextmanager
def telegram_api() -> Iterator[TelegramApi]:
    """Serve a fresh stand-in until the block ends; ``base_url`` is PTB's ``base_url`` (``…/bot``)."""
    api = TelegramApi()
    app = web.Application()
    app[API] = api
    app.router.add_route("*", "/bot{token}/{method}", _bot_api)
    app.on_shutdown.append(_wake_pollers)
    with serving(app, "Telegram stand-in", handler_cancellation=True) as (origin, loop):
        api.base_url, api.loop = f"{origin}/bot", loop
        yield api
