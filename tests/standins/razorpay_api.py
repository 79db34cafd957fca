"""A local stand-in for Razorpay's Payment Links API and webhooks, spoken to by the real ``razorpay`` SDK.

It follows Razorpay's documented wire format for what chatcal uses: HTTP Basic auth with the key id
and secret; ``POST /v1/payment_links`` with a JSON body; ``GET /v1/payment_links?reference_id=…``
answering ``{"payment_links": [...]}``; a second link with the same ``reference_id`` refused; errors
as ``{"error": {"code", "description", "source", "step", "reason", "field"}}`` with 400/401.

Webhook events are built like Razorpay's (``payment_link.paid`` with ``payload.payment_link.entity``
and ``payload.payment.entity``) and signed the way Razorpay signs them: ``X-Razorpay-Signature`` is the
hex HMAC-SHA256 of the raw body under the webhook secret; ``X-Razorpay-Event-Id`` names the event.
"""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from aiohttp import web

from tests.standins.serving import serving

KEY_ID = "rzp_test_standin"
KEY_SECRET = "standin_key_secret_0123456789"
WEBHOOK_SECRET = "standin_webhook_secret_0123456789"
Json = dict[str, Any]


def error(description: str, field_name: str | None = None, code: str = "BAD_REQUEST_ERROR") -> Json:
    """Razorpay's error body."""
    return {
        "error": {
            "code": code,
            "description": description,
            "source": "business",
            "step": "payment_initiation",
            "reason": "input_validation_failed",
            "field": field_name,
            "metadata": {},
        }
    }


@dataclass
class RazorpayApi:
    """The stand-in's state; configure it and read it from the test thread."""

    base_url: str = ""
    links: dict[str, Json] = field(default_factory=dict)
    failures: list[tuple[int, Json]] = field(default_factory=list)
    serial: Iterator[int] = field(default_factory=lambda: count(1))

    def fail_next(self, status: int, description: str) -> None:
        """Answer the next create call with this error."""
        self.failures.append((status, error(description)))

    def paid_event(self, link_id: str) -> tuple[bytes, dict[str, str]]:
        """The body and headers Razorpay posts when the link was paid."""
        link = {**self.links[link_id], "status": "paid", "amount_paid": self.links[link_id]["amount"]}
        payment = {"id": f"pay_standin{next(self.serial):04d}", "entity": "payment", "status": "captured"}
        event = {
            "entity": "event",
            "account_id": "acc_standin",
            "event": "payment_link.paid",
            "contains": ["payment_link", "payment"],
            "payload": {"payment_link": {"entity": link}, "payment": {"entity": payment}},
            "created_at": int(time.time()),
        }
        body = json.dumps(event).encode()
        return body, {"X-Razorpay-Signature": signature(body), "X-Razorpay-Event-Id": f"evt_{payment['id']}"}


def signature(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    """``X-Razorpay-Signature`` for ``body``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


API = web.AppKey("razorpay", RazorpayApi)
AUTHORIZED = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()


def _unauthorized(request: web.Request) -> web.Response | None:
    if request.headers.get("Authorization") == AUTHORIZED:
        return None
    body = error("Authentication failed", code="BAD_REQUEST_ERROR")
    return web.json_response(body, status=401)


async def _create(request: web.Request) -> web.Response:
    api = request.app[API]
    refused = _unauthorized(request)
    if refused is not None:
        return refused
    params: Json = await request.json()
    if api.failures:
        status, body = api.failures.pop(0)
        return web.json_response(body, status=status)
    if not isinstance(params.get("amount"), int) or params["amount"] < 100:
        return web.json_response(error("The amount must be atleast INR 1.00", "amount"), status=400)
    reference = params.get("reference_id")
    if reference and any(link["reference_id"] == reference for link in api.links.values()):
        taken = error(f"Payment Link with reference {reference} already exists", "reference_id")
        return web.json_response(taken, status=400)
    link_id = f"plink_standin{next(api.serial):04d}"
    link = {
        "id": link_id,
        "entity": "payment_link",
        "status": "created",
        "amount": params["amount"],
        "amount_paid": 0,
        "currency": params.get("currency", "INR"),
        "reference_id": reference,
        "description": params.get("description"),
        "customer": params.get("customer", {}),
        "notify": params.get("notify", {}),
        "callback_url": params.get("callback_url"),
        "callback_method": params.get("callback_method"),
        "short_url": f"{api.base_url}/l/{link_id}",
        "created_at": int(time.time()),
    }
    api.links[link_id] = link
    return web.json_response(link)


async def _list(request: web.Request) -> web.Response:
    api = request.app[API]
    refused = _unauthorized(request)
    if refused is not None:
        return refused
    reference = request.query.get("reference_id")
    links = [link for link in api.links.values() if reference is None or link["reference_id"] == reference]
    return web.json_response({"payment_links": links})


@contextmanager
def razorpay_api() -> Iterator[RazorpayApi]:
    """Serve a fresh stand-in until the block ends; ``base_url`` is the SDK's ``base_url`` option."""
    api = RazorpayApi()
    app = web.Application()
    app[API] = api
    app.router.add_post("/v1/payment_links", _create)
    app.router.add_get("/v1/payment_links", _list)
    with serving(app, "Razorpay stand-in") as (origin, _):
        api.base_url = origin
        yield api
