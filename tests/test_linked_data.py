"""Cool URIs: the IRIs copgraph mints answer at the web app with a page or with RDF, as the client asks; rdflib,
fetching them over HTTP from a live server, is the client. The people who are not public are in test_privacy.py."""

from __future__ import annotations

import re
import urllib.request

import pytest
from conftest import TESTS, live_server, make_data_dir
from rdflib import RDF, RDFS, SKOS, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV

from copgraph import files
from copgraph.curation.imports import apply_import, plan_import
from copgraph.namespaces import COP, GRAPH, ID
from webapp import create_app
from webapp.linked_data import CONTACT_DETAILS

COMMUNITY = ID.community["sel-polypharmacy"]
SECTION = URIRef("https://w3id.org/copgraph/source/report-2023-24/sel-polypharmacy")
POLYPHARMACY = URIRef("https://w3id.org/copgraph/vocab/theme/polypharmacy")
TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
}
RDFLIB = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads"}


@pytest.fixture(scope="module")
def app():
    app = create_app({"QUERY_WORKERS": 1, "TESTING": True})
    yield app
    app.extensions["copgraph"].close()


@pytest.fixture(scope="module")
def url(app):
    with live_server(app) as base:
        yield base


@pytest.fixture
def client(app):
    return app.test_client()


def test_rdflib_reads_a_community_at_its_iri_as_turtle_with_its_facts_their_sources_and_what_they_link_to(app, url):
    described = Graph().parse(f"{url}/id/community/sel-polypharmacy", format="turtle")
    held = app.extensions["copgraph"].graph.dataset
    stated = {(s, p, o) for s, p, o, _ in held.quads((COMMUNITY, None, None, None)) if p not in CONTACT_DETAILS}
    assert len(stated) > 40 and stated <= set(described)
    assert (COMMUNITY, COP.memberCount, Literal(25)) in described
    assert (COMMUNITY, COP.organiser, ID.organisation["sel-icb"]) in described
    assert (ID.organisation["sel-icb"], RDFS.label, Literal("South East London Integrated Care Board")) in described
    assert (ID.session["sel-polypharmacy-1"], COP.community, COMMUNITY) in described  # linked from
    assert (COP.memberCount, RDFS.label, Literal("number of members", lang="en")) in described
    # each fact, reified, with every graph that states it
    member_count = described.value(predicate=RDF.object, object=Literal(25))
    assert described.value(member_count, RDF.subject) == COMMUNITY
    assert described.value(member_count, RDF.predicate) == COP.memberCount
    assert set(described.objects(member_count, PROV.wasDerivedFrom)) == {SECTION}
    sources = {(s, p, o): set() for s, p, o in stated}
    for _, p, o, g in held.quads((COMMUNITY, None, None, None)):
        sources.setdefault((COMMUNITY, p, o), set()).add(g)
    for statement in described.subjects(RDF.type, RDF.Statement):
        fact = tuple(described.value(statement, part) for part in (RDF.subject, RDF.predicate, RDF.object))
        if fact[0] == COMMUNITY:
            assert set(described.objects(statement, PROV.wasDerivedFrom)) == sources[fact]


def test_rdflib_reads_json_ld_as_a_dataset_each_fact_in_the_graph_that_states_it(url):
    described = Dataset().parse(f"{url}/id/community/sel-polypharmacy", format="json-ld")
    quads = set(described.quads((None, None, None, None)))
    assert (COMMUNITY, COP.memberCount, Literal(25), SECTION) in quads
    assert (COMMUNITY, COP.theme, POLYPHARMACY, GRAPH.derived) in quads
    assert (COMMUNITY, RDF.type, COP.CommunityOfPractice, SECTION) in quads


@pytest.mark.parametrize(
    "path", ["id/community/sel-polypharmacy", "id/person/phil-southworth", "vocab/theme/polypharmacy"]
)
def test_every_format_at_its_own_url_says_the_same(client, path):
    graphs = {fmt: Graph().parse(data=client.get(f"/{path}.{fmt}").data, format=RDFLIB[fmt]) for fmt in ("ttl", "nt")}
    graphs["rdf"] = Graph().parse(data=client.get(f"/{path}.rdf").data, format="xml")
    assert isomorphic(graphs["ttl"], graphs["nt"]) and isomorphic(graphs["ttl"], graphs["rdf"])
    quads = {
        fmt: {(s, p, o, g.identifier if hasattr(g, "identifier") else g) for s, p, o, g in dataset.quads()}
        for fmt in ("trig", "nq", "jsonld")
        for dataset in [Dataset().parse(data=client.get(f"/{path}.{fmt}").data, format=RDFLIB[fmt])]
    }
    assert quads["trig"] == quads["nq"] == quads["jsonld"] and quads["trig"]
    facts = {(s, p, o) for s, p, o, _ in quads["trig"]}
    assert facts == {(s, p, o) for s, p, o in graphs["ttl"]} - reification(graphs["ttl"])


def reification(graph: Graph) -> set:
    statements = set(graph.subjects(RDF.type, RDF.Statement))
    return {(s, p, o) for s, p, o in graph if s in statements}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/html"),
        ("text/html", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("*/*", "text/html"),
        ("text/turtle", "text/turtle"),
        ("text/turtle;q=0.9, text/html;q=0.8", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml, */*;q=0.1", "application/rdf+xml"),
        ("application/trig", "application/trig"),
        ("application/n-quads", "application/n-quads"),
    ],
)
def test_an_iri_answers_in_the_format_the_client_accepts(client, accept, media_type):
    response = client.get("/id/community/sel-polypharmacy", headers={"Accept": accept} if accept else {})
    assert (response.status_code, response.mimetype) == (200, media_type)
    assert "Accept" in response.vary
    if media_type != "text/html":
        extension = next(fmt for fmt, media in TYPES.items() if media == media_type)
        assert response.headers["Content-Location"] == f"/id/community/sel-polypharmacy.{extension}"


def test_an_accept_it_cannot_meet_is_406_naming_what_it_can_give(client):
    response = client.get("/id/community/sel-polypharmacy", headers={"Accept": "image/png"})
    assert response.status_code == 406
    text = response.get_data(as_text=True)
    assert all(media in text for media in ["text/html", *TYPES.values()])


def test_the_page_and_each_description_name_the_others(client):
    page = client.get("/id/community/sel-polypharmacy")
    links = dict(re.findall(r'<(/[^>]+)>; rel="alternate"; type="([^"]+)"', page.headers["Link"]))
    assert links == {f"/id/community/sel-polypharmacy.{fmt}": media for fmt, media in TYPES.items()}
    html = page.get_data(as_text=True)
    for fmt, media in TYPES.items():
        assert f'<link rel="alternate" type="{media}" href="/id/community/sel-polypharmacy.{fmt}"' in html
    assert "Access-Control-Allow-Origin" not in page.headers
    turtle = client.get("/id/community/sel-polypharmacy.ttl")
    assert turtle.mimetype == "text/turtle" and "Vary" not in turtle.headers
    assert turtle.headers["Access-Control-Allow-Origin"] == "*"
    assert '</id/community/sel-polypharmacy>; rel="alternate"; type="text/html"' in turtle.headers["Link"]
    assert 'type="text/turtle"' not in turtle.headers["Link"]


@pytest.mark.parametrize("path", ["id/community/no-such-community", "vocab/theme/no-such-theme", "source/nowhere"])
@pytest.mark.parametrize("fmt", [None, *TYPES])
def test_an_iri_the_graph_does_not_hold_is_404_in_every_format(client, path, fmt):
    assert client.get(f"/{path}", headers={"Accept": TYPES[fmt]} if fmt else {}).status_code == 404
    if fmt:
        assert client.get(f"/{path}.{fmt}").status_code == 404


def test_an_extension_that_names_no_format_is_404(client):
    response = client.get("/id/community/sel-polypharmacy.xyz")
    assert response.status_code == 404 and "id/community/sel-polypharmacy.xyz" in response.get_data(as_text=True)


def test_a_vocabulary_term_resolves_the_same_way_with_what_links_to_it(url):
    theme = Graph().parse(f"{url}/vocab/theme/polypharmacy", format="turtle")
    assert (POLYPHARMACY, SKOS.prefLabel, Literal("Polypharmacy", lang="en")) in theme
    assert (POLYPHARMACY, SKOS.broader, URIRef("https://w3id.org/copgraph/vocab/theme/medicines-optimisation")) in theme
    assert (COMMUNITY, COP.theme, POLYPHARMACY) in theme  # the communities that work on it
    assert (COMMUNITY, RDFS.label, Literal("SEL Polypharmacy Community of Practice")) in theme


def test_a_report_section_resolves_too(client):
    section = Graph().parse(data=client.get("/source/report-2023-24/sel-polypharmacy.ttl").data, format="turtle")
    assert (SECTION, DCTERMS.title, None) in section


def test_contact_details_are_in_no_description(tmp_path):
    """An imported person's e-mail is kept in the graph, and shown neither on their page nor in any description,
    even to the programme team."""
    data = make_data_dir(tmp_path / "data", *sorted(files.data_dir().glob("report-*.trig")))
    clean = TESTS / "data" / "import" / "clean"
    apply_import(plan_import(sorted(clean.glob("*.csv")), data), data)
    app = create_app({"DATA": str(data), "QUERY_WORKERS": 1, "TESTING": True, "AUDIENCE": "programme"})
    try:
        client = app.test_client()
        for fmt in TYPES:
            response = client.get(f"/id/person/priya-shah.{fmt}")
            assert response.status_code == 200 and b"Priya Shah" in response.data
            assert b"priya.shah@example.org" not in response.data and b"mailto:" not in response.data
    finally:
        app.extensions["copgraph"].close()


def test_a_plain_http_client_gets_the_description_it_asks_for(url):
    request = urllib.request.Request(f"{url}/id/person/phil-southworth", headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers.get_content_type() == "application/n-triples"
        lines = response.read().decode().splitlines()
    assert lines == sorted(lines)
    assert (
        '<https://w3id.org/copgraph/id/person/phil-southworth> <http://xmlns.com/foaf/0.1/name> "Phil Southworth" .'
        in lines
    )
