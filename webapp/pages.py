"""Home, search, entity pages and downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request

from copgraph.errors import CopgraphError
from copgraph.graph import Entity
from copgraph.graph.lookup import fold
from copgraph.output.rdf import FORMATS, MEDIA_TYPES, serialise
from webapp.linked_data import CONTACT_DETAILS, alternates, resource
from webapp.state import page_url, state

bp = Blueprint("pages", __name__)


@bp.app_template_filter("page")
def page_filter(iri: object) -> str | None:
    return page_url(iri)


@bp.route("/")
def home():
    s = state()
    return render_template("home.html", summary=s.summary)


@bp.route("/search")
def search():
    query = request.args.get("q", "").strip()
    if not query:
        return render_template("search.html", query=query, results=[], message="Type a name to look for.")
    s = state()
    try:
        entity = s.graph.lookup(query)
        return redirect(page_url(entity.iri))
    except CopgraphError as error:
        message = str(error)
    wanted = fold(query)
    results = [e for e in s.graph.entities() if wanted in fold(e.label) or any(wanted in fold(a) for a in e.aliases)]
    results.sort(key=lambda e: (e.kind, fold(e.label)))
    return render_template("search.html", query=query, results=results[:100], message=message)


def _entity_page(entity: Entity) -> str:
    s = state()
    # Contact details (from an import's Email and Phone columns) are never shown on a page.
    facts = [fact for fact in s.graph.describe(entity) if fact.predicate not in CONTACT_DETAILS]
    node = str(entity.iri)
    related = s.related_to(node) if node in s.network else []
    suggestions = s.suggestions(node) if node in s.network and entity.kind in {"person", "community"} else []
    return render_template(
        "entity.html",
        entity=entity,
        facts=facts,
        related=related,
        suggestions=suggestions,
        in_network=node in s.network,
        alternates=alternates(page_url(entity.iri).lstrip("/")),
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
    if fmt not in FORMATS:
        abort(404, f"No download in the format '{fmt}'; choose one of {', '.join(FORMATS)}.")
    text = serialise(state().graph, fmt)
    return Response(
        text,
        mimetype=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="copgraph{FORMATS[fmt][2]}"'},
    )
