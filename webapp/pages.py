"""Home, search (with type-ahead names), entity pages, downloads and the favicon."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request

from copgraph.graph import Entity
from copgraph.graph.lookup import SECONDARY_KINDS, close_to, fold, matching
from copgraph.namespaces import BASE
from copgraph.output.network import NETWORK_FORMATS, csv_tables, network_text
from copgraph.output.rdf import FORMATS, MEDIA_TYPES, serialise
from webapp.entity_page import EntityPage
from webapp.linked_data import alternates, resource
from webapp.links import link, links, reports
from webapp.reference import source_page
from webapp.state import state

bp = Blueprint("pages", __name__)

STATIC = Path(__file__).resolve().parent / "static"

#: The order kinds are listed in search results: what a convenor looks for first.
KIND_ORDER = [
    "community",
    "person",
    "organisation",
    "theme",
    "method",
    "cohort",
    "module",
    "session",
    "impact story",
    "profession",
    "sector",
    "nation",
    "region",
    "city",
    "place",
    "value cycle",
    "programme",
    "testimony",
    "work",
    "report",
    "report section",
]

#: Results shown for each kind on the search page, and names offered as you type.
PER_KIND, NAMES = 25, 8

#: The network formats offered for download, with their media types.
NETWORK_MEDIA = {"gexf": "application/gexf+xml", "graphml": "application/graphml+xml"}


@bp.app_template_filter("page")
def page_filter(iri: object) -> str | None:
    return link(iri)


@bp.app_template_filter("status")
def status_filter(iri: object) -> str | None:
    """A community's status, ``idea`` or ``active`` (None for anything else): the badge lists show."""
    return links().community_status.get(str(iri))


@bp.app_template_global("report_links")
def report_links() -> list[tuple[str, str]]:
    """Each report in the graph, as (page, label): the footer's "where facts come from"."""
    found = reports()
    return sorted({(link(s.report), s.report_label) for s in found.sections.values()}, key=lambda pair: pair[1])


@bp.app_template_filter("hint")
def hint_filter(iri: object) -> str:
    """A few words that tell apart entities with like names: a person's organisations, a community's cohort."""
    network = state().network
    data = network.nodes.get(str(iri))
    if not data:
        return ""
    labels = network.graph.get("labels", {})
    wanted = {"person": "organisations", "community": "cohorts", "organisation": "sectors"}.get(data["kind"])
    return ", ".join(labels.get(v, v) for v in data.get(wanted, ())) if wanted else ""


@bp.app_template_filter("sentence")
def sentence_filter(text: str) -> str:
    """Text with its first letter made a capital, and nothing else changed (unlike Jinja's capitalize)."""
    return text[:1].upper() + text[1:]


@bp.route("/")
def home():
    s = state()

    def example() -> tuple[str, str] | None:
        """The community the home page shows as an example: SEL Polypharmacy, or the first active one."""
        status = links().community_status
        wanted = BASE + "id/community/sel-polypharmacy"
        chosen = wanted if wanted in status else min((c for c, st in status.items() if st == "active"), default=None)
        return (link(chosen), s.graph.entity(chosen).label) if chosen else None

    return render_template("home.html", summary=s.summary, example=s.once("home example", example))


@bp.route("/favicon.ico")
def favicon():
    icon = (STATIC / "favicon.ico").read_bytes()  # small: read whole, so no file is left open
    return Response(icon, mimetype="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=86400"})


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _exact(query: str) -> list[Entity]:
    """The main entities (not records of them) one of whose names is exactly the query."""
    found = state().graph.index()[1].get(fold(query), ())
    return [e for e in found if e.kind not in SECONDARY_KINDS]


@bp.route("/search")
def search():
    query = request.args.get("q", "").strip()
    if not fold(query):
        return render_template("search.html", query=query, groups=[], total=0, suggestions=[], exact=[])
    index = state().graph.index()
    found = matching(index, query)
    exact = _exact(query)
    main = [e for e in found if e.kind not in SECONDARY_KINDS]
    # Only an exact name that nothing else answers to goes straight to its page: "Phil" lists both Phils, "SEL"
    # lists the community as well as the place.
    if len(exact) == 1 and main == exact:
        return redirect(link(exact[0].iri))
    ordered = sorted(found, key=lambda e: _kind_rank(e.kind))  # stable: best first within each kind
    groups = [(kind, list(items)) for kind, items in groupby(ordered, key=lambda e: e.kind)]
    suggestions = [] if found else close_to(index, query)
    return render_template(
        "search.html",
        query=query,
        groups=[(kind, items[:PER_KIND], len(items)) for kind, items in groups],
        total=len(found),
        suggestions=suggestions,
        exact=exact,
    )


@bp.route("/api/names")
def names():
    """Names that start with (or hold) what has been typed, best first, for the search boxes' suggestions."""
    query = request.args.get("q", "").strip()
    found = [e for e in matching(state().graph.index(), query) if e.kind not in SECONDARY_KINDS][:NAMES]
    status = links().community_status
    return jsonify(
        {
            "ok": True,
            "query": query,
            "names": [
                {"label": e.label, "kind": e.kind, "url": link(e.iri), "status": status.get(str(e.iri))} for e in found
            ],
        }
    )


def _entity_page(entity: Entity) -> str:
    s = state()
    if entity.kind in {"report", "report section"}:
        return source_page(entity)
    view = EntityPage(s, link, links().community_status, reports())
    facts = view.facts(entity)
    out, into = view.groups(entity, facts)
    return render_template(
        "entity.html",
        entity=entity,
        card=view.card(entity, facts),
        answers=view.answers(entity),
        out=out,
        into=into,
        in_network=str(entity.iri) in s.network,
        alternates=alternates(entity.iri[len(BASE) :]),
    )


# Each answers with the page or, as the client asks, the entity's description in RDF (webapp.linked_data); a
# path ending in .ttl, .jsonld ... is that description.
@bp.route("/id/<kind>/<slug>")
def entity(kind: str, slug: str):
    return resource(f"id/{kind}/{slug}", _entity_page)


@bp.route("/vocab/<scheme>/<slug>")
def concept(scheme: str, slug: str):
    return resource(f"vocab/{scheme}/{slug}", _entity_page)


@bp.route("/source/<path:path>")
def source(path: str):
    return resource(f"source/{path}", _entity_page)


@bp.route("/download/copgraph.<fmt>")
def download(fmt: str):
    if fmt in NETWORK_MEDIA:
        text, mimetype, suffix = network_text(state().network, fmt), NETWORK_MEDIA[fmt], f".{fmt}"
    elif fmt in FORMATS:
        text, mimetype, suffix = serialise(state().graph, fmt), MEDIA_TYPES[fmt], FORMATS[fmt][2]
    else:
        choices = ", ".join([*FORMATS, *NETWORK_MEDIA])
        abort(404, f"No download in the format '{fmt}'; choose one of {choices}, or copgraph-nodes.csv.")
    disposition = f'attachment; filename="copgraph{suffix}"'
    return Response(text, mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.route("/download/copgraph-<table>.csv")
def download_table(table: str):
    if table not in {"nodes", "edges"} or "csv" not in NETWORK_FORMATS:
        abort(404, f"No table called '{table}'; choose copgraph-nodes.csv or copgraph-edges.csv.")
    nodes, edges = csv_tables(state().network)
    return Response(
        nodes if table == "nodes" else edges,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="copgraph-{table}.csv"'},
    )
