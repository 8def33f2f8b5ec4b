"""Potential connections: people and communities not yet connected that should meet, each with its reasons.

For an entity, candidates of the wanted kinds are drawn from a bounded neighbourhood (``max_hops`` steps in
the network), existing ties are excluded (see :func:`copgraph.analysis.boundaries.existing_ties`), and each
candidate is scored by one of NetworkX's link-prediction measures:

- ``"ppr"`` (default): personalised PageRank from the entity, which follows paths of any length, such as
  person -> profession -> theme -> community;
- ``"adamic_adar"``, ``"resource_allocation"``, ``"jaccard"``: NetworkX's common-neighbour measures, which see
  only candidates two steps away.

The choice of default is justified by :mod:`copgraph.analysis.evaluate`. A tie that crosses boundaries gets a
bonus of ``boundary_bonus`` (10%) per boundary crossed (organisation, sector, profession, nation, cohort),
because the programme exists to make such ties. Every suggestion carries its reasons and up to three shortest
paths through the graph, written as sentences.

Example
-------
>>> import networkx as nx
import numpy as np
import scipy.sparse
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
import numpy as np
import scipy.sparse

from copgraph.analysis.boundaries import crossed, tied_to
from copgraph.analysis.related import profile, score_pair

__all__ = ["METHODS", "Suggestion", "personalised_pagerank", "suggest"]

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


def _shortest_paths(network: nx.Graph, source: str, target: str, blocked: set[str]) -> Iterator[list[str]]:
    """Every shortest path from source to target that avoids ``blocked``, in the order
    ``nx.all_shortest_paths`` gives them, but searching only as far as the target's distance (NetworkX
    finds the predecessors of the whole graph first, which costs a quarter of a second at 10,000 people)."""
    adjacency = network.adj
    seen, pred, level, frontier = {source: 0}, {source: []}, 0, [source]
    while frontier and target not in seen:
        level += 1
        following = []
        for v in frontier:
            for w in adjacency[v]:
                if w in blocked:
                    continue
                if w not in seen:
                    seen[w], pred[w] = level, [v]
                    following.append(w)
                elif seen[w] == level:
                    pred[w].append(v)
        frontier = following
    if target not in seen:
        return
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


def _paths(network: nx.Graph, source: str, target: str, most: int = 3) -> tuple[str, ...]:
    """Up to ``most`` shortest paths, preferring paths through themes, methods, professions, places and
    organisations over paths through a cohort or session, which everyone in it shares."""
    if network not in _HUBS:
        _HUBS[network] = frozenset(n for n, kind in network.nodes(data="kind") if kind in {"cohort", "session"})
    hubs = _HUBS[network] - {source, target}
    for blocked in (hubs, set()):
        found = tuple(itertools.islice(_shortest_paths(network, source, target, blocked), most))
        if found:
            return tuple(_sentence(network, p) for p in found)
    return ()


# Kept beside the network, like the ties: the row-normalised adjacency matrix that PageRank walks.
_WALKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _walk(network: nx.Graph):
    cached = _WALKS.get(network)
    if cached is None:
        nodes = list(network)
        matrix = nx.to_scipy_sparse_array(network, nodelist=nodes, weight=None, dtype=float, format="csr")
        degree = np.asarray(matrix.sum(axis=1)).ravel()
        with np.errstate(divide="ignore"):
            inverse = np.where(degree > 0, 1.0 / degree, 0.0)
        cached = ({n: i for i, n in enumerate(nodes)}, scipy.sparse.diags_array(inverse) @ matrix, degree == 0)
        _WALKS[network] = cached
    return cached


def personalised_pagerank(
    network: nx.Graph, node: str, *, alpha: float = 0.85, max_iter: int = 1000, tol: float = 1e-10
) -> dict[str, float]:
    """PageRank personalised to ``node``: the same power iteration as ``nx.pagerank(network, alpha,
    personalization={node: 1})``, on a transition matrix built once per network rather than once per call
    (at 10,000 people that is 10 ms instead of a second)."""
    index, transition, dangling = _walk(network)
    size = len(index)
    p = np.zeros(size)
    p[index[node]] = 1.0
    x = np.full(size, 1.0 / size)
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ transition + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(x - last).sum() < size * tol:
            break
    else:
        raise nx.PowerIterationFailedConvergence(max_iter)
    return {n: float(x[i]) for n, i in index.items()}


def _scores(network: nx.Graph, node: str, candidates: list[str], method: str) -> dict[str, float]:
    if method == "ppr":
        ranks = personalised_pagerank(network, node)
        return {c: ranks.get(c, 0.0) for c in candidates}
    function = {
        "adamic_adar": nx.adamic_adar_index,
        "resource_allocation": nx.resource_allocation_index,
        "jaccard": nx.jaccard_coefficient,
    }[method]
    return {v: score for _, v, score in function(network, [(node, c) for c in candidates])}


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
        A network built by :func:`copgraph.analysis.projection.project`.
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
    reach = nx.single_source_shortest_path_length(network, node, cutoff=max_hops)
    tied = tied_to(network, node)
    candidates = sorted(
        c
        for c in reach
        if c != node and network.nodes[c].get("kind") in kinds and c not in tied and not network.has_edge(node, c)
    )
    scores = _scores(network, node, candidates, method)
    ranked = []
    for candidate in candidates:
        score = scores.get(candidate, 0.0)
        if score > 0:
            lines = crossed(network, node, candidate)
            ranked.append(
                (
                    score * (1 + boundary_bonus * len(lines)),
                    network.nodes[candidate].get("label", candidate),
                    candidate,
                    lines,
                )
            )
    ranked.sort(key=lambda r: (-r[0], r[1], r[2]))
    # Reasons and paths cost far more than scores: work them out only for what is returned.
    results = []
    for score, label, candidate, lines in ranked[:limit] if limit is not None else ranked:
        reasons = []
        if network.nodes[candidate]["kind"] == "community" or network.nodes[node]["kind"] == "community":
            _, why = score_pair(network, profile(network, node), profile(network, candidate))
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
                _paths(network, node, candidate),
            )
        )
    yield from results
