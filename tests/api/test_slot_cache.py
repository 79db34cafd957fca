"""Slot answers are served again only while nothing that decides them has changed."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from api.slot_cache import SlotCache
from booking import catalog
from booking.db import Database
from booking.models import Host
from booking.schemas import BusyBlockIn
from tests.booking.factory import NOW, setup

BASE = "/v1/public/ana/intro"
WINDOW = {"start": "2030-01-07T09:00:00Z", "end": "2030-01-07T12:00:00Z", "time_zone": "UTC"}


class Watch:
    """A generation the test moves by hand (``None``: can't tell)."""

    def __init__(self) -> None:
        self.value: tuple[int, int] | None = (0, 0)

    def generation(self) -> tuple[int, int] | None:
        return self.value

    def close(self) -> None:
        return None


class Computing:
    def __init__(self, watch: Watch | None = None) -> None:
        self.calls = 0
        self.watch = watch

    def __call__(self) -> bytes:
        self.calls += 1
        if self.watch is not None and self.watch.value is not None:
            self.watch.value = (self.watch.value[0] + 1, 0)  # a commit lands while computing
        return f"answer {self.calls}".encode()


def test_kept_until_the_generation_moves_or_the_ttl_passes() -> None:
    watch, compute = Watch(), Computing()
    cache = SlotCache(watch, timedelta(seconds=10))
    assert cache.answer("q", NOW, compute) == b"answer 1"
    assert cache.answer("q", NOW + timedelta(seconds=9), compute) == b"answer 1"
    assert cache.answer("other", NOW, compute) == b"answer 2"
    watch.value = (1, 0)
    assert cache.answer("q", NOW, compute) == b"answer 3"
    assert cache.answer("q", NOW + timedelta(seconds=10), compute) == b"answer 4"


def test_nothing_is_kept_while_changes_cannot_be_seen() -> None:
    watch, compute = Watch(), Computing()
    watch.value = None
    cache = SlotCache(watch, timedelta(seconds=10))
    assert [cache.answer("q", NOW, compute) for _ in range(3)] == [b"answer 1", b"answer 2", b"answer 3"]


def test_a_change_committed_while_computing_makes_that_answer_stale() -> None:
    watch = Watch()
    compute = Computing(watch)
    cache = SlotCache(watch, timedelta(seconds=10))
    cache.answer("q", NOW, compute)
    cache.answer("q", NOW, compute)
    assert compute.calls == 2


def test_the_least_recently_used_answers_leave_past_the_byte_budget() -> None:
    compute = Computing()
    cache = SlotCache(Watch(), timedelta(seconds=10), max_bytes=2 * len(b"answer 1"))
    cache.answer("a", NOW, compute)
    cache.answer("b", NOW, compute)
    cache.answer("a", NOW, compute)  # a is now the most recently used
    cache.answer("c", NOW, compute)  # over budget: b goes
    assert compute.calls == 3
    cache.answer("a", NOW, compute)
    assert compute.calls == 3
    cache.answer("b", NOW, compute)
    assert compute.calls == 4


def starts(client: TestClient) -> list[str]:
    answer: dict[str, Any] = client.get(f"{BASE}/slots", params=WINDOW).json()
    return [slot["start"] for slot in answer["slots"]]


def test_the_api_never_offers_what_was_just_booked_or_blocked(client: TestClient, db: Database) -> None:
    host_id, _ = setup(db)
    first = starts(client)
    assert first[:2] == ["2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"]
    assert starts(client) == first
    booked = client.post(
        f"{BASE}/bookings", json={"start": first[0], "attendee": {"name": "Bo", "email": "bo@example.com"}}
    )
    assert booked.status_code == 201, booked.text
    assert starts(client) == first[1:]
    with db.transaction(write=True) as session:  # as a host's calendar sync would
        block = BusyBlockIn.model_validate({"start": first[1], "end": first[2], "title": "Dentist"})
        catalog.save_busy_block(session, session.get_one(Host, host_id), block)
    assert starts(client) == first[2:]
