"""Real documents issued by Vietnamese bodies, checked against labels read from their rendered pages.

`../shared/real-documents` (beside the repository; never copied into it) holds 65 documents and
`truth.json`, labelled by reading the pages, not from any tool's output. The whole folder goes
through `kiemchung check` once, as a council would run it (the public trust roots of
`../shared/trust-roots`, an assessment period wide enough for every date), and each file's
report is held to its label:

- the worst failure first: a document a council accepts (`should_zero` false) gets no finding
  that zeroes; one it rejects is zeroed, for one of the reasons the label gives;
- the second worst: a field the tool states (number, symbol, date, issuer, signer) is the one on
  the page; "could not read" (no value) is allowed, a wrong value is not;
- and enough fields are read: the accuracy over the folder stays at or above what it reached.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiemchung.extractors import ocr
from kiemchung.extractors.text import fold
from kiemchung.pipeline.config import Layout
from kiemchung.pipeline.discovery import discover

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FOLDER = SHARED / "real-documents"
PERIOD = '[period]\nyear = 2026\nstart = "2000-01-01"\nend = "2026-12-31"\n'

pytestmark = pytest.mark.skipif(not (FOLDER / "truth.json").exists(), reason="../shared/real-documents is absent")

# The rules that say what each of the labels' reasons says.
REASON_RULES = {
    "unsigned": {"unsigned"},
    "scanned-paper": {"scanned-paper"},
    "number-missing": {"number-missing"},
    "date-missing": {"date-missing"},
    "signature-broken": {"signature-modified", "signature-invalid"},
}
# The period is the label's business, not the file's: a wide one is configured, but a 1990s date stays out.
NOT_ABOUT_THE_FILE = {"date-out-of-period"}
# Fields read right at least this often over the folder, a little under what was reached (2026-12-03:
# born-digital number 30/30, symbol 34/39, date 30/31, issuer 33/35, signer 29/35; scans by OCR: symbol 12/16,
# date 5/18, number 1/16, every real number being handwritten). Scans count only where Tesseract is installed.
FLOORS = {
    ("born-digital", "number"): 0.95,
    ("born-digital", "symbol"): 0.85,
    ("born-digital", "date"): 0.95,
    ("born-digital", "issuer"): 0.9,
    ("born-digital", "signer"): 0.8,
    ("scan", "symbol"): 0.7,
    ("scan", "date"): 0.25,
}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Case:
    label: dict[str, Any]
    report: dict[str, Any] | None  # the evidence entry of report.json

    @property
    def group(self) -> str:
        return "scan" if "scan" in self.label["kind"] else "born-digital"

    def zeroing_rules(self) -> set[str]:
        """The rules that zero the file; a format that cannot carry a PDF signature says "unsigned"."""
        assert self.report is not None
        rules = {f["rule"] for f in self.report["findings"] if f["zeroes"]} - NOT_ABOUT_THE_FILE
        error = self.report["read_error"]
        if "unreadable" in rules and error is not None and error["problem"] == "unsupported":
            rules = rules - {"unreadable"} | {"unsigned"}  # "cần văn bản điện tử PDF có ký số"
        return rules


def _labels() -> list[dict[str, Any]]:
    if not (FOLDER / "truth.json").exists():
        return []
    return list(json.loads((FOLDER / "truth.json").read_text("utf-8"))["files"])


LABELS = _labels()
SOURCES = sorted(folder.name for folder in FOLDER.iterdir() if folder.is_dir()) if FOLDER.is_dir() else []


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    work = tmp_path_factory.mktemp("real-documents")
    config = work / "period.toml"
    config.write_text(PERIOD, "utf-8")
    out = work / "out"
    command = [sys.executable, "-m", "kiemchung", "check", str(FOLDER), "--layout", "batch", "--config", str(config),
               "--out", str(out), "--trust-root", str(SHARED / "trust-roots"), "--no-cache", "--quiet",
               "--format", "json"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode in (0, 1), run.stderr
    tree = json.loads((out / "tree.json").read_text("utf-8"))
    # The folders group files by source: each is a unit (without a table), the files beside them belong to none.
    assert [unit["name"] for unit in tree["units"]] == SOURCES
    assert tree["outside_units"] == ["README.md", "provenance.tsv", "truth.json"]
    evidence: dict[str, dict[str, Any]] = {}
    for path in out.rglob("report.json"):
        report = json.loads(path.read_text("utf-8"))
        for entry in report["evidence"]:
            evidence[_nfc(f"{report['unit']}/{entry['path']}")] = entry
    return {_nfc(label["path"]): Case(label, evidence.get(_nfc(label["path"]))) for label in LABELS}


def _case(cases: dict[str, Case], path: str) -> Case:
    case = cases[_nfc(path)]
    if case.report is None:
        pytest.fail(f"{path}: no report lists it")
    return case


PATHS = [label["path"] for label in LABELS]
ACCEPTED = [label["path"] for label in LABELS if not label["should_zero"]]
REJECTED = [label["path"] for label in LABELS if label["should_zero"]]


def test_the_folder_as_read_without_a_layout() -> None:
    """Read as a new user would (no --layout): the same units, the same files outside them, and a warning
    that says so, instead of one silent unit of every file."""
    tree = discover(FOLDER, Layout.AUTO)
    assert [unit.name for unit in tree.units] == SOURCES
    assert all(unit.self_assessment is None for unit in tree.units)  # a report about the scoring is evidence
    assert sum(len(unit.files) for unit in tree.units) == len(LABELS)
    assert [tree.relative(path) for path in tree.outside] == ["README.md", "provenance.tsv", "truth.json"]
    (warning,) = tree.warnings
    assert "mỗi thư mục con" in warning and "3 tệp ở thư mục gốc không thuộc đơn vị nào" in warning


@pytest.mark.parametrize("path", ACCEPTED)
def test_a_document_the_council_accepts_is_not_zeroed(cases: dict[str, Case], path: str) -> None:
    case = _case(cases, path)
    assert case.zeroing_rules() == set(), [f["message"] for f in case.report["findings"] if f["zeroes"]]  # type: ignore[index]


@pytest.mark.parametrize("path", REJECTED)
def test_a_document_the_council_rejects_is_zeroed_for_a_labelled_reason(cases: dict[str, Case], path: str) -> None:
    case = _case(cases, path)
    expected = set().union(*(REASON_RULES[reason] for reason in case.label["zero_reasons"]))
    assert case.zeroing_rules() & expected, (case.label["zero_reasons"], sorted(case.zeroing_rules()))


def _stated(case: Case, field: str) -> str | None:
    assert case.report is not None
    value = case.report["document"].get(field)
    return str(value) if value else None


def _matches(field: str, stated: str, label: str) -> bool:
    if field == "date":
        return stated == label
    if field == "issuer":  # the label writes "PARENT / BODY"; the body must be in what the tool read
        return fold(label.split(" / ")[-1]) in fold(stated)
    return fold(stated) == fold(label)


def _fields(case: Case) -> Iterator[tuple[str, str]]:
    for field in ("number", "symbol", "date", "issuer", "signer"):
        if case.label.get(field):
            yield field, str(case.label[field])


@pytest.mark.parametrize("path", PATHS)
def test_a_field_the_tool_states_is_the_one_on_the_page(cases: dict[str, Case], path: str) -> None:
    case = _case(cases, path)
    wrong = {field: (stated, label) for field, label in _fields(case)
             if (stated := _stated(case, field)) is not None and not _matches(field, stated, label)}
    assert wrong == {}


def test_enough_fields_are_read(cases: dict[str, Case]) -> None:
    counts: dict[tuple[str, str], list[int]] = {}
    for case in cases.values():
        if case.report is None:
            continue
        for field, label in _fields(case):
            right, total = counts.setdefault((case.group, field), [0, 0])
            stated = _stated(case, field)
            counts[(case.group, field)] = [right + bool(stated and _matches(field, stated, label)), total + 1]
    rates = {key: right / total for key, (right, total) in counts.items()}
    floors = {key: floor for key, floor in FLOORS.items() if key[0] != "scan" or ocr.engine_version()}
    assert {key: rate for key, rate in rates.items() if rate < floors.get(key, 0.0)} == {}, rates
