"""The check of the submissions the worker claimed, in one process of its own: `python -m kiemchung.web.job JOB.json`.

It runs the CLI's own `kiemchung.pipeline.run.check_together` with each submission's stored archive (and the
self-assessment table sent beside it, as `check --self-assessment` takes one) as a target of its own, so the
service's reports are the CLI's, and the process start, the imports and the readers' pool are paid once for all
of them. A process of its own because a check uses its own worker processes, prints its progress, and may take
memory the server should get back. It records each submission's progress in its row (`ProgressRecorder`, Django
set up on the service's data folder) and, as soon as the submission's reports are written or its check failed,
its `result.json` (ok, or the CLI's message, as the CLI ends: `pipeline.errors.stop`) and a line on standard
output that tells the server to look; the server reads the rows and the `result.json` files, never its memory.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiemchung.pipeline.config import Config

RESULT = "result.json"  # in a submission's folder
OUT = "out"  # the check's --out, in a submission's folder


@dataclass(frozen=True)
class CheckSettings:
    """How the service checks: the council's config file and year, as `kiemchung check` takes them."""

    config_file: str | None = None
    year: int | None = None
    ocr: bool | None = None  # None: the config's (Tesseract when installed)
    no_cache: bool = False
    jobs: int | None = None

    def load(self) -> Config:
        """The run's `Config` (raises the CLI's usage or config error when the settings are wrong)."""
        from kiemchung.pipeline.config import load_config

        config_file = Path(self.config_file) if self.config_file else None
        return load_config(config_file, year=self.year, layout="auto", ocr=self.ocr, no_cache=self.no_cache,
                           jobs=self.jobs)


@dataclass(frozen=True)
class Entry:
    """A submission in the job."""

    submission: int  # whose progress and result are recorded
    archive: str  # the stored archive, under a name that ends like the upload's (.zip, .rar, .7z)
    table: str | None  # the self-assessment table sent beside it, under its own name
    folder: str  # the submission's folder: its reports go to OUT in it, its RESULT beside

    @property
    def out(self) -> Path:
        return Path(self.folder) / OUT


@dataclass(frozen=True)
class Job:
    data: str  # the service's data folder (its database)
    settings: CheckSettings
    entries: tuple[Entry, ...]  # oldest first: the run reads them in this order

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def read(cls, path: Path) -> Job:
        values = json.loads(path.read_text("utf-8"))
        return cls(values["data"], CheckSettings(**values["settings"]),
                   tuple(Entry(**entry) for entry in values["entries"]))


class ProgressRecorder:
    """The check's progress callback: (files done, files in all) written to the submission's row, at most once
    every `every` seconds, and always the first and the last count. The connection is closed after each write,
    so the check's forked workers never share one."""

    def __init__(self, submission: int, every: float = 1.0) -> None:
        self._submission = submission
        self._every = every
        self._last = -float("inf")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self._every:
            return
        self._last = now
        from django.db import connection

        from kiemchung.web.models import Submission

        Submission.objects.filter(pk=self._submission).update(progress_done=done, progress_total=total)
        connection.close()


def run(job: Job) -> int:
    """Check every entry's archive in one run; write each one's `result.json` as it ends; returns the exit code
    (an error of one submission is its own result, not the run's)."""
    from kiemchung.pipeline.errors import ExitCode, stop
    from kiemchung.pipeline.run import Target, check_together
    from kiemchung.web.boot import start_django

    start_django(Path(job.data), prepare=False)
    numbers = ", ".join(str(entry.submission) for entry in job.entries)
    print(f"kiemchung.web.job: submissions {numbers} in one run", flush=True)
    left = {
        Target(Path(entry.archive), entry.out, Path(entry.table) if entry.table else None,
               ProgressRecorder(entry.submission)): entry
        for entry in job.entries
    }
    try:
        for target, outcome in check_together(list(left), job.settings.load(), progress="lines"):
            _record(left.pop(target), outcome if isinstance(outcome, Exception) else None)
    except (Exception, KeyboardInterrupt) as error:  # the whole run's: every submission not ended yet
        for entry in left.values():
            _record(entry, error)
        return int(stop(error)[0])
    return int(ExitCode.OK)


def _record(entry: Entry, error: Exception | KeyboardInterrupt | None) -> None:
    """A submission's `result.json` (ok, or why not in Vietnamese), then the line that tells the server."""
    from kiemchung.pipeline.atomic import write_text
    from kiemchung.pipeline.errors import stop

    result = {"ok": True} if error is None else {"ok": False, "message": stop(error)[1]}
    write_text(Path(entry.folder) / RESULT, json.dumps(result, ensure_ascii=False))
    print(f"kiemchung.web.job: submission {entry.submission} {'checked' if error is None else 'failed'}", flush=True)


if __name__ == "__main__":
    sys.exit(run(Job.read(Path(sys.argv[1]))))
