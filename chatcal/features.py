"""What the current settings switch on, and for everything off, how to turn it on.

The service always starts: with no settings at all it runs on the embedded defaults (SQLite, in-process
jobs, offline summariser, local notes, no payments). This report is logged at start-up so an operator
sees at a glance which parts are live.
"""

from dataclasses import dataclass

from chatcal.settings import Settings


@dataclass(frozen=True, slots=True)
class Feature:
    """One switchable part: whether it is on, what it runs as, and how to change that."""

    name: str
    enabled: bool
    detail: str


def _database(settings: Settings) -> Feature:
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        return Feature("database", True, f"SQLite at {url}; set CHATCAL_DATABASE_URL for PostgreSQL")
    return Feature("database", True, f"{url.split(':', 1)[0]} (CHATCAL_DATABASE_URL)")


def _jobs(settings: Settings) -> Feature:
    if settings.redis_url:
        return Feature("background jobs", True, "Celery on Redis (CHATCAL_REDIS_URL)")
    return Feature("background jobs", True, "in-process; set CHATCAL_REDIS_URL for Celery + Redis")


def _switch(name: str, enabled: bool, on: str, off: str) -> Feature:
    return Feature(name, enabled, on if enabled else off)


def feature_report(settings: Settings) -> list[Feature]:
    """Every part of the product and its state under ``settings``."""
    s = settings
    return [
        _database(s),
        _jobs(s),
        _switch(
            "telegram",
            s.telegram_bot_token is not None,
            "webhook mode" if s.public_url else "polling mode (set CHATCAL_PUBLIC_URL for webhooks)",
            "off; set TELEGRAM_BOT_TOKEN to book over Telegram",
        ),
        _switch(
            "slack",
            s.slack_bot_token is not None,
            "Events API" if s.slack_signing_secret else "Socket Mode (SLACK_APP_TOKEN)",
            "off; set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)",
        ),
        _switch(
            "summaries",
            s.gemini_api_key is not None,
            f"Gemini {s.gemini_model}",
            "offline summariser; set GEMINI_API_KEY for Gemini",
        ),
        _switch(
            "client notes",
            s.notion_token is not None and s.notion_database_id is not None,
            "Notion database",
            f"local Markdown in {s.data_dir / 'notes'}; set NOTION_TOKEN and NOTION_DATABASE_ID",
        ),
        _switch("stripe", s.stripe_api_key is not None, "on", "off; set STRIPE_API_KEY"),
        _switch(
            "razorpay",
            s.razorpay_key_id is not None and s.razorpay_key_secret is not None,
            "on",
            "off; set RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET",
        ),
    ]
