"""The example queries: SPARQL files in ``copgraph/queries/`` that answer what users ask.

Each file starts with comment lines ``# title: ...`` (one line saying what it answers) and may add
``# description: ...``. ``copgraph examples`` lists them; ``copgraph query NAME`` runs one; the web app
offers them one click away.
"""

from __future__ import annotations

from dataclasses import dataclass

from copgraph import files

__all__ = ["Example", "example_text", "load_examples"]


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
