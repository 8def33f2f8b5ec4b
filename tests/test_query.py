"""Running SPARQL: prefixes predeclared, mistakes located, and nothing but reading allowed."""

import csv
import io
import json

import pytest
from rdflib import XSD

import copgraph.backends.oxigraph
from copgraph.errors import CopgraphError
from copgraph.namespaces import ID
from copgraph.query.examples import query_text


def test_prefixes_are_predeclared(mini):
    answer = mini.query("SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name")
    assert [str(row[0]) for row in answer.rows] == ["Ann Example", "Bob Example"]


def test_graph_names_tell_where_a_fact_comes_from(mini):
    answer = mini.query("SELECT ?g WHERE { GRAPH ?g { person:ann-example foaf:name ?n } }")
    assert [row[0] for row in answer.rows] == [ID.source["mini/people"]]


def test_ask_construct_and_describe(mini):
    assert mini.query("ASK { person:ann-example a foaf:Person }").boolean is True
    graph = mini.query("CONSTRUCT { ?p foaf:name ?n } WHERE { ?p foaf:name ?n }").graph
    assert len(graph) == 2
    assert len(mini.query("DESCRIBE person:ann-example").graph) > 0


def test_max_rows_truncates_and_says_so(mini):
    answer = mini.query("SELECT ?s WHERE { ?s a skos:Concept }", limit=3)
    assert len(answer.rows) == 3 and answer.truncated


def test_an_answer_too_long_to_write_at_once_is_read_again_up_to_the_row_limit(mini, monkeypatch):
    query = "SELECT ?s ?label WHERE { ?s a skos:Concept ; skos:prefLabel ?label } ORDER BY ?s"
    whole = mini.query(query)
    monkeypatch.setattr(copgraph.backends.oxigraph, "_BYTES_A_ROW", 10)
    cut = mini.query(query, limit=5)
    assert cut.truncated and cut.rows == whole.rows[:5]
    assert cut.to_json()["results"]["bindings"] == whole.to_json()["results"]["bindings"][:5]


def test_results_as_table_csv_and_sparql_json(mini):
    answer = mini.query("SELECT ?p ?name WHERE { ?p foaf:name ?name } ORDER BY ?name")
    table = answer.to_table()
    assert "person:ann-example  Ann Example" in table and table.endswith("(2 rows)")
    assert answer.to_csv().splitlines()[1] == "https://w3id.org/copgraph/id/person/ann-example,Ann Example"
    data = answer.to_json()
    assert data["head"]["vars"] == ["p", "name"]
    assert data["results"]["bindings"][0]["name"] == {"type": "literal", "value": "Ann Example"}
    json.dumps(data)


#: One value of each kind a query can answer with, and one left unbound.
EVERY_KIND = """SELECT ?iri ?text ?english ?number ?date ?nothing WHERE {
    VALUES (?iri ?text ?english ?number ?date ?nothing) {
        (person:ann-example "Ann <&> \\"A\\"" "care"@en 3 "2024-01-31"^^xsd:date UNDEF) } }"""


def test_every_kind_of_value_is_written_in_every_result_format(graph):
    answer = graph.query(EVERY_KIND)
    assert answer.to_csv().splitlines()[1] == f'{ID.person["ann-example"]},"Ann <&> ""A""",care,3,2024-01-31,'
    assert answer.to_tsv().splitlines()[1] == (
        f'<{ID.person["ann-example"]}>\t"Ann <&> \\"A\\""\t"care"@en\t'
        f'"3"^^<{XSD.integer}>\t"2024-01-31"^^<{XSD.date}>\t'
    )
    xml = answer.to_xml()
    assert '<binding name="text"><literal>Ann &lt;&amp;&gt; "A"</literal></binding>' in xml
    assert '<binding name="english"><literal xml:lang="en">care</literal></binding>' in xml
    assert f'<binding name="number"><literal datatype="{XSD.integer}">3</literal></binding>' in xml
    assert '<binding name="nothing">' not in xml


def test_tsv_keeps_a_text_with_tabs_and_line_breaks_in_its_cell(mini):
    answer = mini.query('SELECT ?text ?n WHERE { BIND("a\\tb\\nc\\r\\\\d" AS ?text) BIND(1 AS ?n) }')
    lines = answer.to_tsv().split("\n")
    assert lines[1].split("\t") == ['"a\\tb\\nc\\r\\\\d"', f'"1"^^<{XSD.integer}>'] and lines[2:] == [""]


def test_csv_writes_a_text_a_spreadsheet_would_run_as_text_and_numbers_as_they_are(mini):
    query = """SELECT ?text ?number ?iri WHERE {
        VALUES (?text ?number ?iri) {
            ('=HYPERLINK("http://evil","click")' -3 <https://example.org/-x>)
            ("@SUM(A1)"@en 2.5 <https://example.org/y>)
            ("A-Z of care" 0 <https://example.org/z>) } }"""
    rows = list(csv.reader(io.StringIO(mini.query(query).to_csv())))[1:]
    assert rows == [
        ['\'=HYPERLINK("http://evil","click")', "-3", "https://example.org/-x"],
        ["'@SUM(A1)", "2.5", "https://example.org/y"],
        ["A-Z of care", "0", "https://example.org/z"],
    ]
    assert mini.query(query).to_json()["results"]["bindings"][0]["text"]["value"].startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT ?x WHERE { ?x a }", r"not valid SPARQL at line 1, column 19"),
        ("SELECT ?x\nWHERE {\n  ?x a foaf:Person .\n  FILTER(?x = ) }", r"not valid SPARQL at line 4, column 3"),
        ("", "The query is empty"),
        ("SELECT * WHERE { ?s nope:x ?o }", "the prefix 'nope:', which is not declared"),
        ("SELECT * WHERE { ?s <http://example.org/service> ?o . FILTER(?o != 'SERVICE') }", None),
        ("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ?service }", None),
        ("SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE .* is not allowed"),
        ("sElEcT * WHERE { service <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE .* is not allowed"),
        ("SELECT * WHERE { BIND(" + "+".join(["1"] * 5000) + " AS ?x) }", "too long"),
        ("INSERT DATA { <a:a> <a:b> <a:c> }", "updates .* are not allowed"),
        ("DELETE WHERE { ?s ?p ?o }", "updates .* are not allowed"),
        ("LOAD <http://example.org/data.ttl>", "updates .* are not allowed"),
        ("CLEAR ALL", "updates .* are not allowed"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE .* is not allowed"),
        (
            "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://10.0.0.1/> { ?s ?q ?r } } }",
            "SERVICE .* is not allowed",
        ),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM and FROM NAMED are not allowed"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", "FROM and FROM NAMED are not allowed"),
        ("SELECT * WHERE { FILTER(" + "(" * 150 + "1" + ")" * 150 + ") }", "nested too deeply"),
    ],
)
def test_bad_queries_get_a_sentence_not_a_traceback(mini, query, message):
    """Each refusal is a sentence; words that only look like keywords (in IRIs, strings, names) are allowed."""
    if message is None:
        mini.query(query)
        return
    with pytest.raises(CopgraphError, match=message):
        mini.query(query)


def test_a_query_can_come_from_a_file(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("\ufeffASK { ?s ?p ?o }", encoding="utf-8")
    assert query_text(str(path)) == "ASK { ?s ?p ?o }"
    with pytest.raises(CopgraphError, match="No query file"):
        query_text(str(tmp_path / "missing.rq"))


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        (
            "communities-by-thme",
            "'communities-by-thme' is neither an example query, a file nor a query. Did you mean "
            "'communities-by-theme'? 'copgraph examples' lists the example queries.",
        ),
        (
            "./my-query",
            "No query file ./my-query: no such file; give a query, the path of a file or an example's name.",
        ),
        ("queries/mine.txt", "No query file queries/mine.txt: no such file"),
        (".", ". is a folder; give a query, the path of a file or an example's name."),
    ],
)
def test_a_name_that_is_neither_an_example_nor_a_file_is_said_to_be_so(argument, message):
    with pytest.raises(CopgraphError) as refused:
        query_text(argument)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize("query", ["ASK{}", "DESCRIBE<https://w3id.org/copgraph/id/cohort/x>", "SELECT*{?s?p?o}"])
def test_a_query_of_one_word_is_still_a_query(query):
    assert query_text(query) == query
