"""Build the knowledge graph: parse the ontology and curated data into named graphs, then derive and entail.

The result is an rdflib :class:`~rdflib.Dataset` whose default graph is the union of its named graphs:

- ``graph/ontology``: the OWL ontology;
- ``graph/vocabularies``: SKOS schemes (themes, methods, sectors, professions, value cycles) and places;
- one graph per report section (``r2019:appendix-2`` ...): what that section states;
- ``graph/curation``: what curators classified (organisation sectors and places the reports do not state);
- ``graph/derived``: links found by matching vocabulary labels in text, with a record of each match;
- ``graph/entailed``: what follows from the rest (supertypes, transitive broader, labels, provenance);
- ``graph/inferred``: the analytics' suggestions, with PROV (empty until computed).

Example
-------
>>> from copgraph.build import load
>>> graph = load()
>>> len(graph) > 1000
True
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax

from copgraph import resources
from copgraph.derive import derive
from copgraph.entail import entail
from copgraph.errors import CopgraphError
from copgraph.namespaces import GRAPH, PREFIXES

__all__ = ["load", "new_dataset", "section_graphs"]


def new_dataset() -> Dataset:
    """An empty Dataset whose default graph is the union of its named graphs, with copgraph's prefixes bound."""
    dataset = Dataset(default_union=True)
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    return dataset


def load(data: Path | str | None = None) -> Dataset:
    """Load the whole knowledge graph.

    Parameters
    ----------
    data : path, optional
        A folder laid out like the project's ``data/`` (report ``*.trig`` files and ``vocabularies/*.ttl``).
        Defaults to the data shipped with copgraph.

    Raises
    ------
    CopgraphError
        When a file is missing, unreadable or not valid RDF; the message names the file and line.
    """
    data_dir = Path(data) if data is not None else resources.data_dir()
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

    dataset = new_dataset()
    _parse_into(dataset.graph(GRAPH.ontology), resources.ontology_dir() / "copgraph.ttl")
    for path in vocabularies:
        _parse_into(dataset.graph(GRAPH.vocabularies), path)
    for path in reports:
        _parse_trig(dataset, path)
    derive(dataset)
    entail(dataset)
    return dataset


def section_graphs(dataset: Dataset) -> list[URIRef]:
    """The named graphs that hold what a report, or a curator, states: everything asserted about the world."""
    special = {GRAPH.ontology, GRAPH.vocabularies, GRAPH.derived, GRAPH.entailed, GRAPH.inferred}
    return sorted(
        g.identifier
        for g in dataset.graphs()
        if g.identifier not in special and g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CopgraphError(_describe(path, error)) from None


def _parse_into(graph: Graph, path: Path) -> None:
    text = _read(path)
    try:
        graph.parse(data=text, format="turtle", publicID=path.as_uri())
    except (BadSyntax, OSError, UnicodeDecodeError, ValueError) as error:
        raise CopgraphError(_describe(path, error)) from None


def _parse_trig(dataset: Dataset, path: Path) -> None:
    staging = new_dataset()
    text = _read(path)
    try:
        staging.parse(data=text, format="trig", publicID=path.as_uri())
    except (BadSyntax, OSError, UnicodeDecodeError, ValueError) as error:
        raise CopgraphError(_describe(path, error)) from None
    stray = len(staging.graph(DATASET_DEFAULT_GRAPH_ID))
    if stray:
        raise CopgraphError(
            f"{path}: {stray} statements are outside any named graph; put every fact inside the block of the "
            "report section it comes from, so that its provenance is known."
        )
    for s, p, o, g in staging.quads():
        dataset.add((s, p, o, g))


def _describe(path: Path, error: Exception) -> str:
    if isinstance(error, BadSyntax):
        return f"{path}, line {error.lines + 1}: not valid RDF ({error._why}); fix the file and try again."
    if isinstance(error, UnicodeDecodeError):
        return f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8 and try again."
    if isinstance(error, OSError):
        return f"{path}: cannot be read ({error.strerror or error}); check that it exists and is readable."
    return f"{path}: not valid RDF ({error}); fix the file and try again."
