"""API benchmark: the real server on PostgreSQL, 32 concurrent clients, four kinds of request.

Starts ``chatcal serve`` with ``tests/api/live_server.py`` on a throwaway PostgreSQL database (made by
``tests/databases.py`` with the real migrations, dropped afterwards), seeds one host free around the
clock with a 30-minute event type, and measures requests/s and p50 / p99 latency for

- (a) ``GET /healthz``, a trivial FastAPI endpoint on the same server: the floor of the stack;
- (b) ``GET …/slots`` for a 7-day window (336 free starts, nothing booked yet), the same question
  each time, as many invitees opening one booking page ask it: answered from the slot cache;
- (b2) the same with the window moved by a second each time, so every answer is computed afresh (from
  the event type's kept setup and a fresh read of busy time);
- (c) ``POST …/bookings``, every request on its own free slot (``--spacing`` minutes apart, 8 a day by
  default: how densely the calendar fills changes how much busy time each booking reads), so any
  non-201, a 409 included, is an error.

PostgreSQL plans the booking queries from table statistics that autovacuum refreshes as the tables
grow; on a server with autovacuum off, stale statistics from the empty tables make every booking slower
than the last (nested loops over the whole history). So when autovacuum is off, a thread runs
``ANALYZE`` every few seconds in its place, and the header line says so.

Clients and server share the machine, so absolute figures say more about the machine than about
chatcal; the ratios to (a) are the figures to compare between runs. Each line also gives the CPU time
per request of the server processes, of PostgreSQL (every ``postgres`` process on the machine) and of
the clients (this process): figures that hardly move with what else the machine runs. From their sum
it gives the most requests/s the machine's cores could serve at that cost, and the mean latency that
rate still means for clients that each wait for their answer: the floor under any p99 here.

Run: ``python -m bench.api [--clients N] [--requests N] [--workers N] [--pool-size N]
[--spacing MINUTES]`` (needs PostgreSQL at ``CHATCAL_TEST_POSTGRES``).
"""

import argparse
import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AsyncExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import psutil
import psycopg

from booking import catalog, hosts
from booking.db import Database, make_engine
from booking.schemas import EventTypeIn, ScheduleIn
from chatcal.app import freeze_startup_heap
from tests.api.live_server import LiveServer, serving
from tests.databases import ADMIN_URL, postgres_available, postgres_database

SLOT_MINUTES = 30
ANALYZE_EVERY_S = 3.0
EVENT = "/v1/public/bench/call"
Request = tuple[str, str, dict[str, Any]]
Plan = tuple[str, Callable[[], Iterator[Request]], int]  # name, requests, expected status


class Cpu(NamedTuple):
    """CPU seconds used so far (user + system) by the server's processes, PostgreSQL and the clients."""

    server: float
    postgres: float
    clients: float

    @classmethod
    def now(cls, server_pid: int) -> "Cpu":
        server = psutil.Process(server_pid)
        return cls(
            _used([server, *server.children(recursive=True)]),
            _used(p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"),
            _used([psutil.Process()]),
        )

    def __sub__(self, earlier: "Cpu") -> "Cpu":
        return Cpu(*(now - then for now, then in zip(self, earlier, strict=True)))


def _used(processes: Iterable[psutil.Process]) -> float:
    """CPU seconds of the processes still running (one that ended meanwhile counts for nothing)."""
    total = 0.0
    for process in processes:
        with suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = process.cpu_times()
            total += times.user + times.system
    return total


@dataclass
class Figures:
    """One measurement: throughput, latency percentiles and every status that was not the expected one."""

    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: Counter[int]
    cpu_s: Cpu
    clients: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def ceiling(self) -> tuple[float, float]:
        """The most requests/s this machine's cores could serve at this CPU cost per request, and the
        mean latency that rate would still mean for a closed loop of ``clients`` (Little's law).

        With clients, server and database on the same cores, no scheduling beats these two figures:
        a p99 target below that latency needs cheaper requests or more cores, not a faster queue.
        """
        per_request_s = sum(self.cpu_s) / self.requests
        most = (os.cpu_count() or 1) / per_request_s
        return most, 1000 * self.clients / most

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1]

    def line(self) -> str:
        errors = ", ".join(f"{count}× {status}" for status, count in sorted(self.errors.items())) or "none"
        cpu = ", ".join(
            f"{who} {1000 * used / self.requests:.2f}" for who, used in self.cpu_s._asdict().items()
        )
        most, mean_ms = self.ceiling()
        return (
            f"{self.name:26} {self.per_second:8.1f} req/s  p50 {self.percentile(50):7.2f} ms  "
            f"p99 {self.percentile(99):7.2f} ms  requests {self.requests}  errors {errors}\n"
            f"{'':26} CPU ms per request: {cpu}; on {os.cpu_count()} cores at most {most:.0f} req/s, "
            f"so a mean latency of at least {mean_ms:.1f} ms at {self.clients} clients"
        )


def seed(url: str) -> None:
    """Host ``bench`` (UTC) free 00:00–24:00 every day, with a 30-minute event type and no notice."""
    weekly = [{"weekday": day, "start": "00:00", "end": "23:59"} for day in range(1, 8)]
    database = Database(make_engine(url))
    with database.transaction(write=True) as session:
        host = hosts.create_host(session, hosts.HostIn(slug="bench", name="Bench", time_zone="UTC"))
        catalog.save_schedule(
            session, host, ScheduleIn.model_validate({"name": "Always", "time_zone": "UTC", "weekly": weekly})
        )
        spec = {"slug": "call", "title": "Call", "duration": SLOT_MINUTES, "min_notice": 0}
        catalog.save_event_type(session, host, EventTypeIn.model_validate(spec))
    database.engine.dispose()


@contextmanager
def statistics_kept_fresh(url: str) -> Iterator[str]:
    """Stand in for autovacuum's ANALYZE while the block runs, if the server has autovacuum off."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        row = conn.execute("SHOW autovacuum").fetchone()
        if row is not None and row[0] == "on":
            yield "autovacuum on"
            return
        stop = threading.Event()

        def analyze() -> None:
            while not stop.wait(ANALYZE_EVERY_S):
                conn.execute("ANALYZE")

        worker = threading.Thread(target=analyze, name="analyze", daemon=True)
        worker.start()
        try:
            yield f"autovacuum off: ANALYZE every {ANALYZE_EVERY_S:g} s instead"
        finally:
            stop.set()
            worker.join()


async def run(
    clients: list[httpx.AsyncClient],
    server_pid: int,
    plan: tuple[str, Iterator[Request], int, int],
) -> Figures:
    """Send ``count`` requests, each client waiting for its answer before sending the next."""
    name, requests, count, expected = plan
    latencies: list[float] = []
    errors: Counter[int] = Counter()
    budget = iter(range(count))

    async def client(http: httpx.AsyncClient) -> None:
        for _ in budget:
            method, path, kwargs = next(requests)
            began = time.perf_counter()
            response = await http.request(method, path, **kwargs)
            latencies.append((time.perf_counter() - began) * 1000)
            if response.status_code != expected:
                errors[response.status_code] += 1

    began, cpu = time.perf_counter(), Cpu.now(server_pid)
    await asyncio.gather(*(client(http) for http in clients))
    seconds = time.perf_counter() - began
    return Figures(name, count, seconds, latencies, errors, Cpu.now(server_pid) - cpu, len(clients))


async def measure_all(server: LiveServer, plans: list[Plan], count: int, clients: int) -> list[Figures]:
    """Open every client's connection once, then warm up and time each plan on those connections.

    The clients are built before any clock starts: building one (httpx loads its TLS context even for
    plain HTTP) blocks the event loop for milliseconds, which would show up as slow answers to the
    requests other clients have in flight, and new connections would time the handshake too.
    """
    async with AsyncExitStack() as stack:
        pool = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=server.base_url, timeout=60))
            for _ in range(clients)
        ]
        figures = []
        for name, requests, expected in plans:
            await run(pool, server.pid, (name, requests(), clients, expected))
            figures.append(await run(pool, server.pid, (name, requests(), count, expected)))
        return figures


def main() -> None:
    """Start the server, run the three measurements and print their figures and ratios."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per measurement")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: one per core)"
    )
    parser.add_argument(
        "--pool-size", type=int, default=None, help="CHATCAL_DB_POOL_SIZE (default: the server's own)"
    )
    parser.add_argument(
        "--spacing", type=int, default=180, help="minutes between booked starts (default 180: 8 a day)"
    )
    args = parser.parse_args()
    spacing = max(SLOT_MINUTES, args.spacing // SLOT_MINUTES * SLOT_MINUTES)
    if not postgres_available():
        sys.exit(f"PostgreSQL is not reachable at {ADMIN_URL} (set CHATCAL_TEST_POSTGRES)")
    first = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    window = {"start": first.isoformat(), "end": (first + timedelta(days=7)).isoformat(), "time_zone": "UTC"}
    starts = (first + timedelta(minutes=spacing * i) for i in itertools.count())

    def healthz() -> Iterator[Request]:
        return itertools.repeat(("GET", "/healthz", {}))

    def slots() -> Iterator[Request]:
        return itertools.repeat(("GET", f"{EVENT}/slots", {"params": window}))

    def fresh_slots() -> Iterator[Request]:
        """A window one second later each time: a new question, so the slot cache never answers."""
        for second in itertools.count(1):
            moved = {**window, "start": (first + timedelta(seconds=second)).isoformat()}
            yield ("GET", f"{EVENT}/slots", {"params": moved})

    def bookings() -> Iterator[Request]:
        attendee = {"name": "Bench", "email": "bench@example.com"}
        return (
            ("POST", f"{EVENT}/bookings", {"json": {"start": s.isoformat(), "attendee": attendee}})
            for s in starts
        )

    pool = {} if args.pool_size is None else {"CHATCAL_DB_POOL_SIZE": str(args.pool_size)}
    with postgres_database("bench") as url, tempfile.TemporaryDirectory() as data:
        seed(url)
        with (
            serving(url, Path(data), CHATCAL_WORKERS=str(args.workers), **pool) as server,
            statistics_kept_fresh(url) as upkeep,
        ):
            offered = httpx.get(f"{server.base_url}{EVENT}/slots", params=window).json()["slots"]
            print(
                f"server {server.base_url}, {args.workers} worker(s), on PostgreSQL ({upkeep}); "
                f"{args.clients} clients; "
                f"7-day window: {len(offered)} slots; bookings {spacing} minutes apart"
            )
            freeze_startup_heap()  # the clients' own full collections would show up as slow answers
            plans: list[Plan] = [
                ("(a) GET /healthz", healthz, 200),
                ("(b) GET slots, 7 days", slots, 200),
                ("(b2) same, never cached", fresh_slots, 200),
                ("(c) POST bookings", bookings, 201),
            ]
            figures = asyncio.run(measure_all(server, plans, args.requests, args.clients))
    for figure in figures:
        print(figure.line())
    trivial, *others = figures
    for figure in others:
        print(
            f"{figure.name} / trivial: throughput {figure.per_second / trivial.per_second:.3f}x, "
            f"p50 latency {figure.percentile(50) / trivial.percentile(50):.1f}x, "
            f"p99 latency {figure.percentile(99) / trivial.percentile(99):.1f}x"
        )


if __name__ == "__main__":
    main()
