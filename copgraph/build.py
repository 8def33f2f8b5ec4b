"""Build the knowledge graph: parse the ontology and curated data into named graphs, then derive and entail.

The result is an rdflib :class:`~rdflib.Dataset` whose default graph is the union of its named graphs, held by
one of the stores of :mod:`copgraph.store` (Oxigraph in memory unless told otherwise):

- ``graph/ontology``: the OWL ontology;
- ``graph/vocabularies``: SKOS schemes (themes, methods, sectors, professions, value cycles) and places;
- one graph per report section (``r2019:appendix-2`` ...): what that section states;
- ``graph/curation``: what curators classified (organisation sectors and places the reports do not state);
- ``graph/derived``: links found by matching vocabulary labels in text, with a record of each match;
- ``graph/entailed``: what follows from the rest (supertypes, transitive broader, labels, provenance);
- ``graph/inferred``: the analytics' suggestions, with PROV (empty until computed);
- ``graph/file/<name>``: the triples of an included Turtle or N-Triples file (a TriG or N-Quads file keeps
  its own graph names, such as ``graph/synthetic`` for a generated graph).

:func:`load` builds the graph in memory, or opens a persistent store; :func:`build` fills a persistent store
(``oxigraph:PATH`` or ``sparql:URL``) once, so that later runs open it instead of building again.

Example
-------
>>> from copgraph.build import load
>>> graph = load()
>>> len(graph) > 1000
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax

from copgraph import buildcache, files
from copgraph.cache import stamp
from copgraph.derive import derive
from copgraph.entail import entail
from copgraph.errors import CopgraphError
from copgraph.files import replace_folder
from copgraph.namespaces import BASE, GRAPH, bind_prefixes
from copgraph.privacy import out_of_sight, restrict
from copgraph.store import StoreSpec, _open_disk, engine, graph_names, new_dataset, open_dataset

__all__ = [
    "BUILT_FROM",
    "INCLUDE_FORMATS",
    "build",
    "built_from",
    "data_files",
    "fill",
    "load",
    "new_dataset",
    "read_sources",
    "section_graphs",
    "source_files",
]

#: Files that can be included beside the project's data: suffix -> (rdflib format, pyoxigraph format name).
INCLUDE_FORMATS = {
    ".trig": ("trig", "TRIG"),
    ".nq": ("nquads", "N_QUADS"),
    ".ttl": ("turtle", "TURTLE"),
    ".nt": ("nt", "N_TRIPLES"),
}

Progress = Callable[[str], None]


def load(
    data: Path | str | None = None,
    *,
    store: StoreSpec | str | None = None,
    include: Sequence[Path | str] = (),
    audience: str = "curators",
    progress: Progress | None = None,
    keep: bool = True,
) -> Dataset:
    """Load the whole knowledge graph, or the view of it that an audience may see.

    Parameters
    ----------
    data : path, optional
        A folder laid out like the project's ``data/`` (report ``*.trig`` files and ``vocabularies/*.ttl``).
        Defaults to the data shipped with copgraph.
    store : StoreSpec or str, optional
        Where the graph lives (:mod:`copgraph.store`): ``memory`` (default) and ``rdflib`` are built now;
        ``oxigraph:PATH`` and ``sparql:URL`` are opened, read-only, as :func:`build` left them. A ``memory``
        graph is kept in the build cache (:mod:`copgraph.buildcache`) and read from there while its files and
        the audience stay the same.
    include : paths, optional
        More RDF files to load beside the data (TriG, N-Quads, Turtle, N-Triples), such as a graph made by
        ``copgraph generate``. Only for the in-memory stores; a persistent store holds what it was built with.
    audience : str, optional
        Who will see it (:data:`copgraph.privacy.AUDIENCES`): ``curators`` (default) see everyone; for
        ``programme`` and ``public`` the people they may not see are taken out before anything else is computed.
        A persistent store cannot be changed when opened, so it must have been built for the audience (or hold
        nobody it may not see).
    progress : callable, optional
        Told each step as it starts (a sentence), for long loads: a minute at 100,000 people.
    keep : bool, optional
        Whether a graph built afresh is written to the build cache before it is returned (the default). With
        False the caller writes it, named by :func:`copgraph.buildcache.unkept` (the web app does, on the other
        core, while it builds the network).

    Raises
    ------
    CopgraphError
        When a file is missing, unreadable or not valid RDF (the message names the file and line), or a
        persistent store has not been built, or was built for a wider audience than ``audience``.
    """
    spec = store if isinstance(store, StoreSpec) else StoreSpec.parse(store)
    say = progress or (lambda step: None)
    if spec.persistent:
        if include:
            raise CopgraphError(
                f"The {spec} store holds what it was built with; to add files, build it again: "
                f"copgraph --store {spec} build FILE ..."
            )
        say(f"opening the {spec} store")
        dataset = open_dataset(spec)
        hidden = out_of_sight(dataset, audience)
        if hidden:
            raise CopgraphError(
                f"The {spec} store holds {len(hidden)} {'person' if len(hidden) == 1 else 'people'} that the "
                f"{audience} audience may not see; build a store for that audience "
                f"(copgraph --audience {audience} --store {spec} build), or choose a wider audience."
            )
        return dataset
    dataset = new_dataset(spec)
    if spec.kind != "memory":
        return fill(dataset, data, include, say, audience)
    reports, vocabularies = data_files(data)
    name = buildcache.key(source_files(reports, vocabularies, include), audience)
    if name is not None:
        say("looking in the build cache for a graph built from the same files")
    if name is None or not buildcache.read(name, dataset):
        fill(dataset, data, include, say, audience)
        if name is not None and keep:
            say("keeping the graph in the build cache")
            buildcache.write(name, dataset)
        elif name is not None:
            dataset.store.unkept = name
    return dataset


def fill(
    dataset: Dataset,
    data: Path | str | None = None,
    include: Sequence[Path | str] = (),
    progress: Progress | None = None,
    audience: str = "curators",
) -> Dataset:
    """Parse the ontology, vocabularies, report data and included files into an empty dataset, take out the
    people ``audience`` may not see (:mod:`copgraph.privacy`), then derive and entail. ``progress`` is told each
    step as it starts."""
    say = progress or (lambda step: None)
    reports, vocabularies = data_files(data)
    read_sources(dataset, reports, vocabularies, include, say)
    if audience != "curators":
        say(f"taking out the people the {audience} audience may not see")
    restrict(dataset, audience, derived=False)
    say("deriving themes, methods and professions from the text")
    derive(dataset)
    say("entailing supertypes, broader themes, labels and provenance")
    entail(dataset)
    return dataset


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
    dataset: Dataset,
    reports: Sequence[Path],
    vocabularies: Sequence[Path],
    include: Sequence[Path | str] = (),
    progress: Progress | None = None,
) -> Dataset:
    """Parse the :func:`source_files`, as they are, into their named graphs (see the module's introduction):
    nothing is taken out, derived or entailed. Each file is checked as it is read."""
    say = progress or (lambda step: None)
    say("reading the ontology, vocabularies and reports")
    for role, path in source_files(reports, vocabularies, include):
        if role == "ontology":
            _parse_into(dataset.graph(GRAPH.ontology), path)
        elif role == "vocabulary":
            _parse_into(dataset.graph(GRAPH.vocabularies), path)
        elif role == "report":
            _parse_trig(dataset, path)
        else:
            say(f"reading {path.name}")
            _include(dataset, path)
    return dataset


def data_files(data: Path | str | None = None) -> tuple[list[Path], list[Path]]:
    """The report files (``*.trig``, imports included) and the vocabularies (``vocabularies/*.ttl``) of a data
    folder (default: the data shipped with copgraph): what :func:`fill` reads besides the ontology."""
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


def build(
    store: StoreSpec | str,
    data: Path | str | None = None,
    include: Sequence[Path | str] = (),
    progress: Progress | None = None,
    finish: Callable[[Dataset], object] | None = None,
    audience: str = "curators",
) -> int:
    """Fill a persistent store with the whole graph, replacing what it held; return the number of quads.

    ``audience`` (:data:`copgraph.privacy.AUDIENCES`) builds the view that audience may see, with the people it
    may not see taken out, for a store that will be served to them.

    ``finish`` is work to do on the filled graph before it is stored: the command line adds the analytics'
    suggestions (``graph/inferred``) there, which the library's lower layers know nothing of.

    An on-disk store is built in a new folder beside PATH that replaces it only when complete, so a failed or
    interrupted build leaves the old store as it was. A SPARQL server is sent the graph in staging graphs
    first, then one update moves them into place; copgraph's graphs that are no longer built are dropped,
    anything else on the server is left alone.
    """
    spec = store if isinstance(store, StoreSpec) else StoreSpec.parse(store)
    say = progress or (lambda step: None)
    if spec.kind == "oxigraph":
        return _build_on_disk(spec, data, include, say, finish, audience)
    if spec.kind == "sparql":
        from copgraph.server import push

        dataset = fill(new_dataset(), data, include, say, audience)
        if finish is not None:
            finish(dataset)
        say(f"sending {len(dataset):,} triples to {spec.location}")
        return push(dataset, open_dataset(spec, writable=True), say)
    raise CopgraphError(
        f"The {spec} store is built in memory every time copgraph starts; build is for oxigraph:PATH and "
        "sparql:URL stores."
    )


def _build_on_disk(spec: StoreSpec, data, include, say: Progress, finish, audience: str) -> int:
    target = Path(spec.location)
    if target.exists() and not (target / "CURRENT").is_file() and any(target.iterdir()):
        raise CopgraphError(
            f"{target} is a folder that holds something other than a copgraph store; give an empty or new folder."
        )
    if not target.parent.is_dir():
        raise CopgraphError(f"Cannot build a store in {target}: the folder {target.parent} does not exist.")
    quads = 0

    def fill_folder(staging: Path) -> None:
        nonlocal quads
        # Built in memory, where derivation, entailment and the finishing work run two to three times faster
        # than against the disk, then written to the disk in one bulk load. The memory store stands in for the
        # folder meanwhile, so that what ``finish`` keeps (copgraph.cache) goes beside the store it is for.
        dataset = fill(new_dataset(), data, include, say, audience)
        _record(staging, data, include, audience)
        stamp(staging)
        dataset.store.keep = str(staging)
        if finish is not None:
            finish(dataset)
        quads = len(dataset.store._inner)
        say("writing the store to disk")
        disk = _open_disk(str(staging), writable=True)
        disk.bulk_extend(dataset.store._inner.quads_for_pattern(None, None, None, None))
        del dataset
        disk.optimize()
        disk.flush()

    replace_folder(target, fill_folder)
    return quads


#: The file in an on-disk store's folder that says what it was built from (:func:`built_from`).
BUILT_FROM = "copgraph-built-from.json"


def _record(folder: Path, data, include, audience: str) -> None:
    record = {
        "data": str(Path(data).resolve()) if data is not None else None,
        "include": [str(Path(path).resolve()) for path in include],
        "audience": audience,
    }
    (folder / BUILT_FROM).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def built_from(spec: StoreSpec) -> dict | None:
    """What an on-disk store was built from: ``{"data": folder or None (the shipped data), "include": [paths],
    "audience": ...}``, or None for a store built before copgraph kept this, or not on disk."""
    if spec.kind != "oxigraph":
        return None
    try:
        return json.loads((Path(spec.location) / BUILT_FROM).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def section_graphs(dataset: Dataset) -> list[URIRef]:
    """The named graphs that hold what a report, or a curator, states: everything asserted about the world."""
    special = {GRAPH.ontology, GRAPH.vocabularies, GRAPH.derived, GRAPH.entailed, GRAPH.inferred}
    return sorted(name for name in graph_names(dataset) if name not in special)


def _included(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in INCLUDE_FORMATS:
        raise CopgraphError(
            f"{path}: copgraph reads {', '.join(INCLUDE_FORMATS)} files; convert it to one of those first."
        )
    if not path.is_file():
        raise CopgraphError(f"{path}: no such file; check the path.")
    return path


def file_graph(path: Path) -> URIRef:
    """The named graph that holds an included Turtle or N-Triples file's triples."""
    return URIRef(BASE + "graph/file/" + re.sub(r"[^A-Za-z0-9._-]+", "-", path.name))


def _include(dataset: Dataset, path: Path) -> None:
    rdflib_format, ox_format = INCLUDE_FORMATS[path.suffix.lower()]
    keeps_graphs = rdflib_format in {"trig", "nquads"}
    if engine(dataset) == "oxigraph":
        import pyoxigraph as ox

        try:
            dataset.store._inner.bulk_load(
                path=str(path),
                format=getattr(ox.RdfFormat, ox_format),
                to_graph=None if keeps_graphs else ox.NamedNode(str(file_graph(path))),
            )
        except (SyntaxError, ValueError, OSError) as error:
            raise CopgraphError(f"{path}: not valid RDF ({error}); fix the file and try again.") from None
        return
    if keeps_graphs:
        _parse_trig(dataset, path, rdflib_format, strict=False)
    else:
        _parse_into(dataset.graph(file_graph(path)), path, rdflib_format)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CopgraphError(_describe(path, error)) from None


def _parse_into(graph: Graph, path: Path, format: str = "turtle") -> None:
    text = _read(path)
    try:
        graph.parse(data=text, format=format, publicID=path.resolve().as_uri())
    except (BadSyntax, OSError, UnicodeDecodeError, ValueError) as error:
        raise CopgraphError(_describe(path, error)) from None


def _parse_trig(dataset: Dataset, path: Path, format: str = "trig", strict: bool = True) -> None:
    staging = bind_prefixes(Dataset(default_union=True))
    text = _read(path)
    try:
        staging.parse(data=text, format=format, publicID=path.resolve().as_uri())
    except (BadSyntax, OSError, UnicodeDecodeError, ValueError) as error:
        raise CopgraphError(_describe(path, error)) from None
    stray = len(staging.graph(DATASET_DEFAULT_GRAPH_ID))
    if stray and strict:
        raise CopgraphError(
            f"{path}: {stray} statements are outside any named graph; put every fact inside the block of the "
            "report section it comes from, so that its provenance is known."
        )
    dataset.addN((s, p, o, dataset.graph(g)) for s, p, o, g in staging.quads())


def _describe(path: Path, error: Exception) -> str:
    if isinstance(error, BadSyntax):
        return f"{path}, line {error.lines + 1}: not valid RDF ({error._why}); fix the file and try again."
    if isinstance(error, UnicodeDecodeError):
        return f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8 and try again."
    if isinstance(error, OSError):
        return f"{path}: cannot be read ({error.strerror or error}); check that it exists and is readable."
    return f"{path}: not valid RDF ({error}); fix the file and try again."
