"""Slack's documented Block Kit limits, checked the way Slack checks them: one broken block fails all.

Slack answers ``{"ok": false, "error": "invalid_blocks"}`` for a message that breaks any limit; the
stand-in does the same, so a rendering bug fails the end-to-end tests exactly as it would fail in a real
workspace rather than passing quietly.
"""

from typing import Any

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_ACTION_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_CONTEXT_ELEMENTS = 10


def _button_problem(element: dict[str, Any]) -> str | None:
    text = (element.get("text") or {}).get("text", "")
    if element.get("type") != "button":
        return f"unsupported element {element.get('type')!r}"
    if not text or len(text) > MAX_BUTTON_TEXT:
        return f"button text must be 1..{MAX_BUTTON_TEXT} characters"
    if len(str(element.get("value", ""))) > MAX_BUTTON_VALUE:
        return f"button value over {MAX_BUTTON_VALUE} characters"
    if not element.get("action_id") or len(element["action_id"]) > MAX_ACTION_ID:
        return "button needs an action_id of at most 255 characters"
    return None


def _block_problem(block: dict[str, Any]) -> str | None:
    kind = block.get("type")
    if kind == "section":
        text = (block.get("text") or {}).get("text", "")
        return None if 0 < len(text) <= MAX_SECTION_TEXT else "section text must be 1..3000 characters"
    if kind == "actions":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= MAX_ACTION_ELEMENTS:
            return "actions block needs 1..25 elements"
        return next(filter(None, map(_button_problem, elements)), None)
    if kind == "context":
        elements = block.get("elements") or []
        return None if 0 < len(elements) <= MAX_CONTEXT_ELEMENTS else "context block needs 1..10 elements"
    return f"unsupported block {kind!r}"


def blocks_problem(blocks: list[dict[str, Any]]) -> str | None:
    """Why Slack would refuse these blocks, or None when it would take them."""
    if len(blocks) > MAX_BLOCKS:
        return f"more than {MAX_BLOCKS} blocks"
    action_ids: list[str] = [
        element.get("action_id", "")
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements") or []
    ]
    if len(action_ids) != len(set(action_ids)):
        return "action_id values must be unique within a message"
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    if len(block_ids) != len(set(block_ids)):
        return "block_id values must be unique within a message"
    return next(filter(None, map(_block_problem, blocks)), None)
