"""What the current settings switch on, and for everything off, how to turn it on.

The service always starts: with no settings at all it runs on the embedded defaults (SQLite,
in-process jobs, the web chat, host notices in the log). This report is logged at start-up so an
operator sees at a glance which parts are live.
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
    jobs = "in-process outbox dispatch and payment hold expiry"
    if settings.redis_url:
        return Feature("background jobs", True, f"{jobs}; Redis shares rate limits")
    return Feature("background jobs", True, f"{jobs}; set CHATCAL_REDIS_URL for Redis-backed limits")


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
            "DM booking at /slack/events, host notices by DM"
            + (", Socket Mode" if s.slack_app_token else "")
            + ("" if s.slack_signing_secret else " (set SLACK_SIGNING_SECRET for /slack/events)"),
            "off (host notices go to the log); set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET",
        ),
        _switch(
            "stripe",
            s.stripe_api_key is not None,
            "Checkout for paid event types"
            + (
                ", payments confirmed at /webhooks/stripe"
                if s.stripe_webhook_secret
                else " (set STRIPE_WEBHOOK_SECRET: without it payments are never confirmed)"
            ),
            "off; set STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET to take payments with Stripe",
        ),
        _switch(
            "razorpay",
            s.razorpay_key_id is not None and s.razorpay_key_secret is not None,
            "Payment Links for paid event types"
            + (
                ", payments confirmed at /webhooks/razorpay"
                if s.razorpay_webhook_secret
                else " (set RAZORPAY_WEBHOOK_SECRET: without it payments are never confirmed)"
            ),
            "off; set RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET for Razorpay",
        ),
        _switch(
            "gemini",
            s.gemini_api_key is not None,
            f"{s.gemini_model} rewords time wishes the chat's own parser can't read",
            "off; the chat reads time wishes with its parser alone (set GEMINI_API_KEY for help)",
        ),
    ]
