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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from rdflib import Dataset

from copgraph.lookup import entities
from copgraph.sparql import run
from copgraph.store import engine, graph_names

__all__ = ["Summary", "summarise"]

#: Each figure per cohort is its own small query: joined together as OPTIONALs they would multiply.
_PER_COHORT = {
    "participants": "?cohort cop:participant ?x",
    "offered_places": None,
    "speakers": "{ ?cohort cop:speaker ?x } UNION { ?s cop:cohort ?cohort ; cop:speaker ?x }",
    "sessions": "?x a cop:Session ; cop:cohort ?cohort",
    "community_ideas": "?x cop:cohort ?cohort ; cop:status cop:Idea",
    "active_communities": "?x cop:cohort ?cohort ; cop:status cop:Active",
    "testimonies": "?x a cop:Testimony ; cop:cohort ?cohort",
}

_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"

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


def _count(dataset: Dataset, query: str) -> int:
    return run(dataset, query).rows[0][0].toPython()


def _by_cohort(dataset: Dataset) -> list[dict]:
    rows = {
        str(cohort): {"cohort": str(cohort), "label": str(label)}
        for cohort, label in run(dataset, "SELECT ?c ?l WHERE { ?c a cop:Cohort ; rdfs:label ?l }").rows
    }
    for figure, pattern in _PER_COHORT.items():
        if pattern is None:
            query = "SELECT ?cohort ?n WHERE { ?cohort a cop:Cohort ; cop:participantsOffered ?n }"
        else:
            query = (
                "SELECT ?cohort (COUNT(DISTINCT ?x) AS ?n) "
                f"WHERE {{ ?cohort a cop:Cohort . {pattern} }} GROUP BY ?cohort"
            )
        counts = {str(c): n.toPython() for c, n in run(dataset, query).rows}
        for cohort, row in rows.items():
            row[figure] = counts.get(cohort, None if pattern is None else 0)
    return sorted(rows.values(), key=lambda row: row["label"])


def summarise(dataset: Dataset, *, overlap: bool = True) -> Summary:
    """Count what the graph holds. With ``overlap`` (and Oxigraph), the distinct triples are counted in a
    thread while the rest is counted: a third of a second saved at 10,000 people, on a core that is free."""
    # Counting the distinct triples is one long aggregate, which Oxigraph runs without holding Python's lock.
    native = engine(dataset) == "oxigraph"
    with ThreadPoolExecutor(max_workers=1) as pool:
        triples = pool.submit(_count, dataset, _TRIPLES) if native and overlap else None
        kinds = Counter(entity.kind for entity in entities(dataset))
        if native:
            named_graphs = len(graph_names(dataset))
        else:
            named_graphs = _count(dataset, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        by_cohort, by_sector, by_nation = _by_cohort(dataset), _table(dataset, _BY_SECTOR), _table(dataset, _BY_NATION)
    return Summary(
        triples=triples.result() if triples else _count(dataset, _TRIPLES),
        named_graphs=named_graphs,
        by_kind=dict(sorted(kinds.items())),
        by_cohort=by_cohort,
        by_sector=by_sector,
        by_nation=by_nation,
    )
