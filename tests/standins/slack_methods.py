"""What each Web API method answers, in the shapes Slack's method reference documents.

Only the methods chatcal calls are here; anything else is ``unknown_method``, as Slack says for a
misspelt method, so a new call shows up as a failing test rather than a silent success.
"""

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.standins.slack_blocks import blocks_problem

if TYPE_CHECKING:
    from tests.standins.slack_api import SlackApi

TEAM, APP, BOT_USER, BOT_ID = "T0STANDIN", "A0STANDIN", "U0BOT", "B0BOT"
Json = dict[str, Any]


def dm_channel(user_id: str) -> str:
    """The bot's DM with ``user_id`` (Slack ids: U… people, D… direct-message channels)."""
    return "D" + user_id.removeprefix("U")


def ok(**fields: Any) -> web.Response:
    return web.json_response({"ok": True, **fields})


def error(code: str, status: int = 200, **headers: str) -> web.Response:
    return web.json_response({"ok": False, "error": code}, status=status, headers=headers)


def _post_message(api: "SlackApi", args: Json) -> web.Response:
    channel = str(args.get("channel", ""))
    if not channel:
        return error("channel_not_found")
    if not args.get("text") and not args.get("blocks"):
        return error("no_text")
    if problem := blocks_problem(args.get("blocks") or []):
        return web.json_response({"ok": False, "error": "invalid_blocks", "errors": [problem]})
    channel = dm_channel(channel) if channel.startswith("U") else channel
    ts = api.next_ts()
    message: Json = {
        "type": "message",
        "user": BOT_USER,
        "bot_id": BOT_ID,
        "app_id": APP,
        "team": TEAM,
        "ts": ts,
    }
    message.update(text=args.get("text", ""), blocks=args.get("blocks") or [])
    api.messages[(channel, ts)] = message
    return ok(channel=channel, ts=ts, message=message)


def _update(api: "SlackApi", args: Json) -> web.Response:
    key = (str(args.get("channel", "")), str(args.get("ts", "")))
    if key not in api.messages:
        return error("message_not_found")
    if problem := blocks_problem(args.get("blocks") or []):
        return web.json_response({"ok": False, "error": "invalid_blocks", "errors": [problem]})
    message = api.messages[key]
    message.update(text=args.get("text", message["text"]), blocks=args.get("blocks") or [])
    message["edited"] = {"user": BOT_USER, "ts": api.next_ts()}
    return ok(channel=key[0], ts=key[1], text=message["text"], message=message)


def answer(api: "SlackApi", origin: str, method: str, args: Json) -> web.Response:
    """The answer to an authorised call of ``method`` (``origin`` is where upload URLs point)."""
    if method == "auth.test":
        who = {"team": "Stand-in", "user": "chatcal", "user_id": BOT_USER, "bot_id": BOT_ID}
        return ok(url="https://standin.slack.com/", team_id=TEAM, is_enterprise_install=False, **who)
    if method == "chat.postMessage":
        return _post_message(api, args)
    if method == "chat.update":
        return _update(api, args)
    if method == "users.info":
        user = api.users.get(str(args.get("user", "")))
        return ok(user=user) if user else error("user_not_found")
    if method == "conversations.open":
        users = str(args.get("users", "")).split(",")
        return ok(no_op=True, already_open=True, channel={"id": dm_channel(users[0])})
    if method == "files.getUploadURLExternal":
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return error("invalid_arguments")
        file_id = f"F0{next(api.serial)}"
        api.uploads[file_id] = {"filename": args["filename"], "length": int(args["length"]), "data": None}
        return ok(upload_url=f"{origin}/upload/v1/{file_id}", file_id=file_id)
    if method == "files.completeUploadExternal":
        files = json.loads(str(args.get("files", "[]")))
        if not files or any(api.uploads.get(f["id"], {}).get("data") is None for f in files):
            return error("file_not_found")
        for item in files:
            api.uploads[item["id"]].update(title=item.get("title"), channel=args.get("channel_id"))
        return ok(files=[{"id": f["id"], "title": f.get("title", "")} for f in files])
    return error("unknown_method")
