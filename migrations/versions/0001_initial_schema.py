"""Initial schema, with the database's own guarantee against overlapping bookings.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import booking.columns

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("chat_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "chat_id", "user_id"),
    )
    op.create_table(
        "hosts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("slack_user_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "processed_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("received_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "event_id"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", booking.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["host_id"], ["hosts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_host_id"), ["host_id"], unique=False)

    op.create_table(
        "busy_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("start", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.ForeignKeyConstraint(["host_id"], ["hosts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("busy_blocks", schema=None) as batch_op:
        batch_op.create_index("ix_busy_blocks_host_start", ["host_id", "start"], unique=False)

    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("weekly", sa.JSON(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["host_id"], ["hosts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedules_host_id"), ["host_id"], unique=False)

    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["hosts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teams_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "event_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=True),
        sa.Column("buffer_before", sa.Integer(), nullable=False),
        sa.Column("buffer_after", sa.Integer(), nullable=False),
        sa.Column("min_notice", sa.Integer(), nullable=False),
        sa.Column("period", sa.JSON(), nullable=True),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("payment_provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("hold_minutes", sa.Integer(), nullable=False),
        sa.Column("requires_confirmation", sa.Boolean(), nullable=False),
        sa.Column("pending_blocks", sa.Boolean(), nullable=False),
        sa.Column("location_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("location_value", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["host_id"], ["hosts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["schedule_id"], ["schedules.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("host_id", "slug"),
    )
    with op.batch_alter_table("event_types", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_types_host_id"), ["host_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_types_team_id"), ["team_id"], unique=False)

    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("group", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(["host_id"], ["hosts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "host_id"),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_host_id"), ["host_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_members_team_id"), ["team_id"], unique=False)

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("ical_uid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("event_type_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "held",
                "pending",
                "accepted",
                "cancelled",
                "rejected",
                "expired",
                name="bookingstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("start", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("attendee_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("attendee_email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("attendee_time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("attendee_locale", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel_user_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("payment_provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("payment_ref", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("hold_expires_at", booking.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("rescheduled_from_id", sa.Integer(), nullable=True),
        sa.Column("rescheduled_to_id", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_from_id"],
            ["bookings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_to_id"],
            ["bookings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bookings_event_type_id"), ["event_type_id"], unique=False)
        batch_op.create_index("ix_bookings_event_type_start", ["event_type_id", "start"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_payment_ref"), ["payment_ref"], unique=False)

    op.create_table(
        "booking_hosts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("blocked_start", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_end", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["hosts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("booking_hosts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_hosts_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index("ix_booking_hosts_host_blocked", ["host_id", "blocked_start"], unique=False)

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("sink", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("booking_id"),
    )
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", booking.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_events_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index("ix_outbox_undispatched", ["dispatched_at", "id"], unique=False)

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("due_at", booking.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", booking.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", booking.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("booking_id", "kind"),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_due", ["sent_at", "due_at"], unique=False)
    create_overlap_guard()


def downgrade() -> None:
    drop_overlap_guard()
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_due")

    op.drop_table("reminders")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_undispatched")
        batch_op.drop_index(batch_op.f("ix_outbox_events_booking_id"))

    op.drop_table("outbox_events")
    op.drop_table("notes")
    with op.batch_alter_table("booking_hosts", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_hosts_host_blocked")
        batch_op.drop_index(batch_op.f("ix_booking_hosts_booking_id"))

    op.drop_table("booking_hosts")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_payment_ref"))
        batch_op.drop_index("ix_bookings_event_type_start")
        batch_op.drop_index(batch_op.f("ix_bookings_event_type_id"))

    op.drop_table("bookings")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_team_id"))
        batch_op.drop_index(batch_op.f("ix_team_members_host_id"))

    op.drop_table("team_members")
    with op.batch_alter_table("event_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_types_team_id"))
        batch_op.drop_index(batch_op.f("ix_event_types_host_id"))

    op.drop_table("event_types")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_owner_id"))

    op.drop_table("teams")
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedules_host_id"))

    op.drop_table("schedules")
    with op.batch_alter_table("busy_blocks", schema=None) as batch_op:
        batch_op.drop_index("ix_busy_blocks_host_start")

    op.drop_table("busy_blocks")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_host_id"))

    op.drop_table("api_keys")
    op.drop_table("processed_webhooks")
    op.drop_table("idempotency_keys")
    op.drop_table("hosts")
    op.drop_table("conversations")


OVERLAP = (
    "b.host_id = NEW.host_id AND b.active AND b.blocked_start < NEW.blocked_end"
    " AND NEW.blocked_start < b.blocked_end"
)


def create_overlap_guard() -> None:
    """Forbid two active rows of one host with overlapping blocked time, in the database itself.

    PostgreSQL: an exclusion constraint (btree_gist lets ``host_id`` join the GiST index), checked
    even between concurrent transactions. SQLite: triggers; writers are serialised by ``BEGIN
    IMMEDIATE``, so a trigger sees every committed row. Timestamps are stored in one text format, so
    SQLite compares them as strings correctly.
    """
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE booking_hosts ADD CONSTRAINT booking_hosts_no_overlap EXCLUDE USING gist "
            "(host_id WITH =, tstzrange(blocked_start, blocked_end, '[)') WITH &&) WHERE (active)"
        )
        return
    for event, extra in (
        ("INSERT", ""),
        ("UPDATE OF active, blocked_start, blocked_end", " AND b.id != NEW.id"),
    ):
        name = "booking_hosts_no_overlap_" + event.split()[0].lower()
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON booking_hosts "
            f"WHEN NEW.active AND EXISTS (SELECT 1 FROM booking_hosts b WHERE {OVERLAP}{extra}) "
            "BEGIN SELECT RAISE(ABORT, 'booking_hosts_no_overlap'); END"
        )


def drop_overlap_guard() -> None:
    """Undo ``create_overlap_guard`` (the constraint goes with its table on PostgreSQL)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS booking_hosts_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS booking_hosts_no_overlap_update")
