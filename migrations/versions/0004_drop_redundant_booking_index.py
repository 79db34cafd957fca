"""Drop ``ix_bookings_event_type_id``: ``ix_bookings_event_type_start`` leads with the same column.

Every lookup by event type (and the foreign key's checks) can use the composite index, so the
single-column one only cost an extra index entry, and its WAL, on every booking written.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_event_type_id")


def downgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index("ix_bookings_event_type_id", ["event_type_id"], unique=False)
