"""The house rules: data flows one way, and the library never imports the web app's dependencies."""

import subprocess
import sys

import pytest

LIBRARY = [
    "copgraph",
    "copgraph.build",
    "copgraph.cli",
    "copgraph.lookup",
    "copgraph.sparql",
    "copgraph.stats",
    "copgraph.export",
    "copgraph.network_export",
    "copgraph.privacy",
    "copgraph.forget",
    "copgraph.buildcache",
    "copgraph.validate",
    "copgraph.examples",
]


@pytest.mark.parametrize("module", LIBRARY)
def test_the_library_does_not_import_flask_pyvis_or_the_web_app(module):
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'pyvis', 'webapp'}); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"
