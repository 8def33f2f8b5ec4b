"""The few network algorithms that are too slow in Python at national size, run in igraph's C instead.

NetworkX stays the library's model of the network; a graph is handed to igraph only for one computation and
the answer comes back keyed by NetworkX's node names. Each result is seeded: igraph draws from one random number
generator for the whole process, so :func:`seeded` sets it, under a lock, for the length of one computation, and
the same graph and seed always give the same answer.

- :func:`louvain`: Louvain communities (igraph's multilevel);
- :func:`fruchterman_reingold`: a force-directed layout, as NetworkX's ``spring_layout``.

How much faster each is than NetworkX's is in ``bench/README.md``.

Example
-------
>>> import networkx as nx
>>> clusters = louvain(nx.barbell_graph(5, 0), seed=1)
>>> sorted(len(c) for c in clusters)
[5, 5]
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:
    import igraph

__all__ = ["fruchterman_reingold", "louvain", "seeded"]

_RANDOM = threading.Lock()


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph's random numbers drawn from ``random.Random(seed)`` for the length of the block (one block at a time
    in the whole process), then from Python's ``random`` again, as igraph's default."""
    import igraph  # here, not at the top: a start-up need not wait for it

    with _RANDOM:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            igraph.set_random_number_generator(random)


def _to_igraph(network: nx.Graph) -> tuple[igraph.Graph, list]:
    import igraph

    nodes = sorted(network)
    index = {node: i for i, node in enumerate(nodes)}
    edges = sorted(tuple(sorted((index[u], index[v]))) for u, v in network.edges() if u != v)
    return igraph.Graph(n=len(nodes), edges=edges), nodes


def louvain(network: nx.Graph, *, seed: int = 42) -> list[set]:
    """Louvain communities of an undirected network (unweighted, resolution 1, as NetworkX's
    ``louvain_communities``), each a set of node names."""
    graph, nodes = _to_igraph(network)
    with seeded(seed):
        membership = graph.community_multilevel().membership
    found: dict[int, set] = {}
    for node, cluster in zip(nodes, membership, strict=True):
        found.setdefault(cluster, set()).add(node)
    return list(found.values())


def fruchterman_reingold(network: nx.Graph, *, seed: int = 7, iterations: int = 50) -> dict:
    """Positions ``{node: (x, y)}`` from ``iterations`` steps of Fruchterman and Reingold's force-directed layout
    (as NetworkX's ``spring_layout``), starting from seeded random positions, centred on 0 and scaled so that the
    farthest coordinate is 1000 away."""
    graph, nodes = _to_igraph(network)
    draw = random.Random(seed)
    start = [[draw.uniform(-1, 1), draw.uniform(-1, 1)] for _ in nodes]
    with seeded(seed):
        coords = graph.layout_fruchterman_reingold(seed=start, niter=iterations).coords if nodes else []
    if not coords:
        return {}
    centre = [sum(c[axis] for c in coords) / len(coords) for axis in (0, 1)]
    reach = max(abs(c[axis] - centre[axis]) for c in coords for axis in (0, 1)) or 1.0
    return {
        node: tuple(1000 * (c[axis] - centre[axis]) / reach for axis in (0, 1))
        for node, c in zip(nodes, coords, strict=True)
    }
