"""The SPARQL editor (``/query``) and the SPARQL 1.1 Protocol endpoint (``/sparql``).

The endpoint keeps to the query operation of the SPARQL 1.1 Protocol:

- A query comes by GET (``?query=...``), or by POST as ``application/x-www-form-urlencoded`` (a ``query`` field)
  or as ``application/sparql-query`` (the body, in UTF-8). A request holds exactly one query (two are a 400) and
  never a query and an update together (400); a POST of any other type is 415.
- It is read-only: an ``update`` parameter, an ``application/sparql-update`` body or an update sent as a query
  gets 403.
- Every query runs over the union of copgraph's named graphs: a dataset given with the request
  (``default-graph-uri``, ``named-graph-uri``) is refused with 400, as ``FROM`` is (the protocol lets a service
  refuse a dataset it does not offer); ``GRAPH <name> { ... }`` picks one graph. Relative IRIs are read against
  copgraph's own namespace, :data:`copgraph.namespaces.BASE`.
- The answer comes in the format the ``Accept`` header asks for, or a ``format`` parameter names (``json``,
  ``csv``, ``ttl`` ... or a media type; a name it does not know is left to ``Accept``): SPARQL JSON, XML, CSV or
  TSV for SELECT and ASK; Turtle, N-Triples, JSON-LD or RDF/XML for CONSTRUCT and DESCRIBE. Without an
  ``Accept`` header, JSON or Turtle. An ``Accept`` that allows none of them gets 406 naming those it could have
  had. Every format writes every term an engine returns, RDF 1.2 triple terms included; a graph that RDF/XML
  cannot write is a 406 too.

Query requests pass the gate of :mod:`webapp.limits` (503 with ``Retry-After`` when over a limit), then run in a
worker process with the app's time and row limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, Response, request

from copgraph.errors import CopgraphError
from copgraph.namespaces import BASE, PREFIXES
from copgraph.query.answer import Answer
from copgraph.query.check import UpdateRefused, check
from copgraph.query.workers import QueryBusy, QueryTimeout
from webapp.limits import RETRY_AFTER, QueryRefused, gate
from webapp.security import error_response
from webapp.state import state

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
#: The protocol's parameters that name a dataset; copgraph answers over its own graph only.
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")


@dataclass(frozen=True)
class Formats:
    """The formats one kind of answer comes in: each with its media type, the other media types that ask for
    it, and the names a ``format`` parameter may give it."""

    types: dict[str, str]
    aliases: dict[str, str]
    names: dict[str, str]

    @property
    def offered(self) -> list[str]:
        """Every media type that asks for one of these formats, the preferred format's first."""
        return list(self.types.values()) + list(self.aliases)

    def named(self, value: str) -> str | None:
        value = value.strip().lower()
        if value in self.types:
            return value
        by_type = {media: fmt for fmt, media in self.types.items()} | self.aliases
        return by_type.get(value) or self.names.get(value)

    def chosen(self) -> str | None:
        """The format the request asks for, or None when it accepts none of these."""
        for value in request.values.getlist("format"):
            if found := self.named(value):
                return found
        if "Accept" not in request.headers:
            return next(iter(self.types))
        best = request.accept_mimetypes.best_match(self.offered)
        return None if best is None else self.named(best)


TABLES = Formats(
    types={
        "json": "application/sparql-results+json",
        "xml": "application/sparql-results+xml",
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
    },
    aliases={"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
    names={},
)
GRAPHS = Formats(
    types={
        "ttl": "text/turtle",
        "nt": "application/n-triples",
        "jsonld": "application/ld+json",
        "rdf": "application/rdf+xml",
    },
    aliases={"application/x-turtle": "ttl", "text/plain": "nt", "application/json": "jsonld"},
    names={"turtle": "ttl", "n-triples": "nt", "ntriples": "nt", "json-ld": "jsonld", "xml": "rdf", "rdf+xml": "rdf"},
)


class ProtocolError(Exception):
    """A request the protocol does not allow, with the status to answer it with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _query_text() -> str:
    """The one query the request holds, or :class:`ProtocolError` saying what is wrong with the request."""
    posted = request.mimetype if request.method == "POST" else None
    if request.method == "POST":
        if posted not in (FORM, DIRECT, UPDATE):
            given = f"'{posted}'" if posted else "no Content-Type"
            raise ProtocolError(
                415, f"POST a query as {DIRECT} (the query as the body) or as {FORM} (a 'query' field), not {given}."
            )
        charset = request.mimetype_params.get("charset", "utf-8")
        if charset.lower() not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"Send the query in UTF-8, not {charset[:40]}.")
    form = request.form if posted == FORM else {}
    queries = request.args.getlist("query") + (form.getlist("query") if form else [])
    updates = request.args.getlist("update") + (form.getlist("update") if form else [])
    if posted == DIRECT:
        queries.append(_body())
    if posted == UPDATE:
        updates.append("")
    if queries and updates:
        raise ProtocolError(400, "A request holds a query or an update, not both.")
    if updates:
        raise ProtocolError(403, "This endpoint is read-only: SPARQL updates are not accepted.")
    if not queries:
        raise ProtocolError(
            400,
            "Send a SPARQL query in the 'query' parameter (GET or form POST) or as an application/sparql-query body.",
        )
    if len(queries) > 1:
        raise ProtocolError(
            400, f"Send exactly one query a request; this one holds {len(queries)} (in 'query' parameters or the body)."
        )
    dataset = [name for name in DATASET_PARAMETERS if name in request.args or name in form]
    if dataset:
        raise ProtocolError(
            400,
            f"copgraph answers over its own graph, so {' and '.join(dataset)} (a dataset given with the query) "
            "are not accepted, as FROM is not. Use GRAPH <name> { ... } to query one named graph.",
        )
    return queries[0]


def _body() -> str:
    data = request.get_data()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"The query is not valid UTF-8 (at byte {error.start}); send it in UTF-8.") from None


#: Declared before every query, on its first line, so that relative IRIs have a base.
_PROLOGUE = f"BASE <{BASE}> "


def run(text: str) -> Answer:
    """Answer a user's query in a worker, its relative IRIs read against copgraph's namespace; a problem is a
    :class:`CopgraphError` whose line and column are those of ``text`` as written."""
    try:
        check(text)
        return state().workers.run(_PROLOGUE + text)
    except CopgraphError as error:
        said = re.sub(
            r"line 1, column (\d+)",
            lambda found: f"line 1, column {max(1, int(found.group(1)) - len(_PROLOGUE))}",
            str(error),
        )
        raise type(error)(said) from None


def _refused(message: str) -> Response:
    response = error_response(503, message)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _not_acceptable(answer: str, *kinds: Formats):
    types = ", ".join(media for formats in kinds for media in formats.types.values())
    accept = request.headers.get("Accept", "")
    accept = accept if len(accept) <= 100 else accept[:97] + "..."
    return error_response(406, f"{answer} can be had as {types}; the Accept header '{accept}' allows none of them.")


def _client() -> str:
    return request.remote_addr or "unknown"


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    try:
        text = _query_text()
    except ProtocolError as error:
        return error_response(error.status, str(error))
    if TABLES.chosen() is None and GRAPHS.chosen() is None:
        return _not_acceptable("An answer", TABLES, GRAPHS)
    try:
        with gate().admit(_client()):
            answer = run(text)
    except (QueryRefused, QueryBusy) as error:
        return _refused(str(error))
    except UpdateRefused as error:
        return error_response(403, str(error))
    except QueryTimeout as error:
        return error_response(503, str(error))
    except CopgraphError as error:
        return error_response(400, str(error))
    if answer.graph is not None:
        return _graph_response(answer)
    fmt = TABLES.chosen()
    if fmt is None:
        return _not_acceptable(f"The answer to an {answer.kind}" if answer.kind == "ASK" else "A table", TABLES)
    body = {"json": answer.to_json_text, "xml": answer.to_xml, "csv": answer.to_csv, "tsv": answer.to_tsv}[fmt]()
    response = Response(body, mimetype=TABLES.types[fmt])
    if answer.truncated:
        response.headers["X-Copgraph-Truncated"] = "true"
    if fmt in {"csv", "tsv"} and request.values.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="copgraph-results.{fmt}"'
    return response


def _graph_response(answer: Answer):
    fmt = GRAPHS.chosen()
    if fmt is None:
        return _not_acceptable(f"The graph a {answer.kind} answers with", GRAPHS)
    graph = answer.graph
    try:
        if fmt == "jsonld":
            body = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
        else:
            body = graph.serialize(format={"ttl": "turtle", "nt": "nt", "rdf": "xml"}[fmt])
    except ValueError as error:  # RDF/XML cannot write a property whose IRI does not end in a name
        written_as = GRAPHS.types[fmt]
        return error_response(406, f"This graph cannot be written as {written_as} ({error}); ask for text/turtle.")
    return Response(body, mimetype=GRAPHS.types[fmt])


@bp.route("/query")
def editor():
    """The SPARQL editor (:mod:`webapp.query_editor`), its queries run within the same limits as the endpoint's."""
    from webapp import query_editor

    def gated(text: str) -> Answer:
        with gate().admit(_client()):
            return run(text)

    return query_editor.page(gated)
