"""Domain events written in the same transaction as the change they report.

A worker dispatches them after commit (notifications, notes, outbound webhooks), so a crash right
after a booking can delay its follow-ups but never lose them.
"""

from sqlmodel import Session

from booking.columns import utcnow
from booking.models import Booking, OutboxEvent

OUTBOX_INSERT = OutboxEvent.__table__.insert()  # type: ignore[attr-defined]  # (SQLModel doesn't declare it)
"""A plain Core insert: nothing reads the event back in the transaction, so the ORM's unit of work
(instance state, flush planning) would be pure cost on every booking change."""


def emit(session: Session, kind: str, booking: Booking, **extra: str | int | None) -> None:
    """Record ``kind`` (``booking.created``, ``booking.cancelled``, …) for ``booking``."""
    payload = {
        "uid": booking.uid,
        "status": booking.status.value,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        **extra,
    }
    row = {"kind": kind, "booking_id": booking.id, "payload": payload, "created_at": utcnow(), "attempts": 0}
    session.execute(OUTBOX_INSERT, row)
