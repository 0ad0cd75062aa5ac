"""The worker's queue: the submissions queued together are checked in one run (one child process, one pool of
readers), each with its own report, progress and failure; a unit's rounds one run after the other, in order;
a restart queues again everything the stopped run held.

Real checks of the sample units (the CLI's code in the worker's child process, no OCR, no cache), by the
worker's own thread, on the test service of tests/test_web.py.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from tests import test_web
from tests.test_web import BATCH, CHECK, DATA, UNIT_A, UNIT_B, People, bearer, logged_in, upload_file, zipped

# test_web's fixtures, under their names: each test on an empty service, with its people. Importing test_web
# also set Django up on its data folder, which what follows needs.
fresh_service = test_web.fresh_service
people = test_web.people

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from kiemchung.web.models import Status, Submission, Unit  # noqa: E402
from kiemchung.web.worker import LOG, Worker, claim, requeue_interrupted, submission_folder  # noqa: E402

RUN_SECONDS = 300  # two runs of a few sample units take 15-30 s here; a loaded CI machine far longer


def upload(people: People, unit: Unit) -> Submission:
    clerk = people.clerk_a if unit == people.unit_a else people.clerk_b
    response = logged_in(clerk).post(f"/units/{unit.code}/upload/", {"archive": upload_file(zipped(unit.name))})
    assert response.status_code == 302
    return Submission.objects.latest("id")


def stored(people: People, name: str, content: bytes | None) -> Submission:
    """A queued submission of a unit of its own whose stored archive is `content` (None: missing from the store),
    as an upload that passed its checks could become one if the store were damaged."""
    unit = Unit.objects.create(code=name, name=f"UBND xã {name}")
    sha256 = hashlib.sha256(content or name.encode()).hexdigest()
    if content is not None:
        (DATA / "archives" / sha256).write_bytes(content)
    return Submission.objects.create(unit=unit, uploader=people.clerk_a, archive_sha256=sha256,
                                     archive_name="ho-so.zip", archive_size=len(content or b""))


def work_off_the_queue() -> None:
    """Run the service's worker until nothing is queued or being read."""
    worker = Worker(CHECK, idle_seconds=0.1)
    worker.start()
    deadline = time.monotonic() + RUN_SECONDS
    while Submission.objects.filter(status__in=(Status.QUEUED, Status.READING)).exists():
        assert time.monotonic() < deadline, "the queue was not worked off"
        time.sleep(0.2)
    worker.stop()
    worker.join()
    connection.close()


def job_of(submission: Submission) -> list[int]:
    """The submissions of the run that checked `submission`, as its job file lists them."""
    job = json.loads((submission_folder(submission) / "job.json").read_text("utf-8"))
    return [entry["submission"] for entry in job["entries"]]


def report(submission: Submission) -> Any:
    return json.loads((DATA / submission.report_folder / "report.json").read_text("utf-8"))


def files(unit: str) -> int:
    return sum(1 for path in (BATCH / unit).rglob("*") if path.is_file())


def test_queued_submissions_are_checked_together_each_on_its_own(people: People) -> None:
    first = upload(people, people.unit_a)
    again = upload(people, people.unit_a)  # the same unit's next round, the same archive
    other = upload(people, people.unit_b)
    damaged = stored(people, "hong", b"PK\x03\x04 not an archive after all")
    missing = stored(people, "mat", None)

    work_off_the_queue()
    for submission in (first, again, other, damaged, missing):
        submission.refresh_from_db()

    # one run for the oldest of each unit; the second round in the next run, alone, after the first ended
    assert job_of(first) == job_of(other) == job_of(damaged) == [first.pk, other.pk, damaged.pk]
    assert job_of(again) == [again.pk]
    assert first.finished is not None and again.started is not None and first.finished <= again.started
    # each its own report, progress and outcome; a unit checked with others gets the report it gets alone
    assert (first.status, again.status, other.status) == (Status.DONE,) * 3, (first.message, other.message)
    assert report(first) == report(again) and report(first)["unit"] == UNIT_A and report(other)["unit"] == UNIT_B
    for submission, unit in ((first, UNIT_A), (again, UNIT_A), (other, UNIT_B)):
        assert (submission.progress_done, submission.progress_total) == (files(unit), files(unit))
    # a damaged archive fails alone, with the check's reason; an upload gone from the store, as an internal error
    assert damaged.status == Status.FAILED and "không có thư mục đơn vị nào" in damaged.message
    assert missing.status == Status.FAILED and "Lỗi nội bộ" in missing.message and f"số {missing.pk}" in missing.message
    # the run's lines in the log of each submission it checked
    log = (submission_folder(other) / LOG).read_text("utf-8")
    assert log == (submission_folder(first) / LOG).read_text("utf-8")
    assert f"submission {first.pk} checked" in log and f"submission {damaged.pk} failed" in log
    # the second round is the unit's next: its page and the API compare it with the first
    answer = Client().get(f"/api/v1/submissions/{again.pk}", **bearer(people.tokens["clerk_a"])).json()
    assert answer["changes"]["previous"] == first.pk and answer["changes"]["fixed"] == []


def test_a_run_takes_the_oldest_of_each_unit_up_to_the_limit_and_a_restart_queues_them_again(
    people: People,
) -> None:
    queued = [upload(people, people.unit_a), upload(people, people.unit_b), upload(people, people.unit_a)]
    queued.append(stored(people, "ba", b"x"))
    with override_settings(KIEMCHUNG_CHECK_TOGETHER=2):
        taken = claim()
        assert taken == queued[:2]  # the third is unit A's second round; the fourth, past the limit
        assert set(Submission.objects.filter(status=Status.READING)) == set(taken)

        assert requeue_interrupted() == 2  # the server stopped in the middle of the run
        assert not Submission.objects.filter(status=Status.READING).exists()
        assert claim() == queued[:2]
        assert claim() == queued[3:]  # unit A's second round waits while its first is being read
