"""Materialise what follows from the asserted graphs and helps queries, into ``graph/entailed``.

Precomputed rather than run through a general reasoner: these few rules cover what users query, take
milliseconds, and each can be read and tested on its own.

- supertypes: a ``cop:Module`` is also a ``cop:Session`` and a ``schema:Event`` (``rdfs:subClassOf``);
- ``skos:broaderTransitive`` and ``skos:narrowerTransitive`` from ``skos:broader`` (and ``skos:narrower``);
- ``rdfs:label`` for everything named another way (``foaf:name``, ``skos:prefLabel``), so one property finds all;
- ``org:memberOf`` from a person's posts;
- ``prov:wasDerivedFrom`` from every resource described in a report section (or by curators) to that graph.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> graph = KnowledgeGraph.open()
>>> graph.query("ASK { theme:polypharmacy skos:broaderTransitive theme:medicines-optimisation }").boolean
True
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from copgraph.backends import Backend
from copgraph.namespaces import GRAPH

__all__ = ["RULES", "entail", "rule_pattern", "transitive_closure"]


def transitive_closure(pairs: set[tuple[URIRef, URIRef]]) -> set[tuple[URIRef, URIRef]]:
    """All (a, c) reachable through one or more (a, b), (b, c) steps.

    >>> sorted(transitive_closure({("a", "b"), ("b", "c")}))
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    successors: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in pairs:
        successors[a].add(b)
    closure = set()
    for start in list(successors):
        seen: set[URIRef] = set()
        frontier = list(successors[start])
        while frontier:
            node = frontier.pop()
            if node in seen:
                continue
            seen.add(node)
            frontier.extend(successors.get(node, ()))
        closure.update((start, node) for node in seen)
    return closure


#: Each rule is a pattern for the triples it entails (``?s ?p ?o``), and the pattern of those it leaves out
#: because the graph holds them already. They run as queries on the store's own engine. ``SECTIONS`` stands for
#: the section graphs.
RULES: dict[str, tuple[str, str]] = {
    "supertypes": (
        "?s a ?kind . ?kind rdfs:subClassOf+ ?o . FILTER(isIRI(?o)) BIND(rdf:type AS ?p)",
        "?s a ?o",
    ),
    "broader, transitively": (
        "?s (skos:broader|^skos:narrower)+ ?o . BIND(skos:broaderTransitive AS ?p)",
        "?s skos:broaderTransitive ?o",
    ),
    "narrower, transitively": (
        "?o (skos:broader|^skos:narrower)+ ?s . BIND(skos:narrowerTransitive AS ?p)",
        "?s skos:narrowerTransitive ?o",
    ),
    "labels": ("?s foaf:name|skos:prefLabel ?o . BIND(rdfs:label AS ?p)", "?s rdfs:label ?o"),
    "members of organisations": (
        "?post org:member ?s ; org:organization ?o . BIND(org:memberOf AS ?p)",
        "?s org:memberOf ?o",
    ),
    "provenance": (
        "VALUES ?o { SECTIONS } GRAPH ?o { ?s ?any ?value } FILTER(?s != ?o) BIND(prov:wasDerivedFrom AS ?p)",
        "?s prov:wasDerivedFrom ?o",
    ),
}


def rule_pattern(name: str) -> str:
    """The group pattern that binds what one of :data:`RULES` entails, leaving out what the graph holds already.

    ``MINUS`` is joined by hash in Oxigraph; the rule binds every variable of what it leaves out, so it means
    what ``FILTER NOT EXISTS`` would.

    >>> print(rule_pattern("labels"))
    { ?s foaf:name|skos:prefLabel ?o . BIND(rdfs:label AS ?p)
        MINUS { ?s rdfs:label ?o } }
    """
    pattern, held = RULES[name]
    return f"{{ {pattern}\n    MINUS {{ {held} }} }}"


def entail(backend: Backend, sections: list[URIRef]) -> None:
    """Replace ``graph/entailed`` with what :data:`RULES` entail from the other graphs (``sections`` are the
    graphs that hold what the reports and curators state)."""
    backend.clear(GRAPH.entailed)
    values = " ".join(f"<{name}>" for name in sections)
    for name in RULES:
        backend.add_selected(GRAPH.entailed, rule_pattern(name).replace("SECTIONS", values))
