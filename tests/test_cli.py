"""The copgraph command: every command answers, and bad input gets one line and exit status 2."""

import contextlib
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import TESTS, free_port, make_data_dir, stop

from copgraph import files
from copgraph.cli import cli


@pytest.fixture
def run(mini_data):
    def invoke(*args):
        return CliRunner().invoke(cli, ["--data", str(mini_data), *args], catch_exceptions=False)

    return invoke


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.output, f"'copgraph {name} --help' has no example"
        assert command.help, name


def test_stats_counts_kinds_and_cohorts(run):
    result = run("stats")
    assert result.exit_code == 0
    assert re.search(r"^person +2$", result.output, re.MULTILINE)
    data = json.loads(run("stats", "--format", "json").output)
    assert data["by_kind"]["community"] == 2
    assert data["by_cohort"][0]["participants"] == 2


def test_query_prints_a_table_csv_or_json(run):
    query = "SELECT ?name WHERE { ?p foaf:name ?name } ORDER BY ?name"
    assert "Ann Example" in run("query", query).output
    assert run("query", query, "--format", "csv").output == "name\nAnn Example\nBob Example\n"
    assert json.loads(run("query", query, "--format", "json").output)["head"]["vars"] == ["name"]


def test_a_malformed_query_names_line_and_column_and_exits_2(run):
    result = run("query", "SELECT ?x WHERE { ?x a }")
    assert result.exit_code == 2
    assert "line 1, column 19" in result.output
    assert "Traceback" not in result.output


def test_show_finds_by_alias_and_lists_facts_with_sources(run):
    result = run("show", "eht")
    assert result.exit_code == 0
    assert result.output.startswith(
        "Example Hospitals NHS Foundation Trust  (organisation, organisation:example-trust)"
    )
    assert "source: Mini report, section 'People' (lines 1-5)" in result.output


def test_show_an_unknown_name_suggests_and_exits_2(run):
    result = run("show", "Exampel")
    assert result.exit_code == 2
    assert "Did you mean" in result.output


def test_validate_exits_1_and_lists_violations_when_invalid(run, mini_data):
    path = mini_data / "mini-report.trig"
    path.write_text(path.read_text().replace('foaf:name "Bob Example"', 'rdfs:comment "no name"'))
    result = run("validate")
    assert result.exit_code == 1
    assert "person:bob-example (foaf:name): Every person has exactly one name (foaf:name)." in result.output


def test_an_unreadable_data_folder_exits_2_with_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["--data", str(tmp_path), "stats"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: No report data")
    assert len(result.output.strip().splitlines()) == 1


def test_export_writes_a_file_whole(run, tmp_path):
    target = tmp_path / "out.trig"
    result = run("export", "--format", "trig", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text().startswith("@prefix")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.trig")]


def test_export_to_a_missing_folder_exits_2(run, tmp_path):
    result = run("export", "-o", str(tmp_path / "no" / "such" / "dir.trig"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_query_can_read_the_inferred_suggestions_on_request():
    query = "SELECT ?s WHERE { ?x cop:suggestionFor person:phil-southworth ; cop:suggests ?s }"
    without = CliRunner().invoke(cli, ["query", query, "--format", "csv"])
    with_inferred = CliRunner().invoke(cli, ["query", "--inferred", query, "--format", "csv"])
    assert without.output == "s\n"
    assert "https://w3id.org/copgraph/id/community/sel-polypharmacy" in with_inferred.output


def test_import_from_the_command_line_says_each_step_and_a_second_import_changes_nothing(tmp_path):
    data = make_data_dir(tmp_path / "data", *sorted(files.data_dir().glob("report-*.trig")))
    clean = sorted(str(path) for path in (TESTS / "data" / "import" / "clean").glob("*.csv"))
    runner = CliRunner()
    dry = runner.invoke(cli, ["--data", str(data), "import", *clean, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "... reading 4 spreadsheets" in dry.output and "Dry run: nothing was written." in dry.output
    assert not list(data.glob("import-*.trig"))
    first = runner.invoke(cli, ["--data", str(data), "import", *clean])
    assert first.exit_code == 0, first.output
    assert "... writing the import files" in first.output and list(data.glob("import-*.trig"))
    again = runner.invoke(cli, ["--data", str(data), "import", *clean])
    assert "Nothing to import: the graph already holds all of it." in again.output


def test_a_messy_import_from_the_command_line_exits_2_and_writes_nothing(tmp_path):
    data = make_data_dir(tmp_path / "data", *sorted(files.data_dir().glob("report-*.trig")))
    messy = sorted(str(path) for path in (TESTS / "data" / "import" / "messy").glob("*.csv"))
    result = CliRunner().invoke(cli, ["--data", str(data), "import", *messy])
    assert result.exit_code == 2
    assert "participants.csv, row" in result.output
    assert not list(data.glob("import-*.trig"))


def copgraph_command(data) -> list[str]:
    """The copgraph command in a process of its own, as users run it, on a data folder."""
    return [sys.executable, "-c", "from copgraph.cli import cli; cli()", "--data", str(data)]


def test_serve_says_what_it_is_loading_then_serves_with_waitress(mini_data):
    # At national size loading takes a minute: serve says each step, so the wait is never silent.
    port = free_port()
    command = copgraph_command(mini_data)
    with subprocess.Popen([*command, "serve", "--port", str(port)], stderr=subprocess.PIPE, text=True) as server:
        try:
            said = []
            for line in server.stderr:
                said.append(line.strip())
                if "serving on" in line:
                    break
            assert said[-1] == f"copgraph is serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", said
            steps = [line for line in said if line.startswith("... ")]
            assert steps[0] == "... reading the ontology, vocabularies and reports"
            assert any(step.startswith("... building the network") for step in steps), steps
            assert "... counting" in steps
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
                assert answer.status == 200
                assert answer.headers["Server"] == "copgraph"
        finally:
            stop(server)


def test_serve_on_a_port_in_use_says_so_in_one_line(mini_data):
    command = copgraph_command(mini_data)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = subprocess.run(
            [*command, "serve", "--port", str(taken.getsockname()[1])], capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1:" in result.stderr and "choose another with --port" in result.stderr
    assert "... reading" not in result.stderr  # said before loading anything
    assert "Traceback" not in result.stderr


def test_generate_writes_the_format_its_extension_names_and_build_reads_it(run, tmp_path):
    people = tmp_path / "people.ttl"
    result = run("generate", "--people", "50", "-o", str(people))
    assert result.exit_code == 0, result.output
    assert f"Wrote {people}: " in result.output and result.output.rstrip().endswith(" triples.")
    store = f"oxigraph:{tmp_path / 'people.db'}"
    built = run("--store", store, "build", str(people))
    assert built.exit_code == 0, built.output
    counted = run(
        "--store", store, "query", "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a foaf:Person }", "--format", "csv"
    )
    assert counted.output == "n\n52\n"  # the mini report's two people and the fifty invented ones


def test_generate_refuses_an_extension_it_cannot_write_before_generating_anything(run, tmp_path):
    result = run("generate", "--people", "50", "-o", str(tmp_path / "people.csv"))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {tmp_path / 'people.csv'}: copgraph generate writes .nq (N-Quads), .trig (TriG), .ttl (Turtle), "
        ".nt (N-Triples), the format the file's extension names; give the file one of those extensions.\n"
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_a_long_query_on_the_command_line_is_run_as_a_query(run):
    # Longer than a file name may be: it was once tried as a file first, and failed with "File name too long".
    names = " ".join(f'"Person {n}"' for n in range(200))
    query = f'SELECT ?name WHERE {{ VALUES ?name {{ {names} "Ann Example" }} ?p foaf:name ?name }}'
    assert len(query) > 2000
    result = run("query", query, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == "name\nAnn Example\n"


#: Queries that never end: a join of every triple with every other, four times over; and backtracking in a
#: regular expression, which rdflib's engine (Python's re) would run for hours.
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
BACKTRACKING = 'ASK { BIND(REGEX("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "^(a+)+$") AS ?x) ?s ?p ?o }'


@pytest.mark.parametrize(("store", "query"), [("memory", CROSS_JOIN), ("rdflib", CROSS_JOIN), ("rdflib", BACKTRACKING)])
def test_the_time_limit_holds_on_the_command_line_whatever_the_store(run, store, query):
    started = time.monotonic()
    result = run("--store", store, "query", query, "--timeout", "1")
    assert result.exit_code == 2
    assert "The query ran for more than 1 s, the time limit" in result.output
    assert time.monotonic() - started < 30


def test_control_characters_in_an_answer_are_shown_as_question_marks_on_the_terminal(run):
    # Text from the data (an imported job title) could otherwise clear the screen or retitle the terminal.
    result = run("query", 'SELECT ?title WHERE { BIND("Lead\\u001B[2J\\u001B]0;owned\\u0007 nurse" AS ?title) }')
    assert result.exit_code == 0
    assert "Lead?[2J?]0;owned? nurse" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_csv_shows_control_characters_as_question_marks_on_a_terminal_only(mini_data, tmp_path):
    import os
    import pty

    query = 'SELECT ?title WHERE { BIND("Lead\\u001B[2J nurse" AS ?title) }'
    command = [*copgraph_command(mini_data), "query", query, "--format", "csv"]
    controller, terminal = pty.openpty()
    try:
        subprocess.run(command, stdout=terminal, stderr=subprocess.DEVNULL, timeout=120, check=True)
        os.close(terminal)
        shown = b""
        with contextlib.suppress(OSError):  # the terminal has closed: all is read
            while chunk := os.read(controller, 4096):
                shown += chunk
    finally:
        os.close(controller)
    assert shown.decode() == "title\r\nLead?[2J nurse\r\n"
    # Into a file, the data stays as it is.
    written = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    assert written.stdout == "title\nLead\x1b[2J nurse\n"


@pytest.mark.parametrize(
    "command",
    [["validate"], ["export", "--format", "nt"], ["stats"], ["--store", "oxigraph:{tmp}/deep.db", "build", "{deep}"]],
    ids=["validate", "export", "stats", "build"],
)
def test_a_file_nested_a_million_deep_is_refused_in_a_sentence_and_nothing_runs(run, tmp_path, command):
    # It once took a validation 6.8 GB and 103 s; now it is refused before anything parses it.
    deep = tmp_path / "deep.ttl"
    deep.write_text("<https://e.org/a> <https://e.org/b> " + "[" * 10**6 + "]" * 10**6 + " .\n")
    args = [part.format(tmp=tmp_path, deep=deep) for part in command]
    started = time.monotonic()
    result = run(*([] if "build" in command else ["--include", str(deep)]), *args)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {deep}, line 1: brackets nested more than 64 deep; copgraph reads RDF nested at most 64 levels "
        "('[', '(' and '{'), so that no file can exhaust the machine. Write the data flatter."
    )
    assert time.monotonic() - started < 20
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "deep.ttl"]  # no store, no export


def test_a_triple_term_is_refused_at_build_and_no_store_is_made(run, tmp_path):
    terms = tmp_path / "terms.nq"
    terms.write_text(
        "<https://e.org/a> <https://e.org/b> <https://e.org/c> <https://e.org/g> .\n"
        "<https://e.org/a> <https://e.org/says> <<( <https://e.org/a> <https://e.org/b> <https://e.org/c> )>> "
        "<https://e.org/g> .\n"
    )
    result = run("--store", f"oxigraph:{tmp_path / 'terms.db'}", "build", str(terms))
    assert result.exit_code == 2
    assert result.output.splitlines()[-1].startswith(f"Error: {terms}, line 2: an RDF 1.2 triple term or annotation")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "terms.nq"]
