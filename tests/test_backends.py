"""The backend contract: whichever store holds the graph, copgraph answers the same.

Every test that takes ``any_store`` runs on each backend (conftest.STORES): Oxigraph in memory, rdflib's store,
Oxigraph on disk and a real SPARQL server; the default store (``graph``) is the reference. The rest of the suite
tests behaviour on the default store only.
"""

import time

import networkx as nx
import pytest
from rdflib import RDFS, XSD, Literal, URIRef

import copgraph.build
from copgraph.backends import StoreSpec
from copgraph.build import build_store
from copgraph.build.cache import kept, version
from copgraph.errors import CopgraphError
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import ID
from copgraph.query.examples import load_examples
from copgraph.query.workers import QueryTimeout

# ------------------------------------------------------------------------------------------- the contract


def distinct(rows) -> set[tuple]:
    """Rows as a set of texts, each list a GROUP_CONCAT made put in order: engines may concatenate in any order,
    and Oxigraph's union of the named graphs repeats a fact stated in two sections (README: stores)."""
    return {tuple(tuple(sorted(str(v).replace("; ", ", ").split(", "))) for v in row) for row in rows}


@pytest.mark.parametrize("example", [e.name for e in load_examples()])
def test_every_example_query_answers_the_same_on_every_store(any_store, graph, example):
    text = next(e.text for e in load_examples() if e.name == example)
    rows = any_store.query(text).rows
    assert rows, f"{example} answered nothing"
    assert distinct(rows) == distinct(graph.query(text).rows)


#: One value of each kind a query can answer with, and one left unbound.
EVERY_KIND = """SELECT ?iri ?text ?english ?number ?date ?nothing WHERE {
    VALUES (?iri ?text ?english ?number ?date ?nothing) {
        (person:ann-example "Ann <&> \\"A\\"" "care"@en 3 "2024-01-31"^^xsd:date UNDEF) } }"""


def test_every_kind_of_value_is_written_the_same_from_every_store(any_store):
    answer = any_store.query(EVERY_KIND)
    assert answer.rows == [
        (
            ID.person["ann-example"],
            Literal('Ann <&> "A"'),
            Literal("care", lang="en"),
            Literal(3),
            Literal("2024-01-31", datatype=XSD.date),
            None,
        )
    ]
    assert answer.to_json()["results"]["bindings"] == [
        {
            "iri": {"type": "uri", "value": str(ID.person["ann-example"])},
            "text": {"type": "literal", "value": 'Ann <&> "A"'},
            "english": {"type": "literal", "value": "care", "xml:lang": "en"},
            "number": {"type": "literal", "value": "3", "datatype": str(XSD.integer)},
            "date": {"type": "literal", "value": "2024-01-31", "datatype": str(XSD.date)},
        }
    ]


@pytest.mark.parametrize(
    ("query", "limit", "kept_rows", "truncated"),
    [
        ("SELECT ?nothing WHERE { VALUES ?x { 1 2 3 4 5 } }", 3, 3, True),
        ("SELECT ?nothing WHERE { VALUES ?x { 1 2 3 4 5 } }", 5, 5, False),
        # texts that look like the gap between two rows of a JSON answer
        ('SELECT ?nothing ?text WHERE { VALUES ?text { "a},{b" "c},{d},{e" } }', 2, 2, False),
        ('SELECT ?nothing ?text WHERE { VALUES ?text { "a},{b" "c},{d},{e" "f" } }', 2, 2, True),
    ],
)
def test_the_row_limit_cuts_every_answer_whatever_its_rows_hold(any_store, query, limit, kept_rows, truncated):
    answer = any_store.query(query, limit=limit)
    assert (len(answer.rows), answer.truncated) == (kept_rows, truncated)
    assert len(answer.to_json()["results"]["bindings"]) == kept_rows
    assert all(row[0] is None for row in answer.rows)


def test_ask_construct_and_describe_on_every_store(any_store):
    assert any_store.query("ASK { person:cleo-butterworth a foaf:Person }").boolean is True
    assert any_store.query("ASK { person:nobody a foaf:Person }").boolean is False
    built = any_store.query("CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a cop:Cohort ; rdfs:label ?l }")
    assert built.kind == "CONSTRUCT" and len(built.graph) == 2
    assert any_store.query("DESCRIBE cohort:2019-20").kind == "DESCRIBE"


def test_a_malformed_query_is_placed_by_line_and_column_on_every_store(any_store):
    with pytest.raises(CopgraphError, match="not valid SPARQL at line 2, column"):
        any_store.query("SELECT ?x\nWHERE { ?x a }")


def test_copgraphs_own_queries_read_plain_strings_on_every_store(any_store):
    rows = any_store.select("SELECT DISTINCT ?name ?none WHERE { person:cleo-butterworth foaf:name ?name }")
    assert rows == [("Cleo Butterworth", None)]


def test_every_store_holds_the_same_named_graphs_and_entities(any_store, graph):
    assert set(any_store.backend.graph_names()) == set(graph.backend.graph_names())
    assert any_store.entities() == graph.entities()
    assert any_store.counts() == graph.counts()


def test_the_network_is_the_same_on_every_store(any_store, graph):
    assert nx.utils.graphs_equal(any_store.network(), graph.network())
    assert dict(any_store.network().nodes(data=True)) == dict(graph.network().nodes(data=True))


def test_an_entity_is_described_the_same_on_every_store(any_store, graph):
    entity = any_store.lookup("SEL Polypharmacy")
    assert entity == graph.lookup("SEL Polypharmacy")
    assert any_store.describe(entity) == graph.describe(entity)


def test_a_fact_stated_in_two_sections_is_one_triple_of_the_union(any_store):
    """rdflib's tools read the union: each triple once, whichever graphs state it."""
    triples = list(any_store.dataset.triples((None, RDFS.label, None)))
    assert len(triples) == len(set(triples))


def test_plain_text_comes_back_as_plain_literals(any_store):
    name = any_store.dataset.value(ID.person["cleo-butterworth"], URIRef("http://xmlns.com/foaf/0.1/name"))
    assert name == Literal("Cleo Butterworth") and name.datatype is None


def test_a_query_within_a_time_limit_answers_on_every_store(any_store):
    assert any_store.query("ASK { ?s a cop:Cohort }", timeout=30).boolean is True


def test_a_query_that_never_finishes_is_stopped_at_the_time_limit_on_every_store(any_store):
    if any_store.spec.kind == "sparql":
        pytest.skip("only a SPARQL server's own time limit stops its work, and the shared test server has none")
    never = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="the time limit"):
        any_store.query(never, timeout=1)
    assert time.monotonic() - started < 10


# ------------------------------------------------------------------------------------------ naming stores


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


# --------------------------------------------------------------------------------- building and reopening


def test_a_store_that_was_never_built_says_how_to_build_it(tmp_path):
    with pytest.raises(CopgraphError, match="Build it first: copgraph --store oxigraph:"):
        KnowledgeGraph.open(f"oxigraph:{tmp_path / 'nothing'}")


def test_a_damaged_store_says_so_and_how_to_build_it_again(tmp_path, mini_data):
    path = tmp_path / "copgraph.db"
    build_store(f"oxigraph:{path}", mini_data)
    for file in path.iterdir():
        if file.name.startswith(("MANIFEST", "OPTIONS")):
            file.write_bytes(b"damaged")
    with pytest.raises(CopgraphError, match=r"may be damaged\. Build it again: copgraph --store oxigraph:"):
        KnowledgeGraph.open(f"oxigraph:{path}")


def test_a_persistent_store_holds_what_it_was_built_with(tmp_path, mini_data):
    with pytest.raises(CopgraphError, match="build it again"):
        KnowledgeGraph.open(f"oxigraph:{tmp_path / 'db'}", include=[mini_data / "mini-report.trig"])


def count(store: str):
    return KnowledgeGraph.open(store).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows


def test_a_failed_build_leaves_the_old_store_as_it_was(tmp_path, mini_data, monkeypatch):
    path = tmp_path / "stores" / "copgraph.db"
    path.parent.mkdir()
    build_store(f"oxigraph:{path}", mini_data)
    before = count(f"oxigraph:{path}")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(copgraph.build, "entail", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_store(f"oxigraph:{path}")
    assert count(f"oxigraph:{path}") == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["copgraph.db"]  # no half-built folder left behind


def test_a_build_that_was_killed_leaves_a_folder_the_next_build_removes(tmp_path, mini_data):
    path = tmp_path / "stores" / "copgraph.db"
    path.parent.mkdir()
    left = path.parent / ".copgraph.db.staging-999999-x"  # a process id no process has
    left.mkdir()
    (left / "half.sst").write_bytes(b"x" * 1000)
    build_store(f"oxigraph:{path}", mini_data)
    assert sorted(p.name for p in path.parent.iterdir()) == ["copgraph.db"]


def test_an_on_disk_store_computes_its_network_once_per_build(tmp_path, mini_data, monkeypatch):
    path = tmp_path / "copgraph.db"
    build_store(f"oxigraph:{path}", mini_data)
    first = KnowledgeGraph.open(f"oxigraph:{path}").network()
    monkeypatch.setattr("copgraph.graph.project", lambda backend: pytest.fail("recomputed"))
    again = KnowledgeGraph.open(f"oxigraph:{path}")
    assert sorted(again.network()) == sorted(first)
    old = version(again.backend.folder)
    monkeypatch.undo()
    build_store(f"oxigraph:{path}", mini_data)
    new = KnowledgeGraph.open(f"oxigraph:{path}").backend.folder
    assert version(new) != old  # a new build is a new version: what was kept starts afresh
    assert kept(new, "network", lambda: "computed again") == "computed again"


def test_a_server_build_replaces_copgraphs_graphs_and_leaves_others_alone(tmp_path, mini_data):
    from conftest import OxigraphServer

    from copgraph.backends.sparql_server import SparqlServerBackend

    server = OxigraphServer(tmp_path / "server")
    try:
        backend = SparqlServerBackend(server.url)
        theirs = "<http://example.org/a> <http://example.org/b> 1"
        backend.server.update(f"INSERT DATA {{ GRAPH <http://example.org/theirs> {{ {theirs} }} }}")
        build_store(f"sparql:{server.url}")
        build_store(f"sparql:{server.url}", mini_data)  # smaller: the reports' sections are gone
        graphs = {str(name) for name in backend.graph_names()}
        assert "http://example.org/theirs" in graphs
        assert not any("report-2019-20" in g or "staging" in g for g in graphs)
        answer = KnowledgeGraph.open(f"sparql:{server.url}").query("SELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n")
        assert [str(row[0]) for row in answer.rows] == ["Ann Example", "Bob Example"]
    finally:
        server.stop()


def test_a_server_that_cannot_be_reached_is_a_sentence():
    graph = KnowledgeGraph.open("sparql:http://127.0.0.1:9/query")
    with pytest.raises(CopgraphError, match=r"Cannot reach the SPARQL server at http://127\.0\.0\.1:9/query"):
        graph.query("ASK { ?s ?p ?o }")
