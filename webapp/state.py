"""What the app holds for every request (``app.extensions["copgraph"]``): the knowledge graph, prepared once at
start-up, its query workers, and the analyses pages ask for, each computed the first time it is asked for."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import networkx as nx
from flask import abort, current_app

from copgraph.errors import CopgraphError
from copgraph.graph import Entity, KnowledgeGraph, Summary
from copgraph.namespaces import BASE
from copgraph.query.workers import QueryWorkers

if TYPE_CHECKING:  # the analytics import numpy and SciPy: when first used, not at start-up
    from copgraph.analysis.boundaries import Boundaries
    from copgraph.analysis.introductions import Introduction
    from copgraph.analysis.related import Relatedness

#: Who the web app may be shown to (:data:`copgraph.build.privacy.AUDIENCES`).
APP_AUDIENCES = ("public", "programme")

#: How many people's suggestions the boundaries page looks through for those that cross boundaries: everyone
#: up to this many people, a seeded sample of this many beyond.
CROSS_BOUNDARY_PEOPLE = 200


class State:
    """The knowledge graph the app serves, its query workers, and what pages compute from it, once."""

    def __init__(self, graph: KnowledgeGraph, workers: QueryWorkers) -> None:
        self.graph = graph
        self.workers = workers
        self._computed: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    @classmethod
    def open(cls, config, progress: Callable[[str], None] | None = None) -> State:
        """Open the graph the settings name, prepare what every page needs, and start the query workers."""
        say = progress or (lambda step: None)
        audience = config.get("AUDIENCE") or "public"
        if audience not in APP_AUDIENCES:
            raise CopgraphError(
                f"The web app is shown to the public or to the programme team, not to '{audience}'; set "
                f"COPGRAPH_AUDIENCE to {' or '.join(APP_AUDIENCES)} (hidden people are for curators, at the "
                "command line)."
            )
        graph = KnowledgeGraph.open(
            config.get("STORE"),
            data=config.get("DATA"),
            include=config.get("INCLUDE") or (),
            audience=audience,
            progress=progress,
        )
        say("building the network")
        graph.network()
        say("indexing names")
        graph.entities()
        if not graph.spec.persistent:  # a persistent store was given its suggestions when it was built
            say("computing the suggestions (graph:inferred)")
            graph.infer()
        say("counting")
        graph.counts()
        workers = QueryWorkers(
            graph.backend,
            processes=config["QUERY_WORKERS"],
            timeout=config["QUERY_TIMEOUT"],
            max_rows=config["MAX_ROWS"],
            memory_mb=config["QUERY_MEMORY_MB"],
            wait=config["QUERY_WAIT"],
        )
        return cls(graph, workers)

    def close(self) -> None:
        """End the query workers."""
        self.workers.close()

    @property
    def network(self) -> nx.Graph:
        return self.graph.network()

    @property
    def summary(self) -> Summary:
        return self.graph.counts()

    @property
    def audience(self) -> str:
        return self.graph.audience

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time it is asked for; whoever asks meanwhile waits for that answer (and a page
        that needs something else does not)."""
        if name not in self._computed:
            with self._locks_lock:
                lock = self._locks.setdefault(name, threading.Lock())
            with lock:
                if name not in self._computed:
                    self._computed[name] = compute()
        return self._computed[name]

    @property
    def boundaries(self) -> Boundaries:
        from copgraph.analysis.boundaries import boundaries

        return self.once("boundaries", lambda: boundaries(self.network))

    @property
    def related(self) -> dict[str, list[Relatedness]]:
        """Every community's related communities (the synergies page), in one batch."""
        from copgraph.analysis.related import synergies

        return self.once("related", lambda: synergies(self.network))

    def synergy_pairs(self) -> list[tuple[str, str, Relatedness]]:
        """Each pair of related communities once, with its better score, best first."""

        def compute() -> list[tuple[str, str, Relatedness]]:
            pairs: dict[tuple[str, str], tuple[str, str, Relatedness]] = {}
            for community, results in self.related.items():
                for result in results:
                    key = tuple(sorted((community, result.community)))
                    if key not in pairs or result.score > pairs[key][2].score:
                        pairs[key] = (community, result.community, result)
            return sorted(pairs.values(), key=lambda p: (-p[2].score, p[0], p[1]))

        return self.once("synergy_pairs", compute)

    def choices(self, kind: str) -> list[tuple[str, str]]:
        """``(identifier, label)`` of every node of one kind (cohorts, themes ...), by label: a page's filter."""

        def compute() -> list[tuple[str, str]]:
            found = ((n[len(BASE) :], d["label"]) for n, d in self.network.nodes(data=True) if d["kind"] == kind)
            return sorted(found, key=lambda pair: (pair[1], pair[0]))

        return self.once(f"choices-{kind}", compute)

    def cross_boundary(self, most: int = 30) -> list[tuple[str, Introduction]]:
        """The introductions for people that cross the most boundaries, best first, as ``(person, introduction)``:
        from everyone's up to :data:`CROSS_BOUNDARY_PEOPLE` people, from a seeded sample beyond."""

        def compute() -> list[tuple[str, Introduction]]:
            people = sorted(n for n, kind in self.network.nodes(data="kind") if kind == "person")
            if len(people) > CROSS_BOUNDARY_PEOPLE:
                people = sorted(random.Random(42).sample(people, CROSS_BOUNDARY_PEOPLE))
            found = [(p, i) for p in people for i in self.suggestions(p) if i.crosses]
            return sorted(found, key=lambda pair: (-len(pair[1].crosses), -pair[1].score, pair[0]))

        return self.once("cross_boundary", compute)[:most]

    def related_to(self, node: str) -> list[Relatedness]:
        """The communities most related to one entity."""
        from copgraph.analysis.related import related

        if node in self._computed.get("related", {}):
            return self.related[node]
        return self.once(f"related {node}", lambda: list(related(self.network, node, limit=10)))

    def introductions(self, node: str) -> dict[str, list[Introduction]]:
        """The introductions for one person or community, each kind ranked on its own (empty for other kinds)."""
        from copgraph.analysis.introductions import introductions

        if node not in self.network:
            return {}
        return self.once(f"introductions {node}", lambda: introductions(self.network, node))

    def suggestions(self, node: str) -> list[Introduction]:
        """Every introduction for one person or community, of every kind, best first."""
        found = [i for kind in self.introductions(node).values() for i in kind]
        return sorted(found, key=lambda i: (-i.score, i.label, i.target))

    def entity(self, iri: str) -> Entity:
        found = self.graph.entity(iri)
        if found is None:
            abort(
                404, f"Nothing in the graph has the identifier '{iri[len(BASE) :] if iri.startswith(BASE) else iri}'."
            )
        return found


def state() -> State:
    """The current app's state."""
    return current_app.extensions["copgraph"]


def page_url(iri: object) -> str | None:
    """The app's page for an IRI of copgraph's, or None for an outside IRI."""
    text = str(iri)
    return "/" + text[len(BASE) :] if text.startswith(BASE) else None
