"""The conversation's ``Reply`` → Bot API calls: a message with an inline keyboard, then its files.

Choices become callback buttons (their values encoded by ``CallbackCodec``), links become URL buttons
under them, and each attachment (the ``.ics`` invite) follows as a document. Telegram refuses a whole
message whose URL button points at a machine of its own network (``localhost``, ``127.0.0.1``), which
is exactly what a development instance without ``CHATCAL_PUBLIC_URL`` links to; such links are written
into the text instead, so the message still arrives.

After a press, the pressed keyboard is replaced by one inert "✓ label" button (plus its links), so an
old keyboard can't be pressed again and the chat shows what was chosen.
"""

import ipaddress
import logging
from urllib.parse import urlsplit

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot.flow.messages import Link, Reply
from bot.telegram.callback_data import CHOSEN, CallbackCodec

log = logging.getLogger("chatcal.telegram")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal")


def button_safe(url: str) -> bool:
    """Whether Telegram accepts ``url`` on a button: http(s) to a host the public internet can name."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or host == "localhost":
        return False
    if host.endswith(LOCAL_SUFFIXES) or "." not in host:
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True


def keyboard(reply: Reply, codec: CallbackCodec) -> InlineKeyboardMarkup | None:
    """The reply's choices as callback buttons, then its button-safe links, one per row."""
    rows = [
        [InlineKeyboardButton(choice.label, callback_data=codec.encode(choice.value)) for choice in row]
        for row in reply.choices
    ]
    rows += [
        [InlineKeyboardButton(link.label, url=link.url)] for link in reply.links if button_safe(link.url)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def text_of(reply: Reply) -> str:
    """The message text, with the links that can't be buttons written out."""
    written: list[Link] = [link for link in reply.links if not button_safe(link.url)]
    return "\n".join([reply.text, *(f"{link.label}: {link.url}" for link in written)])


async def send_reply(bot: Bot, chat_id: int, reply: Reply, codec: CallbackCodec) -> None:
    """One reply: its message, then each attachment as a document."""
    await bot.send_message(chat_id, text_of(reply), reply_markup=keyboard(reply, codec))
    for attachment in reply.attachments:
        await bot.send_document(chat_id, attachment.content, filename=attachment.filename)


def chosen_keyboard(markup: InlineKeyboardMarkup | None, data: str) -> InlineKeyboardMarkup:
    """``markup`` after its ``data`` button was pressed: "✓ label" (inert) and the link buttons."""
    buttons = [button for row in markup.inline_keyboard for button in row] if markup else []
    rows = [
        [InlineKeyboardButton(f"✓ {button.text}", callback_data=CHOSEN)]
        for button in buttons
        if button.callback_data == data
    ][:1]
    rows += [[button] for button in buttons if button.url]
    return InlineKeyboardMarkup(rows)


async def mark_chosen(bot: Bot, message: Message, data: str) -> None:
    """Swap the pressed message's keyboard for the chosen one; a failure only costs the cosmetics.

    A double tap edits twice to the same markup, which Telegram answers with "message is not
    modified"; that and any other refusal is logged, never raised into the turn.
    """
    try:
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id,
            message_id=message.message_id,
            reply_markup=chosen_keyboard(message.reply_markup, data),
        )
    except TelegramError as exc:
        log.debug("could not mark the chosen button in chat %s: %s", message.chat.id, exc)


async def answer_press(bot: Bot, query_id: str, text: str | None = None) -> None:
    """Stop the button's spinner; an expired query (over ~15 s old) only costs the spinner."""
    try:
        await bot.answer_callback_query(query_id, text=text)
    except TelegramError as exc:
        log.debug("could not answer callback query %s: %s", query_id, exc)
