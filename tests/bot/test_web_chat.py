"""The web chat's HTTP face: the page, the JSON exchange, and bad input."""

import base64
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from booking.db import Database
from tests.booking.factory import setup
from tests.settings import app_client, app_settings
from tests.standins.gemini_api import API_KEY, gemini_api

CHAT = "test-chat-0123456789"


def send(client: TestClient, kind: str, text: str, argument: str = "") -> list[dict[str, Any]]:
    response = client.post(
        "/chat/messages", json={"chat_id": CHAT, "kind": kind, "text": text, "argument": argument}
    )
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()
    return replies


def test_pages_are_served(client: TestClient) -> None:
    for path in ("/", "/chat/ana/intro"):
        page = client.get(path)
        assert page.status_code == 200
        assert "chat/messages" in page.text


def test_booking_over_the_web_chat(client: TestClient, db: Database) -> None:
    setup(db)
    assert "time zone" in send(client, "command", "start", "ana/intro")[-1]["text"]
    send(client, "text", "Tokyo")
    slots = send(client, "choice", "yes")[-1]["choices"]
    assert slots[0][0]["label"] == "Mon 7 Jan 18:00"
    send(client, "choice", slots[0][0]["value"])
    send(client, "text", "Bo")
    summary = send(client, "choice", "skip")[-1]
    assert "Please check" in summary["text"]
    done = send(client, "choice", "confirm")[-1]
    assert done["text"].startswith("Booked")
    invite = base64.b64decode(done["files"][0]["base64"])
    assert b"BEGIN:VCALENDAR" in invite


def test_bad_messages_are_422(client: TestClient) -> None:
    bad = [
        {"chat_id": "short", "kind": "text", "text": "hi"},
        {"chat_id": CHAT, "kind": "shout", "text": "hi"},
        {"chat_id": CHAT, "kind": "text", "text": "x" * 2001},
        {"chat_id": CHAT, "kind": "text", "text": "hi", "admin": True},
        {"chat_id": CHAT, "kind": "text", "text": "h\u0000i"},
    ]
    for body in bad:
        assert client.post("/chat/messages", json=body).status_code == 422


def test_the_app_asks_gemini_when_its_key_is_set(db: Database, database_url: str, tmp_path: Path) -> None:
    """Settings → composition root → chat flow: GEMINI_API_KEY and GEMINI_BASE_URL reach the SDK."""
    setup(db)
    with gemini_api() as gemini:
        gemini.answer("mercredi", "wednesday morning")
        settings = app_settings(
            database_url, tmp_path, gemini_api_key=API_KEY, gemini_base_url=gemini.base_url
        )
        with app_client(settings) as client:
            send(client, "command", "start", "ana/intro")
            send(client, "text", "UTC")
            send(client, "choice", "yes")
            offered = send(client, "text", "mercredi matin")[-1]
    assert offered["text"].startswith("Free times Wed 9 Jan, morning")
    assert len(gemini.requests) == 1
