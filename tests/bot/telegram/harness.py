"""The app wired the way the composition root wires Telegram, for the tests and ``bench/bot.py``.

It is ``chatcal.app``'s lifespan reduced to what Telegram needs: the runtime (database, secret,
integrations) from ``build_runtime``, the conversation from ``chat_flow``, the front end from
``telegram_running`` on ``app.state.telegram``, the webhook router and the RFC 9457 error handlers.
The clock is pinned so the offered slots never drift into the past.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI

from api import problems
from bot.telegram import webhook
from bot.telegram.front import telegram_running
from chatcal.app import build_runtime, chat_flow, freeze_startup_heap, telegram_settings
from chatcal.settings import Settings
from tests.standins.telegram_methods import TOKEN

WEBHOOK_SECRET = "standin-webhook-secret_0123456789"
PUBLIC_URL = "https://chat.example.com"


def settings_for(database_url: str, data_dir: Path, api_base_url: str, public_url: str | None) -> Settings:
    """Settings for one app: ``public_url`` set is webhook mode, None is polling."""
    return Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=data_dir,
        secret_key="test-secret",
        skip_migrations=True,
        public_url=public_url,
        telegram_bot_token=TOKEN,
        telegram_webhook_secret=WEBHOOK_SECRET,
        telegram_api_base_url=api_base_url,
    )


def telegram_app(settings: Settings, clock: Callable[[], datetime]) -> FastAPI:
    """An app serving ``/webhooks/telegram`` (or polling) on ``settings``' database."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(settings)
        runtime.clock = clock
        app.state.runtime = runtime
        app.state.chat = chat_flow(runtime)
        async with telegram_running(telegram_settings(settings, runtime.secret), app.state.chat) as front:
            app.state.telegram = front
            freeze_startup_heap()
            yield
        runtime.db.engine.dispose()

    app = FastAPI(lifespan=lifespan)
    problems.install(app)
    app.include_router(webhook.router)
    return app
