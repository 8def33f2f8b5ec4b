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
        targets = re.findall(r'<td><a href="([^"]+)">[^<]*</a> <span class="kind">', section)
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
