"""Bounded load tests on loopback, against copgraph's own server (waitress) on 127.0.0.1 on a free port, and
nothing else. Each client has an address of its own on the loopback network (127.0.0.N), as clients on other
machines would, so that the app tells them apart.

Run: python bench/loadtest.py [--scenario mixed|runaways] [--clients N] [--seconds S] [--runaways R] [--no-limits]

- ``mixed`` (issue 4): N clients (default 20) over pages and /sparql, plus one client that sends a query that
  never finishes (a cartesian product), again and again. Target: 0 errors; the never-ending queries are stopped
  at the time limit with a clear 503.
- ``runaways`` (issue 20): one client keeps 10 (R) never-ending queries in flight (each sent again as soon as it is
  answered, whatever Retry-After says) while N clients (default 5) read the home page and an entity page, and
  two probes send a small query to /sparql every half second, one from the runaway client's address and one from
  another. Target: the two pages under 300 ms at p95; /sparql answers the runaway client 503 with Retry-After at
  once rather than hanging. ``--no-limits`` lifts the caps on query requests (COPGRAPH_QUERIES_IN_FLIGHT and
  COPGRAPH_QUERIES_PER_CLIENT) to show what they prevent.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import statistics
import threading
import time
import urllib.parse

PAGES = [
    "/",
    "/id/community/sel-polypharmacy",
    "/id/person/phil-southworth",
    "/explore",
    "/explore.json",
    "/synergies",
    "/boundaries",
    "/search?q=health",
    "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?n WHERE { ?p foaf:name ?n } LIMIT 20"}),
]
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NEVER_ENDS = "/sparql?" + urllib.parse.urlencode({"query": CARTESIAN})
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SMALL = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s a cop:Cohort }"})
THREADS = 8  # copgraph serve's default


class Outcome(tuple):
    """(status, seconds, Retry-After or None); status 0 for a refused or broken connection."""


def request(port: int, path: str, client: str, method: str = "GET", body: bytes | None = None) -> Outcome:
    """One request from the loopback address ``client``; its status, how long it took and its Retry-After."""
    start = time.perf_counter()
    headers = {"Content-Type": "application/sparql-query"} if body else {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(client, 0))
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status, retry = response.status, response.headers.get("Retry-After")
    except OSError:
        status, retry = 0, None
    finally:
        connection.close()
    return Outcome((status, time.perf_counter() - start, retry))


def serve(limits: bool, threads: int):
    """copgraph's app served by waitress as ``copgraph serve`` serves it; returns (server, app, port)."""
    import logging
    import socket

    from waitress.server import create_server

    from webapp import create_app

    logging.getLogger("waitress").setLevel(logging.CRITICAL)  # queue-depth notices and shutdown noise
    settings = {"QUERY_WORKERS": 2, "QUERY_TIMEOUT": 10}
    if not limits:
        settings |= {"QUERIES_IN_FLIGHT": 1000, "QUERIES_PER_CLIENT": 1000}
    app = create_app(settings)
    if limits:
        app.extensions["copgraph-queries"].fit(threads)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=threads)
    threading.Thread(target=server.run, daemon=True).start()
    return server, app, port


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[int(share * (len(ordered) - 1))]


def mixed(port: int, clients: int, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    results: list[Outcome] = []
    slow: list[Outcome] = []
    lock = threading.Lock()

    failed: dict[tuple[str, int], int] = {}

    def client(offset: int) -> None:
        for path in itertools.islice(itertools.cycle(PAGES), offset, None):
            if time.perf_counter() > deadline:
                return
            outcome = request(port, path, f"127.0.0.{10 + offset}")
            with lock:
                results.append(outcome)
                if outcome[0] != 200:
                    key = (path.split("?")[0], outcome[0])
                    failed[key] = failed.get(key, 0) + 1

    def never_ending() -> None:
        while time.perf_counter() < deadline:
            outcome = request(port, NEVER_ENDS, "127.0.0.2")
            with lock:
                slow.append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=never_ending))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    errors = [status for status, _, _ in results if status != 200]
    times = [t for _, t, _ in results]
    print(f"{len(results)} requests from {clients} clients in {seconds:g} s: {len(errors)} errors")
    for (path, status), count in sorted(failed.items()):
        print(f"  {count} x {status} on {path}")
    print(f"latency median {statistics.median(times) * 1000:.1f} ms, p95 {percentile(times, 0.95) * 1000:.1f} ms")
    print(
        f"never-ending queries: {len(slow)}, answered {sorted({s for s, _, _ in slow})} after "
        f"{', '.join(f'{t:.1f}' for _, t, _ in slow)} s"
    )


def runaways(port: int, clients: int, seconds: float, count: int = 10) -> None:
    deadline = time.perf_counter() + seconds
    pages: dict[str, list[Outcome]] = {"/": [], "/id/community/sel-polypharmacy": []}
    runaway: list[Outcome] = []
    probes: dict[str, list[Outcome]] = {"runaway client": [], "another client": []}
    lock = threading.Lock()

    def reader(number: int) -> None:
        for path in itertools.islice(itertools.cycle(pages), number, None):
            if time.perf_counter() > deadline:
                return
            outcome = request(port, path, f"127.0.0.{10 + number}")
            with lock:
                pages[path].append(outcome)

    def runaway_query() -> None:
        while time.perf_counter() < deadline:
            outcome = request(port, "/sparql", "127.0.0.2", "POST", RUNAWAY.encode())
            with lock:
                runaway.append(outcome)

    def probe(name: str, client: str) -> None:
        while time.perf_counter() < deadline:
            outcome = request(port, SMALL, client)
            with lock:
                probes[name].append(outcome)
            time.sleep(0.5)

    threads = [threading.Thread(target=runaway_query) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(1)  # the runaways in flight first
    threads += [threading.Thread(target=reader, args=(i,)) for i in range(clients)]
    threads += [
        threading.Thread(target=probe, args=("runaway client", "127.0.0.2")),
        threading.Thread(target=probe, args=("another client", "127.0.0.3")),
    ]
    for thread in threads[count:]:
        thread.start()
    for thread in threads:
        thread.join()

    print(f"{count} runaway queries from one client, {clients} readers, {seconds:g} s:")
    for path, outcomes in pages.items():
        times = [t for _, t, _ in outcomes]
        errors = sum(1 for status, _, _ in outcomes if status != 200)
        print(
            f"  {path}: {len(outcomes)} requests, {errors} errors, median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {percentile(times, 0.95) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms"
        )
    for name, outcomes in probes.items():
        statuses = sorted({status for status, _, _ in outcomes})
        retry = sorted({r for status, _, r in outcomes if status == 503})
        times = [t for _, t, _ in outcomes]
        print(
            f"  /sparql from the {name}: {len(outcomes)} probes, statuses {statuses}, Retry-After {retry}, "
            f"median {statistics.median(times) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms"
        )
    refused = [t for status, t, _ in runaway if status == 503]
    print(
        f"  runaway queries sent: {len(runaway)}; statuses {sorted({s for s, _, _ in runaway})}; "
        f"{len(refused)} answered 503, median {statistics.median(refused) * 1000:.1f} ms"
        if refused
        else f"  runaway queries sent: {len(runaway)}; statuses {sorted({s for s, _, _ in runaway})}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["mixed", "runaways"], default="mixed")
    parser.add_argument("--clients", type=int, help="page clients (mixed: 20, runaways: 5)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runaways", type=int, default=10, help="runaway queries in flight (runaways)")
    parser.add_argument("--no-limits", action="store_true", help="lift the caps on query requests")
    args = parser.parse_args()
    clients = args.clients or (20 if args.scenario == "mixed" else 5)
    server, app, port = serve(limits=not args.no_limits, threads=THREADS if args.scenario == "runaways" else 16)
    try:
        if args.scenario == "mixed":
            mixed(port, clients, args.seconds)
        else:
            runaways(port, clients, args.seconds, args.runaways)
    finally:
        time.sleep(0.5)  # let waitress finish writing the last responses before it closes
        server.close()
        app.extensions["copgraph"].close()


if __name__ == "__main__":
    main()
