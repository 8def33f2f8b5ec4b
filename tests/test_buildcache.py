"""The build cache (``copgraph.build.cache``): a second start with the same files reads the graph built the first
time instead of building it again, and gets exactly the same graph; a change to any file, or another audience,
builds afresh; an entry that cannot be read is built again; the cache can be turned off, holds personal data
only where its owner can read it, and ``copgraph forget`` empties it.

Every other test runs with the cache off (conftest); these point COPGRAPH_CACHE at a temporary folder.
"""

import os
import stat

import pytest
from conftest import TESTS
from rdflib import URIRef

from copgraph.build import cache as buildcache
from copgraph.curation.forget import apply_forget, plan_forget
from copgraph.graph import KnowledgeGraph

TOMASZ = URIRef("https://w3id.org/copgraph/id/person/tomasz-okafor")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("COPGRAPH_CACHE", str(folder))
    return folder


def quads(graph: KnowledgeGraph) -> set[tuple]:
    """The graph's quads, blank nodes aside (a fresh parse names them afresh)."""
    rows = graph.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {row for row in rows if not any(type(term).__name__ == "BNode" for term in row)}


def read_from_cache(graph: KnowledgeGraph) -> bool:
    return graph.backend.folder is not None


def test_the_second_load_reads_the_first_ones_graph_and_it_is_the_same(cache, mini_data):
    first = KnowledgeGraph.open(data=mini_data)
    second = KnowledgeGraph.open(data=mini_data)
    assert len(buildcache.entries()) == 1
    assert read_from_cache(second)
    assert len(second.backend) == len(first.backend)
    assert quads(second) == quads(first)


def test_what_is_computed_from_a_cached_graph_is_kept_with_it(cache, mini_data):
    KnowledgeGraph.open(data=mini_data)
    calls = []
    buildcache.kept(KnowledgeGraph.open(data=mini_data).backend.folder, "answer", lambda: calls.append(1) or 42)
    again = buildcache.kept(KnowledgeGraph.open(data=mini_data).backend.folder, "answer", lambda: 43)
    assert again == 42
    assert calls == [1]


def test_a_changed_file_builds_afresh(cache, mini_data):
    KnowledgeGraph.open(data=mini_data)
    report = mini_data / "mini-report.trig"
    text = report.read_text(encoding="utf-8")
    renamed = text.replace("Healthy Ageing and Medicines Safety", "Healthy Ageing at Night")
    report.write_text(renamed, encoding="utf-8")
    graph = KnowledgeGraph.open(data=mini_data)
    labels = {
        str(row[0]) for row in graph.query("SELECT ?l WHERE { ?c a cop:CommunityOfPractice ; rdfs:label ?l }").rows
    }
    assert "Healthy Ageing at Night" in labels and "Healthy Ageing and Medicines Safety" not in labels
    assert len(buildcache.entries()) == 2


def test_an_included_file_is_part_of_what_names_the_entry(cache, mini_data, tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> 'one' .\n", encoding="utf-8")
    KnowledgeGraph.open(data=mini_data, include=[extra])
    extra.write_text("<https://example.org/a> <https://example.org/b> 'two' .\n", encoding="utf-8")
    query = "SELECT ?o WHERE { <https://example.org/a> <https://example.org/b> ?o }"
    answer = KnowledgeGraph.open(data=mini_data, include=[extra]).query(query)
    assert [str(row[0]) for row in answer.rows] == ["two"]


def test_each_audience_has_an_entry_of_its_own_and_the_public_one_holds_nobody_hidden(cache, tmp_path):
    from conftest import make_data_dir

    data = make_data_dir(tmp_path / "data", TESTS / "data" / "mini-report.trig", TESTS / "data" / "visibility.trig")
    KnowledgeGraph.open(data=data, audience="curators")
    public = KnowledgeGraph.open(data=data, audience="public")
    again = KnowledgeGraph.open(data=data, audience="public")
    assert len(buildcache.entries()) == 2
    assert read_from_cache(again)
    for graph in (public, again):
        assert not graph.query(f"ASK {{ {{ <{TOMASZ}> ?p ?o }} UNION {{ ?s ?p <{TOMASZ}> }} }}").boolean


def test_an_entry_that_cannot_be_read_is_built_again(cache, mini_data):
    first = KnowledgeGraph.open(data=mini_data)
    (entry,) = buildcache.entries()
    (entry / "graph.nq").write_text("this is not N-Quads\n", encoding="utf-8")
    graph = KnowledgeGraph.open(data=mini_data)
    assert quads(graph) == quads(first)


def test_only_the_most_recently_used_entries_are_kept(cache, mini_data, tmp_path):
    for number in range(buildcache.MOST_KEPT + 2):
        extra = tmp_path / "extra.ttl"
        extra.write_text(f"<https://example.org/a> <https://example.org/b> {number} .\n", encoding="utf-8")
        KnowledgeGraph.open(data=mini_data, include=[extra])
    assert len(buildcache.entries()) == buildcache.MOST_KEPT


def test_the_cache_is_readable_by_its_owner_only(cache, mini_data):
    KnowledgeGraph.open(data=mini_data)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700


@pytest.mark.parametrize("setting", ["off", "OFF", "none", "0", ""])
def test_the_cache_can_be_turned_off(monkeypatch, tmp_path, mini_data, setting):
    monkeypatch.setenv("COPGRAPH_CACHE", setting)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    KnowledgeGraph.open(data=mini_data)
    assert not read_from_cache(KnowledgeGraph.open(data=mini_data))
    assert not (tmp_path / "xdg").exists()


def test_a_cache_that_cannot_be_written_is_skipped(monkeypatch, tmp_path, mini_data):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("COPGRAPH_CACHE", str(blocked / "cache"))
    assert len(KnowledgeGraph.open(data=mini_data).backend) > 0


def test_the_rdflib_store_is_built_every_time(cache, mini_data):
    KnowledgeGraph.open("rdflib", data=mini_data)
    assert buildcache.entries() == []


def test_forgetting_a_person_empties_the_cache(cache, tmp_path):
    from conftest import make_data_dir

    data = make_data_dir(tmp_path / "data", TESTS / "data" / "mini-report.trig", TESTS / "data" / "visibility.trig")
    KnowledgeGraph.open(data=data)
    assert buildcache.entries()
    apply_forget(plan_forget("Tomasz Okafor", data))
    assert buildcache.entries() == []
    assert not KnowledgeGraph.open(data=data).query(f"ASK {{ <{TOMASZ}> ?p ?o }}").boolean


def test_the_web_app_keeps_what_it_computed_and_its_next_start_reads_all_of_it(cache, mini_data):
    import networkx as nx

    from webapp import create_app

    def start():
        state = create_app({"DATA": str(mini_data), "QUERY_WORKERS": 1, "TESTING": True}).extensions["copgraph"]
        state.close()
        return state

    first = start()
    (entry,) = buildcache.entries()
    kept = sorted(path.name.rsplit("-", 1)[0] for path in (entry / "cache").iterdir())
    assert kept == ["counts-with-suggestions", "lookup-index", "network"]
    second = start()
    assert read_from_cache(second.graph)
    timeless = [{q for q in quads(state.graph) if "startedAtTime" not in str(q)} for state in (first, second)]
    assert timeless[0] == timeless[1]  # the suggestions are computed again, at another time
    assert second.summary == first.summary
    assert second.graph.entities() == first.graph.entities()
    assert nx.utils.graphs_equal(second.network, first.network)
    assert dict(second.network.nodes(data=True)) == dict(first.network.nodes(data=True))
