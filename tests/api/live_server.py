"""The real app in its own server processes, for tests that need real sockets and real concurrency.

``TestClient`` drives the ASGI app in-process, one request at a time; races between bookings only show
when many connections reach uvicorn's thread pool and the database at once. So this starts
``python -m chatcal serve`` exactly as an operator would, on a free port, and waits for the line that
names the port (uvicorn's, or chatcal's with several workers) and each worker's "startup complete"
line (never a sleep) before handing out its URL.

Test modules use the ``live_server`` fixture by importing ``live_server_fixture`` (pytest registers it
under its ``name``); anything else that needs a server (the schema fuzzer, ``bench/api.py``) uses
``serving`` directly.
"""

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

READY = re.compile(r"(?:Uvicorn running|serving) on (http://127\.0\.0\.1:\d+)")
STARTED = "Application startup complete."  # once per worker; with several, "running" comes first
STARTUP_TIMEOUT_S = 60.0
SHUTDOWN_TIMEOUT_S = 15.0
REPO = Path(__file__).resolve().parents[2]
VENDOR_PREFIXES = ("CHATCAL_", "TELEGRAM_", "SLACK_", "GEMINI_", "NOTION_", "STRIPE_", "RAZORPAY_")


@dataclass
class LiveServer:
    """A running server: where to reach it, its process id and everything it has printed so far."""

    base_url: str
    pid: int = 0
    output: list[str] = field(default_factory=list)
    printed: threading.Condition = field(default_factory=threading.Condition)

    def log(self) -> str:
        """The server's output, for assertion messages."""
        return "".join(self.output)

    def add(self, line: str) -> None:
        with self.printed:
            self.output.append(line)
            self.printed.notify_all()

    def wait_for(self, text: str, count: int, timeout_s: float = STARTUP_TIMEOUT_S) -> bool:
        """Block until ``text`` has appeared in ``count`` lines of output; False on timeout."""
        with self.printed:
            return self.printed.wait_for(
                lambda: sum(text in line for line in self.output) >= count, timeout_s
            )


def server_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without any chatcal or vendor settings of the developer's, plus ours."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(VENDOR_PREFIXES)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(
        CHATCAL_DATABASE_URL=database_url,
        CHATCAL_DATA_DIR=str(data_dir),
        CHATCAL_HOST="127.0.0.1",
        CHATCAL_PORT="0",
        CHATCAL_RATE_LIMIT_PER_MINUTE="1000000",
        CHATCAL_SECRET_KEY="live-server-test-secret",
        **extra,
    )
    return env


@contextmanager
def serving(database_url: str, data_dir: Path, **extra_env: str) -> Iterator[LiveServer]:
    """Run ``chatcal serve`` on ``database_url`` until the block ends; fail with its log if it won't start.

    A reader thread drains the server's output for its whole life: it spots the ready line, and keeps
    the pipe from filling up with access-log lines, which would stall the server mid-test.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "chatcal", "serve"],
        env=server_env(database_url, data_dir, **extra_env),
        cwd=data_dir,  # away from any developer's .env
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    server = LiveServer(base_url="", pid=process.pid)
    ready = threading.Event()
    waiting_for = int(extra_env.get("CHATCAL_WORKERS", "1"))  # workers still starting

    def read() -> None:
        nonlocal waiting_for
        assert process.stdout is not None
        for line in process.stdout:
            server.add(line)
            found = READY.search(line)
            if found:
                server.base_url = found.group(1)
            waiting_for -= STARTED in line
            if server.base_url and waiting_for <= 0:
                ready.set()
        ready.set()  # the process ended: stop waiting

    reader = threading.Thread(target=read, name="live-server-output", daemon=True)
    reader.start()
    try:
        ready.wait(STARTUP_TIMEOUT_S)
        if not server.base_url:
            raise RuntimeError(f"chatcal serve did not start (exit code {process.poll()}):\n{server.log()}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(SHUTDOWN_TIMEOUT_S)
        assert process.stdout is not None
        process.stdout.close()


@pytest.fixture(name="live_server")
def live_server_fixture(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The real app on this test's clean database (SQLite or PostgreSQL, like ``database_url``).

    Seed through the ``db`` fixture before or while it runs: the server reads the database per request.
    It stops before ``database_url`` empties the PostgreSQL database, so no connection outlives the test.
    """
    with serving(database_url, tmp_path / "server") as server:
        yield server
