"""Related communities, and the shared engine every introduction is scored by: evidence, weighed by how much it
says.

An entity (a community, theme, method, person, organisation or place) has a *profile*: the themes, methods,
places and organisations it is linked to in the network, and how it reaches each theme (a person through their
profession, their role, a session they spoke at or a community). Two profiles share *evidence*, each piece
weighed by how specific it is, since evidence that nearly everyone shares says almost nothing:

- for each theme both reach, its specificity ``idf(t) = log(1 + N / df(t))`` (``N`` communities, ``df(t)`` of
  them working on ``t`` or a narrower theme), weighted by how each side reaches it: 1 when both work on it
  ("Both work on Polypharmacy"), 0.5 when one works on it and the other on a narrower theme, 0.25 when both work
  on narrower themes ("Both are part of Patient safety");
- for each shared method, half its specificity ("Both use Liberating Structures");
- for each shared organisation 0.5, and for each shared place 0.3, each times its specificity among the people
  and communities of the network (``log(1 + M / df) / log(1 + M)``, from 1 for
  an organisation only these two share down to a fraction for the programme's host, whom many share);
  evidence that more than one in twenty of them share (and more than three) is marked as a *hub* and never given
  first;
- a bonus of 10% when the two were brought to different cohorts, which is a boundary worth crossing: context,
  not evidence.

Every piece of evidence is said in a sentence that names both sides. The score is symmetric for two communities,
and adding a theme to both never lowers it.

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
>>> next(related(g, "a")).reasons
('Both work on Polypharmacy.',)
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

__all__ = [
    "Evidence",
    "Profile",
    "Relatedness",
    "candidates",
    "evidence",
    "neighbours",
    "profile",
    "related",
    "score",
    "score_pair",
    "synergies",
]

THEME_BOTH_DIRECT = 1.0
THEME_ONE_INCLUDES_OTHER = 0.5
THEME_COMMON_BROADER = 0.25
METHOD_WEIGHT = 0.5
ORGANISATION_WEIGHT = 0.5
PLACE_WEIGHT = 0.3
OTHER_COHORT_BONUS = 0.1
#: Evidence shared by more than this share of the network's people and communities is a hub: what more than one in
#: twenty of everyone shares (the programme's host, the city it works in) says little about any two of them.
HUB_SHARE = 0.05
#: ... and by more than this many: in a small network, what three share is still specific.
HUB_LEAST = 3


@dataclass(frozen=True)
class Profile:
    """What an entity works on and where: direct themes, methods, places, organisations and cohorts."""

    node: str
    themes: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    cohorts: frozenset[str] = frozenset()
    #: How the entity reaches each theme that is not its own: ``("profession", P)``, ``("role", None)``,
    #: ``("session", S)`` or ``("community", C)``.
    via: dict[str, tuple[str, str | None]] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence that two entities belong together: how much it counts, and a sentence that says it.

    ``hub`` marks evidence that more than :data:`HUB_SHARE` of the network shares (the programme's host, say):
    it counts for little and is never the first reason. ``context`` marks what is not a tie at all (being from
    another cohort).
    """

    weight: float
    sentence: str
    shared: str = ""
    hub: bool = False
    context: bool = False


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


def neighbours(network: nx.Graph, node: str, kind: str) -> set[str]:
    """The neighbours of ``node`` of one kind (a hub's, but for people, kept)."""
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
                themes=frozenset(neighbours(network, node, "theme")),
                methods=frozenset(neighbours(network, node, "method")),
                places=frozenset(neighbours(network, node, "place")),
                organisations=frozenset(neighbours(network, node, "organisation")),
                cohorts=cohorts,
            )
        return kept[node]
    if kind == "person":
        # Every person is a candidate of every community's introductions: their profile is kept too.
        kept = _kept(network, "profiles")
        if node not in kept:
            kept[node] = _person(network, node, cohorts)
        return kept[node]
    themes: dict[str, tuple[str, str | None]] = {}
    organisations: set[str] = set()
    places: set[str] = set()
    if kind == "organisation":
        organisations = {node}
        places = neighbours(network, node, "place")
        for community in sorted(neighbours(network, node, "community")):
            for theme in sorted(neighbours(network, community, "theme")):
                themes.setdefault(theme, ("community", community))
    return Profile(
        node,
        themes=frozenset(themes),
        places=frozenset(places),
        organisations=frozenset(organisations),
        cohorts=cohorts,
        via=themes,
    )


def _person(network: nx.Graph, node: str, cohorts: frozenset[str]) -> Profile:
    """A person's profile: the themes their role names, their professions relate to, and the sessions they spoke
    at and communities they belong to work on (each theme by the first of these ways that reaches it)."""
    themes: dict[str, tuple[str, str | None]] = {}
    methods: set[str] = set()
    organisations = neighbours(network, node, "organisation")
    places: set[str] = set()
    for organisation in organisations:
        places |= neighbours(network, organisation, "place")
    for theme in sorted(neighbours(network, node, "theme")):
        themes.setdefault(theme, ("role", None))
    for profession in sorted(neighbours(network, node, "profession")):
        for theme in sorted(neighbours(network, profession, "theme")):
            themes.setdefault(theme, ("profession", profession))
    for way, kind in (("session", "session"), ("community", "community")):
        for linked in sorted(neighbours(network, node, kind)):
            for theme in sorted(neighbours(network, linked, "theme")):
                themes.setdefault(theme, (way, linked))
            methods |= neighbours(network, linked, "method")
    return Profile(
        node,
        themes=frozenset(themes),
        methods=frozenset(methods),
        places=frozenset(places),
        organisations=frozenset(organisations),
        cohorts=cohorts,
        via=themes,
    )


# Kept beside the network, never in it: the analysis does not change the graph it is given.
_FREQUENCIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class _Frequencies:
    """How many communities reach each theme and use each method; how many people and communities share each
    organisation and place."""

    communities: int
    themes: dict[str, int]
    methods: dict[str, int]
    entities: int
    organisations: dict[str, int]
    places: dict[str, int]


def _frequencies(network: nx.Graph) -> _Frequencies:
    cached = _FREQUENCIES.get(network)
    if cached is not None:
        return cached
    communities = [n for n, kind in network.nodes(data="kind") if kind == "community"]
    people = [n for n, kind in network.nodes(data="kind") if kind == "person"]
    theme_df: dict[str, int] = {}
    method_df: dict[str, int] = {}
    for community in communities:
        reached = set()
        for theme in neighbours(network, community, "theme"):
            reached |= {theme} | broader_themes(network, theme)
        for theme in reached:
            theme_df[theme] = theme_df.get(theme, 0) + 1
        for method in neighbours(network, community, "method"):
            method_df[method] = method_df.get(method, 0) + 1
    organisation_df: dict[str, int] = {}
    place_df: dict[str, int] = {}
    for entity in communities + people:
        held = profile(network, entity)
        for organisation in held.organisations:
            organisation_df[organisation] = organisation_df.get(organisation, 0) + 1
        for place in held.places:
            place_df[place] = place_df.get(place, 0) + 1
    result = _Frequencies(
        len(communities), theme_df, method_df, len(communities) + len(people), organisation_df, place_df
    )
    _FREQUENCIES[network] = result
    return result


def _idf(total: int, frequency: int) -> float:
    return math.log(1 + total / max(frequency, 1))


def _specificity(total: int, frequency: int) -> float:
    """From 1 (shared by one entity) down towards 0 (shared by all): ``idf`` scaled by its largest value."""
    return _idf(total, frequency) / _idf(total, 1) if total > 1 else 1.0


def _organisation_weight(frequencies: _Frequencies, organisation: str) -> float:
    return ORGANISATION_WEIGHT * _specificity(frequencies.entities, frequencies.organisations.get(organisation, 1))


def _place_weight(frequencies: _Frequencies, place: str) -> float:
    return PLACE_WEIGHT * _specificity(frequencies.entities, frequencies.places.get(place, 1))


def _is_hub(frequencies: _Frequencies, frequency: int) -> bool:
    return frequency > max(HUB_SHARE * frequencies.entities, HUB_LEAST)


def score_pair(network: nx.Graph, mine: Profile, theirs: Profile) -> tuple[float, list[tuple[float, str]]]:
    """The score of one profile against another, and the weighted reasons that make it up, strongest first (hub
    evidence last)."""
    score, found = _weigh(network, mine, theirs, explain=True)
    return score, [(e.weight, e.sentence) for e in _ordered(found)]


def score(network: nx.Graph, mine: Profile, theirs: Profile) -> float:
    """The score of one profile against another: what :func:`evidence` adds up, without its sentences."""
    return _weigh(network, mine, theirs, explain=False)[0]


def evidence(network: nx.Graph, mine: Profile, theirs: Profile) -> tuple[float, list[Evidence]]:
    """The score of one profile against another, and the evidence that makes it up, strongest first: evidence
    that is not a hub before hub evidence, context (another cohort) last."""
    score, found = _weigh(network, mine, theirs, explain=True)
    return score, _ordered(found)


def _ordered(found: list[Evidence]) -> list[Evidence]:
    return sorted(found, key=lambda e: (e.context, e.hub, -e.weight, e.sentence))


def _reach(network: nx.Graph, themes: frozenset[str]) -> frozenset[str]:
    """The themes and every theme broader than them: what a set of themes reaches (kept per set)."""
    kept = _kept(network, "reach")
    if themes not in kept:
        kept[themes] = themes.union(*(broader_themes(network, t) for t in themes))
    return kept[themes]


def _way(network: nx.Graph, side: Profile, theme: str, name: str) -> str:
    """How one side reaches a theme, as a sentence's clause: "Phil Southworth works in Pharmacy, which relates to
    Medicines optimisation"."""
    who = _label(network, side.node)
    way, through = side.via.get(theme, ("own", None))
    if way == "profession":
        return f"{who}'s profession, {_label(network, through)}, relates to {name}"
    if way == "role":
        return f"{who}'s job title or biography is about {name}"
    if way == "session":
        return f"{who} spoke at {_label(network, through)}, which was about {name}"
    if way == "community":
        return f"{who} is part of {_label(network, through)}, which works on {name}"
    return f"{who} works on {name}"


def _both(network: nx.Graph, mine: Profile, theirs: Profile, theme: str, name: str) -> str:
    """The sentence for a theme both sides reach."""
    if theme not in mine.via and theme not in theirs.via:
        return f"Both work on {name}."
    if theme in theirs.via and theme not in mine.via:
        return f"{_way(network, theirs, theme, name)}; {_label(network, mine.node)} works on it too."
    if theme in mine.via and theme not in theirs.via:
        return f"{_way(network, mine, theme, name)}; {_label(network, theirs.node)} works on it too."
    return f"{_way(network, mine, theme, name)}; {_way(network, theirs, theme, name)}."


def _weigh(network: nx.Graph, mine: Profile, theirs: Profile, *, explain: bool) -> tuple[float, list[Evidence]]:
    """The score and the evidence that makes it up, with its sentences when ``explain`` (the sentences cost more
    than the score: :func:`related` writes them only for the communities it returns). The parts are added in the
    same order either way, so the score is the same to the last bit."""
    frequencies = _frequencies(network)
    total, theme_df, method_df = frequencies.communities, frequencies.themes, frequencies.methods
    label = (lambda node: _label(network, node)) if explain else (lambda node: "")
    found: list[Evidence] = []
    shared = _reach(network, mine.themes) & _reach(network, theirs.themes)
    # A broader theme both reach only counts where no narrower shared theme already explains it.
    explained = set().union(*(broader_themes(network, t) for t in shared)) if shared else set()
    mine_name, their_name = label(mine.node), label(theirs.node)
    for theme in sorted(shared):
        mine_direct, their_direct = theme in mine.themes, theme in theirs.themes
        weight = _idf(total, theme_df.get(theme, 1))
        name = label(theme)
        if mine_direct and their_direct:
            why = _both(network, mine, theirs, theme, name) if explain else ""
            found.append(Evidence(THEME_BOTH_DIRECT * weight, why, theme))
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
                    why = f"{mine_name} works on {name}; {their_name} works on {names}, part of it."
                else:
                    why = f"{their_name} works on {name}; {mine_name} works on {names}, part of it."
            found.append(Evidence(THEME_ONE_INCLUDES_OTHER * weight, why, theme))
        else:
            found.append(Evidence(THEME_COMMON_BROADER * weight, f"Both are part of {name}." if explain else "", theme))
    for method in sorted(mine.methods & theirs.methods):
        weight = METHOD_WEIGHT * _idf(total, method_df.get(method, 1))
        found.append(Evidence(weight, f"Both use {label(method)}." if explain else "", method))
    for organisation in sorted(mine.organisations & theirs.organisations):
        hub = _is_hub(frequencies, frequencies.organisations.get(organisation, 1))
        why = f"Both involve {label(organisation)}." if explain else ""
        found.append(Evidence(_organisation_weight(frequencies, organisation), why, organisation, hub=hub))
    for place in sorted(mine.places & theirs.places):
        hub = _is_hub(frequencies, frequencies.places.get(place, 1))
        why = f"Both are in {label(place)}." if explain else ""
        found.append(Evidence(_place_weight(frequencies, place), why, place, hub=hub))
    score = sum(e.weight for e in found)
    if score > 0 and mine.cohorts and theirs.cohorts and not (mine.cohorts & theirs.cohorts):
        bonus = OTHER_COHORT_BONUS * score
        why = ""
        if explain:
            names = ", ".join(sorted(label(c) for c in theirs.cohorts))
            why = f"{their_name} comes from another cohort ({names}): a boundary worth crossing."
        found.append(Evidence(bonus, why, context=True))
        score += bonus
    return score, found


def candidates(network: nx.Graph, mine: Profile, kind: str = "community") -> set[str]:
    """Entities of ``kind`` (communities, people or themes) that share anything scoreable with the profile: a
    bounded neighbourhood, never all pairs."""
    themes = set()
    for theme in mine.themes:
        themes |= {theme} | broader_themes(network, theme)
    # Themes below any reached theme, however far, share an ancestor with the profile.
    for theme in list(themes):
        themes |= narrower_themes(network, theme)
    if kind == "theme":
        return themes - mine.themes
    anchors = themes | mine.methods | mine.organisations | mine.places
    if kind == "person":  # people reach themes through professions and sessions, places through organisations
        for anchor in themes | mine.methods:
            anchors |= neighbours(network, anchor, "profession") | neighbours(network, anchor, "session")
        for place in mine.places:
            anchors |= neighbours(network, place, "organisation")
    return {
        other
        for anchor in anchors
        if anchor in network
        for other in network.adj[anchor]
        if network.nodes[other].get("kind") == kind
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
    for community in candidates(network, mine):
        score, _ = _weigh(network, mine, profile(network, community), explain=False)
        if score > 0:
            scored.append((-score, _label(network, community), community))
    scored.sort()
    for _, label, community in scored[:limit] if limit is not None else scored:
        score, reasons = score_pair(network, mine, profile(network, community))
        yield Relatedness(community, label, score, tuple(r for _, r in reasons))


def _theme_scores(network: nx.Graph, theme_sets: list[frozenset[str]]) -> np.ndarray:
    """The theme part of the score for every pair of theme sets, by the rules of :func:`score_pair`."""
    frequencies = _frequencies(network)
    total, theme_df = frequencies.communities, frequencies.themes
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
    frequencies = _frequencies(network)
    total, method_df = frequencies.communities, frequencies.methods
    theme_sets = {themes: None for themes in (p.themes for p in profiles)}
    signature = {themes: i for i, themes in enumerate(theme_sets)}
    of_community = np.array([signature[p.themes] for p in profiles], dtype=np.int64)
    themes = _theme_scores(network, list(theme_sets))
    # Each shared method, organisation and place adds its weight: a product of incidences, one side weighted.
    parts = []
    for rows, weight in (
        ([p.methods for p in profiles], lambda method: METHOD_WEIGHT * _idf(total, method_df.get(method, 1))),
        ([p.organisations for p in profiles], lambda organisation: _organisation_weight(frequencies, organisation)),
        ([p.places for p in profiles], lambda place: _place_weight(frequencies, place)),
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
