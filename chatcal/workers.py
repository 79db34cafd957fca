"""Several server processes on one port, with the kernel spreading connections among them.

uvicorn's own workers share one listening socket, and whichever process wakes first accepts every
connection waiting. Clients that open keep-alive connections together (a proxy's upstream pool, a
load test, a burst of chat webhooks) then land on one process. It serves them all on one core while
the others idle: measured with 32 clients on 2 workers, one worker held 31 connections.

Here each worker listens on a socket of its own, bound with ``SO_REUSEPORT``, and Linux hashes every
new connection to one of them. The parent reserves the port, starts the workers and restarts one that
dies. On SIGINT or SIGTERM it stops them all, each finishing its requests as uvicorn does. Where
``SO_REUSEPORT`` doesn't balance (it is Linux's), ``serve`` keeps uvicorn's shared socket.
"""

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("chatcal")
APP = "chatcal.app:create_app"
BALANCED = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")
STOP_TIMEOUT_S = 30.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _socket(host: str, port: int) -> socket.socket:
    """A TCP socket on ``(host, port)`` that other sockets of this user may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int, log_level: str) -> None:
    """One server process: the app on a listening socket of its own, until told to stop."""
    threading.Thread(target=_stop_with_parent, name="parent-watch", daemon=True).start()
    config = uvicorn.Config(APP, factory=True, host=host, port=port, log_level=log_level)
    server = uvicorn.Server(config)
    server.run(sockets=[_socket(host, port)])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def _stop_with_parent() -> None:
    """Shut this worker down gracefully if the parent goes away without stopping it (killed, say)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os.kill(os.getpid(), signal.SIGTERM)


class Workers:
    """``count`` worker processes on ``host:port``, kept running until a stop signal."""

    def __init__(self, host: str, port: int, count: int, log_level: str) -> None:
        self._reserved = _socket(host, port)  # holds the port (not listening, so it gets no connections)
        self.host = host
        self.port = self._reserved.getsockname()[1]
        self._count = count
        self._log_level = log_level
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[BaseProcess] = []

    def run(self) -> int:
        """Serve until SIGINT/SIGTERM (0) or until a worker fails to start (1)."""
        wake_reader, wake_writer = socket.socketpair()
        wake_writer.setblocking(False)
        previous = signal.set_wakeup_fd(wake_writer.fileno())
        handlers = {sig: signal.signal(sig, lambda *_: None) for sig in STOP_SIGNALS}
        try:
            self._processes = [self._start() for _ in range(self._count)]
            return self._supervise(wake_reader)
        finally:
            self._stop()
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            signal.set_wakeup_fd(previous)
            wake_reader.close()
            wake_writer.close()
            self._reserved.close()

    def _start(self) -> BaseProcess:
        args = (self.host, self.port, self._log_level)
        process = self._context.Process(target=_worker, args=args, name="chatcal-worker")
        process.start()
        return process

    def _supervise(self, wake: socket.socket) -> int:
        """Replace workers that die; a worker that could not start means the next one wouldn't either."""
        while True:
            ready = wait([wake, *(process.sentinel for process in self._processes)])
            if wake in ready:
                return 0
            for index, process in enumerate(self._processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("a worker failed to start; stopping")
                    return 1
                log.warning("worker %s exited (code %s); starting another", process.pid, process.exitcode)
                self._processes[index] = self._start()

    def _stop(self) -> None:
        """SIGTERM every worker, then wait for each to finish its requests (killed after a timeout)."""
        for process in self._processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in self._processes:
            process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                process.kill()
                process.join()


def serve(host: str, port: int, count: int, log_level: str) -> int:
    """Run ``count`` workers of the app built from the environment (``CHATCAL_PORT`` set to the port)."""
    if not BALANCED:
        os.environ["CHATCAL_PORT"] = str(port)
        uvicorn.run(APP, factory=True, workers=count, host=host, port=port, log_level=log_level)
        return 0
    try:
        pool = Workers(host, port, count, log_level)
    except OSError as exc:
        log.error("can't listen on %s:%d (%s); set CHATCAL_HOST / CHATCAL_PORT", host, port, exc.strerror)
        return 1
    os.environ["CHATCAL_PORT"] = str(pool.port)
    log.info("serving on http://%s:%d with %d worker processes", host, pool.port, count)
    return pool.run()
