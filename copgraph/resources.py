"""Where the ontology, the curated data and the example queries live.

This is the only module that knows. In a wheel they are package data under ``copgraph/_resources/``; in a
source checkout they are the top-level ``ontology/`` and ``data/`` folders. Nothing depends on the current
directory.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "installed", "ontology_dir", "queries_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _root() -> Path:
    bundled = _PACKAGE / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    return _PACKAGE.parent


def installed() -> bool:
    """Whether the shipped data is part of an installed package (a wheel) rather than a source checkout: then
    it is not for editing, since the next install would undo any change."""
    return _root() != _PACKAGE.parent


def ontology_dir() -> Path:
    """The folder holding ``copgraph.ttl`` (the ontology) and ``shapes.ttl`` (the SHACL shapes)."""
    return _root() / "ontology"


def data_dir() -> Path:
    """The folder holding the curated data: report TriG files, vocabularies and the reports' text."""
    return _root() / "data"


def queries_dir() -> Path:
    """The folder holding the example SPARQL queries (``*.rq``)."""
    return _PACKAGE / "queries"
