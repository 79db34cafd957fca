"""Several workers: connections spread over them, and the parent keeps them running and stops them."""

import asyncio
import os
import re
import signal
import socket
from collections import Counter
from contextlib import AsyncExitStack
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import pytest

from chatcal import workers
from tests import databases
from tests.api.live_server import LiveServer, serving
from tests.chatcal.test_cli import start

pytestmark = pytest.mark.skipif(not workers.BALANCED, reason="SO_REUSEPORT balances on Linux only")
STARTED = "Started server process"
READY = "Application startup complete."
CLIENTS = 32
WAIT_S = 60.0


@pytest.fixture
def database_url(sqlite_template_path: Path, tmp_path: Path) -> str:
    """SQLite alone: how workers share connections doesn't depend on the database."""
    return databases.sqlite_copy(sqlite_template_path, tmp_path)


def worker_pids(server: LiveServer) -> list[int]:
    return [int(pid) for pid in re.findall(rf"{STARTED} \[(\d+)\]", server.log())]


async def open_together(base_url: str) -> None:
    """Open ``CLIENTS`` keep-alive connections at once, as a proxy's upstream pool or a load test does."""
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=base_url)) for _ in range(CLIENTS)
        ]
        answers = await asyncio.gather(*(client.get("/healthz") for client in clients))
        assert [answer.status_code for answer in answers] == [200] * CLIENTS
        await asyncio.to_thread(check_spread, base_url)


def check_spread(base_url: str) -> None:
    """Each worker holds a fair part of the open connections (a shared socket gave one 31 of 32)."""
    port = urlsplit(base_url).port
    held = Counter[int]()
    for process in psutil.Process().children(recursive=True):
        for connection in process.net_connections(kind="tcp"):
            if connection.laddr.port == port and connection.status == psutil.CONN_ESTABLISHED:
                held[process.pid] += 1
    assert sum(held.values()) == CLIENTS, held
    assert len(held) == 2, held
    assert min(held.values()) >= CLIENTS // 5, held  # hashed: fewer happens under once in 10,000 runs


def test_connections_opened_together_spread_over_the_workers(database_url: str, tmp_path: Path) -> None:
    with serving(database_url, tmp_path / "server", CHATCAL_WORKERS="2") as server:
        asyncio.run(open_together(server.base_url))


def test_a_worker_that_dies_is_replaced(database_url: str, tmp_path: Path) -> None:
    with serving(database_url, tmp_path / "server", CHATCAL_WORKERS="2") as server:
        first, _ = worker_pids(server)
        os.kill(first, signal.SIGKILL)
        assert server.wait_for(READY, 3), server.log()
        assert len(set(worker_pids(server))) == 3
        assert all(httpx.get(f"{server.base_url}/healthz").status_code == 200 for _ in range(4))


def test_stopping_the_server_stops_every_worker(database_url: str, tmp_path: Path) -> None:
    with serving(database_url, tmp_path / "server", CHATCAL_WORKERS="2") as server:
        children = [psutil.Process(pid) for pid in worker_pids(server)]
    _, alive = psutil.wait_procs(children, timeout=WAIT_S)
    assert alive == [], server.log()
    assert "Finished server process" in server.log()  # each finished its requests, not killed


def test_workers_stop_when_the_parent_is_killed(database_url: str, tmp_path: Path) -> None:
    """A parent killed outright can't stop its workers, so each notices and shuts itself down."""
    with serving(database_url, tmp_path / "server", CHATCAL_WORKERS="2") as server:
        children = [psutil.Process(pid) for pid in worker_pids(server)]
        os.kill(server.pid, signal.SIGKILL)
        _, alive = psutil.wait_procs(children, timeout=WAIT_S)
        assert alive == [], server.log()


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        process = start(tmp_path, CHATCAL_WORKERS="2", CHATCAL_PORT=port)
        output, _ = process.communicate(timeout=WAIT_S)
    assert process.returncode == 1
    assert f"can't listen on 127.0.0.1:{port} (Address already in use)" in output
