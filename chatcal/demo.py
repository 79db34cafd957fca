"""The demo a newcomer books against: one host with a free intro call and a paid session."""

from sqlmodel import Session, select

from booking import catalog, hosts
from booking.models import Host
from booking.schemas import EventTypeIn

DEMO_SLUG = "demo"
EVENT_TYPES = [
    {
        "slug": "intro",
        "title": "Free intro call",
        "description": "30 minutes to see whether we're a fit.",
        "duration": 30,
        "min_notice": 60,
        "period": {"kind": "rolling", "days": 30},
        "questions": [
            {"key": "topic", "label": "What would you like to talk about?", "type": "long_text"},
            {"key": "company", "label": "Company (optional)", "type": "text", "required": False},
        ],
    },
    {
        "slug": "session",
        "title": "Paid working session",
        "description": "A focused hour on your project.",
        "duration": 60,
        "buffer_after": 15,
        "min_notice": 240,
        "period": {"kind": "rolling", "days": 30},
        "price": 5000,
        "currency": "USD",
        "payment_provider": "stripe",
        "questions": [
            {"key": "goal", "label": "What should we achieve in the hour?", "type": "long_text"},
            {"key": "level", "label": "Experience", "type": "choice", "options": ["New", "Some", "Expert"]},
        ],
    },
]


def is_empty(session: Session) -> bool:
    """True when no host exists yet."""
    return session.exec(select(Host.id)).first() is None


def seed_demo(session: Session) -> tuple[Host, str]:
    """Create the demo host, its weekday hours and event types; returns the host and an API key."""
    host = hosts.create_host(
        session, hosts.HostIn(slug=DEMO_SLUG, name="Demo Host", time_zone="Europe/London")
    )
    catalog.save_schedule(session, host, catalog.working_hours(host.time_zone))
    for spec in EVENT_TYPES:
        catalog.save_event_type(session, host, EventTypeIn.model_validate(spec))
    return host, hosts.create_api_key(session, host, "demo")


def booking_links(base_url: str) -> list[str]:
    """Where to look at the demo's event types."""
    return [f"{base_url}/v1/public/{DEMO_SLUG}/{spec['slug']}" for spec in EVENT_TYPES]
