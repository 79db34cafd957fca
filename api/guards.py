"""What the API refuses before an endpoint sees it: big bodies, URLs holding NUL, and JSON that isn't
strictly JSON.

Every body chatcal takes (a booking, a chat message, a provider's webhook) fits in a few KB;
``BodyLimit`` refuses one past ``MAX_BODY_BYTES`` with a 413 problem, by its ``Content-Length``
before reading it, or as it streams in. (FastAPI's own ``max_body_size`` answers in plain text.)

The standard library's parser accepts ``NaN`` and ``Infinity``, turns ``1e400`` into infinity and
keeps lone UTF-16 surrogates (``"\\ud800"``) as text that can never be written out as UTF-8. Each of
those passed validation and then failed at the database or while writing the answer: a 500, once
after the booking was stored. orjson refuses them all as invalid JSON, which FastAPI answers with a
422 (and it parses faster). A NUL in a path or query reached PostgreSQL, which can't compare text
holding one.
"""

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem
from booking.errors import InvalidRequest

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
MAX_BODY_BYTES = 1 << 20


class StrictJsonRequest(Request):
    """A request whose JSON body is parsed by orjson."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = orjson.loads(await self.body())
        return self._json


class GuardedRoute(APIRoute):
    """The route class of every router that reads JSON bodies or looks rows up by URL."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            if "\x00" in request.scope["path"] or b"%00" in request.scope["query_string"]:
                raise InvalidRequest("URLs must not contain the NUL character (%00).")
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return guarded


class BodyLimit:
    """ASGI middleware refusing request bodies past ``limit`` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit
        self.message = f"Request bodies are at most {limit:,} bytes."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await problem(413, "Request too large", self.message)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            """The body as it arrives; past the limit, an error the app's handlers answer (a 413)."""
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, self.message)
            return message

        await self.app(scope, counted, send)
