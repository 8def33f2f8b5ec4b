"""How many query requests the app takes on at once, in all and from one client, so that pages stay fast.

A query request (``/sparql``, or the SPARQL page running a query) holds a server thread while it waits for a
query worker and while its query runs, up to the time limit. Without a limit, a few slow queries would take every
thread and every page would queue behind them. So the app admits at most ``COPGRAPH_QUERIES_IN_FLIGHT`` query
requests at once (and never more than half the server's threads: :meth:`QueryGate.fit`), and at most
``COPGRAPH_QUERIES_PER_CLIENT`` from one client address. A request over either limit is answered at once with
503 and ``Retry-After``, the status nginx's ``limit_conn`` gives, instead of waiting: the other threads stay free
for pages.

A client is its address, as the server sees it; behind reverse proxies, ``COPGRAPH_PROXIES`` says how many, and the
address is read from their ``X-Forwarded-For`` (:func:`trust_proxies`).

Example
-------
>>> gate = QueryGate(in_flight=2, per_client=1)
>>> with gate.admit("10.0.0.1"):
...     gate.admit("10.0.0.1").__enter__()
Traceback (most recent call last):
...
webapp.limits.QueryRefused: You already have a query running; wait for its answer, then send the next.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["RETRY_AFTER", "QueryGate", "QueryRefused", "gate", "trust_proxies"]

#: Seconds a refused client is asked to wait before it tries again.
RETRY_AFTER = 1


class QueryRefused(Exception):
    """A query request over a limit: answer 503 with ``Retry-After``."""


class QueryGate:
    """Counts the query requests in flight, in all and by client, and refuses those over the limits."""

    def __init__(self, in_flight: int, per_client: int) -> None:
        self.in_flight = in_flight
        self.per_client = per_client
        self._lock = threading.Lock()
        self._running = 0
        self._by_client: dict[str, int] = {}

    def fit(self, threads: int) -> None:
        """Admit at most half of ``threads`` (the server's) query requests at once, and at least one."""
        self.in_flight = max(1, min(self.in_flight, threads // 2))

    @contextlib.contextmanager
    def admit(self, client: str) -> Iterator[None]:
        """Hold a place for one query request from ``client`` while the block runs, or raise
        :class:`QueryRefused` saying which limit it is over."""
        with self._lock:
            if self._by_client.get(client, 0) >= self.per_client:
                several = "" if self.per_client == 1 else f" ({self.per_client}, the most one client may run)"
                raise QueryRefused(
                    f"You already have {'a query' if self.per_client == 1 else 'queries'} running{several}; "
                    "wait for its answer, then send the next."
                )
            if self._running >= self.in_flight:
                raise QueryRefused(
                    f"The server is busy with {self._running} queries, the most it takes on at once; try again in a "
                    "moment."
                )
            self._running += 1
            self._by_client[client] = self._by_client.get(client, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._by_client[client] == 1:
                    del self._by_client[client]
                else:
                    self._by_client[client] -= 1


def gate() -> QueryGate:
    """The current app's gate."""
    return current_app.extensions["copgraph-queries"]


def trust_proxies(app: Flask, proxies: int) -> None:
    """Read the client's address from the ``X-Forwarded-For`` of ``proxies`` reverse proxies (none: the address
    the connection comes from)."""
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
