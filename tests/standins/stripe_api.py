"""A local stand-in for Stripe's API and webhooks, spoken to by the real ``stripe`` SDK.

It follows Stripe's documented wire format for what chatcal uses: ``POST /v1/checkout/sessions``
with the secret key as ``Authorization: Bearer``, a form body with bracketed keys
(``line_items[0][price_data][currency]``), JSON objects back, errors as ``{"error": {"type", "code",
"param", "message"}}`` with 400/401/429, and ``Idempotency-Key``: a repeat gets the first response
(``Idempotent-Replayed: true``), the same key with other parameters is a 400 ``idempotency_error``.

Webhook events are built like Stripe's (``evt_…`` with ``data.object``) and signed the way Stripe
signs them: ``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body" under whsec_…>``.
"""

import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.standins.serving import serving

API_KEY = "sk_test_standin_0123456789"
WEBHOOK_SECRET = "whsec_standin_0123456789"
Json = dict[str, Any]
_BRACKETS = re.compile(r"\[([^\]]*)\]")


@dataclass
class StripeApi:
    """The stand-in's state; configure it and read it from the test thread."""

    base_url: str = ""
    sessions: dict[str, Json] = field(default_factory=dict)
    created: list[Json] = field(default_factory=list)  # every create call's decoded parameters
    replies: dict[str, tuple[str, int, Json]] = field(default_factory=dict)  # idempotency key → reply
    failures: list[tuple[int, Json]] = field(default_factory=list)
    serial: Iterator[int] = field(default_factory=lambda: count(1))

    def fail_next(self, status: int, error_type: str, message: str, code: str | None = None) -> None:
        """Answer the next create call with this Stripe error."""
        self.failures.append((status, error(error_type, message, code)))

    def paid_event(self, session_id: str, kind: str = "checkout.session.completed") -> bytes:
        """The event Stripe sends when the session's payment succeeded, as the body it posts."""
        session = {**self.sessions[session_id], "status": "complete", "payment_status": "paid"}
        event = {
            "id": f"evt_standin_{next(self.serial)}",
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": kind,
            "data": {"object": session},
        }
        return json.dumps(event).encode()


def signature_header(body: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """``Stripe-Signature`` for ``body`` as Stripe computes it (``at`` defaults to now)."""
    timestamp = int(time.time()) if at is None else at
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signed}"


def decode_form(body: str) -> Json:
    """Stripe's form encoding back into nested objects: ``a[b][0][c]=x`` → ``{"a": {"b": [{"c": "x"}]}}``."""
    root: Json = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head, _, rest = key.partition("[")
        path = [head, *_BRACKETS.findall("[" + rest)] if rest else [head]
        node: Any = root
        for part, following in zip(path, [*path[1:], None], strict=True):
            if following is None:
                node[int(part) if isinstance(node, list) else part] = value
                break
            child: Any = [] if following.isdigit() else {}
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(child)
                node = node[index]
            else:
                node = node.setdefault(part, child)
    return root


def error(error_type: str, message: str, code: str | None = None, param: str | None = None) -> Json:
    """Stripe's error body."""
    return {"error": {"type": error_type, "code": code, "param": param, "message": message}}


REUSED_KEY = (
    "Keys for idempotent requests can only be used with the same parameters they were first used with."
)


def _session(api: StripeApi, params: Json) -> Json:
    number = next(api.serial)
    session_id = f"cs_test_standin{number:04d}"
    item = params["line_items"][0]
    return {
        "id": session_id,
        "object": "checkout.session",
        "url": f"{api.base_url}/c/pay/{session_id}",
        "mode": params["mode"],
        "status": "open",
        "payment_status": "unpaid",
        "client_reference_id": params.get("client_reference_id"),
        "customer_email": params.get("customer_email"),
        "metadata": params.get("metadata", {}),
        "currency": item["price_data"]["currency"],
        "amount_total": int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)),
        "success_url": params["success_url"],
        "cancel_url": params.get("cancel_url"),
        "livemode": False,
        "created": int(time.time()),
        "expires_at": int(time.time()) + 24 * 3600,
    }


API = web.AppKey("stripe", StripeApi)


async def _create_session(request: web.Request) -> web.Response:
    api = request.app[API]
    if request.headers.get("Authorization") != f"Bearer {API_KEY}":
        invalid = error("invalid_request_error", "Invalid API Key provided.", "api_key_invalid")
        return web.json_response(invalid, status=401)
    raw = await request.text()
    params = decode_form(raw)
    key = request.headers.get("Idempotency-Key")
    if key and key in api.replies:
        first_raw, status, body = api.replies[key]
        if first_raw != raw:
            return web.json_response(error("idempotency_error", REUSED_KEY), status=400)
        return web.json_response(body, status=status, headers={"Idempotent-Replayed": "true"})
    api.created.append(params)
    if api.failures:
        status, body = api.failures.pop(0)
        return web.json_response(body, status=status)
    for required in ("mode", "line_items", "success_url"):
        if required not in params:
            missing = f"Missing required param: {required}."
            body = error("invalid_request_error", missing, "parameter_missing", required)
            return web.json_response(body, status=400)
    session = _session(api, params)
    api.sessions[session["id"]] = session
    if key:
        api.replies[key] = (raw, 200, session)
    return web.json_response(session)


@contextmanager
def stripe_api() -> Iterator[StripeApi]:
    """Serve a fresh stand-in until the block ends; ``base_url`` is the SDK's ``api`` base address."""
    api = StripeApi()
    app = web.Application()
    app[API] = api
    app.router.add_post("/v1/checkout/sessions", _create_session)
    with serving(app, "Stripe stand-in") as (origin, _):
        api.base_url = origin
        yield api
