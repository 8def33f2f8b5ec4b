"""Read the programme team's spreadsheets (CSV or Excel) into clean rows, and report every problem by file, row, column.

This layer knows nothing of RDF or the graph: it turns a file into :class:`Table` objects whose rows map each
column's canonical name (see :func:`canonical`) to its cleaned text, and it tolerates what real spreadsheets
carry:

- CSV in UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or Windows-1252 (what
  older Excel saves, with its "Zoë", "£" and curly quotes); delimited by ``,`` ``;`` or tab, whichever the
  header line uses; quoted cells may hold delimiters and line breaks.
- Excel workbooks (``.xlsx``, ``.xlsm``): one table per visible sheet that has anything in it; a merged
  cell's value fills every cell it covers; whole numbers read as ``12``, dates as ``2024-03-01``, formulas
  as the value Excel last calculated.
- Spaces, non-breaking spaces and tabs round a value are dropped and runs inside it become one space; line
  breaks inside a cell are kept. Headers match whatever their case or spacing. Blank rows are skipped, but
  every row keeps the number the user sees in Excel (the header row being row 1 when it is the first line).

Anything wrong (an unreadable file, a duplicate header, a value in a column with no header, an Excel error
such as ``#REF!``) is collected as a :class:`Problem`, and all of them are raised together as one
:class:`TableError`. Files are only ever read.

Example
-------
``participants.csv``, saved by Excel with semicolons::

    Name;Job Role ;Organisation
    Zoë Smith;Pharmacist;Example Hospitals NHS Foundation Trust

reads as

>>> [table] = read_tables(Path("participants.csv"))  # doctest: +SKIP
>>> table.columns  # doctest: +SKIP
['name', 'job role', 'organisation']
>>> table.rows[0].number, table.rows[0].values["job role"]  # doctest: +SKIP
(2, 'Pharmacist')
>>> canonical("  Job_Role: ")
'job role'
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from copgraph.errors import CopgraphError

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["CSV_SUFFIXES", "EXCEL_SUFFIXES", "Problem", "Row", "Table", "TableError", "canonical", "read_tables"]

#: File name endings read as delimited text.
CSV_SUFFIXES = (".csv", ".tsv")
#: File name endings read as Excel workbooks.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

_DELIMITERS = (",", ";", "\t")  # in order of preference when the header line has as many of one as another
_DELIMITER_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab"}
_SAVE_AS_CSV = "Open it in Excel and use File > Save As with the type 'CSV UTF-8 (Comma delimited) (*.csv)'."
_SEPARATORS = re.compile(r"[\s_\-\u2010\u2011]+")  # whitespace, underscores and hyphens (incl. Unicode hyphens)
_HEADER_TEXT = re.compile(r'[^\s,;"]')  # the first character of the header: not space, delimiter or quote
_NO_HEADER = "The file has no header row: every line in it is blank."
_SHOWN = 40  # longest value quoted in full in a message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spreadsheet and where it is.

    ``row`` is the row number the user sees (in Excel, or the line in a text editor when no cell holds a line
    break), ``column`` the header as written in the file, ``sheet`` the worksheet of a workbook; each is
    ``None`` when the problem is with the file, the row or the sheet as a whole.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class TableError(CopgraphError):
    """A spreadsheet cannot be read as it stands; ``problems`` says each thing wrong, and ``str()`` lists them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


@dataclass(frozen=True)
class Row:
    """One row of data: ``values`` maps each column's canonical name to its cleaned text ("" when empty)."""

    file: str
    sheet: str | None
    number: int
    values: dict[str, str]
    columns: dict[str, str]  # canonical name -> header as written

    def problem(self, column: str | None, message: str) -> Problem:
        """A :class:`Problem` in this row, in the column with that canonical name (or the row as a whole)."""
        written = None if column is None else self.columns.get(column, column)
        return Problem(self.file, self.number, written, message, self.sheet)


@dataclass(frozen=True)
class Table:
    """The rows of one CSV file or one worksheet, under its header row."""

    file: str
    sheet: str | None
    columns: list[str]  # canonical names, in file order
    headers: dict[str, str]  # canonical name -> header as written
    rows: list[Row]


def canonical(header: str) -> str:
    """The name a header is matched by: case, spacing, underscores, hyphens, a byte-order mark and a final ':' folded.

    >>> canonical("\\ufeff  Job_Role: ")
    'job role'
    >>> canonical("E-mail  Address")
    'e mail address'
    """
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "")
    text = unicodedata.normalize("NFKC", text.casefold())
    return _SEPARATORS.sub(" ", text).strip(" :")


def read_tables(path: Path) -> list[Table]:
    """One :class:`Table` per CSV file, or per visible non-empty worksheet of an Excel workbook.

    Raises :class:`TableError` listing every problem found, with its file, row and column.
    """
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if not path.exists():
        _fail(name, "There is no file here; check the name and the folder.")
    if path.is_dir():
        _fail(name, "This is a folder, not a file; name the CSV or Excel files in it instead.")
    if suffix not in CSV_SUFFIXES + EXCEL_SUFFIXES:
        _fail(name, _unknown_suffix(suffix))
    try:
        data = path.read_bytes()
    except OSError as error:
        _fail(name, f"The file cannot be read ({error.strerror or error}); check that you may open it.")
    if not data.strip():
        _fail(name, "The file is empty; it needs a header row and a row for each record.")
    if suffix in EXCEL_SUFFIXES:
        return _read_workbook(name, data)
    return _read_csv(name, data)


def _fail(file: str, message: str, row: int | None = None) -> NoReturn:
    raise TableError([Problem(file, row, None, message)])


def _unknown_suffix(suffix: str) -> str:
    readable = ", ".join(CSV_SUFFIXES + EXCEL_SUFFIXES)
    if suffix in {".xls", ".ods", ".numbers"}:
        return (
            f"{suffix} files cannot be read, only {readable}. Open it in your spreadsheet program and save it as "
            "'Excel Workbook (*.xlsx)' or 'CSV UTF-8 (Comma delimited) (*.csv)'."
        )
    return (
        f"Only {readable} files can be read, and this file's name ends in '{suffix or '(nothing)'}'. Save it from "
        "your spreadsheet program as 'Excel Workbook (*.xlsx)' or 'CSV UTF-8 (Comma delimited) (*.csv)'."
    )


# CSV ------------------------------------------------------------------------------------------------------


def _read_csv(name: str, data: bytes) -> list[Table]:
    text = _decode(name, data)
    if _HEADER_TEXT.search(text) is None:
        _fail(name, _NO_HEADER)
    delimiter = _detect_delimiter(text)
    unclosed = _unclosed_quote(text, delimiter)
    if unclosed is not None:
        _fail(
            name,
            'A cell starting in this row opens a double quote (") that is never closed, so the rest of the file '
            "would be read as that one cell. Add the missing quote, or save the file again from Excel.",
            unclosed,
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, [_clean(cell) for cell in record]))
    except csv.Error as error:
        _fail(
            name,
            f"This row cannot be read as CSV ({error}), which usually means a double quote out of place. Check the "
            "quotes in this row, or save the file again from Excel.",
            len(records) + 1,
        )
    table, problems = _build_table(name, None, records, delimiter=delimiter)
    if table is None:
        _fail(name, _NO_HEADER)
    if problems:
        raise TableError(problems)
    return [table]


def _decode(name: str, data: bytes) -> str:
    """The file's text, decoded strictly; an encoding is only guessed where a wrong guess would fail loudly."""
    if data.startswith(b"PK\x03\x04"):
        _fail(name, "This is an Excel workbook with a .csv name. Rename it to end in .xlsx, or " + _SAVE_AS_CSV)
    # UTF-32's byte-order marks begin with UTF-16's, so they are tried first.
    marks = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")]
    marks += [(codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
    encodings = [encoding for mark, encoding in marks if data.startswith(mark)][:1] or ["utf-8-sig", "cp1252"]
    text = None
    line = 1  # where decoding failed; the file's true encoding reads furthest, so the latest failure is the clue
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as error:
            line = max(line, data[: error.start].decode(encoding, errors="replace").count("\n") + 1)
    if text is None:
        _fail(
            name,
            "The file is not text in an encoding that can be read (UTF-8, UTF-16 or Windows-1252); the first "
            f"character that cannot be read is on line {line}. {_SAVE_AS_CSV}",
        )
    if "\x00" in text:
        _fail(
            name,
            "The file contains NUL characters, so it is not plain text (it may be another kind of file with a "
            f".csv name). {_SAVE_AS_CSV}",
        )
    return text


def _detect_delimiter(text: str) -> str:
    """The candidate delimiter found most often outside quotes in the first line with any text (the header)."""
    first = _HEADER_TEXT.search(text)
    if first is None:
        return ","
    start = max(text.rfind("\n", 0, first.start()), text.rfind("\r", 0, first.start())) + 1
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in text[start:]:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char in "\r\n":
                break
            if char in counts:
                counts[char] += 1
    best = max(_DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","


def _unclosed_quote(text: str, delimiter: str) -> int | None:
    """The row in which a quoted cell opens and never closes, following the csv module's own rules."""
    if '"' not in text:
        return None
    row, state, opened = 1, "start", 0
    previous = ""
    for char in text:
        newline = char == "\r" or (char == "\n" and previous != "\r")
        if state == "quoted":
            if char == '"':
                state = "quote in quoted"
        elif state == "quote in quoted" and char == '"':
            state = "quoted"
        elif char == delimiter:
            state = "start"
        elif char in "\r\n":
            row += newline
            state = "start"
        elif state == "start" and char == '"':
            state, opened = "quoted", row
        elif state != "start" or char != " ":  # skipinitialspace: spaces before a cell's opening quote are ignored
            state = "field"
        previous = char
    return opened if state == "quoted" else None


# Excel ----------------------------------------------------------------------------------------------------


def _read_workbook(name: str, data: bytes) -> list[Table]:
    import openpyxl  # only workbooks need it, so reading CSV and starting the command line stay quick

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        _fail(
            name,
            "This workbook is either protected with a password or in the old Excel 97-2003 format. Remove the "
            "password (File > Info > Protect Workbook), or save it as 'Excel Workbook (*.xlsx)'.",
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops on reading (data validation, conditional formatting, ...);
            # they do not change any cell's value.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception:  # a damaged file fails anywhere in zipfile, the XML parser or openpyxl; all mean the same
        _fail(
            name,
            "The file cannot be opened as an Excel workbook: it is damaged or is not really an .xlsx file. Open it "
            "in Excel and save it again as 'Excel Workbook (*.xlsx)' or as 'CSV UTF-8 (Comma delimited) (*.csv)'.",
        )
    tables: list[Table] = []
    problems: list[Problem] = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        records, errors = _sheet_records(sheet)
        table, found = _build_table(name, sheet.title, records, errors=errors)
        problems += found
        if table is not None:
            tables.append(table)
    if not tables and not problems:
        problems.append(Problem(name, None, None, "No visible sheet in this workbook has anything in it."))
    if problems:
        raise TableError(problems)
    return tables


def _sheet_records(sheet: Worksheet) -> tuple[list[tuple[int, list[str]]], dict[tuple[int, int], str]]:
    """The rows that hold anything, as cleaned cells with merged ranges filled in; and the cells showing an Excel
    error such as #REF!, by (row, column index)."""
    # Only the cells the file holds are visited: openpyxl keeps them in _cells, and going through the sheet's
    # whole extent instead would create millions of empty cells when one stray cell sits far down or across.
    held = {position: cell for position, cell in sheet._cells.items() if _cell_text(cell.value)}
    if not held:
        return [], {}
    last_row = max(row for row, _ in held)
    last_column = max(column for _, column in held)
    for area in sheet.merged_cells.ranges:
        top_left = held.get((area.min_row, area.min_col))
        if top_left is None:
            continue
        for row in range(area.min_row, min(area.max_row, last_row) + 1):
            for column in range(area.min_col, min(area.max_col, last_column) + 1):
                held[row, column] = top_left
    by_row: dict[int, dict[int, str]] = {}
    errors = {}
    for (row, column), cell in held.items():
        by_row.setdefault(row, {})[column - 1] = text = _cell_text(cell.value)
        if cell.data_type == "e":
            errors[row, column - 1] = text
    records = [
        (row, [cells.get(index, "") for index in range(max(cells) + 1)]) for row, cells in sorted(by_row.items())
    ]
    return records, errors


def _cell_text(value: object) -> str:
    """A cell's value as the text the user sees, with numbers and dates in a stable form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits; more would show binary noise such as 0.30000000000000004.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(round(value.total_seconds()), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return _clean(str(value))


# Both -----------------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Trim each line and collapse its runs of whitespace to one space; keep line breaks between lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip("\n")


def _letter(index: int) -> str:
    """The spreadsheet letter of a column counted from 0: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return f"'{value}'" if len(value) <= _SHOWN else f"'{value[: _SHOWN - 1]}…'"


def _build_table(
    file: str,
    sheet: str | None,
    records: Iterable[tuple[int, list[str]]],
    *,
    delimiter: str | None = None,
    errors: dict[tuple[int, int], str] | None = None,
) -> tuple[Table | None, list[Problem]]:
    """The table under the first non-blank row (the header), or None when every row is blank; and its problems."""
    errors = errors or {}
    problems: list[Problem] = []
    records = iter(records)
    header = next(((number, cells) for number, cells in records if any(cells)), None)
    if header is None:
        return None, problems
    header_row, header_cells = header
    headers: dict[str, str] = {}
    position: dict[int, str] = {}  # column index -> canonical name
    first: dict[str, int] = {}
    duplicated: set[int] = set()  # columns whose header repeats an earlier one: reported once, in the header row
    for index, cell in enumerate(header_cells):
        written = " ".join(cell.replace("\ufeff", "").split())
        key = canonical(written)
        if not key:
            continue
        if key in first:
            duplicated.add(index)
            problems.append(
                Problem(
                    file,
                    header_row,
                    written,
                    f"Two columns have this header (columns {_letter(first[key])} and {_letter(index)}); rename or "
                    "delete one so that each column has its own header.",
                    sheet,
                )
            )
            continue
        first[key] = index
        position[index] = key
        headers[key] = written
    columns = list(headers)
    rows: list[Row] = []
    for number, cells in records:
        if not any(cells):
            continue
        values = dict.fromkeys(columns, "")
        stray = []
        for index, cell in enumerate(cells):
            if index in position:
                values[position[index]] = cell
                if (number, index) in errors:
                    problems.append(
                        Problem(
                            file,
                            number,
                            headers[position[index]],
                            f"The cell shows the Excel error {errors[number, index]}, from a formula that cannot be "
                            "worked out; correct the formula, or replace it with the value it should give.",
                            sheet,
                        )
                    )
            elif cell and index not in duplicated:
                stray.append(f"{_letter(index)} ({_shown(cell)})")
        if stray:
            message = (
                f"This row has values in columns with no header in row {header_row}: {', '.join(stray)}. Add a "
                "header for each, or delete the values."
            )
            if delimiter is not None:
                message += (
                    f" If a value contains {_DELIMITER_NAMES[delimiter]}, it must be inside double quotes; saving "
                    "the file from Excel does that."
                )
            problems.append(Problem(file, number, None, message, sheet))
        rows.append(Row(file, sheet, number, values, dict(headers)))
    return Table(file, sheet, columns, headers, rows), problems
