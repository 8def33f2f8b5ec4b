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
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

__all__ = ["BOUNDARIES", "TIE_HUBS", "Boundaries", "boundaries", "crossed", "existing_ties", "tied_to"]

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


@dataclass
class Boundaries:
    """The boundary view of the network (see :func:`boundaries`)."""

    ties: list[dict] = field(default_factory=list)
    sector_matrix: dict[tuple[str, str], int] = field(default_factory=dict)
    nation_matrix: dict[tuple[str, str], int] = field(default_factory=dict)
    crossing_counts: dict[str, int] = field(default_factory=dict)
    spanning: list[dict] = field(default_factory=list)
    brokers: list[dict] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)
    islands: dict[str, list[str]] = field(default_factory=dict)


def _matrix(network: nx.Graph, ties: list[tuple[str, str, str]], attribute: str) -> dict[tuple[str, str], int]:
    counts: Counter = Counter()
    for u, v, _ in ties:
        for a in network.nodes[u].get(attribute, ()):
            for b in network.nodes[v].get(attribute, ()):
                counts[tuple(sorted((a, b)))] += 1
    return dict(sorted(counts.items()))


def _diversity(network: nx.Graph, community: str) -> dict:
    """How many sectors, professions and nations a community touches through its people and organisations."""
    touched = {attribute: set(network.nodes[community].get(attribute, ())) for attribute in ("sectors", "nations")}
    touched["professions"] = set()
    for other in network[community]:
        if network.nodes[other].get("kind") in {"person", "organisation"}:
            for attribute in touched:
                touched[attribute] |= set(network.nodes[other].get(attribute, ()))
    return {attribute: sorted(values) for attribute, values in touched.items()}


def boundaries(network: nx.Graph, *, seed: int = 42) -> Boundaries:
    """Classify every existing tie; count ties sector by sector and nation by nation; find spanners, brokers,
        clusters and islands.

        Brokers are people and organisations ranked by betweenness on the whole network (exact: the seed graph is
        small; sampled above 5,000 nodes), with Burt's constraint and effective size. Clusters are Louvain
        communities of the linked part of the network (``seed`` makes them deterministic), those holding a person or
    a community. Islands are what nothing links yet:
        communities without any known person, and people without any community.
    """
    ties = existing_ties(network)
    result = Boundaries()
    counts: Counter = Counter()
    for u, v, how in ties:
        lines = crossed(network, u, v)
        counts.update(lines)
        result.ties.append({"source": u, "target": v, "how": how, "crosses": list(lines)})
    result.crossing_counts = {b: counts.get(b, 0) for b in BOUNDARIES}
    people_ties = [(u, v, how) for u, v, how in ties if network.nodes[v].get("kind") == "person"]
    result.sector_matrix = _matrix(network, people_ties, "sectors")
    result.nation_matrix = _matrix(network, people_ties, "nations")

    for community in _of_kind(network, "community"):
        touched = _diversity(network, community)
        result.spanning.append({"community": community, "index": sum(len(v) for v in touched.values()), **touched})
    result.spanning.sort(key=lambda row: (-row["index"], network.nodes[row["community"]].get("label", "")))

    k = None if network.number_of_nodes() <= 5000 else 500
    betweenness = nx.betweenness_centrality(network, k=k, seed=seed)
    candidates = [
        n for n in network if network.nodes[n].get("kind") in {"person", "organisation"} and network.degree(n)
    ]
    constraint = nx.constraint(network, candidates)
    effective = nx.effective_size(network, candidates)
    result.brokers = sorted(
        (
            {"node": n, "betweenness": betweenness[n], "constraint": constraint[n], "effective_size": effective[n]}
            for n in candidates
        ),
        key=lambda row: (-row["betweenness"], row["node"]),
    )
    linked = network.subgraph(n for n in network if network.degree(n))
    result.clusters = [
        sorted(c)
        for c in nx.community.louvain_communities(linked, seed=seed)
        if any(network.nodes[n].get("kind") in {"person", "community"} for n in c)
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
