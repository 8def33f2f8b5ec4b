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
    assert any(name.startswith("copgraph/query/example-queries/") and name.endswith(".rq") for name in names)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def run_installed(installed: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    """copgraph from the installed wheel, run in ``folder``, with nothing of the source tree in reach."""
    code = (
        "import copgraph.files as r, copgraph.cli as c; "
        "assert '_resources' in str(r.data_dir()), r.data_dir(); "
        "c.main()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=folder,
        env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin", "COPGRAPH_CACHE": "off"},
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
def test_an_installed_wheel_runs_from_any_folder(installed, tmp_path):
    result = run_installed(installed, tmp_path, "query", "ASK { community:sel-polypharmacy cop:memberCount 25 }")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "yes"


@pytest.mark.slow
def test_an_installed_copgraph_changes_only_a_data_folder_of_your_own(installed, tmp_path):
    for command in (["forget", "Phil Southworth", "--yes"], ["import", "participants.csv"]):
        refused = run_installed(installed, tmp_path, *command)
        assert refused.returncode == 2
        assert "part of its installation" in refused.stderr and "copgraph init ./data" in refused.stderr
    made = run_installed(installed, tmp_path, "init", "data")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "data" / "report-2019-20.trig").is_file()
    assert (tmp_path / "data" / "templates" / "participants.csv").is_file()
    dry_run = run_installed(installed, tmp_path, "--data", "data", "forget", "Phil Southworth", "--dry-run")
    assert dry_run.returncode == 0, dry_run.stderr
    assert "data/report-2019-20.trig" in dry_run.stdout
    again = run_installed(installed, tmp_path, "init", "data")
    assert again.returncode == 2 and "already exists" in again.stderr
