"""Hosts, their API keys, and teams with fixed or grouped members."""

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from booking.columns import UTCDateTime, utcnow


class Host(SQLModel, table=True):
    """A person whose time is booked; ``slug`` is their public handle in booking links."""

    __tablename__ = "hosts"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    time_zone: str = Field(max_length=64)
    slack_user_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiKey(SQLModel, table=True):
    """A host's API key; only its SHA-256 is stored, the prefix lets a host tell keys apart."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    host_id: int = Field(foreign_key="hosts.id", index=True, ondelete="CASCADE")
    prefix: str = Field(max_length=16)
    digest: str = Field(unique=True, max_length=64)
    name: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Team(SQLModel, table=True):
    """Hosts booked together: collective (all fixed members) or round-robin (groups)."""

    __tablename__ = "teams"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    owner_id: int = Field(foreign_key="hosts.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TeamMember(SQLModel, table=True):
    """Membership; ``group`` None = fixed (must attend), else the round-robin group's name."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "host_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True, ondelete="CASCADE")
    host_id: int = Field(foreign_key="hosts.id", index=True, ondelete="CASCADE")
    group: str | None = Field(default=None, max_length=64)
