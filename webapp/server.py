"""Serving the app with waitress until told to stop, and then stopping cleanly.

SIGTERM (what systemd, Docker and supervisors send) and SIGINT (Ctrl-C) both stop the server the same way: it
stops accepting connections, gives requests in flight a few seconds to finish, ends its query workers (a query
still running is cut off, and its request answered 503), sends the answers it has, frees the port and returns,
so that the command exits 0. A second signal while it stops cuts the wait short. The query workers would die
with the server anyway, however it died: see :mod:`copgraph.query.workers`.
"""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Callable

from flask import Flask
from waitress import wasyncore
from waitress.server import create_server

__all__ = ["GRACE_SECONDS", "serve_until_stopped", "stop_on_signals"]

#: Seconds requests in flight are given to finish once the server is told to stop.
GRACE_SECONDS = 5

#: Seconds given, once the query workers have ended, to send the answers of the requests they cut off.
_LAST_WORDS_SECONDS = 1

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def stop_on_signals() -> None:
    """From now on, SIGTERM and SIGINT end this process with exit status 0 (while the app is still loading, say:
    nothing is being served yet, and the query workers end with the process)."""
    for number in _SIGNALS:
        signal.signal(number, _stop)


def serve_until_stopped(
    app: Flask, listening: socket.socket, *, threads: int = 8, ready: Callable[[], object] | None = None
) -> None:
    """Serve ``app`` on a bound socket until SIGTERM or SIGINT; then stop as the module describes."""
    app.extensions["copgraph-queries"].fit(threads)  # queries never hold more than half the threads
    server = create_server(app, sockets=[listening], threads=threads, ident="copgraph")
    dispatcher = server.task_dispatcher
    previous = {number: signal.signal(number, _stop) for number in _SIGNALS}
    try:
        if ready is not None:
            ready()
        try:
            _loop(server)
        except (SystemExit, KeyboardInterrupt):
            pass
    finally:
        hurry: list[int] = []
        for number in _SIGNALS:  # a second signal must not cut the clean-up short, only the waiting
            signal.signal(number, lambda signum, frame: hurry.append(signum))
        # No new connections. The server's trigger stays open: a request's thread pulls it to send its answer.
        wasyncore.dispatcher.close(server)
        _serve_requests_in_flight(server, GRACE_SECONDS, hurry)
        app.extensions["copgraph"].close()  # ends the query workers, and with them any query still running
        _serve_requests_in_flight(server, _LAST_WORDS_SECONDS, hurry)
        dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(server._map)  # every connection, and the trigger
        for number, handler in previous.items():
            signal.signal(number, handler)


def _serve_requests_in_flight(server, seconds: float, hurry: list[int]) -> None:
    """Go on answering the requests already received, for at most ``seconds`` or until a signal comes."""
    dispatcher = server.task_dispatcher
    deadline = time.monotonic() + seconds
    while (
        not hurry and time.monotonic() < deadline and (dispatcher.active_count or dispatcher.queue or _writing(server))
    ):
        _loop(server, count=1)


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
