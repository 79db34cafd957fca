"""The terminal chat: in-process with scripted lines, and as a real ``chatcal chat`` process."""

import os
import subprocess
import sys
from pathlib import Path

from booking.db import Database
from bot.console.session import ConsoleChat
from tests.booking.factory import setup
from tests.bot.channel import flow


def test_numbers_press_buttons_and_invites_are_saved(db: Database, tmp_path: Path) -> None:
    setup(db)
    printed: list[str] = []
    lines = iter(["London", "1", "1", "Bo", "/help", "skip", "1", "quit", "never read"])
    console = ConsoleChat(flow(db), printed.append, tmp_path / "invites", "tester")
    console.run(lambda: next(lines), "ana/intro")
    output = "\n".join(printed)
    assert "  [1] Yes" in output
    assert "/mybookings" in output
    assert "Booked: Intro call" in output
    [invite] = list((tmp_path / "invites").glob("*.ics"))
    assert invite.read_text().startswith("BEGIN:VCALENDAR")
    assert next(lines) == "never read"


def test_chatcal_chat_in_a_real_terminal_process(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHATCAL_")}
    env["CHATCAL_DATA_DIR"] = str(tmp_path / "data")
    subprocess.run(
        [sys.executable, "-m", "chatcal", "demo-seed"], env=env, cwd=tmp_path, check=True, capture_output=True
    )
    result = subprocess.run(
        [sys.executable, "-m", "chatcal", "chat", "demo/intro", "--user", "tty"],
        input="Tokyo\n1\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "Which time zone are you in?" in result.stdout
    assert "Asia/Tokyo" in result.stdout
    assert "  [1] " in result.stdout
