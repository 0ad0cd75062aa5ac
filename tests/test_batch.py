"""`kiemchung check` at batch scale: parallel reading, the result cache, time limits and progress.

The runs work on a copy of the bundled samples (one unit for the slower cases) with their own cache
folder, so nothing here depends on what an earlier test left behind.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kiemchung.pipeline.executors
import kiemchung.pipeline.run
from kiemchung.extractors.models import DocumentFacts
from kiemchung.pipeline.cache import CACHE_FILE
from kiemchung.pipeline.cli import main
from kiemchung.pipeline.config import load_config
from kiemchung.pipeline.errors import ExitCode, UsageError
from kiemchung.pipeline.progress import Progress
from kiemchung.pipeline.run import RunResult, Target, check_together
from kiemchung.pipeline.work import Facts, ReadJob, perform

SAMPLES = Path(__file__).parent.parent / "samples"
ROOT = SAMPLES / "trust" / "test-root.pem"
UNITS = sorted(path.name for path in (SAMPLES / "batch").iterdir() if path.is_dir())


def check(evidence: Path, out: Path, cache: Path | None, *extra: str) -> int:
    caching = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    args = ["check", str(evidence), "--year", "2023", "--out", str(out), "--trust-root", str(ROOT), "--quiet"]
    return main([*args, *caching, "--jobs", "2", *extra])


def reports(out: Path) -> dict[str, Any]:
    """Every report file under `out` by relative path: its bytes, or a workbook's cell values (an
    .xlsx also records when it was written)."""
    found: dict[str, Any] = {}
    for path in sorted(out.rglob("*")):
        if path.suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path)
            found[str(path.relative_to(out))] = [list(sheet.values) for sheet in workbook.worksheets]
        elif path.is_file():
            found[str(path.relative_to(out))] = path.read_bytes()
    return found


def findings(out: Path, unit: str) -> dict[str, list[tuple[str, str]]]:
    """File -> [(rule code, outcome)] from a unit's report.json."""
    report = json.loads((out / unit / "report.json").read_text("utf-8"))
    return {
        item["path"]: sorted((finding["code"], finding["outcome"]) for finding in item["findings"])
        for item in report["evidence"]
    }


class Recorder:
    """Stands in for `pipeline.run._executor`, recording which files each run had to read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read: list[Path] = []
        original = kiemchung.pipeline.run._executor

        def executor(config: Any) -> Any:
            real = original(config)
            recorder = self

            class Recording:
                def run(self, jobs: Sequence[ReadJob]) -> Iterator[tuple[ReadJob, Facts]]:
                    recorder.read += [job.path for job in jobs]
                    yield from real.run(jobs)

                def close(self) -> None:
                    real.close()

            return Recording()

        monkeypatch.setattr(kiemchung.pipeline.run, "_executor", executor)


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The samples copied, run once cold: evidence, reports and cache folders."""
    base = tmp_path_factory.mktemp("batch")
    evidence = base / "evidence"
    shutil.copytree(SAMPLES / "batch", evidence)
    assert check(evidence, base / "cold", base / "cache") == ExitCode.OK
    return {"evidence": evidence, "out": base / "cold", "cache": base / "cache"}


def test_warm_run_reads_nothing_and_writes_the_same_reports(
    cold: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(monkeypatch)
    assert check(cold["evidence"], tmp_path / "warm", cold["cache"]) == ExitCode.OK
    assert recorder.read == []
    assert reports(tmp_path / "warm") == reports(cold["out"])


def test_uncached_run_in_process_gives_the_same_reports(
    cold: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--jobs 1` starts no worker and reads every file in this process, where a debugger sees it; the
    reports are the parallel run's, byte for byte, and a warning says the time limit is not enforced."""
    readers: set[int] = set()
    real = kiemchung.pipeline.executors.perform

    def traced(job: ReadJob) -> Facts:
        readers.add(os.getpid())
        return real(job)

    def no_workers(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("--jobs 1 must not start worker processes")

    monkeypatch.setattr(kiemchung.pipeline.executors, "perform", traced)
    monkeypatch.setattr(kiemchung.pipeline.executors, "WorkerPool", no_workers)
    assert check(cold["evidence"], tmp_path / "plain", None, "--jobs", "1", "--timeout", "30") == ExitCode.OK
    assert readers == {os.getpid()}
    assert reports(tmp_path / "plain") == reports(cold["out"])
    assert "--jobs 1" in (warning := capsys.readouterr().err) and "30 giây" in warning and "not enforced" in warning


def test_trees_checked_together_get_their_own_reports_progress_and_failure(
    cold: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several trees in one run (as the web service checks its queue): one pool of readers for them all; each
    tree's reports in its own folder, as a run on it alone writes them (here: as the batch run wrote each
    unit's), each told its own progress; a tree with nothing to check fails alone, before any file is read."""
    pools: list[Any] = []
    original = kiemchung.pipeline.run._executor
    monkeypatch.setattr(kiemchung.pipeline.run, "_executor", lambda config: pools.append(config) or original(config))
    told: dict[str, list[tuple[int, int]]] = {name: [] for name in UNITS}
    targets = [
        Target(
            cold["evidence"] / name,
            tmp_path / "out" / name,
            on_progress=lambda done, total, name=name: told[name].append((done, total)),
        )
        for name in UNITS
    ]
    (tmp_path / "empty").mkdir()
    targets.insert(1, Target(tmp_path / "empty", tmp_path / "out" / "empty"))
    config = load_config(year=2023, trust_roots=(ROOT,), no_cache=True, jobs=2)

    outcomes = list(check_together(targets, config, progress="quiet"))

    assert [target for target, _ in outcomes] == [targets[1], targets[0], *targets[2:]]
    assert isinstance(outcomes[0][1], UsageError) and "empty" in str(outcomes[0][1])
    assert len(pools) == 1
    for target, result in outcomes[1:]:
        name = target.path.name
        assert isinstance(result, RunResult) and [unit.unit for unit in result.units] == [name]
        assert (target.out_dir / name / "report.json").read_bytes() == (cold["out"] / name / "report.json").read_bytes()
        assert (target.out_dir / "summary.csv").is_file() and (target.out_dir / "tree.json").is_file()
        files = sum(1 for path in target.path.rglob("*") if path.is_file())
        assert told[name][0] == (0, files) and told[name][-1] == (files, files)


def test_changed_file_is_read_again_and_only_it(
    cold: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(cold["evidence"], evidence)
    pdfs = sorted((evidence / UNITS[0]).rglob("*.pdf"))
    changed = pdfs[0]
    changed.write_bytes(b"%PDF-1.7\n% not a document any more\n")
    recorder = Recorder(monkeypatch)
    check(evidence, tmp_path / "out", cold["cache"])
    assert recorder.read == [changed]
    relative = unicodedata.normalize("NFC", changed.relative_to(evidence / UNITS[0]).as_posix())
    assert ("KC101", "failed") in findings(tmp_path / "out", UNITS[0])[relative]
    # The other units' reports are the cold run's, byte for byte.
    for unit in UNITS[1:]:
        assert (tmp_path / "out" / unit / "report.json").read_bytes() == (
            cold["out"] / unit / "report.json"
        ).read_bytes()


def test_deleting_or_damaging_the_cache_is_safe(cold: dict[str, Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(cold["cache"], cache)
    (cache / CACHE_FILE).write_bytes(b"this is not an SQLite database" * 100)
    for name in list(cache.iterdir()):
        if name.name != CACHE_FILE:
            name.unlink()  # the WAL files of the copied database
    assert check(cold["evidence"], tmp_path / "damaged", cache) == ExitCode.OK
    assert reports(tmp_path / "damaged") == reports(cold["out"])
    shutil.rmtree(cache)
    assert check(cold["evidence"], tmp_path / "deleted", cache) == ExitCode.OK
    assert reports(tmp_path / "deleted") == reports(cold["out"])
    with sqlite3.connect(cache / CACHE_FILE) as db:  # recreated and filled
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] > 0


def slow_perform(job: ReadJob) -> Facts:
    """`perform`, except that one file hangs."""
    if job.path.name.startswith("hang-"):
        time.sleep(120)
    return perform(job)


def test_hanging_file_gets_a_finding_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "batch" / UNITS[2], evidence / UNITS[2])
    pdfs = sorted((evidence / UNITS[2]).rglob("*.pdf"))
    contents = [path.read_bytes() for path in pdfs]
    first = next(path for path, content in zip(pdfs, contents, strict=True) if contents.count(content) == 1)
    hanging = [first.rename(first.with_name(f"hang-{first.name}"))]  # unique content: no copy's facts stand in
    monkeypatch.setattr(kiemchung.pipeline.executors, "perform", slow_perform)  # forked workers inherit it
    started = time.monotonic()
    check(evidence, tmp_path / "out", tmp_path / "cache", "--timeout", "2")
    assert time.monotonic() - started < 60
    results = findings(tmp_path / "out", UNITS[2])
    relative = unicodedata.normalize("NFC", hanging[0].relative_to(evidence / UNITS[2]).as_posix())
    assert ("KC101", "indeterminate") in results[relative]
    assert sum(("KC101", "indeterminate") in found for found in results.values()) == len(hanging)
    # A time-out is not remembered: the next run (without the hang) reads that file again.
    monkeypatch.setattr(kiemchung.pipeline.executors, "perform", perform)
    recorder = Recorder(monkeypatch)
    check(evidence, tmp_path / "again", tmp_path / "cache")
    assert sorted(recorder.read) == sorted(hanging)
    assert ("KC101", "indeterminate") not in findings(tmp_path / "again", UNITS[2])[relative]


def test_progress_lines_bar_and_quiet() -> None:
    lines, bar = io.StringIO(), io.StringIO()
    for stream, mode in ((lines, "lines"), (bar, "bar")):
        progress = Progress(3, mode, stream)
        progress.unit("UBND xã Cao An")
        for _ in range(3):
            progress.advance(cached=True)
        progress.close()
    assert lines.getvalue().splitlines()[-1].startswith("3/3 tệp · ")
    assert "3 tệp lấy từ bộ nhớ đệm · đơn vị: UBND xã Cao An" in lines.getvalue()
    assert "\r" not in lines.getvalue()
    assert "█" in bar.getvalue() and "tệp/giây" in bar.getvalue() and "còn 0:00" in bar.getvalue()
    quiet = io.StringIO()
    progress = Progress(3, "quiet", quiet)
    progress.advance()
    progress.close()
    assert quiet.getvalue() == ""


def test_plain_lines_when_not_on_a_terminal(
    cold: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", str(cold["evidence"]), "--year", "2023", "--out", str(tmp_path), "--trust-root", str(ROOT)]
    assert main([*args, "--cache-dir", str(cold["cache"])]) == ExitCode.OK
    captured = capsys.readouterr()
    files = sum(1 for path in cold["evidence"].rglob("*") if path.is_file())
    assert f"{files}/{files} tệp" in captured.err and "\r" not in captured.err
    lines = captured.out.splitlines()
    assert lines[0].startswith(f"Đã đọc {cold['evidence']}: {len(UNITS)} đơn vị (")  # the tree as read
    assert len(lines) == 1 + len(UNITS)  # then one summary line per unit


def test_dask_needs_a_scheduler(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SAMPLES / "batch"), "--year", "2023", "--executor", "dask"]) == ExitCode.USAGE
    assert "--scheduler" in capsys.readouterr().err


def test_facts_cross_processes_in_a_few_kilobytes() -> None:
    """Facts hold plain values: a library object (pyHanko's names keep their whole parsed file) would
    make every result sent back by a worker, and every cache entry, hundreds of kilobytes."""
    signed = sorted((SAMPLES / "batch").rglob("*.signed.pdf"))[0]
    facts = perform(ReadJob(signed, False, (ROOT,)))
    assert isinstance(facts, DocumentFacts) and len(facts.signatures) >= 1
    assert len(pickle.dumps(facts)) < 20_000
    assert all(type(signature.field_name) is str for signature in facts.signatures)


def test_cache_keys_are_the_same_in_every_process(tmp_path: Path) -> None:
    """Python salts str hashes per process, which reorders a set's repr: keys must not depend on it."""
    script = (
        "from kiemchung.pipeline.config import load_config; from kiemchung.pipeline.run import _settings; "
        "print(_settings(load_config(year=2023, formats='json,html')).judging)"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1


@pytest.mark.parametrize(("workers", "loaded"), [(1, True), (3, False)])
def test_spacy_is_loaded_before_forking_only_when_workers_would_load_it_again(workers: int, loaded: bool) -> None:
    """Three tables: with one worker the parent builds the explanation engine once for every worker it
    forks; with three, each worker reads at most one table and loads spaCy itself, the parent never."""
    tables = [ReadJob(SAMPLES / "batch" / unit / _table_of(unit), True) for unit in UNITS]
    script = (
        "import sys; from pathlib import Path; from kiemchung.pipeline.executors import LocalExecutor; "
        "from kiemchung.pipeline.work import ReadJob; "
        f"jobs = [ReadJob(Path(p), True) for p in {[str(job.path) for job in tables]!r}]; "
        f"facts = [f for _, f in LocalExecutor(jobs={workers}, timeout=120, recycle_after=200).run(jobs)]; "
        "assert all(row.analysis is not None for f in facts for row in f.rows) and facts; "
        "print('spacy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(loaded)


def _table_of(unit: str) -> str:
    return next(path.name for path in (SAMPLES / "batch" / unit).iterdir() if path.name.startswith("Bảng tự đánh giá"))


def test_progress_tells_a_callback_every_file_whatever_the_mode() -> None:
    for mode in ("quiet", "lines"):
        told: list[tuple[int, int]] = []
        stream = io.StringIO()
        progress = Progress(3, mode, stream, on_progress=lambda done, total, told=told: told.append((done, total)))
        progress.advance(cached=True)
        progress.advance(2)
        progress.close()
        assert told == [(0, 3), (1, 3), (3, 3)]
        assert (stream.getvalue() == "") == (mode == "quiet")  # the lines are the CLI's, as without a callback
