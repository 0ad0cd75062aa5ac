"""`--executor dask`: the same reports as a local run, read by a local Dask cluster's worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
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
    assert len(dask_reports) == 3 * 3 + 3  # json, xlsx, html per unit; summary.csv, summary.xlsx, index.html
    assert dask_reports == local_reports


def test_unreachable_scheduler_is_a_configuration_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(tmp_path, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert code == ExitCode.CONFIG
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
