"""Offline evaluation: how well does each scoring method recover links we hide?

A fraction of the community-theme links ("works on") is hidden; for each hidden link the community's
candidate themes are ranked by each method of :mod:`copgraph.analysis.suggest` and by the evidence that
introductions are scored by (:func:`copgraph.analysis.introductions.ranked`), and we record where the hidden
theme lands. Reported per method, averaged over several seeded splits:

- ``mrr``: mean reciprocal rank of the hidden theme (1 when always first, 0 when never found);
- ``precision_at_k``: the share of the top ``k`` that are hidden links of that community;
- ``hits_at_k``: the share of hidden links found in the top ``k``.

Same network and seeds, same numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import networkx as nx

from copgraph.analysis.introductions import ranked as ranked_by_evidence
from copgraph.analysis.suggest import METHODS, suggest

__all__ = ["Score", "evaluate", "fresh_copy"]


@dataclass(frozen=True)
class Score:
    """One method's result over all splits."""

    method: str
    mrr: float
    precision_at_k: float
    hits_at_k: float
    hidden_links: int


def fresh_copy(network: nx.Graph) -> nx.Graph:
    """A copy of the network to change (the analysis caches per network object, so a copy starts afresh)."""
    return network.copy()


def _theme_links(network: nx.Graph) -> list[tuple[str, str]]:
    return sorted(
        (u, v) if network.nodes[u]["kind"] == "community" else (v, u)
        for u, v, relations in network.edges(data="relations")
        if "works on" in relations
        and {network.nodes[u].get("kind"), network.nodes[v].get("kind")} == {"community", "theme"}
    )


def evaluate(
    network: nx.Graph, *, fraction: float = 0.2, seeds: tuple[int, ...] = (0, 1, 2, 3, 4), k: int = 5
) -> list[Score]:
    """Score every method of :data:`~copgraph.analysis.suggest.METHODS`, and ``evidence``, on hidden
    community-theme links."""
    links = _theme_links(network)
    methods = (*METHODS, "evidence")
    totals = {m: {"rr": 0.0, "precision": 0.0, "hits": 0, "queries": 0, "hidden": 0} for m in methods}
    for seed in seeds:
        hidden = random.Random(seed).sample(links, max(1, round(fraction * len(links))))
        trimmed = fresh_copy(network)
        trimmed.remove_edges_from(hidden)
        by_community: dict[str, set[str]] = {}
        for community, theme in hidden:
            by_community.setdefault(community, set()).add(theme)
        for method in methods:
            total = totals[method]
            for community, themes in sorted(by_community.items()):
                if method == "evidence":
                    ranked = [theme for _, theme in ranked_by_evidence(trimmed, community, "theme")]
                else:
                    found = suggest(trimmed, community, kinds=("theme",), method=method, boundary_bonus=0)
                    ranked = [s.target for s in found]
                top = ranked[:k]
                total["precision"] += len(set(top) & themes) / k
                total["queries"] += 1
                for theme in sorted(themes):
                    total["hidden"] += 1
                    if theme in ranked:
                        total["rr"] += 1 / (ranked.index(theme) + 1)
                    total["hits"] += theme in top
    return [
        Score(
            method,
            mrr=t["rr"] / t["hidden"],
            precision_at_k=t["precision"] / t["queries"],
            hits_at_k=t["hits"] / t["hidden"],
            hidden_links=t["hidden"],
        )
        for method, t in totals.items()
    ]
