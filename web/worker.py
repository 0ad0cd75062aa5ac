"""The background worker: takes the queued submissions from the database and checks them together.

Queued work lives in the database, so it survives a restart; the submissions that were being read when the
server stopped are queued again when the worker starts (`requeue_interrupted`). A submission is claimed by a
conditional update (queued → reading), so two workers never take the same one. The worker claims every queued
submission at once, up to `KIEMCHUNG_CHECK_TOGETHER`, but only the oldest of each unit: a unit's next round
waits for the next run, so a unit's rounds are checked, and end, in the order they came.

The claimed submissions are checked in one child process (`kiemchung.web.job`), which pays once for its start,
its imports and its pool of readers; a single submission is a run of one. The child records each
submission's progress in its row, about once a second, and its `result.json` as soon as it ends; the worker
records each one's status then, so a unit checked early in the run does not wait for the last. The child's
standard output and error (the CLI's own lines) go to `run.log` in the folder of each submission of the run,
for whoever looks into a failure.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path, PurePath

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from kiemchung.web.job import OUT, RESULT, CheckSettings, Entry, Job
from kiemchung.web.models import Status, Submission
from kiemchung.web.uploads import folder_name, stored_path

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
                claimed = claim()
                if claimed:
                    check_submissions(claimed, self._settings)
                else:
                    self._stopping.wait(self._idle)
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


def claim() -> list[Submission]:
    """The queued submissions to check in the next run, now marked as being read by this worker, oldest first:
    the oldest of each unit (its next round waits for the next run, as does a unit being read), at most
    `KIEMCHUNG_CHECK_TOGETHER`."""
    taken: list[int] = []
    units = set(Submission.objects.filter(status=Status.READING).values_list("unit", flat=True))
    queued = Submission.objects.filter(status=Status.QUEUED).order_by("created", "id").values_list("pk", "unit")
    for pk, unit in list(queued):
        if len(taken) == settings.KIEMCHUNG_CHECK_TOGETHER:
            break
        if unit in units:
            continue
        units.add(unit)
        if Submission.objects.filter(pk=pk, status=Status.QUEUED).update(status=Status.READING, started=timezone.now()):
            taken.append(pk)
    return list(Submission.objects.filter(pk__in=taken).order_by("created", "id").select_related("unit"))


def submission_folder(submission: Submission) -> Path:
    return Path(settings.REPORTS) / str(submission.pk)


def check_submissions(claimed: Sequence[Submission], check_settings: CheckSettings) -> None:
    """Check claimed submissions in one child process; record how each ended as soon as it has."""
    entries, waiting = [], []
    for submission in claimed:
        try:
            entries.append(_entry(submission))
            waiting.append(submission)
        except OSError:  # its stored upload cannot be given to the check: it alone fails
            _logger.exception("submission %s", submission.pk)
            _finish(submission)
    if entries:
        job = Job(str(settings.DATA), check_settings, tuple(entries))
        for submission in waiting:
            job.write(submission_folder(submission) / "job.json")
        command = [sys.executable, "-m", "kiemchung.web.job", str(submission_folder(waiting[0]) / "job.json")]
        with ExitStack() as logs:
            copies = [logs.enter_context((submission_folder(s) / LOG).open("wb")) for s in waiting]
            with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1"}) as child:
                assert child.stdout is not None
                for line in child.stdout:  # the child prints a line as each submission ends
                    for log in copies:
                        log.write(line)
                        log.flush()
                    waiting = [submission for submission in waiting if not _ended(submission)]
    for submission in waiting:  # the child ended without its result: failed
        _finish(submission)


def _entry(submission: Submission) -> Entry:
    """The submission's folder emptied of what an interrupted run left, and its upload put in it for the check."""
    folder = submission_folder(submission)
    shutil.rmtree(folder, ignore_errors=True)
    given = folder / "input"
    given.mkdir(parents=True)
    archive = _linked(submission.archive_sha256, given / (folder_name(submission.unit) + _suffix(submission)))
    table = _linked(submission.table_sha256, given / submission.table_name) if submission.table_name else None
    return Entry(submission.pk, str(archive), str(table) if table else None, str(folder))


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


def _ended(submission: Submission) -> bool:
    """Whether the child wrote the submission's result; if so, it is recorded."""
    if not (submission_folder(submission) / RESULT).exists():
        return False
    _finish(submission)
    return True


def _finish(submission: Submission) -> None:
    """Record how the check ended (its progress is the child's, already in the row)."""
    folder = submission_folder(submission)
    submission.finished = timezone.now()
    submission.status, submission.message, reports = _outcome(folder)
    if reports is not None:
        submission.report_folder = str(reports.relative_to(settings.DATA))
    submission.save(update_fields=["finished", "status", "message", "report_folder"])
    submission.refresh_from_db(fields=["progress_done", "progress_total"])


def _outcome(folder: Path) -> tuple[str, str, Path | None]:
    """Done with the unit's report folder, or failed with the reason in Vietnamese."""
    try:
        result = json.loads((folder / RESULT).read_text("utf-8"))
    except (OSError, ValueError):
        return Status.FAILED, ("Lỗi nội bộ: quá trình kiểm tra dừng bất thường. Hãy nộp lại; nếu vẫn lỗi, báo quản "
                               f"trị viên (lần nộp số {folder.name})."), None
    if not result["ok"]:
        return Status.FAILED, result["message"], None
    units = _unit_reports(folder)
    if len(units) != 1:
        names = ", ".join(str(unit.relative_to(folder / OUT)) for unit in units)
        return Status.FAILED, (
            f"Hồ sơ đã nộp chứa {len(units)} đơn vị ({names}), không phải hồ sơ của một đơn vị. "
            "Hãy nộp riêng thư mục hồ sơ của đơn vị mình (hoặc tệp nén của thư mục đó)."
        ), None
    return Status.DONE, "", units[0]


def _unit_reports(folder: Path) -> list[Path]:
    """The folders the run wrote a unit's reports in (one per unit found in the archive)."""
    return sorted(path.parent for path in (folder / OUT).rglob("report.json"))
