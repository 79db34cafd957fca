"""The public API as an invitee uses it: event info, slots, booking, manage links, invites."""

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from booking.db import Database
from booking.schemas import MAX_SLOTS
from tests.api.auth import api_key
from tests.booking.factory import MONDAY_10, later, setup

BASE = "/v1/public/ana/intro"
QUESTIONS = [{"key": "topic", "label": "What should we discuss?", "type": "long_text"}]


def body(start: str = "2030-01-07T10:00:00Z", **overrides: Any) -> dict[str, Any]:
    return {
        "start": start,
        "attendee": {"name": "Bo", "email": "bo@example.com", "time_zone": "Asia/Kolkata"},
        "answers": {"topic": "pricing"},
        **overrides,
    }


def test_event_type_info(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    info = client.get(BASE).json()
    assert info["title"] == "Intro call"
    assert info["time_zone"] == "UTC"
    assert info["questions"][0]["key"] == "topic"


def test_slots_in_the_invitees_zone(client: TestClient, db: Database) -> None:
    setup(db)
    answer = client.get(
        f"{BASE}/slots",
        params={"start": "2030-01-07T10:00:00Z", "end": "2030-01-07T11:00:00Z", "time_zone": "Asia/Kolkata"},
    ).json()
    assert answer["time_zone"] == "Asia/Kolkata"
    assert [slot["local_start"] for slot in answer["slots"]] == [
        "2030-01-07T15:30:00+05:30",
        "2030-01-07T16:00:00+05:30",
    ]


def test_booking_and_managing_it(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    created = client.post(f"{BASE}/bookings", json=body())
    assert created.status_code == 201, created.text
    booking, token = created.json()["booking"], created.json()["manage_token"]
    assert booking["status"] == "accepted"
    assert booking["hosts"] == ["ana"]
    assert booking["location"].startswith("https://meet.jit.si/chatcal-")
    assert created.json()["manage_url"].endswith(f"/v1/manage/{token}")
    # Written as built, not validated by FastAPI: the manage view, which is, answers the same.
    assert created.headers["content-type"] == "application/json"
    assert created.json() == client.get(f"/v1/manage/{token}").json()

    invite = client.get(f"/v1/manage/{token}/invite.ics")
    assert invite.headers["content-type"].startswith("text/calendar")
    assert "METHOD:REQUEST" in invite.text

    moved = client.post(f"/v1/manage/{token}/reschedule", json={"start": later(60).isoformat()})
    assert moved.status_code == 200, moved.text
    assert moved.json()["booking"]["rescheduled_from"] == booking["uid"]
    assert client.get(f"/v1/manage/{token}").json()["booking"]["uid"] == moved.json()["booking"]["uid"]

    cancelled = client.post(f"/v1/manage/{token}/cancel", json={"reason": "no longer needed"})
    assert cancelled.json()["booking"]["status"] == "cancelled"
    assert "METHOD:CANCEL" in client.get(f"/v1/manage/{token}/invite.ics").text
    again = client.post(f"/v1/manage/{token}/cancel")  # no body: the reason is optional
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_a_taken_slot_is_a_409_problem(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    assert client.post(f"{BASE}/bookings", json=body()).status_code == 201
    taken = client.post(f"{BASE}/bookings", json=body())
    assert taken.status_code == 409
    assert taken.json()["title"] == "Slot not available"
    assert "pick" in taken.json()["detail"]


def test_idempotency_key_replays_and_rejects_a_different_body(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    headers = {"Idempotency-Key": "retry-1"}
    first = client.post(f"{BASE}/bookings", json=body(), headers=headers)
    second = client.post(f"{BASE}/bookings", json=body(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    same_instant = client.post(f"{BASE}/bookings", json=body("2030-01-07T15:30:00+05:30"), headers=headers)
    assert same_instant.json() == first.json(), "the same start written in another offset is the same request"
    different = client.post(f"{BASE}/bookings", json=body("2030-01-07T11:00:00Z"), headers=headers)
    assert different.status_code == 422
    assert "different request" in different.json()["detail"]
    empty = client.post(
        f"{BASE}/bookings", json=body("2030-01-07T11:00:00Z"), headers={"Idempotency-Key": ""}
    )
    assert empty.status_code == 422, "an empty key would be one key shared by everyone who sends it"


def test_bad_input_gets_clear_4xx_problems(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    cases = [
        (client.post(f"{BASE}/bookings", json=body(surprise=1)), 422, "surprise"),
        (client.post(f"{BASE}/bookings", json=body(start="2030-01-07T10:00:00")), 422, "timezone"),
        (client.post(f"{BASE}/bookings", json=body(answers={})), 422, "needs an answer"),
        (
            client.post(f"{BASE}/bookings", json=body(attendee={"name": "Bo", "time_zone": "Mars/X"})),
            422,
            "zone",
        ),
        (
            client.post(
                f"{BASE}/bookings", content=b"{not json", headers={"content-type": "application/json"}
            ),
            422,
            "",
        ),
        (
            client.get(
                f"{BASE}/slots", params={"start": "2030-01-08T00:00:00Z", "end": "2030-01-07T00:00:00Z"}
            ),
            422,
            "",
        ),
        (client.get("/v1/public/ana/nope"), 404, "No event type"),
        (client.get("/v1/manage/abc.def"), 404, "not valid"),
    ]
    for response, status, words in cases:
        assert response.status_code == status, response.text
        problem = response.json()
        assert problem["status"] == status
        assert words in response.text


def test_a_forged_manage_token_reaches_nothing(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    token = client.post(f"{BASE}/bookings", json=body()).json()["manage_token"]
    uid = token.split(".")[0]
    assert client.get(f"/v1/manage/{uid}.AAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert client.post(f"/v1/manage/{uid}.x/cancel", json={}).status_code == 404


def test_public_endpoints_are_rate_limited(client: TestClient, db: Database) -> None:
    setup(db)
    limiter = client.app.state.runtime.limiter  # type: ignore[attr-defined]
    limiter.per_minute = 3
    statuses = [client.get(BASE).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(BASE)
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200


def test_a_paid_call_this_server_cant_take_payment_for_is_refused(client: TestClient, db: Database) -> None:
    """Without Stripe set up, the booking was held with a pay link that could only say so."""
    setup(db, price=5000, payment_provider="stripe", currency="EUR")
    refused = client.post(f"{BASE}/bookings", json=body(answers={}))
    assert refused.status_code == 409
    assert "paid through Stripe" in refused.json()["detail"]
    window = {"start": MONDAY_10.isoformat(), "end": later(30).isoformat()}
    assert client.get(f"{BASE}/slots", params=window).json()["slots"], "its times are still shown"


def test_values_out_of_any_calendar_are_422_not_500(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    far = client.post(f"{BASE}/bookings", json=body("9999-12-31T23:59:00Z"))
    assert far.status_code == 422
    assert "2199" in far.json()["detail"]
    window = {"start": "0001-01-01T00:00:00Z", "end": "0001-01-02T00:00:00Z"}
    assert client.get(f"{BASE}/slots", params=window).status_code == 422
    before_year_one = {"start": "2000-01-01T00:00:00Z", "end": "0001-01-01T00:00:05+01:00"}  # Schemathesis
    assert client.get(f"{BASE}/slots", params=before_year_one).status_code == 422
    for path in ("/v1/manage/a.%C3%A9", "/v1/manage/%C3%A9.%C3%A9/invite.ics"):
        assert client.get(path).status_code == 404
    assert client.post("/v1/manage/a.%C3%A9/cancel", json={}).status_code == 404


def test_json_no_database_can_hold_is_a_422_and_books_nothing(client: TestClient, db: Database) -> None:
    """Lone surrogates, NaN, infinity and numbers past 64 bits once passed validation and failed later:
    at the database, or in the answer after the booking was stored (a retry then got 500s forever)."""
    setup(db, questions=[{"key": "topic", "label": "Topic"}, {"key": "n", "label": "N", "type": "number"}])
    good = '{"start": "2030-01-07T10:00:00Z", "attendee": {"name": "Bo"}, "answers": {%s}}'
    bad = ['"topic": "\\ud800x", "n": 1', '"topic": "x", "n": NaN', '"topic": "x", "n": 1e400']
    bad += ['"topic": "x", "n": 18446744073709551616', '"topic": "x", "n": "1e400"']
    for number, answers in enumerate(bad):
        sent = client.post(
            f"{BASE}/bookings",
            content=good % answers,
            headers={"content-type": "application/json", "Idempotency-Key": f"k{number}"},
        )
        assert sent.status_code == 422, (answers, sent.text)
        assert sent.headers["content-type"] == "application/problem+json"
    typed = client.post(f"{BASE}/bookings", content=good % '"topic": "x", "n": 1')
    assert typed.status_code == 422
    assert "Content-Type: application/json" in typed.json()["detail"]
    json_type = {"content-type": "application/json"}
    booked = client.post(f"{BASE}/bookings", content=good % '"topic": "x", "n": 1', headers=json_type)
    assert booked.status_code == 201, booked.text


def test_urls_holding_nul_are_refused_before_any_lookup(client: TestClient, db: Database) -> None:
    setup(db)
    slots = f"{BASE}/slots?start=2030-01-07T00:00:00Z&end=2030-01-08T00:00:00Z"
    for url in ("/v1/public/ana%00/intro", slots.replace("/slots", "%00/slots"), f"{slots}&time_zone=%00"):
        refused = client.get(url)
        assert refused.status_code == 422, refused.text
        assert "NUL" in refused.json()["detail"]
    assert client.get("/v1/bookings/%00", headers=api_key(db, "ana")).status_code == 422


def test_a_locale_longer_than_its_column_is_a_422(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    attendee = {"name": "Bo", "locale": "en-US-abcdefgh-xyz"}
    assert client.post(f"{BASE}/bookings", json=body(attendee=attendee)).status_code == 422


def test_the_invite_of_a_booking_awaiting_the_host_is_tentative(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS, requires_confirmation=True)
    token = client.post(f"{BASE}/bookings", json=body()).json()["manage_token"]
    invite = client.get(f"/v1/manage/{token}/invite.ics").text
    assert "METHOD:REQUEST" in invite
    assert "STATUS:TENTATIVE" in invite


def test_a_window_of_more_slots_than_a_page_comes_in_pages(client: TestClient, db: Database) -> None:
    """One-minute starts over long windows made answers of many megabytes for anyone who asked."""
    setup(db, duration=1, interval=1)
    window = {"start": "2030-01-07T00:00:00Z", "end": "2030-01-12T00:00:00Z"}
    first = client.get(f"{BASE}/slots", params=window).json()
    assert len(first["slots"]) == MAX_SLOTS
    rest = client.get(f"{BASE}/slots", params={**window, "start": first["next_start"]}).json()
    assert rest["next_start"] is None
    starts = [slot["start"] for slot in first["slots"] + rest["slots"]]
    assert len(starts) == len(set(starts)) == 5 * 8 * 60, "Monday to Friday, 09:00-17:00, every minute"


def test_text_the_service_composes_fits_its_columns(client: TestClient, db: Database) -> None:
    """On PostgreSQL a long title plus a long name, or "rescheduled: " plus a long reason, was a 500."""
    setup(db, title="T" * 200)
    attendee = {"name": "N" * 200, "email": "bo@example.com"}
    created = client.post(f"{BASE}/bookings", json=body(attendee=attendee, answers={}))
    assert created.status_code == 201, created.text
    assert len(created.json()["booking"]["title"]) == 300
    token = created.json()["manage_token"]
    move = {"start": later(60).isoformat(), "reason": "r" * 1000}
    moved = client.post(f"/v1/manage/{token}/reschedule", json=move)
    assert moved.status_code == 200, moved.text


def test_a_body_past_a_megabyte_is_a_413_problem_unread(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)
    huge = body(answers={"topic": "x" * (1 << 20)})
    refused = client.post(f"{BASE}/bookings", json=huge)
    assert refused.status_code == 413, refused.text
    assert refused.headers["content-type"] == "application/problem+json"


def test_a_streamed_body_past_a_megabyte_is_a_413_problem(client: TestClient, db: Database) -> None:
    setup(db, questions=QUESTIONS)

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"start": "2030-01-07T10:00:00Z", "attendee": {"name": "Bo"}, "answers": {"topic": "'
        for _ in range(64):
            yield b"x" * 32_768
        yield b'"}}'

    refused = client.post(f"{BASE}/bookings", content=chunks(), headers={"content-type": "application/json"})
    assert refused.status_code == 413, refused.text
    assert refused.headers["content-type"] == "application/problem+json"


def test_the_openapi_schema_documents_errors_as_problems(client: TestClient) -> None:
    """Found by Schemathesis: 409s, 429s and problem+json were undocumented, and 422 had FastAPI's shape."""
    schema = client.get("/openapi.json").json()
    booking = schema["paths"]["/v1/public/{owner}/{slug}/bookings"]["post"]["responses"]
    for status in ("404", "409", "413", "422", "429"):
        assert list(booking[status]["content"]) == ["application/problem+json"], status
    assert schema["components"]["schemas"]["Problem"]["properties"]["detail"]["type"] == "string"
    assert "401" in schema["paths"]["/v1/bookings"]["get"]["responses"]
