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
>>> from copgraph.build import load
>>> from copgraph.namespaces import ID
>>> from rdflib import SKOS
>>> graph = load()
>>> (ID.theme["polypharmacy"], SKOS.broaderTransitive, ID.theme["medicines-optimisation"]) in graph
True
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import RDF, RDFS, SKOS, Dataset, URIRef
from rdflib.namespace import FOAF, ORG, PROV

from copgraph.namespaces import GRAPH

__all__ = ["entail", "transitive_closure"]


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


def entail(dataset: Dataset) -> None:
    """Replace ``graph/entailed`` with what the rules above entail from the other graphs."""
    from copgraph.build import section_graphs

    entailed = dataset.graph(GRAPH.entailed)
    entailed.remove((None, None, None))
    new = set()

    subclass = {(a, b) for a, b in dataset.subject_objects(RDFS.subClassOf) if isinstance(b, URIRef)}
    supers: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in transitive_closure(subclass):
        supers[a].add(b)
    for resource, kind in dataset.subject_objects(RDF.type):
        new.update((resource, RDF.type, parent) for parent in supers.get(kind, ()))

    broader = set(dataset.subject_objects(SKOS.broader)) | {(b, a) for a, b in dataset.subject_objects(SKOS.narrower)}
    for narrow, broad in transitive_closure(broader):
        new.add((narrow, SKOS.broaderTransitive, broad))
        new.add((broad, SKOS.narrowerTransitive, narrow))

    for prop in (FOAF.name, SKOS.prefLabel):
        new.update((resource, RDFS.label, name) for resource, name in dataset.subject_objects(prop))

    for post in set(dataset.subjects(ORG.member, None)):
        for person in dataset.objects(post, ORG.member):
            new.update((person, ORG.memberOf, organisation) for organisation in dataset.objects(post, ORG.organization))

    for name in section_graphs(dataset):
        graph = dataset.graph(name)
        new.update((subject, PROV.wasDerivedFrom, name) for subject in set(graph.subjects()) if subject != name)

    for triple in sorted(new):
        if triple not in dataset:
            entailed.add(triple)
