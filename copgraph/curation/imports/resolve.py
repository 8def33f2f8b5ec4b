"""Names: how an import compares them (:func:`name_key`), makes identifiers of them (:func:`slug`) and writes them
in messages, and which entity each name in a spreadsheet means: one copgraph knows, one this import adds, or a
problem ("did you mean ...") until a decision says which."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, SKOS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import ORG

from copgraph.curation.imports.templates import _KIND_WORDS
from copgraph.graph.lookup import expand, fold
from copgraph.namespaces import BASE, COP, ID, PREFIXES, SDO

if TYPE_CHECKING:
    from copgraph.curation.imports.rows import _Row

__all__ = ["ABBREVIATIONS", "CLOSE", "name_key", "slug"]

#: Abbreviations read as the words they stand for when names are compared ("HIN" is "Health Innovation Network").
ABBREVIATIONS: dict[str, str] = {
    "hin": "health innovation network",
    "ahsn": "academic health science network",
    "icb": "integrated care board",
    "ics": "integrated care system",
    "ccg": "clinical commissioning group",
    "pcn": "primary care network",
    "ft": "foundation trust",
    "nhsft": "nhs foundation trust",
    "cic": "community interest company",
    "cop": "community of practice",
    "cops": "communities of practice",
    "uni": "university",
    "univ": "university",
    "dept": "department",
    "hosp": "hospital",
    "st": "saint",
    "ltd": "limited",
}

#: How close (0-1, difflib's ratio of the folded names) a name must be to a known one to be asked about.
CLOSE = 0.85

_UNRESOLVED = URIRef(BASE + "id/unresolved")  # stands in for an entity a problem left unknown; never written


def name_key(name: str) -> str:
    """A name folded for resolving entities: :func:`copgraph.graph.lookup.fold`, apostrophes dropped, a leading "the"
    dropped, and :data:`ABBREVIATIONS` spelled out.

    >>> name_key("  The HIN ") == name_key("health innovation network")
    True
    """
    words = fold(re.sub(r"['’‘`´]", "", name)).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(" ".join(ABBREVIATIONS.get(word, word) for word in words).split())


def slug(name: str) -> str:
    """The slug of a name, as ``data/README.md`` describes: lower-case ASCII words joined by hyphens.

    >>> slug("Überology Ltd"), slug("King's College Hospital")
    ('uberology', 'kings-college-hospital')
    """
    text = unicodedata.normalize("NFKD", re.sub(r"['’‘`´]", "", name).replace("&", " and "))
    words = re.findall(r"[a-z0-9]+", text.encode("ascii", "ignore").decode().lower())
    while len(words) > 1 and words[-1] in {"ltd", "limited", "plc"}:
        words.pop()
    text = "-".join(words)
    if len(text) > 60:
        text = text[:60].rsplit("-", 1)[0]
    return text


def _spelling(name: str) -> str:
    """A name folded for telling spellings apart: case, spacing, accents and punctuation do not count."""
    return fold(re.sub(r"['’‘`´]", "", name))


def _quoted(value: str) -> str:
    value = " ".join(value.split())
    return f"'{value}'" if len(value) <= 60 else f"'{value[:59]}…'"


def _one_of(names: Iterable[str]) -> str:
    names = [f"'{name}'" for name in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _local(iri: object) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _short(term: object) -> str:
    """An IRI as copgraph writes it in messages (``person:priya-shah``), like :mod:`copgraph.curation.validate` does."""
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


@dataclass
class _Entity:
    """An entity the import touches: known to the graph, or new (made by the row ``where``)."""

    iri: URIRef
    kind: str
    label: str
    new: bool
    where: str = ""


class _Names:
    """The planner's name resolution: which entity a name means, the entities an import adds, and the other
    spellings it keeps. Mixed into :class:`copgraph.curation.imports.planner._Planner`, whose state it reads and
    adds to."""

    def _resolve(
        self, kind: str, name: str, row: _Row, column: str, *, main: bool = False
    ) -> tuple[URIRef | None, bool]:
        """The entity a name means, and whether a decision said so. ``None`` when it is new to copgraph;
        ``_UNRESOLVED`` (with a problem) when it is ambiguous, close to a known name, or wrongly decided."""
        what = _KIND_WORDS[kind]
        key = name_key(name)
        same_as = row.get("same as") if main else ""
        decision = same_as or self.decisions.get(key, "")
        if decision:
            if fold(decision) == "new":
                return None, True
            target = self._target(kind, decision)
            if target is None:
                said = f"'{row.header('same as')}' says" if same_as else f'--merge "{name}={decision}" says'
                row.problem(
                    "same as" if same_as else column,
                    f"{said} this is {_quoted(decision)}, but no {what} copgraph knows, or this import adds, has that "
                    f"name or identifier. Give the name or identifier of the {what} it is, as 'copgraph show' gives "
                    f"it, or 'new' for a {what} copgraph does not know yet.",
                )
                return _UNRESOLVED, True
            return target, True
        matches = self.names[kind].get(key, {}) if key else {}
        if len(matches) == 1:
            return next(iter(matches)), False
        if matches:
            listing = " or ".join(self._mention(iri, written) for iri, written in sorted(matches.items()))
            how = (
                f"write its identifier in the '{row.header('same as')}' column"
                if main
                else f'import with --merge "{name}=IDENTIFIER"'
            )
            row.problem(column, f"{_quoted(name)} could be {listing}; say which: {how}.")
            return _UNRESOLVED, False
        close = self._close(kind, key)
        if close:
            listing = " or ".join(self._mention(iri, written) for iri, written in close)
            iri, written = close[0]
            target = written if self.known[iri].new else _short(iri)
            if main:
                same, other = (
                    f"write '{target}' in the '{row.header('same as')}' column",
                    "write 'new' there",
                )
            else:
                same, other = f'import with --merge "{name}={target}"', f'import with --merge "{name}=new"'
            row.problem(
                column,
                f"No {what} is called {_quoted(name)}; did you mean {listing}? If so, correct the spelling or {same}; "
                f"if it is a different {what}, {other}.",
            )
            return _UNRESOLVED, False
        return None, False

    def _close(self, kind: str, key: str) -> list[tuple[URIRef, str]]:
        """Entities of a kind whose name is spelled almost like ``key``, or has all its words (or it all theirs)."""
        names = self.names[kind]
        close = set(difflib.get_close_matches(key, list(names), n=4, cutoff=CLOSE))
        words = set(key.split())
        found: dict[URIRef, tuple[float, str]] = {}
        for other, iris in names.items():
            other_words = set(other.split())
            if other in close or (
                min(len(words), len(other_words)) >= 2 and (words < other_words or other_words < words)
            ):
                score = difflib.SequenceMatcher(None, key, other).ratio()
                for iri, written in iris.items():
                    if iri not in found or found[iri][0] < score:
                        found[iri] = (score, written)
        ranked = sorted(found.items(), key=lambda item: (-item[1][0], str(item[0])))
        return [(iri, written) for iri, (_, written) in ranked[:3]]

    def _mention(self, iri: URIRef, written: str) -> str:
        entity = self.known[iri]
        return f"'{written}' ({entity.where})" if entity.new else f"'{written}' ({_short(iri)})"

    def _target(self, kind: str, target: str) -> URIRef | None:
        """The entity a decision names: by identifier or IRI, or by a name only it has."""
        iri = expand(target)
        if iri is not None and iri in self.known and self.known[iri].kind == kind:
            return iri
        matches = self.names[kind].get(name_key(target), {})
        return next(iter(matches)) if len(matches) == 1 else None

    def _name(self, kind: str, iri: URIRef, name: str) -> None:
        """Index a name of an entity; of the names that fold alike, keep the one spelled most like the fold (so a
        suggestion shows "Health Innovation Network" rather than "HIN")."""
        key = name_key(name)
        if not key:
            return
        written = self.names[kind][key].get(iri)
        if written is None or (_spelling(written) != key and _spelling(name) == key):
            self.names[kind][key][iri] = name

    def _register(self, kind: str, iri: URIRef, label: str, row: _Row) -> None:
        self.known[iri] = _Entity(iri, kind, label, new=True, where=row.where)
        self.first[iri] = row
        self.spellings[iri].add(_spelling(label))
        self._name(kind, iri, label)

    def _spelling(self, row: _Row, iri: URIRef, name: str, decided: bool) -> None:
        """Keep another spelling of an entity: as ``skos:altLabel``, or ``skos:hiddenLabel`` when only a decision
        said it is the same (a misspelling is found again, but not shown)."""
        entity = self.known[iri]
        if not _spelling(name) or _spelling(name) in self.spellings[iri]:
            return
        row.says(iri, SKOS.hiddenLabel if decided else SKOS.altLabel, Literal(name))
        self.spellings[iri].add(_spelling(name))
        self._name(entity.kind, iri, name)

    def _mint(self, namespace: Namespace, text: str, kind: str) -> URIRef:
        base = slug(text) or f"{slug(kind)}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
        iri, counter = namespace[base], 1
        while iri in self.taken:
            counter += 1
            iri = namespace[f"{base}-{counter}"]
        self.taken.add(iri)
        return iri

    def _entity(self, row: _Row, kind: str, name: str, namespace: Namespace, slug_text: str | None = None) -> URIRef:
        """The entity a row describes (its main entity): resolved, or new."""
        iri, decided = self._resolve(kind, name, row, row.template.key, main=True)
        if iri is None:
            iri = self._mint(namespace, slug_text or name, kind)
            self._register(kind, iri, name, row)
        elif iri != _UNRESOLVED:
            self._spelling(row, iri, name, decided)
        return iri

    def _reference(self, row: _Row, kind: str, column: str, name: str) -> URIRef | None:
        """An entity a row names in a cell, which the graph or this import must describe."""
        if not name:
            return None
        iri, decided = self._resolve(kind, name, row, column)
        if iri is None:
            template = {"person": "participants", "organisation": "organisations", "community": "communities"}[kind]
            speaker = " (with Role 'speaker')" if column == "speakers" else ""
            row.problem(
                column,
                f"No {kind} called {_quoted(name)} is in the graph or in this import; correct the name, or describe "
                f"the {kind} in a {template} file{speaker} and import it with this one.",
            )
            return _UNRESOLVED
        if iri != _UNRESOLVED:
            self._spelling(row, iri, name, decided)
        return iri

    def _cohort(self, row: _Row) -> URIRef:
        """The cohort a row names; a new one when it is written as years ("2025-26")."""
        value = row.get("cohort")
        years = re.fullmatch(r"(\d{4})(?:\s*[-/–]\s*(\d{4}|\d{2}))?(?:\s+cohort)?", value, re.IGNORECASE)
        written = (
            value if not years else f"{years.group(1)}-{years.group(2)[-2:]}" if years.group(2) else years.group(1)
        )
        for name in (written, value):
            matches = self.names["cohort"].get(name_key(name), {})
            if len(matches) == 1:
                return next(iter(matches))
        if not years:
            known = sorted(entity.label for entity in self.known.values() if entity.kind == "cohort")
            row.problem(
                "cohort",
                f"{_quoted(value)} is not a cohort copgraph knows ({', '.join(known) or 'none yet'}); write a new "
                "cohort as its years, like 2025-26.",
            )
            return _UNRESOLVED
        if len(self.programmes) != 1:
            row.problem(
                "cohort",
                f"The cohort {_quoted(written)} is new, and copgraph cannot tell which programme it is an edition of "
                f"(the graph holds cohorts of {len(self.programmes)} programmes); ask a curator to add the cohort.",
            )
            return _UNRESOLVED
        iri = ID.cohort[slug(written)]
        self._register("cohort", iri, f"{written} cohort", row)
        self._name("cohort", iri, written)
        self.taken.add(iri)
        row.says(iri, RDF.type, COP.Cohort)
        row.says(iri, RDFS.label, Literal(f"{written} cohort"))
        row.says(iri, COP.programme, self.programmes[0])
        row.says(iri, SDO.startDate, Literal(years.group(1), datatype=XSD.gYear))
        return iri

    def _post(self, person: URIRef, organisation: URIRef, title: str) -> tuple[URIRef, Literal]:
        """The person's post at the organisation with that job title (case and spacing aside), and the title as it
        is first written: the post the graph holds, or a new one."""
        key = (person, organisation, fold(title))
        if key not in self.posts:
            held = sorted(
                (post, held_title)
                for post in self.base.subjects(ORG.member, person)
                if (post, ORG.organization, organisation) in self.base
                for held_title in self.base.objects(post, COP.jobTitle)
                if fold(str(held_title)) == fold(title)
            )
            if held:
                self.posts[key] = held[0]
            else:
                number = 1
                while ID.post[f"{_local(person)}-{number}"] in self.taken:
                    number += 1
                self.posts[key] = (ID.post[f"{_local(person)}-{number}"], Literal(title))
                self.taken.add(self.posts[key][0])
        return self.posts[key]
