"""Importing a new cohort from the programme team's spreadsheets (``copgraph.curation.imports``).

What a coordinator sees for a messy spreadsheet (every problem at once, by file, row and column, and nothing
written), what the clean version adds (a valid graph, every fact traced to its file and row, a second import that
changes nothing), how names resolve to what the graph knows, and that no input makes the importer crash or
write half a change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import signal
import tempfile
from pathlib import Path

import openpyxl
import pytest
from conftest import TESTS, make_data_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import SKOS, Dataset, Literal, URIRef
from rdflib.namespace import FOAF, ORG

from copgraph import files
from copgraph.curation import imports as importer
from copgraph.curation.imports import TEMPLATES, apply_import, name_key, plan_import, slug
from copgraph.curation.spreadsheets import TableError, read_tables
from copgraph.curation.validate import validate
from copgraph.errors import CopgraphError
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import COP, ID, SDO

IMPORT = TESTS / "data" / "import"
CLEAN = [Path("clean") / name for name in ("participants.csv", "communities.csv", "sessions.csv", "impact-stories.csv")]
MESSY = [Path("messy") / name for name in ("participants.csv", "communities.csv", "sessions.csv")]
NOW = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
HIN = ID.organisation["health-innovation-network"]
MINI = TESTS / "data" / "mini-report.trig"


def real_data(target: Path) -> Path:
    """A data folder with the project's vocabularies and both reports."""
    return make_data_dir(target, *sorted(files.data_dir().glob("report-*.trig")))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def participants(folder: Path, *rows: str, header: str = "Name,Job title,Organisation,Cohort,Sector,Place") -> Path:
    path = folder / "participants.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def facts_by_row(path: Path) -> set[tuple]:
    """The quads of an import file's row graphs (without the graph that describes the file and its rows)."""
    dataset = Dataset()
    dataset.parse(path, format="trig")
    return {(s, p, o, g) for s, p, o, g in dataset.quads() if str(g).rsplit("/", 1)[-1].startswith("row-")}


def organisation_of(graph, person: URIRef) -> set[URIRef]:
    return {graph.dataset.value(post, ORG.organization) for post in graph.dataset.subjects(ORG.member, person)}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The real data with the clean spreadsheets imported: the folder, the plan that did it, the loaded graph."""
    data = real_data(tmp_path_factory.mktemp("imported") / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(IMPORT)  # so that messages name the files as a coordinator would: clean/participants.csv
        plan = plan_import(CLEAN, data, now=NOW)
    apply_import(plan, data)
    return data, plan, KnowledgeGraph.open(data=data)


# A messy spreadsheet ---------------------------------------------------------------------------------------------

MESSY_PROBLEMS = [
    "messy/participants.csv, column 'Cohort': There is no 'Cohort' column, which a participants file needs; add it "
    "(data/templates/participants.csv has every column).",
    "messy/participants.csv, row 6, column 'Organisation': No organisation is called 'Helth Inovation Network'; did "
    "you mean 'Health Innovation Network' (organisation:health-innovation-network)? If so, correct the spelling or "
    'import with --merge "Helth Inovation Network=organisation:health-innovation-network"; if it is a different '
    'organisation, import with --merge "Helth Inovation Network=new".',
    "messy/participants.csv, row 7, column 'Organisation': No organisation is called 'Kings Colege Hospital NHS "
    "Foundation Trust'; did you mean 'King's College Hospital NHS Foundation Trust' (row 2 of participants.csv)? If "
    "so, correct the spelling or import with --merge \"Kings Colege Hospital NHS Foundation Trust=King's College "
    'Hospital NHS Foundation Trust"; if it is a different organisation, import with --merge "Kings Colege Hospital '
    'NHS Foundation Trust=new".',
    "messy/participants.csv, row 8, column 'Name': No person is called 'Priya Sha'; did you mean 'Priya Shah' (row 2 "
    "of participants.csv)? If so, correct the spelling or write 'Priya Shah' in the 'Same as' column; if it is a "
    "different person, write 'new' there.",
    "messy/participants.csv, row 9, column 'Organisation': Every person needs an organisation: write where they work "
    "(for someone self-employed, their business, with its Sector and Place).",
    "messy/participants.csv, row 10, column 'Sector': 'Socail care' is not a sector copgraph knows; did you mean "
    "'Social care'? The sectors are the labels in data/vocabularies/sectors.ttl; to add one, ask a curator.",
    "messy/participants.csv, row 10, column 'Visibility': 'secret' is not a visibility. Write 'public', 'programme' "
    "or 'hidden'.",
    "messy/participants.csv, row 10, column 'Email': 'lee@' is not an e-mail address; write one address, like "
    "jo@example.org.",
    "messy/communities.csv, row 2, column 'Themes': 'Polypharmacie' is not a theme copgraph knows; did you mean "
    "'Polypharmacy' or 'Medicines optimisation'? The themes are the labels in data/vocabularies/themes.ttl; to add "
    "one, ask a curator.",
    "messy/communities.csv, row 2, column 'Member count': 'twelve' is not a whole number of 0 or more; write digits "
    "only, like 12.",
    "messy/communities.csv, row 3, column 'Status': 'actve' is not a status; did you mean 'active'? Write 'idea' or "
    "'active'.",
    "messy/communities.csv, row 3, column 'Methods': 'Apreciative Inquiry' is not a method copgraph knows; did you "
    "mean 'Appreciative Inquiry'? The methods are the labels in data/vocabularies/methods.ttl; to add one, ask a "
    "curator.",
    "messy/sessions.csv, row 2, column 'Date': '2025-09-31' is not a date; write a day as 2025-03-14 or 14/03/2025, "
    "a month as 2025-03 or March 2025, a year as 2025.",
    "messy/sessions.csv, row 4: This row repeats row 3; delete one of them.",
]


def test_a_messy_spreadsheet_gets_every_problem_at_once_and_nothing_is_written(tmp_path, monkeypatch):
    # BOM, semicolons, trailing spaces, an organisation spelled four ways (one a typo), an unknown theme, method
    # and sector, a bad date, a repeated row, a person spelled two ways, a person without an organisation, a
    # missing column, and a name with <script> in it (which is not a problem: it is text).
    data = real_data(tmp_path / "data")
    before = snapshot(data)
    monkeypatch.chdir(IMPORT)
    plan = plan_import(MESSY, data, now=NOW)
    assert [str(problem) for problem in plan.problems] == MESSY_PROBLEMS
    assert not plan.ok and plan.changes == [] and plan.outputs == {}
    assert plan.describe().splitlines()[-1] == "14 problems: nothing is imported until they are fixed."
    with pytest.raises(TableError) as caught:
        apply_import(plan, data)
    assert caught.value.problems == plan.problems
    assert snapshot(data) == before


# The clean version -----------------------------------------------------------------------------------------------


def test_the_clean_spreadsheets_import_into_a_valid_graph(imported):
    data, plan, graph = imported
    assert plan.ok
    assert sorted(p.name for p in data.glob("import-*.trig")) == [
        "import-communities.trig",
        "import-impact-stories.trig",
        "import-participants.trig",
        "import-sessions.trig",
    ]
    report = validate(graph)
    assert report.conforms, report.violations
    people = set(graph.dataset.objects(ID.cohort["2025-26"], COP.participant))
    assert len(people) == 8  # nine rows, one of them Priya again
    assert Literal("Priya Shah") in {graph.dataset.value(person, FOAF.name) for person in people}


def test_an_organisation_spelled_three_ways_is_one_organisation(imported):
    _, _, graph = imported
    trust = ID.organisation["kings-college-hospital-nhs-foundation-trust"]
    staff = {graph.dataset.value(post, ORG.member) for post in graph.dataset.subjects(ORG.organization, trust)}
    assert {graph.dataset.value(p, FOAF.name) for p in staff} == {
        Literal(n) for n in ("Priya Shah", "Ana Lopes", "Grace Adeyemi", "Ravi Kumar")
    }
    assert str(graph.dataset.value(trust, COP.sector)).endswith("acute-trust")
    # the case and spacing variant is not kept; the abbreviation is another name, shown
    assert set(graph.dataset.objects(trust, SKOS.altLabel)) == {Literal("King's College Hospital NHS FT")}


def test_the_same_person_decided_in_same_as_is_one_person_with_the_spelling_kept_hidden(imported):
    _, _, graph = imported
    priya = ID.person["priya-shah"]
    assert not list(graph.dataset.subjects(FOAF.name, Literal("Priya Sha")))
    assert set(graph.dataset.objects(priya, SKOS.hiddenLabel)) == {Literal("Priya Sha")}
    assert len(list(graph.dataset.subjects(ORG.member, priya))) == 1  # the same post, stated by both rows


def test_the_dry_run_says_per_entity_what_would_be_added(imported):
    _, plan, _ = imported
    text = plan.describe()
    assert "clean/participants.csv -> import-participants.trig (a new file)" in text
    lines = text.splitlines()
    start = lines.index("  add person 'Priya Shah' (person:priya-shah), rows 2, 8") + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("      "))
    assert lines[start:end] == [
        "      + name: Priya Shah",
        "      + email: priya.shah@example.org",
        "      + post: Lead Pharmacist at King's College Hospital NHS Foundation Trust",
        "      + participant of: 2025-26 cohort",
        "      + convenor of: Medicines Safety Network",
        "      + visibility: programme",
        "      + also written (found, never shown): Priya Sha",
        "      + email: priya@example.org",
    ]
    assert "  update organisation" not in text  # HIN and Meadowbridge Surgery are only linked to
    assert text.splitlines()[-1] == "16 to add, 0 to update, 0 to remove, 0 unchanged."


def test_importing_the_same_files_again_changes_nothing(imported, monkeypatch):
    data, _, _ = imported
    before = snapshot(data)
    monkeypatch.chdir(IMPORT)
    again = plan_import(CLEAN, data, now=NOW + dt.timedelta(days=30))
    assert again.ok and again.outputs == {}
    assert {change.kind for change in again.changes} == {"unchanged"}
    assert "(unchanged)" in again.describe()
    assert apply_import(again, data) == []
    assert snapshot(data) == before


def test_every_imported_fact_is_in_a_graph_with_its_file_row_and_time(imported):
    _, _, graph = imported
    untraced = graph.query(
        """SELECT DISTINCT ?g WHERE {
            GRAPH ?g { ?s ?p ?o }
            FILTER(STRSTARTS(STR(?g), "https://w3id.org/copgraph/graph/import/"))
            FILTER NOT EXISTS { ?g a cop:Spreadsheet }
            FILTER NOT EXISTS { ?g cop:rowNumber ?row ; prov:generatedAtTime ?time ;
                                   prov:wasDerivedFrom [ cop:fileName ?file ] } }""",
    )
    assert untraced.rows == []
    traced = graph.query(
        """SELECT ?file ?row ?time WHERE {
            GRAPH ?g { person:lee-chen foaf:name ?name }
            ?g cop:rowNumber ?row ; prov:generatedAtTime ?time ; prov:wasDerivedFrom [ cop:fileName ?file ] }""",
    )
    assert [(str(f), int(r), str(t)) for f, r, t in traced.rows] == [
        ("participants.csv", 10, "2025-09-01T09:00:00+00:00")
    ]
    # every imported resource comes from a row (the entailment step links it, as it does report sections)
    orphans = graph.query(
        """SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o }
            FILTER(STRSTARTS(STR(?g), "https://w3id.org/copgraph/graph/import/") && CONTAINS(STR(?g), "/row-"))
            FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?g } }""",
    )
    assert orphans.rows == []


def test_text_is_stored_as_text(imported):
    data, _, graph = imported
    jo = ID.person["jo-script-alert-x-script-bloggs"]
    name = graph.dataset.value(jo, FOAF.name)
    assert name == Literal("Jo <script>alert('x')</script> Bloggs") and name.datatype is None
    assert "foaf:name \"Jo <script>alert('x')</script> Bloggs\"" in (data / "import-participants.trig").read_text()


def test_people_get_a_visibility_and_contact_details_only_from_a_column(imported):
    _, _, graph = imported
    people = set(graph.dataset.objects(ID.cohort["2025-26"], COP.participant))
    visibility = {
        str(graph.dataset.value(person, FOAF.name)): graph.dataset.value(person, COP.visibility) for person in people
    }
    assert visibility["Lee Chen"] == COP.Hidden
    assert visibility["Tom Okafor"] == COP.Public
    assert visibility["Ana Lopes"] == COP.ProgrammeOnly
    assert set(graph.dataset.objects(ID.person["priya-shah"], FOAF.mbox)) == {
        URIRef("mailto:priya.shah@example.org"),
        URIRef("mailto:priya@example.org"),
    }
    assert len(set(graph.dataset.subject_objects(FOAF.mbox))) == 2
    assert not list(graph.dataset.subject_objects(SDO.telephone))


def test_an_excel_version_with_a_merged_organisation_cell_imports_the_same(imported, tmp_path, monkeypatch):
    reference, _, _ = imported
    text = (IMPORT / "clean" / "participants.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][2] == rows[2][2]  # Priya Shah and Ana Lopes work at the same trust: one merged cell in Excel
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    sheet["C3"] = None
    sheet.merge_cells("C2:C3")
    folder = tmp_path / "xlsx"
    folder.mkdir()
    workbook.save(folder / "participants.xlsx")
    for path in CLEAN[1:]:
        (folder / path.name).write_bytes((IMPORT / path).read_bytes())
    data = real_data(tmp_path / "data")
    monkeypatch.chdir(folder)
    plan = plan_import(["participants.xlsx", "communities.csv", "sessions.csv", "impact-stories.csv"], data, now=NOW)
    assert plan.ok, plan.describe()
    apply_import(plan, data)
    assert (data / "import-communities.trig").read_text() == (reference / "import-communities.trig").read_text()
    # the same facts in the same row graphs; only the record of the file (its name, the sheet) differs
    assert facts_by_row(data / "import-participants.trig") == facts_by_row(reference / "import-participants.trig")


# Names: what the graph already holds -----------------------------------------------------------------------------


def test_case_spacing_punctuation_and_abbreviations_resolve_to_the_known_organisation(tmp_path):
    data = real_data(tmp_path / "data")
    rows = [
        "Ann One,Lead,Health Innovation Network,2025-26,,",
        "Ben Two,Lead,HIN,2025-26,,",
        "Cat Three,Lead,health innovation network ,2025-26,,",
        "Dan Four,Nurse,Sherwood Forest Hospitals NHS FT,2025-26,,",
    ]
    plan = plan_import([participants(tmp_path, *rows)], data, now=NOW)
    assert plan.ok, plan.describe()
    organisations = [(c.kind, c.label, c.facts) for c in plan.changes if c.entity == "organisation"]
    assert organisations == [  # nothing new: only another name for one of them, shown from now on
        (
            "update",
            "Sherwood Forest Hospitals NHS Foundation Trust",
            ("+ also known as: Sherwood Forest Hospitals NHS FT",),
        )
    ]
    apply_import(plan, data)
    graph = KnowledgeGraph.open(data=data)
    for person in ("ann-one", "ben-two", "cat-three"):
        assert organisation_of(graph, ID.person[person]) == {HIN}
    assert organisation_of(graph, ID.person["dan-four"]) == {ID.organisation["sherwood-forest-hospitals"]}
    assert validate(graph).conforms


def test_a_near_miss_blocks_until_a_decision_and_never_merges_silently(tmp_path):
    data = real_data(tmp_path / "data")
    before = snapshot(data)
    path = participants(tmp_path, "Ann One,Lead,Helth Inovation Network,2025-26,Improvement network,South London")
    undecided = plan_import([path], data, now=NOW)
    [problem] = undecided.problems
    assert problem.row == 2 and problem.column == "Organisation"
    assert "did you mean 'Health Innovation Network' (organisation:health-innovation-network)?" in problem.message
    assert snapshot(data) == before

    same = plan_import([path], data, decisions={"Helth Inovation Network": "organisation:health-innovation-network"})
    assert same.ok, same.describe()
    apply_import(same, data)
    graph = KnowledgeGraph.open(data=data)
    assert organisation_of(graph, ID.person["ann-one"]) == {HIN}
    assert Literal("Helth Inovation Network") in set(graph.dataset.objects(HIN, SKOS.hiddenLabel))

    different = plan_import([path], data, decisions={"helth inovation network": "new"})
    assert different.ok, different.describe()
    apply_import(different, data)
    graph = KnowledgeGraph.open(data=data)
    assert organisation_of(graph, ID.person["ann-one"]) == {ID.organisation["helth-inovation-network"]}
    assert not list(graph.dataset.objects(HIN, SKOS.hiddenLabel))  # the file's earlier import was replaced whole


def test_same_as_names_the_known_person_a_misspelling_means(tmp_path):
    data = make_data_dir(tmp_path / "data", MINI)
    header = "Name,Job title,Organisation,Cohort,Same as"
    undecided = plan_import([participants(tmp_path, "Ann Exampel,Nurse,EHT,mini,", header=header)], data)
    [problem] = undecided.problems
    assert "did you mean 'Ann Example' (person:ann-example)?" in problem.message
    assert "write 'person:ann-example' in the 'Same as' column" in problem.message
    row = "Ann Exampel,Nurse,EHT,mini,person:ann-example"
    decided = plan_import([participants(tmp_path, row, header=header)], data)
    assert decided.ok, decided.describe()
    [change] = [c for c in decided.changes if c.entity == "person"]
    assert (change.kind, change.iri) == ("update", str(ID.person["ann-example"]))
    assert change.facts == (
        "+ also written (found, never shown): Ann Exampel",
        "+ post: Nurse at Example Hospitals NHS Foundation Trust",
    )
    wrong = plan_import([participants(tmp_path, row.replace("ann-example", "ann-exampel"), header=header)], data)
    assert "'Same as' says this is 'person:ann-exampel', but no person copgraph knows" in str(wrong.problems[0])


def test_a_known_value_is_not_contradicted(tmp_path):
    data = real_data(tmp_path / "data")
    plan = plan_import([participants(tmp_path, "Ann One,Lead,HIN,2025-26,Acute trust,")], data)
    [problem] = plan.problems
    assert problem.column == "Sector"
    assert problem.message.startswith(
        "'Health Innovation Network South London' already has the sector 'Improvement network' (classified by "
        "copgraph's curators), not 'Acute trust'"
    )


def test_name_keys_fold_what_people_write_differently():
    assert name_key("Kings College Hospital NHS Foundation Trust") == name_key("King's College Hospital NHS FT")
    assert name_key("The HIN") == name_key("health innovation network")
    assert name_key("South East London ICB") == name_key("South East London Integrated Care Board")
    assert name_key("Helth Inovation Network") != name_key("Health Innovation Network")
    assert slug("Überology Ltd") == "uberology" and slug("Jo <b>Bloggs</b>") == "jo-b-bloggs-b"


def test_a_workbook_may_hold_one_table_a_sheet_and_each_row_keeps_its_sheet(tmp_path):
    data = make_data_dir(tmp_path / "data", MINI)
    workbook = openpyxl.Workbook()
    people = workbook.active
    people.title = "Participants"
    people.append(["Name", "Job title", "Organisation", "Cohort"])
    people.append(["Cat One", "Lead", "new trust", "mini"])
    organisations = workbook.create_sheet("Organisations")
    organisations.append(["Organisation", "Sector", "Place", "Also known as"])
    organisations.append(["New Trust", "Acute trust", "Hull", "NT"])
    workbook.save(tmp_path / "cohort.xlsx")
    plan = plan_import([tmp_path / "cohort.xlsx"], data, now=NOW)
    assert plan.ok, plan.describe()
    apply_import(plan, data)
    graph = KnowledgeGraph.open(data=data)
    assert organisation_of(graph, ID.person["cat-one"]) == {ID.organisation["new-trust"]}
    rows = graph.query("SELECT ?g ?sheet ?row WHERE { ?g cop:sheet ?sheet ; cop:rowNumber ?row } ORDER BY ?g").rows
    assert [(str(g).rsplit("import/", 1)[1], str(sheet), int(row)) for g, sheet, row in rows] == [
        ("cohort/organisations/row-2", "Organisations", 2),
        ("cohort/participants/row-2", "Participants", 2),
    ]


def test_a_column_no_template_has_is_refused_and_notes_are_not_imported(tmp_path):
    data = make_data_dir(tmp_path / "data", MINI)
    header = "Name,Job tittle,Organisation,Cohort,Notes"
    path = participants(tmp_path, "Cat One,Lead,EHT,mini,met at the welcome session", header=header)
    plan = plan_import([path], data)
    assert [str(problem).split(": ", 1)[1] for problem in plan.problems] == [
        "There is no 'Job title' column, which a participants file needs; add it (data/templates/participants.csv has "
        "every column).",
        "A participants file has no such column, so what it holds would not be imported. Did you mean 'Job title'? "
        "Rename it to one of the template's columns, or call it 'Notes' (never imported), or delete it.",
    ]
    assert plan.problems[1].column == "Job tittle"


# Changing a file and importing it again --------------------------------------------------------------------------


def test_a_changed_file_replaces_what_it_imported_before(tmp_path):
    data = make_data_dir(tmp_path / "data", MINI)
    header = "Name,Job title,Organisation,Cohort,Visibility"
    first = ["Cat One,Lead,EHT,mini,", "Dan Two,Nurse,EHT,mini,public", "Eve Three,GP,EHT,mini,"]
    apply_import(plan_import([participants(tmp_path, *first, header=header)], data, now=NOW), data)
    second = ["Cat One,Lead,EHT,mini,", "Dan Two,Nurse,EHT,mini,hidden"]
    later = NOW + dt.timedelta(days=1)
    plan = plan_import([participants(tmp_path, *second, header=header)], data, now=later)
    kinds = {change.label: (change.kind, change.facts) for change in plan.changes if change.entity == "person"}
    assert kinds["Cat One"] == ("unchanged", ())
    assert kinds["Dan Two"] == ("update", ("+ visibility: hidden", "- visibility: public"))
    assert kinds["Eve Three"][0] == "remove"
    apply_import(plan, data)
    graph = KnowledgeGraph.open(data=data)
    assert not list(graph.dataset.subjects(FOAF.name, Literal("Eve Three")))
    times = graph.query("SELECT ?row ?time WHERE { ?g cop:rowNumber ?row ; prov:generatedAtTime ?time }").rows
    # the unchanged row keeps the time it was first imported
    assert {int(row): str(time)[:10] for row, time in times} == {2: "2025-09-01", 3: "2025-09-02"}


def test_a_plan_made_before_the_data_changed_is_not_applied(tmp_path):
    data = make_data_dir(tmp_path / "data", MINI)
    plan = plan_import([participants(tmp_path, "Cat One,Lead,EHT,mini,,")], data)
    (data / "mini-report.trig").write_text((data / "mini-report.trig").read_text() + "\n# edited\n")
    with pytest.raises(CopgraphError, match="changed after this import was planned; plan the import again"):
        apply_import(plan, data)
    assert not list(data.glob("import-*"))


# Writing: all or nothing ------------------------------------------------------------------------------------------


def two_file_plan(tmp_path: Path) -> tuple[Path, importer.ImportPlan]:
    data = make_data_dir(tmp_path / "data", MINI)
    path = participants(tmp_path, "Cat One,Lead,New Trust,mini,,")
    organisations = tmp_path / "organisations.csv"
    organisations.write_text("Organisation,Sector,Place\nNew Trust,Acute trust,Kent\n", encoding="utf-8")
    return data, plan_import([path, organisations], data, now=NOW)


def test_a_failed_write_leaves_the_data_folder_as_it_was(tmp_path, monkeypatch):
    data, plan = two_file_plan(tmp_path)
    before = snapshot(data)
    calls = []

    def full_disk(descriptor):
        calls.append(descriptor)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(importer.os, "fsync", full_disk)
    with pytest.raises(CopgraphError, match=r"Cannot write .*No space left on device; nothing was changed"):
        apply_import(plan, data)
    assert snapshot(data) == before  # no temporary file left behind either


def test_ctrl_c_while_replacing_waits_until_every_file_is_in_place(tmp_path, monkeypatch):
    data, plan = two_file_plan(tmp_path)
    real_replace = os.replace

    def replace_then_interrupt(source, target):
        real_replace(source, target)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(importer.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        apply_import(plan, data)
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(("import-", "."))) == [
        "import-organisations.trig",
        "import-participants.trig",
    ]
    assert organisation_of(KnowledgeGraph.open(data=data), ID.person["cat-one"]) == {ID.organisation["new-trust"]}


# The templates ---------------------------------------------------------------------------------------------------

TEMPLATE_FOLDER = files.data_dir() / "templates"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_each_template_has_the_columns_the_importer_reads_and_its_readme_explains_them(template):
    [table] = read_tables(TEMPLATE_FOLDER / f"{slug(template.name)}.csv")
    assert [table.headers[key] for key in table.columns] == [column.header for column in template.columns]
    assert len(table.rows) == 1
    readme = (TEMPLATE_FOLDER / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## {slug(template.name)}.csv")[1].split("\n## ")[0]
    for column in template.columns:
        assert f"| {column.header} |" in section, column.header
        assert (f"| {column.header} | yes |" in section) == column.required, column.header


def test_the_templates_example_rows_import_into_a_valid_graph(tmp_path):
    data = real_data(tmp_path / "data")
    plan = plan_import(sorted(TEMPLATE_FOLDER.glob("*.csv")), data, now=NOW)
    assert plan.ok, plan.describe()
    apply_import(plan, data)
    assert validate(KnowledgeGraph.open(data=data)).conforms


# No input crashes the importer or writes half a change -------------------------------------------------------------

QUICK = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def attempt(files: dict[str, bytes]) -> tuple[importer.ImportPlan | None, tuple | None]:
    """Plan and apply an import of ``files`` into a mini data folder. On an error, check that the folder is as it
    was and return (None, None); else return the plan, and the graph loaded with the first file's table."""
    with tempfile.TemporaryDirectory(prefix="copgraph-test-import-") as folder:
        data = make_data_dir(Path(folder) / "data", MINI)
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        before = snapshot(data)
        try:
            plan = plan_import([Path(folder) / name for name in files], data, now=NOW)
            apply_import(plan, data)
        except (TableError, CopgraphError):
            assert snapshot(data) == before
            return None, None
        [table] = read_tables(Path(folder) / next(iter(files)))
        return plan, (KnowledgeGraph.open(data=data), table)


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@QUICK
@given(name=st.text(max_size=40), title=st.text(max_size=20), organisation=st.text(max_size=30))
def test_any_text_is_imported_as_text_or_refused_with_a_problem(name, title, organisation):
    header = ["Name", "Job title", "Organisation", "Cohort", "Sector", "Place"]
    content = csv_bytes([header, [name, title, organisation, "2021-22", "Acute trust", "Hull"]])
    plan, loaded = attempt({"participants.csv": content})
    if plan is None:
        return
    graph, table = loaded  # the plan has validated the graph
    written = table.rows[0].values
    assert Literal(written["name"]) in set(graph.dataset.objects(None, FOAF.name))
    assert Literal(written["job title"]) in set(graph.dataset.objects(None, COP.jobTitle))


CELLS = st.sampled_from(
    [
        "",
        "Ann Example",
        "HIN",
        "Example Hospitals NHS Foundation Trust",
        "EHT",
        "2021-22",
        "mini",
        "Acute trust",
        "Hull",
        "public",
        "hidden",
        "x;y",
        "new",
        "Ann Exampel",
        "<b>",
        "2025-13-01",
        "idea",
        "module",
        "1",
    ]
) | st.text(max_size=8)
HEADERS = st.sampled_from(
    [
        "Name",
        "Job title",
        "Organisation",
        "Cohort",
        "Sector",
        "Place",
        "Visibility",
        "Same as",
        "Community",
        "Status",
        "Session",
        "Type",
        "Story",
        "Themes",
        "Date",
        "Email",
    ]
) | st.text(max_size=6)


@QUICK
@given(
    headers=st.lists(HEADERS, min_size=1, max_size=6),
    rows=st.lists(st.lists(CELLS, max_size=7), max_size=4),
    name=st.sampled_from(["participants.csv", "organisations.csv", "communities.csv", "sessions.csv", "x.csv"]),
)
def test_any_table_is_imported_or_refused_with_problems_and_never_half_written(headers, rows, name):
    plan, loaded = attempt({name: csv_bytes([headers, *rows])})
    if plan is not None:
        assert plan.ok and loaded is not None


def test_an_imported_persons_contact_details_never_reach_their_web_page(tmp_path):
    """E-mail and phone, when a spreadsheet gives them, are kept in the graph but never shown on a page, not even
    to the programme team (imported people are programme-only by default, so the public app never shows them)."""
    from webapp import create_app

    data = real_data(tmp_path / "data")
    clean = TESTS / "data" / "import" / "clean"
    apply_import(plan_import(sorted(clean.glob("*.csv")), data), data)
    app = create_app({"DATA": str(data), "QUERY_WORKERS": 1, "TESTING": True, "AUDIENCE": "programme"})
    try:
        page = app.test_client().get("/id/person/priya-shah")
        assert page.status_code == 200 and b"Priya Shah" in page.data
        assert b"priya.shah@example.org" not in page.data and b"mailto:" not in page.data
    finally:
        app.extensions["copgraph"].workers.close()
