"""The ontology and vocabularies are well-formed, documented, and the code's namespace matches them."""

from rdflib import OWL, RDF, RDFS, SKOS, Graph

from copgraph import files
from copgraph.namespaces import COP, GRAPH


def ontology() -> Graph:
    return Graph().parse(data=(files.ontology_dir() / "copgraph.ttl").read_text(encoding="utf-8"), format="turtle")


def test_the_ontology_is_versioned():
    graph = ontology()
    (onto,) = graph.subjects(RDF.type, OWL.Ontology)
    assert graph.value(onto, OWL.versionInfo) is not None
    assert graph.value(onto, OWL.versionIRI) is not None


def test_every_term_has_a_label_and_a_comment():
    graph = ontology()
    terms = {s for s in graph.subjects() if str(s).startswith(str(COP._NS))}
    assert len(terms) > 50
    for term in terms:
        assert graph.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
        assert graph.value(term, RDFS.comment) is not None, f"{term} has no rdfs:comment"


def test_the_code_namespace_is_exactly_the_ontology():
    defined = {str(s)[len(str(COP._NS)) :] for s in ontology().subjects() if str(s).startswith(str(COP._NS))}
    assert set(COP.__annotations__) == defined


def test_every_concept_has_one_preferred_label_and_a_definition(graph):
    vocab = graph.dataset.graph(GRAPH.vocabularies)
    for concept in set(vocab.subjects(SKOS.inScheme, None)):
        assert len(list(vocab.objects(concept, SKOS.prefLabel))) == 1, concept
        assert vocab.value(concept, SKOS.definition) is not None, f"{concept} has no skos:definition"


def test_no_label_is_shared_by_two_concepts_of_one_scheme(graph):
    from copgraph.graph.lookup import fold

    vocab = graph.dataset.graph(GRAPH.vocabularies)
    seen = {}
    for concept, scheme in vocab.subject_objects(SKOS.inScheme):
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in vocab.objects(concept, prop):
                key = (scheme, fold(label))
                assert seen.setdefault(key, concept) == concept, f"'{label}' labels {seen[key]} and {concept}"
