"""A SPARQL 1.1 server as copgraph's store (``sparql:URL``): reading it, and sending the graph to it.

Requests are plain SPARQL 1.1 Protocol over HTTP (``application/sparql-query``, answered in SPARQL JSON or
N-Triples), with a time limit and HTTP Basic credentials, on one kept-alive connection per thread. The update
endpoint is ``COPGRAPH_SPARQL_UPDATE_URL`` (by default the query URL with ``/query`` replaced by ``/update``);
``COPGRAPH_SPARQL_USER`` and ``COPGRAPH_SPARQL_PASSWORD`` give HTTP Basic credentials.

:meth:`SparqlServerBackend.replace_with` sends the graph. Only SPARQL 1.1 Update is used (no server-specific
loader), so any server will do. The graph goes up in staging graphs first, in requests of :data:`CHUNK`
triples; then one update request moves every staging graph onto its real name and drops copgraph's graphs that
the new build no longer has. Until that last request the server holds the old graph; if the upload fails, the
staging graphs are dropped and the old graph is left as it was. Graphs that are not copgraph's are never touched.
"""

from __future__ import annotations

import atexit
import base64
import http.client
import io
import json
import os
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.store import Store

from copgraph.backends import Backend, StoreSpec
from copgraph.errors import CopgraphError
from copgraph.namespaces import BASE, PREFIXES, bind_prefixes
from copgraph.query.answer import Answer
from copgraph.query.check import graph_form, where_wrong

__all__ = ["CHUNK", "ServerError", "SparqlServerBackend", "skolem"]

#: Triples sent in one update request.
CHUNK = 20_000

#: Seconds an HTTP request to a SPARQL server may take before copgraph gives up on it.
HTTP_TIMEOUT = 60


class ServerError(CopgraphError):
    """The server answered with an HTTP error: ``status`` and the server's own words, ``detail``."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"The SPARQL server answered {status}: {detail}")
        self.status, self.detail = status, detail


class _Connections(threading.local):
    """One keep-alive HTTP connection per thread and server: thousands of small requests (a lookup, a
    projection) would otherwise open thousands of sockets, which servers start to refuse."""

    def get(self, url: str) -> http.client.HTTPConnection:
        parts = urllib.parse.urlsplit(url)
        key = (parts.scheme, parts.netloc)
        pool = self.__dict__.setdefault("pool", {})
        if key not in pool:
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            pool[key] = kind(parts.netloc, timeout=HTTP_TIMEOUT)
        return pool[key]

    def drop(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        connection = self.__dict__.get("pool", {}).pop((parts.scheme, parts.netloc), None)
        if connection is not None:
            connection.close()


_CONNECTIONS = _Connections()


def _forget_connections() -> None:
    # A forked process (a query worker) must not talk on its parent's sockets: both would read each other's
    # answers. Its own connections are opened as it needs them.
    _CONNECTIONS.__dict__.clear()


def _close_connections() -> None:
    for connection in _CONNECTIONS.__dict__.get("pool", {}).values():
        connection.close()
    _forget_connections()


os.register_at_fork(after_in_child=_forget_connections)
atexit.register(_close_connections)


def _post(url: str, body: bytes, headers: dict[str, str], *, retry: bool) -> tuple[str, bytes]:
    """POST to the server on a kept-alive connection; the answer's media type and body.

    Raises :class:`ServerError` for an HTTP error, :class:`OSError` when the server cannot be reached. A
    connection the server closed while idle is opened again once, for requests safe to repeat (``retry``).
    """
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
    for attempt in (1, 2):
        connection = _CONNECTIONS.get(url)
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            break
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.BadStatusLine):
            _CONNECTIONS.drop(url)
            if attempt == 2 or not retry:
                raise
        except OSError:
            _CONNECTIONS.drop(url)
            raise
    if response.status >= 400:
        detail = " ".join(data.decode("utf-8", "replace").split())[:300] or response.reason
        raise ServerError(response.status, detail)
    return response.headers.get_content_type(), data


class _Server:
    """The server's two endpoints and the credentials to send them."""

    def __init__(self, query_endpoint: str) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = os.environ.get("COPGRAPH_SPARQL_UPDATE_URL") or (
            query_endpoint[: -len("/query")] + "/update" if query_endpoint.endswith("/query") else query_endpoint
        )
        user = os.environ.get("COPGRAPH_SPARQL_USER")
        self.headers: dict[str, str] = {}
        if user:
            secret = f"{user}:{os.environ.get('COPGRAPH_SPARQL_PASSWORD', '')}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(secret).decode("ascii")

    def ask(self, text: str) -> tuple[str, bytes]:
        """Send a query as it is (copgraph's prefixes declared first); the answer's media type and body.

        Raises :class:`ServerError` when the server refuses it, :class:`OSError` when it cannot be reached.
        """
        prologue = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
        headers = {
            "Content-Type": "application/sparql-query; charset=utf-8",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            **self.headers,
        }
        return _post(self.query_endpoint, (prologue + text).encode("utf-8"), headers, retry=True)

    def result(self, text: str) -> Result:
        """The answer to a query as an rdflib Result."""
        media_type, body = self.ask(text)
        if media_type in {"application/n-triples", "text/plain"}:
            result = Result("CONSTRUCT")
            result.graph = Graph().parse(data=body.decode("utf-8"), format="nt")
            return result
        return Result.parse(io.BytesIO(body), format="json")

    def bindings(self, text: str) -> tuple[list[str], list[dict]]:
        """A SELECT's variables and its rows as SPARQL JSON bindings."""
        _, body = self.ask(text)
        document = json.loads(body)
        return document["head"].get("vars", []), document["results"]["bindings"]

    def update(self, text: str) -> None:
        # Sent as is: rdflib's SPARQLUpdateStore.update rewrites what it takes for blank nodes in the text.
        headers = {"Content-Type": "application/sparql-update; charset=utf-8", **self.headers}
        try:
            _post(self.update_endpoint, text.encode("utf-8"), headers, retry=False)
        except ServerError as error:
            raise CopgraphError(
                f"The SPARQL server refused an update ({error.status}: {error.detail}). Check the update "
                "URL (COPGRAPH_SPARQL_UPDATE_URL) and credentials (COPGRAPH_SPARQL_USER, COPGRAPH_SPARQL_PASSWORD)."
            ) from None
        except OSError as error:
            raise CopgraphError(
                f"Cannot reach the SPARQL server's update endpoint {self.update_endpoint}: {error}."
            ) from None


class SparqlServerBackend(Backend):
    """A SPARQL 1.1 server whose default graph is the union of its named graphs; read-only to copgraph but
    for :meth:`replace_with`, which ``copgraph build`` calls."""

    def __init__(self, query_endpoint: str) -> None:
        self.spec = StoreSpec("sparql", query_endpoint)
        self.server = _Server(query_endpoint)
        self._dataset: Dataset | None = None

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = bind_prefixes(Dataset(store=_RdflibView(self.server), default_union=True))
        return self._dataset

    def _reached(self, call, text: str):
        try:
            return call(text)
        except ServerError as error:
            if error.status == 400:
                raise CopgraphError(where_wrong(text, f"the SPARQL server refused it: {error.detail}")) from None
            raise CopgraphError(f"The SPARQL server answered {error.status} ({error.detail}).") from None
        except OSError as error:
            raise CopgraphError(f"Cannot reach the SPARQL server at {self.server.query_endpoint}: {error}.") from None
        except (ValueError, KeyError) as error:
            raise CopgraphError(f"The SPARQL server's answer could not be read: {error}.") from None

    def select(self, text: str) -> list[tuple[str | None, ...]]:
        variables, bindings = self._reached(self.server.bindings, text)
        return [tuple(b[v]["value"] if v in b else None for v in variables) for b in bindings]

    def query(self, text: str, *, limit: int | None = None) -> Answer:
        media_type, body = self._reached(self.server.ask, text)
        if media_type in {"application/n-triples", "text/plain"}:
            graph = bind_prefixes(Graph()).parse(data=body.decode("utf-8"), format="nt")
            return Answer(graph_form(text), graph=graph)
        try:
            document = json.loads(body)
        except ValueError as error:
            raise CopgraphError(f"The SPARQL server's answer could not be read: {error}.") from None
        if "boolean" in document:
            return Answer("ASK", boolean=bool(document["boolean"]))
        return Answer.from_bindings(document["head"].get("vars", []), document["results"]["bindings"], limit)

    def _read_only(self, *args, **kwargs):
        raise CopgraphError("The SPARQL server is read-only to copgraph except through 'copgraph build'.")

    add = add_selected = clear = load = remove = _read_only

    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g) for (g,) in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))

    def __len__(self) -> int:
        return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0][0])

    def dump(self, path: Path) -> None:
        self.dataset.serialize(destination=str(path), format="nquads")

    def replace_with(self, source: Backend, progress: Callable[[str], None] | None = None) -> int:
        """Replace copgraph's graphs on the server with those of ``source``; return the number of quads sent."""
        say = progress or (lambda step: None)
        dataset = source.dataset
        run_id = secrets.token_hex(4)
        names = sorted(source.graph_names(), key=str)
        staging = {name: URIRef(f"{name}.staging-{run_id}") for name in names}
        sent = 0
        try:
            existing = self._copgraph_graphs()
            for name in names:
                for update, count in _inserts(dataset, name, staging[name]):
                    self.server.update(update)
                    sent += count
                say(f"sent {sent:,} triples")
            moves = [f"MOVE SILENT GRAPH <{staging[name]}> TO <{name}>" for name in names]
            drops = [f"DROP SILENT GRAPH <{name}>" for name in sorted(existing - set(names), key=str)]
            self.server.update(" ;\n".join(drops + moves))
        except BaseException:
            for name in names:
                try:
                    self.server.update(f"DROP SILENT GRAPH <{staging[name]}>")
                except CopgraphError:
                    pass
            raise
        self._check_union()
        return sent

    def _copgraph_graphs(self) -> set[URIRef]:
        return {name for name in self.graph_names() if str(name).startswith(BASE) and ".staging-" not in str(name)}

    def _check_union(self) -> None:
        """copgraph's queries read the union of the named graphs as the default graph; make sure the server does."""
        if not self.query("ASK { ?cohort a cop:Cohort }").boolean:
            raise CopgraphError(
                "The graph is on the server, but its default graph is not the union of its named graphs, which "
                "copgraph's queries need. Start Oxigraph with --union-default-graph, or set tdb2:unionDefaultGraph "
                "in Fuseki (GraphDB and Virtuoso do this by default)."
            )


class _RdflibView(Store):
    """The server read through rdflib's Store API, read-only, for rdflib's tools: each triple pattern is one
    SELECT over ``GRAPH ?g``, so a triple stated in two graphs is one triple of the union that knows both."""

    context_aware = True
    graph_aware = True

    def __init__(self, server: _Server) -> None:
        super().__init__()
        self.server = server

    def triples(self, triple_pattern, context=None):
        s, p, o = triple_pattern
        if isinstance(s, Literal) or isinstance(p, Literal | BNode):
            return iter(())
        graph = getattr(context, "identifier", context)
        terms = [t.n3() if t is not None else f"?{v}" for t, v in zip((s, p, o), "spo", strict=True)]
        pattern = " ".join(terms)
        if graph is None or graph == "__UNION__":
            rows = self.server.result(f"SELECT ?s ?p ?o ?g (1 AS ?hit) WHERE {{ GRAPH ?g {{ {pattern} }} }}")
            graphs: dict[tuple, list] = {}
            for row in _rows(rows, (s, p, o), with_graph=True):
                graphs.setdefault(row[:3], []).append(row[3])
            return ((t, iter([Graph(self, identifier=g) for g in names])) for t, names in graphs.items())
        # ?hit makes every answer a row with a binding, even when the pattern binds nothing (an ASK in disguise)
        rows = self.server.result(f"SELECT ?s ?p ?o (1 AS ?hit) WHERE {{ GRAPH {graph.n3()} {{ {pattern} }} }}")
        return ((t, iter((context,))) for t in _rows(rows, (s, p, o)))

    def __len__(self, context=None) -> int:
        graph = getattr(context, "identifier", context)
        where = "GRAPH ?g { ?s ?p ?o }" if graph in (None, "__UNION__") else f"GRAPH {graph.n3()} {{ ?s ?p ?o }}"
        rows = self.server.result(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}")
        return int(next(iter(rows))[0])

    def contexts(self, triple=None):
        if triple is None:
            rows = self.server.result("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            return (Graph(self, identifier=row[0]) for row in rows)
        return (graph for _, graphs in self.triples(triple) for graph in graphs)

    def query(self, query_object, initNs, initBindings, queryGraph, **kwargs):
        if not isinstance(query_object, str) or initBindings:
            raise NotImplementedError  # rdflib then evaluates the query itself, over triples()
        return self.server.result(query_object)

    def add_graph(self, graph) -> None:
        pass  # named graphs exist on the server when they hold triples; nothing to create

    def add(self, triple, context, quoted=False) -> None:
        raise CopgraphError("The SPARQL server is read-only to copgraph except through 'copgraph build'.")

    addN = remove = add


def _rows(result: Result, bound: tuple, with_graph: bool = False):
    names = ["s", "p", "o", "g"] if with_graph else ["s", "p", "o"]
    for row in result:
        values = tuple(row.get(name) for name in names)
        triple = tuple(b if b is not None else v for b, v in zip(bound, values[:3], strict=True))
        yield triple + values[3:] if with_graph else triple


def _inserts(dataset: Dataset, name: URIRef, target: URIRef) -> Iterator[tuple[str, int]]:
    """INSERT DATA requests for one graph, each with the number of triples it holds."""
    chunk = []
    for triple in dataset.graph(name):
        chunk.append(tuple(skolem(term) for term in triple))
        if len(chunk) == CHUNK:
            yield _insert(target, chunk)
            chunk = []
    if chunk:
        yield _insert(target, chunk)


def skolem(term):
    """A blank node as a well-known IRI (RDF 1.1 skolemisation), other terms as they are.

    A server names a blank node afresh in every answer, so a blank node sent to it could not be found again;
    a skolem IRI can.
    """
    return URIRef(f"{BASE}.well-known/genid/{term}") if isinstance(term, BNode) else term


def _insert(target: URIRef, triples: list) -> tuple[str, int]:
    lines = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
    return f"INSERT DATA {{ GRAPH <{target}> {{\n{lines}\n}} }}", len(triples)
