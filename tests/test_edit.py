"""Removing triples from Turtle and TriG text while keeping the rest as written (``copgraph.curation.edit``).

What ``copgraph forget`` relies on: forgetting a participant in the real 2019-20 report touches only the lines
that name them; each kind of cut (an object, a predicate, a whole statement, a statement in a graph block)
leaves exactly the text a curator would have written; rdflib's own output edits the same way; anything this
module's parser leaves alone falls back to rdflib's serialiser and says so; bad input is a sentence with a line
number. And for any small graph rdflib writes, and any small file laid out by hand, what comes back is the graph
minus the unwanted triples (with the layout and comments kept); a damaged file never makes it crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from copgraph import files
from copgraph.curation.edit import remove_triples
from copgraph.errors import CopgraphError

EX = Namespace("http://example.org/")
ID = Namespace("https://w3id.org/copgraph/id/")
ESTHER = ID["person/esther-hall"]
ESTHER_POST = ID["post/esther-hall-1"]
PREFIX = "@prefix ex: <http://example.org/> .\n"


def about(*nodes):
    """Unwanted: every triple whose subject or object is one of the nodes (what forgetting a person removes)."""
    return lambda s, p, o: s in nodes or o in nodes


def quads(text: str, format: str = "trig", base: str | None = None) -> set[tuple]:
    dataset = Dataset() if format == "trig" else Graph()
    dataset.parse(data=text, format=format, publicID=base)
    if format == "turtle":
        return {(*triple, None) for triple in dataset}
    return set(dataset.quads((None, None, None, None)))


def turtle(text: str, unwanted, expected: str) -> None:
    """Removing from a Turtle text gives exactly the expected text, with the layout kept."""
    edit = remove_triples(PREFIX + text, unwanted, "turtle")
    assert edit.text == PREFIX + expected
    assert edit.kept_layout


# -- the real report


@pytest.fixture(scope="module")
def report_2019() -> tuple[Path, str]:
    path = files.data_dir() / "report-2019-20.trig"
    return path, path.read_text(encoding="utf-8")


def test_forgetting_a_participant_changes_only_the_lines_that_name_them(report_2019):
    path, text = report_2019
    base = path.resolve().as_uri()
    edit = remove_triples(text, about(ESTHER, ESTHER_POST), "trig", base=base)

    # Her own two statements go, her name goes from the participant list, and nothing else changes at all.
    lines = text.splitlines(keepends=True)
    mine = ("person:esther-hall ", "post:esther-hall-1 ")
    expected = [line.replace(" person:esther-hall ,", "") for line in lines if not line.lstrip().startswith(mine)]
    assert len(expected) == len(lines) - 2
    assert edit.text.splitlines(keepends=True) == expected
    assert "esther" not in edit.text.lower()
    assert edit.kept_layout

    before = quads(text, base=base)
    gone = {q for q in before if ESTHER in (q[0], q[2]) or ESTHER_POST in (q[0], q[2])}
    assert edit.removed == len(gone) == 7
    assert quads(edit.text, base=base) == before - gone


def test_every_comment_of_the_real_reports_survives_removing_every_person():
    for path in sorted(files.data_dir().glob("report-*.trig")):
        text = path.read_text(encoding="utf-8")
        before = quads(text, base=path.resolve().as_uri())
        people = {s for s, p, o, _ in before if "/id/person/" in s}
        edit = remove_triples(text, about(*people), "trig", base=path.resolve().as_uri())
        comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
        assert comments == [line for line in edit.text.splitlines() if line.lstrip().startswith("#")], path.name
        assert edit.kept_layout, path.name
        assert quads(edit.text, base=path.resolve().as_uri()) == {
            q for q in before if q[0] not in people and q[2] not in people
        }


@pytest.mark.parametrize("name", ["report-2019-20.trig", "report-2023-24.trig"])
def test_every_property_can_be_cut_from_the_real_reports_with_their_layout_kept(name):
    path = files.data_dir() / name
    text, base = path.read_text(encoding="utf-8"), path.resolve().as_uri()
    before = quads(text, base=base)
    for predicate in sorted({q[1] for q in before}):
        edit = remove_triples(text, lambda s, p, o, predicate=predicate: p == predicate, "trig", base=base)
        assert edit.kept_layout, predicate
        assert quads(edit.text, base=base) == {q for q in before if q[1] != predicate}, predicate


# -- each kind of cut


def test_one_object_of_a_list():
    turtle("ex:s ex:p ex:o1 , ex:o2 , ex:o3 .\n", about(EX.o2), "ex:s ex:p ex:o1 , ex:o3 .\n")
    turtle("ex:s ex:p ex:o1 , ex:o2 .\n", about(EX.o1), "ex:s ex:p ex:o2 .\n")
    turtle("ex:s ex:p ex:o1 ,\n        ex:o2 .\n", about(EX.o2), "ex:s ex:p ex:o1 .\n")


def test_one_predicate_of_a_list():
    text = 'ex:s a ex:Thing ;\n    ex:p ex:o ;\n    ex:name "S" .\n'
    turtle(text, lambda s, p, o: p == EX.p, 'ex:s a ex:Thing ;\n    ex:name "S" .\n')
    turtle(text, lambda s, p, o: p == EX.name, "ex:s a ex:Thing ;\n    ex:p ex:o .\n")
    turtle(text, lambda s, p, o: p == RDF.type, 'ex:s ex:p ex:o ;\n    ex:name "S" .\n')


def test_a_whole_statement_goes_with_its_line_and_its_trailing_comment():
    text = "# People.\nex:a ex:p ex:o .\nex:b ex:p ex:o .   # about b\nex:c ex:p ex:o .\n"
    turtle(text, about(EX.b), "# People.\nex:a ex:p ex:o .\nex:c ex:p ex:o .\n")


def test_statements_sharing_a_line_are_cut_apart():
    turtle("ex:a ex:p ex:o . ex:b ex:p ex:o .\n", about(EX.a), "ex:b ex:p ex:o .\n")
    turtle("ex:a ex:p ex:o . ex:b ex:p ex:o .\n", about(EX.b), "ex:a ex:p ex:o .\n")


def test_blank_lines_do_not_pile_up_where_a_paragraph_went():
    text = "ex:a ex:p ex:o .\n\nex:b ex:p ex:o .\nex:b2 ex:p ex:o .\n\nex:c ex:p ex:o .\n"
    turtle(text, about(EX.b, EX.b2), "ex:a ex:p ex:o .\n\nex:c ex:p ex:o .\n")
    turtle(text, about(EX.c), "ex:a ex:p ex:o .\n\nex:b ex:p ex:o .\nex:b2 ex:p ex:o .\n")


def test_a_graph_block_whose_statements_all_go_stays_empty_with_its_heading():
    text = (
        "@prefix ex: <http://example.org/> .\n\n"
        "# ---- one\nex:g1 {\n    ex:a ex:p ex:o .\n\n    ex:b ex:p ex:o .\n}\n\n"
        "# ---- two\nex:g2 {\n    ex:c ex:p ex:o\n}\n"
    )
    edit = remove_triples(text, about(EX.b, EX.c))
    assert edit.text == (
        "@prefix ex: <http://example.org/> .\n\n"
        "# ---- one\nex:g1 {\n    ex:a ex:p ex:o .\n}\n\n"
        "# ---- two\nex:g2 {\n}\n"
    )
    assert (edit.removed, edit.kept_layout) == (2, True)


def test_the_last_statement_of_a_block_may_lack_its_full_stop():
    text = "@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p ex:o . ex:b ex:p ex:o }\n"
    assert remove_triples(text, about(EX.b)).text == "@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p ex:o . }\n"
    assert remove_triples(text, about(EX.a)).text == "@prefix ex: <http://example.org/> .\nex:g { ex:b ex:p ex:o }\n"


def test_a_triple_stated_in_two_graphs_is_removed_from_both():
    text = PREFIX + "ex:g1 { ex:a ex:p ex:o . }\nGRAPH ex:g2 { ex:a ex:p ex:o ; ex:q ex:o }\n{ ex:a ex:p ex:o }\n"
    edit = remove_triples(text, lambda s, p, o: p == EX.p)
    assert edit.text == PREFIX + "ex:g1 { }\nGRAPH ex:g2 { ex:a ex:q ex:o }\n{ }\n"
    assert edit.removed == 3


def test_literals_with_escapes_and_long_strings_are_read_as_rdflib_reads_them():
    text = (
        'ex:s ex:note """A long note # not a comment . not the end } not a block\n'
        'with "quotes", \'single\' ones and a backslash \\\\ """ ;\n'
        '    ex:quote \'\'\'it\'s """ here\'\'\' , """ends with a quote"""" ;\n'
        '    ex:short "tab\\there \\u00e9 \\"quoted\\" # . }"@en-GB ;\n'
        '    ex:typed "2020"^^<http://www.w3.org/2001/XMLSchema#gYear> ;\n'
        "    ex:drop ex:o .\n"
        "# still a comment\n"
    )
    edit = remove_triples(PREFIX + text, lambda s, p, o: p == EX.drop, "turtle")
    assert edit.text == PREFIX + text.replace(" ;\n    ex:drop ex:o .", " .")
    short = Literal('tab\there \u00e9 "quoted" # . }', lang="en-GB")
    turtle(
        text,
        lambda s, p, o: o == short,
        text.replace('    ex:short "tab\\there \\u00e9 \\"quoted\\" # . }"@en-GB ;\n', ""),
    )
    turtle(text, about(Literal('ends with a quote"')), text.replace(' , """ends with a quote""""', ""))
    note = next(o for s, p, o, _ in quads(PREFIX + text, "turtle") if p == EX.note)
    assert remove_triples(PREFIX + text, about(note), "turtle").text.startswith(PREFIX + "ex:s ex:quote '''it's")


def test_a_as_the_predicate():
    turtle("ex:s a ex:A , ex:B .\n", lambda s, p, o: p == RDF.type and o == EX.A, "ex:s a ex:B .\n")


def test_numbers_and_booleans():
    text = "ex:s ex:n 1 , 2.50 , -7 , 1e3 , true .\nex:t ex:n 3.\n"
    turtle(
        text,
        lambda s, p, o: o == Literal("2.50", datatype=XSD.decimal),
        "ex:s ex:n 1 , -7 , 1e3 , true .\nex:t ex:n 3.\n",
    )
    turtle(text, lambda s, p, o: o == Literal(1), "ex:s ex:n 2.50 , -7 , 1e3 , true .\nex:t ex:n 3.\n")
    turtle(text, lambda s, p, o: o == Literal(True), "ex:s ex:n 1 , 2.50 , -7 , 1e3 .\nex:t ex:n 3.\n")
    turtle(text, lambda s, p, o: o == Literal(3), "ex:s ex:n 1 , 2.50 , -7 , 1e3 , true .\n")


def test_relative_iris_sparql_style_directives_and_escaped_local_names():
    text = (
        "BASE <http://example.org/base/>\nPREFIX ex: <http://example.org/>\n<s> ex:p <o> , ex:a\\-b .\n<t> ex:p <o> .\n"
    )
    edit = remove_triples(text, about(URIRef("http://example.org/base/t"), EX["a-b"]), "turtle")
    assert edit.text == "BASE <http://example.org/base/>\nPREFIX ex: <http://example.org/>\n<s> ex:p <o> .\n"
    edit = remove_triples("<s> <p> <o> .\n<t> <p> <o> .\n", about(EX.t), "turtle", base="http://example.org/")
    assert (edit.text, edit.kept_layout) == ("<s> <p> <o> .\n", True)


def test_nothing_unwanted_gives_the_text_back_unchanged():
    text = PREFIX + "ex:s ex:p ex:o .   # a comment\n"
    assert remove_triples(text, lambda s, p, o: False, "turtle") == (text, 0, True)


def test_text_written_by_rdflibs_trig_serialiser():
    dataset = Dataset()
    dataset.bind("ex", EX)
    people = dataset.graph(EX.people)
    people.add((EX.ann, RDF.type, EX.Person))
    people.add((EX.ann, EX.name, Literal('Ann "the first" O\'Neil\nof # Leeds.', lang="en")))
    people.add((EX.ann, EX.knows, EX.bob))
    people.add((EX.ann, EX.age, Literal(42)))
    people.add((EX.bob, RDF.type, EX.Person))
    dataset.graph(EX.posts).add((EX.post, EX.holder, EX.bob))
    dataset.add((EX.bob, EX.name, Literal("Bob")))
    text = dataset.serialize(format="trig")

    edit = remove_triples(text, about(EX.bob))
    assert edit.kept_layout
    assert edit.removed == 4
    assert quads(edit.text) == {q for q in quads(text) if EX.bob not in (q[0], q[2])}
    assert "Bob" not in edit.text and "bob" not in edit.text


# -- the fallback and errors


def test_a_cut_inside_a_blank_node_falls_back_to_rdflib_and_says_so():
    text = PREFIX + "# Ann's address.\nex:ann ex:address [ ex:street ex:high-street ; ex:town ex:leeds ] .\n"
    edit = remove_triples(text, about(EX.leeds), "turtle")
    assert not edit.kept_layout
    assert edit.removed == 1
    expected = Graph().parse(data=text, format="turtle")
    expected.remove((None, EX.town, None))
    assert isomorphic(Graph().parse(data=edit.text, format="turtle"), expected)
    assert "ex:" in edit.text, "the file's prefixes are kept"


def test_blank_nodes_and_collections_elsewhere_do_not_stop_the_text_edit():
    text = "ex:ann ex:address [ ex:town ex:leeds ] ; ex:knows ex:bob , [] .\n( ex:a ex:b ) ex:p ex:o .\n"
    turtle(text, about(EX.bob), "ex:ann ex:address [ ex:town ex:leeds ] ; ex:knows [] .\n( ex:a ex:b ) ex:p ex:o .\n")
    turtle("ex:s ex:p ( ex:a ex:b ) , ex:c .\n", about(EX.c), "ex:s ex:p ( ex:a ex:b ) .\n")
    # A property list that is the subject keeps what it says inside when what is said of it goes.
    turtle('[ ex:name "Ann" ] ex:knows ex:bob .\n', about(EX.bob), '[ ex:name "Ann" ] .\n')


def test_a_malformed_file_is_a_sentence_with_its_line_number():
    text = PREFIX + "\nex:g {\n    ex:a ex:p ex:o\n    ex:b ex:p ex:o .\n}\n"
    with pytest.raises(CopgraphError, match=r"^data/x\.trig, line 5: not valid TriG \(.+\); fix the file"):
        remove_triples(text, about(EX.a), name="data/x.trig")
    with pytest.raises(CopgraphError, match=r"^Line 2: not valid Turtle"):
        remove_triples(PREFIX + 'ex:a ex:p "unterminated .\n', about(EX.a), "turtle")
    # rdflib's parser stops here with an IndexError and no line; this module's own parser finds the line.
    with pytest.raises(CopgraphError, match=r"^f\.ttl, line 3: not valid Turtle; fix the file and try again\.$"):
        remove_triples(PREFIX + 'ex:a ex:p ex:o .\nex:a ex:p "x"^^"y" .\n', about(EX.a), "turtle", name="f.ttl")


# -- any small graph rdflib writes

NODES = [EX.a, EX.b, EX["c-d"], EX["e.f"], URIRef("http://other.example/x#y"), URIRef("urn:isbn:123")]
PREDICATES = [EX.p, EX.q, RDF.type, URIRef("http://other.example/r")]
TEXT = st.text(alphabet="ab \"'\\\n\t#.}{;,<>@^:_é€😀", max_size=12)
LITERALS = st.one_of(
    TEXT.map(Literal),
    st.builds(Literal, TEXT, lang=st.sampled_from(["en", "en-GB", "cy"])),
    st.integers(-1000, 1000).map(Literal),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(Literal),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(Literal),
    st.booleans().map(Literal),
    st.builds(Literal, TEXT, datatype=st.sampled_from([XSD.string, XSD.gYear, EX.custom])),
)


def quad_lists(blank_nodes: bool):
    """Up to a dozen quads; None is the default graph."""
    bnodes = [BNode(f"b{k}") for k in range(2)] if blank_nodes else []
    subjects = st.sampled_from(NODES + bnodes)
    objects = st.one_of(st.sampled_from(NODES + bnodes), LITERALS)
    graph_names = st.sampled_from([EX.g1, EX.g2, URIRef("http://other.example/g"), None])
    return st.lists(st.tuples(subjects, st.sampled_from(PREDICATES), objects, graph_names), max_size=12)


def serialise(facts: list[tuple], format: str) -> str:
    """What rdflib writes for the quads: TriG with their graphs, or Turtle with all of them in one graph."""
    dataset = Dataset() if format == "trig" else Graph()
    dataset.bind("ex", EX)
    for s, p, o, g in facts:
        (dataset if g is None or format == "turtle" else dataset.graph(g)).add((s, p, o))
    return dataset.serialize(format=format)


@dataclass(frozen=True)
class Unwanted:
    """Every triple with one of the predicates, or with one of the nodes as its subject or object."""

    predicates: frozenset
    nodes: frozenset

    def __call__(self, s, p, o) -> bool:
        return p in self.predicates or s in self.nodes or o in self.nodes


UNWANTED = st.builds(
    Unwanted,
    st.frozensets(st.sampled_from(PREDICATES), min_size=1, max_size=2),
    st.frozensets(st.sampled_from(NODES), max_size=2),
)


def graph_of(triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple[:3])
    return graph


def check(text: str, format: str, unwanted) -> bool:
    edit = remove_triples(text, unwanted, format)
    before, after = quads(text, format), quads(edit.text, format)
    expected = {q for q in before if not unwanted(*q[:3])}
    assert edit.removed == len(before) - len(expected)
    for name in {q[3] for q in before | after}:
        got, wanted = {q for q in after if q[3] == name}, {q for q in expected if q[3] == name}
        if any(isinstance(term, BNode) for q in got | wanted for term in q[:3]):
            assert isomorphic(graph_of(got), graph_of(wanted)), name
        else:  # compared as they are: isomorphic() cannot hash an IRI that rdflib read but cannot write
            assert got == wanted, name
    return edit.kept_layout


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(quad_lists(blank_nodes=False), UNWANTED, st.sampled_from(["trig", "turtle"]))
def test_any_graph_without_blank_nodes_is_edited_in_place(facts, unwanted, format):
    assert check(serialise(facts, format), format, unwanted)


@SETTINGS
@given(quad_lists(blank_nodes=True), UNWANTED, st.sampled_from(["trig", "turtle"]))
def test_any_graph_comes_back_as_the_graph_minus_the_unwanted_triples(facts, unwanted, format):
    check(serialise(facts, format), format, unwanted)


# -- any small file written by hand

COMMENTS = st.sampled_from(["# A note.", "#", '# With . and } and { and " and ; in it', "    # indented"])


def iri_text(iri: URIRef) -> st.SearchStrategy[str]:
    if iri == RDF.type:
        return st.sampled_from(["a", "rdf:type", f"<{iri}>"])
    if iri.startswith(EX):
        return st.sampled_from([f"ex:{iri[len(EX) :]}", f"<{iri}>"])
    return st.just(f"<{iri}>")


@st.composite
def literal_text(draw) -> str:
    value = draw(TEXT)
    quote = draw(st.sampled_from(['"', "'", '"""', "'''"]))
    escaped = value.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0]).replace("\r", "\\r")
    if len(quote) == 1:
        escaped = escaped.replace("\n", "\\n")
    number = draw(st.sampled_from(["1", "-7", "+4", "2.50", ".5", "1e3", "-1.5E-2", "true", "false"]))
    suffix = draw(st.sampled_from(["", "@en", "@en-GB", "^^ex:custom", "^^xsd:string", "^^<http://example.org/t>"]))
    return draw(st.sampled_from([quote + escaped + quote + suffix, number]))


@st.composite
def statement_text(draw) -> str:
    """A statement as a curator might lay it out: one line or several, with the odd comment."""
    predicates = []
    for _ in range(draw(st.integers(1, 3))):
        verb = draw(st.sampled_from(PREDICATES).flatmap(iri_text))
        objects = draw(
            st.lists(st.one_of(st.sampled_from(NODES).flatmap(iri_text), literal_text()), min_size=1, max_size=3)
        )
        comma = draw(st.sampled_from([" , ", ", ", " ,\n            ", " , # more\n            "]))
        predicates.append(f"{verb} {comma.join(objects)}")
    semicolon = draw(st.sampled_from([" ; ", " ;\n        ", " ; # and\n        ", " ;;\n        "]))
    subject = draw(st.sampled_from(NODES).flatmap(iri_text))
    end = draw(st.sampled_from([" .", ".", " ;\n        .", " .   # the end"]))
    return subject + draw(st.sampled_from([" ", "\n        "])) + semicolon.join(predicates) + end


@st.composite
def handwritten(draw, format: str) -> str:
    """A small file with prefixes, comments, blank lines and statements (in graph blocks, for TriG)."""
    lines = [
        "# A hand-written file.",
        "@prefix ex: <http://example.org/> .",
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>",
    ]
    lines.append("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .")
    for number in range(draw(st.integers(1, 3))):
        chunk = draw(st.lists(st.one_of(statement_text(), COMMENTS, st.just("")), min_size=1, max_size=5))
        if format == "turtle":
            lines += chunk
            continue
        opening = draw(st.sampled_from([f"ex:g{number} {{", f"GRAPH ex:g{number} {{", "{"]))
        last = next((k for k in reversed(range(len(chunk))) if chunk[k].startswith(("ex:", "<"))), None)
        if last is not None and chunk[last].endswith(" .") and draw(st.booleans()):
            chunk[last] = chunk[last][:-2]  # the last statement of a block needs no full stop
        lines += ["", f"# Section {number}.", opening, *("    " + line for line in chunk), "}"]
    return "\n".join(lines) + "\n"


@SETTINGS
@given(st.sampled_from(["trig", "turtle"]).flatmap(lambda f: st.tuples(st.just(f), handwritten(f))), UNWANTED)
def test_any_hand_written_file_keeps_its_layout_and_comments(format_and_text, unwanted):
    format, text = format_and_text
    assert check(text, format, unwanted)
    edited = remove_triples(text, unwanted, format).text
    assert comment_lines(edited) == comment_lines(text)


def comment_lines(text: str) -> list[str]:
    """The lines that are comments: they start with '#' outside a string (a long string may hold a line such as
    '#' that is text, not a comment, and goes with its statement)."""
    from copgraph.curation.edit import _tokens

    strings = [(token.start, token.end) for token in _tokens(text) if token.kind == "string"]
    found, offset = [], 0
    for line in text.splitlines(keepends=True):
        start = offset + len(line) - len(line.lstrip())
        if line.lstrip().startswith("#") and not any(a <= start < b for a, b in strings):
            found.append(line.strip())
        offset += len(line)
    return found


@SETTINGS
@given(
    st.sampled_from(["trig", "turtle"]).flatmap(lambda f: st.tuples(st.just(f), handwritten(f))),
    UNWANTED,
    st.data(),
)
def test_no_damaged_file_makes_it_crash(format_and_text, unwanted, data):
    """A character too many or too few anywhere: a sentence about the file, or a correct edit."""
    format, text = format_and_text
    position = data.draw(st.integers(0, len(text) - 1))
    if data.draw(st.booleans()):
        text = text[:position] + data.draw(st.sampled_from(list("\"'<>{}[]().;,#:@^_\\ \nax1"))) + text[position:]
    else:
        text = text[:position] + text[position + 1 :]
    try:
        check(text, format, unwanted)
    except CopgraphError as error:
        assert str(error).endswith("try again.")


def test_an_iri_rdflib_reads_but_cannot_write_is_edited_in_place_or_refused_in_a_sentence():
    """Found by the test above on a CI run: a quote inside a prefix's IRI."""
    text = (
        "@prefix ex: <http://example.org/> .\n"
        '@prefix rdf: <"http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n'
        "ex:a rdf:type ex:a .\nex:b ex:p ex:c .\n"
    )
    try:
        check(text, "turtle", lambda s, p, o: p == URIRef("http://example.org/p"))
    except CopgraphError as error:
        assert str(error).endswith("try again.")
