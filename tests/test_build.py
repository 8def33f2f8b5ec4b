"""Loading the graph, and what a curator sees when a data file is wrong."""

import pytest

from copgraph.build import section_graphs
from copgraph.build.sources import MAX_NESTING, check_shape
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


# Input that would exhaust the machine, and statements about statements ------------------------------------------

#: Turtle nested a million levels deep: two megabytes that took a validation 6.8 GB and 103 s.
DEEP = "<https://example.org/a> <https://example.org/b> " + "[" * 10**6 + "]" * 10**6 + " .\n"


def nested(levels: int, opening: str = "[ <https://example.org/p> ", closing: str = "]") -> str:
    inside = f"{opening * levels}<https://example.org/c>{closing * levels}"
    return f"<https://example.org/a> <https://example.org/b> {inside} .\n"


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("deep.ttl", "# a comment\n" + DEEP, 2),
        ("list.ttl", "<https://example.org/a> <https://example.org/b> " + "(" * 10**6 + ")" * 10**6 + " .\n", 1),
        ("just-too-deep.ttl", nested(MAX_NESTING + 1), 1),
        # An IRI that is not one ('#' and a space): rdflib would read it, so the scan must not see a comment.
        ("no-comment.ttl", "<https://e.org/a #> <https://e.org/b> " + "[" * 10**6 + "]" * 10**6 + " .\n", 1),
    ],
)
def test_a_file_nested_too_deeply_is_refused_before_it_is_parsed(mini_data, tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CopgraphError) as refused:
        KnowledgeGraph.open(data=mini_data, include=[path])
    assert str(refused.value) == (
        f"{path}, line {line}: brackets nested more than {MAX_NESTING} deep; copgraph reads RDF nested at most "
        f"{MAX_NESTING} levels ('[', '(' and '{{'), so that no file can exhaust the machine. Write the data flatter."
    )


def test_a_report_nested_too_deeply_in_the_data_folder_is_refused(mini_data):
    with open(mini_data / "mini-report.trig", "a") as out:
        out.write("\n<https://w3id.org/copgraph/id/source/mini> {\n" + DEEP + "}\n")
    with pytest.raises(CopgraphError, match=r"mini-report\.trig, line \d+: brackets nested more than 64 deep"):
        KnowledgeGraph.open(data=mini_data)


@pytest.mark.parametrize("store", ["memory", "rdflib"])
def test_nesting_up_to_the_limit_is_read_and_brackets_in_text_iris_and_comments_do_not_count(
    mini_data, tmp_path, store
):
    text = (
        nested(MAX_NESTING)
        + "# " + "[" * 500 + "\n"
        + '<https://example.org/x> <https://example.org/says> "' + "(" * 500 + '", """\n' + "[" * 500 + '\n""" .\n'
        + "<https://example.org/x> <https://example.org/says> '" + "{" * 500 + "' .\n"
        + '<https://example.org/x> <https://example.org/says> "an escaped quote \\" then [[[[" .\n'
        + "<https://example.org/((((#'x> <https://example.org/says> \"<< and {| in a text\" .\n"
    )  # fmt: skip
    path = tmp_path / "flat-enough.ttl"
    path.write_text(text)
    check_shape(path)
    graph = KnowledgeGraph.open(store, data=mini_data, include=[path])  # rdflib's parser recurses
    said = {str(text) for (text,) in graph.select("SELECT ?t WHERE { ?x <https://example.org/says> ?t }")}
    assert said == {
        "(" * 500,
        "\n" + "[" * 500 + "\n",
        "{" * 500,
        'an escaped quote " then [[[[',
        "<< and {| in a text",
    }


@pytest.mark.parametrize(
    ("name", "text", "line", "mark"),
    [
        ("term.nt", "<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n"
         "<https://e.org/a> <https://e.org/says> <<( <https://e.org/a> <https://e.org/b> <https://e.org/c> )>> .\n",
         2, "<<"),
        ("reified.ttl", "<https://e.org/a> <https://e.org/says>\n  << <https://e.org/a> <https://e.org/b> 1 >> .\n",
         2, "<<"),
        ("annotated.trig", "<https://e.org/g> {\n  <https://e.org/a> <https://e.org/b> 1\n"
         "    {| <https://e.org/source> <https://e.org/s> |} .\n}\n", 3, "{|"),
    ],
)  # fmt: skip
def test_a_triple_term_is_refused_at_build_naming_the_file_and_line(mini_data, tmp_path, name, text, line, mark):
    # Oxigraph would store it, but the shapes (pySHACL), the exports and the downloads (rdflib) cannot carry it.
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CopgraphError) as refused:
        KnowledgeGraph.open(data=mini_data, include=[path])
    assert str(refused.value) == (
        f"{path}, line {line}: an RDF 1.2 triple term or annotation ('{mark}'), a statement about a statement; "
        "copgraph stores plain triples only (its shapes, exports and downloads cannot carry one). Give the "
        "statement a node of its own instead."
    )
