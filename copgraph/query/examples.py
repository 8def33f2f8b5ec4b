"""The example queries, and reading a query from the command line.

The examples are SPARQL files in ``copgraph/query/example-queries/`` that answer what users ask.

Each file starts with comment lines ``# title: ...`` (one line saying what it answers) and may add
``# description: ...``. ``copgraph examples`` lists them; ``copgraph query NAME`` runs one; the web app
offers them one click away.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from copgraph import files
from copgraph.errors import CopgraphError

__all__ = ["Example", "example_text", "load_examples", "query_text"]

#: An argument made only of these is a name (of an example or a file), never a query: every query has a space,
#: a brace, an angle bracket or a colon.
_ONE_NAME = re.compile(r"[\w.~/\\-]+")


@dataclass(frozen=True)
class Example:
    """One example query: its name (the file's stem), title, description and text."""

    name: str
    title: str
    description: str
    text: str


def load_examples() -> list[Example]:
    """All example queries, sorted by name."""
    found = []
    for path in sorted(files.queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        headers = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            key, _, value = line.lstrip("# ").partition(":")
            headers[key.strip().lower()] = value.strip()
        found.append(Example(path.stem, headers.get("title", path.stem), headers.get("description", ""), text))
    return found


def example_text(name: str) -> str | None:
    """The text of the example query called ``name``, or None if there is none."""
    for example in load_examples():
        if example.name == name:
            return example.text
    return None


def query_text(argument: str) -> str:
    """The query a command-line argument stands for: an example's name, the contents of a file it names (an
    existing file, or a name ending in ``.rq`` or ``.sparql``), or else the query itself, however long."""
    example = example_text(argument)
    if example is not None:
        return example
    if "\n" in argument or len(argument) > 4096:
        return argument
    path = Path(argument)
    try:
        is_file = path.is_file()
    except OSError:  # a name too long for the file system is a query, not a file
        return argument
    if is_file or path.suffix in {".rq", ".sparql"}:
        try:
            return path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CopgraphError(
                f"No query file {argument}: no such file; give a query or the path of a .rq file."
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise CopgraphError(f"The query file {argument} cannot be read: {error}.") from None
    if _ONE_NAME.fullmatch(argument):  # no query is one word of these: it names an example or a file not there
        if path.is_dir():
            raise CopgraphError(f"{argument} is a folder; give a query, the path of a file or an example's name.")
        if "/" in argument or "\\" in argument or path.suffix:
            raise CopgraphError(
                f"No query file {argument}: no such file; give a query, the path of a file or an example's name."
            )
        close = difflib.get_close_matches(argument, [example.name for example in load_examples()], n=1)
        raise CopgraphError(
            f"'{argument}' is neither an example query, a file nor a query."
            + (f" Did you mean '{close[0]}'?" if close else "")
            + " 'copgraph examples' lists the example queries."
        )
    return argument
