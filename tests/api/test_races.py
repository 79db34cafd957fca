"""Concurrent requests against the real server: the database, not luck, keeps bookings apart.

Each test starts ``chatcal serve`` on a clean SQLite or PostgreSQL database (``live_server``), seeds a
host who is free around the clock, and fires many requests at once, each on its own connection. The
server uses the real clock, so slots are picked a few days ahead of now on the event's grid.
"""

import asyncio
import itertools
import ssl
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlmodel import func, select

from booking import catalog, hosts
from booking.db import Database
from booking.models import Booking
from booking.schemas import ScheduleIn
from tests.api.live_server import (
    LiveServer,
    live_server_fixture,  # noqa: F401  (the live_server fixture)
)
from tests.booking.factory import add_event_type

HOST = "ana"
ROUNDS = 3
TLS = ssl.create_default_context()  # unused on http://, but building one per client costs ~40 ms
Reply = tuple[int, dict[str, Any]]


def seed(db: Database, *event_types: dict[str, Any]) -> str:
    """Host ``ana`` (UTC), free 00:00–24:00 every day, with these event types; returns an API key."""
    weekly = [{"weekday": day, "start": "00:00", "end": "23:59"} for day in range(1, 8)]
    schedule = ScheduleIn.model_validate({"name": "Always", "time_zone": "UTC", "weekly": weekly})
    with db.transaction(write=True) as session:
        host = hosts.create_host(session, hosts.HostIn(slug=HOST, name="Ana", time_zone="UTC"))
        catalog.save_schedule(session, host, schedule)
        for fields in event_types:
            add_event_type(session, host, min_notice=0, **fields)
        return hosts.create_api_key(session, host, "races")


def slot(round_number: int, hours_apart: int = 3) -> datetime:
    """A start on every grid (a whole hour) three days ahead, far from the other rounds' starts."""
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=3)
    return day + timedelta(hours=1 + round_number * hours_apart)


def booking_body(start: datetime, name: str = "Bo") -> dict[str, Any]:
    return {"start": start.isoformat(), "attendee": {"name": name, "email": "bo@example.com"}}


async def _send(server: LiveServer, method: str, path: str, **kwargs: Any) -> Reply:
    async with httpx.AsyncClient(base_url=server.base_url, verify=TLS, timeout=60) as client:
        response = await client.request(method, path, **kwargs)
    body = response.json() if response.content else {}
    return response.status_code, body


def at_once(server: LiveServer, requests: list[tuple[str, str, dict[str, Any]]]) -> list[Reply]:
    """Send every (method, path, httpx kwargs) concurrently, each with a client of its own."""

    async def run() -> list[Reply]:
        return await asyncio.gather(*(_send(server, method, path, **kw) for method, path, kw in requests))

    return asyncio.run(run())


def statuses(replies: list[Reply]) -> Counter[int]:
    return Counter(status for status, _ in replies)


def no_server_errors(server: LiveServer, replies: list[Reply]) -> None:
    errors = [(status, body) for status, body in replies if status >= 500]
    assert not errors, f"{errors}\n--- server log ---\n{server.log()}"


def test_many_clients_one_slot_one_booking(live_server: LiveServer, db: Database) -> None:
    seed(db, {"slug": "intro", "duration": 30})
    path = f"/v1/public/{HOST}/intro/bookings"
    for round_number in range(ROUNDS):
        start = slot(round_number)
        replies = at_once(
            live_server, [("POST", path, {"json": booking_body(start, f"Bo {i}")}) for i in range(50)]
        )
        no_server_errors(live_server, replies)
        assert statuses(replies) == {201: 1, 409: 49}, statuses(replies)
        (winner,) = [body for status, body in replies if status == 201]
        assert datetime.fromisoformat(winner["booking"]["start"]) == start
    with db.transaction() as session:
        assert session.exec(select(func.count()).select_from(Booking)).one() == ROUNDS


def blocked(booking: dict[str, Any], buffers: dict[str, tuple[int, int]]) -> tuple[datetime, datetime]:
    """The time a booking keeps to itself: its own span widened by its type's buffers."""
    before, after = buffers[booking["event_type"]]
    start, end = datetime.fromisoformat(booking["start"]), datetime.fromisoformat(booking["end"])
    return start - timedelta(minutes=before), end + timedelta(minutes=after)


def test_overlapping_lengths_and_buffers_never_double_book(live_server: LiveServer, db: Database) -> None:
    types = {
        "short": {"duration": 30, "interval": 15, "buffer_before": 5, "buffer_after": 10},
        "long": {"duration": 60, "interval": 15, "buffer_before": 15, "buffer_after": 5},
    }
    seed(db, *({"slug": slug, **fields} for slug, fields in types.items()))
    buffers = {slug: (fields["buffer_before"], fields["buffer_after"]) for slug, fields in types.items()}
    accepted: list[dict[str, Any]] = []
    for round_number in range(ROUNDS):
        base = slot(round_number)
        requests = [
            (
                "POST",
                f"/v1/public/{HOST}/{slug}/bookings",
                {"json": booking_body(base + timedelta(minutes=m))},
            )
            for slug in types
            for m in range(-30, 75, 15)
            for _ in range(2)
        ]
        replies = at_once(live_server, requests)
        no_server_errors(live_server, replies)
        counts = statuses(replies)
        assert set(counts) <= {201, 409}, replies
        assert counts[201] >= 1, counts
        accepted += [body["booking"] for status, body in replies if status == 201]
    spans = sorted(blocked(booking, buffers) for booking in accepted)
    for (_, first_end), (second_start, _) in itertools.pairwise(spans):
        assert first_end <= second_start, f"overlap once buffers apply: {spans}"
    with db.transaction() as session:
        assert session.exec(select(func.count()).select_from(Booking)).one() == len(accepted)


def test_a_daily_limit_holds_when_its_slots_are_booked_at_once(live_server: LiveServer, db: Database) -> None:
    """Different slots never meet at the overlap guard; the limit's tally must still be taken in turn."""
    seed(db, {"slug": "limited", "duration": 30, "limits": [{"unit": "day", "maximum": 2}]})
    path = f"/v1/public/{HOST}/limited/bookings"
    for round_number in range(ROUNDS):
        day = slot(0) + timedelta(days=round_number)
        starts = [day + timedelta(hours=hour) for hour in range(12)]
        replies = at_once(live_server, [("POST", path, {"json": booking_body(start)}) for start in starts])
        no_server_errors(live_server, replies)
        assert statuses(replies) == {201: 2, 409: 10}, statuses(replies)


def test_concurrent_confirms_of_overlapping_requests_accept_one(
    live_server: LiveServer, db: Database
) -> None:
    key = seed(
        db,
        {
            "slug": "ask",
            "duration": 30,
            "interval": 15,
            "requires_confirmation": True,
            "pending_blocks": False,
        },
    )
    auth = {"Authorization": f"Bearer {key}"}
    path = f"/v1/public/{HOST}/ask/bookings"
    for round_number in range(ROUNDS):
        start = slot(round_number)
        other = start + timedelta(minutes=15 * (round_number % 2))  # the same start, or overlapping it
        pending = at_once(
            live_server,
            [
                ("POST", path, {"json": booking_body(start, "Bo")}),
                ("POST", path, {"json": booking_body(other)}),
            ],
        )
        assert [status for status, _ in pending] == [201, 201], pending
        assert {body["booking"]["status"] for _, body in pending} == {"pending"}
        uids = [body["booking"]["uid"] for _, body in pending]
        replies = at_once(
            live_server, [("POST", f"/v1/bookings/{uid}/confirm", {"headers": auth}) for uid in uids]
        )
        no_server_errors(live_server, replies)
        assert statuses(replies) == {200: 1, 409: 1}, replies
        winner = next(uid for uid, (status, _) in zip(uids, replies, strict=True) if status == 200)
        listed = at_once(live_server, [("GET", f"/v1/bookings/{uid}", {"headers": auth}) for uid in uids])
        assert {uid: body["status"] for uid, (_, body) in zip(uids, listed, strict=True)} == {
            uid: "accepted" if uid == winner else "pending" for uid in uids
        }


def test_concurrent_retries_with_one_idempotency_key_book_once(live_server: LiveServer, db: Database) -> None:
    seed(db, {"slug": "intro", "duration": 30})
    path = f"/v1/public/{HOST}/intro/bookings"
    body = booking_body(slot(0))
    headers = {"Idempotency-Key": "retry-storm-1"}
    replies = at_once(live_server, [("POST", path, {"json": body, "headers": headers}) for _ in range(20)])
    no_server_errors(live_server, replies)
    assert statuses(replies) == {201: 20}, replies
    assert len({reply["booking"]["uid"] for _, reply in replies}) == 1
    with db.transaction() as session:
        assert session.exec(select(func.count()).select_from(Booking)).one() == 1

    (other,) = at_once(live_server, [("POST", path, {"json": booking_body(slot(1)), "headers": headers})])
    assert other[0] == 422, other
    assert "Idempotency-Key" in other[1]["detail"]
