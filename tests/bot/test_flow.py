"""The conversation end to end through a fake channel, on SQLite and PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from booking.db import Database
from booking.models import Booking
from booking.models.bookings import BookingStatus
from tests.booking.factory import setup
from tests.bot.channel import FakeChannel, flow

QUESTIONS: list[dict[str, Any]] = [
    {"key": "topic", "label": "What should we discuss?", "type": "long_text"},
    {"key": "people", "label": "How many people?", "type": "number"},
]


def bookings(db: Database) -> list[Booking]:
    with db.transaction() as session:
        return list(session.exec(select(Booking).order_by(Booking.id)).all())  # type: ignore[arg-type]


def book_through(chat: FakeChannel, slot_index: int = 0) -> None:
    """From a fresh chat: start, zone, first slot, name, email, answers, confirm."""
    chat.command("start", "ana/intro")
    if "time zone" in chat.last.text:
        chat.say("Berlin")
        chat.press("yes")
    chat.press(chat.slot_buttons()[slot_index])
    if "name" in chat.last.text:
        chat.say("Bo Li")
    if "email" in chat.last.text:
        chat.say("bo@example.com")
    while "Please check" not in chat.last.text:
        chat.say("3" if "How many" in chat.last.text else "Pricing")
    chat.press("confirm")


def test_a_whole_booking(db: Database) -> None:
    setup(db, questions=QUESTIONS)
    chat = FakeChannel(flow(db))
    chat.command("start", "ana/intro")
    assert "time zone" in chat.last.text
    chat.say("berlin")
    assert "Europe/Berlin" in chat.last.text
    chat.press("yes")
    assert "your time, Europe/Berlin" in chat.last.text
    first = chat.slot_buttons()[0]
    assert first == "slot:2030-01-07T09:00:00+00:00"
    assert chat.last.choices[0][0].label == "Mon 7 Jan 10:00"
    chat.press(first)
    chat.say("Bo Li")
    chat.say("bo@example.com")
    assert chat.last.text == "What should we discuss?"
    chat.say("Pricing")
    chat.say("3")
    assert "Please check" in chat.last.text
    assert "Mon 7 Jan 10:00 (Europe/Berlin), Mon 7 Jan 09:00 for the host (UTC)" in chat.last.text
    chat.press("confirm")
    done = chat.last
    assert done.text.startswith("Booked: Intro call")
    assert done.attachments[0].media_type == "text/calendar"
    assert b"METHOD:REQUEST" in done.attachments[0].content
    assert [link.label for link in done.links] == ["Join the call", "Manage booking"]
    [stored] = bookings(db)
    assert stored.answers == {"topic": "Pricing", "people": 3}
    assert stored.attendee_time_zone == "Europe/Berlin"
    assert (stored.channel, stored.channel_user_id) == ("fake", "u1")


def test_nul_characters_never_reach_the_database(db: Database) -> None:
    """No channel should send U+0000 and PostgreSQL can't store it; the flow drops it on arrival."""
    setup(db, questions=QUESTIONS)
    chat = FakeChannel(flow(db))
    chat.pick_first_slot(zone="berlin")
    chat.say("Bo\x00 Li")
    chat.say("bo@example.com")
    chat.say("Pri\x00cing")
    chat.say("3")
    chat.press("confirm")
    [stored] = bookings(db)
    assert (stored.attendee_name, stored.answers["topic"]) == ("Bo Li", "Pricing")


def test_bad_answers_are_reasked_with_help(db: Database) -> None:
    setup(db, questions=QUESTIONS)
    chat = FakeChannel(flow(db))
    chat.command("start", "ana/intro")
    chat.say("Atlantis")
    assert "don't know that one" in chat.last.text
    chat.say("UTC+2")
    chat.press("no")
    chat.say("Asia/Kolkata")
    chat.press("yes")
    chat.say("I'd like something purple")
    assert chat.last.text.startswith("Pick one of these times")
    chat.press(chat.slot_buttons()[0])
    chat.say("   ")
    assert "Just your name" in chat.last.text
    chat.say("Bo")
    chat.say("not-an-email")
    assert "doesn't look like an email" in chat.last.text
    chat.press("skip")
    chat.say("Pricing")
    chat.say("a few")
    assert "number" in chat.replies[-2].text
    assert chat.last.text == "How many people?"
    chat.say("2")
    chat.press("confirm")
    assert bookings(db)[0].attendee_email is None


def test_a_double_tap_books_once(db: Database) -> None:
    setup(db)
    chat = FakeChannel(flow(db), name="Bo", zone="UTC")
    book_through(chat)
    chat.press("confirm")
    assert "already done" in chat.last.text
    assert len(bookings(db)) == 1


def test_a_slot_taken_meanwhile_gets_an_apology_and_fresh_times(db: Database) -> None:
    setup(db)
    first = FakeChannel(flow(db), "u1", "Ann", "UTC")
    second = FakeChannel(flow(db), "u2", "Ben", "UTC")
    for chat in (first, second):
        chat.command("start", "ana/intro")
        chat.press(chat.slot_buttons()[0])
        chat.press("skip")
    first.press("confirm")
    second.press("confirm")
    assert second.last.text.startswith("Sorry, someone just took that time.")
    assert "slot:2030-01-07T09:00:00+00:00" not in second.slot_buttons()
    assert len(bookings(db)) == 1


def test_a_restart_mid_conversation_loses_nothing(db: Database) -> None:
    setup(db, questions=QUESTIONS)
    before = FakeChannel(flow(db), name="Bo", zone="UTC")
    before.command("start", "ana/intro")
    before.press(before.slot_buttons()[1])
    before.press("skip")
    after = FakeChannel(flow(db), name="Bo", zone="UTC")
    after.say("Pricing")
    assert after.last.text == "How many people?"
    after.say("4")
    after.press("confirm")
    assert bookings(db)[0].start == datetime(2030, 1, 7, 9, 30, tzinfo=UTC)


def test_time_wishes_in_words_filter_real_slots(db: Database) -> None:
    setup(db)
    chat = FakeChannel(flow(db), name="Bo", zone="Europe/Berlin")
    chat.command("start", "ana/intro")
    chat.say("next Tuesday after 3pm")
    offered = [datetime.fromisoformat(value.removeprefix("slot:")) for value in chat.slot_buttons()]
    assert offered
    assert all(moment.date().isoformat() == "2030-01-15" for moment in offered)
    assert all(moment.hour >= 14 for moment in offered)  # 15:00 Berlin = 14:00 UTC
    chat.say("saturday")
    assert "Nothing is free" in chat.last.text


def test_returning_invitees_skip_what_we_know_and_manage_by_chat(db: Database) -> None:
    setup(db)
    chat = FakeChannel(flow(db))
    book_through(chat)
    chat.command("book", "ana/intro")
    assert chat.slot_buttons()
    chat.command("mybookings")
    [only] = [value for value in chat.buttons() if value.startswith("move:")]
    chat.command("start", "ana/intro")
    chat.press(only)
    chat.say("move it to Thursday")
    thursday = chat.slot_buttons()[0]
    assert thursday.startswith("slot:2030-01-10")
    chat.press(thursday)
    chat.press("confirm")
    assert chat.last.text.startswith("Booked")
    old, new = bookings(db)
    assert old.status is BookingStatus.CANCELLED
    assert old.rescheduled_to_id == new.id
    chat.say("please cancel it")
    chat.press("cancel-yes")
    assert "Cancelled" in chat.last.text
    assert bookings(db)[1].status is BookingStatus.CANCELLED


def test_choosing_from_the_list_and_the_platforms_zone(db: Database) -> None:
    setup(db)
    chat = FakeChannel(flow(db), name="Bo", zone="America/New_York")
    chat.command("book")
    assert chat.buttons() == ["event:ana/intro"]
    chat.press("event:ana/intro")
    assert "America/New_York" in chat.last.text
    assert chat.last.choices[0][0].label == "Mon 7 Jan 04:00"


def test_dst_crossing_words_follow_the_invitees_clock(db: Database) -> None:
    setup(db)
    # Saturday 28 March 2026: London springs forward overnight; "tomorrow morning" is Sunday BST.
    host_all_week = FakeChannel(
        flow(db, lambda: datetime(2030, 3, 30, 12, tzinfo=UTC)), name="Bo", zone="Europe/London"
    )
    host_all_week.command("start", "ana/intro")
    host_all_week.say("monday morning")
    offered = [datetime.fromisoformat(value.removeprefix("slot:")) for value in host_all_week.slot_buttons()]
    # London is on BST (UTC+1) on 1 April 2030: "morning" ends at 12:00 BST = 11:00 UTC.
    assert offered
    assert all(moment.astimezone(UTC).hour < 11 for moment in offered)
    assert host_all_week.last.choices[0][0].label == "Mon 1 Apr 10:00"


def test_concurrent_taps_on_confirm_book_once(db: Database) -> None:
    setup(db)
    chat = FakeChannel(flow(db), name="Bo", zone="UTC")
    chat.command("start", "ana/intro")
    chat.press(chat.slot_buttons()[0])
    chat.press("skip")
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: chat.press("confirm"), range(4)))
    texts = [replies[-1].text for replies in answers]
    assert sum(text.startswith("Booked") for text in texts) == 1
    assert sum("already done" in text for text in texts) == 3
    assert len(bookings(db)) == 1
