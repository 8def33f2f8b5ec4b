"""What each spreadsheet row describes and states: its cells read and checked (names, vocabulary labels, dates,
numbers, e-mail addresses ...), and the facts it adds, which go in a named graph of the row's own."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG

from copgraph.curation.imports.resolve import _UNRESOLVED, _local, _one_of, _quoted, _short, name_key, slug
from copgraph.curation.imports.templates import (
    _COMMUNITY_ROLES,
    _PROMPTS,
    _ROLES,
    _SESSION_TYPES,
    _STATUSES,
    _VOCABULARIES,
    VISIBILITIES,
    Template,
    _keys,
)
from copgraph.curation.spreadsheets import Row, canonical
from copgraph.graph.lookup import display_label, fold
from copgraph.namespaces import COP, GRAPH, ID, SDO

if TYPE_CHECKING:
    from copgraph.curation.imports.planner import _Output, _Planner

_SEPARATOR = ";"  # between several values in one cell


class _Statements:
    """The planner's two passes over the rows: what each row describes, then what it states, each value checked.
    Mixed into :class:`copgraph.curation.imports.planner._Planner`, whose state it reads and adds to."""

    # -- what each row describes (first pass) and states (second pass)

    def _declare(self, row: _Row) -> None:
        values = tuple(sorted((key, name_key(value)) for key, value in row.cells.items() if key != "notes" and value))
        if not values:
            return
        seen = self.seen.setdefault((row.index, row.row.sheet), {})
        if values in seen:
            row.problem(None, f"This row repeats row {seen[values]}; delete one of them.")
            return
        seen[values] = row.row.number
        name = row.get(row.template.key)
        if not name:
            row.require(row.template.key)
            return
        declare = getattr(self, f"_declare_{slug(row.template.name).replace('-', '_')}")
        iri = declare(row, name)
        self.mains[row.key] = iri
        row.output.rows.setdefault(row.place, [])
        if iri != _UNRESOLVED:
            row.output.mains[row.place] = iri

    def _declare_participants(self, row: _Row, name: str) -> URIRef:
        return self._entity(row, "person", name, ID.person)

    def _declare_organisations(self, row: _Row, name: str) -> URIRef:
        return self._entity(row, "organisation", name, ID.organisation)

    def _declare_communities(self, row: _Row, name: str) -> URIRef:
        cohort = self._cohort(row) if row.get("cohort") else None
        idea = row.choice("status", _STATUSES, "status") == COP.Idea and cohort not in (None, _UNRESOLVED)
        return self._entity(row, "community", name, ID.community, f"{_local(cohort)} {name}" if idea else name)

    def _declare_sessions(self, row: _Row, name: str) -> URIRef:
        kind = row.choice("type", _SESSION_TYPES, "session type")
        cohort = self._cohort(row) if row.get("cohort") else None
        community = self._reference(row, "community", "community", row.get("community"))
        self.owners[row.key] = (cohort, community)
        if cohort is None and community is None:
            row.problem(
                "cohort",
                "A session belongs to a cohort, or (a community's meeting) to a community; fill in "
                f"'{row.header('cohort')}' or '{row.header('community')}'.",
            )
        owner = cohort if cohort is not None else community
        if owner in (None, _UNRESOLVED):
            return _UNRESOLVED
        number = row.integer("module number", minimum=1)
        if kind == COP.Module and number is None and not row.get("module number"):
            row.problem("module number", "A module needs its number (1, 2, 3 ...).")
        local = f"{_local(owner)}-module-{number}" if kind == COP.Module and number else f"{_local(owner)}-{slug(name)}"
        iri = ID.session[local]
        same = [s for s in self.names["session"].get(name_key(name), {}) if (s, COP.cohort, owner) in self.base]
        same += [s for s in self.names["session"].get(name_key(name), {}) if (s, COP.community, owner) in self.base]
        if iri not in self.known and same:
            iri = same[0]
        if iri not in self.known:
            if iri in self.taken:
                iri = self._mint(ID.session, local, "session")
            self.taken.add(iri)
            self._register("session", iri, name, row)
        return iri

    def _declare_impact_stories(self, row: _Row, name: str) -> URIRef:
        iri = ID.story[slug(name) or "story-" + hashlib.sha256(name.encode()).hexdigest()[:8]]
        if iri in self.known:
            entity = self.known[iri]
            row.problem(
                "story",
                f"An impact story called {_quoted(entity.label)} is already "
                f"{'in ' + entity.where if entity.new else 'in the graph (' + _short(iri) + ')'}; give this story a "
                "title of its own.",
            )
            return _UNRESOLVED
        if iri in self.taken:
            iri = self._mint(ID.story, name, "impact story")
        self.taken.add(iri)
        self._register("impact story", iri, name, row)
        return iri

    def _state_participants(self, row: _Row) -> None:
        person = self.mains[row.key]
        title = row.get("job title")
        if not title:
            row.require("job title", "every post has the job title, as the person gives it")
        organisation = self._organisation(row)
        cohort = self._cohort(row) if row.get("cohort") else row.require("cohort")
        role = row.choice("role", _ROLES, "role") or COP.participant
        visibility = row.choice("visibility", VISIBILITIES, "visibility")
        email = row.get("email")
        if email and not re.fullmatch(r"[A-Za-z0-9._+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", email):
            row.problem("email", f"{_quoted(email)} is not an e-mail address; write one address, like jo@example.org.")
            email = ""
        phone = row.get("phone")
        if phone and not re.fullmatch(r"\+?[0-9][0-9 ()-]{5,24}", phone):
            row.problem(
                "phone",
                f"{_quoted(phone)} is not a phone number; write its digits, with spaces and a leading + if you like.",
            )
            phone = ""
        community = self._reference(row, "community", "community", row.get("community"))
        community_role = row.choice("community role", _COMMUNITY_ROLES, "community role") or COP.convenor
        if person == _UNRESOLVED:
            return
        if self.first.get(person) is row:
            row.says(person, RDF.type, FOAF.Person)
            row.says(person, FOAF.name, Literal(row.get("name")))
            self.default_visibility[person] = row
        if visibility is not None:
            self._single(row, person, COP.visibility, visibility, "visibility")
        if email:
            row.says(person, FOAF.mbox, URIRef(f"mailto:{email}"))
        if phone:
            row.says(person, SDO.telephone, Literal(phone))
        if organisation not in (None, _UNRESOLVED) and title:
            post, title = self._post(person, organisation, title)
            row.says(post, RDF.type, COP.Post)
            row.says(post, ORG.member, person)
            row.says(post, ORG.organization, organisation)
            row.says(post, COP.jobTitle, title)
        if cohort not in (None, _UNRESOLVED):
            row.says(cohort, role, person)
        if community not in (None, _UNRESOLVED):
            row.says(community, community_role, person)

    def _organisation(self, row: _Row) -> URIRef | None:
        """A participant's organisation; a new one is made from the row's Sector and Place."""
        name = row.get("organisation")
        sector, place = row.concept("sector", "sector"), row.concept("place", "place")
        if not name:
            row.problem(
                "organisation",
                "Every person needs an organisation: write where they work (for someone self-employed, their "
                "business, with its Sector and Place).",
            )
            return None
        iri, decided = self._resolve("organisation", name, row, "organisation")
        if iri == _UNRESOLVED:
            return iri
        if iri is None:
            if sector == "" or place == "":
                missing = " and ".join(
                    f"'{row.header(k)}'" for k, v in (("sector", sector), ("place", place)) if v == ""
                )
                row.problem(
                    "sector" if sector == "" else "place",
                    f"{_quoted(name)} is an organisation copgraph does not know yet: give its {missing} in this "
                    "row, or describe it in an organisations file imported with this one.",
                )
                return None
            iri = self._mint(ID.organisation, name, "organisation")
            self._register("organisation", iri, name, row)
            row.says(iri, RDF.type, ORG.Organization)
            row.says(iri, RDFS.label, Literal(name))
        else:
            self._spelling(row, iri, name, decided)
        for column, predicate, value in (("sector", COP.sector, sector), ("place", COP.place, place)):
            if value:
                self._single(row, iri, predicate, value, column)
        return iri

    def _state_organisations(self, row: _Row) -> None:
        organisation = self.mains[row.key]
        sector, place = row.concept("sector", "sector"), row.concept("place", "place")
        parents = [self._reference(row, "organisation", "part of", name) for name in row.many("part of")]
        if organisation == _UNRESOLVED:
            return
        if self.first.get(organisation) is row:
            row.says(organisation, RDF.type, ORG.Organization)
            row.says(organisation, RDFS.label, Literal(row.get("organisation")))
            for column, value in (("sector", sector), ("place", place)):
                if value == "":
                    row.problem(column, f"A new organisation needs its {column}; fill in '{row.header(column)}'.")
        for column, predicate, value in (("sector", COP.sector, sector), ("place", COP.place, place)):
            if value:
                self._single(row, organisation, predicate, value, column)
        for alias in row.many("also known as"):
            self._spelling(row, organisation, alias, decided=False)
        for parent in parents:
            if parent not in (None, _UNRESOLVED):
                row.says(organisation, ORG.subOrganizationOf, parent)
        if row.get("description"):
            row.says(organisation, DCTERMS.description, Literal(row.get("description")))

    def _state_communities(self, row: _Row) -> None:
        community = self.mains[row.key]
        cohort = self._cohort(row) if row.get("cohort") else row.require("cohort")
        status = row.choice("status", _STATUSES, "status")
        links = [(COP.theme, row.concept("themes", "theme", value)) for value in row.many("themes")]
        links += [(COP.method, row.concept("methods", "method", value)) for value in row.many("methods")]
        links += [(COP.place, row.concept("place", "place", value)) for value in row.many("place")]
        links += [(COP.convenor, self._reference(row, "person", "convenors", n)) for n in row.many("convenors")]
        links += [
            (COP.collaboratingOrganisation, self._reference(row, "organisation", "organisations", n))
            for n in row.many("organisations")
        ]
        members = row.integer("member count", minimum=0)
        if community == _UNRESOLVED:
            return
        if self.first.get(community) is row:
            row.says(community, RDF.type, COP.CommunityOfPractice)
            row.says(community, RDFS.label, Literal(row.get("community")))
            if not row.get("status"):
                row.problem("status", "A new community needs its status: 'idea' or 'active'.")
        if status is not None:
            self._single(row, community, COP.status, status, "status")
        if cohort not in (None, _UNRESOLVED):
            row.says(community, COP.cohort, cohort)
        if row.get("description"):
            row.says(community, DCTERMS.description, Literal(row.get("description")))
        for predicate, value in links:
            if value not in (None, "", _UNRESOLVED):
                row.says(community, predicate, value)
        if members is not None:
            self._single(row, community, COP.memberCount, Literal(members), "member count")
        for alias in row.many("also known as"):
            self._spelling(row, community, alias, decided=False)

    def _state_sessions(self, row: _Row) -> None:
        session = self.mains[row.key]
        kind = row.choice("type", _SESSION_TYPES, "session type")
        cohort, community = self.owners.get(row.key, (None, None))
        number = row.integer("module number", minimum=1)
        date = row.date("date")
        links = [(COP.speaker, self._reference(row, "person", "speakers", n)) for n in row.many("speakers")]
        links += [
            (COP.speakerOrganisation, self._reference(row, "organisation", "speaker organisations", n))
            for n in row.many("speaker organisations")
        ]
        links += [(COP.theme, row.concept("themes", "theme", value)) for value in row.many("themes")]
        links += [(COP.method, row.concept("methods", "method", value)) for value in row.many("methods")]
        links += [(COP.place, row.concept("place", "place", value)) for value in row.many("place")]
        if session == _UNRESOLVED or kind is None:
            return
        if self.first.get(session) is row:
            row.says(session, RDF.type, kind)
            row.says(session, RDFS.label, Literal(row.get("session")))
        else:
            self._spelling(row, session, row.get("session"), decided=False)
        if kind == COP.Module and number is not None:
            self._single(row, session, COP.moduleNumber, Literal(number), "module number")
        for predicate, value in ((COP.cohort, cohort), (COP.community, community), *links):
            if value not in (None, "", _UNRESOLVED):
                row.says(session, predicate, value)
        if date is not None:
            row.says(session, SDO.startDate, date)
        for column, predicate in (("format", COP.format), ("description", DCTERMS.description)):
            if row.get(column):
                row.says(session, predicate, Literal(row.get(column)))

    def _state_impact_stories(self, row: _Row) -> None:
        story = self.mains[row.key]
        community = self._reference(row, "community", "community", row.get("community"))
        if not row.get("community"):
            row.require("community")
        cohort = self._cohort(row) if row.get("cohort") else None
        parts = [(p, text.strip()) for p in _PROMPTS for text in row.get(canonical(p)).split("\n") if text.strip()]
        if not parts:
            row.problem(
                None,
                f"An impact story needs its text: fill in at least one of {_one_of(_PROMPTS)} (paragraphs of one "
                "cell become parts of their own).",
            )
        if story == _UNRESOLVED:
            return
        row.says(story, RDF.type, COP.ImpactStory)
        row.says(story, RDFS.label, Literal(row.get("story")))
        if community not in (None, _UNRESOLVED):
            row.says(story, COP.community, community)
            row.says(community, COP.impactStory, story)
        if cohort not in (None, _UNRESOLVED):
            row.says(story, COP.cohort, cohort)
        for order, (prompt, text) in enumerate(parts, start=1):
            part = URIRef(f"{story}-{order}")
            row.says(story, COP.storyPart, part)
            row.says(part, RDF.type, COP.StoryPart)
            row.says(part, COP.order, Literal(order))
            row.says(part, COP.prompt, Literal(prompt))
            row.says(part, SDO.text, Literal(text))

    # -- values

    def _single(self, row: _Row, iri: URIRef, predicate: URIRef, value: object, column: str) -> None:
        """State a value an entity has only one of: not another than the graph holds, nor than another row."""
        label = self._value_label(value)
        held = [o for o in self.base.objects(iri, predicate) if (iri, predicate, o) in self.asserted]
        if held and value not in held:
            where = self._source(self.asserted[(iri, predicate, held[0])])
            row.problem(
                column,
                f"{_quoted(self.known[iri].label)} already has the {row.header(column).lower()} "
                f"{_quoted(self._value_label(held[0]))} ({where}), not {_quoted(label)}; leave this cell empty, or "
                "change it where it is stated.",
            )
            return
        stated = self.values.setdefault((iri, predicate), (value, row.where))
        if stated[0] != value:
            row.problem(
                column,
                f"{stated[1].capitalize()} gives {_quoted(self.known[iri].label)} the {row.header(column).lower()} "
                f"{_quoted(self._value_label(stated[0]))}, and this row {_quoted(label)}; give one.",
            )
            return
        row.says(iri, predicate, value)

    def _value_label(self, value: object) -> str:
        names = {iri: name for name, iri in VISIBILITIES.items()}
        if value in names:
            return names[value]
        return display_label(self.base, value) if isinstance(value, URIRef) else str(value)

    def _source(self, graph: URIRef) -> str:
        if graph == GRAPH.curation:
            return "classified by copgraph's curators"
        label = self.base.value(graph, RDFS.label) or self.base.value(graph, DCTERMS.title)
        return f"from {label}" if label is not None else f"from {_short(graph)}"


class _Row:
    """A row being imported: its cells by the template's column names, and helpers that read and check them."""

    def __init__(self, planner: _Planner, index: int, output: _Output, template: Template, row: Row) -> None:
        self.planner = planner
        self.index = index
        self.output = output
        self.template = template
        self.row = row
        self.cells: dict[str, str] = {}
        for key, value in row.values.items():
            column = template.column(key)
            if column is not None:
                self.cells.setdefault(column.key, value)

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.index, self.row.sheet or "", self.row.number)

    @property
    def place(self) -> tuple[str, int]:
        return (self.row.sheet or "", self.row.number)

    @property
    def where(self) -> str:
        sheet = f", sheet '{self.row.sheet}'" if self.row.sheet else ""
        return f"row {self.row.number} of {Path(self.row.file).name}{sheet}"

    def get(self, key: str) -> str:
        return self.cells.get(key, "").strip()

    def header(self, key: str) -> str:
        """The column's header as the file writes it (or as the template does, when the file lacks it)."""
        column = self.template.column(key)
        for candidate in _keys(column):
            if candidate in self.row.columns:
                return self.row.columns[candidate]
        return column.header if column is not None else key

    def problem(self, key: str | None, message: str) -> None:
        self.planner._problem(self.row.problem(None if key is None else self.header(key), message), self.index)

    def require(self, key: str, why: str = "") -> None:
        """Report an empty cell that the row needs (a missing column is reported once, for the file)."""
        if _keys(self.template.column(key)) & set(self.row.columns):
            self.problem(
                key, f"This cell is empty, and a {self.template.name} row needs it{': ' + why if why else ''}."
            )

    def says(self, s: URIRef, p: URIRef, o: object) -> None:
        """Record a fact that this row states, in its own named graph."""
        self.output.rows.setdefault(self.place, []).append((s, p, o))
        self.planner.stated_in.setdefault(s, self)

    def many(self, key: str) -> list[str]:
        return list(dict.fromkeys(" ".join(v.split()) for v in self.get(key).split(_SEPARATOR) if v.strip()))

    def choice(self, key: str, allowed: dict[str, URIRef], what: str) -> URIRef | None:
        value = self.get(key)
        if not value:
            return None
        for name, iri in allowed.items():
            if fold(value).replace(" ", "") == fold(name).replace(" ", ""):
                return iri
        names = list(allowed)
        close = difflib.get_close_matches(fold(value), [fold(name) for name in names], n=1, cutoff=0.6)
        hint = f"; did you mean '{next(n for n in names if fold(n) == close[0])}'?" if close else "."
        self.problem(key, f"{_quoted(value)} is not a {what}{hint} Write {_one_of(names)}.")
        return None

    def concept(self, key: str, scheme: str, value: str | None = None) -> URIRef | str | None:
        """The concept a cell names: "" for an empty cell, None (and a problem) for an unknown name."""
        value = self.get(key) if value is None else value
        if not value:
            return ""
        vocabulary = self.planner.vocabulary[scheme]
        if name_key(value) in vocabulary:
            return vocabulary[name_key(value)][0]
        close = difflib.get_close_matches(name_key(value), list(vocabulary), n=6, cutoff=0.6)
        labels = list(dict.fromkeys(vocabulary[c][1] for c in close))[:3]
        hint = f"; did you mean {_one_of(labels)}?" if labels else "."
        self.problem(
            key,
            f"{_quoted(value)} is not a {scheme} copgraph knows{hint} The {scheme}s are the labels in "
            f"data/vocabularies/{_VOCABULARIES[scheme][1]}; to add one, ask a curator.",
        )
        return None

    def integer(self, key: str, minimum: int) -> int | None:
        value = self.get(key)
        if not value:
            return None
        if re.fullmatch(r"\d{1,9}", value) and int(value) >= minimum:
            return int(value)
        self.problem(key, f"{_quoted(value)} is not a whole number of {minimum} or more; write digits only, like 12.")
        return None

    def date(self, key: str) -> Literal | None:
        value = self.get(key)
        if not value:
            return None
        parsed = _date(value)
        if parsed is None:
            self.problem(
                key,
                f"{_quoted(value)} is not a date; write a day as 2025-03-14 or 14/03/2025, a month as 2025-03 or March "
                "2025, a year as 2025.",
            )
        return parsed


_MONTHS = "january february march april may june july august september october november december".split()


def _date(text: str) -> Literal | None:
    """A date as written in a spreadsheet (ISO, UK day/month/year, "March 2025", a year), or None."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", text):
            return Literal(dt.datetime.fromisoformat(text).isoformat(), datatype=XSD.dateTime)
        if found := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
            day, month, year = map(int, found.groups())
            return Literal(dt.date(year, month, day).isoformat(), datatype=XSD.date)
        if (found := re.fullmatch(r"(\d{4})-(\d{2})", text)) and 1 <= int(found.group(2)) <= 12:
            return Literal(text, datatype=XSD.gYearMonth)
        if found := re.fullmatch(r"([A-Za-z]{3,9})\.?\s+(\d{4})", text):
            months = [n for n, name in enumerate(_MONTHS, start=1) if name.startswith(found.group(1).lower())]
            if len(months) == 1:
                return Literal(f"{found.group(2)}-{months[0]:02d}", datatype=XSD.gYearMonth)
        if re.fullmatch(r"\d{4}", text):
            return Literal(text, datatype=XSD.gYear)
    except ValueError:  # a day or month that does not exist, such as 31/02/2025
        return None
    return None
