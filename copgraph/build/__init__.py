"""Build the knowledge graph: read the sources into named graphs, take out what the audience may not see, derive
and entail.

Data flows one way, each step its own module:

1. :mod:`~copgraph.build.sources` reads the ontology, vocabularies, reports, imports and included files;
2. :mod:`~copgraph.build.privacy` takes out the people the audience may not see;
3. :mod:`~copgraph.build.derive` links free text to vocabulary concepts (``graph/derived``);
4. :mod:`~copgraph.build.entail` adds what follows from the rest (``graph/entailed``).

The named graphs are:

- ``graph/ontology``: the OWL ontology;
- ``graph/vocabularies``: SKOS schemes (themes, methods, sectors, professions, value cycles) and places;
- one graph per report section (``r2019:appendix-2`` ...): what that section states;
- ``graph/curation``: what curators classified (organisation sectors and places the reports do not state);
- ``graph/derived``: links found by matching vocabulary labels in text, with a record of each match;
- ``graph/entailed``: what follows from the rest (supertypes, transitive broader, labels, provenance);
- ``graph/inferred``: the analytics' suggestions, with PROV (empty until computed);
- ``graph/file/<name>``: the triples of an included Turtle or N-Triples file (a TriG or N-Quads file keeps
  its own graph names, such as ``graph/synthetic`` for a generated graph).

:func:`open_backend_for` gives the backend a :class:`~copgraph.graph.KnowledgeGraph` holds: built in memory (or
read from the build cache, :mod:`~copgraph.build.cache`), or a persistent store opened as :func:`build_store`
left it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import URIRef

from copgraph.backends import Backend, StoreSpec, new_backend, open_backend
from copgraph.build import cache
from copgraph.build.derive import derive
from copgraph.build.entail import entail
from copgraph.build.privacy import out_of_sight, restrict
from copgraph.build.sources import data_files, read_sources, source_files
from copgraph.errors import CopgraphError
from copgraph.files import replace_folder
from copgraph.namespaces import GRAPH

__all__ = ["BUILT_FROM", "build_store", "built_from", "fill", "open_backend_for", "section_graphs"]

Progress = Callable[[str], None]


def open_backend_for(
    spec: StoreSpec | str | None = None,
    data: Path | str | None = None,
    include: Sequence[Path | str] = (),
    audience: str = "curators",
    progress: Progress | None = None,
) -> Backend:
    """The graph the options name, for ``audience``: built in memory (or read from the build cache), or a
    persistent store opened read-only.

    A persistent store holds what it was built with, for the audience it was built for: including files, or
    showing it to an audience that may not see someone in it, is refused with a sentence saying what to do.
    """
    spec = StoreSpec.parse(spec)
    say = progress or (lambda step: None)
    if spec.persistent:
        if include:
            raise CopgraphError(
                f"The {spec} store holds what it was built with; to add files, build it again: "
                f"copgraph --store {spec} build FILE ..."
            )
        say(f"opening the {spec} store")
        backend = open_backend(spec)
        hidden = out_of_sight(backend, audience)
        if hidden:
            raise CopgraphError(
                f"The {spec} store holds {len(hidden)} {'person' if len(hidden) == 1 else 'people'} that the "
                f"{audience} audience may not see; build a store for that audience "
                f"(copgraph --audience {audience} --store {spec} build), or choose a wider audience."
            )
        return backend
    backend = new_backend(spec)
    if spec.kind != "memory":
        return fill(backend, data, include, say, audience)
    reports, vocabularies = data_files(data)
    name = cache.key(source_files(reports, vocabularies, include), audience)
    if name is not None:
        say("looking in the build cache for a graph built from the same files")
    if name is None or not cache.read(name, backend):
        fill(backend, data, include, say, audience)
        if name is not None:
            say("keeping the graph in the build cache")
            cache.keep(name, backend)
    return backend


def fill(
    backend: Backend,
    data: Path | str | None = None,
    include: Sequence[Path | str] = (),
    progress: Progress | None = None,
    audience: str = "curators",
) -> Backend:
    """Read the sources into an empty backend, take out the people ``audience`` may not see, then derive and
    entail. ``progress`` is told each step as it starts."""
    say = progress or (lambda step: None)
    reports, vocabularies = data_files(data)
    read_sources(backend, reports, vocabularies, include, say)
    if audience != "curators":
        say(f"taking out the people the {audience} audience may not see")
    restrict(backend, audience)
    say("deriving themes, methods and professions from the text")
    derive(backend)
    say("entailing supertypes, broader themes, labels and provenance")
    entail(backend, section_graphs(backend))
    return backend


def build_store(
    store: StoreSpec | str,
    data: Path | str | None = None,
    include: Sequence[Path | str] = (),
    progress: Progress | None = None,
    finish: Callable[[Backend], object] | None = None,
    audience: str = "curators",
) -> int:
    """Fill a persistent store with the whole graph, replacing what it held; return the number of quads.

    ``audience`` builds the view that audience may see, for a store that will be served to them. ``finish`` is
    work to do on the filled graph before it is stored (the command line adds the analytics' suggestions and
    keeps the network, index and counts beside the store).

    The graph is built in memory, then written out. An on-disk store is written to a new folder beside PATH
    that replaces it only when complete, so a failed or interrupted build leaves the old store as it was. A
    SPARQL server is sent the graph in staging graphs first, then one update moves them into place.
    """
    spec = StoreSpec.parse(store)
    say = progress or (lambda step: None)
    if spec.kind == "sparql":
        from copgraph.backends.sparql_server import SparqlServerBackend

        backend = fill(new_backend(), data, include, say, audience)
        if finish is not None:
            finish(backend)
        say(f"sending {len(backend):,} quads to {spec.location}")
        return SparqlServerBackend(spec.location).replace_with(backend, say)
    if spec.kind != "oxigraph":
        raise CopgraphError(
            f"The {spec} store is built in memory every time copgraph starts; build is for oxigraph:PATH and "
            "sparql:URL stores."
        )
    target = Path(spec.location)
    if target.exists() and not target.is_dir():
        raise CopgraphError(f"Cannot build a store in {target}: it is a file, not a folder.")
    if target.exists() and not (target / "CURRENT").is_file() and any(target.iterdir()):
        raise CopgraphError(
            f"{target} is a folder that holds something other than a copgraph store; give an empty or new folder."
        )
    if not target.parent.is_dir():
        raise CopgraphError(f"Cannot build a store in {target}: the folder {target.parent} does not exist.")
    quads = 0

    def fill_folder(staging: Path) -> None:
        nonlocal quads
        backend = fill(new_backend(), data, include, say, audience)
        _record(staging, data, include, audience)
        cache.stamp(staging)
        backend.folder = staging  # what ``finish`` keeps goes beside the store it is for
        if finish is not None:
            finish(backend)
        quads = len(backend)
        say("writing the store to disk")
        backend.write_folder(staging)

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


def section_graphs(backend: Backend) -> list[URIRef]:
    """The named graphs that hold what a report, or a curator, states: everything asserted about the world."""
    special = {GRAPH.ontology, GRAPH.vocabularies, GRAPH.derived, GRAPH.entailed, GRAPH.inferred}
    return sorted(name for name in backend.graph_names() if name not in special)
