"""The build cache (``copgraph.buildcache``): a second start with the same files reads the graph built the first
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

from copgraph import buildcache
from copgraph.build import load
from copgraph.cache import cached
from copgraph.forget import apply_forget, plan_forget
from copgraph.sparql import run

TOMASZ = URIRef("https://w3id.org/copgraph/id/person/tomasz-okafor")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("COPGRAPH_CACHE", str(folder))
    return folder


def quads(graph) -> set[str]:
    """The graph's quads as text, blank nodes aside (a fresh parse names them afresh)."""
    return {str(q) for q in graph.store._inner.quads_for_pattern(None, None, None, None) if "_:" not in str(q)}


def read_from_cache(graph) -> bool:
    return graph.store.keep is not None


def test_the_second_load_reads_the_first_ones_graph_and_it_is_the_same(cache, mini_data):
    first = load(mini_data)
    second = load(mini_data)
    assert len(buildcache.entries()) == 1
    assert read_from_cache(second)
    assert len(second) == len(first)
    assert quads(second) == quads(first)


def test_what_is_computed_from_a_cached_graph_is_kept_with_it(cache, mini_data):
    load(mini_data)
    calls = []
    cached(load(mini_data), "answer", lambda: calls.append(1) or 42)
    assert cached(load(mini_data), "answer", lambda: calls.append(1) or 43) == 42
    assert calls == [1]


def test_a_changed_file_builds_afresh(cache, mini_data):
    load(mini_data)
    report = mini_data / "mini-report.trig"
    text = report.read_text(encoding="utf-8")
    renamed = text.replace("Healthy Ageing and Medicines Safety", "Healthy Ageing at Night")
    report.write_text(renamed, encoding="utf-8")
    graph = load(mini_data)
    labels = {
        str(row[0]) for row in run(graph, "SELECT ?l WHERE { ?c a cop:CommunityOfPractice ; rdfs:label ?l }").rows
    }
    assert "Healthy Ageing at Night" in labels and "Healthy Ageing and Medicines Safety" not in labels
    assert len(buildcache.entries()) == 2


def test_an_included_file_is_part_of_what_names_the_entry(cache, mini_data, tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> 'one' .\n", encoding="utf-8")
    load(mini_data, include=[extra])
    extra.write_text("<https://example.org/a> <https://example.org/b> 'two' .\n", encoding="utf-8")
    query = "SELECT ?o WHERE { <https://example.org/a> <https://example.org/b> ?o }"
    answer = run(load(mini_data, include=[extra]), query)
    assert [str(row[0]) for row in answer.rows] == ["two"]


def test_each_audience_has_an_entry_of_its_own_and_the_public_one_holds_nobody_hidden(cache, tmp_path):
    from conftest import make_data_dir

    data = make_data_dir(tmp_path / "data", TESTS / "data" / "mini-report.trig", TESTS / "data" / "visibility.trig")
    load(data, audience="curators")
    public = load(data, audience="public")
    again = load(data, audience="public")
    assert len(buildcache.entries()) == 2
    assert read_from_cache(again)
    for graph in (public, again):
        assert not run(graph, f"ASK {{ {{ <{TOMASZ}> ?p ?o }} UNION {{ ?s ?p <{TOMASZ}> }} }}").boolean


def test_an_entry_that_cannot_be_read_is_built_again(cache, mini_data):
    first = load(mini_data)
    (entry,) = buildcache.entries()
    (entry / "graph.nq").write_text("this is not N-Quads\n", encoding="utf-8")
    graph = load(mini_data)
    assert quads(graph) == quads(first)


def test_only_the_most_recently_used_entries_are_kept(cache, mini_data, tmp_path):
    for number in range(buildcache.MOST_KEPT + 2):
        extra = tmp_path / "extra.ttl"
        extra.write_text(f"<https://example.org/a> <https://example.org/b> {number} .\n", encoding="utf-8")
        load(mini_data, include=[extra])
    assert len(buildcache.entries()) == buildcache.MOST_KEPT


def test_the_cache_is_readable_by_its_owner_only(cache, mini_data):
    load(mini_data)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700


@pytest.mark.parametrize("setting", ["off", "OFF", "none", "0", ""])
def test_the_cache_can_be_turned_off(monkeypatch, tmp_path, mini_data, setting):
    monkeypatch.setenv("COPGRAPH_CACHE", setting)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load(mini_data)
    assert not read_from_cache(load(mini_data))
    assert not (tmp_path / "xdg").exists()


def test_a_cache_that_cannot_be_written_is_skipped(monkeypatch, tmp_path, mini_data):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("COPGRAPH_CACHE", str(blocked / "cache"))
    assert len(load(mini_data)) > 0


def test_the_rdflib_store_is_built_every_time(cache, mini_data):
    load(mini_data, store="rdflib")
    assert buildcache.entries() == []


def test_forgetting_a_person_empties_the_cache(cache, tmp_path):
    from conftest import make_data_dir

    data = make_data_dir(tmp_path / "data", TESTS / "data" / "mini-report.trig", TESTS / "data" / "visibility.trig")
    load(data)
    assert buildcache.entries()
    apply_forget(plan_forget("Tomasz Okafor", data))
    assert buildcache.entries() == []
    assert not run(load(data), f"ASK {{ <{TOMASZ}> ?p ?o }}").boolean


@pytest.mark.parametrize("alongside", [True, False], ids=["counted alongside", "counted in turn"])
def test_the_web_app_keeps_what_it_built_and_its_next_start_reads_all_of_it(cache, mini_data, monkeypatch, alongside):
    import networkx as nx

    import copgraph.alongside
    from webapp import create_app

    if not alongside:  # as at national size, where the app is too big to copy
        monkeypatch.setattr(copgraph.alongside, "MOST_MB", 0)

    def start():
        state = create_app({"DATA": str(mini_data), "QUERY_WORKERS": 1, "TESTING": True}).extensions["copgraph"]
        state.workers.close()
        return state

    first = start()
    if alongside:
        first.keeping.join()  # the graph is kept after start-up, then what was computed from it
    else:
        assert first.keeping is None  # kept during start-up
    (entry,) = buildcache.entries()
    kept = sorted(path.name.rsplit("-", 1)[0] for path in (entry / "cache").iterdir())
    assert kept == ["lookup-index", "network", "summary", "summary-with-suggestions"]
    second = start()
    assert second.keeping is None and read_from_cache(second.graph)
    timeless = [{q for q in quads(state.graph) if "startedAtTime" not in q} for state in (first, second)]
    assert timeless[0] == timeless[1]  # the suggestions are computed again, at another time
    assert second.summary == first.summary
    assert second.by_iri == first.by_iri
    assert nx.utils.graphs_equal(second.network, first.network)
    assert dict(second.network.nodes(data=True)) == dict(first.network.nodes(data=True))


def test_the_network_the_web_app_keeps_does_not_change_while_pages_read_the_network(mini):
    # The web app keeps the network in the cache in a thread of its own while pages read it in others, and
    # reading a NetworkX graph adds to it (its views are made on first use): pickling a graph that changes
    # meanwhile fails ("dictionary changed size during iteration"). What is kept is the same network in a graph
    # object that no page reads.
    import pickle

    import networkx as nx

    from copgraph.analysis.projection import project
    from webapp.state import _unchanging

    network = project(mini)
    kept = _unchanging(network)
    before = dict(vars(kept))
    network.nodes, network.adj, network.edges, network.degree  # noqa: B018 (what a page's first reads do)
    assert vars(kept) == before
    again = pickle.loads(pickle.dumps(kept))
    assert nx.utils.graphs_equal(again, network) and again.graph == network.graph
    assert dict(again.nodes(data=True)) == dict(network.nodes(data=True))
