"""Retries done once: ``Idempotency-Key`` requests and redelivered inbound webhooks.

A request retried with its ``Idempotency-Key`` gets the first answer, never a second booking. The key
row is inserted first in the same write transaction as the work. A concurrent request with
the same key blocks on that row (PostgreSQL) or on the write lock (SQLite) and then finds the stored
answer; a request that failed rolled its key back, so its retry is evaluated afresh.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from booking.db import Database
from booking.errors import Conflict, InvalidRequest
from booking.models import IdempotencyKey, ProcessedWebhook

Answer = tuple[int, dict[str, Any]]


def request_hash(scope: str, body: Any) -> str:
    """A fingerprint of what was asked (scope = which endpoint and resource)."""
    canonical = json.dumps({"scope": scope, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(row: IdempotencyKey, fingerprint: str) -> Answer:
    if row.request_hash != fingerprint:
        raise InvalidRequest("This Idempotency-Key was already used with a different request.")
    if row.status_code is None or row.response is None:
        raise Conflict("A request with this Idempotency-Key is still being processed; retry shortly.")
    return row.status_code, row.response


def run_once(db: Database, key: str, fingerprint: str, work: Callable[[Session], Answer]) -> Answer:
    """Run ``work`` once per key in a write transaction and store its answer with the key."""
    with db.transaction() as session:
        stored = session.get(IdempotencyKey, key)
        if stored is not None:
            return _replay(stored, fingerprint)
    try:
        with db.transaction(write=True) as session:
            row = IdempotencyKey(key=key, request_hash=fingerprint)
            session.add(row)
            session.flush()
            row.status_code, row.response = work(session)
            session.add(row)
            return row.status_code, row.response
    except IntegrityError:
        with db.transaction() as session:
            stored = session.get(IdempotencyKey, key)
            if stored is None:
                raise
            return _replay(stored, fingerprint)


def record_delivery(session: Session, provider: str, event_id: str) -> bool:
    """Record a webhook delivery in ``session``'s transaction; False if it was recorded before.

    Recorded with the work it causes, a delivery that fails midway is rolled back with its record,
    so the provider's retry does the work instead of being skipped.
    """
    try:
        with session.begin_nested():
            session.add(ProcessedWebhook(provider=provider, event_id=event_id))
    except IntegrityError:
        return False
    return True


def first_delivery(db: Database, provider: str, event_id: str) -> bool:
    """Record a webhook delivery by its provider's event id on its own; False if it was recorded before.

    Providers redeliver when an answer was slow or lost (Slack after 3 s, Telegram until a 200);
    the unique row, not process memory, decides, so a restart or a second worker can't redo one.
    """
    with db.transaction(write=True) as session:
        return record_delivery(session, provider, event_id)
