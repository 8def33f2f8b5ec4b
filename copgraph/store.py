"""Where the graph lives: the stores copgraph builds into and reads from, behind one interface.

A store is named by a short text: the global option ``copgraph --store STORE`` or the web app's setting
``COPGRAPH_STORE``.

``memory`` (the default)
    Oxigraph in memory (pyoxigraph, through oxrdflib so the library keeps rdflib's API), built from the data
    at start-up. Queries run on Oxigraph's engine, 10 to 60 times faster than rdflib's (``bench/``).
``rdflib``
    rdflib's own in-memory store, built the same way. Slower; kept so the benchmarks can compare.
``oxigraph:PATH``
    An Oxigraph database in the folder PATH, filled once by ``copgraph --store oxigraph:PATH build`` and then
    reopened, read-only, in a fraction of a second, by any number of processes at once.
``sparql:URL``
    A SPARQL 1.1 server a team already runs (Oxigraph server, Apache Jena Fuseki, GraphDB, Virtuoso), whose
    default graph is the union of its named graphs. Its update endpoint is ``COPGRAPH_SPARQL_UPDATE_URL`` (by
    default the query URL with ``/query`` replaced by ``/update``); ``COPGRAPH_SPARQL_USER`` and
    ``COPGRAPH_SPARQL_PASSWORD`` give HTTP Basic credentials.

Whatever the store, the library works on an rdflib :class:`~rdflib.Dataset` whose default graph is the union of
its named graphs, and user queries reach the store's own engine only through :func:`copgraph.sparql.run`.

Example
-------
>>> spec = StoreSpec.parse("oxigraph:/var/lib/copgraph")
>>> spec.kind, spec.location
('oxigraph', '/var/lib/copgraph')
>>> dataset = new_dataset(StoreSpec.parse("memory"))
>>> engine(dataset)
'oxigraph'
"""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from copgraph.errors import CopgraphError
from copgraph.namespaces import bind_prefixes

__all__ = [
    "XSD_STRING",
    "Adding",
    "StoreSpec",
    "add_ntriples",
    "add_triples",
    "clear_graph",
    "engine",
    "from_ox",
    "graph_names",
    "new_dataset",
    "open_dataset",
    "reopen_in_worker",
]


@dataclass(frozen=True)
class StoreSpec:
    """Which store: its kind (``memory``, ``rdflib``, ``oxigraph`` or ``sparql``) and, for the on-disk and
    server kinds, where it is."""

    kind: str
    location: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> StoreSpec:
        """Read a store's name as users write it: ``memory``, ``rdflib``, ``oxigraph:PATH`` or ``sparql:URL``."""
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


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> object:
    """An Oxigraph term as an rdflib term; a plain string stays a plain literal (no ``^^xsd:string``)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise CopgraphError(f"The store returned a term copgraph cannot read: {term!r}.")


#: The datatype of a plain string, as text: Oxigraph gives every plain literal this datatype.
XSD_STRING = str(XSD.string)


class _Oxigraph(OxigraphStore):
    """oxrdflib's store, made to behave like rdflib's own where the library relies on it.

    A triple stated in two named graphs is one triple of the union (rdflib's memory store says so; oxrdflib
    returns it once per graph), and a plain string comes back as a plain literal.
    """

    def __init__(self, store: ox.Store | None = None, path: str | None = None) -> None:
        super().__init__(store=store)
        #: The folder of an on-disk store; None in memory.
        self.path = path
        #: Where results computed from this store are kept (:mod:`copgraph.cache`): an on-disk store's own
        #: folder, or the build cache entry an in-memory store was read from or written to; None for none.
        self.keep = path

    def triples(self, triple_pattern, context=None) -> Iterator:
        pattern = _pattern(triple_pattern, context)
        if pattern is None:
            return iter(())
        quads = self._inner.quads_for_pattern(*pattern)
        if pattern[3] is not None:
            return (((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)), iter((context,))) for q in quads)
        graphs: dict[ox.Triple, list] = {}
        for quad in quads:
            graphs.setdefault(quad.triple, []).append(quad.graph_name)
        return (
            (
                (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)),
                iter([self._graph(g) for g in names]),
            )
            for t, names in graphs.items()
        )

    def addN(self, quads) -> None:
        # oxrdflib's addN converts each term through a general converter and then adds every quad a second
        # time to dispatch rdflib events nobody listens to: 4 s for the 150,000 quads of a build at 10,000 people.
        self._inner.extend([ox.Quad(_ox(s), _ox(p), _ox(o), _ox_graph(g)) for s, p, o, g in quads])

    def add_graph(self, graph: Graph) -> None:
        # rdflib calls this on every dataset.graph(name), even for a graph that exists. A write to an in-memory
        # Oxigraph store waits for every open iterator, so writing here inside a loop over the dataset's
        # graphs would wait for ever: only write when the graph is new.
        name = ox.NamedNode(graph.identifier) if isinstance(graph.identifier, URIRef) else None
        if name is None or not self._inner.contains_named_graph(name):
            super().add_graph(graph)

    def _graph(self, name) -> Graph:
        identifier = DATASET_DEFAULT_GRAPH_ID if isinstance(name, ox.DefaultGraph) else from_ox(name)
        return Graph(store=self, identifier=identifier)


def _ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term (or a subclass of one, such as rdflib's Genid) as an Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, Literal):
        datatype = ox.NamedNode(term.datatype) if term.datatype else None
        return ox.Literal(str(term), language=term.language, datatype=datatype)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    raise TypeError(f"not an RDF term: {term!r}")


def _ox_graph(graph) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    identifier = getattr(graph, "identifier", graph)
    return ox.DefaultGraph() if identifier in (None, DATASET_DEFAULT_GRAPH_ID) else _ox(identifier)


def _pattern(triple_pattern, context) -> tuple | None:
    graph = getattr(context, "identifier", context)
    if isinstance(triple_pattern[0], Literal) or isinstance(triple_pattern[1], (Literal, BNode)):
        return None  # a pattern no quad can match: a literal subject, a literal or blank predicate
    try:
        s, p, o = (None if t is None else _ox(t) for t in triple_pattern)
        g = None if graph is None or graph == "__UNION__" else _ox_graph(graph)
    except (TypeError, ValueError):
        return None  # a pattern no Oxigraph quad can match (a literal subject, say)
    return s, p, o, g


def new_dataset(spec: StoreSpec | None = None) -> Dataset:
    """An empty in-memory Dataset of the spec's engine (Oxigraph unless ``rdflib``), prefixes bound."""
    if spec is not None and spec.kind == "rdflib":
        return bind_prefixes(Dataset(default_union=True))
    return bind_prefixes(Dataset(store=_Oxigraph(ox.Store()), default_union=True))


def open_dataset(spec: StoreSpec, *, writable: bool = False) -> Dataset:
    """Open a persistent store (``oxigraph:PATH`` or ``sparql:URL``) as a Dataset.

    An on-disk store opens read-only unless ``writable``: then any number of processes can read it at once.
    """
    if spec.kind == "oxigraph":
        return bind_prefixes(
            Dataset(store=_Oxigraph(_open_disk(spec.location, writable), spec.location), default_union=True)
        )
    if spec.kind == "sparql":
        from copgraph.server import ServerStore

        return bind_prefixes(Dataset(store=ServerStore(spec.location), default_union=True))
    raise CopgraphError(f"The {spec} store is built at start-up, not opened.")


def _open_disk(location: str, writable: bool) -> ox.Store:
    path = Path(location)
    if writable:
        if path.exists() and not path.is_dir():
            raise CopgraphError(f"Cannot build a store in {path}: it is a file, not a folder.")
        if not path.parent.is_dir():
            raise CopgraphError(f"Cannot build a store in {path}: the folder {path.parent} does not exist.")
    elif not (path / "CURRENT").is_file():
        raise CopgraphError(
            f"There is no copgraph store in {path}. Build it first: copgraph --store oxigraph:{path} build"
        )
    try:
        return ox.Store(str(path)) if writable else ox.Store.read_only(str(path))
    except OSError as error:
        busy = "lock" in str(error).lower()
        hint = " Another copgraph is building it; wait for it to finish." if busy else ""
        raise CopgraphError(f"Cannot open the store in {path}: {error}.{hint}") from None


def engine(dataset: Dataset) -> str:
    """Which engine answers the dataset's queries: ``oxigraph``, ``rdflib`` or ``sparql`` (a server)."""
    if isinstance(dataset.store, OxigraphStore):
        return "oxigraph"
    return getattr(dataset.store, "engine", "rdflib")


def add_triples(dataset: Dataset, graph: URIRef, triples: Iterable[tuple]) -> None:
    """Add triples to one named graph. On Oxigraph they go straight into the store: rdflib's ``addN`` looks up
    the graph again for every quad, which took half of derivation's time at 10,000 people."""
    if engine(dataset) == "oxigraph":
        name = ox.NamedNode(str(graph))
        term = functools.lru_cache(maxsize=None)(_ox)  # predicates, classes and concepts recur in every record
        dataset.store._inner.extend([ox.Quad(term(s), term(p), term(o), name) for s, p, o in triples])
        return
    target = dataset.graph(graph)
    dataset.addN((s, p, o, target) for s, p, o in triples)


def add_ntriples(dataset: Dataset, graph: URIRef, text: str) -> None:
    """Add triples written as N-Triples to one named graph. Oxigraph parses them natively: for the build's
    150,000 derived triples at 10,000 people that is half the time of making a Python term for each."""
    if engine(dataset) == "oxigraph":
        dataset.store._inner.load(input=text.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph)))
        return
    dataset.graph(graph).parse(data=text, format="nt")


class Adding:
    r"""Stores batches of triples in the order given while the caller computes the next.

    On Oxigraph each batch is stored by a thread of its own: Oxigraph parses and stores without Python's lock,
    so the caller's work and the store's share the machine's cores (derivation and entailment at 10,000 people
    write 230,000 triples, which take Oxigraph half a second). The caller may go on reading the store
    meanwhile: a query sees the store as it was when the query started. Elsewhere each batch is stored when it
    is given (rdflib's store may not be read while it is written). Leaving the ``with`` block waits until every
    batch is stored, and raises the first error that storing one met.

    >>> from copgraph.namespaces import GRAPH
    >>> dataset = new_dataset()
    >>> with Adding(dataset) as adding:
    ...     text = "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
    ...     adding.later(lambda: add_ntriples(dataset, GRAPH.derived, text))
    >>> len(dataset.graph(GRAPH.derived))
    1
    """

    def __init__(self, dataset: Dataset) -> None:
        self._threaded = engine(dataset) == "oxigraph"
        self._batches: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def later(self, store: Callable[[], object]) -> None:
        """Call ``store()`` (which stores a batch) after the batches given before, on Oxigraph in the
        background; elsewhere now."""
        if not self._threaded:
            store()
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._store, name="copgraph-adding", daemon=True)
            self._thread.start()
        self._batches.put(store)

    def _store(self) -> None:
        while (store := self._batches.get()) is not None:
            if self._error is None:  # after an error, what is left is taken off the queue unstored
                try:
                    store()
                except BaseException as error:
                    self._error = error

    def __enter__(self) -> Adding:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._thread is not None:
            self._batches.put(None)
            self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise self._error


def graph_names(dataset: Dataset) -> list[URIRef]:
    """The names of the dataset's named graphs that hold at least one triple (natively on Oxigraph, where
    rdflib would count every graph's triples to find out: a fifth of a second at 10,000 people)."""
    if engine(dataset) == "oxigraph":
        store = dataset.store._inner
        return [
            URIRef(name.value)
            for name in store.named_graphs()
            if isinstance(name, ox.NamedNode) and next(store.quads_for_pattern(None, None, None, name), None)
        ]
    return [g.identifier for g in dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)]


def clear_graph(dataset: Dataset, graph: URIRef) -> None:
    """Empty one named graph (natively on Oxigraph, where rdflib would remove its triples one by one)."""
    if engine(dataset) == "oxigraph":
        name = ox.NamedNode(str(graph))
        if dataset.store._inner.contains_named_graph(name):
            dataset.store._inner.clear_graph(name)
        return
    dataset.graph(graph).remove((None, None, None))


def reopen_in_worker(dataset: Dataset) -> Dataset:
    """The dataset a forked query worker should use: an on-disk store is opened afresh, read-only, because a
    database handle is not safe to share across ``fork``; an in-memory store is the worker's own copy."""
    store = dataset.store
    if isinstance(store, _Oxigraph) and store.path:
        return bind_prefixes(Dataset(store=_Oxigraph(ox.Store.read_only(store.path), store.path), default_union=True))
    return dataset
