"""Write the network of people, communities, themes and the rest for Gephi, NetworkX and spreadsheets.

The network is the one :func:`copgraph.graph.network.project` builds. Three formats:

``gexf`` and ``graphml``
    One XML file that Gephi and NetworkX (``networkx.read_gexf``, ``networkx.read_graphml``) open. Every node
    has the same text attributes: ``iri``, ``kind``, ``label`` and its ``cohorts``, ``organisations``,
    ``sectors``, ``nations`` and ``professions`` as labels joined with "; " (an empty string when it has none,
    so that each attribute has one type). Every edge has its ``relations``, joined the same way. The
    network's own dictionaries (the labels of attribute values, the theme hierarchy) are left out: the labels
    are already in the node attributes, and the hierarchy is in the ``broader`` edges.
``csv``
    Two tables, because a network is two: ``NAME-nodes.csv`` (id, label, kind, cohorts, organisations,
    sectors, nations, professions) and ``NAME-edges.csv`` (source, target, source_label, target_label,
    relations), UTF-8 with a header row. A cell that a spreadsheet would read as a formula (it starts with
    ``=``, ``+``, ``-`` or ``@``) gets a leading apostrophe, so that opening the table never runs anything.
    Given a folder rather than a name, the tables are
    ``copgraph-nodes.csv`` and ``copgraph-edges.csv`` in it; a name ending in ``.csv`` loses that ending first.

Output is deterministic: nodes sorted by IRI, edges by their two IRIs, and no date in the file. Files are
written whole or not at all, and the two tables both or neither.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> text = network_text(KnowledgeGraph.open().network(), "graphml")
>>> "https://w3id.org/copgraph/id/community/sel-polypharmacy" in text
True
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import networkx as nx

from copgraph.errors import CopgraphError
from copgraph.files import replacing
from copgraph.graph.network import ATTRIBUTES
from copgraph.query.answer import spreadsheet_safe

__all__ = [
    "EDGE_COLUMNS",
    "NETWORK_FORMATS",
    "NODE_COLUMNS",
    "csv_tables",
    "network_text",
    "table_paths",
    "write_tables",
]

#: The network formats: ``gexf`` and ``graphml`` are one file each, ``csv`` is two tables.
NETWORK_FORMATS: tuple[str, ...] = ("gexf", "graphml", "csv")

#: The node attributes that hold several values, written as their labels joined with "; ".
LISTS: tuple[str, ...] = tuple(ATTRIBUTES)

#: The columns of the nodes table.
NODE_COLUMNS: tuple[str, ...] = ("id", "label", "kind", *LISTS)

#: The columns of the edges table.
EDGE_COLUMNS: tuple[str, ...] = ("source", "target", "source_label", "target_label", "relations")

SEPARATOR = "; "


def _nodes(network: nx.Graph) -> list[dict[str, str]]:
    """Each node, sorted by IRI, as text only: every list as its labels (sorted) joined with "; "."""
    labels = network.graph.get("labels", {})
    rows = []
    for node in sorted(network):
        data = network.nodes[node]
        row = {"id": node, "label": str(data.get("label") or ""), "kind": str(data.get("kind") or "")}
        for attribute in LISTS:
            row[attribute] = SEPARATOR.join(sorted(labels.get(value, value) for value in data.get(attribute) or ()))
        rows.append(row)
    return rows


def _edges(network: nx.Graph) -> list[dict[str, str]]:
    """Each edge, its two ends in IRI order and the edges sorted, with its relations joined with "; "."""
    rows = []
    for u, v, relations in network.edges(data="relations"):
        source, target = sorted((u, v))
        rows.append(
            {
                "source": source,
                "target": target,
                "source_label": str(network.nodes[source].get("label") or ""),
                "target_label": str(network.nodes[target].get("label") or ""),
                "relations": SEPARATOR.join(sorted(relations or ())),
            }
        )
    return sorted(rows, key=lambda row: (row["source"], row["target"]))


def _flat(network: nx.Graph) -> nx.Graph:
    """A copy of the network that the XML writers can hold: text attributes only, none on the graph itself."""
    flat = nx.Graph()
    for row in _nodes(network):
        flat.add_node(row["id"], iri=row["id"], **{column: row[column] for column in NODE_COLUMNS[1:]})
    for row in _edges(network):
        flat.add_edge(row["source"], row["target"], relations=row["relations"])
    return flat


def network_text(network: nx.Graph, format: str) -> str:
    """The network as one GEXF or GraphML document (``csv`` is two tables: see :func:`csv_tables`)."""
    if format == "csv":
        raise CopgraphError("The csv export is two tables, nodes and edges, not one text; use csv_tables.")
    writers = {"gexf": nx.write_gexf, "graphml": nx.write_graphml}
    if format not in writers:
        raise CopgraphError(f"Unknown network format '{format}'; choose one of {', '.join(NETWORK_FORMATS)}.")
    buffer = io.BytesIO()
    writers[format](_flat(network), buffer)
    text = buffer.getvalue().decode("utf-8")
    # NetworkX stamps each GEXF file with today's date; without it the same graph gives the same file.
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)


def _csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def csv_tables(network: nx.Graph) -> tuple[str, str]:
    """The nodes table and the edges table, as CSV text with a header row (columns :data:`NODE_COLUMNS` and
    :data:`EDGE_COLUMNS`)."""
    return _csv(NODE_COLUMNS, _nodes(network)), _csv(EDGE_COLUMNS, _edges(network))


def table_paths(path: Path) -> tuple[Path, Path]:
    """Where :func:`write_tables` writes, given ``-o PATH``: ``PATH-nodes.csv`` and ``PATH-edges.csv`` (a
    ``.csv`` ending dropped first), or, when PATH is a folder, ``copgraph-nodes.csv`` and ``copgraph-edges.csv``
    in it."""
    path = Path(path)
    if path.is_dir():
        path = path / "copgraph"
    elif path.suffix.lower() == ".csv":
        path = path.with_suffix("")
    return path.with_name(f"{path.name}-nodes.csv"), path.with_name(f"{path.name}-edges.csv")


def write_tables(network: nx.Graph, path: Path) -> tuple[Path, Path]:
    """Write the nodes and edges tables where :func:`table_paths` says, both or neither; return their paths.

    Both tables go to temporary files first, and a table already there is copied aside, so that if putting the
    edges table in place fails, the nodes table is put back as it was.
    """
    targets = table_paths(path)
    with replacing(targets) as temporaries:
        for temporary, text in zip(temporaries, csv_tables(network), strict=True):
            temporary.write_text(text, encoding="utf-8", newline="")
    return targets
