"""``POST /webhooks/razorpay``: Razorpay reports a paid payment link, and the held booking is booked.

Razorpay signs each delivery's raw body (``X-Razorpay-Signature``: hex HMAC-SHA256 under the webhook
secret), checked here with the SDK before anything is read; a body that fails is a 400. Razorpay's
signature carries no timestamp, so a replayed delivery is stopped by its ``X-Razorpay-Event-Id``, which
``booking.payments.settle`` records once.
"""

import json
from typing import Any

import anyio.to_thread
import razorpay
from fastapi import APIRouter, HTTPException, Request, Response

from api.deps import RuntimeDep
from api.runtime import Runtime
from booking.payments import settle

WEBHOOK_PATH = "/webhooks/razorpay"
SIGNATURE_HEADER = "X-Razorpay-Signature"
EVENT_ID_HEADER = "X-Razorpay-Event-Id"


def razorpay_router(webhook_secret: str) -> APIRouter:
    """The endpoint for the account's webhook (its secret, set in the Razorpay dashboard)."""
    router = APIRouter(tags=["webhooks"])
    verifier = razorpay.Client().utility

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def razorpay_webhook(request: Request, rt: RuntimeDep) -> Response:
        body = await request.body()
        try:
            verifier.verify_webhook_signature(
                body.decode(), request.headers.get(SIGNATURE_HEADER, ""), webhook_secret
            )
            event: dict[str, Any] = json.loads(body)
        except (razorpay.errors.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
            raise HTTPException(400, "The X-Razorpay-Signature does not match this body.") from exc
        event_id = request.headers.get(EVENT_ID_HEADER) or f"{event.get('event')}:{event.get('created_at')}"
        await anyio.to_thread.run_sync(_settle, rt, event_id, event)
        return Response(status_code=200)

    return router


def _settle(rt: Runtime, event_id: str, event: dict[str, Any]) -> None:
    """Mark the booking of a paid link paid; anything else Razorpay sends is acknowledged only."""
    if event.get("event") != "payment_link.paid":
        return
    payload = event.get("payload") or {}
    link = (payload.get("payment_link") or {}).get("entity") or {}
    payment = (payload.get("payment") or {}).get("entity") or {}
    uid = str(link.get("reference_id") or "")
    settle(rt.db, rt.clock(), "razorpay", event_id, uid, str(payment.get("id") or link.get("id")))
