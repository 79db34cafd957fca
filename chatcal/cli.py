"""The ``chatcal`` command: one entry point for every process and admin task of the product."""

import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from booking import catalog, hosts
from booking.columns import utcnow
from booking.db import Database, make_engine
from booking.errors import DomainError
from booking.schemas import EventTypeIn
from bot.console.session import ConsoleChat
from chatcal import workers
from chatcal.app import build_runtime, chat_flow, create_app
from chatcal.demo import booking_links, is_empty, seed_demo
from chatcal.migrate import MigrationFailed, cause, prepare
from chatcal.secrets import secret_key
from chatcal.settings import Settings

app = typer.Typer(help="chatcal: scheduling that people book by chatting.", no_args_is_help=True)
host_app = typer.Typer(help="Manage hosts.", no_args_is_help=True)
event_type_app = typer.Typer(help="Manage event types.", no_args_is_help=True)
api_key_app = typer.Typer(help="Manage host API keys.", no_args_is_help=True)
team_app = typer.Typer(help="Manage teams.", no_args_is_help=True)
app.add_typer(host_app, name="host")
app.add_typer(event_type_app, name="event-type")
app.add_typer(api_key_app, name="api-key")
app.add_typer(team_app, name="team")
HostHandle = Annotated[str, typer.Option(help="The host's handle.")]


def _fail(message: str) -> typer.Exit:
    """Print ``message`` as the command's one error line; raise the result to end with exit code 1."""
    typer.secho(f"error: {message}", err=True, fg="red")
    return typer.Exit(1)


def _explain(exc: ValidationError, name: Callable[[str], str] = str) -> str:
    """Every problem of ``exc`` on one line, each after the field (as ``name`` calls it) it is in."""
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{name(where)}: {message}" if where else message)
    return "; ".join(problems)


def _settings() -> Settings:
    """The settings; a bad value ends the command naming the variable to fix, not with a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        raise _fail(_explain(exc, Settings.variable)) from exc


def _database(settings: Settings) -> Database:
    """The configured database, migrated (with CHATCAL_SKIP_MIGRATIONS, checked to need no migrating)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(make_engine(settings.effective_database_url))
    try:
        prepare(database.engine, migrate=not settings.skip_migrations)
    except MigrationFailed as exc:
        database.engine.dispose()
        raise _fail(str(exc)) from exc
    return database


@contextmanager
def _admin_session() -> Iterator[Session]:
    """A write transaction for an admin command; bad input, or a database that refuses the change,
    ends the command with a one-line error."""
    database = _database(_settings())
    try:
        with database.transaction(write=True) as session:
            yield session
    except ValidationError as exc:
        raise _fail(_explain(exc)) from exc
    except DomainError as exc:
        raise _fail(exc.message) from exc
    except SQLAlchemyError as exc:
        raise _fail(f"the database refused the change: {cause(exc)}") from exc
    finally:
        database.engine.dispose()


def _seed_if_empty(database: Database, base_url: str) -> None:
    with database.transaction(write=True) as session:
        if not is_empty(session):
            return
        _, key = seed_demo(session)
    typer.echo("Seeded the demo host 'demo'. Book by chatting:")
    for link in booking_links(base_url):
        typer.echo(f"  web chat: {link.replace('/v1/public/', '/chat/')}   API: {link}")
    typer.echo(f"API docs: {base_url}/docs   demo host API key (shown once): {key}")


@app.callback()
def main() -> None:
    """chatcal's commands; settings come from CHATCAL_* variables and .env."""


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (CHATCAL_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (CHATCAL_PORT).")] = None,
    demo: Annotated[bool, typer.Option(help="Seed the demo host when the database is empty.")] = False,
) -> None:
    """Run the web service: REST API, webhooks and the web chat.

    The database is migrated (or its schema checked) here, before any server starts, so a database
    the service can't use ends the command with one line; the servers' apps then only check it.
    """
    updates = {key: value for key, value in (("host", host), ("port", port)) if value is not None}
    settings = _settings().model_copy(update=updates)
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    database = _database(settings)
    if demo:
        _seed_if_empty(database, settings.base_url)
        typer.echo(f"Web chat: {settings.base_url}/   API docs: {settings.base_url}/docs")
    database.engine.dispose()
    if settings.workers > 1:
        _serve_workers(settings)
        return
    prepared = settings.model_copy(update={"skip_migrations": True})
    uvicorn.run(create_app(prepared), host=settings.host, port=settings.port, log_level=settings.log_level)


def _serve_workers(settings: Settings) -> None:
    """Several server processes on one port, as production runs on more than one core.

    The parent has migrated (``serve``) and settles the secret key first, so workers never race to
    do either; each worker then builds its app from the same environment. Telegram's getUpdates
    admits one poller, so polling needs a single process (webhooks don't).
    """
    if settings.telegram_bot_token is not None and settings.public_url is None:
        raise _fail(
            "Telegram polling allows one receiving process: set CHATCAL_WORKERS=1, "
            "or set CHATCAL_PUBLIC_URL to receive Telegram by webhook."
        )
    if settings.redis_url is None:
        logging.getLogger("chatcal").warning(
            "rate limits are counted per worker process; set CHATCAL_REDIS_URL to share them"
        )
    secret_key(settings)
    os.environ.update(CHATCAL_SKIP_MIGRATIONS="1", CHATCAL_HOST=settings.host)
    raise typer.Exit(workers.serve(settings.host, settings.port, settings.workers, settings.log_level))


@app.command()
def chat(
    event: Annotated[str, typer.Argument(help="owner/event-slug to book; omit to choose.")] = "",
    user: Annotated[str | None, typer.Option(help="Who you are to the bot (default: your login).")] = None,
) -> None:
    """Book by chatting in the terminal (numbers press buttons, /help for commands, quit to leave)."""
    settings = _settings()
    try:
        runtime = build_runtime(settings, serving_http=False)
    except MigrationFailed as exc:
        raise _fail(str(exc)) from exc
    console = ConsoleChat(chat_flow(runtime), typer.echo, settings.data_dir / "invites", user)
    console.run(_prompt, event)
    runtime.close()


def _prompt() -> str | None:
    try:
        return input("> ")
    except EOFError:
        return None


@app.command()
def migrate() -> None:
    """Bring the database to the current schema."""
    settings = _settings()
    _database(settings.model_copy(update={"skip_migrations": False})).engine.dispose()
    typer.echo("database is up to date")


@app.command("demo-seed")
def demo_seed() -> None:
    """Create the demo host and its event types (only on an empty database)."""
    settings = _settings()
    database = _database(settings)
    with database.transaction() as session:
        if not is_empty(session):
            raise _fail("the database already has hosts; demo-seed only fills an empty one")
    _seed_if_empty(database, settings.base_url)
    database.engine.dispose()


@host_app.command("create")
def host_create(
    slug: Annotated[str, typer.Option(help="Public handle used in booking links.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    time_zone: Annotated[str, typer.Option(help="IANA zone, e.g. Europe/Berlin.")],
    email: Annotated[str | None, typer.Option(help="Email for calendar invites.")] = None,
    slack_user_id: Annotated[str | None, typer.Option(help="Slack member id (U…) for booking DMs.")] = None,
) -> None:
    """Create a host with Monday–Friday 09:00–17:00 hours and print an API key for it."""
    with _admin_session() as session:
        spec = hosts.HostIn(
            slug=slug, name=name, time_zone=time_zone, email=email, slack_user_id=slack_user_id
        )
        created = hosts.create_host(session, spec)
        catalog.save_schedule(session, created, catalog.working_hours(time_zone))
        key = hosts.create_api_key(session, created, "cli")
    typer.echo(f"created host {slug}; API key (shown once): {key}")


@api_key_app.command("create")
def api_key_create(
    host: HostHandle,
    name: Annotated[str, typer.Option(help="A label to tell keys apart.")] = "",
) -> None:
    """Create another API key for a host."""
    with _admin_session() as session:
        key = hosts.create_api_key(session, hosts.host_by_slug(session, host), name)
    typer.echo(key)


@api_key_app.command("list")
def api_key_list(host: HostHandle) -> None:
    """A host's keys by prefix (the keys themselves are never stored), with their state."""
    with _admin_session() as session:
        for key in hosts.api_keys_of(session, hosts.host_by_slug(session, host)):
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "valid"
            typer.echo(f"{key.prefix}…  {state:22}  created {key.created_at:%Y-%m-%d %H:%M}  {key.name}")


@api_key_app.command("revoke")
def api_key_revoke(
    host: HostHandle,
    prefix: Annotated[
        str | None, typer.Option(help="The key's first characters, as `api-key list` shows (default: all).")
    ] = None,
) -> None:
    """Revoke one key of a host, or all of them (a leaked key stops working at once)."""
    with _admin_session() as session:
        count = hosts.revoke_api_keys(session, hosts.host_by_slug(session, host), utcnow(), prefix)
    typer.echo(f"revoked {count} key(s) of {host}")


@event_type_app.command("create")
def event_type_create(
    host: Annotated[str, typer.Option(help="The owning host's handle.")],
    spec: Annotated[
        Path | None, typer.Option(help="JSON file with every field of the API's EventTypeIn.")
    ] = None,
    slug: Annotated[str | None, typer.Option(help="URL slug.")] = None,
    title: Annotated[str | None, typer.Option(help="Title.")] = None,
    duration: Annotated[int, typer.Option(help="Minutes.")] = 30,
) -> None:
    """Create an event type from options or a JSON spec (the API's schema)."""
    data = _read_spec(spec) if spec else {"slug": slug, "title": title, "duration": duration}
    with _admin_session() as session:
        row = catalog.save_event_type(
            session, hosts.host_by_slug(session, host), EventTypeIn.model_validate(data)
        )
    typer.echo(f"created event type {host}/{row.slug} (id {row.id})")


def _read_spec(path: Path) -> Any:
    """The JSON in ``path``; a file that can't be read or parsed ends the command naming it."""
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise _fail(f"{path}: cannot read it: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise _fail(f"{path}: is not UTF-8 text (byte {exc.start} can't be decoded)") from exc
    except json.JSONDecodeError as exc:
        raise _fail(f"{path}: is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc


@team_app.command("create")
def team_create(
    owner: Annotated[str, typer.Option(help="The owning host's handle (joins as a fixed member).")],
    slug: Annotated[str, typer.Option(help="The team's public handle.")],
    name: Annotated[str, typer.Option(help="Display name.")],
) -> None:
    """Create a team; its event types are made with --spec and a team_id."""
    with _admin_session() as session:
        spec = hosts.TeamIn(slug=slug, name=name)
        team = hosts.create_team(session, hosts.host_by_slug(session, owner), spec)
    typer.echo(f"created team {slug} (id {team.id})")


@team_app.command("add-member")
def team_add_member(
    team: Annotated[str, typer.Option(help="The team's handle.")],
    host: Annotated[str, typer.Option(help="The member's handle.")],
    group: Annotated[str | None, typer.Option(help="Round-robin group; omit for a fixed member.")] = None,
) -> None:
    """Add a host to a team, fixed or in a round-robin group."""
    with _admin_session() as session:
        found = catalog.team_by_slug(session, team)
        hosts.set_member(session, found, hosts.host_by_slug(session, host), group)
    typer.echo(f"{host} is now in {team}" + (f" (group {group})" if group else " (fixed)"))
