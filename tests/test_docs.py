"""Every setting and every command is documented in the README, where users look first; every example in the
library's documentation runs and shows what it says."""

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import copgraph
import webapp
from copgraph.cli import cli
from webapp import DEFAULTS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", sorted(DEFAULTS))
def test_every_web_app_setting_is_in_the_readme(setting):
    assert f"COPGRAPH_{setting}" in README


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_readme(command):
    # "copgraph build" or, with global options first, "copgraph --store oxigraph:./q.db build"
    assert re.search(rf"copgraph(?: --[a-z]+ \S+)* {command}\b", README), command


@pytest.mark.parametrize("option", ["--store", "--include", "--data"])
def test_every_global_option_is_in_the_readme(option):
    assert option in README


def _modules() -> list[str]:
    return sorted(
        module.name
        for package in (copgraph, webapp)
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    )


@pytest.mark.parametrize("name", _modules())
def test_every_example_in_a_docstring_runs_as_shown(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} went wrong (see above)"
