"""Schemathesis against the running server's own OpenAPI schema: no input may cause a server error.

The contract is ``/openapi.json``: for every operation in it, Schemathesis generates valid and invalid
requests and sends them to a real ``chatcal serve`` on PostgreSQL, seeded with a host, a schedule, an
event type, a busy block and a booking, with the host's API key on every request. Each operation runs
twice: with generated path parameters (mostly unknown ids, tokens and slugs) and with the seeded ones,
so the handlers behind the 404s are fuzzed too. The run is bounded (few examples, no shrinking).

One test drives the operations itself (``operation.as_strategy`` under ``@given``) rather than through
``@schema.parametrize()``: the schema only exists once the server runs, and the lazy loader for that,
``schemathesis.pytest.from_fixture``, fails on pytest 9.2 (Schemathesis 4.32 sets ``Node._nodeid``,
which pytest no longer has). A failure lists every operation that answered 5xx, each with a curl
command that reproduces it, instead of stopping at the first.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from booking import catalog, hosts
from booking.db import Database, make_engine
from booking.schemas import BusyBlockIn
from tests.api.live_server import serving
from tests.booking.factory import add_event_type
from tests.databases import empty_postgres

MAX_EXAMPLES = 20
PATH_PARAMETER = re.compile(r"{(\w+)}")
CONFIG = {
    "generation": {"no-shrink": True, "database": "none", "with-security-parameters": False},
    "phases": {"coverage": {"enabled": False}},
}


@dataclass
class Target:
    """The live server, the host's credentials and the ids of what was seeded."""

    base_url: str
    headers: dict[str, str]
    known: dict[str, str]


def seed(database: Database) -> tuple[str, dict[str, str]]:
    """Host ``ana`` (Berlin, working hours) with an event type and a busy block; (API key, ids)."""
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    with database.transaction(write=True) as session:
        host = hosts.create_host(session, hosts.HostIn(slug="ana", name="Ana", time_zone="Europe/Berlin"))
        schedule = catalog.save_schedule(session, host, catalog.working_hours("Europe/Berlin"))
        event_type = add_event_type(session, host, questions=[{"key": "topic", "label": "Topic"}])
        block = catalog.save_busy_block(
            session, host, BusyBlockIn(start=soon, end=soon + timedelta(hours=1), title="dentist")
        )
        key = hosts.create_api_key(session, host, "fuzz")
        ids = {"schedule_id": schedule.id, "event_type_id": event_type.id, "block_id": block.id}
        return key, {"owner": "ana", "slug": "intro"} | {name: str(value) for name, value in ids.items()}


def book_first_slot(base_url: str) -> dict[str, Any]:
    """A real booking through the API, for the manage-link and host booking endpoints."""
    now = datetime.now(UTC)
    with httpx.Client(base_url=f"{base_url}/v1/public/ana/intro") as client:
        window = {"start": now.isoformat(), "end": (now + timedelta(days=14)).isoformat()}
        first = client.get("/slots", params=window).raise_for_status().json()["slots"][0]
        body = {"start": first["start"], "attendee": {"name": "Bo"}, "answers": {"topic": "fuzzing"}}
        created: dict[str, Any] = client.post("/bookings", json=body).raise_for_status().json()
        return created


@pytest.fixture
def target(postgres_url: str, tmp_path: Path) -> Iterator[Target]:
    """A seeded server on this worker's PostgreSQL database, emptied again afterwards."""
    database = Database(make_engine(postgres_url))
    empty_postgres(database)
    try:
        key, known = seed(database)
        with serving(postgres_url, tmp_path / "server") as server:
            created = book_first_slot(server.base_url)
            known |= {"uid": created["booking"]["uid"], "token": created["manage_token"]}
            yield Target(server.base_url, {"Authorization": f"Bearer {key}"}, known)
    finally:
        empty_postgres(database)
        database.engine.dispose()


def server_errors(
    operation: APIOperation[Any, Any, Any, Any], target: Target, path_parameters: dict[str, str]
) -> str | None:
    """Fuzz one operation; the first server error's report (with a curl command), or None."""
    strategy = st.one_of(
        *(operation.as_strategy(mode, path_parameters=path_parameters) for mode in GenerationMode)
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Case[Any]) -> None:
        case.call_and_validate(headers=target.headers, checks=[not_a_server_error])

    try:
        check()
    except (Exception, BaseExceptionGroup) as failure:  # Schemathesis reports a BaseExceptionGroup
        return f"{operation.label} (path parameters {path_parameters or 'generated'}):\n{failure}"
    return None


def test_no_request_causes_a_server_error(target: Target) -> None:
    config = schemathesis.Config.from_dict(CONFIG)
    schema = schemathesis.openapi.from_url(f"{target.base_url}/openapi.json", config=config)
    reports: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            reports.append(f"an operation Schemathesis cannot read: {result.err()}")
            continue
        operation = result.ok()
        operations += 1
        names = PATH_PARAMETER.findall(operation.path)
        variants = [{}, {name: target.known[name] for name in names}] if names else [{}]
        for path_parameters in variants:
            report = server_errors(operation, target, path_parameters)
            if report is not None:
                reports.append(report)
    assert operations >= 25, f"the schema lost operations: only {operations}"
    assert not reports, "\n\n".join(reports)
