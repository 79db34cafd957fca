"""The composition root: settings → the parts they enable → one FastAPI app.

Nothing connects at import time; ``create_app`` only wires, and the lifespan builds what needs I/O.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

from chatcal import __version__
from chatcal.features import feature_report
from chatcal.settings import Settings

log = logging.getLogger("chatcal")


class Health(BaseModel):
    """Liveness answer for load balancers and ``docker compose`` health checks."""

    status: str
    version: str


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (read from the environment when omitted)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        for feature in feature_report(settings):
            log.info("%-16s %s", feature.name, feature.detail)
        yield

    app = FastAPI(title="chatcal", version=__version__, lifespan=lifespan)
    app.state.settings = settings

    @app.get("/healthz", tags=["ops"])
    def healthz() -> Health:
        return Health(status="ok", version=__version__)

    return app
