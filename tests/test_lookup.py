"""Finding an entity by what people call it, and describing it with the source of every fact."""

import pytest

from copgraph.errors import CopgraphError
from copgraph.graph.lookup import fold
from copgraph.namespaces import GRAPH, ID


def test_names_fold_case_accents_and_punctuation():
    assert fold("  Überology Ltd. ") == "uberology ltd"
    assert fold("Patient & Carer") == "patient and carer"


@pytest.mark.parametrize(
    "name",
    [
        "Example Hospitals NHS Foundation Trust",
        "example hospitals nhs foundation trust",
        "EHT",
        "example-trust",
        "organisation:example-trust",
        "https://w3id.org/copgraph/id/organisation/example-trust",
    ],
)
def test_an_organisation_is_found_by_label_alias_slug_or_identifier(mini, name):
    assert mini.lookup(name).iri == ID.organisation["example-trust"]


def test_a_small_misspelling_still_finds_the_one_close_entity(mini):
    assert mini.lookup("Ann Exampel").iri == ID.person["ann-example"]


def test_part_of_a_name_finds_the_one_entity_it_belongs_to(mini):
    assert mini.lookup("Bob").iri == ID.person["bob-example"]


def test_an_ambiguous_name_lists_what_it_could_mean(mini):
    with pytest.raises(CopgraphError, match=r"Nothing is called 'Example'. Did you mean: .*Ann Example.*Bob Example"):
        mini.lookup("Example")


def test_an_ambiguous_exact_name_asks_for_the_identifier(mini):
    # "Primary care" is both a theme and a sector
    with pytest.raises(CopgraphError, match=r"'primary care' could mean 2 things: .*sector.*theme"):
        mini.lookup("primary care")
    assert mini.lookup("primary care", kind="sector").iri == ID.sector["primary-care"]


def test_an_unknown_name_says_nothing_is_close(mini):
    with pytest.raises(CopgraphError, match="Nothing is called 'Zebra crossing', and nothing is close"):
        mini.lookup("Zebra crossing")


def test_describe_gives_each_fact_its_source(mini):
    facts = mini.describe(mini.lookup("Ann Example"))
    by_label = {(f.direction, f.predicate_label): f for f in facts}
    participant = by_label[("in", "participant")]
    assert participant.value == ID.cohort["mini"]
    assert participant.source_label == "Mini report, section 'People' (lines 1-5)"
    profession = by_label[("out", "profession")]
    assert profession.value_label == "Nurse"
    assert profession.source_label.startswith("derived: 'Specialist Nurse' in its job title matches")


def test_describe_leaves_the_suggestions_to_their_own_section(graph):
    """graph:inferred's suggestions point at the entity too; a page lists them apart, with their reasons."""
    community = graph.lookup("SEL Polypharmacy")
    facts = graph.describe(community)
    assert len(graph.dataset.graph(GRAPH.inferred)) > 0
    assert facts and not [fact for fact in facts if fact.source == GRAPH.inferred]
    assert ("in", ID.session["sel-polypharmacy-1"]) in {(f.direction, f.value) for f in facts}
