"""The knowledge graph: the one object that commands, the web app and analyses hold.

A :class:`KnowledgeGraph` holds a :class:`~copgraph.backends.Backend` (where the triples live) and the audience
it was built for, and offers what callers need: user queries (:meth:`~KnowledgeGraph.query`), copgraph's own
(:meth:`~KnowledgeGraph.select`), entities by name (:meth:`~KnowledgeGraph.lookup`) and everything known about
one (:meth:`~KnowledgeGraph.describe`), the network the analyses work on (:meth:`~KnowledgeGraph.network`), the
counts (:meth:`~KnowledgeGraph.counts`) and the analytics' suggestions as RDF (:meth:`~KnowledgeGraph.infer`).

The graph does not change once opened, so what is computed from it (the network, the lookup index, the counts)
is computed once, kept on the object, and, where the graph has a folder (an on-disk store, or a build cache
entry), kept beside it for the next start (:func:`copgraph.build.cache.kept`).

Example
-------
>>> graph = KnowledgeGraph.open()
>>> graph.lookup("SEL Polypharmacy").label
'SEL Polypharmacy Community of Practice'
>>> graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?cohort a cop:Cohort }").rows[0][0].toPython()
2
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx
from rdflib import Dataset, URIRef

from copgraph.backends import Backend, StoreSpec
from copgraph.build import cache, open_backend_for
from copgraph.build.privacy import AUDIENCES
from copgraph.errors import CopgraphError
from copgraph.graph.counts import Summary, summarise
from copgraph.graph.lookup import Entity, Fact, Index, build_index, describe, display_label, find
from copgraph.graph.network import project
from copgraph.query.answer import Answer
from copgraph.query.check import check
from copgraph.query.workers import run_once

__all__ = ["Entity", "Fact", "KnowledgeGraph", "Summary"]

Progress = Callable[[str], None]


class KnowledgeGraph:
    """The knowledge graph of communities, people and ideas, over one backend, for one audience.

    Parameters
    ----------
    backend : Backend
        Where the triples live (:mod:`copgraph.backends`).
    audience : str
        Who it was built for (:data:`copgraph.build.privacy.AUDIENCES`): ``curators`` see everyone, the
        ``programme`` team public and programme people, the ``public`` public people only.
    """

    def __init__(self, backend: Backend, audience: str = "curators") -> None:
        if audience not in AUDIENCES:
            raise CopgraphError(f"Unknown audience '{audience}'; choose one of {', '.join(AUDIENCES)}.")
        self.backend = backend
        self.audience = audience
        self._lock = threading.RLock()
        self._index: Index | None = None
        self._by_iri: dict[URIRef, Entity] | None = None
        self._network: nx.Graph | None = None
        self._counts: Summary | None = None
        self._inferred = False

    @classmethod
    def open(
        cls,
        store: StoreSpec | str | None = None,
        *,
        data: Path | str | None = None,
        include: Sequence[Path | str] = (),
        audience: str = "curators",
        progress: Progress | None = None,
    ) -> KnowledgeGraph:
        """Build the graph, or open it.

        Parameters
        ----------
        store : str, optional
            ``memory`` (the default) and ``rdflib`` are built now, from the files (the default store from the
            build cache when they have not changed); ``oxigraph:PATH`` and ``sparql:URL`` are opened as
            ``copgraph build`` left them.
        data : path, optional
            A folder laid out like the project's ``data/``; defaults to the data shipped with copgraph.
        include : paths, optional
            More RDF files to load beside the data (TriG, N-Quads, Turtle, N-Triples), for the in-memory stores.
        audience : str, optional
            Who will see it; for ``programme`` and ``public`` the people they may not see are taken out before
            anything else is computed. A persistent store must have been built for the audience.
        progress : callable, optional
            Told each step as it starts (a sentence), for long loads.

        Raises
        ------
        CopgraphError
            When a file is missing, unreadable or not valid RDF (the message names the file and line), or a
            persistent store has not been built, or was built for a wider audience than ``audience``.
        """
        if audience not in AUDIENCES:
            raise CopgraphError(f"Unknown audience '{audience}'; choose one of {', '.join(AUDIENCES)}.")
        return cls(open_backend_for(store, data, include, audience, progress), audience)

    @property
    def spec(self) -> StoreSpec:
        """Which store holds the graph."""
        return self.backend.spec

    @property
    def dataset(self) -> Dataset:
        """The graph as an rdflib Dataset, for rdflib's own tools (validation, serialisers)."""
        return self.backend.dataset

    def query(self, text: str, *, limit: int | None = None, timeout: float | None = None) -> Answer:
        """Answer a user's SPARQL query: checked first (:func:`copgraph.query.check.check`), then run on the
        store's engine, with at most ``limit`` rows; within ``timeout`` seconds, when given, in a worker process
        that is stopped at the limit. Problems are :class:`CopgraphError` sentences."""
        check(text)
        if timeout is not None:
            return run_once(self.backend, text, limit=limit, timeout=timeout)
        return self.backend.query(text, limit=limit)

    def select(self, text: str) -> list[tuple[str | None, ...]]:
        """The rows of one of copgraph's own SELECT queries, every value a plain string (None where unbound)."""
        return self.backend.select(text)

    def index(self) -> Index:
        """Every entity users can look up, and each by its names (see :mod:`copgraph.graph.lookup`)."""
        with self._lock:
            if self._index is None:
                self._index = cache.kept(self.backend.folder, "lookup-index", lambda: build_index(self.backend))
            return self._index

    def entities(self) -> tuple[Entity, ...]:
        """Every entity users can look up, sorted by kind and label."""
        return self.index()[0]

    def lookup(self, name: str, *, kind: str | None = None) -> Entity:
        """The one entity a name (a label, an alias, an identifier, or close to one) refers to; a name that
        fits none, or several, is a :class:`CopgraphError` saying what may have been meant."""
        return find(self.index(), name, kind=kind)

    def entity(self, iri: str | URIRef) -> Entity | None:
        """The entity with this IRI, or None."""
        with self._lock:
            if self._by_iri is None:
                self._by_iri = {entity.iri: entity for entity in self.entities()}
        return self._by_iri.get(URIRef(iri))

    def describe(self, entity: Entity) -> list[Fact]:
        """Everything the graph states or derives about an entity, each fact with its source."""
        return describe(self.dataset, entity)

    def label(self, term: object) -> str:
        """How a reader should see a term: its label, a post as "title, organisation", a quote's opening words."""
        return display_label(self.dataset, term)

    def network(self) -> nx.Graph:
        """The network of people, organisations, communities, cohorts, sessions, themes, methods, professions
        and places that the analyses work on (:mod:`copgraph.graph.network`)."""
        with self._lock:
            if self._network is None:
                self._network = cache.kept(self.backend.folder, "network", lambda: project(self.backend))
            return self._network

    def counts(self) -> Summary:
        """The graph in numbers: entities by kind, and by cohort, sector and nation."""
        with self._lock:
            if self._counts is None:
                name = "counts-with-suggestions" if self._inferred else "counts"
                self._counts = cache.kept(self.backend.folder, name, lambda: summarise(self.backend, self.entities()))
            return self._counts

    def infer(self) -> int:
        """Write the analytics' suggestions into ``graph/inferred``, with PROV (:mod:`copgraph.graph.inferred`);
        return how many. Only for a graph in memory, or one being built."""
        from copgraph.graph.inferred import materialise  # the analyses import numpy and SciPy: only when used

        with self._lock:
            written = materialise(self.backend, self.network())
            self._counts, self._inferred = None, True  # the suggestions are counted too
            return written
