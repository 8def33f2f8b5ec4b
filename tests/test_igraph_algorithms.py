"""igraph's C for the algorithms too slow in Python at national size (``copgraph.analysis.igraph_algorithms``): the same
answers every time for the same graph and seed, and answers of the kind NetworkX's own would give."""

import networkx as nx
import pytest

from copgraph.analysis.igraph_algorithms import fruchterman_reingold, louvain


def two_groups() -> nx.Graph:
    """Two dense groups of 40 joined by one link: any community detection must find them."""
    network = nx.union(nx.complete_graph(40), nx.relabel_nodes(nx.complete_graph(40), lambda n: n + 40))
    network.add_edge(0, 40)
    return nx.relabel_nodes(network, lambda n: f"node-{n:02d}")


def test_louvain_finds_the_groups_and_the_same_ones_every_time():
    network = two_groups()
    first = louvain(network, seed=3)
    assert sorted(sorted(c) for c in first) == sorted(sorted(c) for c in nx.community.louvain_communities(network))
    assert all(louvain(network, seed=3) == first for _ in range(3))


def test_louvain_on_a_bigger_network_is_deterministic_and_a_partition():
    network = nx.relabel_nodes(nx.powerlaw_cluster_graph(3000, 3, 0.3, seed=1), str)
    first = louvain(network, seed=42)
    assert louvain(network, seed=42) == first
    assert sorted(n for c in first for n in c) == sorted(network)
    assert nx.community.modularity(network, first) > 0.3


def test_a_layout_is_the_same_every_time_and_draws_linked_nodes_nearer():
    network = nx.relabel_nodes(nx.gnm_random_graph(400, 1200, seed=1), str)
    first, again = fruchterman_reingold(network), fruchterman_reingold(network)
    assert first == again and set(first) == set(network)
    assert max(abs(c) for xy in first.values() for c in xy) == pytest.approx(1000)

    def apart(u, v) -> float:
        return abs(first[u][0] - first[v][0]) + abs(first[u][1] - first[v][1])

    linked = [apart(u, v) for u, v in network.edges()]
    unlinked = [apart(u, v) for u, v in nx.non_edges(network)]
    assert sum(linked) / len(linked) < sum(unlinked) / len(unlinked)


def test_an_empty_network_has_no_clusters_and_no_positions():
    assert louvain(nx.Graph()) == []
    assert fruchterman_reingold(nx.Graph()) == {}
