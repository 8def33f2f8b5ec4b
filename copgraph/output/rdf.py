"""Write the whole graph, vocabularies and ontology included, to a file or to standard output.

Formats that keep named graphs (``trig``, ``nq``, ``jsonld``) keep each fact's provenance; ``ttl`` and ``nt``
hold triples only, so they write the union of all named graphs. Output is deterministic (sorted).

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> text = serialise(KnowledgeGraph.open(), "nt")
>>> text.startswith("<https://w3id.org/copgraph/")
True
"""

from __future__ import annotations

import json

from rdflib import Dataset, Graph

from copgraph.errors import CopgraphError
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import PREFIXES, bind_prefixes

__all__ = ["FORMATS", "MEDIA_TYPES", "serialise"]

#: Export formats: name -> (rdflib format, keeps named graphs, file suffix).
FORMATS: dict[str, tuple[str, bool, str]] = {
    "ttl": ("turtle", False, ".ttl"),
    "nt": ("nt", False, ".nt"),
    "nq": ("nquads", True, ".nq"),
    "trig": ("trig", True, ".trig"),
    "jsonld": ("json-ld", True, ".jsonld"),
}


#: The media type of each export format.
MEDIA_TYPES: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
}


def _union(dataset: Dataset) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in dataset.triples((None, None, None)):
        graph.add(triple)
    return graph


def _local(graph: KnowledgeGraph) -> Dataset:
    """The graph in rdflib's own memory store, where rdflib's serialisers are at home: a store on a server is
    read once, in one request per graph pattern, rather than once per subject."""
    local = bind_prefixes(Dataset(default_union=True))
    local.addN(
        (s, p, o, local.graph(g)) for s, p, o, g in graph.dataset.quads((None, None, None, None)) if g is not None
    )
    return local


def serialise(graph: KnowledgeGraph, format: str) -> str:
    """The graph as text in one of :data:`FORMATS`."""
    if format not in FORMATS:
        raise CopgraphError(f"Unknown export format '{format}'; choose one of {', '.join(FORMATS)}.")
    rdflib_format, keeps_graphs, _ = FORMATS[format]
    dataset = _local(graph)
    source = dataset if keeps_graphs else _union(dataset)
    if format == "jsonld":
        data = json.loads(source.serialize(format=rdflib_format, context=dict(PREFIXES), auto_compact=True))
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    text = source.serialize(format=rdflib_format)
    if format in {"nt", "nq"}:
        lines = sorted(line for line in text.splitlines() if line.strip())
        return "\n".join(lines) + "\n"
    return text
