"""Signed manage links: whoever holds one may view, cancel or reschedule that booking, nothing else.

A token is the booking uid plus an HMAC-SHA256 of it under the server's secret key, so tokens need no
table and cannot be forged or pointed at another booking. Old tokens keep working after a reschedule:
the service follows the chain to the current booking.
"""

import base64
import hashlib
import hmac

from booking.errors import NotFound

SEPARATOR = "."


def _signature(secret: bytes, uid: str) -> str:
    digest = hmac.new(secret, f"manage:{uid}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def manage_token(secret: bytes, uid: str) -> str:
    """The token for booking ``uid``."""
    return f"{uid}{SEPARATOR}{_signature(secret, uid)}"


def verify_manage_token(secret: bytes, token: str) -> str:
    """The booking uid a token grants, or ``NotFound`` (a forged token looks like a missing booking)."""
    uid, _, signature = token.rpartition(SEPARATOR)
    if not uid or not hmac.compare_digest(signature.encode(), _signature(secret, uid).encode()):
        raise NotFound("This manage link is not valid.")
    return uid


def manage_url(public_url: str, token: str) -> str:
    """Where a manage token is used: view, cancel, reschedule (``/v1/manage/{token}``)."""
    return f"{public_url.rstrip('/')}/v1/manage/{token}"


def pay_url(public_url: str, token: str) -> str:
    """The link to the checkout page of a booking held for payment."""
    return f"{manage_url(public_url, token)}/pay"
