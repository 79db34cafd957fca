"""The real app wires Slack from settings: /slack/events answers a signed DM, host notices go by DM."""

from pathlib import Path

from fastapi.testclient import TestClient

from booking.db import Database
from chatcal.app import create_app
from chatcal.settings import Settings
from integrations.messaging import HostNotice, SlackNotifier
from tests.booking.factory import setup
from tests.bot.slack.conftest import PERSON
from tests.bot.slack.workspace import SIGNING_SECRET, SlackPerson
from tests.standins.slack_api import BOT_TOKEN, SlackApi


def test_the_app_serves_slack_when_configured(
    db: Database, database_url: str, api: SlackApi, tmp_path: Path
) -> None:
    setup(db)
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=tmp_path,
        secret_key="k",
        skip_migrations=True,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_base_url=api.base_url,
    )
    with TestClient(create_app(settings)) as client:
        assert "/slack/events" not in client.get("/openapi.json").json()["paths"]
        person = SlackPerson(client, api, PERSON)
        assert person.say("hi").status_code == 200
        menu = person.reply_with("What would you like to book?")
        assert "event:ana/intro" in str(menu)


def test_host_notices_reach_slack_by_dm(api: SlackApi) -> None:
    SlackNotifier(BOT_TOKEN, api.base_url).notify(HostNotice("ana", "U0ANA", "New booking: Intro call"))
    [posted] = api.calls_of("chat.postMessage")
    assert posted.token == BOT_TOKEN
    assert posted.args["channel"] == "U0ANA"
    assert posted.args["text"] == "New booking: Intro call"
