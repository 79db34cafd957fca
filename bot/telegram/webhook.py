"""``POST /webhooks/telegram``: verify the secret header, parse the raw body, hand the update on.

Telegram sends the ``secret_token`` given to ``setWebhook`` in ``X-Telegram-Bot-Api-Secret-Token`` on
every delivery; it is compared in constant time before the body is even read, so a forged delivery
costs nothing and changes nothing (missing: 401, wrong: 403). A body that isn't a JSON update is a 400
problem, never a 500. Errors are raised as ``HTTPException`` so the app's RFC 9457 handler renders
them; the front end lives on ``app.state.telegram`` (None when Telegram is off or polling).
"""

import hmac
import json
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.exceptions import HTTPException
from telegram import Update

from bot.telegram.front import WEBHOOK_PATH, TelegramFront, Unavailable

router = APIRouter(tags=["webhooks"])
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1 << 20  # updates are a few KB; Telegram never sends more


def _front(request: Request) -> TelegramFront:
    front = getattr(request.app.state, "telegram", None)
    if not isinstance(front, TelegramFront) or front.config.webhook_url is None:
        raise HTTPException(404, "Telegram webhooks are off (set TELEGRAM_BOT_TOKEN and CHATCAL_PUBLIC_URL).")
    return front


def _check_secret(front: TelegramFront, given: str | None) -> None:
    if given is None:
        raise HTTPException(401, f"The {SECRET_HEADER} header is missing.")
    if not hmac.compare_digest(given.encode(), front.config.webhook_secret.encode()):
        raise HTTPException(403, f"The {SECRET_HEADER} header does not match.")


def _update(front: TelegramFront, body: bytes) -> Update:
    try:
        data: Any = json.loads(body)
    except ValueError as exc:
        raise HTTPException(400, "The body is not JSON.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise HTTPException(400, "The body is not a Telegram update (an object with an integer update_id).")
    try:
        return Update.de_json(data, front.application.bot)
    except Exception as exc:  # PTB raises whatever the malformed field trips over
        raise HTTPException(400, f"The update could not be read: {exc}") from exc


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def telegram_webhook(request: Request) -> Response:
    """One update from Telegram, handled before answering (see ``front.py`` for why)."""
    front = _front(request)
    _check_secret(front, request.headers.get(SECRET_HEADER))
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise HTTPException(413, "The body is larger than any Telegram update.")
    update = _update(front, body)
    try:
        await front.receive(update)
    except Unavailable as exc:
        raise HTTPException(503, "Telegram is not reachable yet; deliver again later.") from exc
    return Response(status_code=200)
