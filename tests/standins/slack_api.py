"""A local stand-in for Slack's Web API and Socket Mode, spoken to by the real ``slack_sdk`` client.

It follows the documented wire format: ``POST /api/<method>`` with the token as ``Authorization:
Bearer``, arguments in the query string, a form body or JSON; HTTP 200 with ``{"ok": true, ...}`` or
``{"ok": false, "error": ...}``; HTTP 429 with ``Retry-After`` when rate limited. It keeps the messages
it was sent (so tests can click their buttons), the files uploaded, and every call in order.

The server runs on its own event loop in a thread, on a free port of 127.0.0.1. Tests synchronise on
recorded calls with a condition variable and on ``Gate``s that hold a method's calls until released,
never on sleeps.
"""

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import count
from typing import TypeVar

from aiohttp import WSMsgType, web

from tests.standins.serving import WAIT_S, serving
from tests.standins.slack_methods import APP, TEAM, Json, answer, error, ok

BOT_TOKEN = "xoxb-standin-bot-token"
APP_TOKEN = "xapp-standin-app-token"
T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One Web API call as received, and whether it succeeded."""

    method: str
    args: Json
    token: str
    status: int
    error: str | None


class Gate:
    """Holds every call of one method until ``release`` (or ``WAIT_S``, so a bug fails, not hangs)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.opened = asyncio.Event()
        self.arrived = threading.Event()

    async def pass_through(self) -> None:
        self.arrived.set()
        with suppress(TimeoutError):
            await asyncio.wait_for(self.opened.wait(), WAIT_S)

    def release(self) -> None:
        self.loop.call_soon_threadsafe(self.opened.set)


@dataclass
class SlackApi:
    """The stand-in's state; configure it and read it from the test thread."""

    base_url: str = ""
    users: dict[str, Json] = field(default_factory=dict)
    messages: dict[tuple[str, str], Json] = field(default_factory=dict)
    uploads: dict[str, Json] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    acks: list[Json] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)
    gates: dict[str, Gate] = field(default_factory=dict)
    loop: asyncio.AbstractEventLoop | None = None
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    serial: Iterator[int] = field(default_factory=lambda: count(1))

    def add_user(self, user_id: str, real_name: str = "", tz: str | None = None) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM,
            "name": real_name.lower().replace(" ", ".") or user_id.lower(),
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz or "",
            "tz_offset": 0,
            "is_bot": False,
            "profile": {"real_name": real_name, "display_name": real_name.partition(" ")[0]},
        }

    def fail_next(self, method: str, error: str) -> None:
        self.failures.setdefault(method, []).append(error)

    def rate_limit_next(self, method: str, times: int = 1) -> None:
        self.limits[method] = self.limits.get(method, 0) + times

    def hold(self, method: str) -> Gate:
        assert self.loop is not None
        self.gates[method] = gate = Gate(self.loop)
        return gate

    def calls_of(self, method: str) -> list[Call]:
        with self.changed:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, found: Callable[["SlackApi"], T | None], what: str = "") -> T:
        """Block until ``found`` returns something (checked after every call the stand-in records)."""
        with self.changed:
            result = self.changed.wait_for(lambda: found(self), WAIT_S)
        assert result, f"Slack stand-in never saw {what or found}; calls: {[c.method for c in self.calls]}"
        return result

    def record(self, call: Call | None = None, ack: Json | None = None) -> None:
        with self.changed:
            if call is not None:
                self.calls.append(call)
            if ack is not None:
                self.acks.append(ack)
            self.changed.notify_all()

    def push(self, kind: str, payload: Json) -> str:
        """Send one Socket Mode envelope over the open connection; returns its ``envelope_id``."""
        socket = self.wait_for(lambda api: api.sockets[-1] if api.sockets else None, "a Socket Mode client")
        envelope_id = f"env-{next(self.serial)}"
        envelope: Json = {"envelope_id": envelope_id, "type": kind, "payload": payload}
        envelope["accepts_response_payload"] = kind != "events_api"
        assert self.loop is not None
        asyncio.run_coroutine_threadsafe(socket.send_json(envelope), self.loop).result(WAIT_S)
        return envelope_id

    def next_ts(self) -> str:
        return f"{1_900_000_000 + next(self.serial)}.000100"


API = web.AppKey("api", SlackApi)


async def _arguments(request: web.Request) -> Json:
    args: Json = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.content_type == "application/x-www-form-urlencoded":
        args.update(dict(await request.post()))
    if isinstance(args.get("blocks"), str):
        args["blocks"] = json.loads(args["blocks"])
    return args


async def _web_api(request: web.Request) -> web.Response:
    api: SlackApi = request.app[API]
    method = request.match_info["method"]
    args = await _arguments(request)
    token = request.headers.get("Authorization", "").removeprefix("Bearer ") or str(args.pop("token", ""))
    if gate := api.gates.get(method):
        await gate.pass_through()
    wanted = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
    if not token:
        response = error("not_authed")
    elif token != wanted:
        response = error("invalid_auth")
    elif api.limits.get(method):
        api.limits[method] -= 1
        response = error("ratelimited", status=429, **{"Retry-After": "0"})
    elif api.failures.get(method):
        response = error(api.failures[method].pop(0))
    elif method == "apps.connections.open":
        response = ok(url=f"ws://{request.host}/link/?ticket=standin")
    else:
        response = answer(api, str(request.url.origin()), method, args)
    body = json.loads(response.text or "{}")
    api.record(Call(method, args, token, response.status, None if body.get("ok") else body.get("error")))
    return response


async def _upload(request: web.Request) -> web.Response:
    api: SlackApi = request.app[API]
    upload = api.uploads.get(request.match_info["file_id"])
    if upload is None:
        return web.Response(status=404, text="not found")
    upload["data"] = await request.read()
    return web.Response(text=f"OK - {len(upload['data'])}")


async def _socket(request: web.Request) -> web.WebSocketResponse:
    api: SlackApi = request.app[API]
    socket = web.WebSocketResponse(autoping=True)
    await socket.prepare(request)
    await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP}})
    api.sockets.append(socket)
    api.record()
    async for message in socket:
        if message.type is WSMsgType.TEXT:
            api.record(ack=json.loads(message.data))
    return socket


async def _close_sockets(app: web.Application) -> None:
    for socket in app[API].sockets:
        await socket.close()


@contextmanager
def slack_api() -> Iterator[SlackApi]:
    """Serve a fresh stand-in until the block ends; ``base_url`` is what ``AsyncWebClient`` takes."""
    api = SlackApi()
    app = web.Application()
    app[API] = api
    app.router.add_post("/api/{method}", _web_api)
    app.router.add_get("/api/{method}", _web_api)
    app.router.add_post("/upload/v1/{file_id}", _upload)
    app.router.add_get("/link/", _socket)
    app.on_shutdown.append(_close_sockets)
    with serving(app, "Slack stand-in") as (origin, loop):
        api.base_url, api.loop = f"{origin}/api/", loop
        yield api
