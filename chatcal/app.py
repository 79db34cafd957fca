"""The composition root: settings → database, integrations and front ends → one FastAPI app.

Nothing connects at import time, nor in ``create_app``: the lifespan prepares the data directory,
migrates the database (or checks its schema) and builds the runtime the routes use. ``chatcal serve``
prepares the database before any server starts, so a database it can't use is one line, not a
traceback from inside the server.
"""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime, timedelta

from anyio import to_thread
from fastapi import Depends, FastAPI
from pydantic import BaseModel
from redis.asyncio import Redis

from api import host_routes, problems, public_routes
from api.deps import rate_limited
from api.guards import BodyLimit
from api.kept import ListingCaches
from api.ratelimit import MemoryLimiter, RateLimiter, RedisLimiter
from api.razorpay_webhook import razorpay_router
from api.runtime import Runtime
from api.stripe_webhook import stripe_router
from booking import changes
from booking.columns import utcnow
from booking.db import Database, make_engine
from bot.flow.conversation import ChatFlow
from bot.flow.turn import FlowDeps
from bot.slack.adapter import SlackBot
from bot.telegram import webhook as telegram_webhook
from bot.telegram.front import TelegramConfig, telegram_config, telegram_running
from bot.web import routes as web_routes
from chatcal import __version__
from chatcal.features import feature_report
from chatcal.migrate import prepare
from chatcal.secrets import secret_key
from chatcal.settings import Settings
from integrations.llm import GeminiModel, LanguageModel
from integrations.messaging import HostNotifier, LogNotifier, SlackNotifier
from integrations.payments import PaymentLinks, RazorpayLinks, StripeCheckout
from integrations.video import JitsiRooms
from worker.in_process import run_jobs

log = logging.getLogger("chatcal")


class Health(BaseModel):
    """Liveness answer for load balancers and ``docker compose`` health checks."""

    status: str
    version: str


def _limiter(settings: Settings) -> RateLimiter:
    if settings.redis_url:
        return RedisLimiter(Redis.from_url(settings.redis_url), settings.rate_limit_per_minute)
    return MemoryLimiter(settings.rate_limit_per_minute)


def _notifier(settings: Settings) -> HostNotifier:
    if settings.slack_bot_token is None:
        return LogNotifier()
    return SlackNotifier(settings.slack_bot_token.get_secret_value(), settings.slack_api_base_url)


def freeze_startup_heap() -> None:
    """Exempt everything built at start-up (modules, routes, SDK clients) from garbage collection.

    Those objects live as long as the process, yet every full collection walked all of them again:
    pauses of tens of milliseconds in the middle of a chat turn, the slowest replies of all.
    """
    gc.collect()
    gc.freeze()


def build_runtime(
    settings: Settings, clock: Callable[[], datetime] = utcnow, *, serving_http: bool = True
) -> Runtime:
    """Everything the routes need, migrated and ready (this is where connections start).

    With CHATCAL_SKIP_MIGRATIONS the schema is only checked, so a database nobody migrated stops the
    start (``MigrationFailed``) rather than failing every request. Only an HTTP server lists slots, so
    only it (``serving_http``) watches for changes to cache them: the terminal chat would otherwise
    hold a LISTEN connection and thread it never uses.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(make_engine(settings.effective_database_url, settings.db_pool_size))
    prepare(database.engine, migrate=not settings.skip_migrations)
    return Runtime(
        db=database,
        secret=secret_key(settings),
        video=JitsiRooms(settings.jitsi_base_url),
        limiter=_limiter(settings),
        public_url=settings.base_url,
        clock=clock,
        payments=_payments(settings),
        language_model=_language_model(settings),
        listing=_listing(settings, database) if serving_http else None,
    )


def _listing(settings: Settings, database: Database) -> ListingCaches | None:
    """Setups kept until a host edits one, answers until availability changes; either for
    CHATCAL_SLOT_CACHE_SECONDS at most, and nothing kept (nor watched) when that is 0."""
    if settings.slot_cache_seconds == 0:
        return None
    ttl = timedelta(seconds=settings.slot_cache_seconds)
    return ListingCaches.over(changes.watch(database.engine), ttl)


def _language_model(settings: Settings) -> LanguageModel | None:
    """Gemini when GEMINI_API_KEY is set; without it the chat reads time wishes with its parser alone."""
    if settings.gemini_api_key is None:
        return None
    return GeminiModel(
        settings.gemini_api_key.get_secret_value(), settings.gemini_model, settings.gemini_base_url
    )


def _payments(settings: Settings) -> dict[str, PaymentLinks]:
    """The checkout providers with credentials, by the name event types use."""
    providers: dict[str, PaymentLinks] = {}
    if settings.stripe_api_key is not None:
        providers["stripe"] = StripeCheckout(
            settings.stripe_api_key.get_secret_value(), settings.stripe_api_base
        )
    if settings.razorpay_key_id and settings.razorpay_key_secret is not None:
        secret = settings.razorpay_key_secret.get_secret_value()
        providers["razorpay"] = RazorpayLinks(settings.razorpay_key_id, secret, settings.razorpay_base_url)
    return providers


def chat_flow(runtime: Runtime) -> ChatFlow:
    """The conversation, on the same database and integrations as the API."""
    r = runtime
    return ChatFlow(
        FlowDeps(r.db, r.video, r.secret, r.public_url, r.clock, r.language_model, frozenset(r.payments))
    )


def telegram_settings(settings: Settings, signing_key: bytes) -> TelegramConfig | None:
    """The Telegram front end's config from settings; None when TELEGRAM_BOT_TOKEN is unset."""
    token, secret = settings.telegram_bot_token, settings.telegram_webhook_secret
    return telegram_config(
        token=token.get_secret_value() if token else None,
        webhook_secret=secret.get_secret_value() if secret else None,
        public_url=str(settings.public_url) if settings.public_url else None,
        api_base_url=settings.telegram_api_base_url,
        signing_key=signing_key,
    )


def slack_bot(settings: Settings, chat: Callable[[], ChatFlow]) -> SlackBot | None:
    """The Slack front end when SLACK_BOT_TOKEN is set (its HTTP endpoint also needs the signing secret)."""
    if settings.slack_bot_token is None:
        return None
    secret = settings.slack_signing_secret
    return SlackBot(
        settings.slack_bot_token.get_secret_value(),
        secret.get_secret_value() if secret else None,
        chat,
        settings.slack_api_base_url,
    )


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    """Build the app for ``settings`` (read from the environment when omitted).

    ``clock`` is what every part reads as now: tests pin it so offered slots never drift into the past.
    """
    settings = settings or Settings()
    slack: SlackBot | None = None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for feature in feature_report(settings):
            log.info("%-16s %s", feature.name, feature.detail)
        # Sync handlers run on as many threads as there are pooled connections: more threads would only
        # queue for a connection (or open throwaway ones) and fight over the GIL.
        to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size
        runtime = build_runtime(settings, clock)
        app.state.runtime = runtime
        app.state.chat = chat_flow(runtime)
        stop_jobs = asyncio.Event()
        jobs = asyncio.create_task(run_jobs(runtime.db, _notifier(settings), runtime.clock, stop_jobs))
        async with AsyncExitStack() as stack:
            app.state.telegram = await stack.enter_async_context(
                telegram_running(telegram_settings(settings, runtime.secret), app.state.chat)
            )
            if slack is not None and settings.slack_app_token is not None:
                token = settings.slack_app_token.get_secret_value()
                await stack.enter_async_context(slack.socket_mode(token))
            freeze_startup_heap()
            yield
            if slack is not None:
                await slack.drain()
        stop_jobs.set()
        await jobs  # a dispatch round in its thread finishes before the pool closes
        runtime.close()

    app = FastAPI(
        title="chatcal",
        version=__version__,
        lifespan=lifespan,
        description="Scheduling that people book by chatting. Errors are RFC 9457 problem details.",
    )
    app.state.settings = settings
    problems.install(app)
    app.add_middleware(BodyLimit)
    app.include_router(public_routes.router)
    app.include_router(host_routes.router)
    app.include_router(web_routes.router, dependencies=[Depends(rate_limited)])
    app.include_router(telegram_webhook.router)
    if settings.stripe_webhook_secret is not None:
        app.include_router(stripe_router(settings.stripe_webhook_secret.get_secret_value()))
    if settings.razorpay_webhook_secret is not None:
        app.include_router(razorpay_router(settings.razorpay_webhook_secret.get_secret_value()))
    slack = slack_bot(settings, lambda: app.state.chat)
    if slack is not None and slack.signing_secret:
        app.include_router(slack.router())

    @app.get("/healthz", tags=["ops"])
    def healthz() -> Health:
        return Health(status="ok", version=__version__)

    return app
