"""A normal (non-editable) install finds the ontology, the data and the example queries wherever it runs."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("copgraph-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_ships_ontology_data_and_queries(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "copgraph/_resources/ontology/copgraph.ttl" in names
    assert "copgraph/_resources/ontology/shapes.ttl" in names
    assert "copgraph/_resources/data/report-2019-20.trig" in names
    assert "copgraph/_resources/data/sources/cop-leadership-programme-2023-24-final-report.txt" in names
    assert any(name.startswith("copgraph/queries/") and name.endswith(".rq") for name in names)


@pytest.mark.slow
def test_an_installed_wheel_runs_from_any_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import copgraph.resources as r, copgraph.cli as c; "
        "assert '_resources' in str(r.data_dir()), r.data_dir(); "
        "c.main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "query", "ASK { community:sel-polypharmacy cop:memberCount 25 }"],
        cwd=elsewhere,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "yes"
