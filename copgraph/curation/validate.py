"""Check the graph against the SHACL shapes in ``ontology/shapes.ttl``, with pySHACL.

The shapes are checked against the union of all named graphs (what a query sees), so a person described in
a report section and typed by the entailment step is one node. Each violation is a sentence: the shape's
``sh:message``, the resource it is about, and the value that broke it.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> validate(KnowledgeGraph.open()).conforms
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from copgraph import files
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import PREFIXES

__all__ = ["Report", "Violation", "validate"]


@dataclass(frozen=True, order=True)
class Violation:
    """One way the graph breaks a shape."""

    focus: str
    message: str
    path: str = ""
    value: str = ""

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        value = f" Found: {self.value}." if self.value else ""
        return f"{self.focus}{where}: {self.message}{value}"


@dataclass(frozen=True)
class Report:
    """The result of validation: whether the graph conforms, and every violation, sorted."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)


def _short(graph: Graph, term: object) -> str:
    if isinstance(term, URIRef):
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if str(term).startswith(namespace) and len(str(term)) > len(namespace):
                return f"{prefix}:{str(term)[len(namespace) :]}"
        return f"<{term}>"
    return str(term)


def validate(graph: KnowledgeGraph) -> Report:
    """Validate the union of the graph's named graphs against the project's SHACL shapes."""
    import pyshacl  # imported here: it takes a second to import and only this command needs it

    data = Graph()
    for s, p, o, _ in graph.dataset.quads():
        data.add((s, p, o))
    shapes = Graph().parse(data=(files.ontology_dir() / "shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    violations = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        violations.append(
            Violation(
                focus=_short(results, results.value(result, SH.focusNode)),
                message=str(results.value(result, SH.resultMessage) or "breaks a shape"),
                path=_short(results, results.value(result, SH.resultPath))
                if results.value(result, SH.resultPath)
                else "",
                value=_short(results, results.value(result, SH.value))
                if results.value(result, SH.value) is not None
                else "",
            )
        )
    return Report(conforms=bool(conforms), violations=sorted(set(violations)))
