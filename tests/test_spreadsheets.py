"""Reading the programme team's spreadsheets: what real CSV and Excel files carry is tolerated, and every problem is
reported with its file, row and column, never as a traceback."""

import csv
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font

from copgraph.curation.spreadsheets import Problem, Row, TableError, canonical, read_tables
from copgraph.errors import CopgraphError

DATA = Path(__file__).resolve().parent / "data" / "tables"


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def rows_of(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The (row number, values) of the only table in a file."""
    [table] = read_tables(path)
    return [(row.number, row.values) for row in table.rows]


def problems_of(path: Path) -> list[str]:
    with pytest.raises(TableError) as caught:
        read_tables(path)
    return [str(problem) for problem in caught.value.problems]


# Headers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("  Job Role ", "job role"),
        ("JOB_ROLE", "job role"),
        ("job-role", "job role"),
        ("Job \u00a0\t Role:", "job role"),
        ("\ufeffName", "name"),
        ("Email address :", "email address"),
        ("Ｏｒｇａｎｉｓａｔｉｏｎ", "organisation"),  # full-width letters, as some input methods type them
        ("Straße", "strasse"),
    ],
)
def test_canonical_folds_case_spacing_underscores_hyphens_bom_and_a_final_colon(header, name):
    assert canonical(header) == name


@given(st.text())
def test_canonical_is_idempotent(header):
    assert canonical(canonical(header)) == canonical(header)


def test_headers_match_whatever_their_case_or_spacing_and_keep_how_they_were_written(tmp_path):
    [table] = read_tables(write(tmp_path, "people.csv", " Full  NAME ,Job_Role:\nZoë Smith,Pharmacist\n"))
    assert table.columns == ["full name", "job role"]
    assert table.headers == {"full name": "Full NAME", "job role": "Job_Role:"}
    assert table.rows[0].values == {"full name": "Zoë Smith", "job role": "Pharmacist"}
    assert table.rows[0].columns == table.headers


def test_blank_header_cells_at_the_end_are_ignored(tmp_path):
    path = write(tmp_path, "people.csv", "Name,Role,,\nZoë,Nurse,,\n")
    assert rows_of(path) == [(2, {"name": "Zoë", "role": "Nurse"})]


def test_a_duplicate_header_is_a_problem_in_row_1_naming_both_columns(tmp_path):
    path = write(tmp_path, "people.csv", "Name,Email,Role, EMAIL:\nZoë,z@example.org,Nurse,zoe@example.org\n")
    assert problems_of(path) == [
        f"{path}, row 1, column 'EMAIL:': Two columns have this header (columns B and D); rename or delete one so "
        "that each column has its own header."
    ]


def test_a_row_with_more_cells_than_headers_is_a_problem_naming_the_row(tmp_path):
    path = write(tmp_path, "people.csv", "Name,Organisation\nZoë,Example Trust\nSmith, Jo,King's\n")
    assert problems_of(path) == [
        f"{path}, row 3: This row has values in columns with no header in row 1: C ('King's'). Add a header for "
        "each, or delete the values. If a value contains a comma, it must be inside double quotes; saving the file "
        "from Excel does that."
    ]


def test_extra_cells_that_are_empty_are_not_a_problem_and_short_rows_are_padded(tmp_path):
    path = write(tmp_path, "people.csv", "Name,Role,Email\nZoë,Nurse,z@example.org,, \nBob\n")
    assert rows_of(path) == [
        (2, {"name": "Zoë", "role": "Nurse", "email": "z@example.org"}),
        (3, {"name": "Bob", "role": "", "email": ""}),
    ]


def test_a_value_under_a_blank_header_in_the_middle_is_a_problem(tmp_path):
    path = write(tmp_path, "people.csv", "Name,,Role\nZoë,,Nurse\nBob,note,Nurse\n")
    assert problems_of(path) == [
        f"{path}, row 3: This row has values in columns with no header in row 1: B ('note'). Add a header for "
        "each, or delete the values. If a value contains a comma, it must be inside double quotes; saving the file "
        "from Excel does that."
    ]


# Encodings -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_csv_in_each_encoding_excel_saves_reads_the_same(tmp_path, encoding):
    text = "Name,Organisation,Note\nZoë Brontë,“St Mary’s”,£50 – paid\n"
    data = text.encode(encoding)
    if encoding in {"utf-16-le", "utf-16-be"}:  # with their byte-order mark, as Excel writes them
        data = ("\ufeff" + text).encode(encoding)
    assert rows_of(write(tmp_path, "people.csv", data)) == [
        (2, {"name": "Zoë Brontë", "organisation": "“St Mary’s”", "note": "£50 – paid"})
    ]


def test_windows_1252_as_saved_by_older_excel():
    assert rows_of(DATA / "organisations-windows-1252.csv") == [
        (
            2,
            {
                "organisation": "South London Trust",
                "contact": "Zoë Brontë",
                "budget": "£1,200",
                "note": "“Great” work – thanks",
            },
        )
    ]


def test_utf_16_tab_delimited_as_saved_by_excel_as_unicode_text():
    assert rows_of(DATA / "sessions-utf-16.csv") == [
        (2, {"session": "Module 1", "date": "2024-03-01", "speaker": "Zoë Smith"})
    ]


def test_a_file_in_no_known_encoding_is_a_problem_saying_how_to_re_save_it(tmp_path):
    # Windows-1252's "ë" (not UTF-8) on line 2; on line 3 a byte that is neither UTF-8 nor Windows-1252.
    path = write(tmp_path, "people.csv", b"Name\nZo\xeb\nBob\x81\n")
    assert problems_of(path) == [
        f"{path}: The file is not text in an encoding that can be read (UTF-8, UTF-16 or Windows-1252); the first "
        "character that cannot be read is on line 3. Open it in Excel and use File > Save As with the type "
        "'CSV UTF-8 (Comma delimited) (*.csv)'."
    ]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("\ufeffName\n".encode("utf-16-le") + b"\x00\xd8", "not text in an encoding that can be read"),
        (b"Name\x00,Role\nZo\x00\n", "contains NUL characters"),
        (b"PK\x03\x04\x14\x00\x00\x00", "This is an Excel workbook with a .csv name"),
    ],
    ids=["utf-16-lone-surrogate", "nul", "workbook-named-csv"],
)
def test_files_that_are_not_text_are_refused_with_a_way_to_fix_them(tmp_path, content, says):
    [problem] = problems_of(write(tmp_path, "people.csv", content))
    assert says in problem
    assert "CSV UTF-8" in problem


# Delimiters and quoting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "note"), [(",", "1;2"), (";", "1,2"), ("\t", "1,2;3")], ids=["comma", "semicolon", "tab"]
)
def test_the_delimiter_is_whichever_the_header_line_uses(tmp_path, delimiter, note):
    text = delimiter.join(["Name", "Organisation", "Note"]) + "\n"
    text += delimiter.join(["Zoë", "\"Guy's, St Thomas'; King's\"", note]) + "\n"
    assert rows_of(write(tmp_path, "people.csv", text)) == [
        (2, {"name": "Zoë", "organisation": "Guy's, St Thomas'; King's", "note": note})
    ]


def test_delimiters_inside_quoted_headers_are_not_counted(tmp_path):
    path = write(tmp_path, "people.csv", '"Name, in full";Organisation\n"Smith, Zoë";"Trust, South"\n')
    assert rows_of(path) == [(2, {"name, in full": "Smith, Zoë", "organisation": "Trust, South"})]


def test_quoted_cells_hold_delimiters_quotes_and_line_breaks(tmp_path):
    path = write(tmp_path, "stories.csv", 'Title,Story\r\n"Less, but better","She said ""yes"".\r\nThen: go"\r\n')
    assert rows_of(path) == [(2, {"title": "Less, but better", "story": 'She said "yes".\nThen: go'})]


def test_a_quote_that_is_never_closed_is_a_problem_naming_its_row(tmp_path):
    path = write(tmp_path, "people.csv", 'Name,Note\nZoë,fine\nBob,"starts here\nAnn,lost\nCy,lost\n')
    assert problems_of(path) == [
        f'{path}, row 3: A cell starting in this row opens a double quote (") that is never closed, so the rest of '
        "the file would be read as that one cell. Add the missing quote, or save the file again from Excel."
    ]


def test_a_cell_too_long_to_be_real_is_a_problem_naming_its_row(tmp_path):
    path = write(tmp_path, "people.csv", 'Name,Note\nZoë,"' + "x" * 200_000 + '"\n')
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}, row 2: This row cannot be read as CSV (")
    assert "a double quote out of place. Check the quotes in this row" in problem


def test_quotes_inside_an_unquoted_cell_are_just_characters(tmp_path):
    path = write(tmp_path, "kit.csv", 'Item,Size\nScreen,24" wide\nBook,"Q" guide\n')
    assert rows_of(path) == [(2, {"item": "Screen", "size": '24" wide'}), (3, {"item": "Book", "size": "Q guide"})]


# Whitespace and blank rows ---------------------------------------------------------------------------------


def test_spaces_are_trimmed_and_runs_collapsed_but_line_breaks_in_a_cell_are_kept(tmp_path):
    text = 'Name\t,\u00a0Note \n \u00a0Zoë \t  Smith\u00a0 ,"  first line  \n\n   second \u00a0  line \n"\n'
    assert rows_of(write(tmp_path, "people.csv", text)) == [
        (2, {"name": "Zoë Smith", "note": "first line\n\nsecond line"})
    ]


def test_blank_lines_and_empty_rows_are_skipped_but_rows_keep_the_numbers_excel_shows(tmp_path):
    text = 'Name,Role\r\n\r\nZoë,Nurse\r\n,\r\n  ,\u00a0\r\n"Bob\nJones",GP\r\nAnn,\r\n\r\n'
    assert rows_of(write(tmp_path, "people.csv", text)) == [
        (3, {"name": "Zoë", "role": "Nurse"}),
        (6, {"name": "Bob\nJones", "role": "GP"}),  # one row in Excel, though two lines in a text editor
        (7, {"name": "Ann", "role": ""}),
    ]


def test_blank_lines_before_the_header_are_counted_as_excel_counts_them(tmp_path):
    [table] = read_tables(write(tmp_path, "people.csv", "\n;;\nName;Role\nZoë;Nurse\n"))
    assert table.columns == ["name", "role"]
    assert [row.number for row in table.rows] == [4]


def test_a_realistic_messy_csv_reads_as_the_exact_rows_expected():
    """Excel with European settings: BOM, semicolons, stray spaces, a blank line, a row of empty cells."""
    path = DATA / "participants-excel-semicolons.csv"
    [table] = read_tables(path)
    assert (table.file, table.sheet) == (str(path), None)
    assert table.columns == ["name", "job role", "organisation", "email address"]
    assert table.headers == {
        "name": "Name",
        "job role": "JOB ROLE",
        "organisation": "organisation",
        "email address": "Email_Address:",
    }
    assert [(row.number, row.values) for row in table.rows] == [
        (
            2,
            {
                "name": "Zoë Smith",
                "job role": "Pharmacist",
                "organisation": "Guy's and St Thomas'; NHS Foundation Trust",
                "email address": "zoe@example.org",
            },
        ),
        (
            4,
            {
                "name": "Bob Jones",
                "job role": "Nurse",
                "organisation": "King's College Hospital\nNHS Foundation Trust",
                "email address": "",
            },
        ),
        (
            6,
            {"name": "Ann Lee", "job role": "", "organisation": "Example Trust", "email address": "ann@example.org"},
        ),
    ]


# Excel workbooks -------------------------------------------------------------------------------------------


def save(workbook: openpyxl.Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def with_cached_values(path: Path, cached: dict[str, str]) -> Path:
    """Store the values Excel would have calculated for formulas (openpyxl writes formulas without them)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for cell, value in cached.items():
        sheet, found = re.subn(rf'(<c r="{cell}"[^>]*><f>[^<]*</f>)<v\s*/>', rf"\g<1><v>{value}</v>", sheet)
        assert found == 1, cell
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_a_merged_cell_applies_to_every_row_it_covers(tmp_path, suffix):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append(["Organisation", "Name"])
    sheet.append(["Example Trust", "Zoë"])
    sheet.append([None, "Bob"])
    sheet.append([None, "Ann"])
    sheet.append(["Other Trust", "Cy"])
    sheet.merge_cells("A2:A4")
    [table] = read_tables(save(workbook, tmp_path / f"people{suffix}"))
    assert table.sheet == "Participants"
    assert [(row.number, row.values) for row in table.rows] == [
        (2, {"organisation": "Example Trust", "name": "Zoë"}),
        (3, {"organisation": "Example Trust", "name": "Bob"}),
        (4, {"organisation": "Example Trust", "name": "Ann"}),
        (5, {"organisation": "Other Trust", "name": "Cy"}),
    ]


def test_numbers_dates_and_booleans_read_as_the_user_sees_them(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Cohort", "Members", "Share", "Sum", "Date", "Starts", "Time", "Length", "Active"])
    starts, length = dt.datetime(2024, 3, 1, 9, 30), dt.timedelta(hours=26, minutes=5)
    sheet.append([12, 12.0, 0.25, 0.1 + 0.2, dt.date(2024, 3, 1), starts, dt.time(14, 5), length, True])
    sheet.append([None, None, None, None, dt.datetime(2024, 3, 2), None, None, None, False])
    assert rows_of(save(workbook, tmp_path / "cohorts.xlsx")) == [
        (
            2,
            {
                "cohort": "12",
                "members": "12",
                "share": "0.25",
                "sum": "0.3",
                "date": "2024-03-01",
                "starts": "2024-03-01T09:30:00",
                "time": "14:05:00",
                "length": "26:05:00",
                "active": "TRUE",
            },
        ),
        (
            3,
            {
                **dict.fromkeys(["cohort", "members", "share", "sum", "starts", "time", "length"], ""),
                "date": "2024-03-02",
                "active": "FALSE",
            },
        ),
    ]


def test_formulas_read_as_the_values_excel_last_calculated(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Sessions", "Hours"])
    sheet.append(["Zoë", 4, "=B2*1.5"])
    path = with_cached_values(save(workbook, tmp_path / "hours.xlsx"), {"C2": "6"})
    assert rows_of(path) == [(2, {"name": "Zoë", "sessions": "4", "hours": "6"})]


def test_a_cell_showing_an_excel_error_is_a_problem_naming_its_row_and_column(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "People"
    sheet.append(["Name", "Organisation"])
    sheet.append(["Zoë", "#REF!"])
    path = save(workbook, tmp_path / "people.xlsx")
    assert problems_of(path) == [
        f"{path}, sheet 'People', row 2, column 'Organisation': The cell shows the Excel error #REF!, from a formula "
        "that cannot be worked out; correct the formula, or replace it with the value it should give."
    ]


def test_one_table_per_visible_sheet_with_a_header_and_hidden_and_empty_sheets_skipped(tmp_path):
    workbook = openpyxl.Workbook()
    people = workbook.active
    people.title = "People"
    people.append([" Name ", "Role"])
    people.append(["Zoë", "Nurse"])
    workbook.create_sheet("Notes")  # empty
    hidden = workbook.create_sheet("Lookups")
    hidden.append(["Code", "Meaning"])
    hidden.sheet_state = "hidden"
    orgs = workbook.create_sheet("Organisations")
    orgs["B3"] = "Organisation"  # a header below the top and right of column A, as users lay sheets out
    orgs["B4"] = "Example Trust"
    orgs["B5"].font = Font(bold=True)  # formatted but empty: not a row
    tables = read_tables(save(workbook, tmp_path / "programme.xlsx"))
    assert [(table.sheet, table.columns) for table in tables] == [
        ("People", ["name", "role"]),
        ("Organisations", ["organisation"]),
    ]
    assert [(row.sheet, row.number, row.values) for row in tables[1].rows] == [
        ("Organisations", 4, {"organisation": "Example Trust"})
    ]


def test_stray_formatting_or_spaces_far_from_the_data_add_no_rows(tmp_path):
    # Visiting every cell up to the last one would mean billions of cells here; only cells with values count.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name"])
    sheet.append(["Zoë"])
    sheet["XFD1048576"].font = Font(bold=True)
    sheet["Z100000"] = "  "
    assert rows_of(save(workbook, tmp_path / "people.xlsx")) == [(2, {"name": "Zoë"})]


def test_problems_in_a_workbook_name_the_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "People"
    workbook.active.append(["Name", "name"])
    path = save(workbook, tmp_path / "people.xlsx")
    assert problems_of(path) == [
        f"{path}, sheet 'People', row 1, column 'name': Two columns have this header (columns A and B); rename or "
        "delete one so that each column has its own header."
    ]


def test_a_workbook_with_nothing_in_any_visible_sheet_is_a_problem(tmp_path):
    path = save(openpyxl.Workbook(), tmp_path / "empty.xlsx")
    assert problems_of(path) == [f"{path}: No visible sheet in this workbook has anything in it."]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"this is not a workbook", "cannot be opened as an Excel workbook"),
        (b"PK\x03\x04" + bytes(40), "cannot be opened as an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40), "protected with a password or in the old Excel 97-2003"),
    ],
    ids=["text", "broken-zip", "ole"],
)
def test_a_corrupt_or_protected_workbook_is_a_problem_not_a_traceback(tmp_path, content, says):
    [problem] = problems_of(write(tmp_path, "people.xlsx", content))
    assert says in problem


def test_a_truncated_workbook_is_a_problem_not_a_traceback(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name"])
    data = (save(workbook, tmp_path / "whole.xlsx")).read_bytes()
    [problem] = problems_of(write(tmp_path, "people.xlsx", data[: len(data) // 2]))
    assert "cannot be opened as an Excel workbook" in problem


# Files that cannot be read --------------------------------------------------------------------------------


def test_what_cannot_be_read_is_a_problem_saying_what_and_where(tmp_path):
    assert problems_of(tmp_path / "missing.csv") == [
        f"{tmp_path / 'missing.csv'}: There is no file here; check the name and the folder."
    ]
    assert problems_of(tmp_path) == [
        f"{tmp_path}: This is a folder, not a file; name the CSV or Excel files in it instead."
    ]
    [problem] = problems_of(write(tmp_path, "people.xls", b"\xd0\xcf\x11\xe0"))
    assert ".xls files cannot be read" in problem and "Excel Workbook (*.xlsx)" in problem
    [problem] = problems_of(write(tmp_path, "people.pdf", b"%PDF-1.7"))
    assert "this file's name ends in '.pdf'" in problem
    for empty in [write(tmp_path, "empty.csv", b""), write(tmp_path, "empty.xlsx", b"")]:
        assert problems_of(empty) == [f"{empty}: The file is empty; it needs a header row and a row for each record."]
    blank = write(tmp_path, "blank.csv", "\ufeff\n ;;\n\n")
    assert problems_of(blank) == [f"{blank}: The file has no header row: every line in it is blank."]


def test_all_problems_in_a_file_are_reported_together_one_per_line(tmp_path):
    path = write(tmp_path, "people.csv", "Name,name,Role\nZoë,x,Nurse,extra\nBob,y,GP,more\n")
    with pytest.raises(CopgraphError) as caught:
        read_tables(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}, row 1, column 'name': Two columns")
    assert [line.split(":")[0] for line in lines[1:]] == [f"{path}, row 2", f"{path}, row 3"]


def test_files_are_only_read(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name"])
    workbook.active.append(["Zoë"])
    paths = [save(workbook, tmp_path / "people.xlsx"), write(tmp_path, "people.csv", "Name\nZoë\n")]
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}
    for path in paths:
        path.chmod(0o444)
        assert rows_of(path) == [(2, {"name": "Zoë"})]
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths} == before
    assert sorted(os.listdir(tmp_path)) == ["people.csv", "people.xlsx"]


# Problems and rows -----------------------------------------------------------------------------------------


def test_a_problem_reads_as_file_sheet_row_column_and_message():
    assert str(Problem("participants.csv", 4, "Organisation", "Give an organisation.")) == (
        "participants.csv, row 4, column 'Organisation': Give an organisation."
    )
    assert str(Problem("people.xlsx", 2, None, "Too short.", sheet="People")) == (
        "people.xlsx, sheet 'People', row 2: Too short."
    )
    assert str(Problem("people.csv", None, None, "Empty.")) == "people.csv: Empty."


def test_a_row_makes_problems_that_name_its_column_as_written():
    row = Row("people.xlsx", "People", 7, {"organisation": ""}, {"organisation": "Organisation:"})
    assert row.problem("organisation", "Give an organisation.") == Problem(
        "people.xlsx", 7, "Organisation:", "Give an organisation.", "People"
    )
    assert str(row.problem(None, "Duplicate.")) == "people.xlsx, sheet 'People', row 7: Duplicate."


# Properties ------------------------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL]
CP1252_LETTERS = "".join(
    char
    for char in (bytes([byte]).decode("cp1252", errors="ignore") for byte in range(0x21, 0x100))
    if char.isprintable() and not char.isspace()
)
WORDS = {
    "cp1252": st.text(CP1252_LETTERS, min_size=1, max_size=6),
    "unicode": st.text(st.characters(exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=6).filter(
        lambda word: not any(char.isspace() for char in word)
    ),
}
SPACES = {"cp1252": " \t\u00a0", "unicode": " \t\u00a0\u2009\u3000"}
HEADERS = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,7}( [A-Za-z0-9]{1,5})?", fullmatch=True)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder for the files hypothesis writes, one example at a time."""
    return tmp_path_factory.mktemp("tables")


@st.composite
def cells(draw, letters: str) -> tuple[str, str]:
    """(clean value, the same value as a spreadsheet might hold it: padded, with runs of spaces and CRLFs)."""
    lines = draw(st.lists(st.lists(WORDS[letters], min_size=1, max_size=3), max_size=2))
    spaces = SPACES[letters]
    messy_lines = []
    for words in lines:
        text = draw(st.text(spaces, max_size=2)) + words[0]
        for word in words[1:]:
            text += draw(st.text(spaces, min_size=1, max_size=3)) + word
        messy_lines.append(text + draw(st.text(spaces, max_size=2)))
    messy = draw(st.sampled_from(["\n", "\r\n"])).join(messy_lines)
    messy = draw(st.sampled_from(["", "\n", " \n"])) + messy + draw(st.sampled_from(["", "\n", "\r\n "]))
    return "\n".join(" ".join(words) for words in lines), messy


@st.composite
def well_formed_csvs(draw) -> tuple[bytes, list[str], list[list[tuple[str, str]]]]:
    encoding = draw(st.sampled_from(ENCODINGS))
    letters = "cp1252" if encoding == "cp1252" else "unicode"
    headers = draw(st.lists(HEADERS, min_size=2, max_size=4, unique_by=str.lower))
    rows = draw(st.lists(st.lists(cells(letters), max_size=len(headers)), max_size=5))
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        quoting=draw(st.sampled_from(QUOTING)),
        lineterminator=draw(st.sampled_from(["\r\n", "\n"])),
    )
    writer.writerow([f" {header}  " for header in headers] + [""] * draw(st.integers(0, 2)))
    writer.writerows([messy for _, messy in row] for row in rows)
    data = out.getvalue().encode(encoding)
    if encoding == "cp1252":  # a Windows-1252 file that is also valid UTF-8 is read as UTF-8, by design
        try:
            assume(data.decode("utf-8") == out.getvalue())
        except UnicodeDecodeError:
            pass
    return data, headers, rows


@settings(max_examples=150, deadline=None)
@given(spreadsheet=well_formed_csvs())
def test_well_formed_csv_values_round_trip_after_trimming(scratch, spreadsheet):
    data, headers, rows = spreadsheet
    [table] = read_tables(write(scratch, "generated.csv", data))
    assert table.columns == [header.lower() for header in headers]
    assert table.headers == {header.lower(): header for header in headers}
    expected = []
    for number, row in enumerate(rows, start=2):
        values = dict.fromkeys(table.columns, "")
        values.update((header.lower(), clean) for header, (clean, _) in zip(headers, row, strict=False))
        if any(values.values()):
            expected.append((number, values))
    assert [(row.number, row.values) for row in table.rows] == expected


def assert_reads_or_reports(path: Path) -> None:
    """read_tables answers tables whose rows are in order and fully keyed, or a TableError; nothing else."""
    try:
        tables = read_tables(path)
    except TableError as error:
        assert error.problems and all(problem.file == str(path) for problem in error.problems)
        return
    for table in tables:
        numbers = [row.number for row in table.rows]
        assert numbers == sorted(set(numbers)) and all(number >= 2 for number in numbers)
        assert all(list(row.values) == table.columns for row in table.rows)


@settings(max_examples=150, deadline=None)
@given(
    encoding=st.sampled_from(ENCODINGS),
    rows=st.lists(st.lists(st.text(max_size=8), max_size=5), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from(QUOTING),
    lineterminator=st.sampled_from(["\r\n", "\n"]),
)
def test_any_csv_shape_is_read_or_reported(scratch, encoding, rows, delimiter, quoting, lineterminator):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator).writerows(rows)
    assert_reads_or_reports(write(scratch, "shape.csv", out.getvalue().encode(encoding, errors="replace")))


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_is_read_or_reported(scratch, text):
    assert_reads_or_reports(write(scratch, "text.csv", text))


@settings(max_examples=150, deadline=None)
@given(
    data=st.one_of(st.binary(max_size=200), st.binary(max_size=200).map(lambda data: b"PK\x03\x04" + data)),
    suffix=st.sampled_from([".csv", ".tsv", ".xlsx"]),
)
def test_any_bytes_are_read_or_reported(scratch, data, suffix):
    assert_reads_or_reports(write(scratch, f"bytes{suffix}", data))


@pytest.fixture(scope="module")
def workbook_bytes(scratch) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Organisation"])
    workbook.active.append(["Zoë", "Example Trust"])
    workbook.active.merge_cells("B2:B3")
    return save(workbook, scratch / "whole.xlsx").read_bytes()


@settings(max_examples=100, deadline=None)
@given(changes=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4))
def test_a_damaged_workbook_is_read_or_reported(scratch, workbook_bytes, changes):
    data = bytearray(workbook_bytes)
    for position, byte in changes:
        data[position % len(data)] = byte
    assert_reads_or_reports(write(scratch, "damaged.xlsx", bytes(data)))
