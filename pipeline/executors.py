"""Where the per-file reading runs: worker processes on this machine, a Dask cluster, or this process.

Each takes `ReadJob`s and yields (job, facts) as each file is done, in completion order. Worker
processes and Dask honour the per-file time limit: a file past it is reported as timed out and the
worker that was reading it is replaced. The serial executor (`--jobs 1`) reads in the calling
process, for a debugger or a profiler to see the reading: nothing can stop a file there, so the
limit is not enforced and a crash in a library ends the run. Judging, scoring and the reports
always happen in the calling process.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from kiemchung.extractors.errors import reason
from kiemchung.pipeline.errors import ConfigError, UsageError
from kiemchung.pipeline.messages import both
from kiemchung.pipeline.pool import FailureKind, TaskFailure, WorkerPool
from kiemchung.pipeline.startup import uncollected
from kiemchung.pipeline.work import Facts, ReadJob, failed, perform


class Executor(Protocol):
    def run(self, jobs: Sequence[ReadJob]) -> Iterator[tuple[ReadJob, Facts]]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Every file read in this process, one after the other, in the order given (`--jobs 1`)."""

    def run(self, jobs: Sequence[ReadJob]) -> Iterator[tuple[ReadJob, Facts]]:
        for job in jobs:
            yield job, perform(job)

    def close(self) -> None:
        """Nothing to release."""


class LocalExecutor:
    """`jobs` worker processes on this machine (see `pipeline.pool`)."""

    def __init__(self, *, jobs: int, timeout: float, recycle_after: int) -> None:
        # The reading stack, imported once here: forked workers inherit it instead of each importing it.
        with uncollected():
            import kiemchung.extractors.reader
            import kiemchung.extractors.self_assessment  # noqa: F401

        self.pool: WorkerPool[ReadJob, Facts] = WorkerPool(
            perform, jobs=jobs, timeout=timeout, recycle_after=recycle_after
        )
        self._workers = jobs

    def run(self, jobs: Sequence[ReadJob]) -> Iterator[tuple[ReadJob, Facts]]:
        if sum(job.table for job in jobs) > self._workers:
            # A worker loads spaCy (1.7 s) with the first self-assessment table it reads. With more
            # tables than workers, workers started later (or replacing recycled ones) would load it
            # again and again: loaded once here instead, before the workers are forked, they inherit it.
            with uncollected():
                from kiemchung.extractors.explanations import load_engine

                load_engine()
        for job, result in self.pool.run(jobs):
            yield job, failed(job, result.kind, result.detail) if isinstance(result, TaskFailure) else result

    def close(self) -> None:
        """Nothing to release: the pool's workers end with each `run`."""


class DaskExecutor:
    """The reading runs on a Dask distributed cluster (`pip install 'kiemchung[dask]'`).

    Workers must see the evidence at the same paths as this machine (a shared or mounted folder).
    As many files are in flight as the cluster has threads, so a file starts when it is sent and
    its time limit runs from then; a file past the limit has its worker restarted, which Dask
    follows by re-running that worker's other files elsewhere.
    """

    def __init__(self, scheduler: str, *, timeout: float) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError(*both("dask_missing")) from None
        try:
            self._client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as error:
            vi, en = reason(error)
            raise ConfigError(
                f"không kết nối được bộ điều phối Dask {scheduler} ({vi}). Hãy kiểm tra địa chỉ sau --scheduler (hoặc "
                f"khóa batch.scheduler của tệp cấu hình), xem bộ điều phối có đang chạy và máy này có kết nối tới được "
                f"không, rồi chạy lại.",
                f"cannot reach the Dask scheduler at {scheduler} ({en}). Check the address after --scheduler (or the "
                f"config file's batch.scheduler), that the scheduler runs and that this machine reaches it, and run "
                f"again.",
            ) from error
        self._timeout = timeout

    def run(self, jobs: Sequence[ReadJob]) -> Iterator[tuple[ReadJob, Facts]]:
        from distributed import wait

        slots = max(1, sum(self._client.nthreads().values()))
        pending = iter(jobs)
        running: dict[Any, tuple[ReadJob, float]] = {}
        while True:
            while len(running) < slots and (job := next(pending, None)) is not None:
                future = self._client.submit(perform, job, pure=False)
                running[future] = (job, time.monotonic() + self._timeout)
            if not running:
                return
            nearest = min(deadline for _, deadline in running.values())
            try:
                done = wait(list(running), timeout=max(0.01, nearest - time.monotonic()), return_when="FIRST_COMPLETED")
                finished = done.done
            except TimeoutError:
                finished = set()
            for future in finished:
                job, _ = running.pop(future)
                yield job, self._result(future, job)
            now = time.monotonic()
            for future, (job, deadline) in list(running.items()):
                if deadline <= now and not future.done():
                    del running[future]
                    yield job, failed(job, FailureKind.TIMEOUT, self._stop(future))

    def _result(self, future: Any, job: ReadJob) -> Facts:
        if future.status == "finished":
            facts: Facts = future.result()
            return facts
        return failed(job, FailureKind.CRASHED, f"the Dask task ended with {future.status}: {future.exception()!r}")

    def _stop(self, future: Any) -> str:
        """Cancel a late task and restart the worker running it."""
        workers = [address for address, keys in self._client.processing().items() if future.key in keys]
        future.cancel()
        detail = f"no result after {self._timeout:g} s on the Dask cluster"
        if workers:
            try:
                self._client.restart_workers(workers, raise_for_error=False)
            except Exception as error:  # a cluster that cannot restart workers still finishes the batch
                return f"{detail}; its worker could not be restarted ({error})"
            return f"{detail}; its worker {workers[0]} was restarted"
        return detail

    def close(self) -> None:
        self._client.close()
