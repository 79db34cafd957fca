"""Slot answers and setups are served again only while nothing that decides them has changed."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.kept import Kept
from booking import catalog
from booking.db import Database
from booking.models import EventType, Host
from booking.schemas import BusyBlockIn, EventTypeIn
from tests.booking.factory import NOW, setup
from tests.settings import app_client, app_settings

BASE = "/v1/public/ana/intro"
WINDOW = {"start": "2030-01-07T09:00:00Z", "end": "2030-01-07T12:00:00Z", "time_zone": "UTC"}


class Watch:
    """A generation the test moves by hand (``None``: can't tell)."""

    def __init__(self) -> None:
        self.value: tuple[int, int] | None = (0, 0)

    def generation(self) -> tuple[int, int] | None:
        return self.value

    def setup_generation(self) -> tuple[int, int] | None:
        return None

    def close(self) -> None:
        return None


def answers(watch: Watch, budget: int = 1024) -> Kept[bytes]:
    return Kept[bytes](watch.generation, budget, len, timedelta(seconds=10))


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
    cache = answers(watch)
    assert cache.get("q", NOW, compute) == b"answer 1"
    assert cache.get("q", NOW + timedelta(seconds=9), compute) == b"answer 1"
    assert cache.get("other", NOW, compute) == b"answer 2"
    watch.value = (1, 0)
    assert cache.get("q", NOW, compute) == b"answer 3"
    assert cache.get("q", NOW + timedelta(seconds=10), compute) == b"answer 4"


def test_nothing_is_kept_while_changes_cannot_be_seen() -> None:
    watch, compute = Watch(), Computing()
    watch.value = None
    cache = answers(watch)
    assert [cache.get("q", NOW, compute) for _ in range(3)] == [b"answer 1", b"answer 2", b"answer 3"]


def test_a_change_committed_while_computing_makes_that_answer_stale() -> None:
    watch = Watch()
    compute = Computing(watch)
    cache = answers(watch)
    cache.get("q", NOW, compute)
    cache.get("q", NOW, compute)
    assert compute.calls == 2


def test_the_least_recently_used_answers_leave_past_the_byte_budget() -> None:
    compute = Computing()
    cache = answers(Watch(), budget=2 * len(b"answer 1"))
    cache.get("a", NOW, compute)
    cache.get("b", NOW, compute)
    cache.get("a", NOW, compute)  # a is now the most recently used
    cache.get("c", NOW, compute)  # over budget: b goes
    assert compute.calls == 3
    cache.get("a", NOW, compute)
    assert compute.calls == 3
    cache.get("b", NOW, compute)
    assert compute.calls == 4


def starts(client: TestClient, window: dict[str, str] = WINDOW) -> list[str]:
    answer: dict[str, Any] = client.get(f"{BASE}/slots", params=window).json()
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


def test_a_host_s_edit_shows_in_the_next_listing_of_any_window(client: TestClient, db: Database) -> None:
    """The kept setup goes with the edit: a new question must not be answered from the old rules."""
    host_id, event_type_id = setup(db)
    assert starts(client)[:2] == ["2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"]
    with db.transaction(write=True) as session:  # the host makes the call an hour long
        event_type = session.get_one(EventType, event_type_id)
        spec = EventTypeIn.model_validate({"slug": "intro", "title": "Intro", "duration": 60})
        catalog.save_event_type(session, session.get_one(Host, host_id), spec, event_type)
    later = {**WINDOW, "start": "2030-01-07T10:00:00Z"}  # a question not asked before
    assert starts(client, later) == ["2030-01-07T10:00:00Z", "2030-01-07T11:00:00Z"]


def test_with_the_cache_off_edits_show_without_any_watch(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    """Behind a pooler that drops LISTEN, operators set 0: then nothing may be kept, setups included."""
    host_id, event_type_id = setup(db)
    with app_client(app_settings(database_url, tmp_path, slot_cache_seconds=0)) as client:
        assert client.app.state.runtime.listing is None  # type: ignore[attr-defined]
        assert starts(client)[:2] == ["2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"]
        with db.transaction(write=True) as session:
            spec = EventTypeIn.model_validate({"slug": "intro", "title": "Intro", "duration": 60})
            catalog.save_event_type(
                session, session.get_one(Host, host_id), spec, session.get_one(EventType, event_type_id)
            )
        assert starts(client)[:2] == ["2030-01-07T09:00:00Z", "2030-01-07T10:00:00Z"]
