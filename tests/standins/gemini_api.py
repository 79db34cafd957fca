"""A local stand-in for the Gemini API's ``generateContent``, spoken to by the real ``google-genai`` SDK.

It follows the documented REST format: ``POST /v1beta/models/{model}:generateContent`` with the key
in ``x-goog-api-key``; a JSON body of ``contents``, ``systemInstruction`` and ``generationConfig``;
an answer of ``candidates[].content.parts[].text`` with ``finishReason`` and ``usageMetadata``; errors
as ``{"error": {"code", "message", "status", "details"}}`` (a bad key is 400 ``INVALID_ARGUMENT`` with
``API_KEY_INVALID``; a spent quota 429 ``RESOURCE_EXHAUSTED`` with a ``google.rpc.RetryInfo``).

The "model" is the test's script: ``answers`` maps a piece of the user's text to the JSON text to
reply with; every request is kept in ``requests`` so tests can check what left chatcal.
"""

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.standins.serving import serving

API_KEY = "gemini-standin-key"
MODEL = "gemini-2.5-flash"
Json = dict[str, Any]


def error(code: int, status: str, message: str, *details: Json) -> Json:
    """Google's error body."""
    return {"error": {"code": code, "message": message, "status": status, "details": list(details)}}


@dataclass
class GeminiApi:
    """The stand-in's state; configure it and read it from the test thread."""

    base_url: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    requests: list[Json] = field(default_factory=list)
    failures: list[tuple[int, Json, dict[str, str]]] = field(default_factory=list)
    observe: Callable[[], None] | None = None
    """Called on the stand-in's thread as each request arrives, to look at chatcal meanwhile."""
    hang: threading.Event | None = None
    """While set to an unset event, requests wait for it before answering (a Gemini that hangs)."""

    def answer(self, heard: str, phrase: str | None) -> None:
        """Answer any request whose user text holds ``heard`` with ``{"phrase": phrase}``."""
        self.answers[heard] = json.dumps({"phrase": phrase})

    def exhaust_quota(self, retry_s: int) -> None:
        """Answer the next request with a 429 asking to retry after ``retry_s`` seconds."""
        retry = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_s}s"}
        body = error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", retry)
        self.failures.append((429, body, {"Retry-After": str(retry_s)}))

    def user_texts(self) -> list[str]:
        """The user turn's text of every request so far."""
        return [part["text"] for body in self.requests for part in body["contents"][-1]["parts"]]


API = web.AppKey("gemini", GeminiApi)


def _reply(text: str) -> Json:
    return {
        "candidates": [
            {"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": "STOP", "index": 0}
        ],
        "usageMetadata": {"promptTokenCount": 120, "candidatesTokenCount": 12, "totalTokenCount": 132},
        "modelVersion": MODEL,
        "responseId": "standin-response",
    }


async def _generate(request: web.Request) -> web.Response:
    api = request.app[API]
    if request.headers.get("x-goog-api-key") != API_KEY:
        invalid = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
        body = error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", invalid)
        return web.json_response(body, status=400)
    if request.match_info["model"] != MODEL:
        message = f"models/{request.match_info['model']} is not found for API version v1beta"
        return web.json_response(error(404, "NOT_FOUND", message), status=404)
    payload: Json = await request.json()
    api.requests.append(payload)
    if api.observe is not None:
        api.observe()
    if api.hang is not None:
        await asyncio.to_thread(api.hang.wait)
    if api.failures:
        status, body, headers = api.failures.pop(0)
        return web.json_response(body, status=status, headers=headers)
    text = " ".join(part.get("text", "") for part in payload["contents"][-1]["parts"])
    found = [reply for heard, reply in api.answers.items() if heard in text]
    return web.json_response(_reply(found[0] if found else json.dumps({"phrase": None})))


@contextmanager
def gemini_api() -> Iterator[GeminiApi]:
    """Serve a fresh stand-in until the block ends; ``base_url`` goes in ``GEMINI_BASE_URL``."""
    api = GeminiApi()
    app = web.Application()
    app[API] = api
    app.router.add_post("/v1beta/models/{model}:generateContent", _generate)
    with serving(app, "Gemini stand-in") as (origin, _):
        api.base_url = origin
        yield api
