"""Bring a database to the newest schema with the Alembic migrations shipped in ``migrations``, or,
with migrations skipped, check that someone has (every request would fail on an older schema)."""

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from migrations import LOCATION


class MigrationFailed(RuntimeError):
    """The database is not at this chatcal's schema and could not be brought there: nothing must start.

    The message is one line, fit for an operator: the database (password hidden) and the cause.
    """


def alembic_config(url: str) -> Config:
    """An Alembic config for ``url`` without an ini file, so it works from any directory."""
    config = Config()
    config.set_main_option("script_location", str(LOCATION))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration to ``engine``'s database."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def prepare(engine: Engine, *, migrate: bool) -> None:
    """Migrate ``engine``'s database, or (``migrate`` False) check that it needs no migrating.

    Every way this can fail (unreachable server, missing database, a file that is not SQLite, a
    schema from another release) is a ``MigrationFailed``, so callers stop with its message alone.
    """
    try:
        if migrate:
            upgrade(engine)
        else:
            _check_current(engine)
    except (SQLAlchemyError, CommandError) as exc:
        action = "migrate" if migrate else "read the schema of"
        raise MigrationFailed(
            f"could not {action} the database at {_shown(engine)}: {cause(exc)}. "
            "Check CHATCAL_DATABASE_URL and that the database is reachable."
        ) from exc


def _check_current(engine: Engine) -> None:
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    wanted = ScriptDirectory(str(LOCATION)).get_current_head()
    if current != wanted:
        found = "has no chatcal schema" if current is None else f"is at revision {current}"
        raise MigrationFailed(
            f"the database at {_shown(engine)} {found}; this chatcal needs revision {wanted}: "
            "run `chatcal migrate`"
        )


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def cause(exc: Exception) -> str:
    """What went wrong in the driver's own words, on one line (SQLAlchemy adds a wrapper and a link)."""
    return " ".join(str(exc.orig if isinstance(exc, DBAPIError) else exc).split())
