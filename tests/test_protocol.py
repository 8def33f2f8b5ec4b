"""The SPARQL 1.1 Protocol at /sparql, kept strictly, against a live server (waitress) over HTTP.

The W3C's tests come first. :data:`W3C_TESTS` transcribes the query tests of the SPARQL 1.1 Protocol test suite,
and those of its update tests that must fail: the manifest ``sparql/sparql11/protocol/manifest.ttl`` of
https://github.com/w3c/rdf-tests (commit ad541a5f, 7 August 2026), by the W3C SPARQL Working Group, used under
the W3C's licences for test suites. Each keeps its name and its request as the manifest writes it, but for the
path ``/sparql/``, which the manifest asks a runner to replace with the endpoint's (here ``/sparql``). Requests
are sent with ``http.client``, which adds no header the manifest does not name (no ``Accept``, no
``Content-Type``).

Six of them give a default graph, ``http://kasei.us/2009/09/sparql/data/data0.rdf``, with their query
(:data:`GIVE_A_DATASET`). copgraph answers over its own graph only and refuses a dataset given with a request with
400, as it refuses ``FROM``; so each of those is sent twice: as written, answered 400 with the reason, and without
its ``default-graph-uri``, answered as the W3C expects. :data:`DO_NOT_APPLY` lists the tests that do not apply,
each with its reason.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest
from conftest import live_server
from rdflib import Graph

from webapp import create_app

SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@dataclass(frozen=True)
class W3CTest:
    """One request of the W3C's manifest and what it expects: a status class (2xx, covering 3xx too, or 4xx)
    and, for some, a format (``boolean``, ``tabular`` or ``RDF``) and the boolean an ASK answers."""

    name: str
    method: str
    path: str
    status: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    format: str | None = None
    boolean: bool | None = None


DATA0 = "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf"
FORM = {"content-type": "application/x-www-form-urlencoded"}
DIRECT = {"content-type": "application/sparql-query"}

W3C_TESTS = [
    W3CTest(
        "query_post_form",
        "POST",
        f"/sparql/?{DATA0}",
        "2xx",
        FORM,
        b"query=ASK%20%7B%7D",
        format="boolean",
        boolean=True,
    ),
    W3CTest(
        "query_get",
        "GET",
        f"/sparql/?query=ASK%20%7B%7D&{DATA0}",
        "2xx",
        format="boolean",
        boolean=True,
    ),
    W3CTest(
        "query_content_type_select",
        "POST",
        f"/sparql/?{DATA0}",
        "2xx",
        DIRECT,
        b"SELECT (1 AS ?value) {}",
        format="tabular",
    ),
    W3CTest("query_content_type_ask", "POST", f"/sparql/?{DATA0}", "2xx", DIRECT, b"ASK {}", format="boolean"),
    W3CTest(
        "query_content_type_describe",
        "POST",
        f"/sparql/?{DATA0}",
        "2xx",
        DIRECT,
        b"DESCRIBE <http://example.org/>",
        format="RDF",
    ),
    W3CTest(
        "query_content_type_construct",
        "POST",
        f"/sparql/?{DATA0}",
        "2xx",
        DIRECT,
        b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        format="RDF",
    ),
    W3CTest("query_post_direct", "POST", "/sparql/", "2xx", DIRECT, b"ASK {}", format="boolean", boolean=True),
    W3CTest("bad_query_method", "PUT", f"/sparql/?query=ASK%20%7B%7D&{DATA0}", "4xx", FORM),
    W3CTest("bad_multiple_queries", "GET", "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", "4xx"),
    W3CTest("bad_query_wrong_media_type", "POST", "/sparql/", "4xx", {"content-type": "text/plain"}, b"ASK {}"),
    W3CTest("bad_query_missing_form_type", "POST", "/sparql/", "4xx", {}, b"query=ASK%20%7B%7D"),
    W3CTest("bad_query_missing_direct_type", "POST", "/sparql/", "4xx", {}, b"ASK {}"),
    W3CTest(
        "bad_query_non_utf8",
        "POST",
        "/sparql/",
        "4xx",
        {"content-type": "application/sparql-query; charset=UTF-16"},
        "ASK {}".encode("utf-16"),
    ),
    W3CTest("bad_query_syntax", "GET", "/sparql/?query=ASK%20%7B", "4xx"),
    W3CTest("bad_update_get", "GET", "/sparql/?update=CLEAR%20ALL", "4xx"),
    W3CTest("bad_multiple_updates", "POST", "/sparql/", "4xx", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    W3CTest("bad_update_wrong_media_type", "POST", "/sparql/", "4xx", {"content-type": "text/plain"}, b"CLEAR NAMED"),
    W3CTest("bad_update_missing_form_type", "POST", "/sparql/", "4xx", {}, b"update=CLEAR%20NAMED"),
    W3CTest(
        "bad_update_non_utf8",
        "POST",
        "/sparql/",
        "4xx",
        {"content-type": "application/sparql-update; charset=UTF-16"},
        "CLEAR NAMED".encode("utf-16"),
    ),
    W3CTest("bad_update_syntax", "POST", "/sparql/", "4xx", FORM, b"update=CLEAR%20XYZ"),
    W3CTest(
        "bad_update_dataset_conflict",
        "POST",
        "/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        "4xx",
        {"content-type": "application/sparql-update"},
        b"PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
        b"DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
        b"WHERE {\n    ?person foaf:givenName 'Bill'\n}",
    ),
]

#: The tests whose query is given a default graph copgraph does not hold (data0.rdf).
GIVE_A_DATASET = [
    test.name for test in W3C_TESTS if "default-graph-uri" in test.path and test.method in {"GET", "POST"}
]

#: The manifest's other tests, and why each does not apply to copgraph.
LOAD_THEIR_DATA = (
    "loads the W3C's data1-3.rdf into named graphs and queries them through a dataset given with the request; "
    "copgraph serves its own graph and refuses a dataset given with a request, as it refuses FROM"
)
UPDATES = "an update that must succeed; copgraph's endpoint is read-only and refuses every update with 403"
DO_NOT_APPLY = {
    "query_dataset_default_graphs_get": LOAD_THEIR_DATA,
    "query_dataset_default_graphs_post": LOAD_THEIR_DATA,
    "query_dataset_named_graphs_post": LOAD_THEIR_DATA,
    "query_dataset_named_graphs_get": LOAD_THEIR_DATA,
    "query_dataset_full": LOAD_THEIR_DATA,
    "query_multiple_dataset": LOAD_THEIR_DATA + "; its query uses FROM too",
    "update_dataset_default_graph": UPDATES,
    "update_dataset_default_graphs": UPDATES,
    "update_dataset_named_graphs": UPDATES,
    "update_dataset_full": UPDATES,
    "update_post_form": UPDATES,
    "update_post_direct": UPDATES,
    "update_base_uri": UPDATES,
}


@pytest.fixture(scope="module")
def server():
    """A live server over the real graph, with a short time limit, and its address as (host, port)."""
    app = create_app({"QUERY_WORKERS": 2, "QUERY_TIMEOUT": 3, "TESTING": True})
    try:
        with live_server(app, threads=8) as url:
            host, port = urllib.parse.urlsplit(url).netloc.split(":")
            yield host, int(port)
    finally:
        app.extensions["copgraph"].close()


def send(server, method: str, path: str, headers: dict | None = None, body: bytes | None = None):
    """One HTTP request with exactly these headers (and those HTTP itself needs); the status, the response's
    media type and its body."""
    connection = http.client.HTTPConnection(*server, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers.get_content_type(), response.read(), response.headers
    finally:
        connection.close()


def endpoint_path(path: str) -> str:
    """The manifest's path on copgraph's endpoint."""
    assert path.startswith("/sparql/")
    return "/sparql" + path[len("/sparql/") :]


def without_dataset(path: str) -> str:
    base, _, query = path.partition("?")
    kept = [pair for pair in query.split("&") if pair and not pair.startswith("default-graph-uri=")]
    return base + ("?" + "&".join(kept) if kept else "")


def check_format(expected: str, media_type: str, body: bytes, boolean: bool | None) -> None:
    """The body is an answer in the format the W3C expects, and says ``boolean`` where one is given."""
    if expected == "boolean":
        if media_type == "application/sparql-results+json":
            said = json.loads(body)["boolean"]
        else:
            assert media_type == "application/sparql-results+xml", media_type
            said = ET.fromstring(body).find(f"{SPARQL_RESULTS}boolean").text == "true"
        assert boolean is None or said is boolean
    elif expected == "tabular":
        if media_type == "application/sparql-results+json":
            assert json.loads(body)["head"]["vars"] == ["value"]
        elif media_type == "application/sparql-results+xml":
            assert ET.fromstring(body).find(f"{SPARQL_RESULTS}head/{SPARQL_RESULTS}variable").get("name") == "value"
        else:
            assert media_type in {"text/csv", "text/tab-separated-values"}, media_type
            assert body.decode().split()[0] in {"value", "?value"}
    else:
        rdflib_format = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}
        assert media_type in rdflib_format, media_type
        Graph().parse(data=body, format=rdflib_format[media_type])


@pytest.mark.parametrize("test", W3C_TESTS, ids=lambda test: test.name)
def test_the_w3c_protocol_tests(server, test):
    path = endpoint_path(test.path)
    if test.name in GIVE_A_DATASET:
        path = without_dataset(path)
    status, media_type, body, _ = send(server, test.method, path, test.headers, test.body)
    if test.status == "2xx":
        assert 200 <= status < 400, body
        check_format(test.format, media_type, body, test.boolean)
    else:
        assert 400 <= status < 500, body


@pytest.mark.parametrize("name", GIVE_A_DATASET)
def test_a_dataset_given_with_the_request_is_refused_as_from_is(server, name):
    test = next(test for test in W3C_TESTS if test.name == name)
    status, _, body, _ = send(server, test.method, endpoint_path(test.path), test.headers, test.body)
    assert status == 400
    assert "default-graph-uri" in json.loads(body)["error"] and "GRAPH <name>" in json.loads(body)["error"]


def test_every_test_of_the_manifest_is_run_or_said_not_to_apply():
    manifest_order = [
        *("query_post_form", "query_dataset_default_graphs_get", "query_dataset_default_graphs_post"),
        *("query_dataset_named_graphs_post", "query_dataset_named_graphs_get", "query_dataset_full"),
        *("query_multiple_dataset", "query_get", "query_content_type_select", "query_content_type_ask"),
        *("query_content_type_describe", "query_content_type_construct", "update_dataset_default_graph"),
        *("update_dataset_default_graphs", "update_dataset_named_graphs", "update_dataset_full"),
        *("update_post_form", "update_post_direct", "update_base_uri", "query_post_direct", "bad_query_method"),
        *("bad_multiple_queries", "bad_query_wrong_media_type", "bad_query_missing_form_type"),
        *("bad_query_missing_direct_type", "bad_query_non_utf8", "bad_query_syntax", "bad_update_get"),
        *("bad_multiple_updates", "bad_update_wrong_media_type", "bad_update_missing_form_type"),
        *("bad_update_non_utf8", "bad_update_syntax", "bad_update_dataset_conflict"),
    ]
    covered = [test.name for test in W3C_TESTS] + list(DO_NOT_APPLY)
    assert sorted(covered) == sorted(manifest_order) and len(set(covered)) == 34


# ------------------------------------------------------------------------------------------- copgraph's own rules


def get(server, query: str, accept: str | None = None, **parameters):
    path = "/sparql?" + urllib.parse.urlencode({"query": query, **parameters}, doseq=True)
    return send(server, "GET", path, {"Accept": accept} if accept else {})


def error_of(body: bytes) -> str:
    error = json.loads(body)
    assert error["ok"] is False
    assert "\n" not in error["error"] and "Traceback" not in error["error"]
    return error["error"]


def test_exactly_one_query_a_request(server):
    status, _, body, _ = get(server, ["ASK {}", "SELECT * {}"])
    assert status == 400
    assert error_of(body) == "Send exactly one query a request; this one holds 2 (in 'query' parameters or the body)."
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    status, _, body, _ = send(server, "POST", path, {"content-type": "application/sparql-query"}, b"ASK {}")
    assert status == 400 and "holds 2" in error_of(body)


def test_never_a_query_and_an_update_together(server):
    body = urllib.parse.urlencode({"query": "ASK {}", "update": "CLEAR ALL"}).encode()
    status, _, answer, _ = send(server, "POST", "/sparql", {"content-type": "application/x-www-form-urlencoded"}, body)
    assert (status, error_of(answer)) == (400, "A request holds a query or an update, not both.")


@pytest.mark.parametrize(
    ("path", "headers", "body"),
    [
        ("/sparql?update=CLEAR%20ALL", {}, None),
        ("/sparql", {"content-type": "application/x-www-form-urlencoded"}, b"update=INSERT%20DATA%20%7B%7D"),
        ("/sparql", {"content-type": "application/sparql-update"}, b"INSERT DATA { <a:a> <a:b> <a:c> }"),
    ],
    ids=["update parameter", "update field", "update body"],
)
def test_updates_are_refused_however_they_come(server, path, headers, body):
    status, _, answer, _ = send(server, "POST" if body else "GET", path, headers, body)
    assert (status, error_of(answer)) == (403, "This endpoint is read-only: SPARQL updates are not accepted.")


def test_a_post_of_another_type_is_415_naming_those_it_takes(server):
    status, _, body, _ = send(server, "POST", "/sparql", {"content-type": "text/plain"}, b"ASK {}")
    assert status == 415
    assert error_of(body) == (
        "POST a query as application/sparql-query (the query as the body) or as application/x-www-form-urlencoded "
        "(a 'query' field), not 'text/plain'."
    )
    status, _, body, _ = send(server, "POST", "/sparql", {"content-type": "application/sparql-query"}, b"ASK {\xff}")
    assert (status, error_of(body)) == (400, "The query is not valid UTF-8 (at byte 5); send it in UTF-8.")


def test_an_accept_it_cannot_meet_is_406_naming_what_it_can_give_before_anything_runs(server):
    never_ends = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.perf_counter()
    status, _, body, _ = get(server, never_ends, "image/png")
    assert status == 406 and time.perf_counter() - start < 1
    message = error_of(body)
    for media_type in ("application/sparql-results+json", "text/csv", "text/turtle", "application/ld+json"):
        assert media_type in message
    assert "'image/png' allows none of them" in message


@pytest.mark.parametrize(
    ("query", "accept", "offered"),
    [
        ("ASK {}", "text/turtle", "text/tab-separated-values"),
        ("SELECT * {}", "application/ld+json", "application/sparql-results+xml"),
        ("CONSTRUCT WHERE { ?s a cop:Cohort }", "text/csv", "application/rdf+xml"),
    ],
)
def test_a_table_asked_for_as_a_graph_or_a_graph_as_a_table_is_406(server, query, accept, offered):
    status, _, body, _ = get(server, query, accept)
    assert status == 406 and offered in error_of(body)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
        ("application/json", "application/sparql-results+json"),
        ("text/tab-separated-values;q=0.5, text/csv;q=0.9", "text/csv"),
    ],
)
def test_accept_chooses_the_format(server, accept, media_type):
    assert get(server, "ASK {}", accept)[:2] == (200, media_type)


def test_a_format_parameter_names_the_format_and_one_it_does_not_know_is_left_to_accept(server):
    assert get(server, "ASK {}", "text/csv", format="json")[:2] == (200, "application/sparql-results+json")
    assert get(server, "ASK {}", "text/csv", format="bogus")[:2] == (200, "text/csv")
    # what SPARQLWrapper sends for Turtle: format=turtle, output=turtle, results=turtle
    construct = "CONSTRUCT WHERE { ?s a cop:Cohort }"
    assert get(server, construct, None, format="turtle", output="turtle")[:2] == (200, "text/turtle")


#: A value of every kind an engine returns: IRI, blank node, plain, language-tagged and typed literals, an RDF
#: 1.2 triple term, a literal spreadsheets would run, and nothing (unbound).
EVERY_KIND = """SELECT ?iri ?blank ?plain ?tagged ?typed ?triple ?formula ?nothing WHERE {
  BIND(<https://w3id.org/copgraph/id/community/sel-polypharmacy> AS ?iri)
  BIND(BNODE() AS ?blank)
  BIND("plain, with \\"quotes\\", a\\ttab and a\\nline break" AS ?plain)
  BIND("polypharmacy"@en AS ?tagged)
  BIND(25 AS ?typed)
  BIND(TRIPLE(<http://example.org/a>, <http://example.org/b>, "c") AS ?triple)
  BIND(STRDT("=1+1", xsd:token) AS ?formula)
}"""


def test_every_result_format_writes_every_kind_of_value(server):
    status, _, body, _ = get(server, EVERY_KIND, "application/sparql-results+json")
    assert status == 200
    row = json.loads(body)["results"]["bindings"][0]
    assert row["triple"]["type"] == "triple" and row["triple"]["value"]["object"] == {"type": "literal", "value": "c"}
    assert row["typed"]["datatype"].endswith("#integer") and "nothing" not in row

    status, _, body, _ = get(server, EVERY_KIND, "application/sparql-results+xml")
    assert status == 200
    bindings = {b.get("name"): b[0] for b in ET.fromstring(body).iter(f"{SPARQL_RESULTS}binding")}
    assert bindings["triple"].tag == f"{SPARQL_RESULTS}triple"
    assert bindings["triple"].find(f"{SPARQL_RESULTS}object/{SPARQL_RESULTS}literal").text == "c"
    assert bindings["tagged"].get("{http://www.w3.org/XML/1998/namespace}lang") == "en"

    status, _, body, _ = get(server, EVERY_KIND, "text/csv")
    assert status == 200
    header, row = list(csv.reader(io.StringIO(body.decode())))
    cells = dict(zip(header, row, strict=True))
    assert cells["triple"] == '<<( <http://example.org/a> <http://example.org/b> "c" )>>'
    assert cells["formula"] == "'=1+1" and cells["typed"] == "25" and cells["nothing"] == ""
    assert cells["plain"] == 'plain, with "quotes", a\ttab and a\nline break'

    status, _, body, _ = get(server, EVERY_KIND, "text/tab-separated-values")
    assert status == 200
    header, row = body.decode().rstrip("\n").split("\n")
    cells = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert cells["?triple"] == '<<( <http://example.org/a> <http://example.org/b> "c" )>>'
    assert (
        cells["?tagged"] == '"polypharmacy"@en'
        and cells["?plain"] == r'"plain, with \"quotes\", a\ttab and a\nline break"'
    )


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_a_graph_holding_a_triple_term_is_refused_with_a_sentence_never_a_500(server, accept):
    query = "CONSTRUCT { <http://a> <http://b> ?t } WHERE { BIND(TRIPLE(<http://a>, <http://b>, <http://c>) AS ?t) }"
    status, _, body, _ = get(server, query, accept)
    assert status == 400 and "<<( <http://a> <http://b> <http://c> )>>" in error_of(body)


def test_a_graph_rdf_xml_cannot_write_is_406(server):
    status, _, body, _ = get(
        server, "CONSTRUCT { <http://a> <http://example.org/1> 1 } WHERE {}", "application/rdf+xml"
    )
    assert status == 406 and "ask for text/turtle" in error_of(body)
    status, media_type, body, _ = get(server, "CONSTRUCT WHERE { ?s a cop:Cohort }", "application/rdf+xml")
    assert (status, media_type) == (200, "application/rdf+xml") and len(Graph().parse(data=body, format="xml")) == 2


def test_relative_iris_are_copgraphs_and_mistakes_keep_their_place(server):
    status, _, body, _ = get(
        server, "SELECT ?n WHERE { <id/community/sel-polypharmacy> cop:memberCount ?n }", "text/csv"
    )
    assert (status, body) == (200, b"n\n25\n")
    status, _, body, _ = get(server, "SELECT * WHERE { ?s ?p }")
    assert status == 400 and "line 1, column 18" in error_of(body)


def test_the_query_page_shows_a_triple_term(server):
    query = "SELECT ?t WHERE { BIND(TRIPLE(<http://example.org/a>, <http://example.org/b>, 'c') AS ?t) }"
    status, _, body, _ = send(server, "GET", "/query?" + urllib.parse.urlencode({"query": query}))
    assert status == 200
    cells = re.findall(r"<td>(.*?)</td>", body.decode())
    assert cells == ["&lt;&lt;( &lt;http://example.org/a&gt; &lt;http://example.org/b&gt; &#34;c&#34; )&gt;&gt;"]


def test_a_second_query_from_a_client_whose_first_is_running_is_told_to_wait(server):
    never_ends = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    first = threading.Thread(target=get, args=(server, never_ends))
    first.start()
    time.sleep(0.5)
    try:
        status, _, body, headers = get(server, "ASK {}")
        assert (status, headers["Retry-After"]) == (503, "1")
        assert error_of(body) == "You already have a query running; wait for its answer, then send the next."
    finally:
        first.join(timeout=10)
    assert get(server, "ASK {}")[0] == 200
