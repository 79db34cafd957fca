"""Public endpoints: what invitees (and the chat front ends' web page) use, without an account.

Event types and slots by public path, booking with intake answers (``Idempotency-Key`` honoured),
and view / cancel / reschedule / calendar invite through a signed manage token. All rate limited.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import orjson
from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlmodel import Session

from api.deps import RuntimeDep, rate_limited
from api.guards import GuardedRoute
from api.problems import documented
from api.runtime import Runtime
from booking import repository, service
from booking.calendar import Setup, setup_of, slot_query
from booking.errors import Conflict, InvalidRequest, NotFound, ProviderFailed
from booking.idempotency import request_hash, run_once
from booking.links import manage_token, verify_manage_token
from booking.models import Booking, EventType, Host
from booking.models.bookings import BookingStatus
from booking.schemas import (
    MAX_SLOTS,
    NO_REASON,
    BookingIn,
    BookingOut,
    CancelIn,
    Moment,
    PublicEventType,
    QuestionIn,
    RescheduleIn,
    SlotsOut,
    TimeZoneName,
)
from booking.views import booking_out, calendar_invite
from engine import find_slots
from integrations.payments import Checkout, PaymentUnavailable

router = APIRouter(
    prefix="/v1",
    tags=["public"],
    dependencies=[Depends(rate_limited)],
    route_class=GuardedRoute,
    responses=documented(404, 409, 413, 422, 429),
)
MAX_SLOT_WINDOW = timedelta(days=93)


class ManagedBooking(BaseModel):
    """A booking with the link that manages it."""

    booking: BookingOut
    manage_token: str
    manage_url: str
    pay_url: str | None = None  # while the booking is held for payment


def _event_type(session: Session, owner: str, slug: str) -> EventType:
    event_type = repository.public_event_type(session, owner, slug)
    if event_type is None:
        raise NotFound(f"No event type {owner}/{slug}.")
    return event_type


def _setup(session: Session, rt: Runtime, owner: str, slug: str, now: datetime) -> Setup:
    """The event type's setup, kept between listings while no host edits one (``api.kept``)."""

    def read() -> Setup:
        return setup_of(session, _event_type(session, owner, slug))

    return read() if rt.listing is None else rt.listing.setups.get((owner, slug), now, read)


def _managed(
    session: Session, rt: Runtime, booking: Booking, hosts: tuple[str, ...] | None = None
) -> ManagedBooking:
    token = manage_token(rt.secret, booking.uid)
    return ManagedBooking(
        booking=booking_out(session, booking, hosts),
        manage_token=token,
        manage_url=rt.manage_url(token),
        pay_url=rt.pay_url(token) if booking.status is BookingStatus.HELD else None,
    )


@router.get("/public/{owner}/{slug}", response_model=PublicEventType)
def event_type_info(owner: str, slug: str, rt: RuntimeDep) -> PublicEventType:
    """What an invitee sees before booking: title, length, price, questions."""
    with rt.db.transaction() as session:
        event_type = _event_type(session, owner, slug)
        owner_host = session.get_one(Host, event_type.host_id)
        return PublicEventType(
            owner=owner,
            slug=event_type.slug,
            title=event_type.title,
            description=event_type.description,
            duration=event_type.duration,
            price=event_type.price,
            currency=event_type.currency,
            requires_confirmation=event_type.requires_confirmation,
            location_kind=event_type.location_kind,
            time_zone=owner_host.time_zone,
            questions=[QuestionIn.model_validate(question) for question in event_type.questions],
        )


@router.get("/public/{owner}/{slug}/slots", response_model=SlotsOut)
def slots(
    owner: str,
    slug: str,
    start: Annotated[Moment, Query(description="Window start, with offset")],
    end: Annotated[Moment, Query(description="Window end, with offset")],
    rt: RuntimeDep,
    time_zone: Annotated[TimeZoneName, Query(description="The invitee's IANA zone")] = "UTC",
) -> Response:
    """Bookable starts in ``[start, end)``, in UTC and on the invitee's clock.

    At most ``MAX_SLOTS`` per answer; ``next_start`` then says where the next page begins.
    """
    if end <= start or end - start > MAX_SLOT_WINDOW:
        raise InvalidRequest("end must be after start, at most 93 days later")
    now = rt.clock()
    window = (start.astimezone(UTC), end.astimezone(UTC))

    def compute() -> bytes:
        with rt.db.transaction() as session:
            setup = _setup(session, rt, owner, slug, now)
            found = find_slots(slot_query(session, setup, window, now, time_zone))
        # Hundreds of slots per answer: encoded straight by orjson rather than through validated models
        # (same schema; orjson writes aware datetimes as ISO 8601, UTC ones with ``Z``).
        zone = ZoneInfo(time_zone)
        page, rest = found[:MAX_SLOTS], found[MAX_SLOTS : MAX_SLOTS + 1]
        items = [{"start": s.start, "end": s.end, "local_start": s.start.astimezone(zone)} for s in page]
        answer = {"time_zone": time_zone, "slots": items, "next_start": rest[0].start if rest else None}
        return orjson.dumps(answer, option=orjson.OPT_UTC_Z)

    question = (owner, slug, *window, time_zone)
    body = compute() if rt.listing is None else rt.listing.answers.get(question, now, compute)
    return Response(body, media_type="application/json")


@router.post("/public/{owner}/{slug}/bookings", status_code=201, response_model=ManagedBooking)
def create_booking(
    owner: str,
    slug: str,
    request: BookingIn,
    rt: RuntimeDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
) -> Response:
    """Book one of the offered starts. Retries with the same ``Idempotency-Key`` get the same answer.

    The answer is written as it was built, not validated again against ``ManagedBooking``.
    """

    def book(session: Session) -> ManagedBooking:
        event_type = _event_type(session, owner, slug)  # held: the answer reads it from the session again
        booked = service.book(session, event_type, request, rt.clock(), rt.video, payments=rt.payments)
        return _managed(session, rt, booked.booking, booked.hosts)

    def work(session: Session) -> tuple[int, dict[str, object]]:
        return 201, book(session).model_dump(mode="json")

    if idempotency_key is None:
        with rt.db.transaction(write=True) as session:
            body = book(session).model_dump_json()
        return Response(body, status_code=201, media_type="application/json")
    fingerprint = request_hash(f"book:{owner}/{slug}", request.model_dump(mode="json"))
    status, stored = run_once(rt.db, idempotency_key, fingerprint, work)
    return Response(orjson.dumps(stored), status_code=status, media_type="application/json")


def _current(session: Session, rt: Runtime, token: str) -> Booking:
    booking = repository.booking_by_uid(session, verify_manage_token(rt.secret, token))
    if booking is None:
        raise NotFound("This manage link is not valid.")
    return repository.latest_in_chain(session, booking)


@router.get("/manage/{token}", response_model=ManagedBooking)
def view_booking(token: str, rt: RuntimeDep) -> ManagedBooking:
    """The booking a manage link points to (after reschedules: the current one)."""
    with rt.db.transaction() as session:
        return _managed(session, rt, _current(session, rt, token))


@router.post("/manage/{token}/cancel", response_model=ManagedBooking)
def cancel_booking(token: str, rt: RuntimeDep, request: CancelIn = NO_REASON) -> ManagedBooking:
    """Cancel the booking, with an optional reason for the host."""
    with rt.db.transaction(write=True) as session:
        booking = service.cancel(session, _current(session, rt, token), rt.clock(), request.reason)
        return _managed(session, rt, booking)


@router.post("/manage/{token}/reschedule", response_model=ManagedBooking)
def reschedule_booking(token: str, request: RescheduleIn, rt: RuntimeDep) -> ManagedBooking:
    """Move the booking to another offered start; the old link keeps working."""
    with rt.db.transaction(write=True) as session:
        booking = _current(session, rt, token)
        moved = service.reschedule(session, booking, request.start, rt.clock(), request.reason)
        return _managed(session, rt, moved)


@router.get("/manage/{token}/pay", status_code=303, response_class=RedirectResponse)
def pay_booking(token: str, rt: RuntimeDep) -> RedirectResponse:
    """To the payment provider's checkout page for a booking held until it is paid."""
    with rt.db.transaction() as session:
        booking = _current(session, rt, token)
        if booking.status is not BookingStatus.HELD:
            raise Conflict(f"This booking is {booking.status.value}; there is nothing to pay.")
        provider = rt.payments.get(booking.payment_provider or "")
        if provider is None:
            raise Conflict(
                f"Payments by {booking.payment_provider} are not set up here; please ask the host."
            )
        event_type = session.get_one(EventType, booking.event_type_id)
        checkout = Checkout(
            reference=booking.uid,
            title=f"{event_type.title}, {booking.start:%Y-%m-%d %H:%M} UTC",
            amount=booking.price,
            currency=booking.currency,
            email=booking.attendee_email,
            return_url=rt.manage_url(token),
        )
    try:
        return RedirectResponse(provider.checkout_url(checkout), status_code=303)
    except PaymentUnavailable as exc:
        raise ProviderFailed(f"The payment page could not be opened ({exc}); please try again.") from exc


class IcsResponse(Response):
    """An iCalendar file."""

    media_type = "text/calendar; charset=utf-8"


@router.get(
    "/manage/{token}/invite.ics",
    response_class=IcsResponse,
    responses={200: {"content": {"text/calendar": {}}}},
)
def booking_invite(token: str, rt: RuntimeDep) -> IcsResponse:
    """The calendar invite (REQUEST while booked, CANCEL once cancelled)."""
    with rt.db.transaction() as session:
        booking = _current(session, rt, token)
        body = calendar_invite(session, booking, rt.manage_url(token))
    return IcsResponse(body, headers={"Content-Disposition": f'attachment; filename="{booking.uid}.ics"'})
