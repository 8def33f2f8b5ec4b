"""Exporting the whole graph and reading it back gives the same graph, in every format."""

import json

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from copgraph.errors import CopgraphError
from copgraph.export import serialise


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nq", "nquads")])
def test_quad_formats_round_trip_every_named_graph(graph, fmt, rdflib_format):
    """(A SPARQL server holds the ontology's blank nodes as skolem IRIs, so they round-trip as those.)"""
    back = Dataset()
    back.parse(data=serialise(graph, fmt), format=rdflib_format)
    for named in graph.graphs():
        if len(named):
            assert isomorphic(named, back.graph(named.identifier)), named.identifier


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt")])
def test_triple_formats_round_trip_the_union(graph, fmt, rdflib_format):
    union = Graph()
    for triple in graph.triples((None, None, None)):
        union.add(triple)
    assert isomorphic(union, Graph().parse(data=serialise(graph, fmt), format=rdflib_format))


def test_json_ld_round_trips_and_needs_no_remote_context(graph):
    text = serialise(graph, "jsonld")
    assert "http://schema.org" not in json.dumps(json.loads(text).get("@context", {}))
    back = Dataset()
    back.parse(data=text, format="json-ld")
    assert len(set(back.quads())) == len(set(graph.quads()))


def test_output_is_deterministic(graph):
    assert serialise(graph, "nq") == serialise(graph, "nq")


def test_an_unknown_format_is_refused():
    with pytest.raises(CopgraphError, match="Unknown export format 'xml'"):
        serialise(Dataset(), "xml")
