"""Stores: how they are named, built, reopened and kept consistent, whatever engine holds the graph."""

import threading

import pytest
from rdflib import RDFS, Literal, URIRef

import copgraph.build
from copgraph.analysis.projection import project
from copgraph.build import build, load
from copgraph.cache import cached, version
from copgraph.errors import CopgraphError
from copgraph.namespaces import ID
from copgraph.sparql import run
from copgraph.store import Adding, StoreSpec, new_dataset


@pytest.mark.parametrize(
    ("text", "kind", "location"),
    [
        ("memory", "memory", None),
        (None, "memory", None),
        ("rdflib", "rdflib", None),
        ("oxigraph:/var/lib/copgraph", "oxigraph", "/var/lib/copgraph"),
        ("sparql:http://localhost:7878/query", "sparql", "http://localhost:7878/query"),
    ],
)
def test_a_store_is_named_in_a_few_words(text, kind, location):
    spec = StoreSpec.parse(text)
    assert (spec.kind, spec.location) == (kind, location)


@pytest.mark.parametrize("text", ["postgres:x", "oxigraph:", "sparql:localhost:7878", "memory:x"])
def test_an_unknown_store_is_refused_with_the_choices(text):
    with pytest.raises(CopgraphError, match=r"Use memory .* rdflib, oxigraph:PATH .* sparql:URL"):
        StoreSpec.parse(text)


def test_a_store_that_was_never_built_says_how_to_build_it(tmp_path):
    with pytest.raises(CopgraphError, match="Build it first: copgraph --store oxigraph:"):
        load(store=f"oxigraph:{tmp_path / 'nothing'}")


def test_a_persistent_store_holds_what_it_was_built_with(tmp_path, mini_data):
    with pytest.raises(CopgraphError, match="build it again"):
        load(store=f"oxigraph:{tmp_path / 'db'}", include=[mini_data / "mini-report.trig"])


def test_a_failed_build_leaves_the_old_store_as_it_was(tmp_path, mini_data, monkeypatch):
    path = tmp_path / "stores" / "copgraph.db"
    path.parent.mkdir()
    build(f"oxigraph:{path}", mini_data)
    before = run(load(store=f"oxigraph:{path}"), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows

    def interrupted(dataset):
        raise KeyboardInterrupt

    monkeypatch.setattr(copgraph.build, "entail", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(f"oxigraph:{path}")
    assert run(load(store=f"oxigraph:{path}"), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["copgraph.db"]  # no half-built folder left behind


def test_an_on_disk_store_computes_its_network_once_per_build(tmp_path, mini_data, monkeypatch):
    path = tmp_path / "copgraph.db"
    build(f"oxigraph:{path}", mini_data)
    graph = load(store=f"oxigraph:{path}")
    first = cached(graph, "network", lambda: project(graph))
    monkeypatch.setattr("copgraph.analysis.projection.project", lambda graph: pytest.fail("recomputed"))
    again = load(store=f"oxigraph:{path}")
    assert sorted(cached(again, "network", lambda: pytest.fail("recomputed"))) == sorted(first)
    old = version(again)
    monkeypatch.undo()
    build(f"oxigraph:{path}", mini_data)
    assert version(load(store=f"oxigraph:{path}")) != old  # a new build is a new version: caches start afresh


def test_a_fact_stated_in_two_sections_is_one_triple_of_the_union(graph):
    """The library reads the union through rdflib's API: each triple once, whichever graphs state it."""
    triples = list(graph.triples((None, RDFS.label, None)))
    assert len(triples) == len(set(triples))


def test_plain_text_comes_back_as_plain_literals(graph):
    name = graph.value(ID.person["cleo-butterworth"], URIRef("http://xmlns.com/foaf/0.1/name"))
    assert name == Literal("Cleo Butterworth") and name.datatype is None


def test_a_server_build_replaces_copgraphs_graphs_and_leaves_others_alone(tmp_path, mini_data):
    from conftest import OxigraphServer

    from copgraph.server import ServerStore, _update, query

    server = OxigraphServer(tmp_path / "server")
    try:
        store = ServerStore(server.url)
        theirs = "<http://example.org/a> <http://example.org/b> 1"
        _update(store, f"INSERT DATA {{ GRAPH <http://example.org/theirs> {{ {theirs} }} }}")
        build(f"sparql:{server.url}")
        build(f"sparql:{server.url}", mini_data)  # smaller: the reports' sections are gone
        graphs = {str(row[0]) for row in query(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
        assert "http://example.org/theirs" in graphs
        assert not any("report-2019-20" in g or "staging" in g for g in graphs)
        answer = run(load(store=f"sparql:{server.url}"), "SELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n")
        assert [str(row[0]) for row in answer.rows] == ["Ann Example", "Bob Example"]
    finally:
        server.stop()


def test_batches_added_in_the_background_are_stored_in_order_before_the_block_ends():
    stored = []
    with Adding(new_dataset()) as adding:
        for batch in range(5):
            adding.later(lambda batch=batch: stored.append((batch, threading.current_thread().name)))
    assert stored == [(batch, "copgraph-adding") for batch in range(5)]  # Oxigraph's: in a thread of its own


def test_on_rdflibs_store_each_batch_is_stored_when_given():
    stored = []
    with Adding(new_dataset(StoreSpec("rdflib"))) as adding:
        adding.later(lambda: stored.append(1))
        assert stored == [1]  # rdflib's store may not be read while it is written


def test_a_batch_that_fails_to_be_stored_fails_the_block_and_nothing_after_it_is_stored():
    def fail():
        raise ValueError("no room")

    stored = []
    with pytest.raises(ValueError, match="no room"):
        with Adding(new_dataset()) as adding:
            adding.later(fail)
            adding.later(lambda: stored.append(1))
    assert stored == []


def test_an_error_in_the_block_is_the_one_raised_even_if_storing_failed_too():
    def fail():
        raise ValueError("no room")

    with pytest.raises(KeyError):
        with Adding(new_dataset()) as adding:
            adding.later(fail)
            raise KeyError("the caller's own")
