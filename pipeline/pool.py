"""A process pool for per-document work that survives any single document.

`concurrent.futures` cannot stop one task: a document that hangs pyHanko or blows up a C extension
would take the whole batch with it. Here every worker is a process of its own with a pipe to the
parent, so the parent can

- kill a worker whose document runs past the time limit, report the document as timed out and
  start a fresh worker in its place;
- notice a worker that died (a segfault, the kernel's OOM killer) and report its document;
- retire a worker after `recycle_after` documents, so that whatever a long run leaks (pyHanko's and
  pypdf's caches, fragmentation) is handed back to the system.

Workers are forked where the platform allows it: they start in milliseconds with every module the
parent already imported. Results come back in completion order.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class TaskFailure(Exception):
    """Why a task produced no result: it ran out of time, or its worker died."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind  # "timeout" or "crashed"
        self.detail = detail


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    done: int = 0


@dataclass
class _Running(Generic[T]):
    worker: _Worker
    task: T
    deadline: float


def _serve(connection: Connection, work: Callable[[object], object]) -> None:
    """A worker's life: take a task, send back its result, until told to stop (None) or cut off."""
    # What the worker inherited is never garbage: keep the collector off it (and its pages shared
    # with the parent), and let it run less often: parsing a PDF allocates hundreds of thousands of
    # small objects, and collecting every 700 allocations cost about a tenth of the reading time.
    # A worker's life is bounded by recycling, which bounds what a lazier collector lets pile up.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(work(task))


def _context() -> multiprocessing.context.ForkContext | multiprocessing.context.SpawnContext:
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def default_jobs() -> int:
    """The cores this process may use (fewer than the machine's under a CPU affinity mask)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool(Generic[T, R]):
    """Run `work` on tasks in `jobs` worker processes; see the module docstring.

    `work` must never raise (the reading functions turn every error into facts); a task that still
    cannot produce a result is yielded as a `TaskFailure`.
    """

    def __init__(self, work: Callable[[T], R], *, jobs: int, timeout: float, recycle_after: int) -> None:
        if jobs < 1 or timeout <= 0 or recycle_after < 1:
            raise ValueError("jobs and recycle_after must be at least 1, timeout positive")
        self._work = work
        self._jobs = jobs
        self._timeout = timeout
        self._recycle_after = recycle_after
        self._context = _context()
        self.started = 0  # worker processes started, for tests and the benchmark

    def run(self, tasks: Iterable[T]) -> Iterator[tuple[T, R | TaskFailure]]:
        """Yield (task, result or failure) for every task, as each finishes."""
        pending = iter(tasks)
        idle: list[_Worker] = []
        running: dict[Connection, _Running[T]] = {}
        exhausted = False
        try:
            while True:
                while not exhausted and len(running) < self._jobs:
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                        break
                    worker = idle.pop() if idle else self._start()
                    worker.connection.send(task)
                    running[worker.connection] = _Running(worker, task, time.monotonic() + self._timeout)
                if not running:
                    return
                nearest = min(entry.deadline for entry in running.values())
                ready = wait(list(running), timeout=max(0.0, nearest - time.monotonic()))
                for connection in ready:
                    entry = running.pop(connection)  # type: ignore[call-overload]
                    yield entry.task, self._collect(entry, idle)
                now = time.monotonic()
                for connection, entry in list(running.items()):
                    if entry.deadline <= now:
                        del running[connection]
                        self._stop(entry.worker, kill=True)
                        failure = TaskFailure("timeout", f"no result after {self._timeout:g} s; the worker was stopped")
                        yield entry.task, failure
        finally:
            for entry in running.values():
                self._stop(entry.worker, kill=True)
            for worker in idle:
                self._stop(worker, kill=False)

    def _collect(self, entry: _Running[T], idle: list[_Worker]) -> R | TaskFailure:
        worker = entry.worker
        try:
            result: R = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            self._stop(worker, kill=True)
            return TaskFailure("crashed", f"the worker process ended without a result (exit code {code})")
        worker.done += 1
        if worker.done >= self._recycle_after:
            self._stop(worker, kill=False)
        else:
            idle.append(worker)
        return result

    def _start(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child_end, self._work), daemon=True)
        process.start()
        child_end.close()
        self.started += 1
        return _Worker(process, parent_end)

    @staticmethod
    def _stop(worker: _Worker, *, kill: bool) -> None:
        if not kill:
            try:
                worker.connection.send(None)
            except OSError:
                kill = True
            else:
                worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.connection.close()
