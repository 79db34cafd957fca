"""Admin commands against a real SQLite database in a temporary data directory."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chatcal.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CHATCAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("CHATCAL_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_host_event_type_key_and_team(tmp_path: Path) -> None:
    assert "API key (shown once): cc_" in run(
        "host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "Europe/Berlin"
    )
    run(
        "host",
        "create",
        "--slug",
        "ben",
        "--name",
        "Ben",
        "--time-zone",
        "Asia/Kolkata",
        "--slack-user-id",
        "U0BEN",
    )
    assert run("api-key", "create", "--host", "ana").startswith("cc_")
    assert "ana/intro" in run("event-type", "create", "--host", "ana", "--slug", "intro", "--title", "Intro")
    spec = tmp_path / "paid.json"
    spec.write_text(json.dumps({"slug": "deep", "title": "Deep dive", "duration": 90, "interval": 30}))
    assert "ana/deep" in run("event-type", "create", "--host", "ana", "--spec", str(spec))
    assert "created team sales" in run(
        "team", "create", "--owner", "ana", "--slug", "sales", "--name", "Sales"
    )
    assert "(group rr)" in run("team", "add-member", "--team", "sales", "--host", "ben", "--group", "rr")


def test_bad_input_is_a_clear_error_not_a_traceback() -> None:
    cases = [
        ["host", "create", "--slug", "Bad Slug", "--name", "X", "--time-zone", "UTC"],
        ["host", "create", "--slug", "ok", "--name", "X", "--time-zone", "Mars/Base"],
        ["api-key", "create", "--host", "nobody"],
        ["event-type", "create", "--host", "nobody", "--slug", "x", "--title", "X"],
    ]
    for args in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "error:" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    run("host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC")
    duplicate = runner.invoke(app, ["host", "create", "--slug", "ana", "--name", "A", "--time-zone", "UTC"])
    assert "is taken" in duplicate.output


def test_demo_seed_only_fills_an_empty_database() -> None:
    output = run("demo-seed")
    assert "/v1/public/demo/intro" in output
    assert "/v1/public/demo/session" in output
    again = runner.invoke(app, ["demo-seed"])
    assert again.exit_code == 1
    assert "already has hosts" in again.output


def test_migrate_is_repeatable() -> None:
    assert "up to date" in run("migrate")
    assert "up to date" in run("migrate")
