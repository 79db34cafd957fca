"""Slack's text format both ways: ``Reply`` → Block Kit, and a person's mrkdwn → plain text.

Slack rejects a whole message (``invalid_blocks``) when one block breaks a limit, so every limit is
enforced here rather than trusted to the flow: 3000 characters per section, 25 buttons per actions
block, 75 characters per button label, 2000 per button value, 50 blocks per message. What people type
arrives escaped and auto-linked (an email becomes ``<mailto:a@b.c|a@b.c>``); the flow must see what
they typed, so ``plain_text`` undoes that.
"""

import logging
import re
from typing import Any

from bot.flow.messages import Choice, Reply

log = logging.getLogger("chatcal.slack")

SECTION_CHARS = 3000
BUTTONS_PER_BLOCK = 25
LABEL_CHARS = 75
VALUE_CHARS = 2000
BLOCKS_PER_MESSAGE = 50
FALLBACK_CHARS = 3000
HARD_SPLIT = SECTION_CHARS // len("&amp;")
"""A line too long for one section is cut every this many characters: they fit even if all are ``&``."""
ACTION_PREFIX = "choice-"
"""Every button's ``action_id`` starts with this; the adapter listens for it."""

Block = dict[str, Any]
_ANGLED = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """Make text literal in mrkdwn: Slack's docs name exactly these three characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def link(url: str, label: str) -> str:
    """``<url|label>``; a ``|`` inside the URL would end it early, so it is percent-encoded."""
    return f"<{escape(url).replace('|', '%7C')}|{escape(label)}>"


def plain_text(mrkdwn: str) -> str:
    """What the person typed: ``<url|label>`` → label, ``<url>`` → url, entities decoded."""

    def shown(found: re.Match[str]) -> str:
        inner = found.group(1)
        target, _, label = inner.partition("|")
        if label:
            return label
        return target.removeprefix("mailto:")

    return unescape(_ANGLED.sub(shown, mrkdwn))


def _pieces(text: str) -> list[str]:
    """Split raw text into pieces whose escaped form fits one section, preferring line breaks."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(escape(candidate)) <= SECTION_CHARS:
            current = candidate
            continue
        if current:
            pieces.append(current)
        rest = line
        while len(escape(rest)) > SECTION_CHARS:
            pieces.append(rest[:HARD_SPLIT])
            rest = rest[HARD_SPLIT:]
        current = rest
    if current.strip():
        pieces.append(current)
    return pieces


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _button(choice: Choice, number: int) -> Block | None:
    if len(choice.value) > VALUE_CHARS:
        log.warning(
            "dropped a button with a %d-character value (Slack allows %d)", len(choice.value), VALUE_CHARS
        )
        return None
    label = choice.label if len(choice.label) <= LABEL_CHARS else choice.label[: LABEL_CHARS - 1] + "…"
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label or "·", "emoji": True},
        "value": choice.value,
        "action_id": f"{ACTION_PREFIX}{number}",
    }


def _actions(rows: tuple[tuple[Choice, ...], ...], room: int) -> list[Block]:
    """One actions block per row when they fit in ``room`` blocks; packed 25 to a block otherwise."""
    buttons: list[list[Block]] = []
    number = 0
    for row in rows:
        made: list[Block] = []
        for choice in row:
            button = _button(choice, number)
            number += 1
            if button is not None:
                made.append(button)
        buttons.extend(made[at : at + BUTTONS_PER_BLOCK] for at in range(0, len(made), BUTTONS_PER_BLOCK))
    if len(buttons) > room:
        flat = [button for group in buttons for button in group]
        buttons = [flat[at : at + BUTTONS_PER_BLOCK] for at in range(0, len(flat), BUTTONS_PER_BLOCK)]
    if len(buttons) > room:
        log.warning("dropped %d button rows past Slack's %d blocks", len(buttons) - room, BLOCKS_PER_MESSAGE)
    return [
        {"type": "actions", "block_id": f"choices-{n}", "elements": group}
        for n, group in enumerate(buttons[:room])
        if group
    ]


def blocks_for(reply: Reply) -> list[Block]:
    """The reply as Block Kit: its text, its links as mrkdwn, its choices as buttons."""
    blocks = [_section(escape(piece)) for piece in _pieces(reply.text)]
    if reply.links:
        blocks.append(_section("\n".join(link(item.url, item.label) for item in reply.links)))
    blocks = blocks[: BLOCKS_PER_MESSAGE - 1] if reply.choices else blocks[:BLOCKS_PER_MESSAGE]
    return blocks + _actions(reply.choices, BLOCKS_PER_MESSAGE - len(blocks))


def fallback_text(reply: Reply) -> str:
    """The message's ``text``: what notifications and screen readers show instead of the blocks."""
    text = escape(reply.text) or " "
    return text if len(text) <= FALLBACK_CHARS else text[: FALLBACK_CHARS - 1] + "…"


def answered(blocks: list[Block], label: str) -> list[Block]:
    """A clicked message without its buttons, noting the choice, so no button can be pressed twice."""
    kept = [block for block in blocks if block.get("type") != "actions"]
    note = f"You chose *{escape(label)}*" if label else "Answered"
    return [*kept, {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]
