"""Boundaries: who works with whom across which lines, who brokers between groups, and where the data has gaps.

The boundary view counts *collaboration*: two people or communities are tied when they share work (the same
community, or a session they both spoke at; a person and the community they convene or belong to), an
organisation (both at it, or a person at an organisation that runs or partners a community), a theme (two
communities working on it) or a place (a community covering the place, and another community or a person whose
organisation is there; two people in the same town are not tied by that alone). Taking part in the same
cohort is context, not a tie: a cohort is a boundary a tie may cross, and nothing more (see
:data:`COLLABORATION`).

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
    "COLLABORATION",
    "EXACT_BETWEENNESS",
    "TIE_HUBS",
    "Boundaries",
    "Gap",
    "Ties",
    "boundaries",
    "broker_words",
    "collaboration_ties",
    "crossed",
    "diverse",
    "existing_ties",
    "tied_to",
    "ties_between",
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


#: What suggestions take as an existing acquaintance between two people (:func:`tied_to`): taking part in the
#: same cohort, working at the same organisation, belonging to the same community. Wider than collaboration
#: (:data:`COLLABORATION`): people who met on the programme need no introduction, but did not work together.
TIE_HUBS = (("cohort", "same cohort"), ("organisation", "same organisation"), ("community", "same community"))


def existing_ties(network: nx.Graph) -> list[tuple[str, str, str]]:
    """Acquaintances that exist between people, and between people and communities: ``(u, v, how)``, sorted;
    what suggestions never propose again (collaboration, which the boundary view counts, is
    :func:`collaboration_ties`).

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


#: Collaboration: each kind of hub, the kind of tie sharing it makes, and whether it ties two people (a theme
#: or a place does not: many people work in one town, and a theme a person's work touches is their expertise,
#: not work shared with anyone).
COLLABORATION: tuple[tuple[str, str, bool], ...] = (
    ("community", "work", True),
    ("session", "work", True),
    ("organisation", "organisation", True),
    ("theme", "theme", False),
    ("place", "place", False),
)
_HUB_TIE = {hub: (tie, people) for hub, tie, people in COLLABORATION}
#: The kinds of tie, in the order pages list them.
TIE_KINDS = ("work", "organisation", "theme", "place")
#: What a tie through each kind of hub is called, with the hub's name after it.
_HOW = {
    "community": "work: same community",
    "session": "work: spoke at the same session",
    "organisation": "organisation",
    "theme": "theme: both work on",
    "place": "place",
}
ACTORS = ("person", "community")


def _members(network: nx.Graph, hub: str) -> tuple[list[str], list[str]]:
    """The people and the communities attached to a hub of :data:`COLLABORATION`, each list sorted."""
    kind = network.nodes[hub].get("kind")
    people, communities = set(), set()
    if kind == "community":
        communities.add(hub)
    for other in network[hub]:
        other_kind = network.nodes[other].get("kind")
        if other_kind == "person" and kind in {"community", "session", "organisation"}:
            people.add(other)
        elif other_kind == "community" and kind in {"organisation", "theme", "place"}:
            communities.add(other)
        elif other_kind == "organisation" and kind == "place":  # the people of the organisations based there
            people.update(n for n in network[other] if network.nodes[n].get("kind") == "person")
    return sorted(people), sorted(communities)


def _hubs(network: nx.Graph) -> Iterator[tuple[str, str, list[str], list[str]]]:
    """Every hub of :data:`COLLABORATION` with two or more members: ``(hub, hub kind, people, communities)``."""
    for hub_kind, _, _ in COLLABORATION:
        for hub in _of_kind(network, hub_kind):
            people, communities = _members(network, hub)
            if len(people) + len(communities) > 1:
                yield hub, hub_kind, people, communities


def _pairs_of(hub_kind: str, people: list[str], communities: list[str]) -> Iterator[tuple[str, str]]:
    """The pairs a hub ties, each ``(u, v)`` with ``u < v``."""
    actors = sorted(people + communities) if _HUB_TIE[hub_kind][1] else None
    if actors is not None:
        yield from itertools.combinations(actors, 2)
        return
    yield from itertools.combinations(communities, 2)
    for community in communities:
        for person in people:
            yield (community, person) if community < person else (person, community)


def _how(network: nx.Graph, hub: str, hub_kind: str) -> str:
    return f"{_HOW[hub_kind]} {network.nodes[hub].get('label', hub)}"


def collaboration_ties(network: nx.Graph) -> list[tuple[str, str, str]]:
    """Every collaboration tie between people and communities (see :data:`COLLABORATION`): ``(u, v, how)``,
    sorted, ``how`` every shared hub in words ("organisation Health Innovation Network; theme: both work on
    Polypharmacy"). The list grows with the square of the largest hub: :class:`Ties` counts without listing.

    >>> g = nx.Graph([("ann", "hin"), ("bob", "hin"), ("ann", "2019")])
    >>> nx.set_node_attributes(g, {"ann": "person", "bob": "person", "hin": "organisation", "2019": "cohort"}, "kind")
    >>> collaboration_ties(g)
    [('ann', 'bob', 'organisation hin')]
    """
    ties: dict[tuple[str, str], set[str]] = {}
    for hub, hub_kind, people, communities in _hubs(network):
        how = _how(network, hub, hub_kind)
        for pair in _pairs_of(hub_kind, people, communities):
            ties.setdefault(pair, set()).add(how)
    return [(u, v, "; ".join(sorted(how))) for (u, v), how in sorted(ties.items())]


def _hubs_of(network: nx.Graph, actor: str) -> set[str]:
    """The hubs of :data:`COLLABORATION` a person or community is attached to."""
    kinds = network.nodes
    found = {actor} if kinds[actor].get("kind") == "community" else set()
    person = kinds[actor].get("kind") == "person"
    for other in network[actor]:
        kind = kinds[other].get("kind")
        if kind in _HUB_TIE and not (person and kind == "theme"):  # a person's expertise is not collaboration
            found.add(other)
        if kind == "organisation" and kinds[actor].get("kind") == "person":
            found.update(p for p in network[other] if kinds[p].get("kind") == "place")
    return found


def _tie_between(network: nx.Graph, u: str, v: str) -> list[str]:
    """How two people or communities are tied, in words (empty when they are not)."""
    both_people = network.nodes[u].get("kind") == network.nodes[v].get("kind") == "person"
    how = []
    for hub in sorted(_hubs_of(network, u) & _hubs_of(network, v)):
        hub_kind = network.nodes[hub].get("kind")
        if both_people and not _HUB_TIE[hub_kind][1]:
            continue
        how.append(_how(network, hub, hub_kind))
    return sorted(how)


def ties_between(
    network: nx.Graph, attribute: str | None = None, a: str | None = None, b: str | None = None, *, limit: int = 500
) -> list[dict]:
    """The first ``limit`` collaboration ties, as :class:`Ties` lists them and in its order, found without listing
    the others (at national size there are millions). With ``attribute``, only the ties behind one cell of a
    boundary matrix: between a person or community with ``a`` among its ``attribute`` values (``sectors``,
    ``nations`` ...) and one with ``b`` (the matrix holds how many there are in all)."""
    found: list[tuple[str, str]] = []
    for u in sorted(n for n, kind in network.nodes(data="kind") if kind in ACTORS):
        mine = network.nodes[u].get(attribute, ()) if attribute else ()
        if attribute and a not in mine and b not in mine:
            continue
        partners: set[str] = set()
        for hub in _hubs_of(network, u):
            people, communities = _members(network, hub)
            if _HUB_TIE[network.nodes[hub]["kind"]][1] or network.nodes[u]["kind"] == "community":
                partners.update(people)
            partners.update(communities)
        # each pair once, from its first end: a pair behind a cell has a or b at both ends, so its first end is
        # one of those looked at
        for v in sorted(p for p in partners if p > u):
            theirs = network.nodes[v].get(attribute, ()) if attribute else ()
            if not attribute or (a in mine and b in theirs) or (b in mine and a in theirs):
                found.append((u, v))
        if len(found) >= limit:
            break
    return [
        {
            "source": u,
            "target": v,
            "how": "; ".join(_tie_between(network, u, v)),
            "crosses": list(crossed(network, u, v)),
        }
        for u, v in found[:limit]
    ]


def diverse(items, key, per_target: int = 2) -> list:
    """``items`` in their order, but at most ``per_target`` of them with the same ``key(item)``: a list of
    suggestions that does not name one community thirty times.

    >>> diverse(["a1", "a2", "a3", "b1"], key=lambda s: s[0])
    ['a1', 'a2', 'b1']
    """
    seen: dict = {}
    out = []
    for item in items:
        k = key(item)
        if seen.get(k, 0) < per_target:
            seen[k] = seen.get(k, 0) + 1
            out.append(item)
    return out


class Ties(Sequence):
    """Every collaboration tie, as ``{"source", "target", "how", "crosses"}`` in the order of
    :func:`collaboration_ties`.

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
        for u, v, how in collaboration_ties(self._network):
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
    #: Each cluster's dominant themes (theme nodes, most linked first; at most three), in the order of clusters.
    cluster_themes: list[list[str]] = field(default_factory=list)
    #: How many ties of each kind (:data:`TIE_KINDS`); a tie through two kinds counts in both.
    tie_counts: dict[str, int] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True)
class Gap:
    """What the data lacks for one kind of entity: which entities, and what data would fill the gap."""

    name: str
    title: str
    nodes: list[str]
    fill: str


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


def _actor_pairs(network: nx.Graph, actors: list[str]) -> dict[str, np.ndarray]:
    """For each kind of tie (:data:`TIE_KINDS`), every pair of people and communities it ties, once, as
    ``u * len(actors) + v`` with ``u < v`` (positions in ``actors``)."""
    index = {a: i for i, a in enumerate(actors)}
    size = len(actors)
    chunks: dict[str, list[np.ndarray]] = {kind: [] for kind in TIE_KINDS}
    for _, hub_kind, people, communities in _hubs(network):
        tie, people_too = _HUB_TIE[hub_kind]
        c = np.array([index[n] for n in communities], dtype=np.int64)
        p = np.array([index[n] for n in people], dtype=np.int64)
        if people_too:
            members = np.sort(np.concatenate((c, p)))
            first, second = np.triu_indices(len(members), 1)
            chunks[tie].append(members[first] * size + members[second])
        else:
            first, second = np.triu_indices(len(c), 1)
            chunks[tie].append(c[first] * size + c[second])
            if len(c) and len(p):
                u, v = np.repeat(c, len(p)), np.tile(p, len(c))
                chunks[tie].append(np.minimum(u, v) * size + np.maximum(u, v))
    out = {}
    for kind, found in chunks.items():
        pairs = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        pairs.sort()  # then drop repeats: quicker than np.unique's hashing at millions of pairs
        out[kind] = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
    return out


def _classify(network: nx.Graph, result: Boundaries, *, chunk: int = 1 << 22) -> int:
    """Count collaboration ties, those of each kind, those crossing each boundary, and ties sector by sector and
    nation by nation, without listing them (arrays of codes, a few million pairs at a time); return how many."""
    actors = sorted(n for n, kind in network.nodes(data="kind") if kind in ACTORS)
    by_kind = _actor_pairs(network, actors)
    result.tie_counts = {kind: len(pairs) for kind, pairs in by_kind.items()}
    pairs = np.concatenate(list(by_kind.values())) if by_kind else np.zeros(0, dtype=np.int64)
    pairs.sort()
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    counts = dict.fromkeys(BOUNDARIES, 0)
    codes = {}
    for attribute in BOUNDARIES.values():
        values = sorted({v for n in actors for v in network.nodes[n].get(attribute, ())})
        codes[attribute] = (_codes(network, actors, attribute, values), values)
    bits = {attribute: _bits(mine) for attribute, (mine, _) in codes.items()}
    matrices = {a: np.zeros((len(codes[a][1]),) * 2, dtype=np.int64) for a in ("sectors", "nations")}
    for start in range(0, len(pairs), chunk):
        u, v = np.divmod(pairs[start : start + chunk], len(actors))
        for boundary, attribute in BOUNDARIES.items():
            mine, values = codes[attribute]
            quick = bits[attribute] if bits[attribute] is not None else mine
            counts[boundary] += int(_crossing(quick[u], quick[v]).sum())
            if attribute in matrices:
                if bits[attribute] is not None:
                    matrices[attribute] += _cell_counts_of_bits(bits[attribute][u], bits[attribute][v], len(values))
                else:
                    matrices[attribute] += _cell_counts(mine[u], mine[v], len(values))
    for attribute, found in matrices.items():
        values = codes[attribute][1]
        matrix = {(values[a], values[b]): int(found[a, b]) for a, b in zip(*np.nonzero(found), strict=True)}
        setattr(result, f"{attribute[:-1]}_matrix", dict(sorted(matrix.items())))
    result.crossing_counts = counts
    return len(pairs)


def _cell_counts_of_bits(mine: np.ndarray, theirs: np.ndarray, size: int) -> np.ndarray:
    """:func:`_cell_counts` for rows of bit sets: one pass over the ties for each pair of values."""
    counts = np.zeros((size, size), dtype=np.int64)
    has = [((mine >> np.uint64(a)) & np.uint64(1)).astype(bool) for a in range(size)]
    got = [((theirs >> np.uint64(a)) & np.uint64(1)).astype(bool) for a in range(size)]
    for a in range(size):
        for b in range(a, size):
            counts[a, b] = int(((has[a] & got[b]) | (has[b] & got[a])).sum())
    return counts


def _cell_counts(mine: np.ndarray, theirs: np.ndarray, size: int) -> np.ndarray:
    """How many ties (pairs of rows) have one value on one side and another on the other: a ``size`` by ``size``
    upper triangle, each tie counted once in a cell however many of its sides' values meet there."""
    cells, ties = [], []
    tie = np.arange(len(mine), dtype=np.int64)
    for i in range(mine.shape[1]):
        for j in range(theirs.shape[1]):
            a, b = mine[:, i], theirs[:, j]
            known = (a >= 0) & (b >= 0)
            cells.append(np.minimum(a, b)[known] * size + np.maximum(a, b)[known])
            ties.append(tie[known])
    if not cells:
        return np.zeros((size, size), dtype=np.int64)
    key = np.concatenate(ties) * (size * size) + np.concatenate(cells)
    key = np.unique(key)
    return np.bincount(key % (size * size), minlength=size * size).reshape(size, size)


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


#: Each gap in the data: its title, which entities it holds, and what data would fill it.
GAPS: dict[str, tuple[str, str]] = {
    "communities without people": (
        "Communities with no named convenor or member",
        "Name their convenors (the Convenors column of communities.csv) or members (the Community column of "
        "participants.csv), and import them with copgraph import.",
    ),
    "people without communities": (
        "People linked to no community",
        "Say which community each convenes or belongs to: the Community and Community role columns of "
        "participants.csv. (The 2019-20 report does not say who brought which idea.)",
    ),
    "people without organisations": (
        "People with no organisation",
        "Give each a post: the Organisation and Job title columns of participants.csv.",
    ),
    "organisations without sectors": (
        "Organisations with no sector",
        "Give each a sector: the Sector column of organisations.csv, or a curator's classification with a note.",
    ),
    "organisations without places": (
        "Organisations with no place",
        "Say where each is: the Place column of organisations.csv (a place of data/vocabularies/places.ttl).",
    ),
    "communities without themes": (
        "Communities with no theme",
        "Describe what each works on (the Description and Themes columns of communities.csv).",
    ),
    "communities without places or organisations": (
        "Communities with no place and no organisation",
        "Say where each works and who runs it: the Place and Organisations columns of communities.csv.",
    ),
}


def _gaps(network: nx.Graph) -> list[Gap]:
    def lacking(kind: str, wanted: set[str]) -> list[str]:
        return [
            n for n in _of_kind(network, kind) if not any(network.nodes[m].get("kind") in wanted for m in network[n])
        ]

    found = {
        "communities without people": lacking("community", {"person"}),
        "people without communities": lacking("person", {"community"}),
        "people without organisations": lacking("person", {"organisation"}),
        "organisations without sectors": [
            n for n in _of_kind(network, "organisation") if not network.nodes[n].get("sectors")
        ],
        "organisations without places": lacking("organisation", {"place"}),
        "communities without themes": lacking("community", {"theme"}),
        "communities without places or organisations": lacking("community", {"place", "organisation"}),
    }
    return [Gap(name, GAPS[name][0], nodes, GAPS[name][1]) for name, nodes in found.items()]


def _dominant_themes(network: nx.Graph, cluster: list[str], most: int = 3) -> list[str]:
    """The themes a cluster's members are most linked to (its own theme nodes, counted by links inside it)."""
    inside = set(cluster)
    weight = {
        n: sum(1 for m in network[n] if m in inside and network.nodes[m].get("kind") != "theme")
        for n in cluster
        if network.nodes[n].get("kind") == "theme"
    }
    ranked = sorted(weight, key=lambda n: (-weight[n], network.nodes[n].get("label", n)))
    return [n for n in ranked if weight[n]][:most]


def broker_words(row: dict, top: float) -> str:
    """A broker in words rather than decimals: how much of the network's shortest paths run through them (against
    the best broker's ``top``), and whether their contacts are otherwise apart.

    >>> broker_words({"betweenness": 0.2, "constraint": 0.15, "effective_size": 6.4}, top=0.2)
    'a main bridge; contacts mostly in separate groups (about 6 not linked to one another)'
    """
    share = row["betweenness"] / top if top else 0
    band = "a main bridge" if share >= 0.5 else "a strong bridge" if share >= 0.2 else "a minor bridge"
    constraint = row["constraint"]
    if constraint != constraint:  # NaN: no contacts
        return band
    if constraint < 0.3:
        spread = "contacts mostly in separate groups"
    elif constraint < 0.6:
        spread = "contacts in a few groups"
    else:
        spread = "contacts in one close group"
    size = round(row["effective_size"])
    return f"{band}; {spread} (about {size} not linked to one another)"


def boundaries(network: nx.Graph, *, seed: int = 42, samples: int = 100) -> Boundaries:
    """Count collaboration ties (:data:`COLLABORATION`) by kind, by the boundaries they cross, and sector by sector
    and nation by nation; find spanners, brokers, clusters and gaps in the data.

    Ties are counted, not listed (:class:`Ties` lists them when asked). Cohorts are context, not ties: brokers
    and clusters are found on the network without its cohort nodes (otherwise every cluster is a cohort and every
    broker a speaker to both). Brokers are the :data:`BROKERS` people and organisations with the highest
    betweenness, with Burt's constraint and effective size, and the clusters their contacts belong to.
    Betweenness is exact up to :data:`EXACT_BETWEENNESS` nodes and estimated from ``samples`` sources above it
    (``betweenness_samples`` says how many; ``seed`` picks them). Clusters are Louvain communities of the linked
    part of the network (``seed`` makes them deterministic; above :data:`EXACT_BETWEENNESS` nodes found by
    igraph's implementation, :func:`copgraph.analysis.igraph_algorithms.louvain`), those holding a person or a
    community, each with its dominant themes. Gaps are what the data lacks (:data:`GAPS`).
    """
    result = Boundaries()
    result.ties = Ties(network, _classify(network, result))

    for community in _of_kind(network, "community"):
        touched = _diversity(network, community)
        result.spanning.append({"community": community, "index": sum(len(v) for v in touched.values()), **touched})
    result.spanning.sort(key=lambda row: (-row["index"], network.nodes[row["community"]].get("label", "")))

    # One copy without the cohorts (a subgraph view is several times slower to walk); the isolated nodes are taken
    # out of it for the clusters, once the brokers are found.
    working = network.copy()
    working.remove_nodes_from([n for n, kind in network.nodes(data="kind") if kind == "cohort"])
    if working.number_of_nodes() <= EXACT_BETWEENNESS:
        sources = list(working)
    else:
        sources = random.Random(seed).sample(list(working), samples)  # as nx.betweenness_centrality(k=, seed=)
        result.betweenness_samples = len(sources)
    betweenness = _betweenness(working, sources)
    candidates = [
        n for n in working if working.nodes[n].get("kind") in {"person", "organisation"} and working.degree(n)
    ]
    candidates = sorted(candidates, key=lambda n: (-betweenness[n], n))[:BROKERS]
    brokerage = _brokerage(working, candidates)

    linked = working
    linked.remove_nodes_from([n for n in working if not working.degree(n)])
    if linked.number_of_nodes() <= EXACT_BETWEENNESS:
        clusters = nx.community.louvain_communities(linked, seed=seed)
    else:  # the same algorithm in C: NetworkX's takes minutes at national size
        clusters = louvain(linked, seed=seed)
    result.clusters = [
        sorted(c) for c in clusters if any(network.nodes[n].get("kind") in {"person", "community"} for n in c)
    ]
    result.clusters.sort(key=lambda c: (-len(c), c[0]))
    result.cluster_themes = [_dominant_themes(network, cluster) for cluster in result.clusters]
    cluster_of = {n: i for i, cluster in enumerate(result.clusters) for n in cluster}
    result.brokers = [
        {
            "node": n,
            "betweenness": betweenness[n],
            "constraint": brokerage[n][0],
            "effective_size": brokerage[n][1],
            "clusters": sorted({cluster_of[m] for m in working[n] if m in cluster_of}),
        }
        for n in candidates
    ]
    result.gaps = _gaps(network)
    return result
