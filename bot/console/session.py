"""A terminal session: numbered buttons, links printed, invites saved as files.

Input and output are passed in, so tests drive it with lists and ``chatcal chat`` with the terminal.
"""

import getpass
from collections.abc import Callable
from pathlib import Path

from bot.flow.conversation import ChatFlow
from bot.flow.messages import Choice, Incoming, Kind, Reply, Who

QUIT = {"quit", "exit", "/quit"}


class ConsoleChat:
    """Translates between a prompt and the flow; remembers the last buttons to map numbers."""

    def __init__(
        self, chat: ChatFlow, write: Callable[[str], None], files: Path, user: str | None = None
    ) -> None:
        self.chat = chat
        self.write = write
        self.files = files
        self.who = Who(user or f"console-{getpass.getuser()}")
        self.buttons: list[Choice] = []

    def send(self, kind: Kind, text: str, argument: str = "") -> None:
        for reply in self.chat.handle(Incoming("console", self.who.user_id, self.who, kind, text, argument)):
            self.show(reply)

    def show(self, reply: Reply) -> None:
        self.write(reply.text)
        if reply.choices:
            self.buttons = [choice for row in reply.choices for choice in row]
            for number, choice in enumerate(self.buttons, 1):
                self.write(f"  [{number}] {choice.label}")
        for link in reply.links:
            self.write(f"  {link.label}: {link.url}")
        for attachment in reply.attachments:
            self.files.mkdir(parents=True, exist_ok=True)
            path = self.files / attachment.filename
            path.write_bytes(attachment.content)
            self.write(f"  Saved {path}")

    def answer(self, line: str) -> bool:
        """Handle one typed line; False when the person wants to leave."""
        text = line.strip()
        if text.lower() in QUIT:
            return False
        if not text:
            return True
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            self.send(Kind.CHOICE, self.buttons[int(text) - 1].value)
        elif text.startswith("/"):
            name, _, argument = text[1:].partition(" ")
            self.send(Kind.COMMAND, name, argument)
        else:
            self.send(Kind.TEXT, text)
        return True

    def run(self, read: Callable[[], str | None], event: str = "") -> None:
        """Start (with ``event`` as ``owner/slug`` if given) and answer lines until EOF or 'quit'."""
        self.send(Kind.COMMAND, "start" if event else "book", event)
        while (line := read()) is not None and self.answer(line):
            pass
