"""`copgraph serve` as an operator runs it: SIGTERM or SIGINT stops it cleanly, even with a query running, and
no process it started outlives it, however it ends.

Each test starts a real server (`copgraph serve`, in a process of its own) on a free port over the mini report,
keeps a query worker busy on a query that never ends, and then stops or kills the server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from conftest import descendants, free_port, running, stop

#: A query that runs until it is stopped (its answer is the fourth power of the number of triples).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

#: Seconds the operator may wait for a stopped or killed server to be gone, with everything it started.
GONE_WITHIN = 10


class Server:
    """`copgraph serve` on a port, in a process of its own; what it says on stderr is kept in ``said``."""

    def __init__(self, data, port: int) -> None:
        self.port = port
        # The query time limit is longer than any test, so that only the server's stopping ends a query.
        env = {**os.environ, "COPGRAPH_QUERY_TIMEOUT": "300"}
        command = [sys.executable, "-c", "from copgraph.cli import main; main()", "--data", str(data)]
        self.process = subprocess.Popen(
            [*command, "serve", "--port", str(port)], stderr=subprocess.PIPE, text=True, env=env
        )
        self.said: list[str] = []
        self.serving = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.said.append(line.rstrip("\n"))
            if "is serving on" in line:
                self.serving.set()

    def wait_until_serving(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not self.serving.wait(0.1):
            assert self.process.poll() is None, f"the server ended ({self.process.returncode}): {self.said}"
            assert time.monotonic() < deadline, f"the server did not start: {self.said}"

    def children(self) -> list[tuple[int, int]]:
        return sorted(descendants(self.process.pid))

    def stop(self) -> None:
        """End the server (SIGTERM, then SIGKILL if it has not gone in 10 s) and wait for it."""
        if self.process.poll() is None:
            stop(self.process, GONE_WITHIN)
        self._reader.join(timeout=5)
        self.process.stderr.close()


@contextlib.contextmanager
def serving(data, port: int):
    server = Server(data, port)
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.stop()


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(") ", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # user and system time


class Runaway:
    """A POST of :data:`RUNAWAY` to /sparql from a thread of its own, as a client that waits for its answer."""

    def __init__(self, server: Server) -> None:
        self.status: int | None = None
        self.body = ""
        self.failed: Exception | None = None
        self._thread = threading.Thread(target=self._send, args=(server.port,), daemon=True)
        before = {pid: cpu_ticks(pid) for pid, _ in server.children()}
        self._thread.start()
        # Wait until a worker is working on it: its processor time grows.
        deadline = time.monotonic() + 10
        while not any(cpu_ticks(pid) > ticks + 10 for pid, ticks in before.items()):
            assert time.monotonic() < deadline, "no query worker took up the query"
            time.sleep(0.1)

    def _send(self, port: int) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/sparql",
            data=RUNAWAY.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                self.status, self.body = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            self.status, self.body = error.code, error.read().decode()
            error.close()
        except OSError as error:
            self.failed = error

    def join(self) -> None:
        self._thread.join(timeout=60)
        assert not self._thread.is_alive()


def gone_within(processes: list[tuple[int, int]], seconds: float) -> list[tuple[int, int]]:
    """Wait up to ``seconds`` for the processes to end; return those still running."""
    deadline = time.monotonic() + seconds
    while (left := [process for process in processes if running(process)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def starts_again_on_the_same_port(data, port: int) -> None:
    with serving(data, port) as again:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
            assert answer.status == 200
        again.process.send_signal(signal.SIGTERM)
        assert again.process.wait(timeout=GONE_WITHIN) == 0


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_server_with_a_query_running_and_leaves_nothing_behind(mini_data, stop):
    port = free_port()
    with serving(mini_data, port) as server:
        started = server.children()
        assert len(started) == 2, "two query workers"  # COPGRAPH_QUERY_WORKERS' default
        query = Runaway(server)
        signalled = time.monotonic()
        server.process.send_signal(stop)
        assert server.process.wait(timeout=GONE_WITHIN) == 0
        assert time.monotonic() - signalled < GONE_WITHIN
        assert gone_within(started, 0.5) == [], "a query worker outlived the server"
        query.join()
        # The client is answered, rather than left waiting for an answer that will never come.
        assert query.failed is None and query.status is not None, query.failed
    assert server.said[-1] == "copgraph has stopped."
    # Waitress says so when a request's thread finds the server closed under it.
    assert not [line for line in server.said if "Exception when servicing" in line], server.said
    starts_again_on_the_same_port(mini_data, port)


def test_the_query_workers_die_with_a_killed_server(mini_data):
    # SIGKILL, or the kernel's out-of-memory killer, gives the server no chance to end its workers: the kernel
    # ends them, and the port is free at once.
    port = free_port()
    with serving(mini_data, port) as server:
        started = server.children()
        query = Runaway(server)
        server.process.kill()
        server.process.wait()
        assert gone_within(started, GONE_WITHIN) == [], "a query worker outlived its killed server"
        query.join()
        assert query.status is None and query.failed is not None  # the connection was cut
    starts_again_on_the_same_port(mini_data, port)


def test_a_server_stopped_before_any_request_exits_at_once(mini_data):
    with serving(mini_data, free_port()) as server:
        started = server.children()
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=GONE_WITHIN) == 0
        assert time.monotonic() - signalled < 1.5
        assert gone_within(started, 0.5) == []


def test_a_second_signal_cuts_the_wait_for_requests_in_flight_short(mini_data):
    with serving(mini_data, free_port()) as server:
        started = server.children()
        query = Runaway(server)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=GONE_WITHIN) == 0
        assert time.monotonic() - signalled < 2.5  # not the rest of the grace period
        assert gone_within(started, 0.5) == []
        query.join()
    assert server.said[-1] == "copgraph has stopped."


def test_a_server_stopped_while_it_loads_exits_0_at_once(mini_data):
    # systemd may stop a service that is still starting: a national-size graph takes a minute to load.
    before = set(descendants())
    server = Server(mini_data, free_port())
    try:
        deadline = time.monotonic() + 60
        while not any(line.startswith("... ") for line in server.said):
            assert server.process.poll() is None and time.monotonic() < deadline, server.said
            time.sleep(0.05)
        assert not server.serving.is_set()
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=GONE_WITHIN) == 0
        assert time.monotonic() - signalled < 2
        # Whatever it had started is gone too (a process whose parent died would be adopted by the tests).
        assert gone_within(sorted(set(descendants()) - before), 0.5) == []
    finally:
        server.stop()
    assert server.said[-1] == "copgraph has stopped before it began serving."
