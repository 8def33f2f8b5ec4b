"""An import's plan: what it would add, update and remove, entity by entity, and every problem found; and how
its facts read in the dry-run report ("+ post: Lead Pharmacist at ...")."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, SKOS, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG

from copgraph.curation.imports.resolve import _quoted, _short
from copgraph.curation.spreadsheets import Problem
from copgraph.namespaces import COP, GRAPH, ID, SDO

if TYPE_CHECKING:
    from copgraph.curation.imports.planner import _Planner

__all__ = ["Change", "ImportPlan"]


@dataclass(frozen=True)
class Change:
    """What an import does to one entity: ``kind`` is ``add``, ``update``, ``remove`` or ``unchanged``; ``facts``
    are readable lines, ``+ ...`` for a fact the import adds and ``- ...`` for one the file no longer states."""

    kind: str
    entity: str
    label: str
    iri: str
    facts: tuple[str, ...]
    file: str
    rows: tuple[str, ...]

    @property
    def row(self) -> int | None:
        """The number of the first row the entity is in."""
        numbers = [int(found.group(1)) for where in self.rows if (found := re.search(r"row (\d+)", where))]
        return numbers[0] if numbers else None

    def __str__(self) -> str:
        rows = f", {', '.join(self.rows)}" if self.rows else ""
        if len(self.rows) > 1 and all(where.startswith("row ") for where in self.rows):
            rows = f", rows {', '.join(where[4:] for where in self.rows)}"
        lines = [f"{self.kind} {self.entity} {_quoted(self.label)} ({_short(self.iri)}){rows}"]
        return "\n".join([*lines, *(f"    {fact}" for fact in self.facts)])


@dataclass
class ImportPlan:
    """What importing some spreadsheets would do: the changes entity by entity, every problem, and the files."""

    files: list[str]
    #: The import file (in the data folder) that each spreadsheet writes.
    targets: dict[str, str]
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The text of each import file to write, by its name in the data folder; files that would not change are
    #: left out.
    outputs: dict[str, str] = field(default_factory=dict)
    #: Import files that do not exist yet.
    created: list[str] = field(default_factory=list)
    #: The data folder's contents when planned: a plan made before the folder changed is not applied.
    fingerprint: str = ""

    @property
    def ok(self) -> bool:
        """Whether the plan can be applied: it has no problems."""
        return not self.problems

    def describe(self) -> str:
        """The plan as text: each file, each entity with the facts added or removed, and a count; or, when there
        are problems, every problem and nothing else."""
        if self.problems:
            count = len(self.problems)
            return "\n".join(
                [
                    *(str(problem) for problem in self.problems),
                    f"{count} problem{'s' if count != 1 else ''}: nothing is imported until "
                    f"{'they are' if count != 1 else 'it is'} fixed.",
                ]
            )
        lines = []
        for file in self.files:
            target = self.targets[file]
            state = "a new file" if target in self.created else "changed" if target in self.outputs else "unchanged"
            lines.append(f"{file} -> {target} ({state})")
            lines += ["  " + line for change in self.changes if change.file == file for line in str(change).split("\n")]
        count = {kind: sum(c.kind == kind for c in self.changes) for kind in ("add", "update", "remove", "unchanged")}
        lines.append(
            f"{count['add']} to add, {count['update']} to update, {count['remove']} to remove, "
            f"{count['unchanged']} unchanged."
        )
        return "\n".join(lines)


# Readable facts ------------------------------------------------------------------------------------------------

_ROLE_PREDICATES = {COP.participant, COP.programmeTeam, COP.facilitator, COP.speaker, COP.convenor, COP.member}
_PREDICATE_WORDS = {
    FOAF.name: "name",
    RDFS.label: "name",
    SKOS.altLabel: "also known as",
    SKOS.hiddenLabel: "also written (found, never shown)",
    FOAF.mbox: "email",
    SDO.telephone: "phone",
    SDO.startDate: "date",
    DCTERMS.description: "description",
    ORG.subOrganizationOf: "part of",
}
_KINDS_BY_TYPE = {
    FOAF.Person: "person",
    ORG.Organization: "organisation",
    COP.CommunityOfPractice: "community",
    COP.Cohort: "cohort",
    COP.ImpactStory: "impact story",
}


class _Facts:
    """Reads triples as lines a coordinator understands, each about the entity it belongs to."""

    def __init__(self, planner: _Planner, triples: list[tuple]) -> None:
        self.planner = planner
        self.triples = triples
        self.members = {s: o for s, p, o in triples if p == ORG.member}
        self.stories = {o: s for s, p, o in triples if p == COP.storyPart}
        self.about = defaultdict(dict)
        for s, p, o in triples:
            self.about[s].setdefault(p, o)

    def owner(self, triple: tuple, main: URIRef | None) -> URIRef:
        """The entity a fact is about: a post's person, a story part's story, a row's entity for its roles."""
        s, p, o = triple
        if s in self.members:
            return self.members[s]
        if s in self.stories:
            return self.stories[s]
        if o == main and (p in _ROLE_PREDICATES or p == COP.impactStory):
            return o
        return s

    def kind(self, iri: URIRef) -> str:
        if iri in self.planner.known:
            return self.planner.known[iri].kind
        for type_ in [self.about[iri].get(RDF.type), *self.planner.base.objects(iri, RDF.type)]:
            if type_ in _KINDS_BY_TYPE:
                return _KINDS_BY_TYPE[type_]
        return "session" if str(iri).startswith(str(ID.session)) else "entity"

    def label(self, iri: object) -> str:
        if not isinstance(iri, URIRef):
            return _text(iri)
        if iri in self.planner.known:
            return self.planner.known[iri].label
        named = self.about[iri].get(RDFS.label) or self.about[iri].get(FOAF.name)
        return str(named) if named is not None else self.planner._value_label(iri)

    def lines(self, triples: list[tuple], owner: URIRef) -> list[str]:
        lines = []
        for s, p, o in triples:
            if p in {RDF.type, COP.storyPart} or (s in self.members and p != COP.jobTitle):
                continue
            if s in self.stories and p != SDO.text:
                continue
            if s in self.members:
                lines.append(f"post: {o} at {self.label(self.about[s].get(ORG.organization))}")
            elif s in self.stories:
                lines.append(f"part {self.about[s].get(COP.order)} ({self.about[s].get(COP.prompt)}): {_text(o)}")
            elif o == owner and s != owner:
                lines.append(f"{self.predicate(p)} of: {self.label(s)}")
            elif isinstance(o, URIRef) and str(o).startswith("mailto:"):
                lines.append(f"{self.predicate(p)}: {str(o)[len('mailto:') :]}")
            else:
                lines.append(f"{self.predicate(p)}: {self.label(o)}")
        return lines

    def predicate(self, predicate: URIRef) -> str:
        if predicate in _PREDICATE_WORDS:
            return _PREDICATE_WORDS[predicate]
        label = self.planner.base.graph(GRAPH.ontology).value(predicate, RDFS.label)
        return str(label) if label is not None else _short(predicate)


def _natural(text: str) -> tuple:
    """A sort key that puts ``story:x-2`` before ``story:x-10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _text(value: object) -> str:
    return str(value).replace("\n", " / ")
