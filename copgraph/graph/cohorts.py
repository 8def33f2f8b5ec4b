"""Cohorts side by side: what each cohort worked on, taught and who took part, from SPARQL over the graph.

For each cohort, by facet: the themes its communities and sessions work on, the methods its sessions (or the
cohort as a whole) use, the sectors, nations and professions of its named participants, its speakers, and its
communities by status. Where a report says nothing on a facet (the 2023-24 report names no participants, so
nothing is known of their sectors) the facet is *not stated* for that cohort, with a sentence saying why: never a
silent zero. Participants whose organisation has no sector (or place, or job title with a known profession) are
counted as not stated too.

It lives beside the counts (:mod:`copgraph.graph.counts`) rather than in :mod:`copgraph.analysis`: it is made of
SPARQL answers, and the analyses work on NetworkX graphs only.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> comparison = compare_cohorts(KnowledgeGraph.open())
>>> [c.label for c in comparison.cohorts]
['2019-20 cohort', '2023-24 cohort']
>>> comparison.facet("sectors").not_stated[comparison.cohorts[1].iri][:40]
'The 2023-24 final report names no partic'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copgraph.graph import KnowledgeGraph

__all__ = ["FACETS", "Cohort", "CohortComparison", "Facet", "Row", "compare_cohorts"]

_COHORTS = """
SELECT ?cohort ?label ?start ?offered ?report (COUNT(DISTINCT ?participant) AS ?participants) WHERE {
    ?cohort a cop:Cohort ; rdfs:label ?label .
    OPTIONAL { ?cohort schema:startDate ?start }
    OPTIONAL { ?cohort cop:participantsOffered ?offered }
    OPTIONAL { GRAPH ?section { ?cohort a cop:Cohort } ?section cop:report/rdfs:label ?report }
    OPTIONAL { ?cohort cop:participant ?participant }
}
GROUP BY ?cohort ?label ?start ?offered ?report
"""

#: Each facet: its title, what a row counts, the query (``?cohort ?value ?label ?n``), and for facets of
#: participants the query of how many have a value (``?cohort ?n``: the others are not stated).
FACETS: dict[str, dict] = {
    "themes": {
        "title": "Themes",
        "counts": "communities and sessions working on it",
        "query": """SELECT ?cohort ?value ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {
            ?cohort a cop:Cohort .
            { ?x a cop:CommunityOfPractice ; cop:cohort ?cohort } UNION { ?x a cop:Session ; cop:cohort ?cohort }
            ?x cop:theme ?value . ?value rdfs:label ?label }
            GROUP BY ?cohort ?value ?label""",
    },
    "methods": {
        "title": "Methods taught",
        "counts": "sessions using it (the cohort as a whole counts as one)",
        "query": """SELECT ?cohort ?value ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {
            ?cohort a cop:Cohort .
            { ?cohort cop:method ?value . BIND(?cohort AS ?x) }
            UNION { ?x a cop:Session ; cop:cohort ?cohort ; cop:method ?value }
            ?value rdfs:label ?label }
            GROUP BY ?cohort ?value ?label""",
    },
    "sectors": {
        "title": "Participants' sectors",
        "counts": "participants working in it",
        "participants": True,
        "query": """SELECT ?cohort ?value ?label (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?cohort a cop:Cohort ; cop:participant ?p . ?p org:memberOf/cop:sector ?value .
            ?value rdfs:label ?label }
            GROUP BY ?cohort ?value ?label""",
        "known": """SELECT ?cohort (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?cohort a cop:Cohort ; cop:participant ?p . ?p org:memberOf/cop:sector ?value } GROUP BY ?cohort""",
    },
    "nations": {
        "title": "Participants' nations",
        "counts": "participants working in it",
        "participants": True,
        "query": """SELECT ?cohort ?value ?label (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?cohort a cop:Cohort ; cop:participant ?p .
            ?p org:memberOf/cop:place/schema:containedInPlace* ?value . ?value a cop:Nation ; rdfs:label ?label }
            GROUP BY ?cohort ?value ?label""",
        "known": """SELECT ?cohort (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?cohort a cop:Cohort ; cop:participant ?p .
            ?p org:memberOf/cop:place/schema:containedInPlace* ?value . ?value a cop:Nation } GROUP BY ?cohort""",
    },
    "professions": {
        "title": "Participants' professions",
        "counts": "participants in it (from their job titles)",
        "participants": True,
        "query": """SELECT ?cohort ?value ?label (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?cohort a cop:Cohort ; cop:participant ?p . ?p cop:profession ?value . ?value rdfs:label ?label }
            GROUP BY ?cohort ?value ?label""",
        "known": """SELECT ?cohort (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?cohort a cop:Cohort ; cop:participant ?p . ?p cop:profession ?value } GROUP BY ?cohort""",
    },
    "speakers": {
        "title": "Speakers",
        "counts": "sessions they spoke at (speaking to the cohort as a whole counts as one)",
        "query": """SELECT ?cohort ?value ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {
            ?cohort a cop:Cohort .
            { ?cohort cop:speaker ?value . BIND(?cohort AS ?x) }
            UNION { ?x a cop:Session ; cop:cohort ?cohort ; cop:speaker ?value }
            ?value rdfs:label ?label }
            GROUP BY ?cohort ?value ?label""",
    },
    "communities": {
        "title": "Communities by status",
        "counts": "communities",
        "query": """SELECT ?cohort ?value ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {
            ?cohort a cop:Cohort . ?x a cop:CommunityOfPractice ; cop:cohort ?cohort ; cop:status ?value .
            ?value rdfs:label ?label }
            GROUP BY ?cohort ?value ?label""",
    },
}

#: What a report that states nothing on a facet has not stated, in a sentence's words.
_NOTHING = {
    "themes": "no community or session with a theme",
    "methods": "no method",
    "speakers": "no speaker",
    "communities": "no community or idea for one",
}


@dataclass(frozen=True)
class Cohort:
    """One cohort: its IRI, label, the report it comes from, and how many participants it names and offered."""

    iri: str
    label: str
    report: str | None
    participants: int
    offered: int | None


@dataclass(frozen=True)
class Row:
    """One value of a facet (a theme, a sector ...), with its count in each cohort (None: not stated)."""

    value: str
    label: str
    counts: tuple[int | None, ...]


@dataclass
class Facet:
    """One facet of the comparison: rows of values, and for each cohort whose report says nothing on it, why."""

    name: str
    title: str
    counts: str
    rows: list[Row] = field(default_factory=list)
    #: cohort IRI -> the sentence saying why the facet is not stated for it.
    not_stated: dict[str, str] = field(default_factory=dict)
    #: For facets of participants: in each cohort, how many named participants have no value (None: not stated).
    unknown: tuple[int | None, ...] = ()

    def stated(self, cohort: str) -> bool:
        return cohort not in self.not_stated


@dataclass
class CohortComparison:
    """Every cohort, oldest first, and each facet of :data:`FACETS`."""

    cohorts: list[Cohort]
    facets: dict[str, Facet]

    def facet(self, name: str) -> Facet:
        return self.facets[name]

    def changes(self, name: str = "themes", first: int = 0, second: int = 1) -> dict[str, list[Row]]:
        """Between two cohorts (positions in :attr:`cohorts`), the values that are ``new`` in the second,
        ``shared`` by both and ``dropped`` (in the first only), each list by label."""
        out: dict[str, list[Row]] = {"new": [], "shared": [], "dropped": []}
        for row in self.facets[name].rows:
            a, b = row.counts[first] or 0, row.counts[second] or 0
            if a and b:
                out["shared"].append(row)
            elif b:
                out["new"].append(row)
            elif a:
                out["dropped"].append(row)
        return out


def _number(text: str | None) -> int | None:
    return None if text is None else int(float(text))


def _not_stated(name: str, facet: dict, cohort: Cohort) -> str:
    source = f"The {cohort.report}" if cohort.report else f"The report on the {cohort.label}"
    if facet.get("participants"):
        counted = f" (it counts {cohort.offered} places offered)" if cohort.offered else ""
        what = facet["title"].split(" ", 1)[1]
        return f"{source} names no participants{counted}, so their {what} are not stated."
    return f"{source} names {_NOTHING[name]}."


def compare_cohorts(graph: KnowledgeGraph) -> CohortComparison:
    """Every cohort side by side, from SPARQL over ``graph`` (see :data:`FACETS`)."""
    found_cohorts: dict[str, tuple[str, Cohort]] = {}
    for iri, label, start, offered, report, participants in sorted(graph.select(_COHORTS), key=str):
        # a cohort typed in two reports' sections is one cohort: the first report by name is kept
        found_cohorts.setdefault(
            iri, (start or "", Cohort(iri, label, report, _number(participants) or 0, _number(offered)))
        )
    cohorts = [c for _, c in sorted(found_cohorts.values(), key=lambda pair: (pair[0], pair[1].label))]
    facets = {}
    for name, spec in FACETS.items():
        found: dict[str, dict[str, int]] = {}
        labels: dict[str, str] = {}
        for cohort, value, label, n in graph.select(spec["query"]):
            found.setdefault(value, {})[cohort] = _number(n) or 0
            labels[value] = label
        facet = Facet(name, spec["title"], spec["counts"])
        for cohort in cohorts:
            nothing = (
                cohort.participants == 0
                if spec.get("participants")
                else not any(cohort.iri in counts for counts in found.values())
            )
            if nothing:
                facet.not_stated[cohort.iri] = _not_stated(name, spec, cohort)
        for value, counts in found.items():
            facet.rows.append(
                Row(
                    value,
                    labels[value],
                    tuple(None if c.iri in facet.not_stated else counts.get(c.iri, 0) for c in cohorts),
                )
            )
        facet.rows.sort(key=lambda row: (-sum(n or 0 for n in row.counts), row.label.casefold(), row.value))
        if "known" in spec:
            known = {cohort: _number(n) or 0 for cohort, n in graph.select(spec["known"])}
            facet.unknown = tuple(
                None if c.iri in facet.not_stated else c.participants - known.get(c.iri, 0) for c in cohorts
            )
        facets[name] = facet
    return CohortComparison(cohorts, facets)
