"""rdflib's own in-memory store as copgraph's store (``--store rdflib``): built like the default, queried by
rdflib's SPARQL engine. Slower than Oxigraph; kept so that the benchmarks can compare engines."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.sparql.sparql import SPARQLError

from copgraph.backends import RDF_FORMATS, Backend, StoreSpec
from copgraph.errors import CopgraphError
from copgraph.namespaces import bind_prefixes
from copgraph.query.answer import Answer
from copgraph.query.check import parse

__all__ = ["RdflibBackend"]

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class RdflibBackend(Backend):
    """rdflib's ``Dataset`` in memory, its default graph the union of its named graphs."""

    def __init__(self) -> None:
        self.spec = StoreSpec("rdflib")
        self._dataset = bind_prefixes(Dataset(default_union=True))

    @property
    def dataset(self) -> Dataset:
        return self._dataset

    def select(self, text: str) -> list[tuple[str | None, ...]]:
        result = self._dataset.query(text)
        variables = result.vars or []
        return [tuple(None if b.get(v) is None else str(b[v]) for v in variables) for b in result.bindings]

    def query(self, text: str, *, limit: int | None = None) -> Answer:
        query = parse(text)  # rdflib's parser checks once more what rdflib's engine would do
        kind = _FORMS[query.algebra.name]
        try:
            result = self._dataset.query(query)
            if kind == "SELECT":
                # Rows where nothing is bound are rows too (iterating over rdflib's result leaves them out).
                variables = [str(v) for v in result.vars or []]
                rows = (tuple(binding.get(v) for v in result.vars or []) for binding in result.bindings)
                return Answer.from_rows(variables, rows, limit)
            if kind == "ASK":
                return Answer("ASK", boolean=bool(result.askAnswer))
            graph = bind_prefixes(Graph())
            for triple in result:
                graph.add(triple)
            return Answer(kind, graph=graph)
        except RecursionError:
            raise CopgraphError("The query is nested too deeply to run; simplify it.") from None
        except (SPARQLError, TypeError, ValueError) as error:
            raise CopgraphError(f"The query failed while running: {error}.") from None

    def add(self, graph: URIRef, ntriples: str) -> None:
        self._dataset.graph(graph).parse(data=ntriples, format="nt")

    def add_selected(self, graph: URIRef, where: str) -> None:
        target = self._dataset.graph(graph)
        rows = [tuple(row) for row in self._dataset.query(f"SELECT DISTINCT ?s ?p ?o WHERE {where}")]
        self._dataset.addN((s, p, o, target) for s, p, o in rows)

    def clear(self, graph: URIRef) -> None:
        self._dataset.graph(graph).remove((None, None, None))

    def graph_names(self) -> list[URIRef]:
        return [g.identifier for g in self._dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)]

    def load(self, path: Path, graph: URIRef | None = None) -> None:
        rdflib_format, _, names_graphs = RDF_FORMATS[path.suffix.lower()]
        try:
            if names_graphs:
                self._dataset.parse(path, format=rdflib_format)
            else:
                self._dataset.graph(graph).parse(path, format=rdflib_format)
        except (BadSyntax, OSError, UnicodeDecodeError, ValueError) as error:
            raise CopgraphError(f"{path}: not valid RDF ({error}); fix the file and try again.") from None

    def remove(self, nodes: Iterable[URIRef], says: Callable[[str], bool] | None = None) -> int:
        doomed = set()
        for node in nodes:
            doomed.update(self._quads((node, None, None)))
            doomed.update(self._quads((None, None, node)))
        if says is not None:
            doomed.update(
                quad
                for quad in self._quads((None, None, None))
                if isinstance(quad[2], Literal) and quad[1] != RDF.type and says(str(quad[2]))
            )
        for quad in doomed:
            self._dataset.remove(quad)
        return len(doomed)

    def _quads(self, pattern) -> list:
        """The quads matching a triple pattern in every named graph, each with its graph."""
        found = []
        for s, p, o, g in self._dataset.quads((*pattern, None)):
            identifier = getattr(g, "identifier", g)
            found.append((s, p, o, self._dataset.graph(identifier or DATASET_DEFAULT_GRAPH_ID)))
        return found

    def __len__(self) -> int:
        return sum(1 for _ in self._dataset.quads((None, None, None, None)))

    def dump(self, path: Path) -> None:
        self._dataset.serialize(destination=str(path), format="nquads")
