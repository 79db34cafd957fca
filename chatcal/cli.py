"""The ``chatcal`` command: one entry point for every process the product runs."""

import logging
from typing import Annotated

import typer
import uvicorn

from chatcal.app import create_app
from chatcal.settings import Settings

app = typer.Typer(help="chatcal: scheduling that people book by chatting.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """chatcal's commands; settings come from CHATCAL_* variables and .env."""


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (CHATCAL_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (CHATCAL_PORT).")] = None,
) -> None:
    """Run the web service: REST API, webhooks and the web chat."""
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    bind = host or settings.host
    listen = settings.port if port is None else port
    uvicorn.run(create_app(settings), host=bind, port=listen, log_level=settings.log_level)
