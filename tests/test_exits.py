"""How a run ends: every exit code of `pipeline.errors.ExitCode` from the real command, Ctrl-C with no
half-written unit folder, a rule that raises, and read errors told apart from write errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import kiemchung.pipeline.reports.html
import kiemchung.pipeline.run
from kiemchung.extractors.models import DocumentFacts
from kiemchung.pipeline.atomic import TEMPORARY_PREFIX, staged_folder, sweep, write_text
from kiemchung.pipeline.cli import main
from kiemchung.pipeline.errors import ExitCode
from kiemchung.pipeline.work import job_for
from kiemchung.validators.model import RuleContext, Verdict
from kiemchung.validators.registry import validate_criterion, validate_document, validate_document_set
from kiemchung.validators.rules.duplicate_document import DuplicateDocument
from kiemchung.validators.rules.number_suffix import NumberSuffix
from kiemchung.validators.rules.vague_explanation import VagueExplanation
from tests.rules.facts import context_from_case, criterion_facts_from_case, documents_from_case

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "samples"
TRUST_ROOT = SAMPLES / "trust" / "test-root.pem"
UNIT = SAMPLES / "batch" / "UBND xã Cao An"
REPORTS = {"report.json", "report.xlsx", "report.docx", "report.html"}


def run_cli(*args: str, code: str = "") -> subprocess.CompletedProcess[str]:
    """The command in a process of its own (`code` runs first, in that process, to break something)."""
    command = f"{code}\nimport sys\nfrom kiemchung.pipeline.cli import main\nsys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", command, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.fixture
def small_unit(tmp_path: Path) -> Path:
    """A unit with one file the tool cannot read: a finding that zeroes its criterion, read in no time."""
    unit = tmp_path / "evidence" / "UBND xã Nhỏ"
    (unit / "1.1").mkdir(parents=True)
    (unit / "1.1" / "ghi chú.txt").write_text("Đã thực hiện đầy đủ.\n", encoding="utf-8")
    return unit


def check_args(evidence: Path, out: Path, *extra: str) -> list[str]:
    caching = [] if "--cache-dir" in extra else ["--no-cache"]
    return ["check", str(evidence), "--year", "2023", "--out", str(out), "--quiet", *caching, *extra]


def leftovers(out: Path) -> list[str]:
    """Temporary files and folders of an interrupted write, anywhere under `out`."""
    return [str(p) for p in out.rglob("*") if p.name.startswith(TEMPORARY_PREFIX) or p.name.endswith(".part")]


# ------------------------------------------------------------------------------------ exit codes


def test_exit_0_when_no_finding_reaches_the_threshold(small_unit: Path, tmp_path: Path) -> None:
    run = run_cli(*check_args(small_unit, tmp_path / "out"))
    assert run.returncode == ExitCode.OK, run.stderr
    assert set(os.listdir(tmp_path / "out" / small_unit.name)) == REPORTS


def test_exit_1_when_a_finding_reaches_the_threshold(small_unit: Path, tmp_path: Path) -> None:
    run = run_cli(*check_args(small_unit, tmp_path / "out", "--fail-on", "zero"))
    assert run.returncode == ExitCode.FINDINGS, run.stderr
    assert "Traceback" not in run.stderr


def test_exit_2_on_wrong_usage(small_unit: Path, tmp_path: Path) -> None:
    run = run_cli("check", str(small_unit), "--out", str(tmp_path / "out"))  # no --year
    assert run.returncode == ExitCode.USAGE and "--year" in run.stderr and "Traceback" not in run.stderr
    assert run_cli("check", "--no-such-option").returncode == ExitCode.USAGE


def test_exit_4_when_the_reports_cannot_be_written(small_unit: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    started = time.monotonic()
    run = run_cli(*check_args(small_unit, blocker / "out"))
    assert run.returncode == ExitCode.OUTPUT, run.stderr
    assert "không ghi được báo cáo" in run.stderr and str(blocker) in run.stderr
    assert "không đọc được" not in run.stderr and "Traceback" not in run.stderr
    assert time.monotonic() - started < 60  # refused before reading any evidence


BUG = """
import kiemchung.pipeline.run
def _broken(*args, **kwargs):
    raise ZeroDivisionError("a bug in scoring")
kiemchung.pipeline.run.assess_unit = _broken
"""


def test_exit_5_on_an_internal_error_with_its_traceback_only_under_verbose(small_unit: Path, tmp_path: Path) -> None:
    run = run_cli(*check_args(small_unit, tmp_path / "out"), code=BUG)
    assert run.returncode == ExitCode.INTERNAL, run.stderr
    assert "Traceback" not in run.stderr
    message = run.stderr.strip().splitlines()[-1]
    assert message.startswith("kiemchung: lỗi nội bộ") and "ZeroDivisionError: a bug in scoring" in message
    assert "--verbose" in message and "quản trị viên" in message
    assert not (tmp_path / "out" / small_unit.name).exists() and leftovers(tmp_path / "out") == []

    verbose = run_cli(*check_args(small_unit, tmp_path / "out", "--verbose"), code=BUG)
    assert verbose.returncode == ExitCode.INTERNAL
    assert "Traceback" in verbose.stderr and "_broken" in verbose.stderr
    assert verbose.stderr.strip().splitlines()[-1] == message


def test_exit_6_when_the_evidence_folder_cannot_be_read(
    small_unit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unlistable(path: Path, layout: Any, work: Any, table: Any) -> None:  # a folder without read permission
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(kiemchung.pipeline.run, "discover", unlistable)
    assert main(check_args(small_unit, tmp_path / "out")) == ExitCode.INPUT
    message = capsys.readouterr().err
    assert "không đọc được thư mục hồ sơ" in message and "Permission denied" in message
    assert "không ghi được" not in message and "Traceback" not in message


def test_an_error_while_reading_is_not_called_a_write_error(
    small_unit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An OSError between discovery and writing (here: the workers cannot start) was once reported as
    "cannot write the reports"; it is an internal error now, and no unit folder is left behind."""

    def no_workers(config: Any) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(kiemchung.pipeline.run, "_executor", no_workers)
    assert main(check_args(small_unit, tmp_path / "out")) == ExitCode.INTERNAL
    message = capsys.readouterr().err
    assert "Too many open files" in message and "không ghi được" not in message
    assert os.listdir(tmp_path / "out") == []


def test_a_file_that_cannot_be_hashed_is_left_to_the_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file gone (or locked) between discovery and hashing must not stop the run: the reader reports it."""
    path = tmp_path / "kế hoạch.pdf"
    path.write_bytes(b"%PDF-1.7\n")

    def vanished(file: Path) -> tuple[int, str]:
        raise FileNotFoundError(2, "No such file or directory", str(file))

    monkeypatch.setattr("kiemchung.pipeline.work.file_sha256", vanished)
    assert job_for(path, table=False).sha256 == ""


# ------------------------------------------------------------------------------------------ Ctrl-C


def test_ctrl_c_stops_the_run_with_130_no_traceback_and_no_partial_unit_folder(tmp_path: Path) -> None:
    """A real SIGINT to the command's whole process group, as a terminal's Ctrl-C sends it, while the
    batch (the generated samples, four times over) is being read and written."""
    evidence = tmp_path / "evidence"
    for copy in range(4):
        for unit in sorted(p for p in (SAMPLES / "batch").iterdir() if p.is_dir()):
            shutil.copytree(unit, evidence / f"{unit.name} ({copy})")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [*check_args(evidence, out, "--jobs", "2", "--trust-root", str(TRUST_ROOT))]
    child = subprocess.Popen(
        [sys.executable, "-m", "kiemchung", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(p.is_dir() and not p.name.startswith(".") for p in out.glob("*")):
            assert child.poll() is None and time.monotonic() < deadline, "no unit was written in time"
            time.sleep(0.05)
        os.killpg(child.pid, signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    assert child.returncode == ExitCode.INTERRUPTED, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "Ctrl-C" in stderr.strip().splitlines()[-1]
    assert leftovers(out) == []
    units = [p for p in out.iterdir() if p.is_dir()]
    assert 0 < len(units) < 12, "interrupted before the end of the batch"
    for unit in units:
        assert set(os.listdir(unit)) == REPORTS, unit
        assert json.loads((unit / "report.json").read_text("utf-8"))["unit"] == unit.name
    assert not (out / "summary.csv").exists()
    _assert_group_gone(child.pid)


def test_ctrl_c_while_reading_in_process_stops_the_run_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --jobs 1 the reading runs in this process, so Ctrl-C arrives in the middle of reading a file."""
    import kiemchung.pipeline.executors

    real, seen = kiemchung.pipeline.executors.perform, []

    def interrupted(job: Any) -> Any:
        seen.append(job)
        if len(seen) == 3:
            raise KeyboardInterrupt
        return real(job)

    monkeypatch.setattr(kiemchung.pipeline.executors, "perform", interrupted)
    out = tmp_path / "out"
    args = check_args(UNIT, out, "--jobs", "1", "--trust-root", str(TRUST_ROOT))
    assert main(args) == ExitCode.INTERRUPTED
    assert len(seen) == 3 and "Ctrl-C" in capsys.readouterr().err
    assert leftovers(out) == [] and not (out / UNIT.name).exists()


def _assert_group_gone(group: int) -> None:
    """Every worker of the run ended with it."""
    deadline = time.monotonic() + 10
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, "a worker outlived the interrupted run"
        time.sleep(0.1)


def test_ctrl_c_while_writing_a_unit_leaves_its_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = check_args(UNIT, out, "--jobs", "1", "--trust-root", str(TRUST_ROOT), "--cache-dir", str(tmp_path / "c"))
    assert main(args) == ExitCode.OK
    before = {name: (out / UNIT.name / name).read_bytes() for name in REPORTS}

    def interrupted(*args: Any, **kwargs: Any) -> None:  # Ctrl-C after report.json, .xlsx and .docx
        raise KeyboardInterrupt

    monkeypatch.setattr(kiemchung.pipeline.reports.html, "write_unit_page", interrupted)
    args += ["--lang", "en"]  # judged and written again (not restored from the cache); the files' facts are cached
    assert main(args) == ExitCode.INTERRUPTED
    assert "Ctrl-C" in capsys.readouterr().err
    assert {name: (out / UNIT.name / name).read_bytes() for name in REPORTS} == before
    assert leftovers(out) == []

    shutil.rmtree(out / UNIT.name)  # a first run stopped the same way leaves no unit folder at all
    assert main(args) == ExitCode.INTERRUPTED
    assert sorted(os.listdir(out)) == ["index.html", "summary.csv", "summary.docx", "summary.xlsx", "tree.json"]


def test_a_unit_folder_is_replaced_as_a_whole(tmp_path: Path) -> None:
    folder = tmp_path / "UBND xã A"
    folder.mkdir()
    (folder / "report.html").write_text("old", encoding="utf-8")  # from a run with --format html
    with staged_folder(folder) as staging:
        write_text(staging / "report.json", "{}")
        assert set(os.listdir(folder)) == {"report.html"}  # nothing new is visible before the end
    assert os.listdir(folder) == ["report.json"]
    with pytest.raises(OSError), staged_folder(folder) as staging:
        write_text(staging / "report.json", "{half")
        raise OSError(28, "No space left on device")
    assert (folder / "report.json").read_text("utf-8") == "{}"
    assert sorted(os.listdir(tmp_path)) == ["UBND xã A"]


def test_what_a_killed_run_left_is_swept(tmp_path: Path) -> None:
    (tmp_path / f"{TEMPORARY_PREFIX}new-123-abcd").mkdir()
    (tmp_path / f"{TEMPORARY_PREFIX}new-123-abcd" / "report.json").write_text("{", encoding="utf-8")
    (tmp_path / f"{TEMPORARY_PREFIX}file-123-ef01").write_text("<html", encoding="utf-8")
    (tmp_path / "UBND xã A").mkdir()
    sweep(tmp_path)
    assert os.listdir(tmp_path) == ["UBND xã A"]


# --------------------------------------------------------------------------------- a rule that raises


def _raising_on(monkeypatch: pytest.MonkeyPatch, rule: type[Any], sha256: str) -> None:
    """Make `rule` raise on the file with this content, as a bug set off by one strange document would."""
    original = rule.check

    def check(self: Any, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if facts.sha256 == sha256:
            raise RuntimeError("unexpected header layout")
        verdict: Verdict = original(self, facts, context)
        return verdict

    monkeypatch.setattr(rule, "check", check)


def _evidence_findings(out: Path) -> dict[str, list[tuple[str, str]]]:
    report = json.loads((out / UNIT.name / "report.json").read_text("utf-8"))
    return {item["path"]: sorted((f["code"], f["outcome"]) for f in item["findings"]) for item in report["evidence"]}


def test_a_rule_that_raises_is_an_internal_error_finding_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--jobs", "1", "--trust-root", str(TRUST_ROOT), "--cache-dir", str(tmp_path / "cache")]
    assert main(check_args(UNIT, tmp_path / "before", *args, "--format", "json")) == ExitCode.OK
    before = _evidence_findings(tmp_path / "before")
    report = json.loads((tmp_path / "before" / UNIT.name / "report.json").read_text("utf-8"))
    victim = next(item for item in report["evidence"] if item["path"].endswith(".pdf") and item["findings"])

    _raising_on(monkeypatch, NumberSuffix, victim["sha256"])
    # Another --format: the unit is judged again (not restored from the cache); the files' facts are cached.
    assert main(check_args(UNIT, tmp_path / "after", *args, "--format", "json,html")) == ExitCode.OK
    after = _evidence_findings(tmp_path / "after")

    expected = sorted([f for f in before[victim["path"]] if f[0] != "KC201"] + [("KC901", "indeterminate")])
    assert after[victim["path"]] == expected  # every other rule still judged the file
    assert {p: f for p, f in after.items() if p != victim["path"]} == {
        p: f for p, f in before.items() if p != victim["path"]
    }
    evidence = json.loads((tmp_path / "after" / UNIT.name / "report.json").read_text("utf-8"))["evidence"]
    item = next(i for i in evidence if i["path"] == victim["path"])
    finding = next(f for f in item["findings"] if f["code"] == "KC901")
    assert finding["rule"] == "internal-error" and not finding["zeroes"] and finding["severity"] == "warning"
    assert "Lỗi nội bộ khi kiểm tra quy tắc KC201" in finding["message"]
    assert finding["detail"] == "RuntimeError: unexpected header layout" and finding["proof"] is None


def test_every_kind_of_rule_that_raises_gives_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Verdict:
        raise ValueError("boom")

    for rule in (NumberSuffix, DuplicateDocument, VagueExplanation):
        monkeypatch.setattr(rule, "check", broken)
    context = context_from_case({})
    documents = documents_from_case(
        {"documents": [{"number": "11"}, {"read_error": {"problem": "corrupt"}}, {"number": "12"}]}
    )

    codes = [f.code for f in validate_document(documents[0].facts, context)]
    assert "KC901" in codes and "KC201" not in codes and "KC203" in codes  # the other rules still judged it

    found = validate_document_set(documents, context)
    internal = [[f for f in findings if f.code == "KC901"] for findings in found]
    assert [len(f) for f in internal] == [1, 0, 1]  # the documents the set rule judges; not the unreadable one
    assert "KC501 (duplicate-document)" in internal[0][0].message

    criterion = validate_criterion(criterion_facts_from_case({"criterion": {}}), context)
    assert [(f.code, f.outcome.value, f.zeroes) for f in criterion if f.code == "KC901"] == [
        ("KC901", "indeterminate", False)
    ]
