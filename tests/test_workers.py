"""Query workers: each query runs in a process of its own, within a time limit and a memory limit."""

import gc

import pytest

import copgraph.workers as workers_module
from copgraph.build import load
from copgraph.errors import CopgraphError
from copgraph.sparql import run
from copgraph.workers import QueryWorkers

SMALL = "SELECT ?cohort WHERE { ?cohort a cop:Cohort }"
#: Every triple with its graph: a few megabytes of answer.
EVERYTHING = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
#: Sorting every pair of triples: tens of millions of rows held at once.
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


@pytest.fixture(scope="module")
def graph():
    return load()


def test_an_answer_from_a_worker_is_the_answer_the_query_gives_in_the_app(graph):
    query = "SELECT ?p ?name ?title WHERE { ?p foaf:name ?name OPTIONAL { ?p schema:jobTitle ?title } } ORDER BY ?p"
    here = run(graph, query, max_rows=20)
    with QueryWorkers(graph, processes=1, timeout=30, max_rows=20) as workers:
        there = workers.run(query)
    assert there.truncated and here.truncated
    assert there.rows == here.rows and len(there.rows) == 20
    assert there.to_json() == here.to_json()
    assert any(row[2] is None for row in there.rows)


def test_the_memory_limit_counts_from_what_the_worker_inherits(graph):
    # The app already holds hundreds of MB (gigabytes at national size) when it starts its workers: a limit of
    # 64 MB is what a query may use on top of that, so a small query still runs.
    with QueryWorkers(graph, processes=1, timeout=30, max_rows=None, memory_mb=64) as workers:
        assert len(workers.run(EVERYTHING).rows) > 5000


def test_a_query_that_needs_more_memory_than_allowed_is_stopped_and_the_next_one_runs(graph):
    with QueryWorkers(graph, processes=1, timeout=30, memory_mb=64) as workers:
        with pytest.raises(CopgraphError, match="memory"):
            workers.run(HUNGRY)
        assert len(workers.run(SMALL).rows) == 2


def test_a_worker_keeps_pythons_collector_off_what_it_inherits(graph, monkeypatch):
    # A collection writes to every object it looks at, and each page written to is copied from the app's: at
    # 10,000 people that made a query up to twice as slow in a worker. So a worker freezes what it inherits.
    # Here the worker reports how many objects are frozen instead of answering (it is forked, so it runs the
    # patched function).
    def report(*args, **kwargs):
        raise CopgraphError(f"frozen: {gc.get_freeze_count()}")

    monkeypatch.setattr(workers_module, "run", report)
    with QueryWorkers(graph, processes=1, timeout=30) as workers:
        with pytest.raises(CopgraphError, match="frozen") as answer:
            workers.run(SMALL)
    assert int(str(answer.value).split(": ")[1]) > 10_000  # the graph's Python objects and more
