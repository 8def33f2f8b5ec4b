"""What the app computes once at start-up and shares between requests (``app.extensions["copgraph"]``)."""

from __future__ import annotations

import atexit
import gc
import os
import random
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx
from flask import abort, current_app
from rdflib import Dataset, URIRef

from copgraph import buildcache
from copgraph.alongside import Alongside, alongside
from copgraph.analysis.projection import project
from copgraph.build import load
from copgraph.cache import cached, remember, version
from copgraph.errors import CopgraphError
from copgraph.lookup import Entity, Index, entities, index, use_index
from copgraph.namespaces import BASE
from copgraph.stats import Summary, summarise
from copgraph.store import StoreSpec
from copgraph.workers import QueryWorkers

if TYPE_CHECKING:  # the analytics import numpy and SciPy (0.2 s): when first used, not at start-up
    from copgraph.analysis.boundaries import Boundaries
    from copgraph.analysis.related import Relatedness
    from copgraph.analysis.suggest import Suggestion

#: Who the web app may be shown to (:data:`copgraph.privacy.AUDIENCES`).
APP_AUDIENCES = ("public", "programme")

#: Above this many nodes in the network, what the boundaries and synergies pages need is computed in the
#: background as soon as the app starts (seconds at 10,000 people), so that their first visitor need not wait.
WARM_ABOVE = 5000

#: How many people's suggestions the boundaries page looks through for those that cross boundaries: everyone
#: up to this many people, a seeded sample of this many beyond (each costs tens of milliseconds).
CROSS_BOUNDARY_PEOPLE = 200


@dataclass
class State:
    """The loaded graph and everything derived from it that pages need."""

    graph: Dataset
    network: nx.Graph
    summary: Summary
    workers: QueryWorkers
    by_iri: dict[URIRef, Entity]
    audience: str = "public"
    #: Keeping a graph just built, and what was computed from it, in the build cache (None: nothing to keep).
    keeping: threading.Thread | None = None
    _suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)
    _related: dict[str, list[Relatedness]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _computed: dict[str, object] = field(default_factory=dict)
    _computing: dict[str, threading.RLock] = field(default_factory=dict)  # a lock per computation
    _computing_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, config, progress=None) -> State:
        """Load the graph the settings name and compute what every page needs; ``progress`` is told each step."""
        say = progress or (lambda step: None)
        spec = StoreSpec.parse(config.get("STORE"))
        include = config.get("INCLUDE") or ()
        if isinstance(include, str):
            include = [path for path in include.split(os.pathsep) if path]
        audience = config.get("AUDIENCE") or "public"
        if audience not in APP_AUDIENCES:
            raise CopgraphError(
                f"The web app is shown to the public or to the programme team, not to '{audience}'; set "
                f"COPGRAPH_AUDIENCE to {' or '.join(APP_AUDIENCES)} (hidden people are for curators, at the "
                "command line)."
            )
        graph = load(config.get("DATA"), store=spec, include=include, audience=audience, progress=progress, keep=False)
        # A graph just built in memory is counted and indexed in a forked copy of this process, on the other
        # core, while this one builds the network (copgraph.alongside: only while the app is small enough for a
        # copy); that copy then keeps the graph in the build cache, and what was computed from it is kept beside
        # it once that is done, after start-up (see keep_in_cache).
        counting, keeping = None, None
        entry = buildcache.unkept(graph)
        if spec.kind == "memory" and version(graph) is None:
            app = os.getpid()

            def count() -> tuple[Summary, Index]:
                # With a thread of its own for the triples only here: in a copy, the other core is taken.
                return summarise(graph, overlap=os.getpid() == app), index(graph)

            def keep() -> str | None:
                return graph.store.keep if buildcache.write(entry, graph) else None

            with alongside(count, afterwards=keep if entry else None) as counting:
                say("building the network" + (" (counting and indexing alongside)" if counting.forked else ""))
                network = project(graph)
                say("counting and indexing")
                counted, built_index = counting.result()
            use_index(graph, built_index)
        else:
            say("building the network")
            network = cached(graph, "network", lambda: project(graph))
            say("counting and indexing")
        from copgraph.analysis.materialise import materialise

        written = 0 if spec.persistent else materialise(graph, network)  # a persistent store was given its own
        # The counts include the suggestions just written (for a network small enough to have them all), which
        # the command line's counts of a build cache entry do not: kept under a name of their own.
        if counting is None:
            summary = cached(
                graph, "summary" if spec.persistent else "summary-with-suggestions", lambda: summarise(graph)
            )
        else:
            summary = summarise(graph) if written else counted
            kept = {
                "network": _unchanging(network),
                "lookup-index": built_index,
                "summary": counted,
                "summary-with-suggestions": summary,
            }
            if counting.forked and entry is not None:
                keeping = threading.Thread(target=keep_in_cache, args=(graph, counting, kept), name="copgraph-keep")
                keeping.start()  # not a daemon: the app leaves no entry half-kept when it stops
            else:
                # Here and now, before the query workers are forked: a fork while Oxigraph writes out the graph
                # in another thread could leave a worker waiting forever on a lock held by that thread.
                if entry is not None:
                    say("keeping the graph in the build cache")
                keep_in_cache(graph, counting, kept)
        workers = QueryWorkers(
            graph,
            processes=config["QUERY_WORKERS"],
            timeout=config["QUERY_TIMEOUT"],
            max_rows=config["MAX_ROWS"],
            memory_mb=config["QUERY_MEMORY_MB"],
        )
        atexit.register(workers.close)
        built = cls(graph, network, summary, workers, {e.iri: e for e in entities(graph)}, audience, keeping)
        if network.number_of_nodes() > WARM_ABOVE:
            threading.Thread(target=built.warm, name="copgraph-warm", daemon=True).start()
        return built

    def once(self, name: str, compute):
        """``compute()`` the first time it is asked for; whoever asks meanwhile waits for that answer."""
        if name not in self._computed:
            # A lock of its own, so that a page needing something quick never waits behind the minutes of
            # background work (boundaries at national size); reentrant, so that one computation may use another.
            with self._computing_lock:
                lock = self._computing.setdefault(name, threading.RLock())
            with lock:
                if name not in self._computed:
                    self._computed[name] = compute()
        return self._computed[name]

    def warm(self) -> None:
        """Compute what the boundaries and synergies pages need, if it is not computed yet, and import what the
        explore page draws with (which start-up leaves out); then leave all of it out of Python's collections.

        The app keeps what it computed until it stops, and Python's collector would otherwise look through all
        of it now and then, at whichever request came at the time: one such look took 65-74 ms at 10,000 people
        and 554-641 ms at 100,000 (1.1 million objects).
        Frozen (:func:`gc.freeze`), it is still freed when nothing refers to it any more; only reference cycles
        among it would stay, and the app keeps it all anyway.
        """
        import igraph  # noqa: F401
        import pyvis.network  # noqa: F401

        self.boundaries  # noqa: B018 (computed and kept)
        self.related  # noqa: B018
        self.synergy_pairs()
        self.cross_boundary()
        if self.keeping is not None:
            self.keeping.join()  # it unfreezes what it froze for its fork when it ends
        gc.freeze()

    @property
    def boundaries(self) -> Boundaries:
        from copgraph.analysis.boundaries import boundaries

        return self.once("boundaries", lambda: boundaries(self.network))

    @property
    def related(self) -> dict[str, list[Relatedness]]:
        """Every community's related communities (the synergies page): one batch, under a second at 10,000
        people; an on-disk store keeps it beside the store, computed once per build."""
        from copgraph.analysis.related import synergies

        return self.once("related", lambda: cached(self.graph, "synergies", lambda: synergies(self.network)))

    def synergy_pairs(self) -> list[tuple[str, str, Relatedness]]:
        """Each pair of related communities once, with its better score, best first: paired up once, not on
        every visit to the synergies page (a second at 100,000 people)."""

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

    def cross_boundary(self, most: int = 30) -> list[tuple[str, Suggestion]]:
        """The suggestions for people that cross the most boundaries, best first, as ``(person, suggestion)``:
        from everyone's suggestions up to :data:`CROSS_BOUNDARY_PEOPLE` people, from a seeded sample of that
        many people beyond."""

        def compute() -> list[tuple[str, Suggestion]]:
            people = sorted(n for n, kind in self.network.nodes(data="kind") if kind == "person")
            if len(people) > CROSS_BOUNDARY_PEOPLE:
                people = sorted(random.Random(42).sample(people, CROSS_BOUNDARY_PEOPLE))
            found = [(p, s) for p in people for s in self.suggestions(p) if s.crosses]
            return sorted(found, key=lambda pair: (-len(pair[1].crosses), -pair[1].score, pair[0]))

        return self.once("cross_boundary", compute)[:most]

    def related_to(self, node: str) -> list[Relatedness]:
        """The communities most related to one entity, computed when first asked for (or taken from
        :attr:`related`, if that is computed already)."""
        from copgraph.analysis.related import related

        if node in self._computed.get("related", {}):
            return self.related[node]
        with self._lock:
            if node not in self._related:
                self._related[node] = list(related(self.network, node, limit=10))
            return self._related[node]

    def suggestions(self, node: str, limit: int = 10) -> list[Suggestion]:
        from copgraph.analysis.suggest import suggest

        with self._lock:
            if node not in self._suggestions:
                self._suggestions[node] = list(suggest(self.network, node, limit=limit))
            return self._suggestions[node]

    def entity(self, iri: str) -> Entity:
        found = self.by_iri.get(URIRef(iri))
        if found is None:
            abort(
                404, f"Nothing in the graph has the identifier '{iri[len(BASE) :] if iri.startswith(BASE) else iri}'."
            )
        return found


def _unchanging(network: nx.Graph) -> nx.Graph:
    """The same network (the very same nodes and edges) in a graph object that nothing else uses, for keeping in
    the build cache while other threads read the network: reading a NetworkX graph adds to it (its views are
    made on first use), and pickling a graph whose attributes change meanwhile fails."""
    same = nx.Graph.__new__(type(network))
    same.__dict__.update(graph=network.graph, _node=network._node, _adj=network._adj, __networkx_cache__={})
    return same


def keep_in_cache(graph: Dataset, counting: Alongside, computed: dict[str, object]) -> None:
    """Once the forked copy that counted ``graph`` has kept it in the build cache (if it was to), keep what was
    computed from it beside it (each value under its name), so that the next start reads them all."""
    try:
        kept = counting.afterwards()
    except CopgraphError:
        return  # the cache is a convenience: the next start builds again
    if kept is not None:
        graph.store.keep, graph.store.unkept = kept, None
        for name, value in computed.items():
            remember(graph, name, value)


def state() -> State:
    """The current app's state."""
    return current_app.extensions["copgraph"]


def page_url(iri: object) -> str | None:
    """The app's page for an IRI of copgraph's, or None for an outside IRI."""
    text = str(iri)
    return "/" + text[len(BASE) :] if text.startswith(BASE) else None
