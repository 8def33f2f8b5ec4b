"""The theme hierarchy of a network: the themes broader and narrower than a theme, however many steps away.

A network from :func:`copgraph.graph.network.project` carries the hierarchy as
``network.graph["broader"]``: each theme's directly broader themes, from the SKOS vocabulary. The answers are
worked out once per network and kept beside it (never in it), so pages and scores can ask as often as they
like. Pure NetworkX and Python: nothing here needs numpy.

Example
-------
>>> import networkx as nx
>>> g = nx.Graph(broader={"safety": (), "medicines": ("safety",), "polypharmacy": ("medicines",)})
>>> sorted(broader_themes(g, "polypharmacy"))
['medicines', 'safety']
>>> sorted(narrower_themes(g, "safety"))
['medicines', 'polypharmacy']
"""

from __future__ import annotations

import weakref

import networkx as nx

__all__ = ["broader_themes", "narrower_themes"]

_BROADER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NARROWER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def broader_themes(network: nx.Graph, theme: str) -> frozenset[str]:
    """Every theme broader than ``theme``, however many steps up."""
    kept = _BROADER.get(network)
    if kept is None:
        kept = _BROADER.setdefault(network, {})
    if theme not in kept:
        broader = network.graph.get("broader", {})
        seen: set[str] = set()
        frontier = list(broader.get(theme, ()))
        while frontier:
            parent = frontier.pop()
            if parent not in seen:
                seen.add(parent)
                frontier.extend(broader.get(parent, ()))
        kept[theme] = frozenset(seen)
    return kept[theme]


def narrower_themes(network: nx.Graph, theme: str) -> frozenset[str]:
    """Every theme narrower than ``theme``, however many steps down."""
    below = _NARROWER.get(network)
    if below is None:  # made whole before it is kept, so that another thread never sees half of it
        grouped: dict[str, set[str]] = {}
        for child in network.graph.get("broader", {}):
            for parent in broader_themes(network, child):
                grouped.setdefault(parent, set()).add(child)
        below = _NARROWER.setdefault(network, {parent: frozenset(children) for parent, children in grouped.items()})
    return below.get(theme, frozenset())
