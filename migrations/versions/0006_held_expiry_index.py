"""Index the holds awaiting payment by when they lapse: every server sweeps for lapsed ones.

Each process asks every two seconds whether a hold has lapsed. Without an index that was a scan of
every booking ever made (62 ms a round at 200,000 bookings); ended bookings keep their
``hold_expires_at``, so only a partial index over held rows stays as small as the holds open now.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HELD = sa.text("status = 'held'")


def upgrade() -> None:
    op.create_index(
        "ix_bookings_held_expiry", "bookings", ["hold_expires_at"], postgresql_where=HELD, sqlite_where=HELD
    )


def downgrade() -> None:
    op.drop_index("ix_bookings_held_expiry", table_name="bookings")
