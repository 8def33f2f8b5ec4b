"""Write the analytics' results into the ``graph/inferred`` named graph, with PROV, so SPARQL sees them.

For every community, its related communities; for every person and community, its potential connections.
Each is a ``cop:Suggestion`` with its kind, the entity it is for, the entity suggested, a score, a rank, its
reasons and paths, the boundaries it would cross, and ``prov:wasGeneratedBy`` an activity that records the
algorithm, its parameters and when it ran. Nothing here is ever written to another graph: inferred knowledge
stays apart from what the reports state.

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

__all__ = ["MOST_ENTITIES", "PARAMETERS", "materialise"]

#: The parameters every materialised run uses; recorded with each run.
PARAMETERS = {"limit": 10, "method": "ppr", "max_hops": 4, "boundary_bonus": 0.1}

#: People and communities above which the whole inferred graph is not computed: it costs tens of milliseconds an
#: entity. Beyond it, the web app and the command line compute suggestions for the entity asked about.
MOST_ENTITIES = 3_000


def _iri(*parts: object) -> URIRef:
    return URIRef(BASE + "id/suggestion/" + hashlib.sha1("\n".join(map(str, parts)).encode()).hexdigest()[:16])


def _decimal(value: float) -> Literal:
    return Literal(Decimal(f"{value:.6f}"), datatype=XSD.decimal)


def materialise(
    backend: Backend,
    network: nx.Graph,
    *,
    now: datetime | None = None,
    most: int = MOST_ENTITIES,
) -> int:
    """Replace ``graph/inferred`` with freshly computed suggestions; return how many were written.

    A network with more than ``most`` people and communities is left alone (nothing is written, 0 is returned):
    see :data:`MOST_ENTITIES`.
    """
    backend.clear(GRAPH.inferred)
    if sum(1 for _, kind in network.nodes(data="kind") if kind in {"person", "community"}) > most:
        return 0
    # Here, not at the top: the analyses import numpy and SciPy, which a large graph's start-up need not wait for.
    from copgraph.analysis.related import related
    from copgraph.analysis.suggest import suggest

    inferred = Graph()
    started = now or datetime.now(UTC)
    runs = {
        "related": (
            COP.RelatedCommunity,
            "related communities: shared themes by specificity, methods, places, organisations",
        ),
        "suggest": (COP.PotentialConnection, f"potential connections: {PARAMETERS['method']} link prediction"),
    }
    activities = {}
    for name, (_, label) in runs.items():
        activity = _iri("activity", name, json.dumps(PARAMETERS, sort_keys=True))
        activities[name] = activity
        inferred.add((activity, RDF.type, PROV.Activity))
        inferred.add((activity, RDFS.label, Literal(label)))
        inferred.add((activity, COP.algorithm, Literal(f"copgraph.analysis.{name}")))
        inferred.add((activity, COP.parameters, Literal(json.dumps(PARAMETERS, sort_keys=True))))
        inferred.add(
            (activity, PROV.startedAtTime, Literal(started.isoformat(timespec="seconds"), datatype=XSD.dateTime))
        )

    count = 0

    def add(kind: URIRef, run: str, source: str, target: str, rank: int, score: float, reasons, paths=(), crosses=()):
        nonlocal count
        node = _iri(kind, source, target)
        inferred.add((node, RDF.type, COP.Suggestion))
        inferred.add((node, COP.suggestionKind, kind))
        inferred.add((node, COP.suggestionFor, URIRef(source)))
        inferred.add((node, COP.suggests, URIRef(target)))
        inferred.add((node, COP.score, _decimal(score)))
        inferred.add((node, COP.rank, Literal(rank)))
        for reason in reasons:
            inferred.add((node, COP.reason, Literal(reason)))
        for path in paths:
            inferred.add((node, COP.path, Literal(path)))
        for boundary in crosses:
            inferred.add((node, COP.crosses, Literal(boundary)))
        inferred.add((node, PROV.wasGeneratedBy, activities[run]))
        count += 1

    for node, kind in sorted(network.nodes(data="kind")):
        if kind == "community":
            for rank, result in enumerate(related(network, node, limit=PARAMETERS["limit"]), start=1):
                add(COP.RelatedCommunity, "related", node, result.community, rank, result.score, result.reasons)
        if kind in {"person", "community"}:
            found = suggest(
                network,
                node,
                method=PARAMETERS["method"],
                max_hops=PARAMETERS["max_hops"],
                boundary_bonus=PARAMETERS["boundary_bonus"],
                limit=PARAMETERS["limit"],
            )
            for rank, s in enumerate(found, start=1):
                add(COP.PotentialConnection, "suggest", node, s.target, rank, s.score, s.reasons, s.paths, s.crosses)
    backend.add(GRAPH.inferred, inferred.serialize(format="nt"))
    return count
