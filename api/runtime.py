"""What request handlers need, built once by the composition root and kept on ``app.state``."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Request

from api.kept import ListingCaches
from api.ratelimit import RateLimiter
from booking import links
from booking.columns import utcnow
from booking.db import Database
from integrations.llm import LanguageModel
from integrations.payments import PaymentLinks
from integrations.video import VideoRooms


@dataclass
class Runtime:
    """The database, secrets and integrations of one running app."""

    db: Database
    secret: bytes
    video: VideoRooms
    limiter: RateLimiter
    public_url: str
    clock: Callable[[], datetime] = field(default=utcnow)
    payments: Mapping[str, PaymentLinks] = field(default_factory=dict)  # by event types' provider name
    language_model: LanguageModel | None = None  # reads unusual time wishes in chat; None: parser only
    listing: ListingCaches | None = None  # None: every listing reads and computes afresh

    def close(self) -> None:
        """Stop watching for changes and close the database's connections."""
        if self.listing is not None:
            self.listing.close()
        self.db.engine.dispose()

    def manage_url(self, token: str) -> str:
        """The link an invitee follows to view, cancel or reschedule."""
        return links.manage_url(self.public_url, token)

    def pay_url(self, token: str) -> str:
        """The link that sends an invitee to the checkout page of their held booking."""
        return links.pay_url(self.public_url, token)


async def runtime(request: Request) -> Runtime:
    """FastAPI dependency: the app's runtime (async: no thread hop for a dictionary lookup)."""
    value = request.app.state.runtime
    assert isinstance(value, Runtime)
    return value
