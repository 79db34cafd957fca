"""Telegram front-end benchmark: a webhook update in → the bot's reply arriving at the Bot API.

The app runs as ``tests/bot/telegram/harness.py`` wires it (webhook mode, the real python-telegram-bot)
under uvicorn in a process of its own, on a throwaway PostgreSQL database (or SQLite with ``--database
sqlite``) built by the real migrations; the Bot API stand-in of ``tests/standins/telegram_api.py`` and
the people run in this process. ``--chats`` people (default 20) chat at once, each with a host of their
own so no two race for a slot; a booking is six updates: ``/start h<n>_intro``, ``UTC``, Yes, a slot
button, Skip, Confirm, and each person is followed by a new one until ``--rounds`` bookings per chat.
People pause ``--think`` seconds on average (uniformly 0.5–1.5×) before each message, as people do;
``--think 0`` sends flat out and measures saturation instead.

Per update it prints p50 / p99 / max of

- **reply**: from sending the update to the stand-in receiving the first ``sendMessage`` for that
  chat (the reply the person reads; a button press is answered with ``answerCallbackQuery`` earlier);
- **webhook**: the whole delivery until our 200, which includes every call of the turn (the marked
  keyboard, every message, the ``.ics`` document);

and the app process's CPU time per update (Linux), the figure that doesn't depend on what else the
machine runs. The target is a reply p99 ≤ 50 ms at 20 concurrent chats. Run: ``python -m bench.bot
[--chats N] [--rounds N] [--think SECONDS] [--database postgresql|sqlite]``.
"""

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from booking.db import Database, make_engine
from bot.telegram.webhook import SECRET_HEADER
from chatcal.app import create_app, freeze_startup_heap
from chatcal.migrate import upgrade
from tests.booking.factory import NOW, add_event_type, add_host
from tests.bot.telegram.harness import PUBLIC_URL, WEBHOOK_SECRET, settings_for
from tests.bot.telegram.person import TelegramPerson
from tests.databases import ADMIN_URL, postgres_available, postgres_database
from tests.standins.telegram_api import TelegramApi, telegram_api
from tests.standins.telegram_methods import Json

STEPS = ("start", "zone", "yes", "slot", "skip", "confirm")
REPO = Path(__file__).resolve().parents[1]


def seed(url: str, hosts: int) -> None:
    """Hosts ``h0`` … with working hours in UTC and a 30-minute ``intro`` each."""
    database = Database(make_engine(url))
    with database.transaction(write=True) as session:
        for n in range(hosts):
            add_event_type(session, add_host(session, f"h{n}"))
    database.engine.dispose()


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A migrated, throwaway database of ``kind``."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            yield url
        return
    if not postgres_available():
        sys.exit(
            f"PostgreSQL is not reachable at {ADMIN_URL} (set CHATCAL_TEST_POSTGRES or use --database sqlite)"
        )
    with postgres_database("bench_bot") as url:
        yield url


def serve(fd: int, url: str, api_base_url: str, data_dir: str) -> None:
    """The child process: the app under uvicorn on the socket the parent bound and passed down."""
    settings = settings_for(url, Path(data_dir), api_base_url, PUBLIC_URL)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, clock=lambda: NOW), log_level="warning"))
    server.run(sockets=[socket.socket(fileno=fd)])


@dataclass(frozen=True)
class App:
    """The app's process: where to reach it, and how much CPU it has used (Linux ``/proc``)."""

    base_url: str
    pid: int

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@contextmanager
def serving(url: str, api: TelegramApi, data_dir: Path) -> Iterator[App]:
    """The app in its own process, as it runs in production: it doesn't share a GIL with the clients
    or the stand-in. The socket listens before the child starts, so requests simply queue until the
    app is up; no waiting for a ready line is needed."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    fd = listener.fileno()
    command = [sys.executable, "-m", "bench.bot", "--serve", str(fd), url, api.base_url, str(data_dir)]
    child = subprocess.Popen(command, pass_fds=[fd], cwd=REPO)
    try:
        yield App(f"http://127.0.0.1:{listener.getsockname()[1]}", child.pid)
    finally:
        child.terminate()
        child.wait(30)
        listener.close()


class Chat:
    """One person booking host ``h<n>``, timing each update of the booking."""

    def __init__(
        self, api: TelegramApi, http: httpx.AsyncClient, user_id: int, host: int, think: float
    ) -> None:
        self.api, self.http, self.host, self.think = api, http, host, think
        self.pauses = random.Random(user_id)
        self.person = TelegramPerson(api, lambda update: update, user_id, f"Bench{user_id}", None)
        self.replies: list[float] = []
        self.webhooks: list[float] = []
        self.errors: list[str] = []

    def update(self, step: str) -> Json:
        person = self.person
        if step == "start":
            entity = {"type": "bot_command", "offset": 0, "length": 6}
            return person.message_update(f"/start h{self.host}_intro", entities=[entity])
        if step == "zone":
            return person.message_update("UTC")
        if step == "slot":
            return person.tap(person.buttons()[0]["callback_data"])
        return person.tap(step.capitalize())

    async def book(self) -> None:
        for step in STEPS:
            if self.think:
                await asyncio.sleep(self.think * self.pauses.uniform(0.5, 1.5))  # reading, then typing
            try:
                update = self.update(step)
            except (AssertionError, IndexError) as missing:
                self.errors.append(f"{step}: {missing}; last reply {self.person.last_text!r}")
                return
            began = time.perf_counter()
            response = await self.http.post(
                "/webhooks/telegram", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET}
            )
            self.webhooks.append((time.perf_counter() - began) * 1000)
            sent = [call.at for call in self.person.sent() if call.at >= began and call.status == 200]
            if response.status_code != 200 or not sent:
                self.errors.append(f"{step}: HTTP {response.status_code}, {len(sent)} replies")
                return
            self.replies.append((min(sent) - began) * 1000)
        if not self.person.last_text.startswith("Booked"):
            self.errors.append(f"not booked: {self.person.last_text!r}")


def percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49]:6.2f} ms  p99 {cuts[98]:6.2f} ms  max {max(values):6.2f} ms"


async def rounds(
    base_url: str, api: TelegramApi, chats: int, count: int, first_user: int, think: float
) -> list[Chat]:
    """``chats`` people at once, each followed by ``count - 1`` more on the same host (no barrier)."""
    done: list[Chat] = []
    limits = httpx.Limits(max_connections=chats, max_keepalive_connections=chats)
    async with httpx.AsyncClient(base_url=base_url, timeout=15, limits=limits) as http:

        async def one_after_another(host: int) -> None:
            for round_no in range(count):
                chat = Chat(api, http, first_user + round_no * chats + host, host, think)
                await chat.book()
                done.append(chat)

        await asyncio.gather(*(one_after_another(host) for host in range(chats)))
    return done


def main() -> None:
    """Seed, start, warm up with one round, then time ``--rounds`` rounds and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chats", type=int, default=20, help="concurrent chats (default 20)")
    parser.add_argument("--rounds", type=int, default=5, help="timed bookings per chat (default 5)")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a person takes per message (0: flat out)"
    )
    args = parser.parse_args()
    with ExitStack() as stack:
        url = stack.enter_context(database(args.database))
        seed(url, args.chats)
        api = stack.enter_context(telegram_api())
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        app = stack.enter_context(serving(url, api, data_dir))
        asyncio.run(rounds(app.base_url, api, args.chats, 1, 1_000_000, 0))
        freeze_startup_heap()  # this process's own full collections would show up as slow replies
        began, cpu_before, here_before = time.perf_counter(), app.cpu_seconds(), time.process_time()
        timed = asyncio.run(rounds(app.base_url, api, args.chats, args.rounds, 2_000_000, args.think))
        seconds, cpu = time.perf_counter() - began, app.cpu_seconds() - cpu_before
        here = time.process_time() - here_before
    replies = [ms for chat in timed for ms in chat.replies]
    webhooks = [ms for chat in timed for ms in chat.webhooks]
    errors = [error for chat in timed for error in chat.errors]
    print(
        f"{args.database}; {args.chats} concurrent chats, {args.think:g} s mean think time; "
        f"{len(timed)} bookings, {len(webhooks)} updates in {seconds:.1f} s ({len(webhooks) / seconds:.0f}/s)"
    )
    print(f"reply   (update in → sendMessage at the Bot API)  {percentiles(replies)}")
    print(f"webhook (update in → our 200, whole turn)        {percentiles(webhooks)}")
    for index, step in enumerate(STEPS):
        step_replies = [chat.replies[index] for chat in timed if len(chat.replies) > index]
        print(f"  reply after {step:8} {percentiles(step_replies)}")
    print(
        f"CPU per update: app {1000 * cpu / len(webhooks):.1f} ms, people and stand-in "
        f"{1000 * here / len(webhooks):.1f} ms; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"errors: {len(errors)}" + "".join(f"\n  {error}" for error in errors[:5]))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]), *sys.argv[3:6])
    else:
        main()
