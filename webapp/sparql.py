"""The SPARQL editor (``/query``) and the SPARQL 1.1 Protocol endpoint (``/sparql``).

The endpoint answers GET and POST (form-encoded or ``application/sparql-query``) with the format the Accept
header (or a ``format`` parameter) asks for: SPARQL JSON, XML, CSV or TSV for SELECT and ASK; Turtle,
N-Triples or JSON-LD for CONSTRUCT and DESCRIBE. It is read-only: an update gets 403. Every query runs in a
worker process with the app's time and row limits.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from copgraph.errors import CopgraphError
from copgraph.namespaces import PREFIXES
from copgraph.output.rdf import MEDIA_TYPES
from copgraph.query.check import UpdateRefused
from copgraph.query.workers import QueryBusy, QueryTimeout
from webapp.security import error_response
from webapp.state import state

bp = Blueprint("sparql", __name__)

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {fmt: MEDIA_TYPES[fmt] for fmt in ("ttl", "nt", "jsonld")}
ALIASES = {
    "application/json": "json",
    "text/xml": "xml",
    "application/xml": "xml",
    "text/plain": "nt",
    "application/x-turtle": "ttl",
}


def _choose(kinds: dict[str, str], default: str) -> str:
    wanted = request.values.get("format")
    if wanted in kinds:
        return wanted
    offered = list(kinds.values()) + [m for m, k in ALIASES.items() if k in kinds]
    best = request.accept_mimetypes.best_match(offered)
    if best is None or request.accept_mimetypes.best in (None, "*/*"):
        return default
    return next((k for k, m in kinds.items() if m == best), ALIASES.get(best, default))


def _query_text() -> str | None:
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    if request.method == "POST" and "update" in request.form:
        raise UpdateRefused("This endpoint is read-only: SPARQL updates are not accepted.")
    return request.values.get("query")


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    try:
        text = _query_text()
        if not text:
            return error_response(
                400,
                "Send a SPARQL query in the 'query' parameter (GET or form POST) "
                "or as an application/sparql-query body.",
            )
        answer = state().workers.run(text)
    except UpdateRefused as error:
        return error_response(403, str(error))
    except QueryBusy as error:
        response = error_response(503, str(error))
        response.headers["Retry-After"] = "1"
        return response
    except QueryTimeout as error:
        return error_response(503, str(error))
    except CopgraphError as error:
        return error_response(400, str(error))
    if answer.graph is not None:
        fmt = _choose(GRAPH_TYPES, "ttl")
        if fmt == "jsonld":
            body = answer.graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
        else:
            body = answer.graph.serialize(format={"ttl": "turtle", "nt": "nt"}[fmt])
        return Response(body, mimetype=GRAPH_TYPES[fmt])
    fmt = _choose(RESULT_TYPES, "json")
    body = {
        "json": answer.to_json_text,
        "xml": answer.to_xml,
        "csv": answer.to_csv,
        "tsv": answer.to_tsv,
    }[fmt]()
    response = Response(body, mimetype=RESULT_TYPES[fmt])
    if answer.truncated:
        response.headers["X-Copgraph-Truncated"] = "true"
    if fmt in {"csv", "tsv"} and request.values.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="copgraph-results.{fmt}"'
    return response


@bp.route("/query")
def editor():
    """The SPARQL editor (:mod:`webapp.query_editor`)."""
    from webapp import query_editor

    return query_editor.page()
