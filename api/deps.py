"""Request dependencies: the acting host (API key), rate limits for public endpoints."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from api.runtime import Runtime, runtime
from booking.hosts import host_for_api_key
from booking.models import Host

bearer = HTTPBearer(auto_error=False, description="A host API key: `Authorization: Bearer cc_…`")
RuntimeDep = Annotated[Runtime, Depends(runtime)]


def current_host(
    rt: RuntimeDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Host:
    """The host whose API key signed the request, or 401."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "Missing API key: send Authorization: Bearer <key>", headers=challenge)
    with rt.db.transaction() as session:
        host = host_for_api_key(session, credentials.credentials)
    if host is None:
        raise HTTPException(401, "Invalid or revoked API key", headers=challenge)
    return host


async def rate_limited(request: Request, rt: RuntimeDep) -> None:
    """429 with Retry-After once a client exceeds the public per-minute limit (on the event loop)."""
    client = request.client.host if request.client else "unknown"
    retry_after = await rt.limiter.hit(client)
    if retry_after is not None:
        raise HTTPException(
            429, "Too many requests; slow down and retry later", headers={"Retry-After": str(retry_after)}
        )


HostDep = Annotated[Host, Depends(current_host)]
