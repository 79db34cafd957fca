"""Settings that point the real app (``chatcal.app.create_app``) at a Bot API stand-in.

The Telegram tests and ``bench/bot.py`` build the whole app from these, as ``chatcal serve`` would,
with its clock pinned (``create_app(settings, clock=…)``) so offered slots never drift into the past.
"""

from pathlib import Path

from chatcal.settings import Settings
from tests.settings import app_settings
from tests.standins.telegram_methods import TOKEN

WEBHOOK_SECRET = "standin-webhook-secret_0123456789"
PUBLIC_URL = "https://chat.example.com"


def settings_for(database_url: str, data_dir: Path, api_base_url: str, public_url: str | None) -> Settings:
    """Settings for one app: ``public_url`` set is webhook mode, None is polling."""
    return app_settings(
        database_url,
        data_dir,
        public_url=public_url,
        telegram_bot_token=TOKEN,
        telegram_webhook_secret=WEBHOOK_SECRET,
        telegram_api_base_url=api_base_url,
    )
