"""`--executor dask`: the same reports as a local run, read by a local Dask cluster's worker processes."""

from __future__ import annotations

import json
import shutil
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiemchung.pipeline.cli import main
from kiemchung.pipeline.errors import ExitCode
from tests.test_batch import ROOT, SAMPLES, reports

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (pip install '.[dask]')")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    ) as cluster:
        yield cluster.scheduler_address


def run(out: Path, *executor: str) -> int:
    args = ["check", str(SAMPLES / "batch"), "--year", "2023", "--out", str(out), "--trust-root", str(ROOT)]
    return main([*args, "--no-cache", "--quiet", *executor])


def test_dask_run_matches_the_local_run(scheduler: str, tmp_path: Path) -> None:
    assert run(tmp_path / "dask", "--executor", "dask", "--scheduler", scheduler) == ExitCode.OK
    assert run(tmp_path / "local", "--jobs", "2") == ExitCode.OK
    dask_reports, local_reports = reports(tmp_path / "dask"), reports(tmp_path / "local")
    # json, xlsx, docx, html per unit; summary.csv, .xlsx, .docx, index.html, tree.json
    assert len(dask_reports) == 3 * 4 + 5
    assert dask_reports == local_reports


def test_unreachable_scheduler_is_a_configuration_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(tmp_path, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert code == ExitCode.CONFIG
    assert "không kết nối được bộ điều phối Dask tcp://127.0.0.1:9" in capsys.readouterr().err


def _hang_on_marked_files() -> None:
    """Run on each Dask worker: the next jobs resolve `pipeline.work.perform` to a version that hangs."""
    import kiemchung.pipeline.work

    real = kiemchung.pipeline.work.perform

    def perform(job: Any) -> Any:
        if job.path.name.startswith("hang-"):
            time.sleep(300)
        return real(job)

    kiemchung.pipeline.work.perform = perform


def test_a_file_past_the_limit_restarts_its_dask_worker_and_the_run_goes_on(scheduler: str, tmp_path: Path) -> None:
    unit = "UBND xã Tân Lập"
    shutil.copytree(SAMPLES / "batch" / unit, tmp_path / "evidence" / unit)
    first = sorted((tmp_path / "evidence" / unit).rglob("*.pdf"))[0]
    hanging = first.rename(first.with_name(f"hang-{first.name}"))
    with distributed.Client(scheduler) as client:
        client.run(_hang_on_marked_files)
    args = ["check", str(tmp_path / "evidence"), "--year", "2023", "--out", str(tmp_path / "out")]
    started = time.monotonic()
    code = main([*args, "--no-cache", "--quiet", "--executor", "dask", "--scheduler", scheduler, "--timeout", "5"])
    assert code == ExitCode.OK and time.monotonic() - started < 120
    report = json.loads((tmp_path / "out" / unit / "report.json").read_text("utf-8"))
    outcomes = {
        item["path"]: {(finding["code"], finding["outcome"]) for finding in item["findings"]}
        for item in report["evidence"]
    }
    relative = unicodedata.normalize("NFC", hanging.relative_to(tmp_path / "evidence" / unit).as_posix())
    assert ("KC101", "indeterminate") in outcomes[relative]
    assert all(("KC101", "indeterminate") not in found for path, found in outcomes.items() if path != relative)
