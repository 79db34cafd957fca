"""What hosts configure: schedules, event types and busy blocks, always scoped to the owner.

Every lookup takes the acting host and answers ``NotFound`` for another host's rows, so one host can
never tell another's data from data that does not exist.
"""

from typing import TypeVar

from sqlmodel import Session, SQLModel, col, select

from booking import repository
from booking.errors import Conflict, InvalidRequest, NotFound
from booking.models import BusyBlock, EventType, Host, Schedule, Team, TeamMember
from booking.schemas import BusyBlockIn, EventTypeIn, ScheduleIn

Owned = TypeVar("Owned", Schedule, EventType, BusyBlock)


def owned(session: Session, model: type[Owned], row_id: int, host: Host) -> Owned:
    """Row ``row_id`` of ``model`` if ``host`` owns it, else ``NotFound``."""
    row = session.get(model, row_id)
    if row is None or row.host_id != host.id:
        raise NotFound(f"No {model.__tablename__.removesuffix('s').replace('_', ' ')} {row_id}.")
    return row


def _store(session: Session, row: SQLModel) -> None:
    session.add(row)
    session.flush()
    session.refresh(row)


def _clear_other_defaults(session: Session, host: Host, keep: Schedule) -> None:
    if keep.is_default:
        for other in session.exec(
            select(Schedule).where(Schedule.host_id == host.id, Schedule.id != keep.id)
        ):
            other.is_default = False
            session.add(other)


def working_hours(time_zone: str) -> ScheduleIn:
    """The schedule a new host starts with: Monday to Friday, 09:00–17:00 in their zone."""
    weekly = [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(1, 6)]
    return ScheduleIn.model_validate({"name": "Working hours", "time_zone": time_zone, "weekly": weekly})


def save_schedule(
    session: Session, host: Host, spec: ScheduleIn, schedule: Schedule | None = None
) -> Schedule:
    """Create a schedule, or replace ``schedule`` whole; a host's first schedule is its default.

    A host always has a default (event types without a schedule of their own use it): the default
    stays the default until another schedule is made the default.
    """
    data = spec.model_dump(mode="json")
    if schedule is None:
        schedule = Schedule(host_id=host.id or 0, **data)
        schedule.is_default = spec.is_default or repository.default_schedule(session, host.id or 0) is None
    else:
        was_default = schedule.is_default
        schedule.sqlmodel_update(data)
        schedule.is_default = was_default or spec.is_default
    _store(session, schedule)
    _clear_other_defaults(session, host, schedule)
    return schedule


def delete_schedule(session: Session, schedule: Schedule) -> None:
    """Remove a schedule; event types using it fall back to the host's default, which must remain."""
    if schedule.is_default:
        raise Conflict(
            "This is your default schedule, used by every event type without one of its own; "
            "make another schedule the default (is_default: true) before deleting it."
        )
    session.delete(schedule)
    session.flush()


def _check_references(session: Session, host: Host, spec: EventTypeIn) -> None:
    if spec.schedule_id is not None:
        owned(session, Schedule, spec.schedule_id, host)
    if spec.team_id is not None:
        team = session.get(Team, spec.team_id)
        if team is None or team.owner_id != host.id:
            raise NotFound(f"No team {spec.team_id}.")
        if not session.exec(select(TeamMember).where(TeamMember.team_id == team.id)).first():
            raise InvalidRequest("the team has no members")


def save_event_type(
    session: Session, host: Host, spec: EventTypeIn, event_type: EventType | None = None
) -> EventType:
    """Create an event type, or replace ``event_type`` whole; slugs are unique per owner."""
    _check_references(session, host, spec)
    clash = session.exec(
        select(EventType).where(EventType.host_id == host.id, EventType.slug == spec.slug)
    ).first()
    if clash is not None and (event_type is None or clash.id != event_type.id):
        raise Conflict(f"You already have an event type {spec.slug!r}.")
    data = spec.model_dump(mode="json")
    if event_type is None:
        event_type = EventType(host_id=host.id or 0, **data)
    else:
        event_type.sqlmodel_update(data)
    _store(session, event_type)
    return event_type


def save_busy_block(
    session: Session, host: Host, spec: BusyBlockIn, block: BusyBlock | None = None
) -> BusyBlock:
    """Create or replace a manual busy block."""
    data = spec.model_dump()
    if block is None:
        block = BusyBlock(host_id=host.id or 0, source="manual", **data)
    else:
        block.sqlmodel_update(data)
    _store(session, block)
    return block


def event_types_of(session: Session, host: Host) -> list[EventType]:
    return list(
        session.exec(select(EventType).where(EventType.host_id == host.id).order_by(col(EventType.id)))
    )


def schedules_of(session: Session, host: Host) -> list[Schedule]:
    return list(session.exec(select(Schedule).where(Schedule.host_id == host.id).order_by(col(Schedule.id))))


def busy_blocks_of(session: Session, host: Host, skip: int, take: int) -> list[BusyBlock]:
    return list(
        session.exec(
            select(BusyBlock)
            .where(BusyBlock.host_id == host.id)
            .order_by(col(BusyBlock.start))
            .offset(skip)
            .limit(take)
        )
    )


def team_by_slug(session: Session, slug: str) -> Team:
    """A team by handle, or ``NotFound``."""
    team = repository.team_by_slug(session, slug)
    if team is None:
        raise NotFound(f"No team {slug!r}.")
    return team
