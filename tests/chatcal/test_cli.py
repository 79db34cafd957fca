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

LISTENING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


def test_help_lists_serve() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "serve" in result.output


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, list[str]]]:
    """``python -m chatcal serve`` on a free port; yields the port and the lines printed so far."""
    env = {**os.environ, "CHATCAL_DATA_DIR": str(tmp_path / "data"), "CHATCAL_PORT": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "chatcal", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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


def test_serve_starts_on_the_embedded_default(server: tuple[int, list[str]]) -> None:
    port, lines = server
    response = httpx.get(f"http://127.0.0.1:{port}/healthz")
    assert response.status_code == 200
    printed = "".join(lines)
    assert "SQLite" in printed
    assert "set CHATCAL_REDIS_URL" in printed
