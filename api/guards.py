"""What the API refuses before an endpoint sees it: URLs holding NUL, and JSON that isn't strictly JSON.

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

from booking.errors import InvalidRequest

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


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
