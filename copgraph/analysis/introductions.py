"""Introductions a convenor would make: for a community, people to invite, communities to talk to and speakers
who fit; for a person, communities to join and people to meet. Each kind is ranked on its own.

Each :class:`Introduction` carries its score (for analysts), a band a lay reader understands (``strong``,
``good`` or ``possible``), how many independent pieces of evidence support it, its reasons in plain words and
the paths behind them.

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
>>> [i.target for i in introductions(g, "phil")["communities to join"]]
['cop']
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

__all__ = ["BANDS", "KINDS", "Introduction", "introductions"]

#: The kinds of introduction, by the kind of entity they are for, in the order pages show them.
KINDS: dict[str, tuple[str, ...]] = {
    "community": ("people to invite", "communities to talk to", "speakers who fit"),
    "person": ("communities to join", "people to meet"),
}

#: The bands a score falls in, from the top.
BANDS = ("strong", "good", "possible")


@dataclass(frozen=True)
class Introduction:
    """One introduction from ``source`` to ``target``: which kind it is, its score and band, how many independent
    pieces of evidence support it, and its reasons (plain sentences) and paths."""

    source: str
    target: str
    label: str
    kind: str
    score: float
    band: str
    evidence: int
    reasons: tuple[str, ...]
    paths: tuple[str, ...] = ()
    crosses: tuple[str, ...] = ()


def _band(score: float, best: float) -> str:
    if best <= 0:
        return BANDS[-1]
    share = score / best
    return BANDS[0] if share >= 0.66 else BANDS[1] if share >= 0.33 else BANDS[2]


def _speakers(network: nx.Graph) -> set[str]:
    return {
        node
        for node, kind in network.nodes(data="kind")
        if kind == "person"
        and any("spoke at" in network.edges[node, other].get("relations", ()) for other in network.adj[node])
    }


def introductions(network: nx.Graph, node: str, *, limit: int = 5) -> dict[str, list[Introduction]]:
    """Each kind of introduction (:data:`KINDS`) for one person or community, best first, at most ``limit`` of
    each; an empty dict for any other kind of entity.

    Raises
    ------
    nx.NodeNotFound
        If the node is not in the network.
    """
    from copgraph.analysis.related import related
    from copgraph.analysis.suggest import suggest

    if node not in network:
        raise nx.NodeNotFound(f"Node {node} is not in the network.")
    kind = network.nodes[node].get("kind")
    if kind not in KINDS:
        return {}
    people = list(suggest(network, node, kinds=("person",), limit=limit * 4))
    speakers = _speakers(network)
    found: dict[str, list] = {}
    if kind == "community":
        found["people to invite"] = [s for s in people if s.target not in speakers][:limit]
        found["communities to talk to"] = list(related(network, node, limit=limit))
        found["speakers who fit"] = [s for s in people if s.target in speakers][:limit]
    else:
        found["communities to join"] = list(suggest(network, node, kinds=("community",), limit=limit))
        found["people to meet"] = people[:limit]
    result: dict[str, list[Introduction]] = {}
    for title, items in found.items():
        best = max((item.score for item in items), default=0.0)
        result[title] = [
            Introduction(
                source=node,
                target=getattr(item, "target", None) or item.community,
                label=item.label,
                kind=title,
                score=item.score,
                band=_band(item.score, best),
                evidence=len(item.reasons),
                reasons=tuple(item.reasons),
                paths=tuple(getattr(item, "paths", ())),
                crosses=tuple(getattr(item, "crosses", ())),
            )
            for item in items
        ]
    return result
