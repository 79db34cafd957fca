"""The host API: configuration CRUD, bookings, and strict separation between hosts."""

from typing import Any

from fastapi.testclient import TestClient

from booking.db import Database
from tests.api.auth import api_key
from tests.booking.factory import add_host, later

SCHEDULE = {
    "name": "Work",
    "time_zone": "Europe/Berlin",
    "weekly": [{"weekday": 1, "start": "09:00", "end": "17:00"}],
    "overrides": [{"date": "2030-01-08", "ranges": []}],
}
EVENT = {"slug": "intro", "title": "Intro", "duration": 30, "requires_confirmation": True}


def two_hosts(db: Database) -> tuple[dict[str, str], dict[str, str]]:
    with db.transaction(write=True) as session:
        add_host(session, "ana")
        add_host(session, "ben")
    return api_key(db, "ana"), api_key(db, "ben")


def book(client: TestClient, owner: str, minutes: int) -> dict[str, Any]:
    response = client.post(
        f"/v1/public/{owner}/intro/bookings",
        json={"start": later(minutes).isoformat(), "attendee": {"name": "Bo"}},
    )
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()["booking"]
    return booking


def test_requests_without_a_valid_key_are_401(client: TestClient, db: Database) -> None:
    two_hosts(db)
    missing = client.get("/v1/me")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/v1/me", headers={"Authorization": "Bearer cc_nope"}).status_code == 401


def test_schedule_crud(client: TestClient, db: Database) -> None:
    ana, _ = two_hosts(db)
    created = client.post("/v1/schedules", json=SCHEDULE, headers=ana)
    assert created.status_code == 201, created.text
    schedule_id = created.json()["id"]
    replaced = client.put(f"/v1/schedules/{schedule_id}", json={**SCHEDULE, "name": "Winter"}, headers=ana)
    assert replaced.json()["name"] == "Winter"
    assert [s["name"] for s in client.get("/v1/schedules", headers=ana).json()] == ["Working hours", "Winter"]
    assert client.delete(f"/v1/schedules/{schedule_id}", headers=ana).status_code == 204
    assert client.get(f"/v1/schedules/{schedule_id}", headers=ana).status_code == 404


def test_a_host_always_keeps_a_default_schedule(client: TestClient, db: Database) -> None:
    """Deleting the default left every event type without a schedule of its own with no slots."""
    ana, _ = two_hosts(db)
    default = client.get("/v1/schedules", headers=ana).json()[0]
    assert default["is_default"]
    refused = client.delete(f"/v1/schedules/{default['id']}", headers=ana)
    assert refused.status_code == 409
    assert "default" in refused.json()["detail"]
    kept = client.put(f"/v1/schedules/{default['id']}", json=SCHEDULE, headers=ana)
    assert kept.json()["is_default"], "replacing the default's hours must not leave the host without one"
    winter = client.post("/v1/schedules", json={**SCHEDULE, "is_default": True}, headers=ana).json()
    assert client.delete(f"/v1/schedules/{default['id']}", headers=ana).status_code == 204
    schedules = client.get("/v1/schedules", headers=ana).json()
    assert [schedule["id"] for schedule in schedules if schedule["is_default"]] == [winter["id"]]


def test_text_no_column_can_store_is_a_422_not_a_500(client: TestClient, db: Database) -> None:
    """Found by Schemathesis: PostgreSQL refuses U+0000 in text, which became a server error."""
    ana, _ = two_hosts(db)
    for body in (
        {**EVENT, "location_value": "room\u0000 1"},
        {**EVENT, "questions": [{"key": "why", "label": "Why?", "type": "choice", "options": ["a\u0000"]}]},
    ):
        refused = client.post("/v1/event-types", json=body, headers=ana)
        assert refused.status_code == 422, refused.text
        assert "NUL" in refused.text
    assert client.get("/v1/event-types", headers=ana).json() == []


def test_settings_that_would_break_every_booking_page_are_a_422(client: TestClient, db: Database) -> None:
    """Each of these was stored with a 201 and then made every slot listing of the event type a 500."""
    ana, _ = two_hosts(db)
    for hours in ({"start": "09:00:00Z", "end": "17:00:00Z"}, {"start": "09:00+02:00", "end": "17:00"}):
        schedule = {**SCHEDULE, "weekly": [{"weekday": 1, **hours}]}
        refused = client.post("/v1/schedules", json=schedule, headers=ana)
        assert refused.status_code == 422, refused.text
        assert "offset" in refused.json()["detail"]
    for first, last in (("2030-01-01", "9999-12-31"), ("0001-01-01", "2030-01-01")):
        event = {**EVENT, "period": {"kind": "fixed", "first": first, "last": last}}
        assert client.post("/v1/event-types", json=event, headers=ana).status_code == 422
    monday_by_mistake = {**SCHEDULE, "weekly": [{"weekday": True, "start": "09:00", "end": "17:00"}]}
    assert client.post("/v1/schedules", json=monday_by_mistake, headers=ana).status_code == 422
    choices = [{"key": "plan", "label": "Plan", "type": "choice", "options": ["Pro", "pro"]}]
    for event in ({**EVENT, "title": "   "}, {**EVENT, "questions": choices}, {**EVENT, "duration": True}):
        assert client.post("/v1/event-types", json=event, headers=ana).status_code == 422
    assert client.get("/v1/event-types", headers=ana).json() == []


def test_event_type_crud_and_validation(client: TestClient, db: Database) -> None:
    ana, _ = two_hosts(db)
    created = client.post("/v1/event-types", json=EVENT, headers=ana).json()
    assert created["interval"] is None
    replaced = client.put(f"/v1/event-types/{created['id']}", json={**EVENT, "duration": 45}, headers=ana)
    assert replaced.json()["duration"] == 45
    assert client.post("/v1/event-types", json=EVENT, headers=ana).status_code == 409
    bad = client.post("/v1/event-types", json={**EVENT, "slug": "paid", "price": 100}, headers=ana)
    assert bad.status_code == 422
    assert "payment_provider" in bad.json()["detail"]
    assert client.post("/v1/event-types", json={**EVENT, "colour": "red"}, headers=ana).status_code == 422
    assert client.delete(f"/v1/event-types/{created['id']}", headers=ana).status_code == 204


def test_busy_blocks_remove_slots(client: TestClient, db: Database) -> None:
    ana, _ = two_hosts(db)
    client.post("/v1/event-types", json={**EVENT, "requires_confirmation": False}, headers=ana)
    block = {"start": later(0).isoformat(), "end": later(60).isoformat(), "title": "Dentist"}
    created = client.post("/v1/busy-blocks", json=block, headers=ana)
    assert created.status_code == 201
    window = {"start": later(0).isoformat(), "end": later(90).isoformat()}
    starts = [s["start"] for s in client.get("/v1/public/ana/intro/slots", params=window).json()["slots"]]
    assert starts == ["2030-01-07T11:00:00Z"]
    assert client.get("/v1/busy-blocks", headers=ana).json()[0]["title"] == "Dentist"
    assert client.delete(f"/v1/busy-blocks/{created.json()['id']}", headers=ana).status_code == 204


def test_bookings_list_confirm_reject_cancel(client: TestClient, db: Database) -> None:
    ana, _ = two_hosts(db)
    client.post("/v1/event-types", json=EVENT, headers=ana)
    uids = [book(client, "ana", minutes)["uid"] for minutes in (0, 60, 120)]
    page = client.get("/v1/bookings", params={"take": 2}, headers=ana).json()
    assert page["total"] == 3
    assert [item["uid"] for item in page["items"]] == uids[:2]
    assert client.post(f"/v1/bookings/{uids[0]}/confirm", headers=ana).json()["status"] == "accepted"
    assert (
        client.post(f"/v1/bookings/{uids[1]}/reject", json={"reason": "busy"}, headers=ana).json()["status"]
        == "rejected"
    )
    assert client.post(f"/v1/bookings/{uids[1]}/confirm", headers=ana).status_code == 409
    cancelled = client.post(
        f"/v1/bookings/{uids[2]}/cancel", headers=ana
    )  # the reason, and so the body, is optional
    assert cancelled.json()["status"] == "cancelled", cancelled.text
    pending = client.get("/v1/bookings", params={"status": "accepted"}, headers=ana).json()
    assert [item["uid"] for item in pending["items"]] == [uids[0]]
    assert client.get("/v1/bookings", params={"take": 251}, headers=ana).status_code == 422


def test_one_host_never_sees_or_changes_anothers_data(client: TestClient, db: Database) -> None:
    ana, ben = two_hosts(db)
    event = client.post("/v1/event-types", json=EVENT, headers=ana).json()
    schedule = client.post("/v1/schedules", json=SCHEDULE, headers=ana).json()
    block = client.post(
        "/v1/busy-blocks", json={"start": later(0).isoformat(), "end": later(30).isoformat()}, headers=ana
    ).json()
    uid = book(client, "ana", 60)["uid"]
    forbidden = [
        client.get(f"/v1/event-types/{event['id']}", headers=ben),
        client.put(f"/v1/event-types/{event['id']}", json=EVENT, headers=ben),
        client.delete(f"/v1/event-types/{event['id']}", headers=ben),
        client.get(f"/v1/schedules/{schedule['id']}", headers=ben),
        client.put(f"/v1/schedules/{schedule['id']}", json=SCHEDULE, headers=ben),
        client.delete(f"/v1/busy-blocks/{block['id']}", headers=ben),
        client.get(f"/v1/bookings/{uid}", headers=ben),
        client.post(f"/v1/bookings/{uid}/confirm", headers=ben),
        client.post(f"/v1/bookings/{uid}/cancel", json={}, headers=ben),
    ]
    assert [response.status_code for response in forbidden] == [404] * len(forbidden)
    assert client.get("/v1/bookings", headers=ben).json()["total"] == 0
    assert client.get("/v1/event-types", headers=ben).json() == []
    assert [b["title"] for b in client.get("/v1/busy-blocks", headers=ben).json()] == []
    attach = client.post("/v1/event-types", json={**EVENT, "schedule_id": schedule["id"]}, headers=ben)
    assert attach.status_code == 404
    assert client.get(f"/v1/bookings/{uid}", headers=ana).json()["status"] == "pending"


def test_ids_beyond_the_database_range_are_422(client: TestClient, db: Database) -> None:
    ana, _ = two_hosts(db)
    for path in ("/v1/schedules/2147483648", "/v1/event-types/99999999999999999999", "/v1/schedules/0"):
        assert client.get(path, headers=ana).status_code == 422
    too_big = client.post("/v1/event-types", json={**EVENT, "team_id": 2**40}, headers=ana)
    assert too_big.status_code == 422
    created = client.post("/v1/event-types", json=EVENT, headers=ana).json()
    assert client.get(f"/v1/event-types/{created['id']}", headers=ana).json()["slug"] == "intro"
