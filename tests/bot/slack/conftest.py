"""A Slack workspace for each test: the Web API stand-in, the bot's router in a FastAPI app, a person.

The app is built here from ``SlackBot`` and a flow made like ``tests/bot/channel.py`` makes it, so
these tests exercise the adapter alone; the composition root wires the same router into the real app.
"""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from booking.db import Database
from bot.slack.adapter import SlackBot
from tests.bot.channel import flow
from tests.bot.slack.workspace import SIGNING_SECRET, SlackPerson
from tests.standins.slack_api import BOT_TOKEN, SlackApi, slack_api

PERSON, NAME, ZONE = "U0BO", "Bo Li", "Asia/Kolkata"


@dataclass
class Workspace:
    """Everything a test touches: the person, the stand-in's records, the bot and the database."""

    person: SlackPerson
    api: SlackApi
    bot: SlackBot
    client: TestClient
    db: Database


@pytest.fixture
def api() -> Iterator[SlackApi]:
    with slack_api() as running:
        running.add_user(PERSON, NAME, ZONE)
        yield running


@contextmanager
def served(db: Database, api: SlackApi) -> Iterator[Workspace]:
    """A bot process: ``SlackBot`` on ``db`` in a FastAPI app, until the block ends (its shutdown).

    ``TestClient`` is entered as a context manager so its event loop keeps running between
    requests: the listeners' work after ``ack()`` continues there as it would under uvicorn.
    """
    chat = flow(db)
    bot = SlackBot(BOT_TOKEN, SIGNING_SECRET, lambda: chat, api.base_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await bot.drain()  # as the composition root does: no turn outlives the database

    app = FastAPI(lifespan=lifespan)
    app.include_router(bot.router())
    with TestClient(app) as client:
        yield Workspace(SlackPerson(client, api, PERSON), api, bot, client, db)


@pytest.fixture
def slack(db: Database, api: SlackApi) -> Iterator[Workspace]:
    """Bo Li (Asia/Kolkata in their Slack profile) and the bot, served over HTTP by ``TestClient``."""
    with served(db, api) as workspace:
        yield workspace
