"""The house rules: data flows one way (the import contracts in pyproject.toml), only the backends know which
engine holds the graph, and the command line starts without the web app's libraries."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_keep_every_contract_of_the_house():
    program = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([program, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_nothing_outside_the_backends_reaches_into_an_engine():
    reaching = re.compile(r"_inner\b|\bengine\(|\.store\._|isinstance\([^)]*(Oxigraph|Rdflib|SparqlServer)Backend")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("copgraph", "webapp")
        for path in (ROOT / folder).rglob("*.py")
        if "backends" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if reaching.search(line)
    ]
    assert found == []


def test_the_command_line_starts_without_flask_pyvis_or_the_web_app():
    code = (
        "import sys, copgraph.cli; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'pyvis', 'webapp', 'waitress'}); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
