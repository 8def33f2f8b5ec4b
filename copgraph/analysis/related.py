"""Related communities: which communities work on what an entity works on, ranked, each with its reasons.

An entity (a community, theme, method, person, organisation or place) has a *profile*: the themes, methods,
places and organisations it is linked to in the network. A community's score against a profile adds up:

- for each theme both profiles reach, its specificity ``idf(t) = log(1 + N / df(t))`` (``N`` communities,
  ``df(t)`` of them working on ``t`` or a narrower theme), weighted by how each side reaches it:
  1 when both work on it directly ("both work on Polypharmacy"), 0.5 when one works on it and the other on a
  narrower theme ("yours is about Medicines optimisation, theirs about Polypharmacy, which it includes"),
  0.25 when both work on narrower themes ("both are part of Patient safety");
- for each shared method, half its specificity ("both use Liberating Structures");
- 0.5 for each shared organisation, 0.3 for each shared place below the level of a nation;
- a bonus of 10% when the two were brought to different cohorts, which is a boundary worth crossing.

The score is symmetric for two communities, and adding a theme to both never lowers it.

Example
-------
>>> import networkx as nx
>>> g = nx.Graph(broader={"medicines": (), "polypharmacy": ("medicines",)})
>>> for node, kind in [("a", "community"), ("b", "community"), ("c", "community"),
...                    ("medicines", "theme"), ("polypharmacy", "theme")]:
...     g.add_node(node, kind=kind, label=node.title(), cohorts=())
>>> g.add_edges_from([("a", "polypharmacy"), ("b", "polypharmacy"), ("c", "medicines")], relations=("works on",))
>>> [(r.community, round(r.score, 3)) for r in related(g, "a")]
[('b', 0.916), ('c', 0.347)]
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

__all__ = ["Profile", "Relatedness", "ancestors", "profile", "related", "score_pair"]

THEME_BOTH_DIRECT = 1.0
THEME_ONE_INCLUDES_OTHER = 0.5
THEME_COMMON_BROADER = 0.25
METHOD_WEIGHT = 0.5
ORGANISATION_WEIGHT = 0.5
PLACE_WEIGHT = 0.3
OTHER_COHORT_BONUS = 0.1


@dataclass(frozen=True)
class Profile:
    """What an entity works on and where: direct themes, methods, places, organisations and cohorts."""

    node: str
    themes: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    cohorts: frozenset[str] = frozenset()
    #: Why each theme is in the profile, when it is not the entity's own ("your profession Pharmacy ...").
    via: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Relatedness:
    """A community related to the entity asked about: its score and the reasons, strongest first."""

    community: str
    label: str
    score: float
    reasons: tuple[str, ...]


def _neighbours(network: nx.Graph, node: str, kind: str, relation: str | None = None) -> set[str]:
    return {
        other
        for other in network[node]
        if network.nodes[other].get("kind") == kind
        and (relation is None or relation in network.edges[node, other].get("relations", ()))
    }


def _label(network: nx.Graph, node: str) -> str:
    if node in network:
        return network.nodes[node].get("label", node)
    return network.graph.get("labels", {}).get(node, node)


def ancestors(network: nx.Graph, theme: str) -> set[str]:
    """Every theme broader than ``theme``, however many steps up (``network.graph["broader"]``)."""
    broader = network.graph.get("broader", {})
    seen: set[str] = set()
    frontier = list(broader.get(theme, ()))
    while frontier:
        parent = frontier.pop()
        if parent not in seen:
            seen.add(parent)
            frontier.extend(broader.get(parent, ()))
    return seen


def profile(network: nx.Graph, node: str) -> Profile:
    """The profile of any entity in the network.

    Raises
    ------
    nx.NodeNotFound
        If the node is not in the network.
    """
    if node not in network:
        raise nx.NodeNotFound(f"Node {node} is not in the network.")
    kind = network.nodes[node].get("kind")
    cohorts = frozenset(network.nodes[node].get("cohorts", ()))
    if kind == "theme":
        return Profile(node, themes=frozenset({node}), cohorts=cohorts)
    if kind == "method":
        return Profile(node, methods=frozenset({node}))
    if kind == "place":
        return Profile(node, places=frozenset({node}))
    if kind == "community":
        return Profile(
            node,
            themes=frozenset(_neighbours(network, node, "theme")),
            methods=frozenset(_neighbours(network, node, "method")),
            places=frozenset(_neighbours(network, node, "place")),
            organisations=frozenset(_neighbours(network, node, "organisation")),
            cohorts=cohorts,
        )
    themes: dict[str, str] = {}
    methods: set[str] = set()
    places: set[str] = set()
    organisations: set[str] = set()
    if kind == "person":
        organisations = _neighbours(network, node, "organisation")
        for organisation in organisations:
            places |= _neighbours(network, organisation, "place")
        for profession in sorted(_neighbours(network, node, "profession")):
            for theme in sorted(_neighbours(network, profession, "theme")):
                themes.setdefault(
                    theme, f"your profession {_label(network, profession)} relates to {_label(network, theme)}"
                )
        for linked in sorted(_neighbours(network, node, "community") | _neighbours(network, node, "session")):
            for theme in sorted(_neighbours(network, linked, "theme")):
                themes.setdefault(theme, f"{_label(network, linked)} works on {_label(network, theme)}")
            methods |= _neighbours(network, linked, "method")
    elif kind == "organisation":
        organisations = {node}
        places = _neighbours(network, node, "place")
        for community in sorted(_neighbours(network, node, "community")):
            for theme in sorted(_neighbours(network, community, "theme")):
                themes.setdefault(theme, f"{_label(network, community)} works on {_label(network, theme)}")
    return Profile(
        node,
        themes=frozenset(themes),
        methods=frozenset(methods),
        places=frozenset(places),
        organisations=frozenset(organisations),
        cohorts=cohorts,
        via={t: why for t, why in themes.items()},
    )


# Kept beside the network, never in it: the analysis does not change the graph it is given.
_FREQUENCIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _document_frequencies(network: nx.Graph) -> tuple[int, dict[str, int], dict[str, int]]:
    cached = _FREQUENCIES.get(network)
    if cached is not None:
        return cached
    communities = [n for n, kind in network.nodes(data="kind") if kind == "community"]
    theme_df: dict[str, int] = {}
    method_df: dict[str, int] = {}
    for community in communities:
        reached = set()
        for theme in _neighbours(network, community, "theme"):
            reached |= {theme} | ancestors(network, theme)
        for theme in reached:
            theme_df[theme] = theme_df.get(theme, 0) + 1
        for method in _neighbours(network, community, "method"):
            method_df[method] = method_df.get(method, 0) + 1
    result = (len(communities), theme_df, method_df)
    _FREQUENCIES[network] = result
    return result


def _idf(total: int, frequency: int) -> float:
    return math.log(1 + total / max(frequency, 1))


def score_pair(network: nx.Graph, mine: Profile, theirs: Profile) -> tuple[float, list[tuple[float, str]]]:
    """The score of one profile against another, and the weighted reasons that make it up."""
    total, theme_df, method_df = _document_frequencies(network)
    reasons: list[tuple[float, str]] = []
    mine_reach = {t: {t} | ancestors(network, t) for t in mine.themes}
    their_reach = {t: {t} | ancestors(network, t) for t in theirs.themes}
    mine_all = set().union(*mine_reach.values()) if mine_reach else set()
    their_all = set().union(*their_reach.values()) if their_reach else set()
    shared = mine_all & their_all
    # A broader theme both reach only counts where no narrower shared theme already explains it.
    explained = set().union(*(ancestors(network, t) for t in shared)) if shared else set()
    for theme in sorted(shared):
        mine_direct, their_direct = theme in mine.themes, theme in theirs.themes
        weight = _idf(total, theme_df.get(theme, 1))
        name = _label(network, theme)
        if mine_direct and their_direct:
            why = f"both work on {name}"
            if theme in mine.via:
                why = f"{mine.via[theme]}, which they work on"
            reasons.append((THEME_BOTH_DIRECT * weight, why))
        elif theme in explained:
            continue
        elif mine_direct or their_direct:
            narrower = sorted(
                t for t in (theirs.themes if mine_direct else mine.themes) if theme in ancestors(network, t)
            )
            names = ", ".join(_label(network, t) for t in narrower)
            if mine_direct:
                why = f"yours is about {name}, theirs about {names}, which it includes"
            else:
                why = f"yours is about {names}, theirs about {name}, which includes it"
            reasons.append((THEME_ONE_INCLUDES_OTHER * weight, why))
        else:
            reasons.append((THEME_COMMON_BROADER * weight, f"both are part of {name}"))
    for method in sorted(mine.methods & theirs.methods):
        reasons.append((METHOD_WEIGHT * _idf(total, method_df.get(method, 1)), f"both use {_label(network, method)}"))
    for organisation in sorted(mine.organisations & theirs.organisations):
        reasons.append((ORGANISATION_WEIGHT, f"both involve {_label(network, organisation)}"))
    for place in sorted(mine.places & theirs.places):
        if network.nodes[place].get("nations") != (place,):
            reasons.append((PLACE_WEIGHT, f"both in {_label(network, place)}"))
    score = sum(weight for weight, _ in reasons)
    if score > 0 and mine.cohorts and theirs.cohorts and not (mine.cohorts & theirs.cohorts):
        bonus = OTHER_COHORT_BONUS * score
        names = lambda cohorts: ", ".join(sorted(_label(network, c) for c in cohorts))  # noqa: E731
        reasons.append(
            (
                bonus,
                f"from another cohort ({names(theirs.cohorts)}, not {names(mine.cohorts)}): a boundary worth crossing",
            )
        )
        score += bonus
    return score, sorted(reasons, key=lambda r: (-r[0], r[1]))


def _candidates(network: nx.Graph, mine: Profile) -> set[str]:
    """Communities that share anything scoreable with the profile: a bounded neighbourhood, never all pairs."""
    reach = set()
    for theme in mine.themes:
        reach |= {theme} | ancestors(network, theme)
    # themes below any reached theme share an ancestor with the profile
    frontier = set(reach)
    for theme in list(frontier):
        reach |= {t for t in network[theme] if network.nodes[t].get("kind") == "theme"}
    anchors = reach | mine.methods | mine.organisations | mine.places
    return {
        other
        for anchor in anchors
        if anchor in network
        for other in network[anchor]
        if network.nodes[other].get("kind") == "community"
    } - {mine.node}


def related(network: nx.Graph, node: str, *, limit: int | None = None) -> Iterator[Relatedness]:
    """The communities most related to ``node``, highest score first (ties broken by label).

    Parameters
    ----------
    network : nx.Graph
        A network built by :func:`copgraph.analysis.projection.project`.
    node : str
        The IRI of a community, theme, method, person, organisation or place.
    limit : int, optional
        At most this many results.

    Raises
    ------
    nx.NodeNotFound
        If ``node`` is not in the network.
    """
    mine = profile(network, node)
    results = []
    for community in _candidates(network, mine):
        score, reasons = score_pair(network, mine, profile(network, community))
        if score > 0:
            results.append(Relatedness(community, _label(network, community), score, tuple(r for _, r in reasons)))
    results.sort(key=lambda r: (-r.score, r.label, r.community))
    yield from results[:limit] if limit is not None else results
