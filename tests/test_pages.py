"""The pages a convenor reads, through Flask's test client on the real data: the entity page (answers first,
facts in words, sources you can read), search that respects ambiguity, the source, ontology and vocabulary
pages, downloads and the favicon."""

from __future__ import annotations

import io
import re

import networkx as nx
import pytest

from webapp import create_app


@pytest.fixture(scope="module")
def client():
    app = create_app({"QUERY_WORKERS": 1, "TESTING": True})
    yield app.test_client()
    app.extensions["copgraph"].workers.close()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


class TestTheEntityPage:
    def test_a_community_page_puts_its_introductions_before_its_facts(self, client):
        html = page(client, "/id/community/sel-polypharmacy")
        positions = [html.index(h) for h in ("People to invite", "Communities to talk to", "Speakers who fit")]
        assert positions == sorted(positions) and positions[-1] < html.index("What the reports say")
        answers = between(html, "People to invite", "What the reports say")
        assert "Phil Southworth" in answers and "Paul Gimson" in answers  # whose work touches medicines
        assert "Cleo Butterworth" not in answers  # who shares only the programme's host with it
        assert "strong match" in answers and "pieces of evidence" in answers
        assert "Both work on Medicines optimisation" in answers  # the first reason, as a sentence
        assert "<details><summary>Why, and how they connect</summary>" in answers  # the paths, folded
        assert "—works on→ Medicines optimisation" in answers
        assert not re.search(r"\b\d\.\d{2,}\b", answers), "a raw score is shown"

    def test_the_summary_card_says_what_it_is_and_whether_it_is_active(self, client):
        card = between(page(client, "/id/community/sel-polypharmacy"), '<section class="card"', "</section>")
        evidence = "Active: it has met (the report tells its impact story; 4 meetings recorded; 25 members counted)."
        assert evidence in card
        assert ">2023-24 cohort</a>" in card and "South East London Integrated Care Board</a> <span" in card
        assert "The report counts 25 members but names none of them." in card
        assert '<ul class="chips" aria-label="Themes">' in card and ">Polypharmacy</a>" in card

    def test_ideas_and_active_communities_are_told_apart(self, client):
        html = page(client, "/id/community/sel-polypharmacy")
        talk = between(html, "Communities to talk to", "Speakers who fit")
        assert '>A community addressing polypharmacy</a> <span class="badge badge-idea">idea</span>' in talk
        theme = page(client, "/vocab/theme/polypharmacy")
        assert '>SEL Polypharmacy Community of Practice</a> <span class="badge badge-active">active</span>' in theme

    def test_facts_are_in_words_without_suggestion_records(self, client):
        html = page(client, "/id/community/sel-polypharmacy")
        facts = html[html.index("What the reports say") :]
        for words in ("organised by", "works on", "uses the method", "top tips", "its meetings and records"):
            assert f"<dt>{words}</dt>" in facts
        assert not re.search(r"\b(dcterms|org|skos|schema|cop):[a-z]", facts)
        assert "/id/suggestion/" not in html and "suggestion for" not in html

    def test_a_person_shows_job_and_employer_and_no_post_page(self, client):
        html = page(client, "/id/person/phil-southworth")
        card = between(html, '<section class="card"', "</section>")
        assert "Associate director of pharmacy-Medicines resource centre at " in card
        assert '<a href="/id/organisation/buckinghamshire-healthcare">' in card
        assert ">NHS</a>" in card and ">England</a>" in card
        assert "Communities to join" in html and "People to meet" in html
        assert "/id/post/" not in html

    def test_a_theme_lists_the_communities_and_people_working_on_it(self, client):
        html = page(client, "/vocab/theme/medicines-optimisation")
        communities = between(html, "Communities working on it", "People working on it")
        assert "SEL Polypharmacy Community of Practice" in communities  # through Polypharmacy, a narrower theme
        assert "Works on Polypharmacy, which is part of Medicines optimisation" in communities
        people = between(html, "People working on it", "What the reports say")
        assert "Phil Southworth" in people and "Their profession, Pharmacy, relates to Medicines optimisation" in people

    def test_an_empty_section_says_why(self, client):
        html = page(client, "/id/community/alcohol-assertive-outreach")
        talk = between(html, "Communities to talk to", "Speakers who fit")
        assert (
            "No other community shares a theme, method, organisation or place with this one "
            "(its themes: Alcohol and substance use)." in talk
        )
        idea = page(client, "/id/community/2019-20-ambulance-services")
        assert "None named: the reports list it as an idea, with no members." in idea

    def test_a_source_link_leads_to_the_supporting_lines_with_an_excerpt(self, client):
        html = page(client, "/id/community/sel-polypharmacy")
        group = between(html, "<dt>organised by</dt>", "</dd>")
        link = re.search(r'<a class="src" href="([^"]+)" aria-describedby="([^"]+)">([^<]+)</a>', group)
        assert link.group(1) == "/source/report-2023-24/sel-polypharmacy?lines=288#L288"
        assert link.group(3) == "2023-24 report, line 288"
        excerpt = re.search(rf'<span class="excerpt" role="tooltip" id="{link.group(2)}">([^<]+)</span>', group)
        assert "South East London (SEL) Integrated Care Board (ICB) established" in excerpt.group(1)
        section = page(client, link.group(1))
        line = between(section, 'id="L288"', "</p>")
        assert 'class="line hl"' in section and "<mark>South East London (SEL) Integrated Care Board" in line


class TestSearch:
    def test_a_name_several_share_the_start_of_lists_them_all(self, client):
        response = client.get("/search?q=Phil")
        assert response.status_code == 200
        people = between(response.get_data(as_text=True), 'id="person-h"', "</section>")
        assert "Phil Southworth" in people and "Philip Lusty" in people

    def test_sel_shows_the_community_before_the_place(self, client):
        html = page(client, "/search?q=SEL")
        assert html.index("SEL Polypharmacy Community of Practice") < html.index("South East London</a>")
        assert html.index('id="community-h"') < html.index('id="region-h"')

    def test_only_an_exact_unique_name_goes_straight_to_its_page(self, client):
        response = client.get("/search?q=cleo+butterworth")
        assert response.status_code == 302 and response.headers["Location"] == "/id/person/cleo-butterworth"

    def test_a_misspelling_offers_links_to_what_was_meant(self, client):
        html = page(client, "/search?q=Cleo+Buterworth")
        assert "Did you mean:" in html
        assert '<a href="/id/person/cleo-butterworth">Cleo Butterworth</a>' in html

    def test_names_are_suggested_as_you_type(self, client):
        answer = client.get("/api/names?q=phi").get_json()
        assert answer["ok"] is True
        names = {n["label"]: n for n in answer["names"]}
        assert names["Phil Southworth"]["url"] == "/id/person/phil-southworth"
        assert "Philip Lusty" in names
        communities = client.get("/api/names?q=polypharmacy").get_json()["names"]
        sel = next(n for n in communities if n["url"] == "/id/community/sel-polypharmacy")
        assert sel["kind"] == "community" and sel["status"] == "active"


class TestReferencePages:
    @pytest.mark.parametrize("name", ["derived", "curation", "inferred", "vocabularies", "entailed"])
    def test_every_source_that_is_not_a_report_is_explained(self, client, name):
        html = page(client, f"/graph/{name}")
        assert f"https://w3id.org/copgraph/graph/{name}</code>, with" in html

    def test_the_ontology_has_a_place_for_each_term(self, client):
        html = page(client, "/ontology")
        assert '<div id="Active">' in html and '<div id="CommunityOfPractice">' in html

    def test_a_vocabulary_lists_its_concepts_broader_first(self, client):
        html = page(client, "/vocab/theme")
        assert html.index(">Medicines optimisation</a>") < html.index(">Polypharmacy</a>")

    def test_a_report_lists_its_sections(self, client):
        html = page(client, "/source/report-2023-24")
        assert '<a href="/source/report-2023-24/sel-polypharmacy">SEL Polypharmacy Community of Practice</a>' in html

    def test_lines_outside_the_section_are_a_sentence_not_an_error(self, client):
        html = page(client, "/source/report-2023-24/sel-polypharmacy?lines=1-5")
        assert "Lines 1-5 are outside this section (lines 282-340)" in html
        html = page(client, "/source/report-2023-24/sel-polypharmacy?lines=abc")
        assert "&#39;abc&#39; is not a list of lines such as 290-292,301" in html


class TestDownloadsAndIcon:
    def test_the_favicon_is_an_icon(self, client):
        response = client.get("/favicon.ico")
        assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
        assert response.data[:4] == b"\x00\x00\x01\x00"

    @pytest.mark.parametrize("fmt, read", [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
    def test_the_network_downloads_open_in_networkx(self, client, fmt, read):
        response = client.get(f"/download/copgraph.{fmt}")
        assert response.status_code == 200
        network = read(io.BytesIO(response.data))
        assert "https://w3id.org/copgraph/id/community/sel-polypharmacy" in network

    def test_the_network_tables_download(self, client):
        nodes = page(client, "/download/copgraph-nodes.csv")
        assert nodes.startswith("id,label,kind") and "SEL Polypharmacy Community of Practice" in nodes
        assert page(client, "/download/copgraph-edges.csv").startswith("source,target")
        assert client.get("/download/copgraph-other.csv").status_code == 404
