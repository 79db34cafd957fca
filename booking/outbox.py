"""Domain events written in the same transaction as the change they report.

A worker dispatches them after commit (notifications, notes, outbound webhooks), so a crash right
after a booking can delay its follow-ups but never lose them.
"""

from typing import Any

from sqlmodel import Session

from booking import repository
from booking.columns import utcnow
from booking.models import Booking


def event(kind: str, booking: Booking, **extra: str | int | None) -> dict[str, Any]:
    """The outbox row reporting ``kind`` (``booking.accepted``, ``booking.cancelled``, …) for ``booking``.

    Every column but ``booking_id``, so a new booking's event can be written before its id is known.
    """
    payload = {
        "uid": booking.uid,
        "status": booking.status.value,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        **extra,
    }
    return {"kind": kind, "payload": payload, "created_at": utcnow(), "attempts": 0}


def emit(session: Session, kind: str, booking: Booking, **extra: str | int | None) -> None:
    """Record ``kind`` for ``booking``, which is already stored."""
    repository.add_event(session, {**event(kind, booking, **extra), "booking_id": booking.id})
