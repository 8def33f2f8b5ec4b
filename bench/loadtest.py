"""Bounded load test on loopback: concurrent clients over pages and /sparql while one client sends a query
that never finishes (a cartesian product), repeatedly.

Run: python bench/loadtest.py [--clients 20] [--seconds 20]
Starts copgraph's own server (waitress) on 127.0.0.1 on a free port, and only ever talks to it. Target
(issue 4): 0 errors; the never-ending queries are stopped at the time limit with a clear 503.
"""

from __future__ import annotations

import argparse
import itertools
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

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


def get(base: str, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except Exception:  # a refused or broken connection counts as an error
        status = 0
    return status, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()

    import logging

    from waitress.server import create_server

    logging.getLogger("waitress").setLevel(logging.CRITICAL)  # queue-depth notices and shutdown noise

    from webapp import create_app

    app = create_app({"QUERY_WORKERS": 2, "QUERY_TIMEOUT": 10})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=16)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.perf_counter() + args.seconds
    results: list[tuple[int, float]] = []
    slow: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        for path in itertools.islice(itertools.cycle(PAGES), offset, None):
            if time.perf_counter() > deadline:
                return
            outcome = get(base, path)
            with lock:
                results.append(outcome)

    def never_ending() -> None:
        while time.perf_counter() < deadline:
            outcome = get(base, NEVER_ENDS)
            with lock:
                slow.append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    threads.append(threading.Thread(target=never_ending))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(0.5)  # let waitress finish writing the last responses before it closes
    server.close()
    app.extensions["copgraph"].workers.close()

    errors = [status for status, _ in results if status != 200]
    times = sorted(t for _, t in results)
    print(f"{len(results)} requests from {args.clients} clients in {args.seconds:g} s: {len(errors)} errors")
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"latency median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    print(
        f"never-ending queries: {len(slow)}, answered {sorted({s for s, _ in slow})} after "
        f"{', '.join(f'{t:.1f}' for _, t in slow)} s"
    )


if __name__ == "__main__":
    main()
