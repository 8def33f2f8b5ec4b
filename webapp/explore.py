"""The network as an interactive graph: filters, a focus mode, and an accessible table of the same graph.

The graph is drawn by vis-network, served from the copy bundled in the installed pyvis package (never a CDN);
pyvis's option model sets the physics. A view never sends more than ``MAX_GRAPH_NODES`` nodes: beyond that it
keeps the best-connected ones and says so. Above 300 nodes the layout is computed on the server (seeded, in
igraph's C: :func:`copgraph.analysis.igraph_algorithms.fruchterman_reingold`) and physics is off, because a
browser cannot lay out more smoothly.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import networkx as nx
from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory, url_for

from copgraph.analysis.igraph_algorithms import fruchterman_reingold
from copgraph.analysis.themes import narrower_themes
from copgraph.namespaces import BASE
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
    "place": {"color": "#6b6b2a", "shape": "box", "size": 8},
}
DEFAULT_KINDS = ("community", "person", "organisation", "theme", "method", "cohort")
FILTERS = {"cohort": "cohorts", "sector": "sectors", "nation": "nations", "profession": "professions"}
LAYOUT_ABOVE = 300


@bp.route("/static/vendor/<path:name>")
def vendor(name: str):
    """vis-network's script and stylesheet, from the installed pyvis package."""
    if name not in {"vis-network.min.js", "vis-network.css"}:
        abort(404, f"No vendored file '{name}'.")
    return send_from_directory(VIS_DIR, name, max_age=86400)


def _expand(value: str) -> str:
    value = value.strip()
    return value if value.startswith("http") else BASE + value.lstrip("/")


def view(args) -> tuple[nx.Graph, list[str]]:
    """The subgraph a request asks for, and notes on what was filtered or cut."""
    s = state()
    network = s.network
    notes = []
    kinds = [k for k in args.getlist("kind") if k in STYLES] or list(DEFAULT_KINDS)
    focus = args.get("focus")
    if focus:
        centre = _expand(focus)
        if centre not in network:
            abort(404, f"Nothing called '{focus}' is in the network.")
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
    cap = int(current_app.config["MAX_GRAPH_NODES"])
    if sub.number_of_nodes() > cap:
        keep = sorted(sub, key=lambda n: (-sub.degree(n), n))[:cap]
        notes.append(
            f"The view has {sub.number_of_nodes()} nodes; showing the {cap} best connected. "
            "Filter or focus to see the rest."
        )
        sub = sub.subgraph(keep)
    return sub, notes


def vis_data(sub: nx.Graph) -> dict:
    """Nodes, edges and options for vis-network. Titles are plain text, which vis-network shows as text."""
    from pyvis.network import Network

    net = Network(directed=False)
    big = sub.number_of_nodes() > LAYOUT_ABOVE
    if big:
        positions = fruchterman_reingold(sub)
        net.toggle_physics(False)
    else:
        net.barnes_hut(gravity=-4000, spring_length=120)
        positions = {}
    nodes = []
    for node in sorted(sub):
        data = sub.nodes[node]
        style = STYLES.get(data["kind"], {})
        item = {
            "id": node,
            "label": data["label"] if len(data["label"]) <= 40 else data["label"][:38] + "…",
            "title": f"{data['label']} ({data['kind']})",
            "group": data["kind"],
            "url": page_url(node),
            "color": style.get("color"),
            "shape": style.get("shape"),
            "size": style.get("size"),
        }
        if node in positions:
            item["x"], item["y"] = (round(float(c), 1) for c in positions[node])
        nodes.append(item)
    edges = [
        {"from": u, "to": v, "title": ", ".join(d.get("relations", ()))} for u, v, d in sorted(sub.edges(data=True))
    ]
    options = json.loads(net.options.to_json())
    options["physics"]["stabilization"] = {"enabled": not big, "iterations": 200}
    options["edges"] = {"smooth": False, "color": {"color": "#9aa5b1"}}
    options["nodes"] = {
        "font": {"size": 14, "face": "system-ui, sans-serif"},
        "scaling": {"label": {"drawThreshold": 2}},
    }
    options["interaction"] = {"hover": True, "keyboard": {"enabled": True}, "navigationButtons": False}
    return {"nodes": nodes, "edges": edges, "options": options}


def _requested_view() -> tuple[nx.Graph, list[str]]:
    """:func:`view` of this request's arguments; the view everyone opens first, unfiltered, is chosen once and
    shared by the page and its data."""
    if request.args:
        return view(request.args)
    cap = current_app.config["MAX_GRAPH_NODES"]
    return state().once(f"explore default subgraph, {cap} nodes", lambda: view(request.args))


@bp.route("/explore")
def explore():
    s = state()
    sub, notes = _requested_view()
    return render_template(
        "explore.html",
        sub=sub,
        notes=notes,
        styles=STYLES,
        data_url=url_for("explore.data", **request.args.to_dict(flat=False)),
        cohorts=s.choices("cohort"),
        themes=s.choices("theme"),
        sectors=_attribute_choices(s, "sectors"),
        nations=_attribute_choices(s, "nations"),
        professions=s.choices("profession"),
        args=request.args,
        kinds=request.args.getlist("kind") or list(DEFAULT_KINDS),
    )


@bp.route("/explore.json")
def data():
    def compute() -> str:
        sub, notes = _requested_view()
        payload = vis_data(sub)
        payload["notes"] = notes
        return json.dumps(payload, ensure_ascii=False)

    # The view everyone opens first, unfiltered, is laid out once (a second or more at national size).
    cap = current_app.config["MAX_GRAPH_NODES"]
    text = state().once(f"explore default view, {cap} nodes", compute) if not request.args else compute()
    return Response(text, mimetype="application/json")


def _attribute_choices(s, attribute: str) -> list[tuple[str, str]]:
    def compute() -> list[tuple[str, str]]:
        values = {v for _, d in s.network.nodes(data=True) for v in d.get(attribute, ())}
        labels = s.network.graph["labels"]
        return sorted(((v[len(BASE) :], labels.get(v, v)) for v in values), key=lambda c: c[1])

    return s.once(f"explore {attribute} choices", compute)
