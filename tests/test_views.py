"""The cohorts, boundaries, explore and query pages through Flask's test client, on the real data: what a
convenor, the programme team and an analyst should find there."""

import csv
import io
import re

import pytest

from copgraph.graph.cohorts import compare_cohorts
from webapp import create_app


@pytest.fixture(scope="module")
def app():
    app = create_app({"QUERY_WORKERS": 1, "QUERY_TIMEOUT": 5, "TESTING": True})
    yield app
    app.extensions["copgraph"].workers.close()


@pytest.fixture
def client(app):
    return app.test_client()


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


class TestCohorts:
    def test_the_comparison_says_not_stated_where_a_report_names_no_participants(self, graph):
        comparison = compare_cohorts(graph)
        first, second = comparison.cohorts
        assert (first.label, second.label) == ("2019-20 cohort", "2023-24 cohort")
        assert (first.participants, second.participants, second.offered) == (23, 0, 28)
        sectors = comparison.facet("sectors")
        assert sectors.not_stated[second.iri] == (
            "The 2023-24 final report names no participants (it counts 28 places offered), so their sectors are "
            "not stated."
        )
        assert all(row.counts[1] is None for row in sectors.rows)
        assert sum(row.counts[0] for row in comparison.facet("nations").rows) == 23
        assert sectors.unknown == (0, None)

    def test_themes_are_new_shared_or_dropped(self, graph):
        changes = compare_cohorts(graph).changes("themes")
        labels = {key: {row.label for row in rows} for key, rows in changes.items()}
        assert "Polypharmacy" in labels["new"] and "Medicines optimisation" in labels["shared"]
        assert "E-prescribing" in labels["dropped"]
        assert not (labels["new"] & labels["shared"]) and not (labels["shared"] & labels["dropped"])

    def test_communities_by_status_and_speakers(self, graph):
        comparison = compare_cohorts(graph)
        status = {row.label: row.counts for row in comparison.facet("communities").rows}
        assert status == {"idea": (19, 13), "active": (0, 4)}
        speakers = {row.label: row.counts for row in comparison.facet("speakers").rows}
        assert speakers["Myron Rogers"][0] > 0 and speakers["Myron Rogers"][1] > 0

    def test_the_page_shows_both_cohorts_charts_and_tables_and_never_a_silent_zero(self, client):
        html = client.get("/cohorts").get_data(as_text=True)
        assert "2019-20 cohort" in html and "2023-24 cohort" in html
        assert "New in the 2023-24 cohort" in html and "Only in the 2019-20 cohort" in html
        assert html.count("<svg") >= 6 and html.count("<table") >= 7
        assert "so their sectors are not stated" in html and "so their professions are not stated" in html
        sectors = html[html.index('id="facet-sectors"') : html.index('id="facet-nations"')]
        rows = re.findall(r"<tr><td>.*?</tr>", sectors, flags=re.S)
        assert rows and all(row.count('<span class="not-stated">not stated</span>') == 1 for row in rows)

    def test_the_page_is_linked_from_home_and_the_menu(self, client):
        assert 'href="/cohorts"' in client.get("/").get_data(as_text=True)

    def test_each_table_downloads_as_csv(self, client):
        rows = read_csv(client.get("/cohorts.csv?table=sectors"))
        assert rows[0] == ["Participants' sectors", "identifier", "2019-20 cohort", "2023-24 cohort"]
        assert ["Acute trust", "https://w3id.org/copgraph/vocab/sector/acute-trust", "5", "not stated"] in rows
        assert client.get("/cohorts.csv?table=nope").status_code == 404


class TestBoundaries:
    def test_the_page_says_the_cohort_is_context_and_links_cells_to_their_ties(self, client):
        html = client.get("/boundaries").get_data(as_text=True)
        assert "Taking part in the same cohort is context, not a tie" in html
        cells = re.findall(r'href="(/boundaries/ties\?by=sector[^"]+)"', html)
        assert cells
        for url in cells:
            page = client.get(url.replace("&amp;", "&"))
            assert page.status_code == 200
            shown = re.search(r"(\d+) collaboration ties?", page.get_data(as_text=True))
            assert shown and int(shown.group(1)) > 0

    def test_no_target_is_suggested_more_than_twice(self, client, app):
        html = client.get("/boundaries").get_data(as_text=True)
        section = html[html.index('id="introductions"') : html.index("Communities that span boundaries")]
        targets = re.findall(r'<td data-label="to"><a href="([^"]+)">', section)
        assert targets and max(targets.count(t) for t in targets) <= 2

    def test_gaps_say_what_data_would_fill_them_and_clusters_have_names(self, client):
        html = client.get("/boundaries").get_data(as_text=True)
        assert "Islands" not in html and "Gaps in the data" in html
        assert "Convenors column of communities.csv" in html
        assert "Medicines optimisation" in html[html.index("<h2>Clusters</h2>") :]

    def test_brokers_are_in_words_not_decimals(self, client):
        html = client.get("/boundaries").get_data(as_text=True)
        brokers = html[html.index('id="brokers"') : html.index("<h2>Clusters</h2>")]
        assert "bridge" in brokers and not re.search(r"\d\.\d{3}", brokers)

    @pytest.mark.parametrize(
        "table",
        ["kinds", "crossing", "sectors", "nations", "ties", "suggestions", "spanning", "brokers", "clusters", "gaps"],
    )
    def test_every_table_downloads_as_csv_guarded_against_formulas(self, client, table):
        rows = read_csv(client.get(f"/boundaries.csv?table={table}"))
        assert len(rows) >= 2, table
        for row in rows:
            assert not any(cell.startswith(("=", "+", "@")) for cell in row)

    def test_a_bad_cell_is_a_sentence(self, client):
        response = client.get("/boundaries/ties?by=colour&a=x&b=y")
        assert response.status_code == 400 and "sector or nation" in response.get_data(as_text=True)
        response = client.get("/boundaries/ties?by=sector&a=vocab/sector/nope&b=vocab/sector/nhs")
        assert response.status_code == 404 and "vocab/sector/nope" in response.get_data(as_text=True)


class TestExplore:
    def test_the_first_view_is_communities_and_their_themes_each_coloured_as_its_group(self, client):
        data = client.get("/explore.json").get_json()
        assert {n["kind"] for n in data["nodes"]} == {"community", "theme"}
        groups = data["options"]["groups"]
        for node in data["nodes"]:
            assert node["color"] == groups[node["group"]]["color"]
            assert node["shape"] == groups[node["group"]]["shape"]
        html = client.get("/explore").get_data(as_text=True)
        for kind in ("community", "theme"):
            assert f'data-kind="{kind}" data-color="{groups[kind]["color"]["background"]}"' in html

    def test_focus_takes_a_name_and_the_type_ahead_finds_names(self, client):
        by_name = client.get("/explore.json?focus=SEL+Polypharmacy&hops=1").get_json()
        by_id = client.get("/explore.json?focus=id/community/sel-polypharmacy&hops=1").get_json()
        assert by_name["nodes"] == by_id["nodes"]
        assert by_name["focus"] == "https://w3id.org/copgraph/id/community/sel-polypharmacy"
        found = client.get("/explore/names?q=polyph").get_json()
        assert found[0]["label"].lower().startswith("polypharmacy")
        assert {
            "label": "SEL Polypharmacy Community of Practice",
            "kind": "community",
            "id": "id/community/sel-polypharmacy",
        } in found
        phil = [row["label"] for row in client.get("/explore/names?q=phil").get_json()]
        assert "Phil Southworth" in phil and "Philip Lusty" in phil

    def test_the_view_downloads_as_gexf_and_csv(self, client):
        url = "focus=id/community/sel-polypharmacy&hops=1"
        view = client.get(f"/explore.json?{url}").get_json()
        gexf = client.get(f"/explore.gexf?{url}")
        assert gexf.headers["Content-Disposition"] == 'attachment; filename="copgraph-view.gexf"'
        assert gexf.get_data(as_text=True).count("<node ") == len(view["nodes"])
        nodes = read_csv(client.get(f"/explore.csv?table=nodes&{url}"))
        links = read_csv(client.get(f"/explore.csv?table=links&{url}"))
        assert len(nodes) - 1 == len(view["nodes"]) and len(links) - 1 == len(view["edges"])
        assert client.get(f"/explore.csv?table=nope&{url}").status_code == 400

    def test_the_suggested_layer_links_nodes_of_the_view(self, client):
        url = "focus=id/person/phil-southworth&hops=2"
        shown = {n["id"] for n in client.get(f"/explore.json?{url}").get_json()["nodes"]}
        layer = client.get(f"/explore/suggested.json?{url}").get_json()
        assert layer["edges"]
        for edge in layer["edges"]:
            assert edge["from"] in shown and edge["to"] in shown and edge["title"].startswith("Suggested: ")

    def test_clusters_come_with_their_names(self, client):
        data = client.get("/explore.json").get_json()
        assert any("Medicines optimisation" in c["title"] for c in data["clusters"])
        assert all(-1 <= n["cluster"] < len(data["clusters"]) for n in data["nodes"])


class TestQueryEditor:
    def test_results_show_labels_beside_iris_and_a_chart_for_a_grouped_count(self, client):
        query = "SELECT ?cohort (COUNT(?s) AS ?n) WHERE { ?s a cop:Session ; cop:cohort ?cohort } GROUP BY ?cohort"
        html = client.get("/query", query_string={"query": query}).get_data(as_text=True)
        assert '<a href="/id/cohort/2019-20">2019-20 cohort</a> <span class="iri-beside">cohort:2019-20</span>' in html
        assert '<figure class="query-chart"><svg' in html and "n by cohort" in html

    def test_no_chart_for_an_answer_that_is_not_a_grouped_count(self, client):
        html = client.get("/query?example=sel-polypharmacy-meetings").get_data(as_text=True)
        assert "query-chart" not in html

    def test_downloads_go_through_the_endpoint(self, client):
        html = client.get("/query?example=communities-working-on-medicines").get_data(as_text=True)
        for fmt in ("csv", "json", "tsv"):
            assert re.search(
                rf'href="/sparql\?query=[^"]+format={fmt}&amp;download=1" download="copgraph-results\.{fmt}"', html
            )

    def test_a_syntax_error_names_its_line_and_column_for_the_editor(self, client):
        html = client.get("/query", query_string={"query": "SELECT ?x\nWHERE { ?x a }"}).get_data(as_text=True)
        assert 'data-line="2" data-column="9"' in html and "at line 2, column 9" in html

    def test_the_side_lists_classes_and_properties_with_counts(self, client, graph):
        html = client.get("/query").get_data(as_text=True)
        count = graph.query("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a foaf:Person }").rows[0][0].toPython()
        assert re.search(rf'>foaf:Person</a> <span class="count">{count}</span>', html)
        assert ">rdfs:label</a>" in html

    def test_the_editor_is_served_from_the_app_with_its_licences(self, client):
        with client.get("/static/codemirror/codemirror.min.js") as script:
            assert script.status_code == 200 and b"CopgraphEditor" in script.data
        with client.get("/static/codemirror/LICENSES.txt") as licences:
            assert "@codemirror/view" in licences.get_data(as_text=True) and "MIT" in licences.get_data(as_text=True)


NEW_PAGES = [
    "/cohorts",
    "/boundaries",
    "/boundaries/ties",
    "/boundaries/ties?by=nation&a=vocab/place/england&b=vocab/place/england",
    "/synergies",
    "/explore",
    "/explore?focus=SEL+Polypharmacy&hops=2",
    "/query?example=communities-working-on-medicines",
    "/query?query=SELECT+%3Fc+(COUNT(%3Fs)+AS+%3Fn)+WHERE+%7B+%3Fs+cop%3Acohort+%3Fc+%7D+GROUP+BY+%3Fc",
]


@pytest.mark.parametrize("url", NEW_PAGES)
def test_the_pages_keep_the_strict_policy_no_inline_script_or_style(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']https?://""", html), url
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
    assert not re.search(r"\sstyle=", html), url
