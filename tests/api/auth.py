"""Helpers for host API tests."""

from booking import hosts
from booking.db import Database


def api_key(db: Database, slug: str) -> dict[str, str]:
    """An ``Authorization`` header for host ``slug``."""
    with db.transaction(write=True) as session:
        key = hosts.create_api_key(session, hosts.host_by_slug(session, slug))
    return {"Authorization": f"Bearer {key}"}
