"""Linking text to vocabulary concepts by label: the rules a curator relies on when writing labels."""

import pyoxigraph as ox
import pytest
from conftest import TESTS, make_data_dir
from hypothesis import given
from hypothesis import strategies as st
from rdflib import URIRef
from rdflib.namespace import PROV

from copgraph.build.derive import _literal, find_labels, normalise
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import COP, GRAPH, ID


def keys(text, labels):
    return [key for key, _, _ in find_labels(text, labels)]


def test_labels_match_whole_words_ignoring_case():
    assert keys("A community addressing Polypharmacy.", [("polypharmacy", "p")]) == ["p"]
    assert keys("polypharmacyish", [("polypharmacy", "p")]) == []


def test_the_longest_overlapping_label_wins():
    labels = [("Medicines", "m"), ("Medicines safety", "ms")]
    assert keys("Healthy Ageing and Medicines Safety", labels) == ["ms"]
    assert keys("Medicines Optimisation", labels) == ["m"]


def test_plurals_hyphens_ampersands_and_accents_fold():
    assert keys("Increasing uptake of Virtual Ward technology", [("Virtual wards", "vw"), ("Virtual ward", "vw")]) == [
        "vw"
    ]
    assert keys("experience based co design", [("Experience-Based Co-Design", "ebcd")]) == ["ebcd"]
    assert keys("Patient & Carer Experience", [("Patient and carer experience", "pce")]) == ["pce"]
    assert keys("Überology", [("Uberology", "u")]) == ["u"]


def test_acronyms_match_only_in_capitals():
    labels = [("SEND", "send"), ("OD", "od")]
    assert keys("East London SEND Net", labels) == ["send"]
    assert keys("sending them a creative invitation", labels) == []
    assert keys("Leadership/OD, Sustainability", labels) == ["od"]
    assert keys("odd one out", labels) == []


@pytest.mark.parametrize(
    "text",
    [
        "The approach is used outside of Health and Social Care.",
        "A group that does not work in social care",
        "Nurses without social care experience",
        "Other than social care, anything",
        "A non-social care role",
        "We don't do social care",
    ],
)
def test_a_label_that_a_negation_denies_is_no_match(text):
    assert keys(text, [("Social care", "sc")]) == []


@pytest.mark.parametrize(
    "text",
    [
        "Outside of work, we talk about social care.",  # the negation's clause ends at the comma
        "Not only health but also social care",
        "No matter what, social care matters",
        "It is not, in the end, anything but social care",
        "Non-Executive Director",  # "non-" denies only the word it is joined to
    ],
)
def test_a_negation_denies_only_what_follows_it_closely_in_its_clause(text):
    assert keys(text, [("Social care", "sc"), ("Director", "d")]) != []


def test_matches_report_the_words_as_the_text_spells_them():
    assert find_labels("Lead Continence Specialist Nurse", [("specialist nurse", "n")]) == [
        ("n", "specialist nurse", "Specialist Nurse")
    ]


def test_normalise_keeps_a_map_back_to_the_original_text():
    folded, where = normalise("Co-Design & more")
    assert folded == "Co Design and more"
    assert len(where) == len(folded)


def _normalise_one_character_at_a_time(text):
    """What normalise means, spelt out: each character folded on its own, runs of spaces made one."""
    import unicodedata

    out, where = [], []
    for index, char in enumerate(text):
        pieces = " and " if char == "&" else unicodedata.normalize("NFKD", char)
        for piece in pieces:
            piece = piece if piece.isalnum() or piece == " " else ("" if unicodedata.combining(piece) else " ")
            if not piece or (piece == " " and out and out[-1] == " "):
                continue
            out.append(piece)
            where.append(index)
    return "".join(out), tuple(where)


@given(st.text(st.characters(blacklist_categories=("Cs",))) | st.text("aZ09 &-_.\u00e9\u0301\ufb01\u00df\u0663"))
def test_normalise_folds_each_character_as_if_on_its_own(text):
    assert normalise(text) == _normalise_one_character_at_a_time(text)


def test_derived_links_go_to_the_derived_graph_with_a_record_of_the_match(mini):
    community = ID.community["mini-polypharmacy"]
    derived = mini.dataset.graph(GRAPH.derived)
    assert (community, COP.theme, ID.theme["polypharmacy"]) in derived
    (record,) = [
        r
        for r in derived.subjects(COP.matchSubject, community)
        if derived.value(r, COP.matchConcept) == ID.theme["polypharmacy"]
    ]
    assert str(derived.value(record, COP.matchedLabel)) == "Polypharmacy"
    assert str(derived.value(record, COP.matchedText)) == "polypharmacy"


def test_professions_come_from_job_titles(mini):
    ann, bob = ID.person["ann-example"], ID.person["bob-example"]
    assert set(mini.dataset.objects(ann, COP.profession)) == {ID.profession["nurse"]}
    assert set(mini.dataset.objects(bob, COP.profession)) == {ID.profession["management"], ID.profession["pharmacist"]}


def test_a_job_title_on_a_post_written_as_a_blank_node_still_gives_a_profession(tmp_path):
    report = (TESTS / "data" / "mini-report.trig").read_text(encoding="utf-8")
    named = "post:bob-example-1 a cop:Post ;"
    assert named in report
    (tmp_path / "report.trig").write_text(report.replace(named, "[] a cop:Post ;"), encoding="utf-8")
    graph = KnowledgeGraph.open(data=make_data_dir(tmp_path / "data", tmp_path / "report.trig"))
    bob = ID.person["bob-example"]
    assert set(graph.dataset.objects(bob, COP.profession)) == {ID.profession["management"], ID.profession["pharmacist"]}
    # Each match record points at the person: the post has no name to point at.
    for record in graph.dataset.subjects(COP.matchSubject, bob):
        assert graph.dataset.value(record, PROV.wasDerivedFrom) is None


def test_testimonies_mention_the_methods_they_name(mini):
    testimony = ID.testimony["mini-01"]
    assert {ID.method["liberating-structures"], ID.method["one-two-four-all"]} <= set(
        mini.dataset.objects(testimony, COP.mentions)
    )


def test_a_sessions_themes_come_from_its_title_and_description_whatever_kind_of_session_it_is(graph, mini_data):
    # A module or a webinar is a session only by entailment (rdfs:subClassOf), which comes after derivation:
    # derivation follows the ontology's subclasses itself.
    derived = graph.dataset.graph(GRAPH.derived)
    assert (ID.session["2019-20-module-3"], COP.theme, ID.theme["co-design"]) in derived  # "Co-Design"
    path = mini_data / "mini-report.trig"
    webinar = "<https://w3id.org/copgraph/id/session/mini-webinar>"
    path.write_text(
        path.read_text() + f'mini:ideas {{ {webinar} a cop:Webinar ; rdfs:label "Webinar on polypharmacy" ; '
        "cop:cohort cohort:mini . }\n"
    )
    mini = KnowledgeGraph.open(data=mini_data)
    assert (ID.session["mini-webinar"], COP.theme, ID.theme["polypharmacy"]) in mini.dataset.graph(GRAPH.derived)


def test_a_phrase_the_vocabulary_calls_a_false_match_of_a_concept_links_nothing(mini_data):
    # "A community addressing polypharmacy." holds the label "polypharmacy".
    themes = mini_data / "vocabularies" / "themes.ttl"
    themes.write_text(themes.read_text() + '\ntheme:polypharmacy cop:falseMatch "addressing polypharmacy"@en .\n')
    graph = KnowledgeGraph.open(data=mini_data)
    assert (ID.community["mini-polypharmacy"], COP.theme, ID.theme["polypharmacy"]) not in graph.dataset
    assert (ID.community["mini-medicines"], COP.theme, ID.theme["medicines-safety"]) in graph.dataset


def test_nothing_is_derived_twice_when_a_report_already_states_it(mini_data):

    path = mini_data / "mini-report.trig"
    text = path.read_text().replace(
        "cop:status cop:Idea ; cop:cohort cohort:mini .\n    community:mini-medicines",
        "cop:status cop:Idea ; cop:cohort cohort:mini ;\n"
        "        cop:theme <https://w3id.org/copgraph/vocab/theme/polypharmacy> .\n    community:mini-medicines",
    )
    path.write_text(text)
    graph = KnowledgeGraph.open(data=mini_data)
    link = (ID.community["mini-polypharmacy"], COP.theme, URIRef(ID.theme["polypharmacy"]))
    assert link in graph.dataset
    assert link not in graph.dataset.graph(GRAPH.derived)


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_a_matched_text_is_written_so_that_the_store_reads_back_exactly_that_text(text):
    # Derivation writes what it matched as N-Triples: quotes, backslashes and line breaks in a report's words
    # must come back unchanged.
    [triple] = ox.parse(f"<urn:s> <urn:p> {_literal(text)} .\n", format=ox.RdfFormat.N_TRIPLES)
    assert triple.object.value == text


def test_a_label_of_no_words_matches_nothing():
    # A name made only of punctuation (an imported ':\r:') once crashed derivation.
    assert find_labels(":\n:", [(":\r:", "nothing"), ("medicines", "m")]) == []
