"""Who may see whom. A person's visibility decides which audiences see them: the public sees public people only,
the programme team sees programme people too, curators see everyone. A person an audience may not see is nowhere
in its view: not on a page, in a query's answer, an export, a count or an analytic.

The data: the real reports, plus tests/data/visibility.trig with Priya Raman (programme only) and Tomasz Okafor
(hidden, and named in a note on a real community).
"""

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import TESTS
from rdflib import URIRef
from rdflib.term import BNode

from copgraph import files
from copgraph.build import build_store
from copgraph.build.privacy import out_of_sight, restrict
from copgraph.cli import cli
from copgraph.errors import CopgraphError
from copgraph.graph import KnowledgeGraph
from webapp import create_app

PRIYA = URIRef("https://w3id.org/copgraph/id/person/priya-raman")
TOMASZ = URIRef("https://w3id.org/copgraph/id/person/tomasz-okafor")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A copy of the shipped data: the reports alone."""
    folder = tmp_path_factory.mktemp("privacy") / "data"
    shutil.copytree(files.data_dir(), folder, ignore=shutil.ignore_patterns("sources", "templates"))
    return folder


@pytest.fixture(scope="module")
def data(reports, tmp_path_factory):
    """The same reports, plus the programme-only and the hidden person."""
    folder = tmp_path_factory.mktemp("privacy-plus") / "data"
    shutil.copytree(reports, folder)
    shutil.copy(TESTS / "data" / "visibility.trig", folder / "import-test-cohort.trig")
    return folder


def mentions(dataset, person: URIRef, name: str) -> bool:
    """Whether any triple, in any named graph, has the person as subject or object, or spells out their name."""
    query = f"""ASK {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(?s = {person.n3()} || ?o = {person.n3()} || CONTAINS(LCASE(STR(?o)), "{name.lower()}")) }}"""
    return dataset.query(query).boolean


def without_blank_nodes(graph) -> set:
    return {quad for quad in graph.dataset.quads() if not any(isinstance(term, BNode) for term in quad[:3])}


# ---------------------------------------------------------------------------------------------------- the views


def test_curators_see_everyone(data):
    everyone = KnowledgeGraph.open(data=data)
    assert mentions(everyone, PRIYA, "priya raman")
    assert mentions(everyone, TOMASZ, "tomasz okafor")


def test_the_programme_sees_programme_people_but_not_hidden_ones(data):
    programme = KnowledgeGraph.open(data=data, audience="programme")
    assert mentions(programme, PRIYA, "priya raman")
    assert not mentions(programme, TOMASZ, "tomasz okafor")


def test_the_public_sees_neither(data):
    public = KnowledgeGraph.open(data=data, audience="public")
    assert not mentions(public, PRIYA, "priya raman")
    assert not mentions(public, TOMASZ, "tomasz okafor")


def test_their_posts_go_with_them_and_so_does_text_that_names_them(data):
    public = KnowledgeGraph.open(data=data, audience="public")
    for post in ("priya-raman-1", "tomasz-okafor-1"):
        assert not public.query(f"ASK {{ GRAPH ?g {{ <https://w3id.org/copgraph/id/post/{post}> ?p ?o }} }}").boolean
    note = "ASK { community:sel-polypharmacy skos:editorialNote ?note }"
    assert KnowledgeGraph.open(data=data).query(note).boolean
    assert not public.query(note).boolean  # "Tomasz  OKAFOR brought ...": the same name, spaced and cased otherwise


def test_the_public_view_is_exactly_the_graph_without_them(data, reports):
    """Not even a count or a derived fact betrays them: every triple left is one the reports alone give."""
    assert without_blank_nodes(KnowledgeGraph.open(data=data, audience="public")) == without_blank_nodes(
        KnowledgeGraph.open(data=reports)
    )


def test_counts_and_the_network_do_not_count_them(data, reports):
    assert KnowledgeGraph.open(data=data, audience="public").counts() == KnowledgeGraph.open(data=reports).counts()
    network = KnowledgeGraph.open(data=data, audience="programme").network()
    assert str(PRIYA) in network
    assert str(TOMASZ) not in network


def test_people_named_in_the_reports_have_no_visibility_and_are_public(reports):
    assert out_of_sight(KnowledgeGraph.open(data=reports).backend, "public") == []


def test_every_store_that_can_be_written_can_be_restricted(data):
    for store in ("memory", "rdflib"):
        graph = KnowledgeGraph.open(store, data=data)
        taken = restrict(graph.backend, "public")
        assert taken.people == 2
        assert not mentions(graph, TOMASZ, "tomasz okafor")


def test_an_unknown_audience_is_refused(data):
    with pytest.raises(CopgraphError, match="Unknown audience 'everyone'; choose one of public, programme, curators"):
        KnowledgeGraph.open(data=data, audience="everyone")


# ---------------------------------------------------------------------------------------------- persistent stores


def test_a_store_built_for_curators_is_not_shown_to_the_public(data, tmp_path):
    store = f"oxigraph:{tmp_path / 'all.db'}"
    build_store(store, data)
    assert mentions(KnowledgeGraph.open(store, audience="curators"), TOMASZ, "tomasz okafor")
    with pytest.raises(CopgraphError, match=r"holds 2 people that the public audience may not see; build a store"):
        KnowledgeGraph.open(store, audience="public")


def test_a_store_built_for_the_public_holds_only_what_the_public_may_see(data, tmp_path):
    store = f"oxigraph:{tmp_path / 'public.db'}"
    build_store(store, data, audience="public")
    public = KnowledgeGraph.open(store, audience="public")
    assert not mentions(public, PRIYA, "priya raman")
    assert not mentions(public, TOMASZ, "tomasz okafor")


def test_a_store_with_nobody_out_of_sight_may_be_shown_to_anyone(reports, tmp_path):
    store = f"oxigraph:{tmp_path / 'reports.db'}"
    build_store(store, reports)
    assert len(KnowledgeGraph.open(store, audience="public").backend) > 0


# ------------------------------------------------------------------------------------------ exports and commands


def test_export_public_leaves_them_out_of_every_format(data):
    runner = CliRunner()
    for fmt in ("trig", "nq", "ttl", "jsonld"):
        result = runner.invoke(cli, ["--data", str(data), "export", "--public", "--format", fmt])
        assert result.exit_code == 0, result.output
        for needle in ("priya-raman", "Priya Raman", "tomasz-okafor", "Tomasz", "OKAFOR"):
            assert needle not in result.stdout, (fmt, needle)


def test_export_without_public_is_for_curators_and_holds_everyone(data):
    result = CliRunner().invoke(cli, ["--data", str(data), "export", "--format", "nq"])
    assert "tomasz-okafor" in result.stdout and "priya-raman" in result.stdout


def test_commands_answer_for_the_audience_asked_for(data):
    runner = CliRunner()
    shown = runner.invoke(cli, ["--data", str(data), "show", "Priya Raman"])
    assert shown.exit_code == 0 and "Priya Raman" in shown.output
    hidden = runner.invoke(cli, ["--data", str(data), "--audience", "public", "show", "Priya Raman"])
    assert hidden.exit_code == 2
    stats = runner.invoke(cli, ["--data", str(data), "--audience", "public", "stats", "--format", "json"])
    assert "Priya" not in json.dumps(json.loads(stats.stdout))


# ------------------------------------------------------------------------------------------------------ web app


def app_for(data, **settings):
    app = create_app({"TESTING": True, "DATA": str(data), "QUERY_WORKERS": 1, **settings})
    yield app
    app.extensions["copgraph"].workers.close()


@pytest.fixture(scope="module")
def public_app(data):
    yield from app_for(data)


@pytest.fixture(scope="module")
def programme_app(data):
    yield from app_for(data, AUDIENCE="programme")


def test_the_app_is_public_unless_configured_for_the_programme(public_app):
    client = public_app.test_client()
    assert client.get("/id/person/priya-raman").status_code == 404
    assert client.get("/id/person/tomasz-okafor").status_code == 404
    assert "/id/person/priya-raman" not in client.get("/search?q=Priya+Raman").get_data(as_text=True)
    assert "Programme view" not in client.get("/").get_data(as_text=True)


def test_the_public_endpoint_cannot_find_them(public_app):
    client = public_app.test_client()
    for person in (PRIYA, TOMASZ):
        answer = client.get("/sparql", query_string={"query": f"ASK {{ GRAPH ?g {{ {person.n3()} ?p ?o }} }}"})
        assert answer.status_code == 200
        assert answer.get_json()["boolean"] is False


def test_the_public_downloads_leave_them_out(public_app):
    text = public_app.test_client().get("/download/copgraph.nq").get_data(as_text=True)
    assert "priya-raman" not in text and "tomasz-okafor" not in text


def test_the_programme_app_shows_programme_people_and_says_so_but_never_hidden_ones(programme_app):
    client = programme_app.test_client()
    page = client.get("/id/person/priya-raman")
    assert page.status_code == 200
    assert "Programme view" in page.get_data(as_text=True)
    assert client.get("/id/person/tomasz-okafor").status_code == 404


DESCRIPTIONS = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]


def test_no_description_holds_anyone_the_audience_may_not_see(public_app, programme_app):
    public = public_app.test_client()
    for person in ("priya-raman", "tomasz-okafor"):
        for media in DESCRIPTIONS:
            assert public.get(f"/id/person/{person}", headers={"Accept": media}).status_code == 404
        for extension in ("ttl", "jsonld", "nt", "rdf", "trig", "nq"):
            assert public.get(f"/id/person/{person}.{extension}").status_code == 404
    # nor what links to them: the organisation both worked at, the community a note named one in
    for path in ("/id/organisation/health-innovation-network.nq", "/id/community/sel-polypharmacy.nq"):
        text = public.get(path).get_data(as_text=True).lower()
        assert "priya" not in text and "okafor" not in text
    programme = programme_app.test_client()
    priya = programme.get("/id/person/priya-raman", headers={"Accept": "text/turtle"})
    assert priya.status_code == 200 and '"Priya Raman"' in priya.get_data(as_text=True)
    assert "okafor" not in programme.get("/id/organisation/health-innovation-network.nq").get_data(as_text=True)
    assert programme.get("/id/person/tomasz-okafor.ttl").status_code == 404


def test_the_app_is_never_shown_to_curators(data):
    with pytest.raises(CopgraphError, match="The web app is shown to the public or to the programme team"):
        create_app({"TESTING": True, "DATA": str(data), "AUDIENCE": "curators"})
