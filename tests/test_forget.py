"""Forgetting a person (``copgraph forget NAME``): after it, no query can find them, in any named graph, file,
store or export; the curated files keep their comments and layout; an audit entry says what was done and holds
no personal data; a name that fits nobody, or several people, changes nothing.

The data: a copy of the real reports plus tests/data/visibility.trig (two made-up people, one named in a note).
"""

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import TESTS
from rdflib import URIRef

from copgraph.build import build_store
from copgraph.cli import cli
from copgraph.curation.forget import AUDIT_LOG, apply_forget, plan_forget, remaining
from copgraph.errors import CopgraphError
from copgraph.files import data_dir
from copgraph.graph import KnowledgeGraph
from copgraph.output.rdf import serialise
from copgraph.synthetic.generate import write

TOMASZ = URIRef("https://w3id.org/copgraph/id/person/tomasz-okafor")
ESTHER = URIRef("https://w3id.org/copgraph/id/person/esther-hall")


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder, ignore=shutil.ignore_patterns("sources", "templates"))
    shutil.copy(TESTS / "data" / "visibility.trig", folder / "import-test-cohort.trig")
    return folder


def files(folder) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def forget(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def findable(dataset, person: URIRef, name: str) -> bool:
    query = f"""ASK {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(?s = {person.n3()} || ?o = {person.n3()} || CONTAINS(LCASE(STR(?o)), "{name.lower()}")) }}"""
    return dataset.query(query).boolean


def test_after_forgetting_no_query_finds_them_in_any_named_graph(data):
    assert findable(KnowledgeGraph.open(data=data), TOMASZ, "okafor")
    result = forget("--data", str(data), "forget", "Tomasz Okafor", "--yes")
    assert result.exit_code == 0, result.output
    after = KnowledgeGraph.open(data=data)
    assert not findable(after, TOMASZ, "okafor")
    assert not after.query("ASK { GRAPH ?g { <https://w3id.org/copgraph/id/post/tomasz-okafor-1> ?p ?o } }").boolean
    assert findable(after, URIRef("https://w3id.org/copgraph/id/person/priya-raman"), "priya raman")  # nobody else


def test_no_export_holds_them_afterwards(data):
    forget("--data", str(data), "forget", "Tomasz Okafor", "--yes")
    graph = KnowledgeGraph.open(data=data)
    for fmt in ("trig", "nq", "ttl", "jsonld"):
        text = serialise(graph, fmt).lower()
        assert "tomasz" not in text and "okafor" not in text, fmt


def test_the_text_that_named_them_goes_and_the_curator_is_told_which(data):
    result = forget("--data", str(data), "forget", "Tomasz Okafor", "--yes")
    assert "community:sel-polypharmacy skos:editorialNote" in result.output
    assert (
        not KnowledgeGraph.open(data=data).query("ASK { community:sel-polypharmacy skos:editorialNote ?note }").boolean
    )


def test_the_audit_entry_says_what_was_done_and_nothing_about_whom(data):
    forget("--data", str(data), "forget", "Tomasz Okafor", "--yes", "--reference", "DPO-2026-014")
    lines = (data / AUDIT_LOG).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["reference"] == "DPO-2026-014"
    assert entry["files"] == {"import-test-cohort.trig": entry["triples removed"]}
    assert entry["triples removed"] > 5
    assert "tomasz" not in lines[0].lower() and "okafor" not in lines[0].lower()


def test_a_person_in_a_curated_report_goes_and_its_comments_and_other_lines_stay(data):
    report = data / "report-2019-20.trig"
    before_lines = report.read_text(encoding="utf-8").splitlines()
    before = KnowledgeGraph.open(data=data)
    result = forget("--data", str(data), "forget", "Esther Hall", "--yes")
    assert result.exit_code == 0, result.output
    assert "layout is written again" not in result.output
    after_lines = report.read_text(encoding="utf-8").splitlines()
    assert [line for line in before_lines if line.lstrip().startswith("#")] == [
        line for line in after_lines if line.lstrip().startswith("#")
    ]
    untouched = [line for line in before_lines if "esther" not in line.lower()]
    assert all(line in after_lines for line in untouched if line.strip() and not line.strip().startswith("cop:"))
    after = KnowledgeGraph.open(data=data)
    assert not findable(after, ESTHER, "esther hall")
    assert len(after.backend) < len(before.backend)


def test_a_dry_run_changes_nothing(data):
    before = files(data)
    result = forget("--data", str(data), "forget", "Tomasz Okafor", "--dry-run")
    assert result.exit_code == 0
    assert "import-test-cohort.trig" in result.output and "Dry run: nothing changed" in result.output
    assert files(data) == before


def test_forgetting_asks_first_and_a_no_changes_nothing(data):
    before = files(data)
    result = forget("--data", str(data), "forget", "Tomasz Okafor", input="n\n")
    assert result.exit_code != 0
    assert files(data) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Nobody Atall", "No person is called 'Nobody Atall'"),
        ("SEL Polypharmacy", "No person is called 'SEL Polypharmacy'"),
    ],
)
def test_a_name_that_fits_no_person_is_refused_and_changes_nothing(data, name, message):
    before = files(data)
    result = forget("--data", str(data), "forget", name, "--yes")
    assert result.exit_code == 2
    assert message in result.output
    assert files(data) == before


def test_if_the_check_fails_no_file_is_changed_and_no_temporary_file_is_left(data, monkeypatch):
    erasure = plan_forget("Tomasz Okafor", data)
    before = files(data)
    monkeypatch.setattr("copgraph.curation.forget.remaining", lambda dataset, erasure: 3)
    with pytest.raises(CopgraphError, match="3 triples about the person would be left"):
        apply_forget(erasure)
    assert files(data) == before


def test_an_included_file_is_cleaned_too(data, tmp_path):
    generated = tmp_path / "q.nq"
    write(generated, 40, seed=3)
    graph = KnowledgeGraph.open(data=data, include=[generated])
    person, name = graph.query("SELECT ?p ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?p LIMIT 1").rows[
        0
    ]
    result = forget("--data", str(data), "--include", str(generated), "forget", str(person), "--yes")
    assert result.exit_code == 0, result.output
    erasure_check = KnowledgeGraph.open(data=data, include=[generated])
    assert not findable(erasure_check, person, str(name))
    assert str(person) not in generated.read_text(encoding="utf-8")


def test_an_on_disk_store_is_built_again_from_what_it_was_built_from(data, tmp_path):
    generated = tmp_path / "q.nq"
    write(generated, 40, seed=4)
    store = f"oxigraph:{tmp_path / 'store.db'}"
    build_store(store, data, [generated])
    assert findable(KnowledgeGraph.open(store), TOMASZ, "okafor")
    result = forget("--store", store, "forget", "Tomasz Okafor", "--yes")  # no --data: the store remembers it
    assert result.exit_code == 0, result.output
    rebuilt = KnowledgeGraph.open(store)
    assert not findable(rebuilt, TOMASZ, "okafor")
    assert not any(
        "okafor" in path.read_bytes().decode("latin-1").lower() for path in (tmp_path / "store.db").rglob("*.pickle")
    )


def test_remaining_counts_what_is_left(data):
    erasure = plan_forget("Tomasz Okafor", data)
    assert remaining(KnowledgeGraph.open(data=data), erasure) > 0
