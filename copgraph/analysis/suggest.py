"""Link prediction, the methods introductions are compared with, and the paths behind any introduction.

For an entity, candidates of the wanted kinds at most ``max_hops`` steps away are scored, existing ties are
excluded (see :func:`copgraph.analysis.boundaries.tied_to`), and each candidate is scored by one of NetworkX's
link-prediction measures:

- ``"ppr"``: personalised PageRank from the entity (``nx.pagerank`` with the entity as the personalisation),
  which follows paths of any length, such as person -> profession -> theme -> community;
- ``"adamic_adar"``, ``"resource_allocation"``, ``"jaccard"``: NetworkX's common-neighbour measures, which see
  only candidates two steps away.

A tie that crosses boundaries gets a bonus of ``boundary_bonus`` (10%) per boundary crossed. The introductions
pages and commands show are scored by :mod:`copgraph.analysis.introductions`; these methods are what
``bench/introductions.py`` and :mod:`copgraph.analysis.evaluate` compare it with.

:func:`paths` gives up to three shortest paths between two entities as sentences: a breadth-first search from
both ends that expands the cheaper side; only the nodes on shortest paths are then searched again from the
source, so that a hub thousands share is never walked whole.

Example
-------
>>> import networkx as nx
>>> g = nx.Graph()
>>> g.add_node("phil", kind="person", label="Phil")
>>> g.add_node("pharmacy", kind="profession", label="Pharmacy")
>>> g.add_node("medicines", kind="theme", label="Medicines")
>>> g.add_node("cop", kind="community", label="Medicines CoP")
>>> g.add_edge("phil", "pharmacy", relations=("has profession",))
>>> g.add_edge("pharmacy", "medicines", relations=("relates to",))
>>> g.add_edge("medicines", "cop", relations=("works on",))
>>> [s.target for s in suggest(g, "phil")]
['cop']
>>> next(suggest(g, "phil")).paths[0]
'Phil —has profession→ Pharmacy —relates to→ Medicines ←works on— Medicines CoP'
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from copgraph.analysis.boundaries import crossed, tied_to
from copgraph.analysis.related import profile, score_pair

__all__ = ["METHODS", "Suggestion", "paths", "suggest"]

METHODS = ("ppr", "adamic_adar", "resource_allocation", "jaccard")


@dataclass(frozen=True)
class Suggestion:
    """A potential connection from ``source`` to ``target``, with its score, reasons and paths."""

    source: str
    target: str
    label: str
    kind: str
    score: float
    crosses: tuple[str, ...]
    reasons: tuple[str, ...]
    paths: tuple[str, ...]


def _phrase(network: nx.Graph, u: str, v: str) -> str:
    relation = network.edges[u, v].get("relations", ("linked to",))[0]
    # Projections store edges undirected; the kinds tell which way a relation reads.
    forward = {
        "works at": ("person", "organisation"),
        "took part in": ("person", "cohort"),
        "spoke at": ("person", "session"),
        "has profession": ("person", "profession"),
        "convenes or belongs to": ("person", "community"),
        "works on": ("community", "theme"),
        "uses": ("community", "method"),
        "brought to": ("community", "cohort"),
        "session of": ("session", "cohort"),
        "involves": ("community", "organisation"),
        "located in": ("organisation", "place"),
        "relates to": ("profession", "theme"),
        "has expertise in": ("person", "theme"),
    }
    source_kind = forward.get(relation, (None,))[0]
    u_kind = network.nodes[u].get("kind")
    label = network.nodes[v].get("label", v)
    if relation == "broader":
        reads_forward = v in network.graph.get("broader", {}).get(u, ())
        return f" —part of→ {label}" if reads_forward else f" —includes→ {label}"
    if u_kind == source_kind or (relation in {"works on", "uses"} and u_kind in {"community", "session", "cohort"}):
        return f" —{relation}→ {label}"
    return f" ←{relation}— {label}"


def _sentence(network: nx.Graph, path: list[str]) -> str:
    text = network.nodes[path[0]].get("label", path[0])
    for u, v in itertools.pairwise(path):
        text += _phrase(network, u, v)
    return text


def _meet(adjacency, source: str, target: str, blocked: set[str]):
    """Breadth-first search from both ends, a whole level at a time on the side whose frontier has fewer edges,
    until the two meet. Returns each side's distances, each side's levels and the nodes where they meet (every
    node at the forward side's last level and the backward side's last level), or None if nothing links them.
    """
    sides = [({source: 0}, [[source]]), ({target: 0}, [[target]])]
    while sides[0][1][-1] and sides[1][1][-1]:
        cost = [sum(len(adjacency[v]) for v in levels[-1]) for _, levels in sides]
        mine, levels = sides[0] if cost[0] <= cost[1] else sides[1]
        theirs = sides[1][0] if cost[0] <= cost[1] else sides[0][0]
        depth, following = len(levels), []
        for v in levels[-1]:
            for w in adjacency[v]:
                if w not in mine and w not in blocked:
                    mine[w] = depth
                    following.append(w)
        levels.append(following)
        meeting = [w for w in following if w in theirs]
        if meeting:
            return sides, meeting
    return None


#: Nodes with at least this many neighbours are hubs, whose neighbours' positions are kept (see _positions).
_HUB_DEGREE = 1000

# Kept beside the network: where each neighbour sits in a hub's adjacency, for the hubs paths went through.
_POSITIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _positions(network: nx.Graph, hub: str) -> dict[str, int]:
    kept = _POSITIONS.setdefault(network, {})
    if hub not in kept:
        kept[hub] = {n: i for i, n in enumerate(network.adj[hub])}
    return kept[hub]


def _shortest_paths(network: nx.Graph, source: str, target: str, blocked: set[str]) -> Iterator[list[str]]:
    """Every shortest path from source to target that avoids ``blocked``, in the order
    ``nx.all_shortest_paths`` gives them.

    NetworkX searches from the source until it has the target's whole level; through a profession or an
    organisation thousands share, that is most of the network.
    Here a search from both ends finds the distance and the nodes on shortest paths; the source-first search
    that fixes the order of the paths then visits only those nodes.
    """
    adjacency = network.adj
    found = _meet(adjacency, source, target, blocked)
    if found is None:
        return
    ((forward, forward_levels), (backward, backward_levels)), meeting = found
    distance = forward[meeting[0]] + backward[meeting[0]]
    # The nodes on shortest paths: from the meeting nodes, back down each side's levels.
    level = {m: forward[m] for m in meeting}
    for distances, levels, to_source in ((forward, forward_levels, True), (backward, backward_levels, False)):
        frontier = meeting
        while frontier:
            following = []
            for x in frontier:
                depth = distances[x] - 1
                if depth < 0:
                    continue
                below = levels[depth]
                # A hub's neighbours outnumber the level below it: look the other way round.
                near = [y for y in below if y in adjacency[x]] if len(below) < len(adjacency[x]) else adjacency[x]
                for y in near:
                    if distances.get(y) == depth and y not in level:
                        level[y] = depth if to_source else distance - depth
                        following.append(y)
            frontier = following
    by_level: dict[int, list[str]] = {}
    for w, depth in level.items():
        by_level.setdefault(depth, []).append(w)
    pred: dict[str, list[str]] = {source: []}
    frontier = [source]
    while frontier and target not in pred:
        following = []
        for v in frontier:
            below = by_level.get(level[v] + 1, ())
            if len(adjacency[v]) >= _HUB_DEGREE and 8 * len(below) < len(adjacency[v]):
                # A hub: its few neighbours on the next level, in the order of its adjacency.
                positions = _positions(network, v)
                children = sorted((w for w in below if w in adjacency[v]), key=positions.__getitem__)
            else:
                children = (w for w in adjacency[v] if level.get(w, -1) == level[v] + 1)
            for w in children:
                if w not in pred:
                    pred[w] = [v]
                    following.append(w)
                else:
                    pred[w].append(v)
        frontier = following
    stack, top = [[target, 0]], 0
    while top >= 0:
        node, i = stack[top]
        if node == source:
            yield [p for p, _ in reversed(stack[: top + 1])]
        if len(pred[node]) > i:
            stack[top][1] = i + 1
            if top == len(stack) - 1:
                stack.append([pred[node][i], 0])
            else:
                stack[top + 1][:] = [pred[node][i], 0]
            top += 1
        else:
            top -= 1


# Kept beside the network, like the ties: cohorts and sessions, which paths avoid where they can.
_HUBS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def paths(network: nx.Graph, source: str, target: str, most: int = 3) -> tuple[str, ...]:
    """Up to ``most`` shortest paths, preferring paths through themes, methods, professions, places and
    organisations over paths through a cohort or session, which everyone in it shares."""
    if network not in _HUBS:
        _HUBS[network] = frozenset(n for n, kind in network.nodes(data="kind") if kind in {"cohort", "session"})
    hubs = _HUBS[network] - {source, target}
    for blocked in (hubs, set()):
        # The same paths, whatever order the network lists its edges in: the first few in sorted order.
        found = sorted(itertools.islice(_shortest_paths(network, source, target, blocked), _MOST_PATHS_LOOKED_AT))
        if found:
            return tuple(_sentence(network, p) for p in found[:most])
    return ()


#: How many shortest paths :func:`paths` looks through for the first few in sorted order.
_MOST_PATHS_LOOKED_AT = 64


def _ranked_by_ppr(network, node, kinds, max_hops, boundary_bonus):
    """``(score with bonus, label, candidate, boundaries)`` by personalised PageRank from ``node``."""
    ranks = nx.pagerank(network, alpha=0.85, personalization={node: 1.0})
    reach = nx.single_source_shortest_path_length(network, node, cutoff=max_hops)
    excluded = tied_to(network, node) | set(network.adj[node]) | {node}
    ranked = []
    for candidate in reach:
        if network.nodes[candidate].get("kind") in kinds and candidate not in excluded and ranks[candidate] > 0:
            lines = crossed(network, node, candidate)
            total = ranks[candidate] * (1 + boundary_bonus * len(lines))
            ranked.append((total, network.nodes[candidate].get("label", candidate), candidate, lines))
    return ranked


def _ranked_by_neighbours(network, node, kinds, max_hops, boundary_bonus, method):
    """The same, by a common-neighbour measure: only candidates two steps away can score."""
    reach = nx.single_source_shortest_path_length(network, node, cutoff=min(max_hops, 2))
    tied = tied_to(network, node)
    candidates = sorted(c for c, hops in reach.items() if hops == 2 and network.nodes[c].get("kind") in kinds)
    candidates = [c for c in candidates if c not in tied]
    function = {
        "adamic_adar": nx.adamic_adar_index,
        "resource_allocation": nx.resource_allocation_index,
        "jaccard": nx.jaccard_coefficient,
    }[method]
    ranked = []
    for _, candidate, score in function(network, [(node, c) for c in candidates]):
        if score > 0:
            lines = crossed(network, node, candidate)
            total = score * (1 + boundary_bonus * len(lines))
            ranked.append((total, network.nodes[candidate].get("label", candidate), candidate, lines))
    return ranked


def suggest(
    network: nx.Graph,
    node: str,
    *,
    kinds: tuple[str, ...] = ("person", "community"),
    method: str = "ppr",
    max_hops: int = 4,
    boundary_bonus: float = 0.1,
    limit: int | None = None,
) -> Iterator[Suggestion]:
    """Potential connections for ``node``, best first (ties broken by label, then IRI).

    Parameters
    ----------
    network : nx.Graph
        A network built by :func:`copgraph.graph.network.project`.
    node : str
        The entity to suggest connections for (a person or a community, usually).
    kinds : tuple of str
        Which kinds of entity to suggest.
    method : str
        One of :data:`METHODS`.
    max_hops : int
        Candidates are at most this many steps away.
    boundary_bonus : float
        Multiplies a score by ``1 + boundary_bonus * boundaries crossed``.
    limit : int, optional
        At most this many suggestions.

    Raises
    ------
    nx.NodeNotFound
        If ``node`` is not in the network.
    ValueError
        If ``method`` is not one of :data:`METHODS`.
    """
    if node not in network:
        raise nx.NodeNotFound(f"Node {node} is not in the network.")
    if method not in METHODS:
        raise ValueError(f"Unknown method '{method}'; choose one of {', '.join(METHODS)}.")
    if method == "ppr":
        ranked = _ranked_by_ppr(network, node, kinds, max_hops, boundary_bonus)
    else:
        ranked = _ranked_by_neighbours(network, node, kinds, max_hops, boundary_bonus, method)
    ranked.sort(key=lambda r: (-r[0], r[1], r[2]))
    # Reasons and paths cost far more than scores: work them out only for what is returned.
    results, mine = [], None
    for score, label, candidate, lines in ranked[:limit] if limit is not None else ranked:
        reasons = []
        if network.nodes[candidate]["kind"] == "community" or network.nodes[node]["kind"] == "community":
            mine = mine or profile(network, node)
            _, why = score_pair(network, mine, profile(network, candidate))
            reasons.extend(reason for _, reason in why if not reason.startswith("from another cohort"))
        if not reasons:
            reasons.append("linked through the graph (see the paths), not yet connected")
        if lines:
            reasons.append("crosses the " + ", ".join(lines) + " boundar" + ("ies" if len(lines) > 1 else "y"))
        results.append(
            Suggestion(
                node,
                candidate,
                label,
                network.nodes[candidate]["kind"],
                score,
                lines,
                tuple(reasons),
                paths(network, node, candidate),
            )
        )
    yield from results
