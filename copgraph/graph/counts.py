"""Counts that summarise the graph: entities by kind, and people, sessions and communities by cohort,
organisations and people by sector and by nation.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> KnowledgeGraph.open().counts().by_kind["cohort"]
2
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from copgraph.backends import Backend
from copgraph.graph.lookup import Entity

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
    """The graph in numbers. Each table is a list of rows (dicts) in a stable order.

    ``statements`` counts what the named graphs state, each with its source: a fact stated in two report
    sections is two statements.
    """

    statements: int
    named_graphs: int
    by_kind: dict[str, int] = field(default_factory=dict)
    by_cohort: list[dict] = field(default_factory=list)
    by_sector: list[dict] = field(default_factory=list)
    by_nation: list[dict] = field(default_factory=list)


def _number(text: str | None) -> int | float | None:
    if text is None:
        return None
    number = float(text)
    return int(number) if number.is_integer() else number


def _table(backend: Backend, query: str, numbers: tuple[str, ...]) -> list[dict]:
    variables = [word[1:] for word in query.split("WHERE")[0].split() if word.startswith("?")]
    variables = list(dict.fromkeys(v.rstrip(")") for v in variables))
    rows = []
    for values in backend.select(query):
        row = dict(zip(variables[: len(values)], values, strict=False))
        rows.append({k: _number(v) if k in numbers else v for k, v in row.items()})
    return rows


def _by_cohort(backend: Backend) -> list[dict]:
    rows = {
        cohort: {"cohort": cohort, "label": label}
        for cohort, label in backend.select("SELECT ?c ?l WHERE { ?c a cop:Cohort ; rdfs:label ?l }")
    }
    for figure, pattern in _PER_COHORT.items():
        if pattern is None:
            query = "SELECT ?cohort ?n WHERE { ?cohort a cop:Cohort ; cop:participantsOffered ?n }"
        else:
            query = (
                "SELECT ?cohort (COUNT(DISTINCT ?x) AS ?n) "
                f"WHERE {{ ?cohort a cop:Cohort . {pattern} }} GROUP BY ?cohort"
            )
        counts = {cohort: _number(n) for cohort, n in backend.select(query)}
        for cohort, row in rows.items():
            row[figure] = counts.get(cohort, None if pattern is None else 0)
    return sorted(rows.values(), key=lambda row: row["label"])


def summarise(backend: Backend, entities: Iterable[Entity]) -> Summary:
    """Count what the graph holds (``entities``: every entity users can look up, from its index)."""
    return Summary(
        statements=len(backend),
        named_graphs=len(backend.graph_names()),
        by_kind=dict(sorted(Counter(entity.kind for entity in entities).items())),
        by_cohort=_by_cohort(backend),
        by_sector=_table(backend, _BY_SECTOR, ("organisations", "people")),
        by_nation=_table(backend, _BY_NATION, ("organisations", "people", "participants")),
    )
