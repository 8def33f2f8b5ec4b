"""Forget a person: the right to erasure (UK GDPR, article 17) carried out on every file the graph is built from.

:func:`plan_forget` finds the one person a name refers to and works out, file by file, the text each source file
would have without them: the report files, the imports (``import-*.trig``), the vocabularies and any included
files. It removes every triple whose subject or object is the person or a node that exists only for them (their
posts), and every text that spells out their full name (a note, a quote, a description: the curator is told
which, by subject and property, so that the text can be written again without the name). Nothing is written.

:func:`apply_forget` then writes the new files all or nothing: each goes to a temporary file beside its target;
those are read back and checked to hold nothing about the person; only then do they replace the old files. It
appends an entry to the data folder's audit log (``audit.jsonl``) that says when, how many triples in which files
and the request's reference, if one is given, and nothing about the person: not their name, not their identifier.

What is built from the files (a store on disk or on a server, and the analytics kept with it) must be built
again afterwards; ``copgraph forget`` does that for the store it is given, and :func:`apply_forget` empties the
build cache (:mod:`copgraph.build.cache`).

Hand-curated files keep their layout and comments: only the statements that held the person are rewritten
(:mod:`copgraph.curation.edit`).

Example
-------
>>> erasure = plan_forget("Phil Southworth", data)            # doctest: +SKIP
>>> erasure.triples, [change.path.name for change in erasure.changes]   # doctest: +SKIP
(23, ['report-2019-20.trig'])
>>> apply_forget(erasure, reference="DPO-2026-014")           # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import FOAF, RDF, RDFS, Dataset, Literal, URIRef

from copgraph import files
from copgraph.backends import Backend, new_backend
from copgraph.build import cache
from copgraph.build.privacy import OWNED_BY, full_names, mentions
from copgraph.build.sources import data_files, read_sources
from copgraph.curation.edit import remove_triples
from copgraph.errors import CopgraphError
from copgraph.files import replacing, write_atomically
from copgraph.graph import KnowledgeGraph
from copgraph.graph.lookup import Entity
from copgraph.namespaces import COP

__all__ = ["AUDIT_LOG", "Change", "Erasure", "apply_forget", "plan_forget", "remaining"]

#: The data folder's audit log: one JSON object per line, holding no personal data.
AUDIT_LOG = "audit.jsonl"


@dataclass(frozen=True)
class Change:
    """One source file's new text."""

    path: Path
    text: str
    triples: int
    kept_layout: bool


@dataclass
class Erasure:
    """What forgetting one person changes (see :func:`plan_forget`)."""

    person: Entity
    data_dir: Path
    reports: list[Path]
    vocabularies: list[Path]
    includes: list[Path]
    nodes: frozenset[URIRef]
    names: frozenset[tuple[str, ...]]
    changes: list[Change] = field(default_factory=list)
    #: The texts that named the person, as (subject, property) pairs, to be written again without the name.
    texts: list[tuple[URIRef, URIRef]] = field(default_factory=list)
    #: The spreadsheets the person was imported from (file names): they still hold them.
    spreadsheets: list[str] = field(default_factory=list)

    @property
    def sources(self) -> list[Path]:
        return [*self.reports, *self.vocabularies, *self.includes]

    @property
    def triples(self) -> int:
        return sum(change.triples for change in self.changes)

    def unwanted(self, s, p, o) -> bool:
        """Whether a triple is about the person: it has them (or a node of theirs) in it, or spells their name."""
        return s in self.nodes or o in self.nodes or (isinstance(o, Literal) and p != RDF.type and self.names_in(o))

    def names_in(self, text: object) -> bool:
        return mentions(str(text), self.names)


def plan_forget(name: str, data: Path | str | None = None, include: Sequence[Path | str] = ()) -> Erasure:
    """Work out what forgetting the person called ``name`` changes in the data folder and the included files.

    Raises
    ------
    CopgraphError
        When the name fits no person or more than one, or a file cannot be read.
    """
    graph = KnowledgeGraph.open(data=data, include=include)
    dataset = graph.dataset
    person = graph.lookup(name, kind="person")
    nodes = {person.iri}
    for predicate in OWNED_BY:
        nodes.update(node for node in dataset.subjects(predicate, person.iri) if isinstance(node, URIRef))
    data_dir = Path(data) if data is not None else files.data_dir()
    reports, vocabularies = data_files(data_dir)
    erasure = Erasure(
        person,
        data_dir,
        reports,
        vocabularies,
        [Path(path) for path in include],
        frozenset(nodes),
        frozenset(full_names(graph.backend, [person.iri])),
    )
    rows = {getattr(g, "identifier", g) for node in nodes for *_, g in dataset.quads((node, None, None, None))}
    erasure.spreadsheets = sorted(
        str(dataset.value(row, RDFS.label)) for row in rows if (row, RDF.type, COP.SpreadsheetRow) in dataset
    )
    for path in erasure.sources:
        change = _change(path, erasure)
        if change is not None:
            erasure.changes.append(change)
    erasure.texts = sorted(
        {
            (s, p)
            for s, p, o in dataset.triples((None, None, None))
            if s not in nodes and isinstance(o, Literal) and p not in (RDF.type, FOAF.name) and erasure.names_in(o)
        }
    )
    return erasure


def _change(path: Path, erasure: Erasure) -> Change | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CopgraphError(f"Cannot read {path}: {getattr(error, 'strerror', None) or error}.") from None
    suffix = path.suffix.lower()
    if suffix in {".nt", ".nq"}:
        new, removed = _remove_lines(text, erasure, "nquads" if suffix == ".nq" else "nt")
        kept = True
    else:
        new, removed, kept = remove_triples(
            text,
            erasure.unwanted,
            "trig" if suffix == ".trig" else "turtle",
            base=path.resolve().as_uri(),
            name=str(path),
        )
    return Change(path, new, removed, kept) if removed else None


def _remove_lines(text: str, erasure: Erasure, format: str) -> tuple[str, int]:
    """N-Triples and N-Quads hold one statement per line: drop the lines about the person."""
    needles = [node.n3() for node in erasure.nodes]
    kept, removed = [], 0
    for line in text.splitlines(keepends=True):
        if any(needle in line for needle in needles) or erasure.names_in(line):
            parsed = Dataset()
            parsed.parse(data=line, format=format)
            if any(erasure.unwanted(s, p, o) for s, p, o, _ in parsed.quads()):
                removed += 1
                continue
        kept.append(line)
    return "".join(kept), removed


def apply_forget(erasure: Erasure, reference: str | None = None) -> Path:
    """Write the new files (all or nothing, checked first), empty the build cache (:mod:`copgraph.build.cache`),
    which holds graphs built from the old files, and write the audit entry; return the audit log's path."""
    targets = [change.path for change in erasure.changes]
    with replacing(targets) as temporaries:
        for change, temporary in zip(erasure.changes, temporaries, strict=True):
            temporary.write_text(change.text, encoding="utf-8")
        _check(erasure, dict(zip(targets, temporaries, strict=True)))
    cache.clear()  # graphs built from the old files
    return _audit(erasure, reference)


def _check(erasure: Erasure, replaced: dict[Path, Path]) -> None:
    """Read every source file as it will be and make sure nothing about the person is left."""

    def now(paths: list[Path]) -> list[Path]:
        return [replaced.get(path, path) for path in paths]

    backend = read_sources(new_backend(), now(erasure.reports), now(erasure.vocabularies), now(erasure.includes))
    left = remaining(backend, erasure)
    if left:
        raise CopgraphError(
            f"{left} triples about the person would be left after forgetting them, so nothing was changed; "
            "please report this as a bug."
        )


def remaining(backend: Backend, erasure: Erasure) -> int:
    """How many triples about the person a graph still holds, in any named graph (0 after forgetting them)."""
    found = set()
    dataset = backend.dataset
    for node in erasure.nodes:
        found.update(dataset.quads((node, None, None, None)))
        found.update(dataset.quads((None, None, node, None)))
    for name in erasure.names:
        query = f"""SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
            FILTER(isLiteral(?o) && CONTAINS(LCASE(STR(?o)), {Literal(name[-1]).n3()})) }}"""
        found.update(row for row in backend.query(query).rows if erasure.unwanted(*row[:3]))
    return len(found)


def _audit(erasure: Erasure, reference: str | None) -> Path:
    path = erasure.data_dir / AUDIT_LOG
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise CopgraphError(f"The person is forgotten, but the audit log {path} cannot be read: {error}.") from None
    entry = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "what": "forgot one person",
        "reference": reference,
        "triples removed": erasure.triples,
        "files": {str(change.path.name): change.triples for change in erasure.changes},
    }
    try:
        write_atomically(path, before + json.dumps(entry, ensure_ascii=False) + "\n")
    except CopgraphError as error:
        raise CopgraphError(f"The person is forgotten, but the audit log was not written: {error}") from None
    return path
