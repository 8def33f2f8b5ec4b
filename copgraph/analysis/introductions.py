"""Introductions a convenor would make: for a community, people to invite, communities to talk to and speakers
who fit; for a person, communities to join and people to meet. Each kind is ranked on its own.

Every candidate is scored by the evidence it shares with the entity asked about (:func:`copgraph.analysis.related
.evidence`): themes their work touches (through a person's role, profession, the sessions they spoke at), methods,
organisations and places, each weighed by how specific it is, so that what nearly everyone shares (the
programme's host, the programme itself) counts for little. Existing ties are never suggested.

Each :class:`Introduction` carries its score (for analysts), a band a lay reader understands (:func:`band`),
how many independent pieces of evidence support it (hubs and the cohort boundary are not counted), and its reasons
in plain sentences, strongest first, never a hub's first. A candidate whose only evidence is a hub, or being from
another cohort, is not introduced at all.

Example
-------
>>> import networkx as nx
>>> g = nx.Graph(broader={"medicines": ()}, labels={})
>>> g.add_node("phil", kind="person", label="Phil", cohorts=())
>>> g.add_node("pharmacy", kind="profession", label="Pharmacy")
>>> g.add_node("medicines", kind="theme", label="Medicines")
>>> g.add_node("cop", kind="community", label="Medicines CoP", cohorts=())
>>> g.add_edge("phil", "pharmacy", relations=("has profession",))
>>> g.add_edge("pharmacy", "medicines", relations=("relates to",))
>>> g.add_edge("medicines", "cop", relations=("works on",))
>>> found = introductions(g, "phil")["communities to join"]
>>> [(i.target, i.band, i.evidence) for i in found]
[('cop', 'possible', 1)]
>>> found[0].reasons[0]
"Phil's profession, Pharmacy, relates to Medicines; Medicines CoP works on it too."
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from copgraph.analysis.boundaries import crossed, tied_to
from copgraph.analysis.related import Evidence, candidates, evidence, neighbours, profile, score
from copgraph.analysis.suggest import paths

__all__ = ["BANDS", "KINDS", "Introduction", "band", "introductions", "ranked"]

#: The kinds of introduction, by the kind of entity they are for, in the order pages show them, each with the kind
#: of entity it suggests.
KINDS: dict[str, dict[str, str]] = {
    "community": {"people to invite": "person", "communities to talk to": "community", "speakers who fit": "person"},
    "person": {"communities to join": "community", "people to meet": "person"},
}

#: The bands a score falls in, from the top.
BANDS = ("strong", "good", "possible")

#: A strong introduction has at least this score and this many independent pieces of evidence; a good one this
#: score. One theme both sides work on directly scores its specificity, ``log(1 + N / df)``: about 1.1 for a
#: theme half the communities work on, more the fewer do. How well each band holds is in bench/README.md.
STRONG_SCORE, STRONG_EVIDENCE, GOOD_SCORE = 2.5, 2, 1.0


@dataclass(frozen=True)
class Introduction:
    """One introduction from ``source`` to ``target``: which kind it is, its score and band, how many independent
    pieces of evidence support it, and its reasons (plain sentences, strongest first)."""

    source: str
    target: str
    label: str
    kind: str
    score: float
    band: str
    evidence: int
    reasons: tuple[str, ...]
    #: Up to three shortest paths through the graph, as sentences: for whoever wants to see how it was found.
    paths: tuple[str, ...] = ()
    #: The boundaries the tie would cross: organisation, sector, profession, nation, cohort.
    crosses: tuple[str, ...] = ()


def band(score: float, pieces: int) -> str:
    """``strong``, ``good`` or ``possible``: what a lay reader is shown instead of a score.

    >>> band(3.0, 2), band(3.0, 1), band(0.4, 1)
    ('strong', 'good', 'possible')
    """
    if score >= STRONG_SCORE and pieces >= STRONG_EVIDENCE:
        return BANDS[0]
    return BANDS[1] if score >= GOOD_SCORE else BANDS[2]


# Kept beside the network, never in it: who spoke at a session, worked out once per network.
_SPEAKERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _speakers(network: nx.Graph) -> frozenset[str]:
    """People who spoke at or facilitated a session of the programme."""
    if network not in _SPEAKERS:
        sessions = [n for n, kind in network.nodes(data="kind") if kind == "session"]
        _SPEAKERS[network] = frozenset(
            person for session in sessions for person in neighbours(network, session, "person")
        )
    return _SPEAKERS[network]


def ranked(network: nx.Graph, node: str, kind: str) -> Iterator[tuple[float, str]]:
    """Every candidate of ``kind`` for ``node`` with a score above 0, as ``(score, candidate)``, best first (ties
    by label, then IRI): the ranking :func:`introductions` and the evaluation use."""
    mine = profile(network, node)
    scored, seen = [], {}
    for candidate in candidates(network, mine, kind) - tied_to(network, node):
        theirs = profile(network, candidate)
        # Candidates alike in everything the score looks at score the same: many people share a profession and
        # an organisation. Score one of them.
        alike = (
            theirs.themes,
            theirs.methods & mine.methods,
            theirs.places & mine.places,
            theirs.organisations & mine.organisations,
            bool(theirs.cohorts) and not theirs.cohorts & mine.cohorts,
        )
        if alike not in seen:
            seen[alike] = score(network, mine, theirs)
        value = seen[alike]
        if value > 0:
            scored.append((-value, network.nodes[candidate].get("label", candidate), candidate))
    scored.sort()
    for value, _, candidate in scored:
        yield -value, candidate


def _introduce(network: nx.Graph, node: str, candidate: str, kind: str) -> Introduction:
    score, found = evidence(network, profile(network, node), profile(network, candidate))
    pieces = sum(1 for e in found if not (e.hub or e.context))
    return Introduction(
        node,
        candidate,
        network.nodes[candidate].get("label", candidate),
        kind,
        score,
        band(score, pieces),
        pieces,
        tuple(_sentences(found)),
        paths(network, node, candidate) if pieces else (),
        tuple(crossed(network, node, candidate)) if pieces else (),
    )


def _sentences(found: list[Evidence]) -> list[str]:
    return list(dict.fromkeys(e.sentence for e in found))


def introductions(network: nx.Graph, node: str, *, limit: int = 5) -> dict[str, list[Introduction]]:
    """Each kind of introduction (:data:`KINDS`) for one person or community, best first, at most ``limit`` of
    each; an empty dict for any other kind of entity. Deterministic: the same network gives the same lists.

    Raises
    ------
    nx.NodeNotFound
        If the node is not in the network.
    """
    if node not in network:
        raise nx.NodeNotFound(f"Node {node} is not in the network.")
    kinds = KINDS.get(network.nodes[node].get("kind"), {})
    speakers = _speakers(network) if "speakers who fit" in kinds else frozenset()
    result: dict[str, list[Introduction]] = {}
    rankings = {kind: list(ranked(network, node, kind)) for kind in sorted(set(kinds.values()))}
    for title, kind in kinds.items():
        chosen = []
        for _, candidate in rankings[kind]:
            if title == "people to invite" and candidate in speakers:
                continue
            if title == "speakers who fit" and candidate not in speakers:
                continue
            introduction = _introduce(network, node, candidate, title)
            if introduction.evidence:  # a colleague does not introduce two people for sharing a hub alone
                chosen.append(introduction)
            if len(chosen) == limit:
                break
        result[title] = chosen
    return result
