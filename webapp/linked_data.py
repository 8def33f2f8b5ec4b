"""Cool URIs: every IRI copgraph mints answers, at the web app, with a page or with RDF, as the client asks.

``/id/<kind>/<slug>``, ``/vocab/<scheme>/<slug>`` and ``/source/<path>`` negotiate on ``Accept``: ``text/html``
(or no preference) gives the page; ``text/turtle``, ``application/n-triples``, ``application/ld+json``,
``application/rdf+xml``, ``application/trig`` and ``application/n-quads`` give the entity's description; an
``Accept`` that allows none of them is 406. The same descriptions are at explicit URLs
(``/id/community/sel-polypharmacy.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.trig``, ``.nq``). Every answer names
the others in a ``Link: <...>; rel="alternate"; type="..."`` header, and the page in ``<link rel="alternate">``
tags too. A description may be read by scripts on any site (``Access-Control-Allow-Origin: *``), as the SPARQL
endpoint may.

An entity's description (:func:`description`) holds:

- every statement with the entity as subject, but contact details (which no page shows either);
- every statement with it as object that its page lists: not the records derivation and entailment keep, nor the
  analytics' suggestions (those have a section of the page, and ``graph:inferred``, of their own);
- each statement in every named graph that states it, its provenance: as that graph in TriG, N-Quads and JSON-LD;
  in Turtle, N-Triples and RDF/XML, which hold no graphs, as a reified statement (``rdf:Statement``) with a
  ``prov:wasDerivedFrom`` for each graph;
- the labels of what it links to: things, properties, classes and the report sections the statements come from.

It is read from the graph the app holds, so an audience is never described anyone it may not see: a person the
public may not see is not in the public app's graph, and their IRI is a 404 in every format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from flask import Response, make_response, request
from rdflib import RDF, RDFS, SKOS, BNode, Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from copgraph.graph import Entity, KnowledgeGraph
from copgraph.namespaces import BASE, COP, GRAPH, PREFIXES, SDO, bind_prefixes
from copgraph.output.rdf import FORMATS, MEDIA_TYPES
from webapp.security import error_response
from webapp.state import state

__all__ = ["CONTACT_DETAILS", "DESCRIPTION_TYPES", "alternates", "description", "resource", "write"]

#: Predicates that hold a way to contact a person: never on a page, nor in a description.
CONTACT_DETAILS = {FOAF.mbox, SDO.telephone}

#: The formats a description is written in: extension -> (media type, rdflib's name, keeps named graphs).
DESCRIPTION_TYPES: dict[str, tuple[str, str, bool]] = {
    "ttl": (MEDIA_TYPES["ttl"], FORMATS["ttl"][0], False),
    "jsonld": (MEDIA_TYPES["jsonld"], FORMATS["jsonld"][0], True),
    "nt": (MEDIA_TYPES["nt"], FORMATS["nt"][0], False),
    "rdf": ("application/rdf+xml", "xml", False),
    "trig": (MEDIA_TYPES["trig"], FORMATS["trig"][0], True),
    "nq": (MEDIA_TYPES["nq"], FORMATS["nq"][0], True),
}
#: The names each format has in the web app's links.
FORMAT_NAMES = {
    "ttl": "Turtle",
    "jsonld": "JSON-LD",
    "nt": "N-Triples",
    "rdf": "RDF/XML",
    "trig": "TriG",
    "nq": "N-Quads",
}
#: Other media types clients send for a description.
ALIASES = {"application/json": "jsonld", "application/x-turtle": "ttl", "application/xhtml+xml": "html"}

#: Links derivation finds in text, which a page lists where they point (a theme's communities).
DERIVED_LINKS = {COP.theme, COP.method, COP.mentions, COP.profession}
#: Statements pointing at an entity that its page does not list: records of how a link was found, scheme
#: membership, names and provenance (the entity's own are kept).
NOT_LISTED = {
    COP.matchConcept,
    COP.matchSubject,
    SKOS.inScheme,
    SKOS.topConceptOf,
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.hiddenLabel,
    FOAF.name,
    FOAF.primaryTopic,
    PROV.wasDerivedFrom,
}
#: What names a thing a description links to.
LABELS = (RDFS.label, SKOS.prefLabel, FOAF.name, DCTERMS.title, COP.jobTitle)

Quad = tuple[object, URIRef, object, URIRef]


def _listed(predicate: URIRef, graph: URIRef) -> bool:
    """Whether a statement pointing at an entity is one its page and its description list."""
    if graph == GRAPH.inferred or predicate in NOT_LISTED:
        return False
    return graph not in (GRAPH.entailed, GRAPH.derived) or predicate in DERIVED_LINKS


def description(graph: KnowledgeGraph, entity: Entity) -> list[Quad]:
    """The statements that describe an entity, each with the named graph that states it (see the module)."""
    dataset = graph.dataset
    facts: set[Quad] = set()
    for _, predicate, value, source in dataset.quads((entity.iri, None, None, None)):
        if predicate not in CONTACT_DETAILS and source is not None:
            facts.add((entity.iri, predicate, value, source))
    for subject, predicate, _, source in dataset.quads((None, None, entity.iri, None)):
        if source is not None and _listed(predicate, source):
            facts.add((subject, predicate, entity.iri, source))
    linked = {term for s, p, o, g in facts for term in (s, p, o, g) if isinstance(term, URIRef)} - {entity.iri}
    labels = {
        (term, predicate, value, source)
        for term in linked
        for label in LABELS
        for _, predicate, value, source in dataset.quads((term, label, None, None))
        if source is not None
    }
    return sorted(facts | labels, key=lambda quad: tuple(str(term) for term in quad))


def _statement(subject: object, predicate: URIRef, value: object) -> BNode:
    """The same blank node for the same statement, in every description."""
    text = " ".join(term.n3() for term in (subject, predicate, value))  # type: ignore[attr-defined]
    return BNode("s" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])


def write(quads: list[Quad], entity: Entity, fmt: str) -> str:
    """The description in one of :data:`DESCRIPTION_TYPES`: named graphs where the format holds them, reified
    statements with their sources where it does not."""
    _, rdflib_format, keeps_graphs = DESCRIPTION_TYPES[fmt]
    if keeps_graphs:
        source: Graph = bind_prefixes(Dataset())
        source.addN((s, p, o, source.graph(g)) for s, p, o, g in quads)  # type: ignore[attr-defined]
    else:
        source = bind_prefixes(Graph())
        for s, p, o, g in quads:
            source.add((s, p, o))
            if entity.iri in (s, o):  # the entity's own statements; labels of what it links to are not
                statement = _statement(s, p, o)
                source.add((statement, RDF.type, RDF.Statement))
                source.add((statement, RDF.subject, s))
                source.add((statement, RDF.predicate, p))
                source.add((statement, RDF.object, o))
                source.add((statement, PROV.wasDerivedFrom, g))
    if fmt == "jsonld":
        data = json.loads(source.serialize(format=rdflib_format, context=dict(PREFIXES), auto_compact=True))
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    text = source.serialize(format=rdflib_format)
    if fmt in {"nt", "nq"}:
        return "\n".join(sorted(line for line in text.splitlines() if line.strip())) + "\n"
    return text


def alternates(path: str) -> list[tuple[str, str, str]]:
    """``(url, media type, name)`` of each description of the entity at ``path`` (``id/community/x``)."""
    return [(f"/{path}.{fmt}", media, FORMAT_NAMES[fmt]) for fmt, (media, _, _) in DESCRIPTION_TYPES.items()]


def _link_header(path: str, but: str | None) -> str:
    links = [(f"/{path}", "text/html")] + [(url, media) for url, media, _ in alternates(path)]
    return ", ".join(f'<{url}>; rel="alternate"; type="{media}"' for url, media in links if media != but)


def _negotiated() -> str | None:
    """``html`` or the extension of the description the request's Accept header prefers; None for neither."""
    if "Accept" not in request.headers:
        return "html"
    offered = ["text/html"] + [media for media, _, _ in DESCRIPTION_TYPES.values()] + list(ALIASES)
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        return None
    by_type = {media: fmt for fmt, (media, _, _) in DESCRIPTION_TYPES.items()} | {"text/html": "html"} | ALIASES
    return by_type[best]


def resource(path: str, page: Callable[[Entity], str]) -> Response:
    """The answer at an IRI's path (``id/community/x``, or ``id/community/x.ttl`` for one format): the page
    ``page`` renders or a description, as the module says; 404 for an IRI the graph does not hold."""
    s = state()
    stem, _, extension = path.rpartition(".")
    explicit = bool(stem) and extension in DESCRIPTION_TYPES and s.graph.entity(BASE + path) is None
    if explicit:
        path = stem
    entity = s.entity(BASE + path)
    fmt = extension if explicit else _negotiated()
    if fmt is None:
        offered = ", ".join(["text/html"] + [media for media, _, _ in DESCRIPTION_TYPES.values()])
        accept = request.headers.get("Accept", "")[:100]
        return error_response(406, f"'/{path}' can be had as {offered}; the Accept header '{accept}' allows none.")
    if fmt == "html":
        response = make_response(page(entity))
        media = "text/html"
    else:
        media = DESCRIPTION_TYPES[fmt][0]
        response = Response(write(description(s.graph, entity), entity, fmt), mimetype=media)
        response.headers["Access-Control-Allow-Origin"] = "*"  # data for any site's scripts: public, no cookies
        if not explicit:
            response.headers["Content-Location"] = f"/{path}.{fmt}"
    response.headers["Link"] = _link_header(path, but=media)
    if not explicit:
        response.vary.add("Accept")
    return response
