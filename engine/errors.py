"""The one error the engine raises for bad input.

Callers (the booking service, the API) turn it into a 4xx with its message; anything else escaping the
engine is a bug, never a user's mistake.
"""


class EngineInputError(ValueError):
    """Input the engine cannot answer for: naive datetimes, unknown zones, reversed ranges, …"""
