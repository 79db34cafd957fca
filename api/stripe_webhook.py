"""``POST /webhooks/stripe``: Stripe reports a paid checkout, and the held booking becomes booked.

Stripe signs each delivery (``Stripe-Signature``: a timestamp and an HMAC-SHA256 of
``{timestamp}.{body}`` under the endpoint's signing secret). The SDK checks the signature and that the
timestamp is under five minutes old, so a forged or replayed body is a 400 before anything is read.
What a paid checkout changes is ``booking.payments.settle``'s to decide, once per event id.
"""

from typing import Any

import anyio.to_thread
import stripe
from fastapi import APIRouter, HTTPException, Request, Response

from api.deps import RuntimeDep
from api.runtime import Runtime
from booking.payments import settle

WEBHOOK_PATH = "/webhooks/stripe"
SIGNATURE_HEADER = "Stripe-Signature"
PAID = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}


def stripe_router(signing_secret: str) -> APIRouter:
    """The endpoint for one Stripe webhook destination (its ``whsec_…`` secret)."""
    router = APIRouter(tags=["webhooks"])

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def stripe_webhook(request: Request, rt: RuntimeDep) -> Response:
        body = await request.body()
        try:
            signature = request.headers.get(SIGNATURE_HEADER)
            event = stripe.Webhook.construct_event(body, signature, signing_secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise HTTPException(400, "The Stripe-Signature does not match this body.") from exc
        await anyio.to_thread.run_sync(_settle, rt, event)
        return Response(status_code=200)

    return router


def _settle(rt: Runtime, event: stripe.Event) -> None:
    """Mark the booking of a paid checkout paid; anything else Stripe sends is acknowledged only."""
    checkout: dict[str, Any] = event.data.object.to_dict()
    if event.type in PAID and checkout.get("payment_status") == "paid":
        uid = str(checkout.get("client_reference_id") or "")
        settle(rt.db, rt.clock(), "stripe", event.id, uid, str(checkout.get("id")))
