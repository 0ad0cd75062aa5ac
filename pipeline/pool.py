"""A process pool for per-document work that survives any single document.

`concurrent.futures` cannot stop one task: a document that hangs pyHanko or blows up a C extension
would take the whole batch with it. Here every worker is a process of its own with a pipe to the
parent, so the parent can

- kill a worker whose document runs past the time limit, report the document as timed out and
  start a fresh worker in its place;
- notice a worker that died (a segfault, the kernel's OOM killer) and report its document;
- retire a worker after `recycle_after` documents, so that whatever a long run leaks (pyHanko's and
  pypdf's caches, fragmentation) is handed back to the system.

Each worker holds the task it runs and several more (`_AHEAD`), so no worker waits while the
caller is busy with a result (judging a unit, writing its reports); towards the end fewer, so that
the last tasks are shared out evenly instead of waiting in one worker's pipe while another is idle.
Workers are forked where the platform allows it: they start in milliseconds with every module the
parent already imported. Results come back in completion order.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Tasks in a worker's pipe at once. Judging a unit and writing its reports takes the caller about a
# quarter of a second, during which it reads no result and hands out no task: with 2 tasks queued
# the workers ran dry for 13-15 s of a 2,450-file batch, with 8 (about 0.3 s of reading) for 3 s
# (bench/batch.py's province, 2 workers). Their answers, ~3 KB each, stay within the pipe's buffer.
_AHEAD = 8


class FailureKind(StrEnum):
    """Why a task produced no result."""

    TIMEOUT = "timeout"  # it ran past the time limit: its worker was stopped
    CRASHED = "crashed"  # its worker died (a crash in a library, the kernel's OOM killer)


class TaskFailure(Exception):
    """Why a task produced no result: it ran out of time, or its worker died."""

    def __init__(self, kind: FailureKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass
class _Worker(Generic[T]):
    process: BaseProcess
    connection: Connection
    sent: int = 0
    queue: deque[T] = field(default_factory=deque)  # sent and not yet answered; the first is running
    deadline: float = math.inf  # for queue[0], counted from when it was seen to start


def _serve(connection: Connection, work: Callable[[object], object]) -> None:
    """A worker's life: take a task, send back its result, until told to stop (None) or cut off."""
    # What the worker inherited is never garbage: keep the collector off it (and its pages shared
    # with the parent), and let it run less often: parsing a PDF allocates hundreds of thousands of
    # small objects, and collecting every 700 allocations cost about a tenth of the reading time.
    # A worker's life is bounded by recycling, which bounds what a lazier collector lets pile up.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    # Ctrl-C in a terminal reaches every process of its group: the parent stops the workers (see
    # `WorkerPool.run`), so a worker must neither stop on its own nor print a traceback. The worker
    # was started with SIGINT blocked (`_sigint_blocked`), so none arrives before it is ignored.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(work(task))


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT held back in this thread (a process started meanwhile inherits the mask); a Ctrl-C that
    came meanwhile is delivered when the block ends. Where signals cannot be masked, nothing."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
    cannot produce a result is yielded as a `TaskFailure`. Tasks must not be None.
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
        """Yield (task, result or failure) for every task, as each finishes.

        `tasks` are taken all at once: how many are left decides how many each worker holds. A task's
        time limit runs from when the previous result of its worker was seen, which can only make it
        later, never earlier, than the task's real start.
        """
        pending = _Pending(tasks)
        workers: list[_Worker[T]] = []
        try:
            while True:
                self._top_up(workers, pending)
                busy = [worker for worker in workers if worker.queue]
                if not busy:
                    return
                nearest = min(worker.deadline for worker in busy)
                ready = wait([worker.connection for worker in busy], timeout=max(0.0, nearest - time.monotonic()))
                for worker in busy:
                    if worker.connection in ready:
                        task = worker.queue.popleft()
                        yield task, self._collect(worker, workers, pending)
                now = time.monotonic()
                for worker in busy:
                    if worker in workers and worker.queue and worker.deadline <= now:
                        task = worker.queue.popleft()
                        self._retire(worker, workers, pending, kill=True)
                        detail = f"no result after {self._timeout:g} s; the worker was stopped"
                        yield task, TaskFailure(FailureKind.TIMEOUT, detail)
        finally:
            for worker in workers:
                self._stop(worker, kill=bool(worker.queue))

    def _top_up(self, workers: list[_Worker[T]], pending: _Pending[T]) -> None:
        """Fill the workers' queues, starting workers up to `jobs` while there is work."""
        for worker in workers:
            self._fill(worker, pending)
        while len(workers) < self._jobs and pending:
            workers.append(self._start())
            self._fill(workers[-1], pending)

    def _fill(self, worker: _Worker[T], pending: _Pending[T]) -> None:
        # Near the end, a worker's share of what is left: with 8 each, one worker was still reading
        # its queued files for half a second after the other had run dry (the real documents).
        depth = min(_AHEAD, 1 + math.ceil(len(pending) / self._jobs))
        while len(worker.queue) < depth and worker.sent < self._recycle_after and (task := pending.take()) is not None:
            worker.connection.send(task)
            worker.sent += 1
            worker.queue.append(task)
            if len(worker.queue) == 1:
                worker.deadline = time.monotonic() + self._timeout

    def _collect(self, worker: _Worker[T], workers: list[_Worker[T]], pending: _Pending[T]) -> R | TaskFailure:
        try:
            result: R = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            self._retire(worker, workers, pending, kill=True)
            return TaskFailure(FailureKind.CRASHED, f"the worker process ended without a result (exit code {code})")
        if worker.queue:
            worker.deadline = time.monotonic() + self._timeout
        elif worker.sent >= self._recycle_after:
            self._retire(worker, workers, pending, kill=False)
        return result

    def _retire(self, worker: _Worker[T], workers: list[_Worker[T]], pending: _Pending[T], *, kill: bool) -> None:
        """Stop a worker; a task queued behind the one it failed on goes to another worker."""
        pending.put_back(worker.queue)
        worker.queue.clear()
        workers.remove(worker)
        self._stop(worker, kill=kill)

    def _start(self) -> _Worker[T]:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child_end, self._work), daemon=True)
        with _sigint_blocked():
            process.start()
        child_end.close()
        self.started += 1
        worker: _Worker[T] = _Worker(process, parent_end)
        return worker

    @staticmethod
    def _stop(worker: _Worker[T], *, kill: bool) -> None:
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


class _Pending(Generic[T]):
    """The tasks still to hand out, in order: any put back (queued behind a failed one) first."""

    def __init__(self, tasks: Iterable[T]) -> None:
        self._tasks: deque[T] = deque(tasks)

    def __len__(self) -> int:
        return len(self._tasks)

    def take(self) -> T | None:
        return self._tasks.popleft() if self._tasks else None

    def put_back(self, tasks: Iterable[T]) -> None:
        self._tasks.extendleft(reversed(list(tasks)))
