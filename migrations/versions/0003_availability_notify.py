"""Availability changes NOTIFY listeners, so servers can keep slot answers until something changes.

Statement-level triggers on every table whose rows decide what is bookable call
``pg_notify('chatcal_availability', '')``; PostgreSQL delivers it when the transaction commits (never on
rollback) and folds repeats within one transaction into one. ``booking.changes.PostgresWatch`` listens.
SQLite needs nothing: its watch reads ``PRAGMA data_version``.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "hosts",
    "teams",
    "team_members",
    "schedules",
    "event_types",
    "busy_blocks",
    "bookings",
    "booking_hosts",
)
FUNCTION = "chatcal_availability_changed"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN PERFORM pg_notify('chatcal_availability', ''); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_availability_changed "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_availability_changed ON {table}")
    op.execute(f"DROP FUNCTION {FUNCTION}()")
