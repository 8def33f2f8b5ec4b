"""Counts that summarise the graph: entities by kind, and people, sessions and communities by cohort,
organisations and people by sector and by nation.

Example
-------
>>> from copgraph.build import load
>>> summary = summarise(load())
>>> summary.by_kind["cohort"]
2
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Dataset

from copgraph.lookup import entities
from copgraph.sparql import run

__all__ = ["Summary", "summarise"]

_BY_COHORT = """
SELECT ?cohort ?label
    (COUNT(DISTINCT ?participant) AS ?participants)
    (SAMPLE(?offered) AS ?offered_places)
    (COUNT(DISTINCT ?speaker) AS ?speakers)
    (COUNT(DISTINCT ?session) AS ?sessions)
    (COUNT(DISTINCT ?idea) AS ?community_ideas)
    (COUNT(DISTINCT ?active) AS ?active_communities)
    (COUNT(DISTINCT ?testimony) AS ?testimonies)
WHERE {
    ?cohort a cop:Cohort ; rdfs:label ?label .
    OPTIONAL { ?cohort cop:participant ?participant }
    OPTIONAL { ?cohort cop:participantsOffered ?offered }
    OPTIONAL { { ?cohort cop:speaker ?speaker } UNION { ?s cop:cohort ?cohort ; cop:speaker ?speaker } }
    OPTIONAL { ?session a cop:Session ; cop:cohort ?cohort }
    OPTIONAL { ?idea cop:cohort ?cohort ; cop:status cop:Idea }
    OPTIONAL { ?active cop:cohort ?cohort ; cop:status cop:Active }
    OPTIONAL { ?testimony a cop:Testimony ; cop:cohort ?cohort }
}
GROUP BY ?cohort ?label
ORDER BY ?label
"""

_BY_SECTOR = """
SELECT ?sector ?label (COUNT(DISTINCT ?organisation) AS ?organisations) (COUNT(DISTINCT ?person) AS ?people)
WHERE {
    ?organisation a org:Organization ; cop:sector ?sector .
    ?sector skos:prefLabel ?label .
    OPTIONAL { ?person org:memberOf ?organisation }
}
GROUP BY ?sector ?label
ORDER BY DESC(?organisations) ?label
"""

_BY_NATION = """
SELECT ?nation ?label (COUNT(DISTINCT ?organisation) AS ?organisations) (COUNT(DISTINCT ?person) AS ?people)
    (COUNT(DISTINCT ?participant) AS ?participants)
WHERE {
    ?nation a cop:Nation ; rdfs:label ?label .
    ?organisation a org:Organization ; cop:place/schema:containedInPlace* ?nation .
    OPTIONAL { ?person org:memberOf ?organisation }
    OPTIONAL { ?participant org:memberOf ?organisation . ?cohort cop:participant ?participant }
}
GROUP BY ?nation ?label
ORDER BY DESC(?organisations) ?label
"""


@dataclass
class Summary:
    """The graph in numbers. Each table is a list of rows (dicts) in a stable order."""

    triples: int
    named_graphs: int
    by_kind: dict[str, int] = field(default_factory=dict)
    by_cohort: list[dict] = field(default_factory=list)
    by_sector: list[dict] = field(default_factory=list)
    by_nation: list[dict] = field(default_factory=list)


def _table(dataset: Dataset, query: str) -> list[dict]:
    answer = run(dataset, query)
    return [
        {
            var: (value.toPython() if hasattr(value, "toPython") else value)
            for var, value in zip(answer.variables, row, strict=True)
        }
        for row in answer.rows
    ]


def summarise(dataset: Dataset) -> Summary:
    """Count what the graph holds."""
    kinds = Counter(entity.kind for entity in entities(dataset))
    return Summary(
        triples=len(set(dataset.triples((None, None, None)))),
        named_graphs=sum(1 for g in dataset.graphs() if len(g)),
        by_kind=dict(sorted(kinds.items())),
        by_cohort=_table(dataset, _BY_COHORT),
        by_sector=_table(dataset, _BY_SECTOR),
        by_nation=_table(dataset, _BY_NATION),
    )
