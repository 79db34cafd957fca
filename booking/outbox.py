"""Domain events written in the same transaction as the change they report.

A worker dispatches them after commit (notifications, notes, outbound webhooks), so a crash right
after a booking can delay its follow-ups but never lose them.
"""

from sqlmodel import Session

from booking.models import Booking, OutboxEvent


def emit(session: Session, kind: str, booking: Booking, **extra: str | int | None) -> None:
    """Record ``kind`` (``booking.created``, ``booking.cancelled``, …) for ``booking``."""
    payload = {
        "uid": booking.uid,
        "status": booking.status.value,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        **extra,
    }
    session.add(OutboxEvent(kind=kind, booking_id=booking.id, payload=payload))
