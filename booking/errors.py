"""Domain errors. Each carries the HTTP status it means, so the API maps them without a table and
chat front ends show the message as it is."""


class DomainError(Exception):
    """A request the service refuses, with a message fit to show the person who asked."""

    status_code = 400
    title = "Bad request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing does not exist, or belongs to another host (which must look the same)."""

    status_code = 404
    title = "Not found"


class InvalidRequest(DomainError):
    """Well-formed input that breaks a rule: a wrong answer type, an unknown zone, a bad window."""

    status_code = 422
    title = "Invalid request"


class Conflict(DomainError):
    """The request contradicts the current state: cancelling twice, confirming a cancelled booking."""

    status_code = 409
    title = "Conflict"


class SlotTaken(Conflict):
    """Someone else got the time first (or it is no longer offered)."""

    title = "Slot not available"

    def __init__(self, message: str = "That time was just taken; please pick another slot.") -> None:
        super().__init__(message)


class ProviderFailed(DomainError):
    """A provider chatcal relies on (a payment provider) refused or could not be reached."""

    status_code = 502
    title = "Provider failed"
