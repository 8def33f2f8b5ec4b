"""The SPARQL 1.1 Protocol endpoint, over HTTP from a live server, with real clients."""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import live_server
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from webapp import create_app

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cartesian product: never finishes


@pytest.fixture(scope="module")
def endpoint():
    """The endpoint of a live web app on the default store (tests/test_backends.py holds every store to the same
    answers and time limit)."""
    # Two queries at once from this one client: a never-ending one and another (tests/test_overload.py holds the
    # limit of one).
    config = {"QUERY_WORKERS": 2, "QUERY_TIMEOUT": 3, "MAX_ROWS": 100, "QUERIES_PER_CLIENT": 2, "TESTING": True}
    app = create_app(config)
    try:
        with live_server(app, threads=8) as url:
            yield f"{url}/sparql"
    finally:
        app.extensions["copgraph"].close()


def fetch(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode()


QUERY = "SELECT ?name WHERE { cohort:2019-20 cop:participant ?p . ?p foaf:name ?name } ORDER BY ?name"


@pytest.mark.parametrize(("accept", "returns", "fmt"), [(JSON, "json", None), (XML, "xml", None), (CSV, "csv", None)])
def test_sparqlwrapper_reads_select_results(endpoint, accept, returns, fmt):
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERY)
    client.setReturnFormat(accept)
    result = client.query().convert()
    if accept == JSON:
        names = [b["name"]["value"] for b in result["results"]["bindings"]]
    elif accept == XML:
        names = [n.firstChild.data for n in result.getElementsByTagName("literal")]
    else:
        names = result.decode().splitlines()[1:]
    assert len(names) == 23 and names[0] == "Andrew Cupples"


def test_sparqlwrapper_posts_and_reads_a_construct_as_turtle(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery("CONSTRUCT { ?p foaf:name ?n } WHERE { cohort:2023-24 cop:programmeTeam ?p . ?p foaf:name ?n }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 3


def test_rdflib_sparqlstore_queries_the_endpoint(endpoint):
    store = SPARQLStore(endpoint, returnFormat="json")
    graph = Graph(store=store)
    rows = list(
        graph.query("""PREFIX cop: <https://w3id.org/copgraph/ontology#>
        SELECT ?n WHERE { <https://w3id.org/copgraph/id/community/sel-polypharmacy> cop:memberCount ?n }""")
    )
    assert rows[0][0].toPython() == 25


@pytest.mark.parametrize(
    ("accept", "media_type", "expected"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", '"boolean": true'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<boolean>true</boolean>"),
        ("text/csv", "text/csv", "true"),
        ("text/tab-separated-values", "text/tab-separated-values", "true"),
    ],
)
def test_ask_in_every_result_format(endpoint, accept, media_type, expected):
    url = endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s a cop:Cohort }"})
    status, content_type, body = fetch(url, headers={"Accept": accept})
    assert (status, content_type) == (200, media_type)
    assert expected in body


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_describe_in_every_graph_format(endpoint, accept, media_type):
    body = urllib.parse.urlencode({"query": "DESCRIBE person:cleo-butterworth"}).encode()
    status, content_type, text = fetch(
        endpoint, data=body, headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (status, content_type) == (200, media_type)
    assert "cleo-butterworth" in text


def test_a_malformed_query_is_400_with_line_and_column(endpoint):
    status, content_type, body = fetch(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT * WHERE {\n ?s ?p }"}))
    assert status == 400 and content_type == "application/json"
    error = json.loads(body)
    assert error["ok"] is False and error["status"] == 400 and "line 2, column 2" in error["error"]


@pytest.mark.parametrize(
    "update",
    ["INSERT DATA { <a:a> <a:b> <a:c> }", "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL", "LOAD <http://example.org/>"],
)
def test_updates_are_forbidden(endpoint, update):
    status, _, body = fetch(endpoint, data=update.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 403 and "not allowed" in body
    status, _, body = fetch(endpoint, data=urllib.parse.urlencode({"update": update}).encode())
    assert status == 403 and "read-only" in body


def test_service_is_refused(endpoint):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, body = fetch(endpoint + "?" + urllib.parse.urlencode({"query": query}))
    assert status == 400 and "SERVICE" in body


def test_row_limit_truncates_and_says_so(endpoint):
    url = endpoint + "?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["X-Copgraph-Truncated"] == "true"
        assert response.read().count(b'"type"') == 100


def test_a_query_that_never_finishes_is_stopped_and_others_are_still_answered(endpoint):
    results = {}

    def slow():
        results["slow"] = (time.perf_counter(), fetch(endpoint + "?" + urllib.parse.urlencode({"query": SLOW})))

    start = time.perf_counter()
    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    status, _, _ = fetch(endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
    answered_while_busy = time.perf_counter() - start
    thread.join(timeout=30)
    finished, (slow_status, _, body) = results["slow"]
    assert status == 200 and answered_while_busy < 2.5
    assert slow_status == 503 and "time limit" in body and "COPGRAPH_QUERY_TIMEOUT" in body
    assert finished - start < 3 + 2
    status, _, _ = fetch(endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
    assert status == 200  # the killed worker was replaced
