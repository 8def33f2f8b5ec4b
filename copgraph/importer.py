"""Import a new cohort from the programme team's spreadsheets: participants, organisations, communities, sessions
and speakers, and impact stories (the templates are in ``data/templates/``).

:func:`plan_import` reads the files (through :mod:`copgraph.tables`), resolves every name against what the graph
already holds and checks every value, and returns an :class:`ImportPlan`: what would be added or changed, entity
by entity, and every problem found, each with its file, row and column. :func:`apply_import` writes the plan, and
only a plan without problems: all or nothing.

- **Names.** A person, organisation or community whose name matches one the graph knows, ignoring case, spacing,
  accents, punctuation and known abbreviations (:data:`ABBREVIATIONS`: "HIN", "NHS FT", "ICB" ...), is that
  entity; a different spelling becomes a ``skos:altLabel``. A name that is only close to a known one (or to
  another name in the same import) is a problem, "did you mean ...", until a decision says which it is: the
  row's "Same as" column, or ``decisions`` (``copgraph import --merge NAME=TARGET``), naming the entity or
  ``new``. Nothing is merged, or duplicated, silently; a decided spelling is kept as a ``skos:hiddenLabel``.
- **Values.** Themes, methods, sectors and places must be labels of the vocabularies (``data/vocabularies``);
  an unknown one is a problem with the closest labels suggested. Dates, numbers, visibilities, statuses,
  e-mail addresses and phone numbers are checked. Text is stored as plain text, never interpreted.
- **Provenance.** Each row's facts go in a named graph of their own, ``graph/import/<file>/row-<n>`` (the sheet
  too, for a workbook of several sheets), described in the graph ``graph/import/<file>`` with the file's name,
  the row number and the time of import. The result is one TriG file per spreadsheet,
  ``<data>/import-<file>.trig``, which the build loads like any report file.
- **Privacy.** Every imported person gets a visibility (``cop:visibility``): ``programme`` unless the row's
  "Visibility" says ``public`` or ``hidden``. E-mail addresses and phone numbers are stored only when a column
  gives them.
- **Repeatable.** Importing a file again replaces what the same file imported before; IRIs come from names and
  a row's import time is kept while the row is unchanged, so importing the same file twice changes nothing.
  Before anything is written, the graph as it would be is loaded and validated against the SHACL shapes.

Example
-------
>>> from pathlib import Path
>>> plan = plan_import([Path("participants.csv")], Path("data"))  # doctest: +SKIP
>>> print(plan.describe())  # doctest: +SKIP
participants.csv -> import-participants.trig (a new file)
  add person 'Priya Shah' (person:priya-shah), row 2
      + name: Priya Shah
      + post: Lead Pharmacist at Health Innovation Network South London
      + participant of: 2025-26 cohort
      + visibility: programme
  add cohort '2025-26 cohort' (cohort:2025-26), row 2
      + name: 2025-26 cohort
      + programme: Communities of Practice Leadership Development Programme
      + date: 2025
2 to add, 0 to update, 0 to remove, 0 unchanged.
>>> apply_import(plan, Path("data"))  # doctest: +SKIP
[PosixPath('data/import-participants.trig')]
>>> name_key("King's College Hospital NHS FT")
'kings college hospital nhs foundation trust'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import os
import re
import shutil
import signal
import tempfile
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV

from copgraph.errors import CopgraphError
from copgraph.lookup import display_label, entities, fold
from copgraph.namespaces import BASE, COP, GRAPH, ID, PREFIXES, SDO
from copgraph.tables import Problem, Row, Table, TableError, canonical, read_tables

__all__ = [
    "ABBREVIATIONS",
    "TEMPLATES",
    "VISIBILITIES",
    "Change",
    "Column",
    "ImportPlan",
    "Template",
    "apply_import",
    "name_key",
    "plan_import",
    "slug",
]

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

#: What a row's "Visibility" may say, and what it means.
VISIBILITIES: dict[str, URIRef] = {"public": COP.Public, "programme": COP.ProgrammeOnly, "hidden": COP.Hidden}

#: How close (0-1, difflib's ratio of the folded names) a name must be to a known one to be asked about.
CLOSE = 0.85

_SEPARATOR = ";"  # between several values in one cell
_IMPORT = BASE + "graph/import/"
_UNRESOLVED = URIRef(BASE + "id/unresolved")  # stands in for an entity a problem left unknown; never written


# Templates -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a template: its header, whether a file must have it, and other headers that mean it."""

    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return canonical(self.header)


@dataclass(frozen=True)
class Template:
    """One kind of spreadsheet: what each row describes, the column naming it, and all its columns."""

    name: str
    entity: str
    key: str
    columns: tuple[Column, ...]
    hints: tuple[str, ...]

    def column(self, key: str) -> Column | None:
        for column in self.columns:
            if key == column.key or key in {canonical(alias) for alias in column.aliases}:
                return column
        return None


TEMPLATES: tuple[Template, ...] = (
    Template(
        "impact stories",
        "impact story",
        "story",
        (
            Column("Story", True, ("Impact story", "Story title")),
            Column("Community", True),
            Column("Cohort"),
            Column("Once upon a time"),
            Column("Every day"),
            Column("One day"),
            Column("Because of that"),
            Column("Until finally"),
            Column("Notes"),
        ),
        ("stor",),
    ),
    Template(
        "sessions",
        "session",
        "session",
        (
            Column("Session", True, ("Session title",)),
            Column("Type", True, ("Kind",)),
            Column("Cohort"),
            Column("Community"),
            Column("Module number", aliases=("Module",)),
            Column("Date"),
            Column("Speakers", aliases=("Speaker",)),
            Column("Speaker organisations", aliases=("Speaker organisation", "Speaker organizations")),
            Column("Methods", aliases=("Method",)),
            Column("Themes", aliases=("Theme",)),
            Column("Place"),
            Column("Format"),
            Column("Description"),
            Column("Notes"),
        ),
        ("session",),
    ),
    Template(
        "participants",
        "person",
        "name",
        (
            Column("Name", True, ("Full name",)),
            Column("Job title", True, ("Job role", "Role title")),
            Column("Organisation", True, ("Organization", "Employer")),
            Column("Cohort", True),
            Column("Role", aliases=("Programme role",)),
            Column("Community"),
            Column("Community role"),
            Column("Sector"),
            Column("Place"),
            Column("Visibility"),
            Column("Email", aliases=("E-mail", "Email address", "E-mail address")),
            Column("Phone", aliases=("Telephone", "Phone number", "Mobile")),
            Column("Same as"),
            Column("Notes"),
        ),
        ("particip", "people"),
    ),
    Template(
        "communities",
        "community",
        "community",
        (
            Column("Community", True, ("Community of practice", "Name of community")),
            Column("Cohort", True),
            Column("Status", True),
            Column("Description"),
            Column("Themes", aliases=("Theme",)),
            Column("Methods", aliases=("Method",)),
            Column("Place"),
            Column("Convenors", aliases=("Convenor", "Convener", "Conveners")),
            Column("Organisations", aliases=("Organisation", "Organizations", "Collaborating organisations")),
            Column("Member count", aliases=("Members", "Number of members")),
            Column("Also known as", aliases=("Other names",)),
            Column("Same as"),
            Column("Notes"),
        ),
        ("communit",),
    ),
    Template(
        "organisations",
        "organisation",
        "organisation",
        (
            Column("Organisation", True, ("Organization",)),
            Column("Sector", True),
            Column("Place", True),
            Column("Also known as", aliases=("Other names",)),
            Column("Part of"),
            Column("Description"),
            Column("Same as"),
            Column("Notes"),
        ),
        ("organi",),
    ),
)

_ROLES = {"participant": COP.participant, "speaker": COP.speaker, "facilitator": COP.facilitator}
_ROLES["programme team"] = COP.programmeTeam
_COMMUNITY_ROLES = {"convenor": COP.convenor, "member": COP.member}
_STATUSES = {"idea": COP.Idea, "active": COP.Active}
_SESSION_TYPES = {
    "module": COP.Module,
    "webinar": COP.Webinar,
    "welcome session": COP.WelcomeSession,
    "celebration event": COP.CelebrationEvent,
    "co-consulting session": COP.CoConsultingSession,
    "community meeting": COP.CommunityMeeting,
}
_PROMPTS = ("Once upon a time", "Every day", "One day", "Because of that", "Until finally")
_VOCABULARIES = {
    "theme": (("theme",), "themes.ttl"),
    "method": (("method",), "methods.ttl"),
    "sector": (("sector",), "sectors.ttl"),
    "place": (("nation", "region", "city", "place"), "places.ttl"),
}


# Names ---------------------------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """A name folded for resolving entities: :func:`copgraph.lookup.fold`, apostrophes dropped, a leading "the"
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


# The plan ------------------------------------------------------------------------------------------------------


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


def apply_import(plan: ImportPlan, data_dir: Path | str) -> list[Path]:
    """Write a plan's import files into the data folder; return the files written (none when nothing changes).

    Each file goes to a temporary file beside it that then replaces it (``os.replace``), so a crash leaves no
    half-written file; every file is written before the first replaces its old version, and Ctrl-C waits until
    the last one has.

    Raises
    ------
    TableError
        When the plan has problems: nothing is written.
    CopgraphError
        When the data folder changed after the plan was made (plan again), or cannot be written.
    """
    data_dir = Path(data_dir)
    if plan.problems:
        raise TableError(plan.problems)
    if _fingerprint(data_dir) != plan.fingerprint:
        raise CopgraphError(
            f"The data in {data_dir} changed after this import was planned; plan the import again, so that it "
            "takes the change into account."
        )
    staged: list[tuple[str, Path]] = []
    try:
        for name, text in sorted(plan.outputs.items()):
            handle, temporary = tempfile.mkstemp(dir=data_dir, prefix=f".{name}.", suffix=".tmp")
            staged.append((name, Path(temporary)))
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
        with _interrupts_held():
            for name, temporary in staged:
                os.replace(temporary, data_dir / name)
        _sync(data_dir)
    except OSError as error:
        raise CopgraphError(
            f"Cannot write the import into {data_dir} ({error.strerror or error}); check that the folder exists and "
            "that you may write to it."
        ) from None
    finally:
        for _, temporary in staged:
            with contextlib.suppress(OSError):
                temporary.unlink()
    return [data_dir / name for name, _ in staged]


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block is done, so that a set of files is replaced whole."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _sync(folder: Path) -> None:
    """Make the renames in a folder durable (where the platform can open a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted([*data_dir.glob("*.trig"), *(data_dir / "vocabularies").glob("*.ttl")]):
        digest.update(path.name.encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# Planning ------------------------------------------------------------------------------------------------------


@dataclass
class _Entity:
    """An entity the import touches: known to the graph, or new (made by the row ``where``)."""

    iri: URIRef
    kind: str
    label: str
    new: bool
    where: str = ""


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


class _Planner:
    """Plans one import; a new one for each."""

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
            self.base = _load(staging)
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
        for graph in section_graphs(self.base):
            for triple in self.base.graph(graph):
                self.asserted.setdefault(triple, graph)
        self.vocabulary: dict[str, dict[str, tuple[URIRef, str]]] = {scheme: {} for scheme in _VOCABULARIES}
        for entity in entities(self.base):
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

    # -- names

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
        iri = _expand(target)
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
        from copgraph.validate import validate

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
        before = set(validate(self.base).violations)
        for violation in report.violations:
            if violation in before:
                continue
            iri = _expand(violation.focus)
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


# Readable facts ------------------------------------------------------------------------------------------------

_KIND_WORDS = {kind: kind for kind in ("person", "organisation", "community", "cohort", "session", "impact story")}
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


# TriG ----------------------------------------------------------------------------------------------------------

_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_FIRST = (RDF.type, FOAF.name, RDFS.label, SKOS.altLabel, SKOS.hiddenLabel)


def _trig(output: _Output, record: list[tuple], graphs: list[tuple[URIRef, URIRef | None, list[tuple]]]) -> str:
    """An import file: the spreadsheet's graph describing its rows, then one graph per row, sorted and stable.

    Literals are written with every quote, backslash and control character escaped, so any text stays text.
    """
    prefixes = {**PREFIXES, "import": str(output.spreadsheet) + "/"}
    by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))
    used: set[str] = set()

    def term(value: object) -> str:
        if isinstance(value, Literal):
            text = "".join(
                _ESCAPES.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in value
            )
            if value.datatype is None:
                return f'"{text}"'
            return text if value.datatype == XSD.integer else f'"{text}"^^{term(value.datatype)}'
        for prefix, namespace in by_length:
            local = str(value)[len(namespace) :]
            if str(value).startswith(namespace) and _LOCAL_NAME.fullmatch(local):
                used.add(prefix)
                return f"{prefix}:{local}"
        return f"<{value}>"

    def block(name: URIRef, triples: list[tuple], first: URIRef | None) -> list[str]:
        facts: dict[URIRef, dict[URIRef, list]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            if o not in facts[s][p]:
                facts[s][p].append(o)
        lines = [f"{term(name)} {{"]
        for subject in sorted(facts, key=lambda s: (s != first, _natural(str(s)))):
            order = sorted(facts[subject], key=lambda p: (_FIRST.index(p) if p in _FIRST else len(_FIRST), term(p)))
            said = []
            for predicate in order:
                objects = sorted(facts[subject][predicate], key=lambda o: (isinstance(o, Literal), _natural(term(o))))
                said.append(f"{'a' if predicate == RDF.type else term(predicate)} {' , '.join(map(term, objects))}")
            lines.append(f"    {term(subject)} " + " ;\n        ".join(said) + " .")
        return [*lines, "}"]

    body = ["", *block(output.spreadsheet, record, output.spreadsheet)]
    for graph, main, triples in graphs:
        body += ["", *block(graph, triples, main)]
    file = "".join(c for c in output.path.name if c.isprintable())  # a line break in a file name ends a comment
    header = [
        f"# Imported by 'copgraph import' from {file}: one named graph per row, described in the first.",
        "# Do not edit by hand: correct the spreadsheet and import it again, which replaces this file.",
        "",
    ]
    return "\n".join([*header, *(f"@prefix {p}: <{prefixes[p]}> ." for p in sorted(used)), *body]) + "\n"


# Files ---------------------------------------------------------------------------------------------------------


def _load(folder: Path) -> Dataset:
    from copgraph.build import load

    return load(folder, store="memory")


def _link(source: Path, target: Path) -> None:
    try:
        target.symlink_to(source, target_is_directory=source.is_dir())
    except OSError:  # a filesystem without symbolic links
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _previous(path: Path) -> Dataset:
    """What an import file written before holds (nothing when there is none)."""
    dataset = Dataset()
    if not path.exists():
        return dataset
    text = _read_text(path)
    try:
        if text is None:
            raise ValueError(text)
        dataset.parse(data=text, format="trig")
    except Exception:  # rdflib's parser fails in many ways on a damaged file; all mean the same here
        raise CopgraphError(
            f"{path}: cannot be read as an import file (was it edited by hand?); delete it and import its "
            "spreadsheet again."
        ) from None
    return dataset


def _keys(column: Column | None) -> set[str]:
    """The headers a column may have in a file, folded (see :func:`copgraph.tables.canonical`)."""
    return set() if column is None else {column.key, *(canonical(alias) for alias in column.aliases)}


def _local(iri: object) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _short(term: object) -> str:
    """An IRI as copgraph writes it in messages (``person:priya-shah``), like :mod:`copgraph.validate` does."""
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def _expand(name: str) -> URIRef | None:
    """An identifier (``person:priya-shah``) or IRI as an IRI; None for anything else."""
    name = name.strip().strip("<>")
    if name.startswith(("http://", "https://")):
        return URIRef(name)
    prefix, _, local = name.partition(":")
    if local and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return None
