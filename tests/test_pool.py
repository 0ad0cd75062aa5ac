"""The worker pool: every task gets an answer, a hanging or crashing task costs only its worker."""

from __future__ import annotations

import os
import time

import pytest

from kiemchung.pipeline.pool import FailureKind, TaskFailure, WorkerPool


def work(task: str) -> tuple[str, int]:
    """Echo the task with the worker's pid; "hang" sleeps, "crash" kills the worker."""
    if task == "hang":
        time.sleep(60)
    if task == "crash":
        os._exit(3)
    return task, os.getpid()


def run(
    tasks: list[str], **settings: float
) -> tuple[dict[str, tuple[str, int] | TaskFailure], WorkerPool[str, tuple[str, int]]]:
    options = {"jobs": 2, "timeout": 5.0, "recycle_after": 100} | settings
    pool: WorkerPool[str, tuple[str, int]] = WorkerPool(
        work, jobs=int(options["jobs"]), timeout=options["timeout"], recycle_after=int(options["recycle_after"])
    )
    return dict(pool.run(tasks)), pool


def test_every_task_answered_once() -> None:
    tasks = [f"t{i}" for i in range(20)]
    results, pool = run(tasks)
    assert sorted(results) == sorted(tasks)
    assert all(not isinstance(value, TaskFailure) and value[0] == task for task, value in results.items())
    assert pool.started == 2
    assert all(pid != os.getpid() for _, pid in results.values())  # type: ignore[misc]


def test_hanging_task_is_stopped_and_its_worker_replaced() -> None:
    started = time.monotonic()
    results, pool = run(["a", "hang", "b", "c", "d"], jobs=1, timeout=1.0)
    assert time.monotonic() - started < 10
    failure = results["hang"]
    assert isinstance(failure, TaskFailure) and failure.kind is FailureKind.TIMEOUT
    assert "1 s" in failure.detail
    assert all(not isinstance(results[task], TaskFailure) for task in "abcd")
    assert pool.started == 2  # one, then one in place of the stopped worker


def test_crashing_task_is_reported_and_the_batch_goes_on() -> None:
    results, pool = run(["a", "crash", "b", "c"], jobs=1)
    failure = results["crash"]
    assert isinstance(failure, TaskFailure) and failure.kind is FailureKind.CRASHED
    assert "exit code 3" in failure.detail
    assert [results[task][0] for task in "abc"] == ["a", "b", "c"]  # type: ignore[index]
    assert pool.started == 2


def test_workers_are_recycled_after_n_tasks() -> None:
    results, pool = run([f"t{i}" for i in range(6)], jobs=1, recycle_after=2)
    pids = {value[1] for value in results.values()}  # type: ignore[index]
    assert pool.started == 3 and len(pids) == 3


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        WorkerPool(work, jobs=0, timeout=1, recycle_after=1)
