"""The booking lifecycle on real SQLite and PostgreSQL databases built by the migrations."""

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from booking import catalog, hosts, repository, service
from booking.calendar import setup_of, slot_query
from booking.db import Database, make_engine
from booking.errors import Conflict, InvalidRequest, SlotTaken
from booking.models import Booking, BookingHost, BusyBlock, EventType, Host, OutboxEvent, Schedule
from booking.models.bookings import BookingStatus
from booking.schemas import BusyBlockIn, ScheduleIn
from engine import find_slots
from tests.booking.factory import (
    MONDAY_10,
    NOW,
    PAYMENTS,
    VIDEO,
    add_event_type,
    add_host,
    later,
    request,
    setup,
)
from tests.databases import empty_postgres


def book(db: Database, event_type_id: int, start=MONDAY_10, now=NOW, **answers) -> Booking:  # type: ignore[no-untyped-def]
    with db.transaction(write=True) as session:
        event_type = session.get_one(EventType, event_type_id)
        return service.book(
            session, event_type, request(start, **answers), now, VIDEO, payments=PAYMENTS
        ).booking


def status_of(db: Database, uid: str) -> BookingStatus:
    with db.transaction() as session:
        booking = repository.booking_by_uid(session, uid)
        assert booking is not None
        return booking.status


def offered(db: Database, event_type_id: int, now=NOW) -> list[str]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        event_type = setup_of(session, session.get_one(EventType, event_type_id))
        query = slot_query(session, event_type, (MONDAY_10, MONDAY_10 + timedelta(hours=2)), now, "UTC")
        return [slot.start.strftime("%H:%M") for slot in find_slots(query)]


def outbox_kinds(db: Database) -> list[str]:
    with db.transaction() as session:
        return list(session.exec(select(OutboxEvent.kind).order_by(col(OutboxEvent.id))).all())


def test_a_free_event_is_accepted_and_its_slot_disappears(db: Database) -> None:
    _, event_type = setup(db)
    assert offered(db, event_type)[0] == "10:00"
    booking = book(db, event_type)
    assert booking.status is BookingStatus.ACCEPTED
    assert booking.location == VIDEO.link(booking.uid)
    assert "10:00" not in offered(db, event_type)
    assert outbox_kinds(db) == ["booking.accepted"]


def test_a_start_that_is_not_offered_is_refused(db: Database) -> None:
    _, event_type = setup(db)
    with pytest.raises(SlotTaken):
        book(db, event_type, later(7))
    with pytest.raises(SlotTaken):
        book(db, event_type, NOW)


def test_the_same_slot_cannot_be_booked_twice(db: Database) -> None:
    _, event_type = setup(db)
    book(db, event_type)
    with pytest.raises(SlotTaken):
        book(db, event_type)
    assert outbox_kinds(db) == ["booking.accepted"]


def test_buffers_keep_the_next_booking_away(db: Database) -> None:
    _, event_type = setup(db, buffer_after=15)
    book(db, event_type)
    assert offered(db, event_type)[:2] == ["11:00", "11:30"]


def test_a_paid_event_holds_until_expiry(db: Database) -> None:
    _, event_type = setup(db, price=5000, payment_provider="stripe", hold_minutes=15)
    held = book(db, event_type)
    assert held.status is BookingStatus.HELD
    assert held.hold_expires_at == NOW + timedelta(minutes=15)
    assert "10:00" not in offered(db, event_type)
    after = NOW + timedelta(minutes=15)
    assert "10:00" in offered(db, event_type, now=after)
    with db.transaction(write=True) as session:
        assert service.expire_holds(session, after) == 1
    assert status_of(db, held.uid) is BookingStatus.EXPIRED
    assert outbox_kinds(db) == ["booking.held", "booking.expired"]


def test_a_lapsed_hold_does_not_stop_a_new_booking(db: Database) -> None:
    _, event_type = setup(db, price=5000, payment_provider="stripe", hold_minutes=15)
    held = book(db, event_type)
    again = book(db, event_type, now=NOW + timedelta(minutes=20))
    assert again.status is BookingStatus.HELD
    assert status_of(db, held.uid) is BookingStatus.EXPIRED


def test_payment_accepts_a_hold_once(db: Database) -> None:
    _, event_type = setup(db, price=5000, payment_provider="stripe")
    held = book(db, event_type)
    for _ in range(2):
        with db.transaction(write=True) as session:
            booking = session.get_one(Booking, held.id)
            service.mark_paid(session, booking, "pi_1", NOW + timedelta(minutes=1))
    assert status_of(db, held.uid) is BookingStatus.ACCEPTED
    assert outbox_kinds(db) == ["booking.held", "booking.paid"]


def test_a_late_payment_revives_a_hold_if_the_time_is_still_free(db: Database) -> None:
    _, event_type = setup(db, price=5000, payment_provider="stripe", hold_minutes=15)
    held = book(db, event_type)
    late = NOW + timedelta(minutes=30)
    with db.transaction(write=True) as session:
        service.expire_holds(session, late)
    with db.transaction(write=True) as session:
        service.mark_paid(session, session.get_one(Booking, held.id), "pi_1", late)
    assert status_of(db, held.uid) is BookingStatus.ACCEPTED


def test_a_late_payment_for_time_taken_meanwhile_is_refused(db: Database) -> None:
    _, event_type = setup(db, price=5000, payment_provider="stripe", hold_minutes=15)
    held = book(db, event_type)
    book(db, event_type, now=NOW + timedelta(minutes=20))
    with pytest.raises(SlotTaken), db.transaction(write=True) as session:
        service.mark_paid(session, session.get_one(Booking, held.id), "pi_1", NOW + timedelta(minutes=30))
    assert status_of(db, held.uid) is BookingStatus.EXPIRED


def test_confirmation_flow(db: Database) -> None:
    _, event_type = setup(db, requires_confirmation=True)
    pending = book(db, event_type)
    assert pending.status is BookingStatus.PENDING
    assert "10:00" not in offered(db, event_type)
    with db.transaction(write=True) as session:
        service.confirm(session, session.get_one(Booking, pending.id), NOW)
    assert status_of(db, pending.uid) is BookingStatus.ACCEPTED
    other = book(db, event_type, later(60))
    with db.transaction(write=True) as session:
        service.reject(session, session.get_one(Booking, other.id), NOW, "double-booked elsewhere")
    with pytest.raises(Conflict), db.transaction(write=True) as session:
        service.confirm(session, session.get_one(Booking, other.id), NOW)
    assert "11:00" in offered(db, event_type)


def test_overlapping_requests_when_pending_does_not_block_one_confirm_wins(db: Database) -> None:
    _, event_type = setup(db, requires_confirmation=True, pending_blocks=False)
    first, second = book(db, event_type), book(db, event_type)
    with db.transaction(write=True) as session:
        service.confirm(session, session.get_one(Booking, first.id), NOW)
    with pytest.raises(SlotTaken), db.transaction(write=True) as session:
        service.confirm(session, session.get_one(Booking, second.id), NOW)
    assert status_of(db, second.uid) is BookingStatus.PENDING


def test_cancel_frees_the_time_and_cannot_repeat(db: Database) -> None:
    _, event_type = setup(db)
    booking = book(db, event_type)
    with db.transaction(write=True) as session:
        service.cancel(session, session.get_one(Booking, booking.id), NOW, "sick")
    assert "10:00" in offered(db, event_type)
    with pytest.raises(Conflict, match="cancelled"), db.transaction(write=True) as session:
        service.cancel(session, session.get_one(Booking, booking.id), NOW)
    with db.transaction() as session:
        stored = session.get_one(Booking, booking.id)
        assert stored.cancel_reason == "sick"
        assert stored.sequence == 1


def test_reschedule_links_old_and_new_and_may_overlap_itself(db: Database) -> None:
    _, event_type = setup(db, duration=60, interval=30)
    old = book(db, event_type)
    with db.transaction(write=True) as session:
        new = service.reschedule(session, session.get_one(Booking, old.id), later(30), NOW, "later please")
        new_uid = new.uid
    with db.transaction() as session:
        stored_old = session.get_one(Booking, old.id)
        current = repository.latest_in_chain(session, stored_old)
        assert stored_old.status is BookingStatus.CANCELLED
        assert current.uid == new_uid
        assert current.start == later(30)
        assert current.ical_uid == stored_old.ical_uid
        assert current.sequence == stored_old.sequence
        assert current.rescheduled_from_id == stored_old.id
    assert outbox_kinds(db) == ["booking.accepted", "booking.rescheduled"]


def test_a_failed_reschedule_leaves_the_booking_as_it_was(db: Database) -> None:
    _, event_type = setup(db)
    old = book(db, event_type)
    book(db, event_type, later(60))
    with pytest.raises(SlotTaken), db.transaction(write=True) as session:
        service.reschedule(session, session.get_one(Booking, old.id), later(60), NOW)
    assert status_of(db, old.uid) is BookingStatus.ACCEPTED
    with db.transaction(write=True) as session:
        booking = session.get_one(Booking, old.id)
        service.cancel(session, booking, NOW)
    with pytest.raises(Conflict), db.transaction(write=True) as session:
        service.reschedule(session, session.get_one(Booking, old.id), later(120), NOW)


def test_intake_answers_are_checked_per_type(db: Database) -> None:
    questions = [
        {"key": "topic", "label": "Topic", "type": "long_text"},
        {"key": "seats", "label": "Seats", "type": "number"},
        {"key": "plan", "label": "Plan", "type": "choice", "options": ["Basic", "Pro"]},
        {"key": "phone", "label": "Phone", "type": "phone", "required": False},
    ]
    _, event_type = setup(db, questions=questions)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"seats": 2, "plan": "Pro"}, "'Topic' needs an answer"),
        ({"topic": "x", "seats": "two", "plan": "Pro"}, "Seats"),
        ({"topic": "x", "seats": 2, "plan": "Gold"}, "Basic, Pro"),
        ({"topic": "x", "seats": 2, "plan": "Pro", "phone": "call me"}, "phone number"),
        ({"topic": "x", "seats": 2, "plan": "Pro", "extra": 1}, "unknown question"),
    ]
    for answers, message in cases:
        with pytest.raises(InvalidRequest, match=message):
            book(db, event_type, **answers)
    booking = book(db, event_type, topic=" Pricing ", seats="2", plan="pro")
    assert booking.answers == {"topic": "Pricing", "seats": 2, "plan": "Pro"}


def test_answers_no_column_can_hold_or_of_the_wrong_shape_are_refused(db: Database) -> None:
    questions = [
        {"key": "seats", "label": "Seats", "type": "number", "required": False},
        {"key": "mail", "label": "Mail", "type": "email", "required": False},
        {"key": "note", "label": "Note", "required": False},
    ]
    _, event_type = setup(db, questions=questions)
    wrong: list[dict[str, Any]] = [
        {"seats": value} for value in ("nan", "inf", "-Infinity", "1" + "0" * 400, 1e300, 2**64, [2])
    ]
    wrong += [{"mail": ["bo@example.com"]}, {"mail": {"to": "bo@example.com"}}, {"note": ["a"]}]
    for answers in wrong:
        with pytest.raises(InvalidRequest):
            book(db, event_type, **answers)
    too_many: dict[str, Any] = {f"q{i}": "x" for i in range(1000)}
    with pytest.raises(InvalidRequest, match=r"and 995 more$"):
        book(db, event_type, **too_many)
    with db.transaction() as session:
        assert session.exec(select(Booking)).all() == []


def test_the_database_refuses_overlapping_rows_on_its_own(db: Database) -> None:
    host, event_type = setup(db)
    booking = book(db, event_type)
    overlapping = BookingHost(
        booking_id=booking.id or 0, host_id=host, blocked_start=later(29), blocked_end=later(45)
    )
    with pytest.raises(SlotTaken), db.transaction(write=True) as session:
        session.add(overlapping)
    with db.transaction(write=True) as session:
        session.add(
            BookingHost(
                booking_id=booking.id or 0, host_id=host, blocked_start=later(30), blocked_end=later(45)
            )
        )


def test_confirming_respects_limits_and_busy_time_added_since(db: Database) -> None:
    host, event_type = setup(
        db,
        requires_confirmation=True,
        pending_blocks=False,
        limits=[{"unit": "day", "maximum": 1}],
    )
    morning, noon = book(db, event_type), book(db, event_type, later(120))
    with db.transaction(write=True) as session:
        service.confirm(session, session.get_one(Booking, morning.id), NOW)
    with pytest.raises(SlotTaken, match="limit"), db.transaction(write=True) as session:
        service.confirm(session, session.get_one(Booking, noon.id), NOW)
    with db.transaction(write=True) as session:
        session.add(BusyBlock(host_id=host, start=later(-30), end=later(30)))
        service.cancel(session, session.get_one(Booking, morning.id), NOW)
    retry = book(db, event_type, later(240))
    with db.transaction(write=True) as session:
        service.confirm(session, session.get_one(Booking, retry.id), NOW)
    with db.transaction(write=True) as session:
        service.cancel(session, session.get_one(Booking, retry.id), NOW)
    blocked = book(db, event_type, later(300))
    with db.transaction(write=True) as session:
        session.add(BusyBlock(host_id=host, start=later(300), end=later(330)))
    with pytest.raises(SlotTaken), db.transaction(write=True) as session:
        service.confirm(session, session.get_one(Booking, blocked.id), NOW)


def test_an_event_type_follows_its_own_schedule_and_falls_back_to_the_default(db: Database) -> None:
    host_id, event_type_id = setup(db)  # the default: a 09:00-17:00 workweek
    monday_late = [{"weekday": 1, "start": "11:00", "end": "12:00"}]
    late_only = {"name": "Late", "time_zone": "UTC", "weekly": monday_late}
    with db.transaction(write=True) as session:
        host = session.get_one(Host, host_id)
        schedule = catalog.save_schedule(session, host, ScheduleIn.model_validate(late_only))
        event_type = session.get_one(EventType, event_type_id)
        event_type.schedule_id = schedule.id
        session.add(event_type)
    assert offered(db, event_type_id) == ["11:00", "11:30"]
    with db.transaction(write=True) as session:
        catalog.delete_schedule(session, session.get_one(Schedule, schedule.id))
    assert offered(db, event_type_id)[:2] == ["10:00", "10:30"]


def test_a_team_booking_takes_its_fixed_host_and_rotates_the_group(db: Database) -> None:
    with db.transaction(write=True) as session:
        ana, ben, cy = (add_host(session, slug) for slug in ("ana", "ben", "cy"))
        team = hosts.create_team(session, ana, hosts.TeamIn(slug="sales", name="Sales"))
        for member in (ben, cy):
            hosts.set_member(session, team, member, "rr")
        event_type_id = add_event_type(session, ana, slug="demo", team_id=team.id).id
    first, second = book(db, event_type_id or 0), book(db, event_type_id or 0, later(60))
    with db.transaction() as session:
        first_hosts = set(repository.host_slugs(session, first.id or 0))
        second_hosts = set(repository.host_slugs(session, second.id or 0))
    # the fixed owner attends both; the round-robin group takes turns
    assert sorted([first_hosts, second_hosts], key=sorted) == [{"ana", "ben"}, {"ana", "cy"}]


def test_busy_reads_reach_back_as_far_as_the_longest_block(db: Database) -> None:
    """The open-bookings query bounds its index range by ``LONGEST_BLOCK``; the longest block still shows."""
    host, event_type = setup(db)
    booking = book(db, event_type)
    with db.transaction(write=True) as session:
        for share in session.exec(select(BookingHost).where(BookingHost.booking_id == booking.id)):
            share.blocked_start = share.blocked_end - repository.LONGEST_BLOCK
            session.add(share)
    ends = booking.end  # of its blocked time too: the factory's event type has no buffers
    later_half_hour = timedelta(minutes=30)
    with db.transaction() as session:
        found = repository.busy_time(session, [host], ends - timedelta(seconds=1), ends + later_half_hour)
        too_late = repository.busy_time(session, [host], ends, ends + later_half_hour)
    assert [row.booking_id for row in found.bookings] == [booking.id]
    assert too_late.bookings == []


def test_a_longer_buffer_set_after_booking_reaches_into_the_next_day(db: Database) -> None:
    """Stored blocked time keeps the buffers a booking was made with; the engine applies today's.

    A 16:30 booking's stored time ends at 17:00 Monday. With the buffer after raised to 17 hours it
    keeps Tuesday free until 10:00, though Tuesday's reads start at Tuesday's midnight.
    """
    _, event_type = setup(db)
    book(db, event_type, later(6 * 60 + 30))
    with db.transaction(write=True) as session:
        session.get_one(EventType, event_type).buffer_after = 17 * 60
    tuesday_9 = MONDAY_10 + timedelta(hours=23)
    with db.transaction() as session:
        query = slot_query(
            session,
            setup_of(session, session.get_one(EventType, event_type)),
            (tuesday_9, tuesday_9 + timedelta(hours=2)),
            NOW,
            "UTC",
        )
        assert [slot.start.strftime("%H:%M") for slot in find_slots(query)][:1] == ["10:00"]
    with pytest.raises(SlotTaken):
        book(db, event_type, tuesday_9)


def test_busy_time_older_than_a_day_still_sets_the_grid_of_hours_that_never_stop(db: Database) -> None:
    """A 45-minute grid runs from where free time began: here Monday 10:07, two days before the window.

    With nothing blocked in the day before the window, the first read can't settle the answer, so
    the older busy block is read too (without it the grid would follow the fixed phase).
    """
    with db.transaction(write=True) as session:
        host = add_host(session)
        always = [{"weekday": day, "start": "00:00", "end": "23:59"} for day in range(1, 8)]
        spec = ScheduleIn.model_validate({"name": "Always", "time_zone": "UTC", "weekly": always})
        schedule = session.exec(select(Schedule).where(Schedule.host_id == host.id)).one()
        catalog.save_schedule(session, host, spec, schedule)
        event_type = add_event_type(session, host, interval=45).id or 0
        block = BusyBlockIn(start=later(-60), end=later(7))
        catalog.save_busy_block(session, host, block)
    wednesday_10 = MONDAY_10 + timedelta(days=2)
    with db.transaction() as session:
        window = (wednesday_10, wednesday_10 + timedelta(hours=2))
        query = slot_query(
            session, setup_of(session, session.get_one(EventType, event_type)), window, NOW, "UTC"
        )
        assert [slot.start.strftime("%H:%M") for slot in find_slots(query)] == ["10:15", "11:00", "11:45"]


@pytest.fixture
def postgres(postgres_url: str) -> Iterator[Database]:
    """PostgreSQL alone: only there do two write transactions run side by side."""
    database = Database(make_engine(postgres_url))
    yield database
    empty_postgres(database)
    database.engine.dispose()


@pytest.mark.parametrize("second", ["reschedule", "cancel"])
def test_a_change_made_meanwhile_is_seen_before_changing_a_booking(postgres: Database, second: str) -> None:
    """An invitee's reschedule (or a second cancel) read the booking, the host's cancel committed, and
    the reschedule went through on what it had read: the invitee was told it was cancelled while a new
    booking stood. Found by racing requests at a real server; here the same interleaving, in order."""
    _, event_type = setup(postgres)
    booking = book(postgres, event_type)
    loaded, cancelled = threading.Event(), threading.Event()
    outcome: list[str] = []

    def change_what_was_read() -> None:
        try:
            with postgres.transaction(write=True) as session:
                read = session.get_one(Booking, booking.id)
                loaded.set()
                cancelled.wait(10)
                if second == "reschedule":
                    service.reschedule(session, read, later(120), NOW)
                else:
                    service.cancel(session, read, NOW)
            outcome.append("changed")
        except Conflict:
            outcome.append("conflict")

    other = threading.Thread(target=change_what_was_read)
    other.start()
    assert loaded.wait(10)
    with postgres.transaction(write=True) as session:
        service.cancel(session, session.get_one(Booking, booking.id), NOW)
    cancelled.set()
    other.join(10)
    assert outcome == ["conflict"]
    with postgres.transaction() as session:
        assert [row.status for row in session.exec(select(Booking))] == [BookingStatus.CANCELLED]
        kinds = session.exec(select(OutboxEvent.kind).order_by(col(OutboxEvent.id))).all()
        assert kinds == ["booking.accepted", "booking.cancelled"]
