"""Writing an import: each spreadsheet's TriG file (one named graph per row, described with its provenance), the
data folder's files read and fingerprinted, and :func:`apply_import`, which writes a plan all or nothing."""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import FOAF

from copgraph.curation.imports.plan import ImportPlan, _natural
from copgraph.curation.spreadsheets import TableError
from copgraph.errors import CopgraphError
from copgraph.files import replacing
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import PREFIXES

if TYPE_CHECKING:
    from copgraph.curation.imports.planner import _Output

__all__ = ["apply_import"]


def apply_import(plan: ImportPlan, data_dir: Path | str) -> list[Path]:
    """Write a plan's import files into the data folder; return the files written (none when nothing changes).

    The files are replaced together, whole or not at all (:func:`copgraph.files.replacing`).

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
    names = sorted(plan.outputs)
    try:
        with replacing([data_dir / name for name in names]) as temporaries:
            for name, temporary in zip(names, temporaries, strict=True):
                temporary.write_text(plan.outputs[name], encoding="utf-8", newline="\n")
    except CopgraphError as error:
        raise CopgraphError(f"{error} Check that the folder {data_dir} exists and that you may write to it.") from None
    return [data_dir / name for name in names]


def _fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted([*data_dir.glob("*.trig"), *(data_dir / "vocabularies").glob("*.ttl")]):
        digest.update(path.name.encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


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


def _load(folder: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open("memory", data=folder)


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
