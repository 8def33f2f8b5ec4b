"""Boundaries: which lines a tie crosses, who spans them, and where nothing links yet.

A tie between two entities crosses a boundary when both sides are known on it and share nothing:

- ``organisation``: no organisation in common;
- ``sector``: no top-level sector in common (NHS, local government, voluntary sector ...);
- ``profession``: no profession in common;
- ``nation``: no nation in common (England, Scotland, Wales, Northern Ireland, Ireland);
- ``cohort``: no cohort in common.

Example
-------
>>> import networkx as nx
>>> g = nx.Graph()
>>> g.add_node("esther", sectors=("local-government",), nations=("england",), organisations=("council",))
>>> g.add_node("trust", sectors=("nhs",), nations=("england",), organisations=("trust",))
>>> crossed(g, "esther", "trust")
('organisation', 'sector')
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from copgraph.analysis.igraph_algorithms import louvain

__all__ = [
    "BOUNDARIES",
    "BROKERS",
    "EXACT_BETWEENNESS",
    "TIE_HUBS",
    "Boundaries",
    "Ties",
    "boundaries",
    "crossed",
    "existing_ties",
    "tied_to",
]

#: Each boundary and the node attribute it compares.
BOUNDARIES: dict[str, str] = {
    "organisation": "organisations",
    "sector": "sectors",
    "profession": "professions",
    "nation": "nations",
    "cohort": "cohorts",
}


def crossed(network: nx.Graph, u: str, v: str) -> tuple[str, ...]:
    """The boundaries a tie between ``u`` and ``v`` crosses, in the order of :data:`BOUNDARIES`."""
    out = []
    for boundary, attribute in BOUNDARIES.items():
        mine, theirs = set(network.nodes[u].get(attribute, ())), set(network.nodes[v].get(attribute, ()))
        if mine and theirs and not mine & theirs:
            out.append(boundary)
    return tuple(out)


def _of_kind(network: nx.Graph, kind: str) -> list[str]:
    return sorted(n for n, k in network.nodes(data="kind") if k == kind)


#: What ties two people: taking part in the same cohort, working at the same organisation, belonging to the
#: same community.
TIE_HUBS = (("cohort", "same cohort"), ("organisation", "same organisation"), ("community", "same community"))


def existing_ties(network: nx.Graph) -> list[tuple[str, str, str]]:
    """Ties that exist between people, and between people and communities: ``(u, v, how)``, sorted.

    Two people are tied when they share one of :data:`TIE_HUBS`; a person and a community when the person
    convenes or belongs to it. (The list grows with the square of the largest hub: for one entity's ties,
    :func:`tied_to` is the cheap way.)
    """
    ties: dict[tuple[str, str], set[str]] = {}
    for hub_kind, how in TIE_HUBS:
        for hub in _of_kind(network, hub_kind):
            people = sorted(n for n in network[hub] if network.nodes[n].get("kind") == "person")
            for u, v in itertools.combinations(people, 2):
                ties.setdefault((u, v), set()).add(f"{how}: {network.nodes[hub].get('label', hub)}")
    for community in _of_kind(network, "community"):
        for person in sorted(n for n in network[community] if network.nodes[n].get("kind") == "person"):
            ties.setdefault(tuple(sorted((person, community))), set()).add("convenes or belongs to")
    return [(u, v, "; ".join(sorted(how))) for (u, v), how in sorted(ties.items())]


def tied_to(network: nx.Graph, node: str) -> set[str]:
    """The people and communities ``node`` is already tied to, as :func:`existing_ties` defines ties, found
    from the node's own neighbourhood.

    >>> g = nx.Graph([("ann", "trust"), ("bob", "trust")])
    >>> nx.set_node_attributes(g, {"ann": "person", "bob": "person", "trust": "organisation"}, "kind")
    >>> tied_to(g, "ann")
    {'bob'}
    """
    kinds = network.nodes
    hubs = {kind for kind, _ in TIE_HUBS}
    tied: set[str] = set()
    if kinds[node].get("kind") == "person":
        for hub in network[node]:
            if kinds[hub].get("kind") in hubs:
                tied.update(n for n in network[hub] if kinds[n].get("kind") == "person")
            if kinds[hub].get("kind") == "community":
                tied.add(hub)
    elif kinds[node].get("kind") == "community":
        tied.update(n for n in network[node] if kinds[n].get("kind") == "person")
    tied.discard(node)
    return tied


class Ties(Sequence):
    """Every existing tie, as ``{"source", "target", "how", "crosses"}`` in the order of :func:`existing_ties`.

    Its length is counted when it is made; the ties themselves are listed only when asked for, because there are
    as many as the square of the largest hub (a cohort of thousands ties millions of pairs).
    """

    def __init__(self, network: nx.Graph, count: int):
        self._network, self._count, self._listed = network, count, None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if self._listed is None:
            self._listed = list(self)
        return self._listed[index]

    def __iter__(self) -> Iterator[dict]:
        if self._listed is not None:
            yield from self._listed
            return
        for u, v, how in existing_ties(self._network):
            yield {"source": u, "target": v, "how": how, "crosses": list(crossed(self._network, u, v))}


@dataclass
class Boundaries:
    """The boundary view of the network (see :func:`boundaries`)."""

    ties: Sequence[dict] = field(default_factory=list)
    sector_matrix: dict[tuple[str, str], int] = field(default_factory=dict)
    nation_matrix: dict[tuple[str, str], int] = field(default_factory=dict)
    crossing_counts: dict[str, int] = field(default_factory=dict)
    spanning: list[dict] = field(default_factory=list)
    brokers: list[dict] = field(default_factory=list)
    #: How many sources the betweenness was estimated from; None when it is exact (every node a source).
    betweenness_samples: int | None = None
    clusters: list[list[str]] = field(default_factory=list)
    islands: dict[str, list[str]] = field(default_factory=dict)


#: Betweenness is exact up to this many nodes, and estimated from a sample of sources above it.
EXACT_BETWEENNESS = 5000
#: How many brokers are listed (with constraint and effective size): the best by betweenness.
BROKERS = 200


def _codes(network: nx.Graph, nodes: list[str], attribute: str, values: list[str]) -> np.ndarray:
    """Each node's values of an attribute as numbers (positions in ``values``), one row a node, padded with -1."""
    number = {value: i for i, value in enumerate(values)}
    rows = [sorted(number[v] for v in set(network.nodes[n].get(attribute, ()))) for n in nodes]
    codes = np.full((len(nodes), max((len(r) for r in rows), default=0) or 1), -1, dtype=np.int64)
    for i, row in enumerate(rows):
        codes[i, : len(row)] = row
    return codes


def _bits(codes: np.ndarray) -> np.ndarray | None:
    """Rows of codes as bit sets, when there are few enough values (then one AND tells what two rows share)."""
    if codes.max(initial=-1) >= 63:
        return None
    bits = np.zeros(len(codes), dtype=np.uint64)
    for column in codes.T:
        bits |= np.where(column >= 0, np.left_shift(np.uint64(1), np.maximum(column, 0).astype(np.uint64)), 0)
    return bits


def _crossing(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """For pairs of rows of codes: both sides known and nothing in common (as :func:`crossed` decides)."""
    if mine.ndim == 1:  # bit sets
        return (mine != 0) & (theirs != 0) & ((mine & theirs) == 0)
    shared = np.zeros(len(mine), dtype=bool)
    for i in range(mine.shape[1]):
        for j in range(theirs.shape[1]):
            shared |= (mine[:, i] == theirs[:, j]) & (mine[:, i] >= 0)
    return (mine[:, 0] >= 0) & (theirs[:, 0] >= 0) & ~shared


def _pair_counts(mine: np.ndarray, theirs: np.ndarray, size: int) -> np.ndarray:
    """How often each unordered pair of values meets across pairs of rows: a ``size`` by ``size`` upper triangle."""
    counts = np.zeros(size * size, dtype=np.int64)
    for i in range(mine.shape[1]):
        for j in range(theirs.shape[1]):
            a, b = mine[:, i], theirs[:, j]
            known = (a >= 0) & (b >= 0)
            low, high = np.minimum(a, b)[known], np.maximum(a, b)[known]
            counts += np.bincount(low * size + high, minlength=size * size)
    return counts.reshape(size, size)


def _people_pairs(network: nx.Graph, people: list[str]) -> np.ndarray:
    """Every pair of people tied by one of :data:`TIE_HUBS`, once, as ``u * len(people) + v`` with ``u < v``."""
    index = {p: i for i, p in enumerate(people)}
    chunks = []
    for hub_kind, _ in TIE_HUBS:
        for hub in _of_kind(network, hub_kind):
            members = np.array(sorted(index[n] for n in network[hub] if n in index), dtype=np.int64)
            if len(members) > 1:
                first, second = np.triu_indices(len(members), 1)
                chunks.append(members[first] * len(people) + members[second])
    if not chunks:
        return np.zeros(0, dtype=np.int64)
    pairs = np.concatenate(chunks)
    pairs.sort()  # then drop repeats: quicker than np.unique's hashing at millions of pairs
    return pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]


def _classify(network: nx.Graph, result: Boundaries, *, chunk: int = 1 << 22) -> int:
    """Count existing ties, those crossing each boundary, and ties between people sector by sector and nation by
    nation, without listing them (arrays of codes, a few million pairs at a time); return how many ties."""
    people = _of_kind(network, "person")
    communities = _of_kind(network, "community")
    pairs = _people_pairs(network, people)
    index = {c: i for i, c in enumerate(communities)}
    memberships = np.array(
        sorted((p, index[c]) for p, person in enumerate(people) for c in network[person] if c in index),
        dtype=np.int64,
    ).reshape(-1, 2)
    counts = dict.fromkeys(BOUNDARIES, 0)
    codes = {}
    for boundary, attribute in BOUNDARIES.items():
        values = sorted({v for n in people + communities for v in network.nodes[n].get(attribute, ())})
        mine, theirs = _codes(network, people, attribute, values), _codes(network, communities, attribute, values)
        codes[attribute] = (mine, values)
        counts[boundary] += int(_crossing(mine[memberships[:, 0]], theirs[memberships[:, 1]]).sum())
    bits = {attribute: _bits(mine) for attribute, (mine, _) in codes.items()}
    matrices = {a: np.zeros((len(codes[a][1]),) * 2, dtype=np.int64) for a in ("sectors", "nations")}
    for start in range(0, len(pairs), chunk):
        u, v = np.divmod(pairs[start : start + chunk], len(people))
        for boundary, attribute in BOUNDARIES.items():
            mine, values = codes[attribute]
            quick = bits[attribute] if bits[attribute] is not None else mine
            counts[boundary] += int(_crossing(quick[u], quick[v]).sum())
            if attribute in matrices:
                matrices[attribute] += _pair_counts(mine[u], mine[v], len(values))
    for attribute, found in matrices.items():
        values = codes[attribute][1]
        matrix = {(values[a], values[b]): int(found[a, b]) for a, b in zip(*np.nonzero(found), strict=True)}
        setattr(result, f"{attribute[:-1]}_matrix", dict(sorted(matrix.items())))
    result.crossing_counts = counts
    return len(pairs) + len(memberships)


def _diversity(network: nx.Graph, community: str) -> dict:
    """How many sectors, professions and nations a community touches through its people and organisations."""
    touched = {attribute: set(network.nodes[community].get(attribute, ())) for attribute in ("sectors", "nations")}
    touched["professions"] = set()
    for other in network[community]:
        if network.nodes[other].get("kind") in {"person", "organisation"}:
            for attribute in touched:
                touched[attribute] |= set(network.nodes[other].get(attribute, ()))
    return {attribute: sorted(values) for attribute, values in touched.items()}


def _betweenness(network: nx.Graph, sources: list[str], *, block: int = 32) -> dict[str, float]:
    """Brandes' betweenness from ``sources``, normalised as ``nx.betweenness_centrality`` normalises it (with
    ``k=len(sources)`` when they are not every node).

    The same accumulation as NetworkX's, but a block of sources at a time, each breadth-first level a product of
    the sparse adjacency with a dense block, rather than a Python loop over every node.
    """
    nodes = list(network)
    size = len(nodes)
    index = {n: i for i, n in enumerate(nodes)}
    adjacency = nx.to_scipy_sparse_array(network, nodelist=nodes, weight=None, dtype=float, format="csr")
    adjacency.data[:] = 1.0
    total = np.zeros(size)
    for start in range(0, len(sources), block):
        chosen = np.array([index[s] for s in sources[start : start + block]])
        columns = np.arange(len(chosen))
        distance = np.full((size, len(chosen)), -1, dtype=np.int32)
        paths = np.zeros((size, len(chosen)))  # sigma: how many shortest paths from the source
        distance[chosen, columns], paths[chosen, columns] = 0, 1.0
        frontier, level = paths.copy(), 0
        while frontier.any():
            level += 1
            reached = adjacency @ frontier
            new = (reached > 0) & (distance < 0)
            distance[new], paths[new] = level, reached[new]
            frontier = np.where(new, reached, 0.0)
        dependency = np.zeros((size, len(chosen)))  # delta
        with np.errstate(divide="ignore", invalid="ignore"):
            for depth in range(level, 0, -1):
                passed = adjacency @ np.where(distance == depth, (1 + dependency) / paths, 0.0)
                dependency += np.where(distance == depth - 1, paths * passed, 0.0)
        dependency[chosen, columns] = 0.0
        total += dependency.sum(axis=1)
    # NetworkX 3.6's rescaling (endpoints excluded): ordered pairs of other nodes, sources scaled apart.
    others, k = size - 1, len(sources)
    if others >= 2:
        if k == size:
            total /= others * (others - 1)
        else:
            scale = np.full(size, 1 / (k * (others - 1)))
            scale[[index[s] for s in sources]] = 1 / ((k - 1) * (others - 1)) if k > 1 else np.nan
            total *= scale
    return {n: float(total[i]) for i, n in enumerate(nodes)}


def _brokerage(network: nx.Graph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Burt's constraint and effective size of each node, as ``nx.constraint`` and ``nx.effective_size`` give
    them on an unweighted undirected graph, from each node's neighbourhood as a small sparse matrix (NetworkX's
    ego graphs take minutes for a few hundred nodes next to hubs)."""
    order = list(network)
    index = {n: i for i, n in enumerate(order)}
    adjacency = nx.to_scipy_sparse_array(network, nodelist=order, weight=None, dtype=float, format="csr")
    adjacency.data[:] = 1.0
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    out = {}
    for node in nodes:
        i = index[node]
        around = adjacency.indices[adjacency.indptr[i] : adjacency.indptr[i + 1]]
        around = around[around != i]
        if not len(around):
            out[node] = (float("nan"), float("nan"))
            continue
        among = adjacency[around][:, around]
        # p_ij = 1 / degree(i); constraint = sum over neighbours j of (p_ij + sum_q p_iq p_qj) ** 2
        local = (1 + among @ (1 / degree[around])) / len(around)
        out[node] = (float((local**2).sum()), float(len(around) - among.sum() / len(around)))
    return out


def boundaries(network: nx.Graph, *, seed: int = 42, samples: int = 100) -> Boundaries:
    """Classify every existing tie; count ties sector by sector and nation by nation; find spanners, brokers,
    clusters and islands.

    Ties are counted, not listed (:class:`Ties` lists them when asked). Brokers are the :data:`BROKERS` people
    and organisations with the highest betweenness on the whole network, with Burt's constraint and effective
    size. Betweenness is exact up to :data:`EXACT_BETWEENNESS` nodes and estimated from ``samples`` sources
    above it (``betweenness_samples`` says how many; ``seed`` picks them). Clusters are Louvain communities of
    the linked part of the network (``seed`` makes them deterministic; above :data:`EXACT_BETWEENNESS` nodes
    found by igraph's implementation, :func:`copgraph.analysis.igraph_algorithms.louvain`), those holding a person or a
    community.
    Islands are what nothing links yet: communities without any known person, and people without any community.
    """
    result = Boundaries()
    result.ties = Ties(network, _classify(network, result))

    for community in _of_kind(network, "community"):
        touched = _diversity(network, community)
        result.spanning.append({"community": community, "index": sum(len(v) for v in touched.values()), **touched})
    result.spanning.sort(key=lambda row: (-row["index"], network.nodes[row["community"]].get("label", "")))

    if network.number_of_nodes() <= EXACT_BETWEENNESS:
        sources = list(network)
    else:
        sources = random.Random(seed).sample(list(network), samples)  # as nx.betweenness_centrality(k=, seed=)
        result.betweenness_samples = len(sources)
    betweenness = _betweenness(network, sources)
    candidates = [
        n for n in network if network.nodes[n].get("kind") in {"person", "organisation"} and network.degree(n)
    ]
    candidates = sorted(candidates, key=lambda n: (-betweenness[n], n))[:BROKERS]
    brokerage = _brokerage(network, candidates)
    result.brokers = [
        {
            "node": n,
            "betweenness": betweenness[n],
            "constraint": brokerage[n][0],
            "effective_size": brokerage[n][1],
        }
        for n in candidates
    ]
    linked = network.subgraph(n for n in network if network.degree(n))
    if linked.number_of_nodes() <= EXACT_BETWEENNESS:
        clusters = nx.community.louvain_communities(linked, seed=seed)
    else:  # the same algorithm in C: NetworkX's takes minutes at national size
        clusters = louvain(linked, seed=seed)
    result.clusters = [
        sorted(c) for c in clusters if any(network.nodes[n].get("kind") in {"person", "community"} for n in c)
    ]
    result.clusters.sort(key=lambda c: (-len(c), c[0]))
    result.islands = {
        "communities without people": [
            c
            for c in _of_kind(network, "community")
            if not any(network.nodes[n].get("kind") == "person" for n in network[c])
        ],
        "people without communities": [
            p
            for p in _of_kind(network, "person")
            if not any(network.nodes[n].get("kind") == "community" for n in network[p])
        ],
        "unconnected": sorted(
            n for n in network if network.degree(n) == 0 and network.nodes[n].get("kind") in {"person", "community"}
        ),
    }
    return result
