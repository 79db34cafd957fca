"""The ``chatcal`` command as a user runs it: a real process serving real HTTP."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from chatcal.cli import app
from tests.api.live_server import serving

LISTENING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


def test_help_lists_serve() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "serve" in result.output


def start(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """``python -m chatcal serve`` on a free port in an empty directory, output merged."""
    variables = {key: value for key, value in os.environ.items() if key != "CHATCAL_DATABASE_URL"}
    variables.update({"CHATCAL_DATA_DIR": str(tmp_path / "data"), "CHATCAL_PORT": "0", **env})
    return subprocess.Popen(
        [sys.executable, "-m", "chatcal", "serve", *args],
        cwd=tmp_path,
        env=variables,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, list[str]]]:
    """The service as ``make run`` starts it; yields the port and the lines printed so far."""
    process = start(tmp_path, "--demo")
    assert process.stdout is not None
    lines: list[str] = []
    try:
        for line in process.stdout:
            lines.append(line)
            if found := LISTENING.search(line):
                yield int(found.group(1)), lines
                break
        else:
            pytest.fail("chatcal serve exited before listening:\n" + "".join(lines))
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_serve_starts_on_the_embedded_default_with_the_demo(server: tuple[int, list[str]]) -> None:
    port, lines = server
    assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    printed = "".join(lines)
    assert "SQLite" in printed
    assert "set CHATCAL_REDIS_URL" in printed
    assert "/v1/public/demo/intro" in printed
    intro = httpx.get(f"http://127.0.0.1:{port}/v1/public/demo/intro")
    assert intro.json()["title"] == "Free intro call"


def test_serve_fails_fast_when_the_database_cannot_be_migrated(tmp_path: Path) -> None:
    process = start(tmp_path, CHATCAL_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "Traceback" not in output
    last = output.splitlines()[-1]
    assert last.startswith(
        "error: could not migrate the database at postgresql+psycopg://nobody@127.0.0.1:9/none: "
    )
    assert "CHATCAL_DATABASE_URL" in last


def test_serve_runs_several_workers_on_one_port(database_url: str, tmp_path: Path) -> None:
    with serving(database_url, tmp_path / "server", CHATCAL_WORKERS="2") as live:
        answers = [httpx.get(f"{live.base_url}/healthz").status_code for _ in range(4)]
        started = re.findall(r"Started server process \[(\d+)\]", live.log())
    assert answers == [200] * 4
    assert len(set(started)) == 2, live.log()


def test_serve_refuses_several_workers_polling_telegram(tmp_path: Path) -> None:
    process = start(tmp_path, CHATCAL_WORKERS="2", TELEGRAM_BOT_TOKEN="123:abc")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "Telegram polling allows one receiving process" in output
