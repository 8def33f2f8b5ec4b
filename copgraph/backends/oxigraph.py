"""Oxigraph (pyoxigraph) as copgraph's store: in memory (the default) or in a folder on disk.

Queries run on Oxigraph's own engine, in Rust: copgraph's own queries come back as plain strings and a user's
SELECT as the SPARQL JSON document the engine writes while it answers, so no Python term is made on the way.
For rdflib's tools (SHACL validation, serialisers) the same store is seen as an rdflib Dataset through
oxrdflib, adjusted where the library relies on rdflib's behaviour (:class:`_RdflibView`).

An on-disk store is opened read-only, which any number of processes can do at once; it is written only by
:meth:`OxigraphBackend.write_folder`, which ``copgraph build`` calls on a new folder.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from copgraph.backends import RDF_FORMATS, Backend, StoreSpec
from copgraph.errors import CopgraphError
from copgraph.namespaces import PREFIXES, bind_prefixes
from copgraph.query.answer import Answer, TripleTerm
from copgraph.query.check import graph_form, where_wrong

__all__ = ["OxigraphBackend"]

#: The datatype of a plain string, as text: Oxigraph gives every plain literal this datatype.
_XSD_STRING = str(XSD.string)

#: The size of answer Oxigraph may write at once, in bytes a row allowed: a longer answer is read again one row
#: at a time, up to the row limit, rather than written whole.
_BYTES_A_ROW = 2_000


class OxigraphBackend(Backend):
    """An Oxigraph store, in memory or on disk (see the module's description)."""

    def __init__(self, store: ox.Store, spec: StoreSpec, path: Path | None = None) -> None:
        self.store = store
        self.spec = spec
        self.path = path
        self.folder = path
        self._dataset: Dataset | None = None

    @classmethod
    def in_memory(cls) -> OxigraphBackend:
        return cls(ox.Store(), StoreSpec("memory"))

    @classmethod
    def on_disk(cls, path: Path) -> OxigraphBackend:
        """Open the store in ``path`` read-only; a missing or damaged store is a sentence saying how to build it."""
        if not (path / "CURRENT").is_file():
            raise CopgraphError(
                f"There is no copgraph store in {path}. Build it first: copgraph --store oxigraph:{path} build"
            )
        try:
            store = ox.Store.read_only(str(path))
        except (OSError, RuntimeError, ValueError) as error:
            raise CopgraphError(
                f"The store in {path} cannot be opened ({error}); it may be damaged. Build it again: "
                f"copgraph --store oxigraph:{path} build"
            ) from None
        return cls(store, StoreSpec("oxigraph", str(path)), path)

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = bind_prefixes(Dataset(store=_RdflibView(store=self.store), default_union=True))
        return self._dataset

    def _query(self, text: str):
        return self.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)

    def select(self, text: str) -> list[tuple[str | None, ...]]:
        return [tuple(None if value is None else value.value for value in solution) for solution in self._query(text)]

    def query(self, text: str, *, limit: int | None = None) -> Answer:
        try:
            result = self._query(text)
            if isinstance(result, ox.QueryBoolean):
                return Answer("ASK", boolean=bool(result))
            if isinstance(result, ox.QuerySolutions):
                return self._select(text, result, limit)
            graph = bind_prefixes(Graph())
            for triple in result:
                graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
            return Answer(graph_form(text), graph=graph)
        except SyntaxError as error:
            raise CopgraphError(where_wrong(text, str(error))) from None
        except (OSError, ValueError, RuntimeError) as error:
            raise CopgraphError(f"The query failed while running: {error}.") from None

    def _select(self, text: str, result: ox.QuerySolutions, limit: int | None) -> Answer:
        """A SELECT's answer as Oxigraph writes it in JSON, cut at ``limit`` rows."""
        variables = [v.value for v in result.variables]
        written = _Capped(None if limit is None else max(1, limit) * _BYTES_A_ROW)
        try:
            result.serialize(written, format=ox.QueryResultsFormat.JSON)
        except _TooLong:
            again = self._query(text)
            return Answer.from_rows(variables, (tuple(_rdflib(v) for v in row) for row in again), limit)
        document = b"".join(written.parts)
        # Rows are separated by "},{", which a text can hold too: so this counts at least as many rows as there
        # are, and only an answer that may be too long is read to find out.
        if limit is not None and document.count(b"},{") + 1 > limit:
            bindings = json.loads(document)["results"]["bindings"]
            if len(bindings) > limit:
                return Answer.from_bindings(variables, bindings, limit)
        return Answer("SELECT", variables, document=document)

    def add(self, graph: URIRef, ntriples: str) -> None:
        # Lenient: copgraph writes these triples itself from terms it has read already, so their IRIs need no
        # second check.
        self.store.load(
            input=ntriples.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph)), lenient=True
        )

    def add_selected(self, graph: URIRef, where: str) -> None:
        name = ox.NamedNode(str(graph))
        self.store.extend([ox.Quad(*row, name) for row in self._query(f"SELECT DISTINCT ?s ?p ?o WHERE {where}")])

    def clear(self, graph: URIRef) -> None:
        name = ox.NamedNode(str(graph))
        if self.store.contains_named_graph(name):
            self.store.clear_graph(name)

    def graph_names(self) -> list[URIRef]:
        return [
            URIRef(name.value)
            for name in self.store.named_graphs()
            if isinstance(name, ox.NamedNode) and next(self.store.quads_for_pattern(None, None, None, name), None)
        ]

    def load(self, path: Path, graph: URIRef | None = None) -> None:
        _, format_name, names_graphs = RDF_FORMATS[path.suffix.lower()]
        target = None if names_graphs or graph is None else ox.NamedNode(str(graph))
        try:
            self.store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, format_name), to_graph=target)
        except (SyntaxError, ValueError, OSError) as error:
            raise CopgraphError(f"{path}: not valid RDF ({error}); fix the file and try again.") from None

    def remove(self, nodes: Iterable[URIRef], says: Callable[[str], bool] | None = None) -> int:
        doomed = set()
        for node in nodes:
            term = ox.NamedNode(str(node))
            doomed.update(self.store.quads_for_pattern(term, None, None, None))
            doomed.update(self.store.quads_for_pattern(None, None, term, None))
        if says is not None:
            kind = ox.NamedNode(str(_RDF_TYPE))
            doomed.update(
                quad
                for quad in self.store.quads_for_pattern(None, None, None, None)
                if isinstance(quad.object, ox.Literal) and quad.predicate != kind and says(quad.object.value)
            )
        for quad in doomed:
            self.store.remove(quad)
        return len(doomed)

    def __len__(self) -> int:
        return len(self.store)

    def dump(self, path: Path) -> None:
        self.store.dump(str(path), format=ox.RdfFormat.N_QUADS)

    def restore(self, path: Path) -> None:
        # Lenient: the file is copgraph's own dump, in a folder only its owner can write, so its IRIs need no
        # second check.
        try:
            self.store.load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)
        except (SyntaxError, ValueError, OSError) as error:
            self.store.clear()
            raise CopgraphError(f"{path}: cannot be read back ({error}).") from None

    def write_folder(self, folder: Path) -> None:
        """Write every quad into a new on-disk store in ``folder`` (an empty folder), in one bulk load."""
        disk = ox.Store(str(folder))
        disk.bulk_extend(self.store.quads_for_pattern(None, None, None, None))
        disk.optimize()
        disk.flush()
        del disk

    def in_worker(self) -> OxigraphBackend:
        if self.path is None:
            return self  # a forked worker's copy of the memory is its own
        return OxigraphBackend(ox.Store.read_only(str(self.path)), self.spec, self.path)


_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class _TooLong(Exception):
    pass


class _Capped(io.RawIOBase):
    """What Oxigraph writes, kept up to a size: past it, the writing stops."""

    def __init__(self, limit: int | None) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise _TooLong
        self.parts.append(bytes(data))
        return len(data)


def _rdflib(term) -> object:
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
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.Triple):
        return TripleTerm((_rdflib(term.subject), _rdflib(term.predicate), _rdflib(term.object)))
    raise CopgraphError(f"The store returned a term copgraph cannot read: {term!r}.")


@functools.lru_cache(maxsize=100_000)
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
        return None  # a pattern no Oxigraph quad can match
    return s, p, o, g


class _RdflibView(OxigraphStore):
    """oxrdflib's store, made to behave like rdflib's own where the library relies on it.

    A triple stated in two named graphs is one triple of the union (rdflib's memory store says so; oxrdflib
    returns it once per graph), and a plain string comes back as a plain literal.
    """

    def triples(self, triple_pattern, context=None) -> Iterator:
        pattern = _pattern(triple_pattern, context)
        if pattern is None:
            return iter(())
        quads = self._inner.quads_for_pattern(*pattern)
        if pattern[3] is not None:
            return (((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)), iter((context,))) for q in quads)
        graphs: dict[ox.Triple, list] = {}
        for quad in quads:
            graphs.setdefault(quad.triple, []).append(quad.graph_name)
        return (
            (
                (_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)),
                iter([self._graph(g) for g in names]),
            )
            for t, names in graphs.items()
        )

    def addN(self, quads) -> None:
        # oxrdflib's addN converts each term through a general converter, then adds every quad a second time to
        # dispatch rdflib events nobody listens to.
        self._inner.extend([ox.Quad(_ox(s), _ox(p), _ox(o), _ox_graph(g)) for s, p, o, g in quads])

    def add_graph(self, graph: Graph) -> None:
        # rdflib calls this on every dataset.graph(name), even for a graph that exists. A write to an in-memory
        # Oxigraph store waits for every open iterator, so writing here inside a loop over the dataset's graphs
        # would wait for ever: only write when the graph is new.
        name = ox.NamedNode(graph.identifier) if isinstance(graph.identifier, URIRef) else None
        if name is None or not self._inner.contains_named_graph(name):
            super().add_graph(graph)

    def _graph(self, name) -> Graph:
        identifier = DATASET_DEFAULT_GRAPH_ID if isinstance(name, ox.DefaultGraph) else _rdflib(name)
        return Graph(store=self, identifier=identifier)
