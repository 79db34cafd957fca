"""Hosts, their API keys and their teams.

API keys are random 32-byte secrets shown once; only their SHA-256 is stored. A slow password hash
would add nothing for keys of that entropy and would cost every API request.
"""

import hashlib
import secrets
from datetime import datetime

from pydantic import Field
from sqlmodel import Session, col, select

from booking import repository
from booking.errors import Conflict, InvalidRequest, NotFound
from booking.models import ApiKey, Host, Team, TeamMember
from booking.schemas import Email, Slug, Strict, TimeZoneName

KEY_PREFIX = "cc_"
KEY_NAME_LENGTH = 100
"""The ``api_key.name`` column's size."""


class HostIn(Strict):
    """A new host; every field fits its column, and the email is one invites can carry safely."""

    slug: Slug
    name: str = Field(min_length=1, max_length=200)
    time_zone: TimeZoneName
    email: Email | None = None
    slack_user_id: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,20}$")


def _slug_free(session: Session, slug: str) -> None:
    """Hosts and teams share one namespace of public handles."""
    if repository.host_by_slug(session, slug) or repository.team_by_slug(session, slug):
        raise Conflict(f"The handle {slug!r} is taken.")


def create_host(session: Session, spec: HostIn) -> Host:
    """Register a host under a free public handle."""
    _slug_free(session, spec.slug)
    host = Host(**spec.model_dump())
    session.add(host)
    session.flush()
    return host


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, host: Host, name: str = "") -> str:
    """A new key for ``host``; the plain key is returned once and never stored."""
    if len(name) > KEY_NAME_LENGTH:
        raise InvalidRequest(f"an API key's name can be at most {KEY_NAME_LENGTH} characters")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(host_id=host.id or 0, prefix=key[:10], digest=_digest(key), name=name))
    session.flush()
    return key


def host_for_api_key(session: Session, key: str) -> Host | None:
    """The host a presented key belongs to, unless it is unknown or revoked."""
    row = session.exec(
        select(ApiKey).where(ApiKey.digest == _digest(key), col(ApiKey.revoked_at).is_(None))
    ).first()
    return session.get(Host, row.host_id) if row else None


def api_keys_of(session: Session, host: Host) -> list[ApiKey]:
    """Every key of ``host``, revoked ones too, oldest first (only prefixes and names: keys aren't kept)."""
    return list(session.exec(select(ApiKey).where(ApiKey.host_id == host.id).order_by(col(ApiKey.id))))


def revoke_api_keys(session: Session, host: Host, now: datetime, prefix: str | None = None) -> int:
    """Revoke ``host``'s key that starts with ``prefix``, or every key of the host; returns how many."""
    query = select(ApiKey).where(ApiKey.host_id == host.id, col(ApiKey.revoked_at).is_(None))
    keys = session.exec(query if prefix is None else query.where(ApiKey.prefix == prefix)).all()
    if prefix is not None and not keys:
        raise NotFound(f"{host.slug} has no key {prefix!r} that is still valid.")
    for key in keys:
        key.revoked_at = now
        session.add(key)
    return len(keys)


class TeamIn(Strict):
    """A new team: a public handle like a host's, and a name."""

    slug: Slug
    name: str = Field(min_length=1, max_length=200)


def create_team(session: Session, owner: Host, spec: TeamIn) -> Team:
    """A team owned by ``owner``, who joins it as a fixed member."""
    _slug_free(session, spec.slug)
    team = Team(**spec.model_dump(), owner_id=owner.id or 0)
    session.add(team)
    session.flush()
    session.add(TeamMember(team_id=team.id or 0, host_id=owner.id or 0))
    session.flush()
    return team


def set_member(session: Session, team: Team, host: Host, group: str | None) -> TeamMember:
    """Add ``host`` to ``team`` (or change its group): None = fixed, else a round-robin group."""
    if group is not None and not group.strip():
        raise InvalidRequest("a round-robin group needs a name")
    member = session.exec(
        select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.host_id == host.id)
    ).first() or TeamMember(team_id=team.id or 0, host_id=host.id or 0)
    member.group = group
    session.add(member)
    session.flush()
    return member


def host_by_slug(session: Session, slug: str) -> Host:
    """A host by handle, or ``NotFound``."""
    host = repository.host_by_slug(session, slug)
    if host is None:
        raise NotFound(f"No host {slug!r}.")
    return host
