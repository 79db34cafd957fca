"""Paying for a held booking: the "Pay now" link, Stripe Checkout and Stripe's signed webhook.

The real ``stripe`` SDK talks to the stand-in in ``tests/standins/stripe_api.py``; webhook bodies are
signed exactly as Stripe signs them.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from booking.db import Database
from booking.models import OutboxEvent
from tests.api.paying import book, checkout, status
from tests.booking.factory import setup
from tests.bot.channel import FakeChannel, flow
from tests.settings import app_client, app_settings
from tests.standins.stripe_api import API_KEY, WEBHOOK_SECRET, StripeApi, signature_header, stripe_api

PAID = {"price": 5000, "currency": "EUR", "payment_provider": "stripe"}
WEBHOOK = "/webhooks/stripe"


@pytest.fixture
def stripe() -> Iterator[StripeApi]:
    with stripe_api() as api:
        yield api


@pytest.fixture
def shop(database_url: str, tmp_path: Path, stripe: StripeApi) -> Iterator[TestClient]:
    """The app with Stripe configured against the stand-in, its clock at the factory's ``NOW``."""
    settings = app_settings(
        database_url,
        tmp_path / "data",
        stripe_api_key=API_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stripe.base_url,
    )
    with app_client(settings) as client:
        yield client


def held_with_checkout(client: TestClient, db: Database, stripe: StripeApi) -> tuple[dict[str, Any], str]:
    """A paid event type, a booking held for it, and the Checkout Session its pay link opened."""
    setup(db, **PAID)
    managed = book(client)
    checkout(client, managed)
    [session_id] = stripe.sessions
    return managed, session_id


def deliver(client: TestClient, body: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post(WEBHOOK, content=body, headers=headers).status_code


def test_the_pay_link_opens_one_stripe_checkout_for_the_booking(
    shop: TestClient, db: Database, stripe: StripeApi
) -> None:
    setup(db, **PAID)
    managed = book(shop)
    assert managed["booking"]["status"] == "held"
    assert (managed["booking"]["price"], managed["booking"]["currency"]) == (5000, "EUR")
    assert managed["booking"]["hold_expires_at"] is not None
    assert managed["pay_url"].endswith("/pay")
    page = checkout(shop, managed)
    [session] = stripe.sessions.values()
    assert page == session["url"]
    assert (session["amount_total"], session["currency"]) == (5000, "eur")
    assert session["client_reference_id"] == managed["booking"]["uid"]
    assert session["customer_email"] == "bo@example.com"
    assert session["success_url"] == managed["manage_url"]
    assert checkout(shop, managed) == page  # a second click: the same session, not a second one
    assert len(stripe.sessions) == 1


def test_a_signed_payment_event_books_the_held_time_once(
    shop: TestClient, db: Database, stripe: StripeApi
) -> None:
    managed, session_id = held_with_checkout(shop, db, stripe)
    event = stripe.paid_event(session_id)
    assert deliver(shop, event, signature_header(event)) == 200
    assert status(shop, managed) == "accepted"
    assert deliver(shop, event, signature_header(event)) == 200  # Stripe retries; nothing changes
    with db.transaction() as session:
        kinds = session.exec(select(OutboxEvent.kind).order_by(col(OutboxEvent.id))).all()
    assert kinds.count("booking.paid") == 1
    assert checkout_refused(shop, managed) == 409  # nothing left to pay


def checkout_refused(client: TestClient, managed: dict[str, Any]) -> int:
    answer = client.get(managed["pay_url"], follow_redirects=False)
    assert answer.headers["content-type"] == "application/problem+json"
    return answer.status_code


def test_forged_stale_or_unsigned_events_change_nothing(
    shop: TestClient, db: Database, stripe: StripeApi
) -> None:
    managed, session_id = held_with_checkout(shop, db, stripe)
    event = stripe.paid_event(session_id)
    an_hour_ago = int(time.time()) - 3600
    assert deliver(shop, event, signature_header(event, secret="whsec_someone_else")) == 400
    assert deliver(shop, event, signature_header(event, at=an_hour_ago)) == 400
    assert deliver(shop, event, None) == 400
    assert deliver(shop, event.replace(b"paid", b"PAID", 1), signature_header(event)) == 400
    assert status(shop, managed) == "held"


def test_events_that_are_not_payments_are_acknowledged_only(
    shop: TestClient, db: Database, stripe: StripeApi
) -> None:
    managed, session_id = held_with_checkout(shop, db, stripe)
    event = stripe.paid_event(session_id, kind="checkout.session.expired")
    assert deliver(shop, event, signature_header(event)) == 200
    assert status(shop, managed) == "held"


def test_stripe_refusing_the_checkout_is_a_502_and_the_hold_stands(
    shop: TestClient, db: Database, stripe: StripeApi
) -> None:
    setup(db, **PAID)
    managed = book(shop)
    stripe.fail_next(400, "invalid_request_error", "Invalid currency: eur.", "parameter_invalid_string")
    answer = shop.get(managed["pay_url"], follow_redirects=False)
    assert answer.status_code == 502
    assert "payment page could not be opened" in answer.json()["detail"]
    assert status(shop, managed) == "held"


def test_a_booking_without_anything_to_pay_has_no_checkout(shop: TestClient, db: Database) -> None:
    setup(db)
    managed = book(shop)
    assert managed["pay_url"] is None
    assert checkout_refused(shop, {**managed, "pay_url": managed["manage_url"] + "/pay"}) == 409


def test_a_hold_whose_provider_was_switched_off_since_is_explained(
    shop: TestClient, client: TestClient, db: Database
) -> None:
    """Held while Stripe was set up; the server has since restarted without it."""
    setup(db, **PAID)
    managed = book(shop)
    answer = client.get(managed["pay_url"], follow_redirects=False)
    assert answer.status_code == 409
    assert "not set up here" in answer.json()["detail"]


def test_the_chat_says_up_front_when_a_paid_call_cant_be_booked_here(db: Database) -> None:
    setup(db, **PAID)
    chat = FakeChannel(flow(db))
    answer = " ".join(reply.text for reply in chat.command("start", "ana/intro"))
    assert "paid through Stripe" in answer
    assert "can't be booked here" in answer
    assert chat.buttons() == ["event:ana/intro"], "the event types are offered again, not times"


def test_the_chat_confirmation_of_a_paid_call_links_to_payment(db: Database) -> None:
    setup(db, **PAID)
    chat = FakeChannel(flow(db, payments=frozenset({"stripe"})))
    chat.pick_first_slot()
    chat.say("Bo")
    chat.say("bo@example.com")
    chat.press("confirm")
    done = chat.last
    assert "pay 50.00 EUR by then" in done.text
    assert done.links[0].label == "Pay now"
    assert done.links[0].url.endswith("/pay")
