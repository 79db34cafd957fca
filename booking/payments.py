"""Payments reported by a provider's webhook: the held booking they pay for becomes booked, once.

Each provider's endpoint verifies its signature, then hands the event here. The event id is recorded
in the same transaction as the payment, so a redelivery changes nothing and a delivery that failed
midway is done again by the provider's retry.
"""

import logging
from datetime import datetime

from booking import repository, service
from booking.db import Database
from booking.errors import DomainError
from booking.idempotency import record_delivery

log = logging.getLogger("chatcal.payments")


def settle(db: Database, now: datetime, provider: str, event_id: str, uid: str, payment_ref: str) -> None:
    """Mark booking ``uid`` paid by ``payment_ref``; a payment that can't apply is logged for a refund."""
    try:
        with db.transaction(write=True) as session:
            if not record_delivery(session, provider, event_id):
                return
            booking = repository.booking_by_uid(session, uid)
            if booking is None:
                log.error("%s: payment %s names no booking %r; refund it", provider, payment_ref, uid)
                return
            service.mark_paid(session, booking, payment_ref, now)
    except DomainError as problem:  # paid too late for a time taken meanwhile, or for a cancelled booking
        log.error("%s: payment %s for %s can't be used (%s); refund it", provider, payment_ref, uid, problem)
