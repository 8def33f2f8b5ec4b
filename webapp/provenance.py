"""The reports' own words behind the facts: each report section's lines, and the lines that support a fact.

Every fact a report states lives in the named graph of its section, and the section records its line range in
the report's text (``data/sources/*.txt``, shipped with the package). A fact's supporting lines are those of
its section where the value is written (its label, one of its other names, or the quoted text itself),
matched as :func:`copgraph.graph.lookup.fold` folds names, so case, punctuation and line breaks don't matter.
A fact whose value the section does not spell out (a date, a number written in words) is supported by the
section as a whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from copgraph.graph import KnowledgeGraph
from copgraph.graph.lookup import fold

#: How long an excerpt shown on hover may be, in characters.
EXCERPT = 280

_MARKUP = re.compile(r"\*\*|__|^#+\s*|^\s*[-*]\s+")


def plain(line: str) -> str:
    """A line of the report's text without its Markdown emphasis, heading marks and bullets."""
    return _MARKUP.sub("", line).strip()


@dataclass
class Section:
    """One section of a report: its title, its report, its lines (first and last, counted from 1) and text."""

    iri: str
    title: str
    report: str
    report_label: str
    start: int
    end: int
    lines: list[str] = field(default_factory=list)  # the section's lines, start..end; empty when unreadable
    _folded: str = ""
    _offsets: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        pieces, offset = [], 0
        for line in self.lines:
            folded = fold(line)
            self._offsets.append(offset)
            pieces.append(folded)
            offset += len(folded) + 1
        self._folded = " ".join(pieces)

    def supporting(self, texts: list[str]) -> list[int]:
        """The line numbers where the first of ``texts`` that the section contains is written (a match may run
        over several lines); a long text is also tried by its opening and closing words."""
        for text in texts:
            wanted = fold(text)
            if len(wanted) < 3:
                continue
            tries = [wanted]
            words = wanted.split()
            if len(words) > 12:
                tries += [" ".join(words[:8]), " ".join(words[-8:])]
            for needle in tries:
                at = self._find(needle)
                if at is not None:
                    first = bisect_right(self._offsets, at) - 1
                    last = bisect_right(self._offsets, at + len(needle) - 1) - 1
                    return list(range(self.start + first, self.start + last + 1))
        return []

    def _find(self, needle: str) -> int | None:
        # Whole words only: "ICB" must not be found inside "ICBs" or "SEL" inside "vessel".
        for match in re.finditer(re.escape(needle), self._folded):
            before = self._folded[match.start() - 1] if match.start() else " "
            after = self._folded[match.end()] if match.end() < len(self._folded) else " "
            if before == " " and after == " ":
                return match.start()
        return None

    def excerpt(self, numbers: list[int]) -> str:
        """The text of some of the section's lines, as plain text, cut at :data:`EXCERPT` characters."""
        text = " ".join(plain(self.lines[n - self.start]) for n in numbers if 0 <= n - self.start < len(self.lines))
        text = " ".join(text.split())
        return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rsplit(" ", 1)[0] + "…"


class Reports:
    """Every report section in the graph, with its text read from the data folder."""

    def __init__(self, graph: KnowledgeGraph, data: Path) -> None:
        self.sections: dict[str, Section] = {}
        texts: dict[str, list[str]] = {}
        rows = graph.select(
            """SELECT ?section ?title ?report ?label ?file ?start ?end WHERE {
                 ?section a cop:ReportSection ; dcterms:title ?title ; cop:report ?report ;
                          cop:startLine ?start ; cop:endLine ?end .
                 OPTIONAL { ?report rdfs:label ?name } OPTIONAL { ?report dcterms:title ?title2 }
                 OPTIONAL { ?report cop:sourceFile ?file } BIND(COALESCE(?name, ?title2, "report") AS ?label) }"""
        )
        for section, title, report, label, file, start, end in rows:
            if report not in texts:
                texts[report] = _read(data / file) if file else []
            first, last = int(start), int(end)
            lines = texts[report][first - 1 : last] if len(texts[report]) >= last else []
            self.sections[section] = Section(section, title, report, label, first, last, lines)

    def of_report(self, report: str) -> list[Section]:
        """A report's sections, in the order they are printed."""
        return sorted((s for s in self.sections.values() if s.report == report), key=lambda s: s.start)


def _read(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def parse_lines(text: str, section: Section) -> tuple[set[int], str | None]:
    """The lines a ``lines=`` parameter asks to highlight (``290-292,301``), within the section, or a sentence
    saying what was wrong."""
    wanted: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("-")
        if not (first.isdigit() and (not last or last.isdigit())):
            return set(), (
                f"'{text}' is not a list of lines such as 290-292,301; the section is shown without highlights."
            )
        low, high = int(first), int(last or first)
        if low > high or low < section.start or high > section.end:
            return set(), (
                f"Lines {part} are outside this section (lines {section.start}-{section.end}); "
                "the section is shown without highlights."
            )
        wanted.update(range(low, high + 1))
    return wanted, None


def line_ranges(numbers: list[int]) -> str:
    """Line numbers as a ``lines=`` parameter: ``[290, 291, 292, 301]`` -> ``290-292,301``."""
    parts: list[str] = []
    for n in sorted(set(numbers)):
        if parts and n == int(parts[-1].rsplit("-", 1)[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ",".join(parts)
