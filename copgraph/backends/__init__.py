"""Where the triples live: one small :class:`Backend` interface, three engines behind it.

A store is named by a short text, the global option ``copgraph --store STORE`` or the web app's setting
``COPGRAPH_STORE`` (:class:`StoreSpec`):

``memory`` (the default)
    Oxigraph in memory (:mod:`~copgraph.backends.oxigraph`), built from the data at start-up.
``rdflib``
    rdflib's own in-memory store (:mod:`~copgraph.backends.rdflib_memory`), built the same way; slower, kept
    so that the benchmarks can compare.
``oxigraph:PATH``
    An Oxigraph database in the folder PATH, filled once by ``copgraph --store oxigraph:PATH build`` and then
    reopened, read-only, by any number of processes at once.
``sparql:URL``
    A SPARQL 1.1 server a team already runs (:mod:`~copgraph.backends.sparql_server`), whose default graph is
    the union of its named graphs.

This package is the only place that knows which engine holds the graph, as rdflib's ``Graph`` knows nothing of
the ``Store`` plugin under it: everything above asks a :class:`Backend` for what it needs, in SPARQL or in
N-Triples, and the engine answers in its own fastest way.

Example
-------
>>> spec = StoreSpec.parse("oxigraph:/var/lib/copgraph")
>>> spec.kind, spec.location
('oxigraph', '/var/lib/copgraph')
>>> backend = new_backend(StoreSpec.parse("memory"))
>>> backend.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
[('0',)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, URIRef

from copgraph.errors import CopgraphError
from copgraph.query.answer import Answer

__all__ = ["RDF_FORMATS", "Backend", "StoreSpec", "new_backend", "open_backend"]

#: The RDF files a backend reads, by suffix: (rdflib's format name, Oxigraph's, whether it names its graphs).
RDF_FORMATS = {
    ".trig": ("trig", "TRIG", True),
    ".nq": ("nquads", "N_QUADS", True),
    ".ttl": ("turtle", "TURTLE", False),
    ".nt": ("nt", "N_TRIPLES", False),
}


@dataclass(frozen=True)
class StoreSpec:
    """Which store: its kind (``memory``, ``rdflib``, ``oxigraph`` or ``sparql``) and, for the on-disk and
    server kinds, where it is."""

    kind: str
    location: str | None = None

    @classmethod
    def parse(cls, text: str | StoreSpec | None) -> StoreSpec:
        """Read a store's name as users write it: ``memory``, ``rdflib``, ``oxigraph:PATH`` or ``sparql:URL``."""
        if isinstance(text, StoreSpec):
            return text
        text = (text or "memory").strip()
        kind, _, location = text.partition(":")
        kind = kind.lower()
        if kind in {"memory", "rdflib"} and not location:
            return cls(kind)
        if kind == "oxigraph" and location:
            return cls(kind, location)
        if kind == "sparql" and location.startswith(("http://", "https://")):
            return cls(kind, location)
        raise CopgraphError(
            f"'{text}' is not a store copgraph knows. Use memory (the default), rdflib, oxigraph:PATH "
            "(a folder on disk) or sparql:URL (a SPARQL server, e.g. sparql:http://localhost:7878/query)."
        )

    @property
    def persistent(self) -> bool:
        """Whether the store keeps the graph between runs (and so is filled once, by ``copgraph build``)."""
        return self.kind in {"oxigraph", "sparql"}

    def __str__(self) -> str:
        return self.kind if self.location is None else f"{self.kind}:{self.location}"


class Backend:
    """What copgraph asks of the engine that holds its graph.

    The default graph of every query is the union of the named graphs. Values come back as plain strings
    (:meth:`select`, for copgraph's own queries) or as an :class:`~copgraph.query.answer.Answer` (:meth:`query`,
    for a user's query, already checked by :func:`copgraph.query.check.check`). Writes go into one named graph
    at a time; a read-only backend (an on-disk store opened to read, a SPARQL server) refuses them.
    """

    #: The store this backend is.
    spec: StoreSpec
    #: Where results computed from this store's graph may be kept (see :mod:`copgraph.build.cache`): an
    #: on-disk store's own folder, or the build cache entry an in-memory graph was read from or written to.
    folder: Path | None = None

    @property
    def dataset(self) -> Dataset:
        """The graph as an rdflib Dataset (default graph: the union), for rdflib's own tools: SHACL validation,
        serialisers, ``value()`` and ``objects()`` on a few terms."""
        raise NotImplementedError

    def select(self, text: str) -> list[tuple[str | None, ...]]:
        """The rows of one of copgraph's own SELECT queries, each value as a plain string (an IRI, or a literal's
        lexical form; None where unbound)."""
        raise NotImplementedError

    def query(self, text: str, *, limit: int | None = None) -> Answer:
        """Answer a user's query (checked already), with at most ``limit`` rows; malformed queries and engine
        failures are raised as :class:`CopgraphError` sentences."""
        raise NotImplementedError

    def add(self, graph: URIRef, ntriples: str) -> None:
        """Add triples, written as N-Triples by copgraph itself (from terms it has read, or checked), to one
        named graph."""
        raise NotImplementedError

    def add_selected(self, graph: URIRef, where: str) -> None:
        """Add to a named graph the triples ``?s ?p ?o`` that a SPARQL group pattern (``{ ... }``, one of
        copgraph's own) binds."""
        raise NotImplementedError

    def clear(self, graph: URIRef) -> None:
        """Empty one named graph."""
        raise NotImplementedError

    def graph_names(self) -> list[URIRef]:
        """The names of the named graphs that hold at least one triple."""
        raise NotImplementedError

    def load(self, path: Path, graph: URIRef | None = None) -> None:
        """Read an RDF file (:data:`RDF_FORMATS`) into the store: into ``graph``, or, for TriG and N-Quads, into
        the graphs the file names. A file that is not valid RDF is a :class:`CopgraphError` naming it."""
        raise NotImplementedError

    def remove(self, nodes: Iterable[URIRef], says: Callable[[str], bool] | None = None) -> int:
        """Remove every quad with one of ``nodes`` as its subject or object, and every quad whose object is a
        text (any literal but a type) that ``says`` is true of; return how many went."""
        raise NotImplementedError

    def __len__(self) -> int:
        """How many quads the store holds."""
        raise NotImplementedError

    def dump(self, path: Path) -> None:
        """Write every quad to ``path``, as N-Quads."""
        raise NotImplementedError

    def restore(self, path: Path) -> None:
        """Read back what :meth:`dump` wrote (into an empty store); raise :class:`CopgraphError` if it cannot."""
        self.load(path)

    def in_worker(self) -> Backend:
        """The backend a forked worker process should use (a database handle is not safe to share over fork)."""
        return self

    def close(self) -> None:
        """Let go of what the backend holds open."""


def new_backend(spec: StoreSpec | str | None = None) -> Backend:
    """An empty in-memory backend of the spec's engine: Oxigraph, unless the spec says ``rdflib``."""
    spec = StoreSpec.parse(spec)
    if spec.kind == "rdflib":
        from copgraph.backends.rdflib_memory import RdflibBackend

        return RdflibBackend()
    from copgraph.backends.oxigraph import OxigraphBackend

    return OxigraphBackend.in_memory()


def open_backend(spec: StoreSpec | str) -> Backend:
    """Open a persistent store (``oxigraph:PATH`` or ``sparql:URL``), read-only, as :func:`build` left it."""
    spec = StoreSpec.parse(spec)
    if spec.kind == "oxigraph":
        from copgraph.backends.oxigraph import OxigraphBackend

        return OxigraphBackend.on_disk(Path(spec.location))
    if spec.kind == "sparql":
        from copgraph.backends.sparql_server import SparqlServerBackend

        return SparqlServerBackend(spec.location)
    raise CopgraphError(f"The {spec} store is built at start-up, not opened.")
