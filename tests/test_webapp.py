"""The web app through Flask's test client: every route, its headers, and hostile names shown as text."""

import json
import re

import pytest

from webapp import create_app

ROUTES = [
    "/",
    "/search?q=health",
    "/search?q=nothing+at+all+zzz",
    "/id/community/sel-polypharmacy",
    "/id/person/phil-southworth",
    "/id/organisation/health-innovation-network",
    "/id/cohort/2019-20",
    "/id/session/2019-20-module-1",
    "/id/testimony/2019-20-02",
    "/id/story/capacitar",
    "/vocab/theme/polypharmacy",
    "/vocab/method/liberating-structures",
    "/source/report-2019-20/appendix-2",
    "/explore",
    "/explore.json",
    "/explore?kind=community&kind=theme&cohort=id/cohort/2019-20",
    "/explore?focus=id/person/phil-southworth&hops=2",
    "/synergies",
    "/synergies?theme=vocab/theme/polypharmacy",
    "/boundaries",
    "/query",
    "/query?example=communities-working-on-medicines",
    "/download/copgraph.ttl",
    "/download/copgraph.jsonld",
    "/static/vendor/vis-network.min.js",
    "/static/vendor/vis-network.css",
    "/static/explore.js",
]


@pytest.fixture(scope="module")
def app():
    app = create_app({"QUERY_WORKERS": 1, "QUERY_TIMEOUT": 3, "MAX_ROWS": 50, "TESTING": True})
    yield app
    app.extensions["copgraph"].workers.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("url", ROUTES)
def test_every_route_answers_with_a_strict_content_security_policy(client, url):
    with client.get(url) as response:
        assert response.status_code == 200, url
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", [u for u in ROUTES if not u.startswith(("/static", "/download", "/explore.json"))])
def test_no_page_loads_anything_from_outside_or_runs_inline_script(client, url):
    html = client.get(url).get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']https?://""", html), url
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script in {url}"
    assert not re.search(r"\sstyle=", html), f"inline style in {url}"


def test_home_counts_and_entry_points(client):
    html = client.get("/").get_data(as_text=True)
    assert "2019-20 cohort" in html and "2023-24 cohort" in html
    assert "For convenors" in html and "For the programme team" in html


def test_an_unknown_entity_is_a_404_that_names_it(client):
    response = client.get("/id/person/nobody-at-all")
    assert response.status_code == 404
    assert "id/person/nobody-at-all" in response.get_data(as_text=True)


def test_the_graph_data_is_plain_text_and_links_to_entity_pages(client):
    data = client.get("/explore.json?focus=id/community/sel-polypharmacy").get_json()
    nodes = {n["id"]: n for n in data["nodes"]}
    sel = nodes["https://w3id.org/copgraph/id/community/sel-polypharmacy"]
    assert sel["url"] == "/id/community/sel-polypharmacy"
    assert sel["title"] == "SEL Polypharmacy Community of Practice (community)"
    # laid out on the server, seeded: the same picture on every load, and no physics in the browser
    assert data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    assert client.get("/explore.json?focus=id/community/sel-polypharmacy").get_json()["nodes"] == data["nodes"]


def test_a_graph_never_sends_more_nodes_than_the_limit_and_says_so(app):
    app.config["MAX_GRAPH_NODES"] = 20
    try:
        client = app.test_client()
        data = client.get("/explore.json").get_json()
        assert len(data["nodes"]) == 20
        assert any("showing the 20 best connected" in note for note in data["notes"])
        assert "showing the 20 best connected" in client.get("/explore").get_data(as_text=True)
    finally:
        app.config["MAX_GRAPH_NODES"] = 1500


def test_every_graph_has_a_table_twin(client):
    html = client.get("/explore?kind=community&kind=theme").get_data(as_text=True)
    assert "The same graph as tables" in html and "<caption>Links</caption>" in html


def test_boundaries_page_shows_matrices_brokers_clusters_and_islands(client):
    html = client.get("/boundaries").get_data(as_text=True)
    for heading in ("sector by sector", "nation by nation", "Brokers", "Clusters", "Gaps in the data"):
        assert heading in html


def test_sparql_editor_runs_an_example_and_links_results_to_pages(client):
    html = client.get("/query?example=sel-polypharmacy-meetings").get_data(as_text=True)
    assert "How do we see our situation?" in html and "4 rows" in html


def test_sparql_editor_shows_errors_with_line_and_column(client):
    html = client.get("/query?query=SELECT+%3Fx+WHERE+%7B+%3Fx+a+%7D").get_data(as_text=True)
    assert "line 1, column 19" in html


def test_secret_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("COPGRAPH_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("COPGRAPH_QUERY_WORKERS", "1")
    app = create_app()
    try:
        assert app.config["SECRET_KEY"] == "from-the-environment"
        assert app.config["QUERY_WORKERS"] == 1
    finally:
        app.extensions["copgraph"].workers.close()


@pytest.fixture(scope="module")
def hostile(hostile_data):
    """An app over the mini report plus names, titles and descriptions that contain HTML and script."""
    app = create_app({"DATA": str(hostile_data), "QUERY_WORKERS": 1, "TESTING": True})
    yield app.test_client()
    app.extensions["copgraph"].workers.close()


class TestHostileNames:
    @pytest.mark.parametrize(
        "url",
        [
            "/id/person/mallory",
            "/id/community/evil",
            "/id/organisation/evil",
            "/explore",
            "/search?q=evil",
            "/synergies",
            "/boundaries",
            "/query?query=SELECT+%3Fn+WHERE+%7B+%3Fp+foaf%3Aname+%3Fn+%7D",
        ],
    )
    def test_html_in_data_is_shown_as_text(self, hostile, url):
        html = hostile.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
        assert "javascript:alert" not in html or "&#39;javascript:alert" in html

    def test_graph_titles_stay_plain_strings(self, hostile):
        data = hostile.get("/explore.json?kind=person").get_json()
        mallory = next(n for n in data["nodes"] if n["id"].endswith("/person/mallory"))
        assert mallory["title"] == "<script>alert('name')</script>Mallory (person)"  # vis-network shows strings as text
        assert json.dumps(data)  # serialisable, nothing executable added by us


def test_the_endpoint_allows_browser_clients_from_other_origins(client):
    response = client.get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_an_oversized_request_is_refused_with_a_sentence(client):
    response = client.post("/sparql", data="x" * (300 * 1024), content_type="application/sparql-query")
    assert response.status_code == 413
    assert response.get_json()["ok"] is False


def test_an_unexpected_error_shows_no_stack_trace(mini_data):
    app = create_app({"DATA": str(mini_data), "QUERY_WORKERS": 1})

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    try:
        response = app.test_client().get("/boom-for-test")
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "secret internals" not in text and "Traceback" not in text
    finally:
        app.extensions["copgraph"].workers.close()


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/explore?focus=id/person/phil-southworth&hops=abc", 400, "1, 2 or 3, not &#39;abc&#39;"),
        ("/explore.json?focus=id/person/phil-southworth&hops=9", 400, "1, 2 or 3, not &#39;9&#39;"),
        ("/explore?focus=id/person/nobody-at-all", 404, "Nothing called"),
        ("/explore?theme=vocab/theme/no-such-theme", 200, "Filtered by theme"),
        ("/synergies?theme=%00%ff&cohort=<b>", 200, "Synergies"),
        ("/search?q=%00", 200, "Search"),
    ],
)
def test_bad_query_parameters_get_a_clear_answer_never_a_server_error(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_a_large_cluster_names_some_of_its_members_and_counts_the_rest(client, monkeypatch):
    monkeypatch.setattr("webapp.analysis.CLUSTER_NAMES", 2)
    html = client.get("/boundaries").get_data(as_text=True)
    assert "more people and communities" in html


@pytest.mark.parametrize(
    "setting, value",
    [
        ("QUERY_WORKERS", "abc"),
        ("QUERY_WORKERS", 0),
        ("QUERY_TIMEOUT", "-1"),
        ("MAX_ROWS", 2.5),
        ("QUERY_MEMORY_MB", "x"),
    ],
)
def test_a_wrong_number_in_a_setting_is_named_before_anything_is_loaded(setting, value):
    from copgraph.errors import CopgraphError

    with pytest.raises(
        CopgraphError, match=rf"The setting COPGRAPH_{setting} must be .* of at least .*, not '{value}'"
    ):
        create_app({setting: value, "STORE": "oxigraph:/nowhere"})  # a store that is never opened: checked first


def test_numbers_in_settings_may_come_as_text_from_the_environment(mini_data):
    app = create_app({"DATA": str(mini_data), "QUERY_WORKERS": "1", "QUERY_TIMEOUT": "2.5", "QUERY_MEMORY_MB": ""})
    try:
        assert (app.config["QUERY_WORKERS"], app.config["QUERY_TIMEOUT"], app.config["QUERY_MEMORY_MB"]) == (
            1,
            2.5,
            None,
        )
    finally:
        app.extensions["copgraph"].workers.close()


def test_the_web_app_imports_numpy_and_scipy_only_when_an_analysis_needs_them():
    # They take a fifth of a second to import, and a command such as stats needs neither.
    import subprocess
    import sys

    code = "import sys, webapp, webapp.state, webapp.explore; print(sorted({'numpy', 'scipy'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
