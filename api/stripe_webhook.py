"""``POST /webhooks/stripe``: Stripe reports a paid checkout, and the held booking becomes booked.

Stripe signs each delivery (``Stripe-Signature``: a timestamp and an HMAC-SHA256 of
``{timestamp}.{body}`` under the endpoint's signing secret). The SDK checks the signature and that the
timestamp is under five minutes old, so a forged or replayed body is a 400 before anything is read.
The event id is recorded in the same transaction as the payment, so a redelivery changes nothing and
a delivery that failed midway is done again by Stripe's retry.
"""

import logging
from typing import Any

import anyio.to_thread
import stripe
from fastapi import APIRouter, HTTPException, Request, Response

from api.runtime import Runtime
from booking import repository, service
from booking.errors import DomainError
from booking.idempotency import record_delivery

log = logging.getLogger("chatcal.payments")
WEBHOOK_PATH = "/webhooks/stripe"
SIGNATURE_HEADER = "Stripe-Signature"
PAID = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}


def stripe_router(signing_secret: str) -> APIRouter:
    """The endpoint for one Stripe webhook destination (its ``whsec_…`` secret)."""
    router = APIRouter(tags=["webhooks"])

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def stripe_webhook(request: Request) -> Response:
        body = await request.body()
        try:
            signature = request.headers.get(SIGNATURE_HEADER)
            event = stripe.Webhook.construct_event(body, signature, signing_secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise HTTPException(400, "The Stripe-Signature does not match this body.") from exc
        runtime = request.app.state.runtime
        assert isinstance(runtime, Runtime)
        await anyio.to_thread.run_sync(_settle, runtime, event)
        return Response(status_code=200)

    return router


def _settle(rt: Runtime, event: stripe.Event) -> None:
    """Mark the booking of a paid checkout paid; anything else Stripe sends is acknowledged only."""
    checkout: dict[str, Any] = event.data.object.to_dict()
    if event.type not in PAID or checkout.get("payment_status") != "paid":
        return
    uid = str(checkout.get("client_reference_id") or "")
    try:
        with rt.db.transaction(write=True) as session:
            if not record_delivery(session, "stripe", event.id):
                return
            booking = repository.booking_by_uid(session, uid)
            if booking is None:
                log.error("stripe: payment %s names no booking %r; refund it", checkout.get("id"), uid)
                return
            service.mark_paid(session, booking, str(checkout.get("id")), rt.clock())
    except DomainError as problem:  # paid too late for a time taken meanwhile, or for a cancelled booking
        paid = checkout.get("id")
        log.error("stripe: payment %s for booking %s can't be used (%s); refund it", paid, uid, problem)
