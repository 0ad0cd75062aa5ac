"""One submission's check, in a process of its own: `python -m kiemchung.web.job JOB.json`.

It runs the CLI's own `kiemchung.pipeline.run.check` on the stored archive, so the service's reports are
the CLI's, and ends as the CLI does (`pipeline.errors.stop`). A process of its own because a check uses its
own worker processes, prints its progress, and may take memory the server should get back; the web server
reads the progress lines it writes (`worker.progress_of`) and its `result.json`, never its memory.
"""

from __future__ import annotations

import json
import sys
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
    archive: str  # the stored archive, under a name that ends like the upload's (.zip, .rar, .7z)
    out: str  # the run's --out
    settings: CheckSettings

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def read(cls, path: Path) -> Job:
        values = json.loads(path.read_text("utf-8"))
        return cls(values["archive"], values["out"], CheckSettings(**values["settings"]))


def run(job: Job, folder: Path) -> int:
    """Check the archive; write `result.json` (ok, and the CLI's message when not); returns the exit code."""
    from kiemchung.pipeline.errors import ExitCode, stop
    from kiemchung.pipeline.run import check

    try:
        check(Path(job.archive), job.settings.load(), Path(job.out), progress="lines")
    except (Exception, KeyboardInterrupt) as error:
        code, message = stop(error)
        (folder / RESULT).write_text(json.dumps({"ok": False, "message": message}, ensure_ascii=False), "utf-8")
        return int(code)
    (folder / RESULT).write_text(json.dumps({"ok": True}), "utf-8")
    return int(ExitCode.OK)


if __name__ == "__main__":
    path = Path(sys.argv[1])
    sys.exit(run(Job.read(path), path.parent))
