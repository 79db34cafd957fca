"""Run an aiohttp stand-in on its own event loop in a thread, on a free port of 127.0.0.1."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

WAIT_S = 10.0


@contextmanager
def serving(
    app: web.Application, name: str, *, handler_cancellation: bool = False
) -> Iterator[tuple[str, asyncio.AbstractEventLoop]]:
    """Serve ``app`` until the block ends; yields its origin (``http://127.0.0.1:port``) and loop.

    ``handler_cancellation`` cancels a handler whose client hung up (long polls need it).
    """
    runner = web.AppRunner(app, handler_cancellation=handler_cancellation)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()  # bound to ``loop`` on first use, inside it
    origin: list[str] = []

    async def serve() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        origin.append(f"http://127.0.0.1:{runner.addresses[0][1]}")
        ready.set()
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), name=name)
    thread.start()
    assert ready.wait(WAIT_S), f"the {name} did not start"
    try:
        yield origin[0], loop
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(WAIT_S)
        assert not thread.is_alive(), f"the {name} did not stop"
        loop.close()
