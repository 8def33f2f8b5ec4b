"""The files a build reads, and reading them into their named graphs.

A data folder holds the reports' facts (``*.trig``, one named graph per report section, and the import files
``import-*.trig``) and the vocabularies (``vocabularies/*.ttl``); the ontology comes with copgraph; and more RDF
files may be included beside them (TriG, N-Quads, Turtle, N-Triples), such as a graph made by
``copgraph generate``. Each file is checked as it is read, and a problem is a sentence naming the file and line.

Before a parser sees a file, a quick scan (:func:`check_shape`) refuses two things no parser should be given:
brackets nested deeper than :data:`MAX_NESTING` (rdflib's parser recurses, and a million levels of ``[`` make a
graph that validation takes gigabytes to walk), and RDF 1.2 triple terms (``<< ... >>``), statements about
statements, which the shapes, the exports and the web app's downloads cannot carry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax

from copgraph import files
from copgraph.backends import RDF_FORMATS, Backend
from copgraph.errors import CopgraphError
from copgraph.namespaces import BASE, GRAPH

__all__ = ["MAX_NESTING", "check_shape", "data_files", "file_graph", "read_sources", "source_files"]

#: How deeply '[', '(' and '{' may nest in an RDF file. The project's own files nest three levels at most;
#: rdflib's parser takes about eight of Python's 1,000 frames a level, so it fails somewhere past 120.
MAX_NESTING = 64

Progress = Callable[[str], None]


def data_files(data: Path | str | None = None) -> tuple[list[Path], list[Path]]:
    """The report files (``*.trig``, imports included) and the vocabularies (``vocabularies/*.ttl``) of a data
    folder (default: the data shipped with copgraph)."""
    data_dir = Path(data) if data is not None else files.data_dir()
    if not data_dir.is_dir():
        raise CopgraphError(
            f"The data folder {data_dir} does not exist; give the folder that holds the report .trig files."
        )
    reports = sorted(data_dir.glob("*.trig"))
    vocabularies = sorted((data_dir / "vocabularies").glob("*.ttl"))
    if not reports:
        raise CopgraphError(f"No report data (*.trig files) in {data_dir}; give the folder that holds them.")
    if not vocabularies:
        raise CopgraphError(
            f"No vocabularies (vocabularies/*.ttl) in {data_dir}; the themes, methods and places are needed."
        )
    return reports, vocabularies


def source_files(
    reports: Sequence[Path], vocabularies: Sequence[Path], include: Sequence[Path | str] = ()
) -> list[tuple[str, Path]]:
    """Every file a build reads, in the order it reads them, each as ``(role, path)``: the ``ontology``, each
    ``vocabulary``, each ``report`` and each ``include``d file. An included file of a kind copgraph cannot read,
    or that does not exist, is refused here, before anything is read."""
    return [
        ("ontology", files.ontology_dir() / "copgraph.ttl"),
        *(("vocabulary", Path(path)) for path in vocabularies),
        *(("report", Path(path)) for path in reports),
        *(("include", _included(path)) for path in include),
    ]


def read_sources(
    backend: Backend,
    reports: Sequence[Path],
    vocabularies: Sequence[Path],
    include: Sequence[Path | str] = (),
    progress: Progress | None = None,
) -> Backend:
    """Read the :func:`source_files`, as they are, into their named graphs: nothing is taken out, derived or
    entailed. Each file is checked as it is read."""
    say = progress or (lambda step: None)
    sources = source_files(reports, vocabularies, include)
    say("reading the ontology, vocabularies and reports")
    for role, path in sources:
        check_shape(path)
        if role == "ontology":
            _add_file(backend, path, GRAPH.ontology)
        elif role == "vocabulary":
            _add_file(backend, path, GRAPH.vocabularies)
        elif role == "report":
            _add_report(backend, path)
        else:
            say(f"reading {path.name}")
            backend.load(path, file_graph(path))
    return backend


def file_graph(path: Path) -> URIRef:
    """The named graph that holds an included Turtle or N-Triples file's triples."""
    return URIRef(BASE + "graph/file/" + re.sub(r"[^A-Za-z0-9._-]+", "-", path.name))


def _included(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in RDF_FORMATS:
        raise CopgraphError(f"{path}: copgraph reads {', '.join(RDF_FORMATS)} files; convert it to one of those first.")
    if not path.is_file():
        raise CopgraphError(f"{path}: no such file; check the path.")
    return path


# What a scan must step over whole, because a bracket or '#' inside it means nothing: strings (long ones first),
# IRIs (whatever they hold, as leniently as rdflib reads them) and escapes; then what it looks for.
_TOKENS = re.compile(
    rb'''
      (?P<skip>(?:
          """(?:[^"\\]++|\\.|"(?!""))*+"""
        | \'\'\'(?:[^'\\]++|\\.|'(?!''))*+\'\'\'
        | "(?:[^"\\\n\r]++|\\.)*+"
        | '(?:[^'\\\n\r]++|\\.)*+'
        | <[^<>\n\r]*+>
        | \#[^\n\r]*+
        | \\.
        | [^"'<#\\\[\](){}]++
      )++)
    | (?P<term><<|\{\|)
    | (?P<open>[\[({])
    | (?P<close>[\])}])
    | (?P<other>.)
    ''',
    re.VERBOSE | re.DOTALL,
)


def check_shape(path: Path, limit: int = MAX_NESTING) -> None:
    """Refuse an RDF file nested deeper than ``limit`` or holding a triple term, in a sentence naming the file and
    line, without parsing it.

    Brackets inside strings, IRIs and comments are not counted. Most files are passed by counting their bytes
    alone: a file with no more than ``limit`` opening brackets in all, and no ``<<`` or ``{|``, cannot break either
    rule (a graph made by ``copgraph generate`` is passed so)."""
    try:
        with open(path, "rb") as file:
            openings, tail = 0, b""
            while chunk := file.read(1 << 20):
                braces = _positions(chunk, b"{", limit + 1)
                openings += len(braces) + sum(len(_positions(chunk, b, limit + 1)) for b in (b"[", b"("))
                if (
                    openings > limit
                    or b"<<" in chunk
                    or tail + chunk[:1] in (b"<<", b"{|")
                    or any(chunk[at + 1 : at + 2] == b"|" for at in braces)
                ):
                    break
                tail = chunk[-1:]
            else:
                return
        data = Path(path).read_bytes()
    except OSError as error:
        raise CopgraphError(_describe(path, error)) from None
    depth = 0
    for token in _TOKENS.finditer(data):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            if depth > limit:
                raise CopgraphError(
                    f"{path}, line {_line(data, token.start())}: brackets nested more than {limit} deep; copgraph "
                    f"reads RDF nested at most {limit} levels ('[', '(' and '{{'), so that no file can exhaust the "
                    "machine. Write the data flatter."
                )
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "term":
            raise CopgraphError(
                f"{path}, line {_line(data, token.start())}: an RDF 1.2 triple term or annotation "
                f"('{token.group().decode()}'), a statement about a statement; copgraph stores plain triples only "
                "(its shapes, exports and downloads cannot carry one). Give the statement a node of its own instead."
            )


def _positions(data: bytes, byte: bytes, most: int) -> list[int]:
    """Where ``byte`` is in ``data``, the first ``most`` places at most (find is memchr: quick)."""
    found: list[int] = []
    at = data.find(byte)
    while at >= 0 and len(found) < most:
        found.append(at)
        at = data.find(byte, at + 1)
    return found


def _line(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _parsed(path: Path, format: str) -> Dataset:
    """A curated file parsed by rdflib, whose messages name the line of a mistake."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CopgraphError(_describe(path, error)) from None
    parsed = Dataset()
    try:
        parsed.parse(data=text, format=format, publicID=path.resolve().as_uri())
    except (BadSyntax, OSError, UnicodeDecodeError, ValueError) as error:
        raise CopgraphError(_describe(path, error)) from None
    return parsed


def _add_file(backend: Backend, path: Path, graph: URIRef) -> None:
    backend.add(graph, _parsed(path, "turtle").serialize(format="nt"))


def _add_report(backend: Backend, path: Path) -> None:
    parsed = _parsed(path, "trig")
    stray = len(parsed.graph(DATASET_DEFAULT_GRAPH_ID))
    if stray:
        raise CopgraphError(
            f"{path}: {stray} statements are outside any named graph; put every fact inside the block of the "
            "report section it comes from, so that its provenance is known."
        )
    for graph in parsed.graphs():
        if graph.identifier != DATASET_DEFAULT_GRAPH_ID and len(graph):
            backend.add(graph.identifier, graph.serialize(format="nt"))


def _describe(path: Path, error: Exception) -> str:
    if isinstance(error, BadSyntax):
        return f"{path}, line {error.lines + 1}: not valid RDF ({error._why}); fix the file and try again."
    if isinstance(error, UnicodeDecodeError):
        return f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8 and try again."
    if isinstance(error, OSError):
        return f"{path}: cannot be read ({error.strerror or error}); check that it exists and is readable."
    return f"{path}: not valid RDF ({error}); fix the file and try again."
