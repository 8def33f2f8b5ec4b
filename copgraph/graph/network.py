"""Turn the RDF graph into NetworkX graphs, by declared projections.

Each :class:`Projection` is a SPARQL query that returns ``?source ?target`` pairs (and, where it matters,
``?detail``): the edges of one relation. :func:`project` runs them all and builds one undirected,
heterogeneous graph whose nodes keep their IRI (the node key), ``label``, ``kind`` and the attributes the
boundary analysis needs (``cohorts``, ``organisations``, ``sectors``, ``nations``, ``professions``), each a
sorted tuple. An edge keeps the set of its ``relations``. The theme hierarchy's direction, which an
undirected edge loses, is kept in ``network.graph["broader"]``: each theme's direct broader themes; and
``network.graph["labels"]`` names every attribute value (sectors and nations are attributes, not nodes).

This is the one place that turns RDF into NetworkX; :mod:`copgraph.analysis` works on the graph it returns
and never reaches back into RDF.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> network = KnowledgeGraph.open().network()
>>> network.nodes["https://w3id.org/copgraph/id/community/sel-polypharmacy"]["kind"]
'community'
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from copgraph.backends import Backend

__all__ = ["ATTRIBUTES", "PROJECTIONS", "Projection", "project"]


@dataclass(frozen=True)
class Projection:
    """One relation of the network: which RDF pattern becomes which edges."""

    relation: str
    description: str
    source_kind: str
    target_kind: str
    query: str


PROJECTIONS: tuple[Projection, ...] = (
    Projection(
        "works at",
        "A person holds a post at an organisation.",
        "person",
        "organisation",
        "SELECT DISTINCT ?source ?target WHERE { ?post org:member ?source ; org:organization ?target }",
    ),
    Projection(
        "took part in",
        "A person took part in a cohort: participant, speaker, facilitator or programme team.",
        "person",
        "cohort",
        """SELECT DISTINCT ?source ?target WHERE {
            VALUES ?role { cop:participant cop:speaker cop:facilitator cop:programmeTeam }
            { ?target ?role ?source } UNION { ?session cop:cohort ?target ; ?role ?source }
            ?target a cop:Cohort . ?source a foaf:Person }""",
    ),
    Projection(
        "spoke at",
        "A person spoke at or facilitated a session.",
        "person",
        "session",
        """SELECT DISTINCT ?source ?target WHERE {
            ?target a cop:Session ; cop:speaker|cop:facilitator ?source }""",
    ),
    Projection(
        "has profession",
        "A person's profession, derived from their job titles.",
        "person",
        "profession",
        "SELECT DISTINCT ?source ?target WHERE { ?source cop:profession ?target }",
    ),
    Projection(
        "convenes or belongs to",
        "A person convenes, or is a member of, a community.",
        "person",
        "community",
        "SELECT DISTINCT ?source ?target WHERE { ?target cop:convenor|cop:member ?source }",
    ),
    Projection(
        "works on",
        "A community or session works on a theme (stated, or derived from its text).",
        "community",
        "theme",
        """SELECT DISTINCT ?source ?target WHERE {
            ?source cop:theme ?target . ?source a ?kind . VALUES ?kind { cop:CommunityOfPractice cop:Session } }""",
    ),
    Projection(
        "uses",
        "A community, session or cohort uses a method.",
        "community",
        "method",
        """SELECT DISTINCT ?source ?target WHERE {
            ?source cop:method ?target . ?source a ?kind .
            VALUES ?kind { cop:CommunityOfPractice cop:Session cop:Cohort } }""",
    ),
    Projection(
        "brought to",
        "A community idea was brought to, or reported in, a cohort.",
        "community",
        "cohort",
        "SELECT DISTINCT ?source ?target WHERE { ?source a cop:CommunityOfPractice ; cop:cohort ?target }",
    ),
    Projection(
        "session of",
        "A session belongs to a cohort.",
        "session",
        "cohort",
        "SELECT DISTINCT ?source ?target WHERE { ?source a cop:Session ; cop:cohort ?target }",
    ),
    Projection(
        "involves",
        "An organisation organises, partners or collaborates in a community.",
        "community",
        "organisation",
        """SELECT DISTINCT ?source ?target WHERE {
            ?source a cop:CommunityOfPractice ; cop:organiser|cop:partner|cop:collaboratingOrganisation ?target }""",
    ),
    Projection(
        "located in",
        "An organisation is based in, or a community covers, a place.",
        "organisation",
        "place",
        """SELECT DISTINCT ?source ?target WHERE {
            ?source cop:place ?target . ?source a ?kind .
            VALUES ?kind { org:Organization cop:CommunityOfPractice } }""",
    ),
    Projection(
        "broader",
        "A theme is narrower than another (SKOS broader, one step).",
        "theme",
        "theme",
        "SELECT DISTINCT ?source ?target WHERE { ?source a cop:Theme ; skos:broader ?target }",
    ),
    Projection(
        "has expertise in",
        "A theme a person's job title or biography names (cop:expertise, derived).",
        "person",
        "theme",
        "SELECT DISTINCT ?source ?target WHERE { ?source cop:expertise ?target }",
    ),
    Projection(
        "relates to",
        "A profession relates to a theme its people's work touches (skos:closeMatch or skos:relatedMatch).",
        "profession",
        "theme",
        """SELECT DISTINCT ?source ?target WHERE {
            ?source a cop:Profession ; skos:closeMatch|skos:relatedMatch ?target }""",
    ),
)

_KINDS = """
SELECT ?node ?label ?kind WHERE {
    VALUES (?class ?kind) {
        (foaf:Person "person") (org:Organization "organisation") (cop:CommunityOfPractice "community")
        (cop:Cohort "cohort") (cop:Session "session") (cop:Theme "theme") (cop:Method "method")
        (cop:Profession "profession") (cop:Place "place")
    }
    ?node a ?class ; rdfs:label ?label .
}
"""

#: Node attributes the boundary analysis compares, each a query of ``?node ?value ?label`` rows.
ATTRIBUTES: dict[str, str] = {
    "cohorts": """SELECT DISTINCT ?node ?value ?label WHERE {
        { VALUES ?role { cop:participant cop:speaker cop:facilitator cop:programmeTeam }
          ?c ?role ?node . BIND(?c AS ?value) }
        UNION { VALUES ?role { cop:speaker cop:facilitator } ?s cop:cohort ?value ; ?role ?node }
        UNION { ?node a cop:CommunityOfPractice ; cop:cohort ?value }
        ?value a cop:Cohort ; rdfs:label ?label }""",
    "organisations": """SELECT DISTINCT ?node ?value ?label WHERE {
        { ?node org:memberOf ?value }
        UNION { ?node a cop:CommunityOfPractice ; cop:organiser|cop:partner|cop:collaboratingOrganisation ?value }
        UNION { ?node a org:Organization . BIND(?node AS ?value) }
        ?value rdfs:label ?label }""",
    # The sector hierarchy is small: resolve it once (the subquery) before joining it with every node, rather
    # than walking skos:broader* once per node.
    "sectors": """SELECT DISTINCT ?node ?value ?label WHERE {
        { SELECT DISTINCT ?s ?value ?label WHERE {
            ?s a cop:Sector ; skos:broader* ?value . ?value skos:topConceptOf ?scheme ; rdfs:label ?label } }
        { ?node org:memberOf/cop:sector ?s }
        UNION { ?node a cop:CommunityOfPractice ;
                (cop:organiser|cop:partner|cop:collaboratingOrganisation)/cop:sector ?s }
        UNION { ?node a org:Organization ; cop:sector ?s } }""",
    # Likewise each place's nation, resolved once.
    "nations": """SELECT DISTINCT ?node ?value ?label WHERE {
        { SELECT DISTINCT ?p ?value ?label WHERE {
            ?p schema:containedInPlace* ?value . ?value a cop:Nation ; rdfs:label ?label } }
        { ?node org:memberOf/cop:place ?p }
        UNION { ?node a org:Organization ; cop:place ?p }
        UNION { ?node a cop:CommunityOfPractice ; cop:place ?p } }""",
    "professions": """SELECT DISTINCT ?node ?value ?label WHERE {
        ?node cop:profession ?value . ?value rdfs:label ?label }""",
}


def project(backend: Backend) -> nx.Graph:
    """The heterogeneous network of people, organisations, communities, cohorts, sessions, themes, methods,
    professions and places, built from :data:`PROJECTIONS`."""
    network = nx.Graph()
    for node, label, kind in backend.select(_KINDS):
        if node not in network:
            network.add_node(node, label=label, kind=kind)
    labels: dict[str, str] = {}
    for attribute, query in ATTRIBUTES.items():
        values: dict[str, set[str]] = {}
        for node, value, label in backend.select(query):
            values.setdefault(node, set()).add(value)
            labels[value] = label
        for node, data in network.nodes(data=True):
            data[attribute] = tuple(sorted(values.get(node, ())))
    # Edges are gathered first and added together, in the order first found (which fixes the network's
    # adjacency order); each keeps every relation that links its two ends, whichever way round.
    relations: dict[tuple[str, str], set[str]] = {}
    broader: dict[str, set[str]] = {}
    for projection in PROJECTIONS:
        for source, target in backend.select(projection.query):
            if source not in network or target not in network or source == target:
                continue
            if projection.relation == "broader":
                broader.setdefault(source, set()).add(target)
            key = (target, source) if (target, source) in relations else (source, target)
            relations.setdefault(key, set()).add(projection.relation)
    network.add_edges_from((u, v, {"relations": tuple(sorted(found))}) for (u, v), found in relations.items())
    network.graph["broader"] = {theme: tuple(sorted(parents)) for theme, parents in sorted(broader.items())}
    network.graph["labels"] = dict(sorted(labels.items()))
    return network
