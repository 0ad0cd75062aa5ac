"""One submission's check, in a process of its own: `python -m kiemchung.web.job JOB.json`.

It runs the CLI's own `kiemchung.pipeline.run.check` on the stored archive (with the self-assessment table sent
beside it, as `check --self-assessment` takes one), so the service's reports are the CLI's, and ends as the CLI
does (`pipeline.errors.stop`). A process of its own because a check uses its own worker processes, prints its
progress, and may take memory the server should get back. It records its progress in the submission's row
(`ProgressRecorder`, Django set up on the service's data folder); the server reads that row and the job's
`result.json`, never its memory.
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

RESULT = "result.json"


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
class Job:
    submission: int  # whose progress is recorded
    data: str  # the service's data folder (its database)
    archive: str  # the stored archive, under a name that ends like the upload's (.zip, .rar, .7z)
    table: str | None  # the self-assessment table sent beside it, under its own name
    out: str  # the run's --out
    settings: CheckSettings

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def read(cls, path: Path) -> Job:
        values = json.loads(path.read_text("utf-8"))
        return cls(**{**values, "settings": CheckSettings(**values["settings"])})


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


def run(job: Job, folder: Path) -> int:
    """Check the archive; write `result.json` (ok, and the CLI's message when not); returns the exit code."""
    from kiemchung.pipeline.errors import ExitCode, stop
    from kiemchung.pipeline.run import check
    from kiemchung.web.boot import start_django

    start_django(Path(job.data), prepare=False)
    try:
        check(Path(job.archive), job.settings.load(), Path(job.out), progress="lines",
              self_assessment=Path(job.table) if job.table else None, on_progress=ProgressRecorder(job.submission))
    except (Exception, KeyboardInterrupt) as error:
        code, message = stop(error)
        (folder / RESULT).write_text(json.dumps({"ok": False, "message": message}, ensure_ascii=False), "utf-8")
        return int(code)
    (folder / RESULT).write_text(json.dumps({"ok": True}), "utf-8")
    return int(ExitCode.OK)


if __name__ == "__main__":
    path = Path(sys.argv[1])
    sys.exit(run(Job.read(path), path.parent))
