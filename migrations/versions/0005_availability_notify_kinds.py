"""Availability notifications say which kind of data changed: ``setup`` or ``busy``.

0003's triggers notify with an empty payload, so a listener can't tell a host editing their hours
from one more booking. Servers keep each event type's setup (rules, hosts, schedules) while no setup
table changes; with every booking counting as a change, that setup would be read again after each
one. The trigger function now sends its first argument, and each table's trigger names its kind.
PostgreSQL folds repeats of one (channel, payload) pair within a transaction, so a transaction that
touches both kinds sends two notifications.

The table lists are written out rather than imported: a migration must keep meaning what it meant
when it ran (``booking.changes.SETUP_TABLES`` is the same list today).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = {
    "hosts": "setup",
    "teams": "setup",
    "team_members": "setup",
    "schedules": "setup",
    "event_types": "setup",
    "busy_blocks": "busy",
    "bookings": "busy",
    "booking_hosts": "busy",
}
FUNCTION = "chatcal_availability_changed"


def _function(payload: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_notify('chatcal_availability', {payload}); RETURN NULL; END $$"
    )


def _triggers(with_kind: bool) -> None:
    for table, kind in KINDS.items():
        op.execute(f"DROP TRIGGER {table}_availability_changed ON {table}")
        argument = f"'{kind}'" if with_kind else ""
        op.execute(
            f"CREATE TRIGGER {table}_availability_changed "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}({argument})"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_function("TG_ARGV[0]"))
    _triggers(with_kind=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_function("''"))
    _triggers(with_kind=False)
