"""What each Bot API method answers, in the shapes of https://core.telegram.org/bots/api.

Only the methods chatcal calls are here; any other is ``404 Not Found``, as Telegram answers a
misspelt method, so a new call shows up as a failing test rather than a silent success. The checks are
the ones Telegram makes that our adapter could trip over: empty or over-long text, ``callback_data``
over 64 bytes, URL buttons to a local host, editing a message that doesn't exist or to the markup it
already has, getUpdates while a webhook is set.
"""

import ipaddress
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from tests.standins.telegram_api import TelegramApi, Upload

Json = dict[str, Any]
BOT_ID = 7_000_001
TOKEN = f"{BOT_ID}:AAStandInTokenForTestsOnly_0123456789"
BOT_USER: Json = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Chatcal",
    "username": "chatcal_standin_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A refusal: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _public_url(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https", "tg") or not host or host == "localhost" or "." not in host:
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True


def _check_markup(markup: Any) -> None:
    if markup is None:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    for button in (button for row in rows for button in row):
        if not str(button.get("text", "")):
            raise bad("inline keyboard button text must be non-empty")
        if "callback_data" in button:
            if not 1 <= len(str(button["callback_data"]).encode()) <= 64:
                raise bad("BUTTON_DATA_INVALID")
        elif "url" in button:
            if not _public_url(str(button["url"])):
                raise bad(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")
        else:
            raise bad("text buttons are unallowed in the inline keyboard")


def _chat_id(params: Json) -> int:
    try:
        return int(params["chat_id"])
    except (KeyError, ValueError):
        raise bad("chat not found") from None


def _message(api: "TelegramApi", chat_id: int, **content: Any) -> Json:
    message: Json = {
        "message_id": api.next_message_id(),
        "from": BOT_USER,
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": "Person"},
        "date": int(time.time()),
        **{key: value for key, value in content.items() if value is not None},
    }
    api.messages[chat_id, message["message_id"]] = message
    return message


def send_message(api: "TelegramApi", params: Json) -> Json:
    chat_id, text = _chat_id(params), str(params.get("text", ""))
    if not text.strip():
        raise bad("message text is empty")
    if len(text) > 4096:
        raise bad("message is too long")
    _check_markup(params.get("reply_markup"))
    return _message(api, chat_id, text=text, reply_markup=params.get("reply_markup"))


def send_document(api: "TelegramApi", params: Json, files: dict[str, "Upload"]) -> Json:
    chat_id, upload = _chat_id(params), files.get("document")
    if upload is None:
        raise bad("there is no document in the request")
    _check_markup(params.get("reply_markup"))
    document = {
        "file_id": f"BQACAgIAAxk-{api.next_message_id()}",
        "file_unique_id": f"AgAD-{len(api.messages)}",
        "file_name": upload.filename,
        "mime_type": upload.content_type,
        "file_size": len(upload.content),
    }
    return _message(api, chat_id, document=document, caption=params.get("caption"))


def edit_reply_markup(api: "TelegramApi", params: Json) -> Json:
    key = (_chat_id(params), int(params.get("message_id", 0)))
    message = api.messages.get(key)
    if message is None:
        raise bad("message to edit not found")
    markup = params.get("reply_markup")
    _check_markup(markup)
    if markup == message.get("reply_markup") or (not message.get("reply_markup") and not markup):
        raise bad(NOT_MODIFIED)
    message["reply_markup"] = markup
    return message


def set_webhook(api: "TelegramApi", params: Json) -> bool:
    url = str(params.get("url", ""))
    if not url.startswith("https://"):
        raise bad("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret is not None and not SECRET_TOKEN.match(str(secret)):
        raise bad("bad webhook: secret token contains unallowed characters")
    api.webhook = {"url": url, "secret_token": secret}
    return True


def answer(api: "TelegramApi", method: str, params: Json, files: dict[str, "Upload"]) -> Any:
    """The ``result`` of ``method``, or ``ApiError`` as Telegram would refuse it."""
    match method.lower():
        case "getme":
            return BOT_USER
        case "sendmessage":
            return send_message(api, params)
        case "senddocument":
            return send_document(api, params, files)
        case "editmessagereplymarkup":
            return edit_reply_markup(api, params)
        case "answercallbackquery":
            if not params.get("callback_query_id"):
                raise bad("query is too old and response timeout expired or query ID is invalid")
            return True
        case "setwebhook":
            return set_webhook(api, params)
        case "deletewebhook":
            api.webhook = None
            return True
        case "setmycommands":
            return True
    raise ApiError(404, "Not Found")
