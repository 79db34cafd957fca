"""Web chat endpoints: the landing page, the chat page, and the JSON message exchange.

The browser keeps a random chat id (128 bits, in ``localStorage``) as its identity; the conversation
itself is the shared flow, so the web chat books exactly as Telegram and Slack do.
"""

import base64
from importlib.resources import files
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from booking.schemas import Strict
from bot.flow.conversation import ChatFlow
from bot.flow.messages import Incoming, Kind, Reply, Who

router = APIRouter(tags=["web chat"])
PAGE = files("bot.web").joinpath("chat.html").read_text(encoding="utf-8")
ChatId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")]


class WebMessage(Strict):
    """What the page sends: a typed message, a pressed button or a command."""

    chat_id: ChatId
    kind: Kind
    text: str = Field(max_length=2000)
    argument: str = Field(default="", max_length=200)


class WebChoice(BaseModel):
    label: str
    value: str


class WebLink(BaseModel):
    label: str
    url: str


class WebFile(BaseModel):
    filename: str
    media_type: str
    base64: str


class WebReply(BaseModel):
    """A reply as the page renders it."""

    text: str
    choices: list[list[WebChoice]]
    links: list[WebLink]
    files: list[WebFile]


def _web(reply: Reply) -> WebReply:
    return WebReply(
        text=reply.text,
        choices=[[WebChoice(label=c.label, value=c.value) for c in row] for row in reply.choices],
        links=[WebLink(label=link.label, url=link.url) for link in reply.links],
        files=[
            WebFile(filename=a.filename, media_type=a.media_type, base64=base64.b64encode(a.content).decode())
            for a in reply.attachments
        ],
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
@router.get("/chat/{owner}/{event}", response_class=HTMLResponse, include_in_schema=False)
def page() -> HTMLResponse:
    """The chat page; it reads the event from its own URL and starts the conversation."""
    return HTMLResponse(PAGE)


@router.post("/chat/messages", response_model=list[WebReply])
async def message(body: WebMessage, request: Request) -> list[WebReply]:
    """One message from the page; the conversation runs in a worker thread."""
    chat: ChatFlow = request.app.state.chat
    incoming = Incoming("web", body.chat_id, Who(body.chat_id), body.kind, body.text, body.argument)
    replies = await anyio.to_thread.run_sync(chat.handle, incoming)
    return [_web(reply) for reply in replies]
