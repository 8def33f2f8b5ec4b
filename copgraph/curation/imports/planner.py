"""Planning an import: read the spreadsheets, load the graph as it is, resolve and state every row (in two passes),
write the import files as text and check the graph they would make; :func:`plan_import` returns an
:class:`~copgraph.curation.imports.plan.ImportPlan`."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import FOAF, PROV

from copgraph.curation.imports.plan import Change, ImportPlan, _Facts
from copgraph.curation.imports.resolve import _Entity, _local, _Names, _quoted, _spelling, name_key, slug
from copgraph.curation.imports.rows import _Row, _Statements
from copgraph.curation.imports.templates import _KIND_WORDS, _VOCABULARIES, TEMPLATES, VISIBILITIES, Template, _keys
from copgraph.curation.imports.write import _fingerprint, _link, _load, _previous, _read_text, _trig
from copgraph.curation.spreadsheets import Problem, Table, TableError, canonical, read_tables
from copgraph.errors import CopgraphError
from copgraph.graph.lookup import expand, fold
from copgraph.namespaces import BASE, COP

__all__ = ["plan_import"]

_IMPORT = BASE + "graph/import/"
#: The column of each template that a shape's property comes from, for naming it in a problem.
_SHAPE_COLUMNS = {
    "person": {"foaf:name": "name", "cop:visibility": "visibility"},
    "organisation": {"cop:sector": "sector", "cop:place": "place", "rdfs:label": "organisation"},
    "community": {
        "cop:theme": "themes",
        "cop:status": "status",
        "cop:cohort": "cohort",
        "cop:memberCount": "member count",
    },
    "session": {"cop:method": "methods", "cop:speaker": "speakers", "cop:moduleNumber": "module number"},
    "impact story": {"cop:community": "community"},
}


def plan_import(
    paths: Sequence[Path | str],
    data_dir: Path | str,
    *,
    decisions: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> ImportPlan:
    """What importing ``paths`` into the data folder would do, and every problem that stops it.

    Parameters
    ----------
    paths : paths
        CSV or Excel files laid out like the templates in ``data/templates/``; a workbook may hold one template
        per sheet.
    data_dir : path
        The data folder to import into (report ``*.trig`` files and ``vocabularies/``). It is only read.
    decisions : dict, optional
        For a name close to a known one: the name as written -> the entity it is (a name, or an identifier such
        as ``organisation:health-innovation-network``), or ``new`` for an entity copgraph does not know yet.
    now : datetime, optional
        The time of import recorded for new and changed rows (default: now, in UTC).

    Raises
    ------
    CopgraphError
        When the data folder cannot be read; what is wrong with the spreadsheets is in the plan's problems.
    """
    if not paths:
        raise CopgraphError("Give at least one spreadsheet to import; the templates are in data/templates/.")
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    now = now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)
    return _Planner([Path(p) for p in paths], Path(data_dir), decisions or {}, now).plan()


@dataclass
class _Output:
    """One spreadsheet, its tables, and what each of its rows states."""

    path: Path
    slug: str
    tables: list[tuple[Table, Template]] = field(default_factory=list)
    rows: dict[tuple[str, int], list[tuple]] = field(default_factory=dict)  # (sheet or "", row) -> triples
    mains: dict[tuple[str, int], URIRef] = field(default_factory=dict)  # (sheet or "", row) -> what it describes

    @property
    def name(self) -> str:
        return f"import-{self.slug}.trig"

    @property
    def spreadsheet(self) -> URIRef:
        return URIRef(_IMPORT + self.slug)

    def graph(self, sheet: str, number: int) -> URIRef:
        part = f"/{slug(sheet) or 'sheet'}" if len(self.tables) > 1 else ""
        return URIRef(f"{_IMPORT}{self.slug}{part}/row-{number}")


class _Planner(_Names, _Statements):
    """Plans one import; a new one for each. What names mean (:class:`~copgraph.curation.imports.resolve._Names`) and
    what rows state (:class:`~copgraph.curation.imports.rows._Statements`) are planned in modules of their own."""

    def __init__(self, paths: list[Path], data_dir: Path, decisions: dict[str, str], now: dt.datetime) -> None:
        self.paths = paths
        self.data_dir = data_dir
        self.decisions = {name_key(name): target.strip() for name, target in decisions.items() if name_key(name)}
        self.now = now
        self.problems: dict[Problem, tuple] = {}  # each problem once, with the key it is sorted by
        self.outputs: list[_Output] = []
        self.rows: list[_Row] = []
        self.names: dict[str, dict[str, dict[URIRef, str]]] = defaultdict(lambda: defaultdict(dict))
        self.known: dict[URIRef, _Entity] = {}
        self.spellings: dict[URIRef, set[str]] = defaultdict(set)  # folded names an entity has, or is given
        self.taken: set[URIRef] = set()
        self.values: dict[tuple[URIRef, URIRef], tuple[object, str]] = {}  # single values stated, and where
        self.posts: dict[tuple, tuple[URIRef, Literal]] = {}
        self.mains: dict[tuple, URIRef] = {}  # row key -> the entity the row describes
        self.owners: dict[tuple, tuple] = {}  # row key -> a session's cohort and community
        self.first: dict[URIRef, _Row] = {}  # new entity -> the row that makes it
        self.stated_in: dict[URIRef, _Row] = {}  # subject -> the first row that states something about it
        self.default_visibility: dict[URIRef, _Row] = {}
        self.seen: dict[tuple, dict[tuple, int]] = {}  # each table's rows by their values, to find repeats

    def plan(self) -> ImportPlan:
        self._read()
        fingerprint = _fingerprint(self.data_dir)
        with tempfile.TemporaryDirectory(prefix="copgraph-import-") as folder:
            staging = Path(folder)
            self._stage(staging)
            self.graph = _load(staging)
            self.base = self.graph.dataset
            self._index()
            # Rows that name what they refer to come after what they may refer to: a "Same as" names another
            # row's entity, a session its community.
            for row in sorted(self.rows, key=lambda row: (row.template.entity == "session", bool(row.get("same as")))):
                self._declare(row)
            for row in self.rows:
                if row.key in self.mains:
                    getattr(self, f"_state_{slug(row.template.name).replace('-', '_')}")(row)
            for person, row in self.default_visibility.items():
                if (person, COP.visibility) not in self.values:
                    self._single(row, person, COP.visibility, VISIBILITIES["programme"], "visibility")
            texts, previous = self._texts()
            if not self.problems:
                self._validate(staging, texts)
        plan = ImportPlan(
            [str(output.path) for output in self.outputs],
            {str(output.path): output.name for output in self.outputs},
            fingerprint=fingerprint,
        )
        plan.problems = sorted(self.problems, key=self.problems.__getitem__)
        if plan.problems:
            return plan
        for output in self.outputs:
            current = self.data_dir / output.name
            if not current.exists():
                plan.created.append(output.name)
            if _read_text(current) != texts[output.name]:
                plan.outputs[output.name] = texts[output.name]
        plan.changes = self._changes(previous)
        return plan

    # -- reading the spreadsheets

    def _read(self) -> None:
        seen: dict[str, Path] = {}
        for index, path in enumerate(self.paths):
            name = slug(path.stem) or "spreadsheet-" + hashlib.sha256(path.name.encode()).hexdigest()[:8]
            output = _Output(path, name)
            self.outputs.append(output)
            if name in seen:
                self._problem(
                    Problem(
                        str(path),
                        None,
                        None,
                        f"This file would be imported into {output.name}, as {seen[name]} is; import one of them at "
                        "a time, or rename one.",
                    ),
                    index,
                )
            seen[name] = path
            try:
                tables = read_tables(path)
            except TableError as error:
                for problem in error.problems:
                    self._problem(problem, index)
                continue
            for table in tables:
                template = self._template(index, path, table, several=len(tables) > 1)
                if template is not None:
                    output.tables.append((table, template))
        for index, output in enumerate(self.outputs):
            for table, template in output.tables:
                self.rows += [_Row(self, index, output, template, row) for row in table.rows]

    def _template(self, index: int, path: Path, table: Table, several: bool) -> Template | None:
        def problem(column: str | None, message: str) -> None:
            self._problem(Problem(table.file, None, column, message, table.sheet), index)

        names = [table.sheet or ""] if several else [table.sheet or "", path.stem]
        template = None
        for name in names:
            hinted = [t for t in TEMPLATES if any(hint in fold(name).replace(" ", "") for hint in t.hints)]
            if len(hinted) == 1:
                template = hinted[0]
                break
        if template is None:
            template = next((t for t in TEMPLATES if _keys(t.column(t.key)) & set(table.columns)), None)
        if template is None:
            problem(
                None,
                "copgraph cannot tell which template this table follows: a participants file has a 'Name' column, "
                "an organisations file 'Organisation' and 'Sector', a communities file 'Community' and 'Status', a "
                "sessions file 'Session' and an impact stories file 'Story'. Start from a template in "
                "data/templates/, or name the file after what it holds (participants.csv ...).",
            )
            return None
        for column in template.columns:
            if column.required and not _keys(column) & set(table.columns):
                problem(
                    column.header,
                    f"There is no '{column.header}' column, which a {template.name} file needs; add it "
                    f"(data/templates/{slug(template.name)}.csv has every column).",
                )
        headers = [column.header for column in template.columns]
        for key in table.columns:
            if template.column(key) is None:
                close = difflib.get_close_matches(key, [canonical(h) for h in headers], n=1, cutoff=0.7)
                hint = f" Did you mean '{template.column(close[0]).header}'?" if close else ""
                problem(
                    table.headers[key],
                    f"A {template.name} file has no such column, so what it holds would not be imported.{hint} Rename "
                    "it to one of the template's columns, or call it 'Notes' (never imported), or delete it.",
                )
        return template

    def _problem(self, problem: Problem, index: int) -> None:
        self.problems.setdefault(problem, (index, problem.sheet or "", problem.row or 0, len(self.problems)))

    # -- the graph as it is

    def _stage(self, staging: Path) -> None:
        """Link the data folder into ``staging``, without the import files this import replaces."""
        if not self.data_dir.is_dir():
            raise CopgraphError(
                f"The data folder {self.data_dir} does not exist; give the folder that holds the report .trig files."
            )
        replaced = {output.name for output in self.outputs}
        vocabularies = self.data_dir / "vocabularies"
        if vocabularies.is_dir():
            _link(vocabularies.resolve(), staging / "vocabularies")
        for path in sorted(self.data_dir.glob("*.trig")):
            if path.name not in replaced:
                _link(path.resolve(), staging / path.name)

    def _index(self) -> None:
        from copgraph.build import section_graphs

        self.asserted: dict[tuple, URIRef] = {}  # what reports, curators and other imports state -> where
        for graph in section_graphs(self.graph.backend):
            for triple in self.base.graph(graph):
                self.asserted.setdefault(triple, graph)
        self.vocabulary: dict[str, dict[str, tuple[URIRef, str]]] = {scheme: {} for scheme in _VOCABULARIES}
        for entity in self.graph.entities():
            names = (entity.label, *entity.aliases, _local(entity.iri))
            for scheme, (kinds, _) in _VOCABULARIES.items():
                if entity.kind in kinds:
                    for name in names:
                        self.vocabulary[scheme].setdefault(name_key(name), (entity.iri, entity.label))
            kind = "session" if entity.kind == "module" else entity.kind
            if kind in _KIND_WORDS:
                self.known[entity.iri] = _Entity(entity.iri, kind, entity.label, new=False)
                self.spellings[entity.iri] |= {_spelling(name) for name in (entity.label, *entity.aliases)}
                for name in names:
                    self._name(kind, entity.iri, name)
        self.taken = {s for s in self.base.subjects() if isinstance(s, URIRef)}
        self.programmes = sorted({p for p in self.base.objects(None, COP.programme) if isinstance(p, URIRef)})

    # -- the files, checked

    def _texts(self) -> tuple[dict[str, str], dict[str, Dataset]]:
        """The TriG text of each import file, and what each held before."""
        texts, previous = {}, {}
        stamp = Literal(self.now.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
        for output in self.outputs:
            before = previous[output.name] = _previous(self.data_dir / output.name)
            records = before.graph(output.spreadsheet)
            sheet = output.spreadsheet
            record = [(sheet, RDF.type, COP.Spreadsheet), (sheet, RDFS.label, Literal(output.path.name))]
            record.append((sheet, COP.fileName, Literal(output.path.name)))
            graphs = []
            for place in sorted(output.rows):
                triples = list(dict.fromkeys(output.rows[place]))
                if not triples:
                    continue
                sheet_name, number = place
                graph = output.graph(sheet_name, number)
                where = f", sheet '{sheet_name}'" if sheet_name else ""
                row_record = [
                    (graph, RDF.type, COP.SpreadsheetRow),
                    (graph, RDFS.label, Literal(f"{output.path.name}{where}, row {number}")),
                    (graph, PROV.wasDerivedFrom, output.spreadsheet),
                    (graph, COP.rowNumber, Literal(number)),
                ]
                if sheet_name:
                    row_record.append((graph, COP.sheet, Literal(sheet_name)))
                if place in output.mains:
                    row_record.append((graph, FOAF.primaryTopic, output.mains[place]))
                time = records.value(graph, PROV.generatedAtTime)
                old_record = set(records.triples((graph, None, None))) - {(graph, PROV.generatedAtTime, time)}
                if time is None or set(before.graph(graph)) != set(triples) or old_record != set(row_record):
                    time = stamp
                record += [*row_record, (graph, PROV.generatedAtTime, time)]
                graphs.append((graph, output.mains.get(place), triples))
            texts[output.name] = _trig(output, record, graphs)
        return texts, previous

    def _validate(self, staging: Path, texts: dict[str, str]) -> None:
        """Load the graph as it would be and check it against the shapes; each new violation is a problem."""
        from copgraph.curation.validate import validate

        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")
        try:
            after = _load(staging)
        except CopgraphError as error:
            raise CopgraphError(
                f"copgraph import made a file it cannot read back ({error}); please report this."
            ) from None
        report = validate(after)
        if report.conforms:
            return
        before = set(validate(self.graph).violations)
        for violation in report.violations:
            if violation in before:
                continue
            iri = expand(violation.focus)
            row = self.stated_in.get(iri) if iri is not None else None
            found = f" Found: {violation.value}." if violation.value else ""
            if row is None:  # about something no row describes: said for the import as a whole
                message = f"After this import the graph would not be valid: {violation}"
                self._problem(Problem(str(self.outputs[0].path), None, None, message), 0)
                continue
            column = _SHAPE_COLUMNS.get(self.known[iri].kind if iri in self.known else "", {}).get(violation.path)
            if column is not None and not _keys(row.template.column(column)) & set(row.row.columns):
                column = None
            label = self.known[iri].label if iri in self.known else violation.focus
            row.problem(column, f"{_quoted(label)}: {violation.message}{found}")

    def _changes(self, previous: dict[str, Dataset]) -> list[Change]:
        changes = []
        for output in self.outputs:
            old = previous[output.name]
            prefix = str(output.spreadsheet) + "/"
            old_rows = {g.identifier: g for g in old.graphs() if str(g.identifier).startswith(prefix)}
            old_mains = dict(old.graph(output.spreadsheet).subject_objects(FOAF.primaryTopic))
            every = [t for triples in output.rows.values() for t in triples]
            facts = _Facts(self, every + [t for g in old_rows.values() for t in g])
            now: dict[URIRef, list[tuple]] = defaultdict(list)
            rows: dict[URIRef, list[str]] = defaultdict(list)
            for place in sorted(output.rows):
                sheet, number = place
                where = f"sheet '{sheet}' row {number}" if sheet else f"row {number}"
                if output.rows[place] and place in output.mains:  # what the row is about is listed first
                    now.setdefault(output.mains[place], [])
                for triple in output.rows[place]:
                    owner = facts.owner(triple, output.mains.get(place))
                    now[owner].append(triple)
                    if where not in rows[owner]:
                        rows[owner].append(where)
            then: dict[URIRef, list[tuple]] = defaultdict(list)
            for identifier, graph in old_rows.items():
                for triple in graph:
                    then[facts.owner(triple, old_mains.get(identifier))].append(triple)
            for owner in dict.fromkeys([*now, *then]):
                stated, stated_before = set(now[owner]), set(then[owner])
                added = [t for t in dict.fromkeys(now[owner]) if t not in stated_before and t not in self.asserted]
                removed = [t for t in dict.fromkeys(then[owner]) if t not in stated and t not in self.asserted]
                known = owner in self.known and not self.known[owner].new
                if not stated:
                    kind = "remove"
                elif not known and not stated_before:
                    kind = "add"
                else:
                    kind = "update" if added or removed else "unchanged"
                lines = [f"+ {line}" for line in facts.lines(added, owner)]
                lines += [f"- {line}" for line in facts.lines(removed, owner)]
                changes.append(
                    Change(
                        kind,
                        facts.kind(owner),
                        facts.label(owner),
                        str(owner),
                        tuple(lines),
                        str(output.path),
                        tuple(rows[owner]),
                    )
                )
        return changes
