"""Admin commands against a real SQLite database in a temporary data directory."""

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url
from typer.testing import CliRunner

from chatcal.cli import app
from chatcal.settings import Settings
from tests.chatcal.test_startup_errors import head
from tests.settings import app_client, app_settings

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


def error_line(args: list[str]) -> str:
    """Run a command that must fail cleanly: exit 1 with one ``error:`` line on stderr."""
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    return result.stderr.strip()


ADMIN_COMMANDS = [
    ["migrate"],
    ["demo-seed"],
    ["chat", "demo/intro"],
    ["host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC"],
    ["api-key", "create", "--host", "ana"],
    ["event-type", "create", "--host", "ana", "--slug", "intro", "--title", "Intro"],
    ["team", "create", "--owner", "ana", "--slug", "sales", "--name", "Sales"],
    ["team", "add-member", "--team", "sales", "--host", "ana"],
]


@pytest.mark.parametrize("args", ADMIN_COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_a_corrupt_database_is_one_line_naming_it(args: list[str], data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "chatcal.db").write_bytes(b"not an SQLite database " * 50)
    line = error_line(args)
    assert line.startswith(f"error: could not migrate the database at sqlite:///{data_dir / 'chatcal.db'}: ")
    assert "file is not a database" in line


@pytest.mark.parametrize("args", ADMIN_COMMANDS[1:], ids=lambda args: " ".join(args[:2]))
def test_skipped_migrations_on_an_empty_database_say_to_migrate(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATCAL_SKIP_MIGRATIONS", "1")
    line = error_line(args)
    assert line.endswith(
        f"has no chatcal schema; this chatcal needs revision {head()}: run `chatcal migrate`"
    )


def test_migrate_names_a_missing_postgres_database(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = make_url(postgres_url).set(password="s3cret", database=f"absent_{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("CHATCAL_DATABASE_URL", missing.render_as_string(hide_password=False))
    line = error_line(["migrate"])
    assert f"could not migrate the database at {missing.render_as_string()}: " in line
    assert f'database "{missing.database}" does not exist' in line
    assert "s3cret" not in line


@pytest.mark.parametrize("url", ["notaurl", "mysql://root@127.0.0.1/chatcal", "postgresql+psycopg2://db/x"])
def test_unsupported_database_urls_name_the_supported_ones(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATCAL_DATABASE_URL", url)
    line = error_line(["host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC"])
    assert line.startswith("error: CHATCAL_DATABASE_URL: ")
    assert "use sqlite:///" in line
    assert "postgresql+psycopg://" in line


def spec_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.json"
    if kind == "invalid-json":
        path.write_text('{"slug": "deep",')
    elif kind == "latin-1":
        path.write_bytes('{"slug": "caf\u00e9", "title": "Caf\u00e9", "duration": 30}'.encode("latin-1"))
    elif kind == "directory":
        path.mkdir()
    return path


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("invalid-json", "is not valid JSON: Expecting property name enclosed in double quotes"),
        ("latin-1", "is not UTF-8 text"),
        ("missing", "cannot read it: No such file or directory"),
        ("directory", "cannot read it: Is a directory"),
    ],
)
def test_an_unreadable_spec_names_the_file(kind: str, problem: str, tmp_path: Path) -> None:
    run("host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC")
    path = spec_file(tmp_path, kind)
    line = error_line(["event-type", "create", "--host", "ana", "--spec", str(path)])
    assert line.startswith(f"error: {path}: {problem}")


def test_a_spec_that_is_not_an_object_is_one_line(tmp_path: Path) -> None:
    run("host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC")
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    assert "Input should be a valid dictionary" in error_line(
        ["event-type", "create", "--host", "ana", "--spec", str(path)]
    )


def test_an_api_key_name_longer_than_its_column_is_refused(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATCAL_DATABASE_URL", database_url)
    run("host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC")
    assert run("api-key", "create", "--host", "ana", "--name", "k" * 100).startswith("cc_")
    line = error_line(["api-key", "create", "--host", "ana", "--name", "k" * 101])
    assert line == "error: an API key's name can be at most 100 characters"


@pytest.mark.parametrize(
    "email", ["sp acey@example.com", "ana@example.com\r\nBCC:eve@example.com", "a" * 309 + "@example.com"]
)
def test_host_emails_are_checked(email: str) -> None:
    line = error_line(
        ["host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC", "--email", email]
    )
    assert line.startswith("error: email: ")
    assert error_line(["api-key", "create", "--host", "ana"]) == "error: No host 'ana'."
    run(
        "host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC", "--email", "ana@example.com"
    )


@pytest.mark.parametrize(
    ("slug", "name", "problem"),
    [("Sales Team", "Sales", "slug: "), ("sales", "x" * 201, "name: "), ("sales", "  ", "name: ")],
)
def test_team_handles_and_names_are_checked(slug: str, name: str, problem: str) -> None:
    run("host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC")
    line = error_line(["team", "create", "--owner", "ana", "--slug", slug, "--name", name])
    assert line.startswith(f"error: {problem}")


def test_a_leaked_key_is_revoked_and_stops_working_at_once(tmp_path: Path) -> None:
    first = run("host", "create", "--slug", "ana", "--name", "Ana", "--time-zone", "UTC").rsplit(" ", 1)[-1]
    second = run("api-key", "create", "--host", "ana", "--name", "laptop")
    listed = run("api-key", "list", "--host", "ana").splitlines()
    assert [line.split("…")[0] for line in listed] == [first[:10], second[:10]]
    assert "laptop" in listed[1]
    assert run("api-key", "revoke", "--host", "ana", "--prefix", first[:10]) == "revoked 1 key(s) of ana\n"
    database_url = Settings(_env_file=None).effective_database_url  # the one the commands used
    with app_client(app_settings(database_url, tmp_path / "data")) as client:
        assert client.get("/v1/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
        assert client.get("/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    assert "revoked" in run("api-key", "list", "--host", "ana").splitlines()[0]
    assert error_line(["api-key", "revoke", "--host", "ana", "--prefix", first[:10]]).startswith(
        "error: ana has no"
    )
    assert run("api-key", "revoke", "--host", "ana") == "revoked 1 key(s) of ana\n"
