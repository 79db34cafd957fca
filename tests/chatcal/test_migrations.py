"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL.

Tests run on migrated databases, so a model change without its migration would otherwise pass here
and fail in production, where the tables come from the migrations alone.
"""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import booking.models  # noqa: F401  (registers every table on SQLModel.metadata)
from booking.db import Database
from chatcal.migrate import alembic_config, upgrade


def differences(db: Database) -> list[object]:
    with db.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    assert differences(db) == []


def test_every_migration_can_be_undone_and_done_again(db: Database) -> None:
    """Downgrades are an operator's way back from a bad release; each must run, down to nothing."""
    config = alembic_config(db.engine.url.render_as_string(hide_password=False))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert len(differences(db)) >= len(SQLModel.metadata.tables)  # every table is gone
    upgrade(db.engine)
    assert differences(db) == []
