"""Errors as RFC 9457 problem details: a JSON body with a title and a message a person can act on.

Domain errors carry their status; validation errors list each bad field; anything unexpected is logged
with its traceback and answered with a plain 500 that reveals nothing.
"""

import logging
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from booking.errors import DomainError

log = logging.getLogger("chatcal.api")
MEDIA_TYPE = "application/problem+json"


class FieldProblem(BaseModel):
    """One bad field of a request, by its dotted path."""

    field: str
    message: str


class Problem(BaseModel):
    """What every error answers with (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a router whose routes can answer these errors."""
    return {status: {"model": Problem, "description": HTTPStatus(status).phrase} for status in statuses}


def problem(
    status: int, title: str, detail: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem-details response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field(error: dict[str, Any]) -> dict[str, str]:
    if error.get("type") == "json_invalid":  # its location is a character offset, not a field
        return {"field": "", "message": f"the body is not valid JSON ({error['ctx']['error']})"}
    location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    if location == "" and isinstance(error.get("input"), bytes):
        return {"field": "", "message": "send the body as JSON, with Content-Type: application/json"}
    return {"field": location, "message": str(error.get("msg", "invalid"))}


async def _domain(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem(exc.status_code, exc.title, exc.message)


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field(error) for error in exc.errors()]
    summary = "; ".join(f"{e['field'] or 'request'}: {e['message']}" for e in errors[:5])
    return problem(422, "Invalid request", summary, errors=errors)


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), str(exc.detail), headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "Internal error", "Something went wrong on our side; it has been logged.")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``, and say in its OpenAPI schema that errors are problems."""
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
    fastapi_schema = app.openapi

    def schema() -> dict[str, Any]:
        """FastAPI's schema (built once, then cached by FastAPI), with its errors filed as problems."""
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = fastapi_schema()
        for status, response in _responses(document):
            content = response.get("content", {})
            if status[0] in "45" and "application/json" in content:
                response["content"] = {MEDIA_TYPE: content["application/json"]}
        return document

    app.openapi = schema  # type: ignore[method-assign]


def _responses(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every operation's responses by status: FastAPI files them under the route's own media type."""
    for path in document["paths"].values():
        for operation in path.values():
            yield from operation.get("responses", {}).items()
