"""Paying for a held booking with Razorpay Payment Links, confirmed by Razorpay's signed webhook.

The real ``razorpay`` SDK talks to the stand-in in ``tests/standins/razorpay_api.py``; webhook bodies
are signed exactly as Razorpay signs them.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from booking.db import Database
from tests.api.paying import book, checkout, status
from tests.booking.factory import setup
from tests.settings import app_client, app_settings
from tests.standins.razorpay_api import (
    KEY_ID,
    KEY_SECRET,
    WEBHOOK_SECRET,
    RazorpayApi,
    razorpay_api,
    signature,
)

PAID = {"price": 150000, "currency": "INR", "payment_provider": "razorpay"}
WEBHOOK = "/webhooks/razorpay"


@pytest.fixture
def razorpay() -> Iterator[RazorpayApi]:
    with razorpay_api() as api:
        yield api


@pytest.fixture
def shop(database_url: str, tmp_path: Path, razorpay: RazorpayApi) -> Iterator[TestClient]:
    """The app with Razorpay configured against the stand-in, its clock at the factory's ``NOW``."""
    settings = app_settings(
        database_url,
        tmp_path / "data",
        razorpay_key_id=KEY_ID,
        razorpay_key_secret=KEY_SECRET,
        razorpay_webhook_secret=WEBHOOK_SECRET,
        razorpay_base_url=razorpay.base_url,
    )
    with app_client(settings) as client:
        yield client


def test_the_pay_link_opens_one_razorpay_link_for_the_booking(
    shop: TestClient, db: Database, razorpay: RazorpayApi
) -> None:
    setup(db, **PAID)
    managed = book(shop)
    page = checkout(shop, managed)
    [link] = razorpay.links.values()
    assert page == link["short_url"]
    assert (link["amount"], link["currency"]) == (150000, "INR")
    assert link["reference_id"] == managed["booking"]["uid"]
    assert link["customer"] == {"email": "bo@example.com"}
    assert link["callback_url"] == managed["manage_url"]
    assert checkout(shop, managed) == page  # Razorpay refuses a second link per reference: reuse it
    assert len(razorpay.links) == 1


def test_a_signed_paid_event_books_the_held_time_once(
    shop: TestClient, db: Database, razorpay: RazorpayApi
) -> None:
    setup(db, **PAID)
    managed = book(shop)
    checkout(shop, managed)
    [link_id] = razorpay.links
    body, headers = razorpay.paid_event(link_id)
    forged = {**headers, "X-Razorpay-Signature": signature(body, "someone-else")}
    assert shop.post(WEBHOOK, content=body, headers=forged).status_code == 400
    assert shop.post(WEBHOOK, content=body, headers={}).status_code == 400
    assert status(shop, managed) == "held"
    assert shop.post(WEBHOOK, content=body, headers=headers).status_code == 200
    assert status(shop, managed) == "accepted"
    assert shop.post(WEBHOOK, content=body, headers=headers).status_code == 200  # a redelivery
    assert status(shop, managed) == "accepted"


def test_razorpay_refusing_the_link_is_a_502_and_the_hold_stands(
    shop: TestClient, db: Database, razorpay: RazorpayApi
) -> None:
    setup(db, **PAID)
    managed = book(shop)
    razorpay.fail_next(400, "The currency field is invalid")
    answer = shop.get(managed["pay_url"], follow_redirects=False)
    assert answer.status_code == 502
    assert "The currency field is invalid" in answer.json()["detail"]
    assert status(shop, managed) == "held"
