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

:func:`related` scores the communities that share anything with one entity; :func:`synergies` gives every
community's list at once, the same lists, from array products rather than one community at a time.

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
import numpy as np
import scipy.sparse

from copgraph.analysis.themes import broader_themes, narrower_themes

__all__ = ["Profile", "Relatedness", "profile", "related", "score_pair", "synergies"]

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


# Kept beside the network, never in it (the analysis does not change the graph it is given): what every score
# reuses, worked out once per network. Each entry is a dict, filled as it is needed.
_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _kept(network: nx.Graph, name: str) -> dict:
    kept = _KEPT.get(network)
    if kept is None:
        kept = _KEPT.setdefault(network, {})
    return kept.setdefault(name, {})


#: Nodes with at least this many neighbours keep their neighbours other than people, by kind: a profession or an
#: organisation thousands share links to a handful of themes and places.
_HUB_DEGREE = 64


def _neighbours(network: nx.Graph, node: str, kind: str) -> set[str]:
    adjacency = network.adj[node]
    if kind == "person" or len(adjacency) < _HUB_DEGREE:
        return {other for other in adjacency if network.nodes[other].get("kind") == kind}
    hubs = _kept(network, "hubs")
    if node not in hubs:
        grouped: dict[str, set[str]] = {}
        for other in adjacency:
            other_kind = network.nodes[other].get("kind")
            if other_kind != "person":
                grouped.setdefault(other_kind, set()).add(other)
        hubs[node] = {k: frozenset(v) for k, v in grouped.items()}
    return set(hubs[node].get(kind, ()))


def _label(network: nx.Graph, node: str) -> str:
    if node in network:
        return network.nodes[node].get("label", node)
    return network.graph.get("labels", {}).get(node, node)


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
        # Every community is a candidate of many others: its profile is kept.
        kept = _kept(network, "profiles")
        if node not in kept:
            kept[node] = Profile(
                node,
                themes=frozenset(_neighbours(network, node, "theme")),
                methods=frozenset(_neighbours(network, node, "method")),
                places=frozenset(_neighbours(network, node, "place")),
                organisations=frozenset(_neighbours(network, node, "organisation")),
                cohorts=cohorts,
            )
        return kept[node]
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
            reached |= {theme} | broader_themes(network, theme)
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
    score, reasons = _weigh(network, mine, theirs, explain=True)
    return score, sorted(reasons, key=lambda r: (-r[0], r[1]))


def _weigh(
    network: nx.Graph, mine: Profile, theirs: Profile, *, explain: bool
) -> tuple[float, list[tuple[float, str]]]:
    """The score and its parts, each with its reason when ``explain`` (the reasons' sentences cost more than
    the score: :func:`related` writes them only for the communities it returns). The parts are added in the
    same order either way, so the score is the same to the last bit."""
    total, theme_df, method_df = _document_frequencies(network)
    label = (lambda node: _label(network, node)) if explain else (lambda node: "")
    reasons: list[tuple[float, str]] = []
    mine_reach = {t: {t} | broader_themes(network, t) for t in mine.themes}
    their_reach = {t: {t} | broader_themes(network, t) for t in theirs.themes}
    mine_all = set().union(*mine_reach.values()) if mine_reach else set()
    their_all = set().union(*their_reach.values()) if their_reach else set()
    shared = mine_all & their_all
    # A broader theme both reach only counts where no narrower shared theme already explains it.
    explained = set().union(*(broader_themes(network, t) for t in shared)) if shared else set()
    for theme in sorted(shared):
        mine_direct, their_direct = theme in mine.themes, theme in theirs.themes
        weight = _idf(total, theme_df.get(theme, 1))
        name = label(theme)
        if mine_direct and their_direct:
            why = f"both work on {name}"
            if theme in mine.via:
                why = f"{mine.via[theme]}, which they work on"
            reasons.append((THEME_BOTH_DIRECT * weight, why))
        elif theme in explained:
            continue
        elif mine_direct or their_direct:
            why = ""
            if explain:
                narrower = sorted(
                    t for t in (theirs.themes if mine_direct else mine.themes) if theme in broader_themes(network, t)
                )
                names = ", ".join(label(t) for t in narrower)
                if mine_direct:
                    why = f"yours is about {name}, theirs about {names}, which it includes"
                else:
                    why = f"yours is about {names}, theirs about {name}, which includes it"
            reasons.append((THEME_ONE_INCLUDES_OTHER * weight, why))
        else:
            reasons.append((THEME_COMMON_BROADER * weight, f"both are part of {name}"))
    for method in sorted(mine.methods & theirs.methods):
        reasons.append((METHOD_WEIGHT * _idf(total, method_df.get(method, 1)), f"both use {label(method)}"))
    for organisation in sorted(mine.organisations & theirs.organisations):
        reasons.append((ORGANISATION_WEIGHT, f"both involve {label(organisation)}"))
    for place in sorted(mine.places & theirs.places):
        if network.nodes[place].get("nations") != (place,):
            reasons.append((PLACE_WEIGHT, f"both in {label(place)}"))
    score = sum(weight for weight, _ in reasons)
    if score > 0 and mine.cohorts and theirs.cohorts and not (mine.cohorts & theirs.cohorts):
        bonus = OTHER_COHORT_BONUS * score
        names = lambda cohorts: ", ".join(sorted(label(c) for c in cohorts))  # noqa: E731
        reasons.append(
            (
                bonus,
                f"from another cohort ({names(theirs.cohorts)}, not {names(mine.cohorts)}): a boundary worth crossing",
            )
        )
        score += bonus
    return score, reasons


def _candidates(network: nx.Graph, mine: Profile) -> set[str]:
    """Communities that share anything scoreable with the profile: a bounded neighbourhood, never all pairs."""
    reach = set()
    for theme in mine.themes:
        reach |= {theme} | broader_themes(network, theme)
    # Themes below any reached theme, however far, share an ancestor with the profile.
    for theme in list(reach):
        reach |= narrower_themes(network, theme)
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
        A network built by :func:`copgraph.graph.network.project`.
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
    scored = []
    for community in _candidates(network, mine):
        score, _ = _weigh(network, mine, profile(network, community), explain=False)
        if score > 0:
            scored.append((-score, _label(network, community), community))
    scored.sort()
    for _, label, community in scored[:limit] if limit is not None else scored:
        score, reasons = score_pair(network, mine, profile(network, community))
        yield Relatedness(community, label, score, tuple(r for _, r in reasons))


def _theme_scores(network: nx.Graph, theme_sets: list[frozenset[str]]) -> np.ndarray:
    """The theme part of the score for every pair of theme sets, by the rules of :func:`score_pair`."""
    total, theme_df, _ = _document_frequencies(network)
    reach = [set(themes).union(*(broader_themes(network, t) for t in themes)) for themes in theme_sets]
    themes = sorted(set().union(*reach)) if reach else []
    reaches = np.array([[t in r for t in themes] for r in reach], dtype=float).reshape(len(reach), len(themes))
    scores = np.zeros((len(theme_sets), len(theme_sets)))
    for column, theme in enumerate(themes):
        direct = np.array([theme in ts for ts in theme_sets])
        shared = np.outer(reaches[:, column], reaches[:, column]).astype(bool)
        # A broader theme counts only where no narrower shared theme explains it, unless both work on it.
        below = [themes.index(t) for t in narrower_themes(network, theme) if t in themes]
        explained = (reaches[:, below] @ reaches[:, below].T > 0) if below else np.zeros_like(shared)
        both = np.outer(direct, direct)
        one = shared & (direct[:, None] | direct[None, :]) & ~both & ~explained
        neither = shared & ~(direct[:, None] | direct[None, :]) & ~explained
        weight = _idf(total, theme_df.get(theme, 1))
        scores += weight * (THEME_BOTH_DIRECT * both + THEME_ONE_INCLUDES_OTHER * one + THEME_COMMON_BROADER * neither)
    return scores


def _incidence(rows: list[frozenset[str]]) -> tuple[scipy.sparse.csr_array, list[str]]:
    """Communities by features (methods, organisations ...): a 1 where a community has a feature."""
    columns = sorted(set().union(*rows))
    index = {feature: i for i, feature in enumerate(columns)}
    row = [r for r, features in enumerate(rows) for _ in features]
    column = [index[f] for features in rows for f in features]
    shape = (len(rows), len(columns))
    return scipy.sparse.csr_array((np.ones(len(row)), (row, column)), shape=shape), columns


def synergies(network: nx.Graph, *, limit: int = 10, block: int = 256) -> dict[str, list[Relatedness]]:
    """For every community, the communities most related to it: what ``related(network, c, limit=limit)``
    gives for each community ``c``, computed in one batch.

    :func:`related` scores one community's candidates one by one, which is fine for one page but takes
    minutes for 10,000 communities. Here every pair is scored at once, ``block`` communities at a time, with
    array products: the theme part once per pair of distinct theme sets (communities with the same themes
    score the same against anyone), methods, organisations and places as products of incidence matrices, the
    other-cohort bonus from a product of cohort incidences. Each community's best few are then scored again
    with their reasons by :func:`score_pair`, so the results are exactly :func:`related`'s.

    >>> g = nx.Graph(broader={})
    >>> for node, kind in [("a", "community"), ("b", "community"), ("falls", "theme")]:
    ...     g.add_node(node, kind=kind, label=node.title(), cohorts=())
    >>> g.add_edges_from([("a", "falls"), ("b", "falls")], relations=("works on",))
    >>> {c: [r.community for r in found] for c, found in synergies(g).items()}
    {'a': ['b'], 'b': ['a']}
    """
    communities = sorted(n for n, kind in network.nodes(data="kind") if kind == "community")
    profiles = [profile(network, c) for c in communities]
    labels = [_label(network, c) for c in communities]
    total, _, method_df = _document_frequencies(network)
    theme_sets = {themes: None for themes in (p.themes for p in profiles)}
    signature = {themes: i for i, themes in enumerate(theme_sets)}
    of_community = np.array([signature[p.themes] for p in profiles], dtype=np.int64)
    themes = _theme_scores(network, list(theme_sets))
    # Each shared method, organisation and place adds its weight: a product of incidences, one side weighted.
    parts = []
    for rows, weight in (
        ([p.methods for p in profiles], lambda method: METHOD_WEIGHT * _idf(total, method_df.get(method, 1))),
        ([p.organisations for p in profiles], lambda organisation: ORGANISATION_WEIGHT),
        (
            [frozenset(x for x in p.places if network.nodes[x].get("nations") != (x,)) for p in profiles],
            lambda place: PLACE_WEIGHT,
        ),
    ):
        plain, columns = _incidence(rows)
        parts.append((plain @ scipy.sparse.diags_array([weight(c) for c in columns]), plain))
    cohorts, _ = _incidence([p.cohorts for p in profiles])
    has_cohort = np.array([bool(p.cohorts) for p in profiles])
    result: dict[str, list[Relatedness]] = {}
    for start in range(0, len(communities), block):
        rows = np.arange(start, min(start + block, len(communities)))
        scores = themes[of_community[rows]][:, of_community]
        for weighted, plain in parts:
            scores += (weighted[rows] @ plain.T).toarray()
        apart = has_cohort[rows, None] & has_cohort[None, :] & ((cohorts[rows] @ cohorts.T).toarray() == 0)
        scores += OTHER_COHORT_BONUS * scores * apart
        scores[np.arange(len(rows)), rows] = 0.0
        # The sums above add the parts in another order than _weigh: keep whatever is within rounding of each
        # community's last place, and let _weigh decide.
        kept = scores > 1e-9
        if 0 < limit < scores.shape[1]:
            last = -np.partition(-scores, limit - 1, axis=1)[:, limit - 1]
            kept &= scores >= last[:, None] - 1e-9
        _, columns = np.nonzero(kept)
        for row, others in zip(rows, np.split(columns, np.cumsum(kept.sum(axis=1))[:-1]), strict=True):
            mine, exact, seen = profiles[row], [], {}
            for other in others if limit else ():
                # Communities alike in everything the score looks at tie: score one of them.
                theirs = profiles[other]
                alike = (
                    theirs.themes,
                    theirs.methods & mine.methods,
                    theirs.places & mine.places,
                    theirs.organisations & mine.organisations,
                    bool(theirs.cohorts) and not theirs.cohorts & mine.cohorts,
                )
                if alike not in seen:
                    seen[alike] = _weigh(network, mine, theirs, explain=False)[0]
                if seen[alike] > 0:
                    exact.append((-seen[alike], labels[other], communities[other], other))
            exact.sort()
            result[communities[row]] = [
                Relatedness(
                    community,
                    label,
                    -score,
                    tuple(r for _, r in score_pair(network, profiles[row], profiles[other])[1]),
                )
                for score, label, community, other in exact[:limit]
            ]
    return result
