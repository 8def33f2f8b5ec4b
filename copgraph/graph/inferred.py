"""Write the introductions into the ``graph/inferred`` named graph, with PROV, so SPARQL sees what pages show.

For every person and community, each kind of introduction (:mod:`copgraph.analysis.introductions`): for a
community the communities to talk to, people to invite and speakers who fit; for a person the communities to join
and people to meet. Each is a ``cop:Suggestion`` with its kind, the entity it is for, the entity suggested, its
score, rank, band, number of pieces of evidence, its reasons and paths, and ``prov:wasGeneratedBy`` an activity
that records the algorithm, its parameters (every weight of the score) and when it ran. Nothing here is ever
written to another graph: inferred knowledge stays apart from what the reports state.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> KnowledgeGraph.open().infer() > 0
True
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal

import networkx as nx
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from copgraph.backends import Backend
from copgraph.namespaces import BASE, COP, GRAPH

__all__ = ["KIND_TERMS", "LIMIT", "MOST_ENTITIES", "materialise", "parameters"]

#: The introductions written for each entity, of each kind.
LIMIT = 10

#: People and communities above which the whole inferred graph is not computed. Beyond it, the web app and the
#: command line compute introductions for the entity asked about.
MOST_ENTITIES = 3_000

#: Each kind of introduction as the ontology's term.
KIND_TERMS = {
    "communities to talk to": COP.RelatedCommunity,
    "people to invite": COP.PersonToInvite,
    "speakers who fit": COP.SpeakerWhoFits,
    "communities to join": COP.CommunityToJoin,
    "people to meet": COP.PersonToMeet,
}


def parameters() -> dict:
    """Every weight and threshold the introductions are scored with, as recorded with each run."""
    from copgraph.analysis import introductions, related

    names = ("THEME_BOTH_DIRECT", "THEME_ONE_INCLUDES_OTHER", "THEME_COMMON_BROADER", "METHOD_WEIGHT")
    names += ("ORGANISATION_WEIGHT", "PLACE_WEIGHT", "OTHER_COHORT_BONUS", "HUB_SHARE", "HUB_LEAST")
    weights = {name.lower(): getattr(related, name) for name in names}
    bands = {name.lower(): getattr(introductions, name) for name in ("STRONG_SCORE", "STRONG_EVIDENCE", "GOOD_SCORE")}
    return {"method": "evidence", "limit": LIMIT, **weights, **bands}


def _iri(*parts: object) -> URIRef:
    return URIRef(BASE + "id/suggestion/" + hashlib.sha1("\n".join(map(str, parts)).encode()).hexdigest()[:16])


def _decimal(value: float) -> Literal:
    return Literal(Decimal(f"{value:.6f}"), datatype=XSD.decimal)


def materialise(backend: Backend, network: nx.Graph, *, now: datetime | None = None, most: int = MOST_ENTITIES) -> int:
    """Replace ``graph/inferred`` with freshly computed introductions; return how many were written.

    A network with more than ``most`` people and communities is left with none (0 is returned): see
    :data:`MOST_ENTITIES`.
    """
    backend.clear(GRAPH.inferred)
    if sum(1 for _, kind in network.nodes(data="kind") if kind in {"person", "community"}) > most:
        return 0
    # Here, not at the top: the analyses import numpy and SciPy, which a large graph's start-up need not wait for.
    from copgraph.analysis.introductions import introductions

    inferred = Graph()
    settings = json.dumps(parameters(), sort_keys=True)
    activity = _iri("activity", "introductions", settings)
    started = now or datetime.now(UTC)
    for triple in (
        (activity, RDF.type, PROV.Activity),
        (activity, RDFS.label, Literal("introductions: evidence shared, weighed by how specific it is")),
        (activity, COP.algorithm, Literal("copgraph.analysis.introductions")),
        (activity, COP.parameters, Literal(settings)),
        (activity, PROV.startedAtTime, Literal(started.isoformat(timespec="seconds"), datatype=XSD.dateTime)),
    ):
        inferred.add(triple)
    count = 0
    for node, kind in sorted(network.nodes(data="kind")):
        if kind not in {"person", "community"}:
            continue
        for title, found in introductions(network, node, limit=LIMIT).items():
            for rank, introduction in enumerate(found, start=1):
                suggestion = _iri(KIND_TERMS[title], node, introduction.target)
                for triple in (
                    (suggestion, RDF.type, COP.Suggestion),
                    (suggestion, COP.suggestionKind, KIND_TERMS[title]),
                    (suggestion, COP.suggestionFor, URIRef(node)),
                    (suggestion, COP.suggests, URIRef(introduction.target)),
                    (suggestion, COP.score, _decimal(introduction.score)),
                    (suggestion, COP.rank, Literal(rank)),
                    (suggestion, COP.band, Literal(introduction.band)),
                    (suggestion, COP.evidenceCount, Literal(introduction.evidence)),
                    (suggestion, PROV.wasGeneratedBy, activity),
                    *((suggestion, COP.reason, Literal(reason)) for reason in introduction.reasons),
                    *((suggestion, COP.path, Literal(path)) for path in introduction.paths),
                ):
                    inferred.add(triple)
                count += 1
    backend.add(GRAPH.inferred, inferred.serialize(format="nt"))
    return count
