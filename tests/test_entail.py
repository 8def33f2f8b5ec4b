"""What the build entails so that queries stay simple."""

from rdflib import RDF, RDFS, SKOS
from rdflib.namespace import ORG, PROV

from copgraph.build.entail import transitive_closure
from copgraph.namespaces import COP, GRAPH, ID


def test_transitive_closure_follows_chains_and_survives_cycles():
    assert transitive_closure({("a", "b"), ("b", "c")}) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert ("a", "a") in transitive_closure({("a", "b"), ("b", "a")})


def test_broader_is_closed_transitively(mini):
    assert (ID.theme["polypharmacy"], SKOS.broaderTransitive, ID.theme["medicines-optimisation"]) in mini.dataset
    assert (ID.method["one-two-four-all"], SKOS.broaderTransitive, ID.method["liberating-structures"]) in mini.dataset
    assert (ID.theme["medicines-optimisation"], SKOS.narrowerTransitive, ID.theme["polypharmacy"]) in mini.dataset


def test_resources_get_their_supertypes(mini):
    assert (ID.theme["polypharmacy"], RDF.type, SKOS.Concept) in mini.dataset
    assert (ID.place["hull"], RDF.type, COP.Place) in mini.dataset


def test_everything_named_has_an_rdfs_label(mini):
    assert str(mini.dataset.value(ID.person["ann-example"], RDFS.label)) == "Ann Example"
    assert str(mini.dataset.value(ID.theme["polypharmacy"], RDFS.label)) == "Polypharmacy"


def test_posts_make_people_members_of_organisations(mini):
    assert (ID.person["ann-example"], ORG.memberOf, ID.organisation["example-trust"]) in mini.dataset


def test_each_described_resource_points_at_the_section_it_comes_from(mini):
    section = ID.source["mini/people"]
    assert (ID.person["ann-example"], PROV.wasDerivedFrom, section) in mini.dataset.graph(GRAPH.entailed)
