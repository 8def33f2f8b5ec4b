"""Loading the graph, and what a curator sees when a data file is wrong."""

import pytest

from copgraph.build import section_graphs
from copgraph.errors import CopgraphError
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import GRAPH, ID


def test_each_report_section_is_a_named_graph_of_its_own(mini):
    names = set(section_graphs(mini.backend))
    assert {ID.source["mini/people"], ID.source["mini/ideas"], ID.source["mini"]} <= names
    assert GRAPH.derived not in names and GRAPH.vocabularies not in names


def test_the_default_graph_is_the_union_of_the_named_graphs(mini):
    person = ID.person["ann-example"]
    assert any(mini.dataset.graph(ID.source["mini/people"]).triples((person, None, None)))
    assert any(mini.dataset.triples((person, None, None)))


def test_a_syntax_error_names_the_file_and_line(mini_data):
    path = mini_data / "mini-report.trig"
    lines = path.read_text().splitlines()
    lines[30] = lines[30] + " oops ;;"
    path.write_text("\n".join(lines))
    with pytest.raises(CopgraphError, match=r"mini-report\.trig, line 31: not valid RDF"):
        KnowledgeGraph.open(data=mini_data)


def test_facts_outside_a_section_graph_are_refused(mini_data):
    with open(mini_data / "mini-report.trig", "a") as out:
        out.write('\n<https://w3id.org/copgraph/id/person/x> <http://xmlns.com/foaf/0.1/name> "X" .\n')
    with pytest.raises(CopgraphError, match="1 statements are outside any named graph"):
        KnowledgeGraph.open(data=mini_data)


def test_a_file_that_is_not_utf8_is_named(mini_data):
    (mini_data / "mini-report.trig").write_bytes("Caf\xe9".encode("cp1252"))
    with pytest.raises(CopgraphError, match=r"mini-report\.trig: not UTF-8 text"):
        KnowledgeGraph.open(data=mini_data)


def test_an_unreadable_file_is_named(mini_data):
    (mini_data / "broken.trig").mkdir()  # a folder where a file should be: unreadable even for root
    with pytest.raises(CopgraphError, match=r"broken\.trig: cannot be read"):
        KnowledgeGraph.open(data=mini_data)


def test_a_missing_or_empty_data_folder_is_explained(tmp_path):
    with pytest.raises(CopgraphError, match="does not exist"):
        KnowledgeGraph.open(data=tmp_path / "nowhere")
    with pytest.raises(CopgraphError, match=r"No report data \(\*\.trig files\)"):
        KnowledgeGraph.open(data=tmp_path)
