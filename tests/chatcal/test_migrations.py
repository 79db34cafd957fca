"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL.

Tests run on migrated databases, so a model change without its migration would otherwise pass here
and fail in production, where the tables come from the migrations alone.
"""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import booking.models  # noqa: F401  (registers every table on SQLModel.metadata)
from booking.db import Database


def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
