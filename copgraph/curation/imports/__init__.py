"""Import a new cohort from the programme team's spreadsheets: participants, organisations, communities, sessions
and speakers, and impact stories (the templates are in ``data/templates/``).

:func:`plan_import` reads the files (through :mod:`copgraph.curation.spreadsheets`), resolves every name
against what the graph already holds and checks every value, and returns an :class:`ImportPlan`: what would be
added or changed, entity by entity, and every problem found, each with its file, row and column.
:func:`apply_import` writes the plan, and only a plan without problems: all or nothing.

- **Names.** A person, organisation or community whose name matches one the graph knows, ignoring case, spacing,
  accents, punctuation and known abbreviations (:data:`ABBREVIATIONS`: "HIN", "NHS FT", "ICB" ...), is that
  entity; a different spelling becomes a ``skos:altLabel``. A name that is only close to a known one (or to
  another name in the same import) is a problem, "did you mean ...", until a decision says which it is: the
  row's "Same as" column, or ``decisions`` (``copgraph import --merge NAME=TARGET``), naming the entity or
  ``new``. Nothing is merged, or duplicated, silently; a decided spelling is kept as a ``skos:hiddenLabel``.
- **Values.** Themes, methods, sectors and places must be labels of the vocabularies (``data/vocabularies``);
  an unknown one is a problem with the closest labels suggested. Dates, numbers, visibilities, statuses,
  e-mail addresses and phone numbers are checked. Text is stored as plain text, never interpreted.
- **Provenance.** Each row's facts go in a named graph of their own, ``graph/import/<file>/row-<n>`` (the sheet
  too, for a workbook of several sheets), described in the graph ``graph/import/<file>`` with the file's name,
  the row number and the time of import. The result is one TriG file per spreadsheet,
  ``<data>/import-<file>.trig``, which the build loads like any report file.
- **Privacy.** Every imported person gets a visibility (``cop:visibility``): ``programme`` unless the row's
  "Visibility" says ``public`` or ``hidden``. E-mail addresses and phone numbers are stored only when a column
  gives them.
- **Repeatable.** Importing a file again replaces what the same file imported before; IRIs come from names and
  a row's import time is kept while the row is unchanged, so importing the same file twice changes nothing.
  Before anything is written, the graph as it would be is loaded and validated against the SHACL shapes.

Example
-------
>>> from pathlib import Path
>>> plan = plan_import([Path("participants.csv")], Path("data"))  # doctest: +SKIP
>>> print(plan.describe())  # doctest: +SKIP
participants.csv -> import-participants.trig (a new file)
  add person 'Priya Shah' (person:priya-shah), row 2
      + name: Priya Shah
      + post: Lead Pharmacist at Health Innovation Network South London
      + participant of: 2025-26 cohort
      + visibility: programme
  add cohort '2025-26 cohort' (cohort:2025-26), row 2
      + name: 2025-26 cohort
      + programme: Communities of Practice Leadership Development Programme
      + date: 2025
2 to add, 0 to update, 0 to remove, 0 unchanged.
>>> apply_import(plan, Path("data"))  # doctest: +SKIP
[PosixPath('data/import-participants.trig')]
>>> name_key("King's College Hospital NHS FT")
'kings college hospital nhs foundation trust'
"""

# Tests replace os.fsync and os.replace, through this module, to simulate a full disk and Ctrl-C while writing.
import os  # noqa: F401

from copgraph.curation.imports.plan import Change, ImportPlan
from copgraph.curation.imports.planner import plan_import
from copgraph.curation.imports.resolve import ABBREVIATIONS, name_key, slug
from copgraph.curation.imports.templates import TEMPLATES, VISIBILITIES, Column, Template
from copgraph.curation.imports.write import apply_import

__all__ = [
    "ABBREVIATIONS",
    "TEMPLATES",
    "VISIBILITIES",
    "Change",
    "Column",
    "ImportPlan",
    "Template",
    "apply_import",
    "name_key",
    "plan_import",
    "slug",
]
