"""Steps shared by the payment tests: book a held call over the API, follow its pay link, read its state."""

from typing import Any

from fastapi.testclient import TestClient

from tests.booking.factory import MONDAY_10


def book(client: TestClient) -> dict[str, Any]:
    body = {"start": MONDAY_10.isoformat(), "attendee": {"name": "Bo", "email": "bo@example.com"}}
    created = client.post("/v1/public/ana/intro/bookings", json=body)
    assert created.status_code == 201, created.text
    managed: dict[str, Any] = created.json()
    return managed


def checkout(client: TestClient, managed: dict[str, Any]) -> str:
    """Follow the booking's pay link one step: where it redirects."""
    answer = client.get(managed["pay_url"], follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def status(client: TestClient, managed: dict[str, Any]) -> str:
    return str(client.get(managed["manage_url"]).json()["booking"]["status"])
