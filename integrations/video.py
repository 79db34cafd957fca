"""Video rooms for bookings. Jitsi Meet needs no account, so it is the default everywhere."""

from typing import Protocol


class VideoRooms(Protocol):
    """Gives each booking a meeting link."""

    def link(self, booking_uid: str) -> str:
        """A stable room link for the booking (the same on every call)."""
        ...


class JitsiRooms:
    """Rooms on a Jitsi Meet server (``https://meet.jit.si`` or a self-hosted one)."""

    def __init__(self, base_url: str = "https://meet.jit.si") -> None:
        self.base_url = base_url.rstrip("/")

    def link(self, booking_uid: str) -> str:
        return f"{self.base_url}/chatcal-{booking_uid}"
