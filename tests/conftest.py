"""Shared fixtures: the real graph (loaded once) and a tiny hand-checkable graph in a temporary data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from copgraph import resources
from copgraph.build import load

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def graph():
    """The whole knowledge graph, from the project's curated data."""
    return load()


def make_data_dir(target: Path, *trig_files: Path) -> Path:
    """A data folder with the project's vocabularies and the given report files."""
    shutil.copytree(resources.data_dir() / "vocabularies", target / "vocabularies")
    for path in trig_files:
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def hostile_data(tmp_path_factory) -> Path:
    """A data folder with the mini report plus names, titles and descriptions that contain HTML and script."""
    return make_data_dir(
        tmp_path_factory.mktemp("hostile"), TESTS / "data" / "mini-report.trig", TESTS / "data" / "hostile-report.trig"
    )


@pytest.fixture
def mini_data(tmp_path) -> Path:
    """A data folder holding only the mini report (tests/data/mini-report.trig)."""
    return make_data_dir(tmp_path / "data", TESTS / "data" / "mini-report.trig")


@pytest.fixture
def mini(mini_data):
    """The graph built from the mini report: two people at one trust, two community ideas, one testimony."""
    return load(mini_data)
