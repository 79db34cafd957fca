"""Host endpoints (``Authorization: Bearer <API key>``): configuration and bookings, own data only."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel
from sqlmodel import select

from api.deps import HostDep, RuntimeDep
from api.guards import GuardedRoute
from api.problems import documented
from booking import catalog, service
from booking.errors import Conflict
from booking.models import Booking, BusyBlock, EventType, Schedule
from booking.models.bookings import BookingStatus
from booking.schemas import (
    MAX_ID,
    NO_REASON,
    BookingOut,
    BookingPage,
    BusyBlockIn,
    BusyBlockOut,
    CancelIn,
    EventTypeIn,
    EventTypeOut,
    Moment,
    ScheduleIn,
    ScheduleOut,
)
from booking.views import booking_out, host_booking, host_bookings

router = APIRouter(
    prefix="/v1", tags=["host"], route_class=GuardedRoute, responses=documented(401, 404, 409, 413, 422)
)
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="The row's id")]
Skip = Annotated[int, Query(ge=0, le=1_000_000)]
Take = Annotated[int, Query(ge=1, le=250, description="Page size (default 50, at most 250)")]


class Me(BaseModel):
    """The acting host."""

    slug: str
    name: str
    time_zone: str
    email: str | None


@router.get("/me", response_model=Me)
def me(host: HostDep) -> Me:
    """Who this API key belongs to."""
    return Me(slug=host.slug, name=host.name, time_zone=host.time_zone, email=host.email)


@router.get("/schedules", response_model=list[ScheduleOut])
def list_schedules(host: HostDep, rt: RuntimeDep) -> list[ScheduleOut]:
    with rt.db.transaction() as session:
        return [
            ScheduleOut.model_validate(row, from_attributes=True)
            for row in catalog.schedules_of(session, host)
        ]


@router.post("/schedules", response_model=ScheduleOut, status_code=201)
def create_schedule(spec: ScheduleIn, host: HostDep, rt: RuntimeDep) -> ScheduleOut:
    with rt.db.transaction(write=True) as session:
        return ScheduleOut.model_validate(catalog.save_schedule(session, host, spec), from_attributes=True)


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut)
def get_schedule(schedule_id: RowId, host: HostDep, rt: RuntimeDep) -> ScheduleOut:
    with rt.db.transaction() as session:
        return ScheduleOut.model_validate(
            catalog.owned(session, Schedule, schedule_id, host), from_attributes=True
        )


@router.put("/schedules/{schedule_id}", response_model=ScheduleOut)
def replace_schedule(schedule_id: RowId, spec: ScheduleIn, host: HostDep, rt: RuntimeDep) -> ScheduleOut:
    with rt.db.transaction(write=True) as session:
        row = catalog.owned(session, Schedule, schedule_id, host)
        return ScheduleOut.model_validate(
            catalog.save_schedule(session, host, spec, row), from_attributes=True
        )


@router.delete("/schedules/{schedule_id}", status_code=204)
def delete_schedule(schedule_id: RowId, host: HostDep, rt: RuntimeDep) -> Response:
    with rt.db.transaction(write=True) as session:
        catalog.delete_schedule(session, catalog.owned(session, Schedule, schedule_id, host))
    return Response(status_code=204)


@router.get("/event-types", response_model=list[EventTypeOut])
def list_event_types(host: HostDep, rt: RuntimeDep) -> list[EventTypeOut]:
    with rt.db.transaction() as session:
        return [
            EventTypeOut.model_validate(row, from_attributes=True)
            for row in catalog.event_types_of(session, host)
        ]


@router.post("/event-types", response_model=EventTypeOut, status_code=201)
def create_event_type(spec: EventTypeIn, host: HostDep, rt: RuntimeDep) -> EventTypeOut:
    with rt.db.transaction(write=True) as session:
        return EventTypeOut.model_validate(catalog.save_event_type(session, host, spec), from_attributes=True)


@router.get("/event-types/{event_type_id}", response_model=EventTypeOut)
def get_event_type(event_type_id: RowId, host: HostDep, rt: RuntimeDep) -> EventTypeOut:
    with rt.db.transaction() as session:
        return EventTypeOut.model_validate(
            catalog.owned(session, EventType, event_type_id, host), from_attributes=True
        )


@router.put("/event-types/{event_type_id}", response_model=EventTypeOut)
def replace_event_type(
    event_type_id: RowId, spec: EventTypeIn, host: HostDep, rt: RuntimeDep
) -> EventTypeOut:
    with rt.db.transaction(write=True) as session:
        row = catalog.owned(session, EventType, event_type_id, host)
        return EventTypeOut.model_validate(
            catalog.save_event_type(session, host, spec, row), from_attributes=True
        )


@router.delete("/event-types/{event_type_id}", status_code=204)
def delete_event_type(event_type_id: RowId, host: HostDep, rt: RuntimeDep) -> Response:
    """Delete an event type that was never booked; one with bookings can only be deactivated."""
    with rt.db.transaction(write=True) as session:
        row = catalog.owned(session, EventType, event_type_id, host)
        if session.exec(select(Booking.id).where(Booking.event_type_id == row.id)).first() is not None:
            raise Conflict("This event type has bookings; set active to false instead of deleting it.")
        session.delete(row)
    return Response(status_code=204)


def _block_out(block: BusyBlock) -> BusyBlockOut:
    return BusyBlockOut(
        id=block.id or 0, start=block.start, end=block.end, title=block.title, source=block.source
    )


@router.get("/busy-blocks", response_model=list[BusyBlockOut])
def list_busy_blocks(host: HostDep, rt: RuntimeDep, skip: Skip = 0, take: Take = 50) -> list[BusyBlockOut]:
    with rt.db.transaction() as session:
        return [_block_out(block) for block in catalog.busy_blocks_of(session, host, skip, take)]


@router.post("/busy-blocks", response_model=BusyBlockOut, status_code=201)
def create_busy_block(spec: BusyBlockIn, host: HostDep, rt: RuntimeDep) -> BusyBlockOut:
    with rt.db.transaction(write=True) as session:
        return _block_out(catalog.save_busy_block(session, host, spec))


@router.put("/busy-blocks/{block_id}", response_model=BusyBlockOut)
def replace_busy_block(block_id: RowId, spec: BusyBlockIn, host: HostDep, rt: RuntimeDep) -> BusyBlockOut:
    with rt.db.transaction(write=True) as session:
        block = catalog.owned(session, BusyBlock, block_id, host)
        return _block_out(catalog.save_busy_block(session, host, spec, block))


@router.delete("/busy-blocks/{block_id}", status_code=204)
def delete_busy_block(block_id: RowId, host: HostDep, rt: RuntimeDep) -> Response:
    with rt.db.transaction(write=True) as session:
        session.delete(catalog.owned(session, BusyBlock, block_id, host))
    return Response(status_code=204)


@router.get("/bookings", response_model=BookingPage)
def list_bookings(
    host: HostDep,
    rt: RuntimeDep,
    status: BookingStatus | None = None,
    after: Annotated[Moment | None, Query(description="Starts at or after")] = None,
    before: Annotated[Moment | None, Query(description="Starts before")] = None,
    skip: Skip = 0,
    take: Take = 50,
) -> BookingPage:
    """The host's bookings by start time, filtered, one page at a time."""
    with rt.db.transaction() as session:
        return host_bookings(session, host, status=status, after=after, before=before, skip=skip, take=take)


@router.get("/bookings/{uid}", response_model=BookingOut)
def get_booking(uid: str, host: HostDep, rt: RuntimeDep) -> BookingOut:
    with rt.db.transaction() as session:
        return booking_out(session, host_booking(session, host, uid))


@router.post("/bookings/{uid}/confirm", response_model=BookingOut)
def confirm_booking(uid: str, host: HostDep, rt: RuntimeDep) -> BookingOut:
    """Accept a pending request; 409 if it now overlaps an accepted booking."""
    with rt.db.transaction(write=True) as session:
        return booking_out(session, service.confirm(session, host_booking(session, host, uid), rt.clock()))


@router.post("/bookings/{uid}/reject", response_model=BookingOut)
def reject_booking(uid: str, host: HostDep, rt: RuntimeDep, request: CancelIn = NO_REASON) -> BookingOut:
    with rt.db.transaction(write=True) as session:
        booking = service.reject(session, host_booking(session, host, uid), rt.clock(), request.reason)
        return booking_out(session, booking)


@router.post("/bookings/{uid}/cancel", response_model=BookingOut)
def cancel_booking(uid: str, host: HostDep, rt: RuntimeDep, request: CancelIn = NO_REASON) -> BookingOut:
    with rt.db.transaction(write=True) as session:
        booking = service.cancel(session, host_booking(session, host, uid), rt.clock(), request.reason)
        return booking_out(session, booking)
