"""The copgraph web app: pages, graph views and a SPARQL endpoint over the knowledge graph.

Start it with ``copgraph serve`` (waitress, a production WSGI server) or, while developing,
``flask --app webapp run``. Settings come from ``COPGRAPH_*`` environment variables (see :data:`DEFAULTS`), and
``copgraph serve``'s options over them; tests pass ``test_config`` instead of the environment.

The app only reads: it loads the graph once at start-up, computes the analytics once, and answers every
request from that state. Nothing a page serves comes from outside the app, and a Content-Security-Policy of
``default-src 'self'`` with no inline script proves it.
"""

from __future__ import annotations

import os
import secrets

from flask import Flask

#: Settings, each overridable by an environment variable ``COPGRAPH_<NAME>``.
DEFAULTS = {
    "DATA": None,  # a data folder to use instead of the shipped data
    "STORE": "memory",  # where the graph lives: memory, rdflib, oxigraph:PATH or sparql:URL
    "AUDIENCE": "public",  # who sees the app: public (public people only) or programme (programme people too)
    "INCLUDE": "",  # more RDF files to load with the data (in-memory stores), separated by os.pathsep
    "QUERY_TIMEOUT": 10.0,  # seconds a SPARQL query may run
    "MAX_ROWS": 10_000,  # rows a SELECT returns at most
    "QUERY_WORKERS": 2,  # queries that can run at once
    "QUERY_WAIT": 0.5,  # seconds a query waits for a free worker before it is answered 503 (try again)
    "QUERY_MEMORY_MB": 2048,  # memory a query may use, on top of the graph its worker inherits
    "QUERIES_IN_FLIGHT": 4,  # query requests taken on at once, waiting or running (at most half the threads)
    "QUERIES_PER_CLIENT": 1,  # query requests one client address may have in flight
    "PROXIES": 0,  # reverse proxies in front of the app whose X-Forwarded-For tells clients apart
    "MAX_GRAPH_NODES": 1_500,  # nodes a graph view sends to the browser at most
}


#: The settings that are numbers, each with its kind and least value; QUERY_MEMORY_MB may also be empty (no limit).
NUMBERS = {
    "QUERY_TIMEOUT": (float, 0.1),
    "MAX_ROWS": (int, 1),
    "QUERY_WORKERS": (int, 1),
    "QUERY_WAIT": (float, 0),
    "QUERY_MEMORY_MB": (int, 16),
    "QUERIES_IN_FLIGHT": (int, 1),
    "QUERIES_PER_CLIENT": (int, 1),
    "PROXIES": (int, 0),
    "MAX_GRAPH_NODES": (int, 1),
}


def _numbers(config) -> None:
    """Read each setting of :data:`NUMBERS` as its kind, or say which one is wrong, before anything is loaded."""
    from copgraph.errors import CopgraphError

    for name, (kind, least) in NUMBERS.items():
        value = config.get(name)
        if name == "QUERY_MEMORY_MB" and value in (None, "", 0):
            config[name] = None
            continue
        try:
            number = kind(value)
            whole = not isinstance(value, float) or value.is_integer()
        except (TypeError, ValueError):
            number, whole = None, False
        if number is None or isinstance(value, bool) or (kind is int and not whole) or number < least:
            what = "a whole number" if kind is int else "a number"
            raise CopgraphError(f"The setting COPGRAPH_{name} must be {what} of at least {least:g}, not '{value}'.")
        config[name] = number


def create_app(test_config: dict | None = None, *, settings: dict | None = None, progress=None) -> Flask:
    """Create the app: open the graph, prepare what pages need, start the query workers, register the pages.

    Settings are :data:`DEFAULTS`, then the ``COPGRAPH_*`` environment variables (or ``test_config`` instead of
    them), then ``settings`` (``copgraph serve``'s options). ``progress`` is told each step of the loading as it
    starts (``copgraph serve`` prints them).
    """
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("COPGRAPH_SECRET_KEY") or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_SORT_KEYS=False,
        **DEFAULTS,
    )
    if test_config is None:
        app.config.from_prefixed_env("COPGRAPH")
    else:
        app.config.from_mapping(test_config)
    app.config.from_mapping(settings or {})
    _numbers(app.config)
    include = app.config.get("INCLUDE") or ()
    if isinstance(include, str):
        include = [path for path in include.split(os.pathsep) if path]
    app.config["INCLUDE"] = list(include)

    from webapp.state import State

    app.extensions["copgraph"] = State.open(app.config, progress)
    app.context_processor(lambda: {"audience": app.extensions["copgraph"].audience})

    from webapp import analysis, explore, limits, pages, reference, security, sparql

    queries = limits.QueryGate(app.config["QUERIES_IN_FLIGHT"], app.config["QUERIES_PER_CLIENT"])
    app.extensions["copgraph-queries"] = queries
    limits.trust_proxies(app, app.config["PROXIES"])
    security.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(reference.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(analysis.bp)
    app.register_blueprint(sparql.bp)
    return app
