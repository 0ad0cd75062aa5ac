"""One namespace: kiemchung installs as `kiemchung.pipeline`, `kiemchung.validators`, … beside any other
package, PyPI's `validators` (a dev dependency, so installed here) among them.

The folders stay at the top of the repository; `pyproject.toml` maps them into the namespace. These tests
build the wheel that mapping makes and run it from a folder of its own, as a user's install runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("pipeline", "extractors", "validators", "criteria_map", "web")


def test_pyproject_lists_every_package_and_maps_each_folder() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    on_disk = {"kiemchung"} | {
        "kiemchung." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == on_disk
    assert setuptools["package-dir"] == {"kiemchung": "kiemchung"} | {f"kiemchung.{name}": name for name in FOLDERS}


def test_no_module_imports_the_folders_by_their_bare_names() -> None:
    bare = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("kiemchung", *FOLDERS, "tests", "samples", "bench", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if line.lstrip().startswith(tuple(f"{word} {name}" for word in ("import", "from") for name in FOLDERS))
        and line.lstrip().split()[1].split(".")[0] in FOLDERS
    ]
    assert bare == []


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kiemchung built as a wheel and installed (without its dependencies, which this environment has)
    into a folder of its own."""
    source = tmp_path_factory.mktemp("source")  # setuptools builds in the source folder: a copy, not the checkout
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("kiemchung", *FOLDERS):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
        check=True, capture_output=True, timeout=600,
    )
    return target


def run_installed(installed: Path, cwd: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Python code run with the installed wheel first on the path, from a folder that is not the checkout."""
    environment = {**os.environ, "PYTHONPATH": str(installed), "PYTHONSAFEPATH": "1"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=300)


def test_the_wheel_holds_the_five_packages_and_their_data(installed: Path) -> None:
    package = installed / "kiemchung"
    for name in FOLDERS:
        assert (package / name / "__init__.py").is_file()
    assert (package / "pipeline" / "defaults.toml").is_file()
    assert (package / "pipeline" / "schema" / "report.schema.json").is_file()
    assert (package / "pipeline" / "reports" / "templates" / "report.css").is_file()
    assert (package / "criteria_map" / "sample-commune.yaml").is_file()
    assert (package / "criteria_map" / "sample-assignments.csv").is_file()
    assert (package / "web" / "templates" / "web" / "submission.html").is_file()
    assert (package / "web" / "static" / "web" / "style.css").is_file()
    assert (package / "web" / "migrations" / "0001_initial.py").is_file()
    assert not (installed / "validators").exists() and not (installed / "pipeline").exists()


def test_kiemchung_runs_beside_pypi_validators(installed: Path, tmp_path: Path) -> None:
    code = (
        "import json, sys, validators, kiemchung, kiemchung.validators\n"
        "from kiemchung.pipeline.cli import main\n"
        "print(json.dumps({'validators': validators.__file__, 'email': validators.email('a@b.vn') is True,\n"
        "                  'kiemchung': kiemchung.__file__, 'ours': kiemchung.validators.__file__}))\n"
        "sys.stdout.flush()\n"
        "sys.exit(main(['rules']))\n"
    )
    run = run_installed(installed, tmp_path, code)
    assert run.returncode == 0, run.stderr
    first, _, rules = run.stdout.partition("\n")
    where = json.loads(first)
    assert where["email"]  # PyPI's package, not kiemchung's folder of rules
    assert not Path(where["validators"]).is_relative_to(ROOT / "validators")
    assert not Path(where["validators"]).is_relative_to(installed)
    assert Path(where["kiemchung"]).is_relative_to(installed) and Path(where["ours"]).is_relative_to(installed)
    assert "KC101" in rules  # the registry found its rules inside the namespace


def test_the_installed_wheel_checks_a_unit_and_writes_every_report(installed: Path, tmp_path: Path) -> None:
    """The templates, the defaults and the schema are read from the installed package, not the checkout."""
    unit = ROOT / "samples" / "batch"
    out = tmp_path / "out"
    code = (
        "import sys\nfrom kiemchung.pipeline.cli import main\n"
        f"sys.exit(main(['check', {str(next(path for path in sorted(unit.iterdir()) if path.is_dir()))!r}, "
        f"'--year', '2023', '--out', {str(out)!r}, '--no-ocr', '--no-cache', '--jobs', '1', '--quiet']))\n"
    )
    run = run_installed(installed, tmp_path, code)
    assert run.returncode in (0, 1), run.stderr
    written = {path.name for path in out.rglob("*") if path.is_file()}
    assert {"report.html", "report.json", "report.xlsx", "index.html"} <= written
