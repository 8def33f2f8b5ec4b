"""Exporting the whole graph and reading it back gives the same graph, in every format; and the network,
written for Gephi and NetworkX (GEXF, GraphML, two CSV tables), reads back as the same network."""

import csv
import io
import json
import os

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from copgraph.cli import EXPORT_FORMATS, cli
from copgraph.errors import CopgraphError
from copgraph.graph import KnowledgeGraph
from copgraph.output.network import NETWORK_FORMATS, csv_tables, network_text, table_paths, write_tables
from copgraph.output.rdf import FORMATS, serialise


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nq", "nquads")])
def test_quad_formats_round_trip_every_named_graph(graph, fmt, rdflib_format):
    """(A SPARQL server holds the ontology's blank nodes as skolem IRIs, so they round-trip as those.)"""
    back = Dataset()
    back.parse(data=serialise(graph, fmt), format=rdflib_format)
    for named in graph.dataset.graphs():
        if len(named):
            assert isomorphic(named, back.graph(named.identifier)), named.identifier


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt")])
def test_triple_formats_round_trip_the_union(graph, fmt, rdflib_format):
    union = Graph()
    for triple in graph.dataset.triples((None, None, None)):
        union.add(triple)
    assert isomorphic(union, Graph().parse(data=serialise(graph, fmt), format=rdflib_format))


def test_json_ld_round_trips_and_needs_no_remote_context(graph):
    text = serialise(graph, "jsonld")
    assert "http://schema.org" not in json.dumps(json.loads(text).get("@context", {}))
    back = Dataset()
    back.parse(data=text, format="json-ld")
    assert len(set(back.quads())) == len(set(graph.dataset.quads()))


def test_output_is_deterministic(graph):
    assert serialise(graph, "nq") == serialise(graph, "nq")


def test_an_unknown_format_is_refused():
    with pytest.raises(CopgraphError, match="Unknown export format 'xml'"):
        serialise(Dataset(), "xml")


# The network -------------------------------------------------------------------------------------------------

NETWORK = KnowledgeGraph.open().network()
COMMUNITY = "https://w3id.org/copgraph/id/community/sel-polypharmacy"
#: Myron Rogers took part in two cohorts, and works at two organisations in two sectors.
PERSON = "https://w3id.org/copgraph/id/person/myron-rogers"
READERS = {"gexf": nx.read_gexf, "graphml": nx.read_graphml}


def read_back(text: str, fmt: str) -> nx.Graph:
    return READERS[fmt](io.BytesIO(text.encode("utf-8")))


def read_tables(network: nx.Graph) -> tuple[list[dict], list[dict]]:
    nodes, edges = csv_tables(network)
    return list(csv.DictReader(io.StringIO(nodes))), list(csv.DictReader(io.StringIO(edges)))


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_the_network_reads_back_with_every_node_and_edge(graph, fmt):
    network = graph.network()
    back = read_back(network_text(network, fmt), fmt)
    assert back.number_of_nodes() == network.number_of_nodes()
    assert back.number_of_edges() == network.number_of_edges()
    assert all(back.has_edge(u, v) for u, v in network.edges)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_a_community_keeps_its_kind_label_and_iri(fmt):
    back = read_back(network_text(NETWORK, fmt), fmt)
    assert back.nodes[COMMUNITY]["kind"] == "community"
    assert back.nodes[COMMUNITY]["label"] == "SEL Polypharmacy Community of Practice"
    assert back.nodes[COMMUNITY]["iri"] == COMMUNITY


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_a_person_s_cohorts_organisations_and_sectors_are_their_labels(fmt):
    person = read_back(network_text(NETWORK, fmt), fmt).nodes[PERSON]
    assert person["cohorts"] == "2019-20 cohort; 2023-24 cohort"
    assert person["organisations"] == "Lankelly Chase Foundation; Phillips Kay Partnership Ltd"
    assert person["sectors"] == "Private sector; Voluntary sector"
    assert person["nations"] == "England"


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_every_node_has_every_attribute_as_text_and_every_edge_its_relations(fmt):
    back = read_back(network_text(NETWORK, fmt), fmt)
    attributes = {"iri", "label", "kind", "cohorts", "organisations", "sectors", "nations", "professions"}
    for node, data in back.nodes(data=True):
        assert set(data) == attributes, node
        assert all(isinstance(value, str) for value in data.values()), node
    assert back.nodes["https://w3id.org/copgraph/id/cohort/2023-24"]["organisations"] == ""
    for u, v, data in back.edges(data=True):
        assert data["relations"] == "; ".join(NETWORK.edges[u, v]["relations"])


def test_the_csv_tables_hold_every_node_and_edge_and_each_edge_joins_two_nodes():
    nodes, edges = read_tables(NETWORK)
    assert len(nodes) == NETWORK.number_of_nodes()
    assert len(edges) == NETWORK.number_of_edges()
    assert list(nodes[0]) == ["id", "label", "kind", "cohorts", "organisations", "sectors", "nations", "professions"]
    assert list(edges[0]) == ["source", "target", "source_label", "target_label", "relations"]
    labels = {row["id"]: row["label"] for row in nodes}
    for edge in edges:
        assert labels[edge["source"]] == edge["source_label"]
        assert labels[edge["target"]] == edge["target_label"]
    person = next(row for row in nodes if row["id"] == PERSON)
    assert (person["label"], person["kind"], person["cohorts"]) == (
        "Myron Rogers",
        "person",
        "2019-20 cohort; 2023-24 cohort",
    )


def test_the_network_output_does_not_depend_on_the_order_the_graph_was_built_in():
    backwards = nx.Graph()
    backwards.graph.update(NETWORK.graph)
    backwards.add_nodes_from(reversed(list(NETWORK.nodes(data=True))))
    backwards.add_edges_from((v, u, data) for u, v, data in reversed(list(NETWORK.edges(data=True))))
    for fmt in ("gexf", "graphml"):
        assert network_text(backwards, fmt) == network_text(NETWORK, fmt), fmt
    assert csv_tables(backwards) == csv_tables(NETWORK)
    assert "lastmodifieddate" not in network_text(NETWORK, "gexf")  # no date in the file


def test_an_unknown_network_format_is_refused():
    with pytest.raises(CopgraphError, match="Unknown network format 'dot'; choose one of gexf, graphml, csv"):
        network_text(NETWORK, "dot")


def test_the_command_line_offers_every_rdf_and_network_format():
    assert EXPORT_FORMATS == [*FORMATS, *NETWORK_FORMATS]


# The network on the command line ----------------------------------------------------------------------------


@pytest.fixture
def run(mini_data):
    def invoke(*args):
        return CliRunner().invoke(cli, ["--data", str(mini_data), "export", *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def out(tmp_path):
    """An empty folder to write exports to (the mini data folder is in tmp_path too)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_writes_the_network_to_standard_output_or_a_file(run, out, fmt):
    printed = run("--format", fmt)
    assert printed.exit_code == 0
    assert read_back(printed.stdout, fmt).nodes["https://w3id.org/copgraph/id/person/ann-example"]["cohorts"] == (
        "Mini cohort"
    )
    target = out / f"mini.{fmt}"
    assert run("--format", fmt, "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == printed.stdout


def test_export_csv_writes_name_nodes_and_name_edges(run, out):
    result = run("--format", "csv", "-o", str(out / "mini"))
    assert result.exit_code == 0
    nodes = list(csv.DictReader(io.StringIO((out / "mini-nodes.csv").read_text(encoding="utf-8"))))
    edges = list(csv.DictReader(io.StringIO((out / "mini-edges.csv").read_text(encoding="utf-8"))))
    assert {row["label"] for row in nodes if row["kind"] == "person"} == {"Ann Example", "Bob Example"}
    assert {(row["source_label"], row["target_label"], row["relations"]) for row in edges} >= {
        ("Mini cohort", "Ann Example", "took part in"),
    }
    assert sorted(path.name for path in out.iterdir()) == ["mini-edges.csv", "mini-nodes.csv"]


def test_csv_into_a_folder_or_to_a_name_ending_in_csv(tmp_path):
    assert table_paths(tmp_path) == (tmp_path / "copgraph-nodes.csv", tmp_path / "copgraph-edges.csv")
    assert table_paths(tmp_path / "net.csv") == (tmp_path / "net-nodes.csv", tmp_path / "net-edges.csv")


def test_csv_without_an_output_name_says_it_needs_one(run):
    result = run("--format", "csv")
    assert result.exit_code == 2
    assert result.output == (
        "Error: The csv export is two tables, nodes and edges, so it needs -o NAME: it writes "
        "NAME-nodes.csv and NAME-edges.csv.\n"
    )


def test_an_unknown_format_is_refused_on_the_command_line(run):
    result = run("--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.output


def test_a_network_export_to_a_missing_folder_exits_2_and_writes_nothing(run, out):
    for fmt, name in [("gexf", "out.gexf"), ("csv", "out")]:
        result = run("--format", fmt, "-o", str(out / "no" / name))
        assert result.exit_code == 2
        assert "does not exist" in result.output
        assert "Traceback" not in result.output
    assert list(out.iterdir()) == []


@pytest.fixture
def edges_table_cannot_be_written(monkeypatch):
    """Putting a finished edges table in place fails, as it would in a folder where that file is read-only."""
    replace = os.replace

    def fail_on_edges(source, target):
        if str(target).endswith("-edges.csv"):
            raise PermissionError(13, "Permission denied")
        replace(source, target)

    monkeypatch.setattr(os, "replace", fail_on_edges)


@pytest.mark.usefixtures("edges_table_cannot_be_written")
def test_when_the_edges_table_cannot_be_written_the_nodes_table_is_left_as_it_was(tmp_path):
    (tmp_path / "net-nodes.csv").write_text("the old nodes\n", encoding="utf-8")
    with pytest.raises(CopgraphError, match=r"Cannot write .*net-edges.csv: Permission denied; nothing was changed"):
        write_tables(NETWORK, tmp_path / "net")
    assert (tmp_path / "net-nodes.csv").read_text(encoding="utf-8") == "the old nodes\n"
    assert [path.name for path in tmp_path.iterdir()] == ["net-nodes.csv"]  # no edges table, no temporary file


@pytest.mark.usefixtures("edges_table_cannot_be_written")
def test_when_the_edges_table_cannot_be_written_no_new_nodes_table_is_left(tmp_path):
    with pytest.raises(CopgraphError, match="nothing was changed"):
        write_tables(NETWORK, tmp_path / "net")
    assert list(tmp_path.iterdir()) == []


def test_a_name_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    network = nx.Graph()
    network.add_node("https://w3id.org/copgraph/id/person/x", label='=HYPERLINK("http://evil","click")', kind="person")
    network.add_node("https://w3id.org/copgraph/id/person/y", label="-1 lives", kind="person")
    network.add_node("https://w3id.org/copgraph/id/person/z", label="A-Z of care", kind="person")
    nodes, _ = csv_tables(network)
    labels = [row["label"] for row in csv.DictReader(io.StringIO(nodes))]
    assert labels == ['\'=HYPERLINK("http://evil","click")', "'-1 lives", "A-Z of care"]


@pytest.mark.parametrize(
    ("name", "rdflib_format", "named"),
    [("x.ttl", "turtle", False), ("x.nt", "nt", False), ("x.TRIG", "trig", True), ("x.jsonld", "json-ld", True)],
)
def test_without_a_format_the_extension_of_the_file_names_it(run, out, name, rdflib_format, named):
    result = run("-o", str(out / name))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out / name} ({name.rsplit('.', 1)[1].lower()}).\n"
    read = Dataset()
    read.parse(out / name, format=rdflib_format)  # Turtle is refused by an N-Triples parser, TriG by Turtle's
    graphs = {g.identifier for g in read.graphs() if len(g)}
    assert (len(graphs) > 1) is named and len(read) > 100


def test_a_format_and_an_extension_that_disagree_are_refused(run, out):
    result = run("--format", "trig", "-o", str(out / "x.ttl"))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {out / 'x.ttl'}: its extension names the ttl format, but --format trig was asked for; make them "
        "agree (or leave --format out).\n"
    )
    assert list(out.iterdir()) == []


def test_an_extension_copgraph_does_not_know_needs_a_format(run, out):
    result = run("-o", str(out / "x.rdf"))
    assert result.exit_code == 2
    assert "x.rdf: copgraph export writes the format -o's extension names (.ttl, .nt, .nq, .trig, .jsonld" in (
        result.output
    )
    assert list(out.iterdir()) == []
    assert run("--format", "nt", "-o", str(out / "x.rdf")).exit_code == 0  # said outright, it is written
