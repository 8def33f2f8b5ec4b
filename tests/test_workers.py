"""Query workers: each query runs in a process of its own, within a time limit and a memory limit, and no
worker outlives the process that started it."""

import gc
import os
import subprocess
import sys
import time

import pytest

from copgraph.errors import CopgraphError
from copgraph.query.workers import QueryBusy, QueryTimeout, QueryWorkers

SMALL = "SELECT ?cohort WHERE { ?cohort a cop:Cohort }"
#: Every triple with its graph: a few megabytes of answer.
EVERYTHING = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
#: Sorting every pair of triples: tens of millions of rows held at once.
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
#: Counting every quadruple of triples: never finishes.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_an_answer_from_a_worker_is_the_answer_the_query_gives_in_the_app(graph):
    query = "SELECT ?p ?name ?title WHERE { ?p foaf:name ?name OPTIONAL { ?p schema:jobTitle ?title } } ORDER BY ?p"
    here = graph.query(query, limit=20)
    with QueryWorkers(graph.backend, processes=1, timeout=30, max_rows=20) as workers:
        there = workers.run(query)
    assert there.truncated and here.truncated
    assert there.rows == here.rows and len(there.rows) == 20
    assert there.to_json() == here.to_json()
    assert any(row[2] is None for row in there.rows)


def test_a_graph_answer_comes_back_from_a_worker(graph):
    with QueryWorkers(graph.backend, processes=1, timeout=30) as workers:
        answer = workers.run("CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a cop:Cohort ; rdfs:label ?l }")
    assert answer.kind == "CONSTRUCT" and len(answer.graph) == 2


def test_the_memory_limit_counts_from_what_the_worker_inherits(graph):
    # The app already holds hundreds of MB (gigabytes at national size) when it starts its workers: a limit of
    # 64 MB is what a query may use on top of that, so a small query still runs.
    with QueryWorkers(graph.backend, processes=1, timeout=30, max_rows=None, memory_mb=64) as workers:
        assert len(workers.run(EVERYTHING).rows) > 5000


def test_a_query_that_needs_more_memory_than_allowed_is_stopped_and_the_next_one_runs(graph):
    with QueryWorkers(graph.backend, processes=1, timeout=30, memory_mb=64) as workers:
        with pytest.raises(CopgraphError, match="memory"):
            workers.run(HUNGRY)
        assert len(workers.run(SMALL).rows) == 2


def test_a_runaway_query_is_stopped_at_the_time_limit_and_the_next_one_runs(graph):
    with QueryWorkers(graph.backend, processes=1, timeout=1) as workers:
        with pytest.raises(QueryTimeout, match="ran for more than 1 s, the time limit"):
            workers.run(RUNAWAY)
        assert len(workers.run(SMALL).rows) == 2


def test_a_query_that_finds_every_worker_busy_is_told_to_try_again_at_once(graph):
    import threading

    def runaway() -> None:
        with pytest.raises(QueryTimeout):
            workers.run(RUNAWAY)

    with QueryWorkers(graph.backend, processes=1, timeout=3, wait=0.2) as workers:
        busy = threading.Thread(target=runaway)
        busy.start()
        time.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(QueryBusy, match="try again in a moment"):
            workers.run(SMALL)
        assert time.monotonic() - started < 1
        busy.join()


def test_a_worker_keeps_pythons_collector_off_what_it_inherits(graph):
    # A collection writes to every object it looks at, and each page written to is copied from the app's: at
    # 10,000 people that made a query up to twice as slow in a worker. So a worker freezes what it inherits.
    class Reporting:
        def in_worker(self):
            return self

        def query(self, text, *, limit=None):
            raise CopgraphError(f"frozen: {gc.get_freeze_count()}")

    with QueryWorkers(Reporting(), processes=1, timeout=30) as workers:
        with pytest.raises(CopgraphError, match="frozen") as answer:
            workers.run(SMALL)
    assert int(str(answer.value).split(": ")[1]) > 10_000  # what the test process holds, and more


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(") ")[1].split()[0] != "Z"


def wait_until_gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


def test_workers_die_with_their_parent_even_a_busy_one_when_it_is_killed(tmp_path):
    # A parent that dies without a word (SIGKILL, the out-of-memory killer) leaves no worker behind, not even
    # one in the middle of a query that never ends.
    script = f"""
import sys, threading
from copgraph.graph import KnowledgeGraph
from copgraph.query.workers import QueryWorkers
workers = QueryWorkers(KnowledgeGraph.open().backend, processes=2, timeout=600)
threading.Thread(target=workers.run, args=({RUNAWAY!r},), daemon=True).start()
print(" ".join(map(str, workers.pids)), flush=True)
threading.Event().wait()
"""
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(alive(pid) for pid in pids)
        time.sleep(0.5)  # the runaway query is running
        parent.kill()
        parent.wait()
        assert wait_until_gone(pids) == []
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()


def test_a_worker_holds_no_socket_but_its_own_pipe(graph):
    import socket

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    try:
        with QueryWorkers(graph.backend, processes=2, timeout=30) as workers:
            for _ in workers.pids:
                workers.run(SMALL)  # each worker has answered: it is past its start
            for pid in workers.pids:
                held = [os.readlink(f"/proc/{pid}/fd/{name}") for name in os.listdir(f"/proc/{pid}/fd")]
                sockets = [name for name in held if name.startswith("socket:")]
                assert len(sockets) == 1, f"worker {pid} holds {len(sockets)} sockets"
    finally:
        listening.close()
