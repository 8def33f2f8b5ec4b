"""The network as an interactive graph: filters, a focus box, a side panel, layers, exports, and an accessible
table of the same graph.

The graph is drawn by vis-network, served from the copy bundled in the installed pyvis package (never a CDN).
The layout is computed on the server, seeded (in igraph's C:
:func:`copgraph.analysis.igraph_algorithms.fruchterman_reingold`), so a view looks the same on every load, and
vis-network's physics stays off. Each node carries its colour and shape, and the groups are defined with the
same ones, so vis-network's default group colours never replace the legend's. A view never sends more than
``MAX_GRAPH_NODES`` nodes: beyond that it keeps the best-connected ones and says so. The first view is the
communities and their themes; ``focus`` (a name or an identifier) shows one entity and what lies within 1-3 steps.
A view downloads as GEXF, as CSV (nodes and links), and, drawn in the browser, as PNG.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import networkx as nx
from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory, url_for

from copgraph.analysis.igraph_algorithms import fruchterman_reingold
from copgraph.analysis.themes import narrower_themes
from copgraph.errors import CopgraphError
from copgraph.graph.lookup import fold
from copgraph.namespaces import BASE
from copgraph.output.network import csv_tables, network_text
from webapp.state import page_url, state

bp = Blueprint("explore", __name__)

# Found without importing pyvis, which imports IPython: a tenth of a second of every start-up, spent instead on the
# first graph view.
VIS_DIR = Path(importlib.util.find_spec("pyvis").origin).resolve().parent / "lib" / "vis-9.1.2"

#: How each kind is drawn, and its legend.
STYLES = {
    "community": {"color": "#1b7f5f", "shape": "dot", "size": 18},
    "person": {"color": "#2f5fb3", "shape": "dot", "size": 10},
    "organisation": {"color": "#8a5a00", "shape": "square", "size": 10},
    "theme": {"color": "#a2377b", "shape": "diamond", "size": 11},
    "method": {"color": "#5b4a9e", "shape": "triangle", "size": 10},
    "cohort": {"color": "#444444", "shape": "star", "size": 20},
    "session": {"color": "#777777", "shape": "triangleDown", "size": 8},
    "profession": {"color": "#0f6f8f", "shape": "hexagon", "size": 9},
    "place": {"color": "#6b6b2a", "shape": "square", "size": 8},
}
#: What the first view shows: communities and their themes, a map a person can read.
DEFAULT_KINDS = ("community", "theme")
FILTERS = {"cohort": "cohorts", "sector": "sectors", "nation": "nations", "profession": "professions"}
#: Colours of the clusters layer, in the order of the clusters (largest first); the rest are grey.
CLUSTER_COLOURS = (
    "#1f77b4",
    "#d95f02",
    "#1b9e77",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#a6761d",
    "#e6ab02",
    "#17becf",
    "#8c564b",
    "#bcbd22",
    "#6a3d9a",
)
OTHER_CLUSTER = "#b0b7c3"
#: How many people and communities of a view the suggested-links layer asks suggestions for, at most.
SUGGESTING = 60


@bp.route("/static/vendor/<path:name>")
def vendor(name: str):
    """vis-network's script and stylesheet, from the installed pyvis package."""
    if name not in {"vis-network.min.js", "vis-network.css"}:
        abort(404, f"No vendored file '{name}'.")
    return send_from_directory(VIS_DIR, name, max_age=86400)


def _expand(value: str) -> str:
    value = value.strip()
    return value if value.startswith("http") else BASE + value.lstrip("/")


def _focus_node(value: str) -> str:
    """The node a ``focus`` names: an identifier (``id/community/x``, or the whole IRI) or a name."""
    network = state().network
    node = _expand(value)
    if node in network:
        return node
    try:
        entity = state().graph.lookup(value)
    except CopgraphError as error:
        abort(404, f"Nothing called '{value}' is in the network. {error}")
    if str(entity.iri) not in network:
        abort(404, f"Nothing called '{value}' is in the network: {entity.label} ({entity.kind}) is not part of it.")
    return str(entity.iri)


def view(args) -> tuple[nx.Graph, list[str]]:
    """The subgraph a request asks for, and notes on what was filtered or cut."""
    s = state()
    network = s.network
    notes = []
    focus = args.get("focus")
    kinds = [k for k in args.getlist("kind") if k in STYLES] or list(STYLES if focus else DEFAULT_KINDS)
    if focus:
        centre = _focus_node(focus)
        hops_text = (args.get("hops") or "1").strip()
        if hops_text not in {"1", "2", "3"}:
            abort(400, f"'hops' is how many steps around the focus to show: 1, 2 or 3, not '{hops_text}'.")
        hops = int(hops_text)
        nodes = set(nx.ego_graph(network, centre, radius=hops))
        notes.append(
            f"Showing {network.nodes[centre]['label']} and what lies within {hops} step{'s' if hops > 1 else ''}."
        )
        kinds = sorted(set(kinds) | {network.nodes[centre]["kind"]})
    else:
        nodes = set(network)
    nodes = {n for n in nodes if network.nodes[n]["kind"] in kinds}
    for name, attribute in FILTERS.items():
        wanted = args.get(name)
        if wanted:
            wanted = _expand(wanted)
            anchors = {n for n in nodes if wanted in network.nodes[n].get(attribute, ())}
            nodes = anchors | {
                m
                for n in anchors
                for m in network[n]
                if m in nodes and network.nodes[m]["kind"] in {"theme", "method", "cohort"}
            }
            notes.append(f"Filtered by {name}: {network.graph['labels'].get(wanted, wanted)}.")
    theme = args.get("theme")
    if theme:
        theme = _expand(theme)
        below = {theme} | narrower_themes(network, theme)
        anchors = {
            n
            for n in nodes
            if any(t in below for t in network[n]) and network.nodes[n]["kind"] in {"community", "session"}
        }
        nodes = anchors | {m for n in anchors for m in network[n] if m in nodes} | (below & nodes)
        notes.append(f"Filtered by theme: {network.nodes[theme]['label'] if theme in network else theme}.")
    sub = network.subgraph(nodes)
    if not focus:
        # Themes and methods that nothing in the view links to say nothing here: left out, and said so.
        alone = [n for n in sub if not sub.degree(n) and network.nodes[n]["kind"] in {"theme", "method"}]
        if alone:
            sub = network.subgraph(nodes - set(alone))
            notes.append(
                f"{len(alone)} theme{'s' if len(alone) > 1 else ''} or method{'s' if len(alone) > 1 else ''} "
                "that nothing shown here works on or uses are left out."
            )
    cap = int(current_app.config["MAX_GRAPH_NODES"])
    if sub.number_of_nodes() > cap:
        keep = sorted(sub, key=lambda n: (-sub.degree(n), n))[:cap]
        notes.append(
            f"The view has {sub.number_of_nodes()} nodes; showing the {cap} best connected. "
            "Filter or focus to see the rest."
        )
        sub = sub.subgraph(keep)
    return sub, notes


def _colour(colour: str) -> dict:
    """A node's colour in every state vis-network draws, so that no default of its own shows instead."""
    return {
        "background": colour,
        "border": colour,
        "highlight": {"background": colour, "border": "#14213d"},
        "hover": {"background": colour, "border": "#14213d"},
    }


def _layout(sub: nx.Graph) -> dict:
    """Seeded positions, spread so that a node has room for its label: the same view gives the same picture."""
    positions = fruchterman_reingold(sub, iterations=50 if sub.number_of_nodes() > 300 else 300)
    spread = max(0.3, 70 * math.sqrt(sub.number_of_nodes()) / 1000)
    return {node: (round(x * spread, 1), round(y * spread, 1)) for node, (x, y) in positions.items()}


def _short(label: str, most: int = 32) -> str:
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def vis_data(sub: nx.Graph) -> dict:
    """Nodes, edges and options for vis-network, laid out on the server. Titles are plain text, which vis-network
    shows as text."""
    positions = _layout(sub)
    nodes = []
    for node in sorted(sub):
        data = sub.nodes[node]
        style = STYLES.get(data["kind"], {"color": "#777777", "shape": "dot", "size": 8})
        x, y = positions.get(node, (0.0, 0.0))
        nodes.append(
            {
                "id": node,
                "label": _short(data["label"]),
                "name": data["label"],
                "title": f"{data['label']} ({data['kind']})",
                "group": data["kind"],
                "kind": data["kind"],
                "url": page_url(node),
                "color": _colour(style["color"]),
                "shape": style["shape"],
                "size": style["size"],
                "value": sub.degree(node),
                "x": x,
                "y": y,
            }
        )
    edges = [
        {"id": f"{u} {v}", "from": u, "to": v, "title": ", ".join(d.get("relations", ()))}
        for u, v, d in sorted(sub.edges(data=True))
    ]
    options = {
        "autoResize": True,
        "physics": {"enabled": False, "stabilization": {"enabled": False}},
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "groups": {
            kind: {"color": _colour(style["color"]), "shape": style["shape"], "size": style["size"]}
            for kind, style in STYLES.items()
        },
        "edges": {"smooth": False, "color": {"color": "#9aa5b1", "highlight": "#14213d", "hover": "#14213d"}},
        "nodes": {
            "font": {"size": 16, "face": "system-ui, sans-serif", "color": "#1d2330", "strokeWidth": 3},
            "scaling": {"min": 10, "max": 34, "label": {"enabled": False, "drawThreshold": 8}},
        },
        "interaction": {
            "hover": True,
            "keyboard": {"enabled": False},
            "navigationButtons": False,
            "multiselect": False,
        },
    }
    return {"nodes": nodes, "edges": edges, "options": options}


def _requested_view() -> tuple[nx.Graph, list[str]]:
    """:func:`view` of this request's arguments; the view everyone opens first, unfiltered, is chosen once and
    shared by the page and its data."""
    if request.args:
        return view(request.args)
    cap = current_app.config["MAX_GRAPH_NODES"]
    return state().once(f"explore default subgraph, {cap} nodes", lambda: view(request.args))


def _shown_kinds() -> list[str]:
    return [k for k in request.args.getlist("kind") if k in STYLES] or list(
        STYLES if request.args.get("focus") else DEFAULT_KINDS
    )


@bp.route("/explore")
def explore():
    s = state()
    sub, notes = _requested_view()
    args = request.args.to_dict(flat=False)
    focus = request.args.get("focus")
    return render_template(
        "explore.html",
        sub=sub,
        notes=notes,
        styles=STYLES,
        data_url=url_for("explore.data", **args),
        layers_url=url_for("explore.suggested", **args),
        exports={
            "GEXF (Gephi)": url_for("explore.export_gexf", **args),
            "CSV: nodes": url_for("explore.export_csv", table="nodes", **args),
            "CSV: links": url_for("explore.export_csv", table="links", **args),
        },
        cohorts=s.choices("cohort"),
        themes=s.choices("theme"),
        sectors=_attribute_choices(s, "sectors"),
        nations=_attribute_choices(s, "nations"),
        professions=s.choices("profession"),
        args=request.args,
        kinds=_shown_kinds(),
        present={kind for _, kind in sub.nodes(data="kind")},
        focus_label=s.network.nodes[_focus_node(focus)]["label"] if focus else "",
    )


def _clusters() -> tuple[dict[str, int], list[dict]]:
    """Each node's cluster (its position among :attr:`Boundaries.clusters`), and each cluster's name and colour."""
    s = state()

    def compute():
        result = s.boundaries
        labels = s.network.nodes
        of = {n: i for i, cluster in enumerate(result.clusters) for n in cluster}
        named = [
            {
                "title": " · ".join(labels[t]["label"] for t in themes) or "no shared theme",
                "color": CLUSTER_COLOURS[i] if i < len(CLUSTER_COLOURS) else OTHER_CLUSTER,
            }
            for i, themes in enumerate(result.cluster_themes)
        ]
        return of, named

    return s.once("explore clusters", compute)


@bp.route("/explore.json")
def data():
    def compute() -> str:
        sub, notes = _requested_view()
        payload = vis_data(sub)
        payload["notes"] = notes
        of, named = _clusters()
        for node in payload["nodes"]:
            node["cluster"] = of.get(node["id"], -1)
        payload["clusters"] = named
        payload["otherCluster"] = OTHER_CLUSTER
        if request.args.get("focus"):
            payload["focus"] = _focus_node(request.args["focus"])
        return json.dumps(payload, ensure_ascii=False)

    # The view everyone opens first, unfiltered, is laid out once (a second or more at national size).
    cap = current_app.config["MAX_GRAPH_NODES"]
    text = state().once(f"explore default view, {cap} nodes", compute) if not request.args else compute()
    return Response(text, mimetype="application/json")


@bp.route("/explore/suggested.json")
def suggested():
    """The suggested links between nodes of a view (the dashed layer): for its best-connected people and
    communities, at most :data:`SUGGESTING` of them, their suggestions that the view also shows."""
    s = state()
    sub, _ = _requested_view()
    asking = sorted(
        (n for n in sub if sub.nodes[n]["kind"] in {"person", "community"}), key=lambda n: (-sub.degree(n), n)
    )[:SUGGESTING]
    edges, seen = [], set()
    for node in asking:
        for suggestion in s.suggestions(node):
            pair = tuple(sorted((node, suggestion.target)))
            if suggestion.target in sub and pair not in seen:
                seen.add(pair)
                why = "; ".join(suggestion.reasons[:2])
                edges.append(
                    {
                        "id": "suggested " + " ".join(pair),
                        "from": node,
                        "to": suggestion.target,
                        "title": f"Suggested: {why}",
                    }
                )
    return Response(json.dumps({"edges": edges, "asked": len(asking)}, ensure_ascii=False), mimetype="application/json")


@bp.route("/explore/names")
def names():
    """Type-ahead for the focus box: up to 12 nodes of the network whose name holds what was typed, names that
    start with it first."""
    wanted = fold(request.args.get("q", ""))
    if not wanted:
        return Response("[]", mimetype="application/json")
    s = state()
    everything = s.once(
        "explore names",
        lambda: sorted(
            ((fold(d["label"]), d["label"], d["kind"], n) for n, d in s.network.nodes(data=True)),
            key=lambda row: (row[0], row[3]),
        ),
    )
    found = [row for row in everything if wanted in row[0]]
    found.sort(key=lambda row: (not row[0].startswith(wanted), len(row[0]), row[0]))
    rows = [
        {"label": label, "kind": kind, "id": n[len(BASE) :] if n.startswith(BASE) else n}
        for _, label, kind, n in found[:12]
    ]
    return Response(json.dumps(rows, ensure_ascii=False), mimetype="application/json")


def _download(text: str, mimetype: str, filename: str) -> Response:
    return Response(text, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/explore.gexf")
def export_gexf():
    """The current view as GEXF, for Gephi (File > Open)."""
    sub, _ = _requested_view()
    return _download(network_text(sub, "gexf"), "application/gexf+xml", "copgraph-view.gexf")


@bp.route("/explore.csv")
def export_csv():
    """The current view as CSV: its nodes (``table=nodes``) or its links (``table=links``)."""
    table = request.args.get("table", "nodes")
    if table not in {"nodes", "links"}:
        abort(400, f"'table' is nodes or links, not '{table}'.")
    sub, _ = _requested_view()
    nodes, links = csv_tables(sub)
    return _download(nodes if table == "nodes" else links, "text/csv", f"copgraph-view-{table}.csv")


def _attribute_choices(s, attribute: str) -> list[tuple[str, str]]:
    def compute() -> list[tuple[str, str]]:
        values = {v for _, d in s.network.nodes(data=True) for v in d.get(attribute, ())}
        labels = s.network.graph["labels"]
        return sorted(((v[len(BASE) :], labels.get(v, v)) for v in values), key=lambda c: c[1])

    return s.once(f"explore {attribute} choices", compute)
