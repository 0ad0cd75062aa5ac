"""The background worker: takes queued submissions from the database, one at a time, and checks each.

Queued work lives in the database, so it survives a restart; a submission that was being read when the
server stopped is queued again when the worker starts (`requeue_interrupted`). A submission is claimed by a
conditional update (queued → reading), so two workers never take the same one.

Each check runs in a child process (`kiemchung.web.job`) with its standard output and error (the CLI's own
lines) in `run.log` of the submission's folder, for whoever looks into a failure; the child records its progress
in the submission's row itself, about once a second.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path, PurePath

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from kiemchung.web.job import RESULT, CheckSettings, Job
from kiemchung.web.models import Status, Submission
from kiemchung.web.uploads import stored_path

LOG = "run.log"
_logger = logging.getLogger(__name__)


class Worker(threading.Thread):
    """A daemon thread of `kiemchung serve` that checks queued submissions until `stop()`."""

    def __init__(self, check_settings: CheckSettings, idle_seconds: float = 2.0) -> None:
        super().__init__(name="kiemchung-worker", daemon=True)
        self._settings = check_settings
        self._idle = idle_seconds
        self._stopping = threading.Event()

    def run(self) -> None:
        requeue_interrupted()
        while not self._stopping.is_set():
            try:
                submission = claim()
                if submission is None:
                    self._stopping.wait(self._idle)
                else:
                    check_submission(submission, self._settings)
            except Exception:  # a database hiccup must not end the worker: log it, wait, go on
                _logger.exception("worker")
                self._stopping.wait(self._idle)
            finally:
                close_old_connections()

    def stop(self) -> None:
        self._stopping.set()


def requeue_interrupted() -> int:
    """Queue again what a stopped server was reading; returns how many."""
    return Submission.objects.filter(status=Status.READING).update(
        status=Status.QUEUED, progress_done=0, progress_total=0, started=None
    )


def claim() -> Submission | None:
    """The oldest queued submission, now marked as being read by this worker; None when none is queued."""
    for pk in Submission.objects.filter(status=Status.QUEUED).order_by("created", "id").values_list("pk", flat=True):
        taken = Submission.objects.filter(pk=pk, status=Status.QUEUED).update(
            status=Status.READING, started=timezone.now()
        )
        if taken:
            return Submission.objects.get(pk=pk)
    return None


def submission_folder(submission: Submission) -> Path:
    return Path(settings.REPORTS) / str(submission.pk)


def check_submission(submission: Submission, check_settings: CheckSettings) -> None:
    """Run the check of a claimed submission in a child process and record how it ended."""
    folder = submission_folder(submission)
    shutil.rmtree(folder, ignore_errors=True)  # what an interrupted run left
    given = folder / "input"
    given.mkdir(parents=True)
    unit_name = submission.unit.name.replace("/", "-").replace("\\", "-")
    archive = _linked(submission.archive_sha256, given / (unit_name + _suffix(submission)))
    table = _linked(submission.table_sha256, given / submission.table_name) if submission.table_name else None
    job = Job(submission.pk, str(settings.DATA), str(archive), str(table) if table else None, str(folder / "out"),
              check_settings)
    job.write(folder / "job.json")
    with (folder / LOG).open("wb") as log:
        subprocess.run(
            [sys.executable, "-m", "kiemchung.web.job", str(folder / "job.json")],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            check=False,
        )
    _finish(submission, folder)


def _suffix(submission: Submission) -> str:
    """The extension that tells the check its input is an archive, and which: the upload's, or the service's
    own zip of a folder."""
    return ".zip" if submission.folder else PurePath(submission.archive_name).suffix.lower()


def _linked(sha256: str, target: Path) -> Path:
    """A stored upload under the name the check reads it by: the unit's name (the report's unit name when the
    archive holds no folder) and the archive's extension, or the table's own name. A hard link, or a copy where
    the file system has none; the stored file itself is never touched."""
    try:
        os.link(stored_path(sha256), target)
    except OSError:
        shutil.copyfile(stored_path(sha256), target)
    return target


def _finish(submission: Submission, folder: Path) -> None:
    """Record how the check ended (its progress is the child's, already in the row)."""
    submission.finished = timezone.now()
    submission.status, submission.message = _outcome(folder)
    if submission.status == Status.DONE:
        submission.report_folder = str(_unit_reports(folder)[0].relative_to(settings.DATA))
    submission.save(update_fields=["finished", "status", "message", "report_folder"])
    submission.refresh_from_db(fields=["progress_done", "progress_total"])


def _outcome(folder: Path) -> tuple[str, str]:
    """Done, or failed with the reason in Vietnamese."""
    try:
        result = json.loads((folder / RESULT).read_text("utf-8"))
    except (OSError, ValueError):
        return Status.FAILED, ("Lỗi nội bộ: quá trình kiểm tra dừng bất thường. Hãy nộp lại; nếu vẫn lỗi, báo quản "
                               f"trị viên (lần nộp số {folder.name}).")
    if not result["ok"]:
        return Status.FAILED, result["message"]
    units = _unit_reports(folder)
    if len(units) != 1:
        names = ", ".join(str(unit.relative_to(folder / "out")) for unit in units)
        return Status.FAILED, (
            f"Hồ sơ đã nộp chứa {len(units)} đơn vị ({names}), không phải hồ sơ của một đơn vị. "
            "Hãy nộp riêng thư mục hồ sơ của đơn vị mình (hoặc tệp nén của thư mục đó)."
        )
    return Status.DONE, ""


def _unit_reports(folder: Path) -> list[Path]:
    """The folders the run wrote a unit's reports in (one per unit found in the archive)."""
    return sorted(path.parent for path in (folder / "out").rglob("report.json"))
