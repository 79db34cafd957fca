"""The web chat as a person uses it: headless Chromium clicking through to a confirmed booking.

Uses Debian's Chromium (``/usr/bin/chromium``) through Playwright with ``executable_path``; nothing is
downloaded. Outside CI a machine without Chromium skips this (CI installs it and must run it).
"""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlmodel import select

from booking import catalog
from booking.db import Database
from booking.models import Booking
from booking.models.bookings import BookingStatus
from booking.schemas import ScheduleIn
from tests.api.live_server import (
    LiveServer,
    live_server_fixture,  # noqa: F401
)
from tests.booking.factory import add_event_type, add_host

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROUND_THE_CLOCK = [{"weekday": day, "start": "00:00", "end": "23:59"} for day in range(1, 8)]


def seed(db: Database) -> None:
    with db.transaction(write=True) as session:
        host = add_host(session, "ana")
        spec = {"name": "Always", "time_zone": "UTC", "weekly": ROUND_THE_CLOCK, "is_default": True}
        catalog.save_schedule(session, host, ScheduleIn.model_validate(spec))
        questions = [{"key": "topic", "label": "What should we discuss?", "type": "text"}]
        add_event_type(session, host, questions=questions)


def click(page: Page, label: str) -> None:
    page.locator(".msg").last.get_by_role("button", name=label).first.click()


def say(page: Page, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_a_newcomer_books_in_the_browser(live_server: LiveServer, db: Database, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    seed(db)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(f"{live_server.base_url}/chat/ana/intro")
        expect(page.locator(".msg").last).to_contain_text("Which time zone")
        say(page, "Lisbon")
        expect(page.locator(".msg").last).to_contain_text("Europe/Lisbon")
        click(page, "Yes")
        expect(page.locator(".msg").last).to_contain_text("your time, Europe/Lisbon")
        page.locator(".msg").last.get_by_role("button").first.click()
        expect(page.locator(".msg").last).to_contain_text("What name")
        say(page, "Bo Li")
        click(page, "Skip")
        say(page, "Pricing")
        expect(page.locator(".msg").last).to_contain_text("Please check")
        click(page, "Confirm")
        expect(page.locator(".msg").last).to_contain_text("Booked: Intro call")
        expect(page.get_by_role("link", name="Add to calendar")).to_have_count(1)
        page.screenshot(path=str(tmp_path / "web-chat.png"), full_page=True)
        browser.close()
    with db.transaction() as session:
        [booking] = session.exec(select(Booking)).all()
    assert booking.status is BookingStatus.ACCEPTED
    assert booking.channel == "web"
    assert booking.answers == {"topic": "Pricing"}
