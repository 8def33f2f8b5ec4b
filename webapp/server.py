"""Serving the app with waitress until told to stop, and then stopping cleanly.

SIGTERM (what systemd, Docker and supervisors send) and SIGINT (Ctrl-C) both stop the server the same way: it
stops accepting connections, gives requests in flight a few seconds to finish, ends its query workers (which
would die with it anyway: see :mod:`copgraph.query.workers`), frees the port and returns, so that the command
exits 0.
"""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Callable

from flask import Flask
from waitress.server import create_server

__all__ = ["GRACE_SECONDS", "serve_until_stopped"]

#: Seconds requests in flight are given to finish once the server is told to stop.
GRACE_SECONDS = 5


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve_until_stopped(
    app: Flask, listening: socket.socket, *, threads: int = 8, ready: Callable[[], object] | None = None
) -> None:
    """Serve ``app`` on a bound socket until SIGTERM or SIGINT; then stop as the module describes."""
    app.extensions["copgraph-queries"].fit(threads)  # queries never hold more than half the threads
    server = create_server(app, sockets=[listening], threads=threads, ident="copgraph")
    dispatcher = server.task_dispatcher
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        if ready is not None:
            ready()
        try:
            _loop(server)
        except (SystemExit, KeyboardInterrupt):
            pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        server.close()  # no new connections
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and (dispatcher.active_count or dispatcher.queue or _writing(server)):
            _loop(server, count=1)
        app.extensions["copgraph"].close()  # ends the query workers, and with them any request still waiting
        for channel in list(server._map.values()):
            channel.close()
        dispatcher.shutdown(cancel_pending=True, timeout=1)
        signal.signal(signal.SIGTERM, previous)


def _loop(server, count: int | None = None) -> None:
    server.asyncore.loop(
        timeout=0.1 if count else server.adj.asyncore_loop_timeout,
        map=server._map,
        use_poll=server.adj.asyncore_use_poll,
        count=count,
    )


def _writing(server) -> bool:
    """Whether a connection still has an answer to send."""
    return any(getattr(channel, "total_outbufs_len", 0) for channel in list(server._map.values()))
