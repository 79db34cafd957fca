"""Rendering replies as Block Kit within Slack's limits, and reading people's mrkdwn back.

Every rendering here is also put through the stand-in's own check of Slack's limits, so "Slack would
take this" is asserted the same way the end-to-end tests see it.
"""

import pytest

from bot.flow.messages import Choice, Link, Reply
from bot.slack.blocks import (
    BLOCKS_PER_MESSAGE,
    BUTTONS_PER_BLOCK,
    LABEL_CHARS,
    SECTION_CHARS,
    VALUE_CHARS,
    Block,
    answered,
    blocks_for,
    escape,
    fallback_text,
    plain_text,
)
from tests.bot.slack.workspace import buttons
from tests.standins.slack_blocks import blocks_problem


def rendered(reply: Reply) -> list[Block]:
    blocks = blocks_for(reply)
    assert blocks_problem(blocks) is None, blocks_problem(blocks)
    return blocks


def test_text_is_escaped_and_links_are_mrkdwn_links() -> None:
    reply = Reply("Bo <b> & co", links=(Link("Manage <it>", "https://x.test/m?a=1&b=2|3"),))
    link = "<https://x.test/m?a=1&amp;b=2%7C3|Manage &lt;it&gt;>"
    assert rendered(reply) == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Bo &lt;b&gt; &amp; co"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": link}},
    ]
    assert fallback_text(reply) == "Bo &lt;b&gt; &amp; co"


def test_rows_become_actions_blocks_with_unique_action_ids() -> None:
    rows = ((Choice("Yes", "yes"), Choice("No", "no")), (Choice("More", "more"),))
    blocks = rendered(Reply("Right?", rows))
    assert [block["type"] for block in blocks] == ["section", "actions", "actions"]
    values = [b["value"] for b in buttons({"blocks": blocks})]
    assert values == ["yes", "no", "more"]


def test_button_limits() -> None:
    long_label = Choice("x" * (LABEL_CHARS + 10), "long-label")
    huge_value = Choice("too big", "v" * (VALUE_CHARS + 1))
    wide_row = tuple(Choice(f"{n}", f"n:{n}") for n in range(BUTTONS_PER_BLOCK + 5))
    blocks = rendered(Reply("Pick", ((long_label, huge_value), wide_row)))
    shown = buttons({"blocks": blocks})
    assert shown[0]["text"]["text"] == "x" * (LABEL_CHARS - 1) + "…"
    assert "too big" not in [b["text"]["text"] for b in shown]
    assert [len(block["elements"]) for block in blocks[1:]] == [1, BUTTONS_PER_BLOCK, 5]


def test_many_rows_are_packed_into_fifty_blocks() -> None:
    rows = tuple((Choice(f"{n}", f"n:{n}"),) for n in range(120))
    blocks = rendered(Reply("Lots", rows))
    assert len(blocks) <= BLOCKS_PER_MESSAGE
    assert [b["value"] for b in buttons({"blocks": blocks})] == [f"n:{n}" for n in range(120)]


def test_long_text_is_split_into_sections_that_fit() -> None:
    text = "\n".join(["a line of text"] * 400) + "\n" + "&" * (SECTION_CHARS + 1)
    blocks = rendered(Reply(text))
    joined = "\n".join(block["text"]["text"] for block in blocks)
    assert joined.replace("\n", "") == escape(text).replace("\n", "")


def test_empty_text_renders_only_buttons() -> None:
    assert [block["type"] for block in rendered(Reply("", ((Choice("Go", "go"),),)))] == ["actions"]


def test_an_answered_message_keeps_its_text_and_drops_its_buttons() -> None:
    blocks = blocks_for(Reply("Pick <one>", ((Choice("A", "a"),),)))
    after = answered(blocks, "A & B")
    assert after[0] == blocks[0]
    assert buttons({"blocks": after}) == []
    assert after[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "You chose *A &amp; B*"}]}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("<mailto:bo@example.com|bo@example.com>", "bo@example.com"),
        ("see <https://example.com/a?b=1&amp;c=2>", "see https://example.com/a?b=1&c=2"),
        ("<https://example.com|the site>", "the site"),
        ("after 3pm &amp; before 5 &lt;ish&gt;", "after 3pm & before 5 <ish>"),
        ("next Tuesday", "next Tuesday"),
    ],
)
def test_what_people_type_reaches_the_flow_as_typed(typed: str, meant: str) -> None:
    assert plain_text(typed) == meant
