"""Rounds: what a unit's new round changed since its previous checked one, and the council's lock.

The comparison is tested on two real report.json files from the CLI's own check (no OCR, no cache): a sample
unit as it is, then the same unit with two evidence files taken out. The pages and the API are tested with
those reports placed as two checked submissions; the lock through the pages and the API as each role.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from kiemchung.pipeline.run import check
from tests import test_web
from tests.test_web import BATCH, CHECK, DATA, UNIT_A, UNIT_B, People, bearer, logged_in, upload_file, zipped

# test_web's fixtures, under their names: each test on an empty service, with its people. Importing test_web
# also set Django up on its data folder, which what follows needs.
fresh_service = test_web.fresh_service
people = test_web.people

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from kiemchung.web.models import Status, Submission, Unit  # noqa: E402
from kiemchung.web.rounds import Place, compare  # noqa: E402

# The second round leaves out a copy that is not signed (a finding that zeroes 8.1, now gone) and the only
# evidence of 1.4 (now without evidence, its explanation citing a report that is not there).
UNSIGNED_COPY = ("TC 8.1 - Kinh tế - xã hội/TLKC 8.1 - Báo cáo Tình hình kinh tế - xã hội 6 tháng đầu năm, "
                 "nhiệm vụ 6 tháng cuối năm 2023 (2).pdf")
ONLY_EVIDENCE_OF_1_4 = "TC 1.4 - Tuyên truyền CCHC/36-BC-UBND.signed.pdf"


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The report folders of two real checks of unit A: as in the samples, then without two files."""
    work = tmp_path_factory.mktemp("rounds")
    second = work / "second" / UNIT_A
    shutil.copytree(BATCH / UNIT_A, second)
    for name in (UNSIGNED_COPY, ONLY_EVIDENCE_OF_1_4):
        (second / name).unlink()
    config = CHECK.load()
    check(BATCH / UNIT_A, config, work / "first-out", progress="quiet")
    check(second, config, work / "second-out", progress="quiet")
    return work / "first-out" / UNIT_A, work / "second-out" / UNIT_A


def report(folder: Path) -> Any:
    return json.loads((folder / "report.json").read_text("utf-8"))


def test_two_real_rounds_compare_by_rule_and_place(rounds: tuple[Path, Path]) -> None:
    previous, current = report(rounds[0]), report(rounds[1])
    changes = compare(previous, current)
    assert [(change.code, change.place) for change in changes.fixed] == [("KC301", Place(path=UNSIGNED_COPY))]
    assert changes.fixed[0].message == next(finding["message"] for document in previous["evidence"]
                                            if document["path"] == UNSIGNED_COPY for finding in document["findings"])
    assert [(change.code, change.place.label) for change in changes.new] == [
        ("KC401", "Tiêu chí 1.4"), ("KC403", "Tiêu chí 1.4"), ("KC403", "Tiêu chí 8.1")]
    assert [(change.criterion, change.previous, change.current, change.label) for change in changes.scores] == [
        ("1.4", 2.0, 0.0, "2 → 0 điểm")]
    assert changes.total_label == "5,5 → 3,5 điểm"  # the CLI's "1,5 điểm"
    # The unit-wide warning counts the signed files (12, then 11): a new message, the same finding.
    unit_wide = [finding["message"] for round_ in (previous, current) for finding in round_["findings"]
                 if finding["code"] == "KC311"]
    assert len(unit_wide) == 2 and unit_wide[0] != unit_wide[1]
    assert "KC311" not in {change.code for change in (*changes.fixed, *changes.new)}
    backwards = compare(current, previous)
    assert {(c.code, c.place) for c in backwards.fixed} == {(c.code, c.place) for c in changes.new}
    assert {(c.code, c.place) for c in backwards.new} == {(c.code, c.place) for c in changes.fixed}
    assert compare(current, current).none and not changes.none


def done_submission(unit: Unit, user: Any, reports: Path | None, status: str = Status.DONE) -> Submission:
    """A submission in `status`, with the CLI's report files of `reports` when it is done."""
    submission = Submission.objects.create(unit=unit, uploader=user, archive_sha256="0" * 64,
                                           archive_name="ho-so.zip", archive_size=1, status=status)
    if reports is not None:
        folder = DATA / "reports" / str(submission.pk) / "out" / unit.name
        shutil.copytree(reports, folder)
        submission.report_folder = str(folder.relative_to(DATA))
        submission.save()
    return submission


def test_a_round_shows_what_changed_since_the_previous_checked_round(rounds: tuple[Path, Path],
                                                                      people: People) -> None:
    first = done_submission(people.unit_a, people.clerk_a, rounds[0])
    done_submission(people.unit_a, people.clerk_a, None, Status.FAILED)  # not checked: not a round to compare
    done_submission(people.unit_b, people.clerk_b, rounds[1])  # another unit's round
    second = done_submission(people.unit_a, people.clerk_a, rounds[1])
    waiting = done_submission(people.unit_a, people.clerk_a, None, Status.QUEUED)
    client = logged_in(people.clerk_a)

    page = client.get(f"/submissions/{second.pk}/").content.decode()
    assert f'Thay đổi so với lần nộp <a href="/submissions/{first.pk}/">số {first.pk}</a>' in page
    assert "Tổng điểm đề xuất: 5,5 → 3,5 điểm." in page
    assert "Đã khắc phục (1)" in page and f"<strong>Tệp {UNSIGNED_COPY}</strong> · KC301 Không có chữ ký số" in page
    assert "Phát hiện mới (3)" in page and "<strong>Tiêu chí 1.4</strong> · KC401 Không có tài liệu kiểm chứng" in page
    assert "Tiêu chí đổi điểm đề xuất (1)" in page
    assert '<th scope="row">1.4 Công tác tuyên truyền CCHC</th><td>2 → 0 điểm</td>' in page
    for shown in (first, waiting):
        assert "Thay đổi so với" not in client.get(f"/submissions/{shown.pk}/").content.decode()

    answer = client.get(f"/api/v1/submissions/{second.pk}", **bearer(people.tokens["clerk_a"])).json()
    expected = compare(report(rounds[0]), report(rounds[1])).as_json()
    assert answer["changes"] == {"previous": first.pk, **expected}
    assert answer["changes"]["scores"] == [
        {"criterion": "1.4", "title": "Công tác tuyên truyền CCHC", "previous": 2.0, "current": 0.0}]
    assert answer["changes"]["fixed"][0] == {
        "code": "KC301", "rule": "unsigned", "criterion": None, "path": UNSIGNED_COPY,
        "message": "Văn bản không có chữ ký số (không phải văn bản điện tử được ký số)."}
    assert answer["changes"]["recommended_total"] == {"previous": 5.5, "current": 3.5}
    for shown in (first, waiting):
        assert "changes" not in client.get(f"/api/v1/submissions/{shown.pk}", **bearer(people.tokens["clerk_a"])).json()


def test_a_round_with_nothing_changed_says_so(rounds: tuple[Path, Path], people: People) -> None:
    done_submission(people.unit_a, people.clerk_a, rounds[1])
    again = done_submission(people.unit_a, people.clerk_a, rounds[1])
    page = logged_in(people.council).get(f"/submissions/{again.pk}/").content.decode()
    assert "Không có phát hiện nào được khắc phục hay phát sinh" in page and "Đã khắc phục" not in page


def test_a_round_whose_report_was_removed_is_passed_over(rounds: tuple[Path, Path], people: People) -> None:
    """Reports removed by hand from the data folder (to free space) leave the newer rounds readable."""
    first = done_submission(people.unit_a, people.clerk_a, rounds[0])
    removed = done_submission(people.unit_a, people.clerk_a, rounds[0])
    third = done_submission(people.unit_a, people.clerk_a, rounds[1])
    shutil.rmtree(DATA / removed.report_folder)
    client = logged_in(people.clerk_a)
    response = client.get(f"/submissions/{third.pk}/")
    assert response.status_code == 200
    assert f'Thay đổi so với lần nộp <a href="/submissions/{first.pk}/">số {first.pk}</a>' in response.content.decode()
    answer = client.get(f"/api/v1/submissions/{third.pk}", **bearer(people.tokens["clerk_a"])).json()
    assert answer["changes"]["previous"] == first.pk


# ------------------------------------------------------------------------------------------------ the lock


def upload_answers(people: People, unit: Unit, clerk: str) -> tuple[int, str, int, str]:
    """The page's and the API's answer to `clerk` uploading unit's sample folder: (status, text) each."""
    user = people.clerk_a if clerk == "clerk_a" else people.clerk_b
    page = logged_in(user).post(f"/units/{unit.code}/upload/", {"archive": upload_file(zipped(unit.name))})
    api = Client().post(f"/api/v1/units/{unit.code}/submissions", {"archive": upload_file(zipped(unit.name))},
                        **bearer(people.tokens[clerk]))
    return page.status_code, page.content.decode(), api.status_code, api.content.decode()


def test_a_locked_unit_takes_no_upload_until_the_council_unlocks_it(people: People) -> None:
    council = logged_in(people.council)
    before = timezone.now()
    assert council.post(f"/units/{people.unit_a.code}/lock/")["Location"] == f"/units/{people.unit_a.code}/"
    unit = Unit.objects.get(pk=people.unit_a.pk)
    assert unit.locked_by == people.council and before <= unit.locked_at <= timezone.now()
    when = timezone.localtime(unit.locked_at).strftime("%H:%M ngày %d/%m/%Y")
    notice = f"Hội đồng thẩm định đã khóa hồ sơ của {UNIT_A} lúc {when} (đã hết hạn nộp)"

    page = logged_in(people.clerk_a).get(f"/units/{people.unit_a.code}/").content.decode()
    assert notice in page and 'name="archive"' not in page
    page_status, page, api_status, api = upload_answers(people, people.unit_a, "clerk_a")
    assert (page_status, api_status) == (423, 423)
    assert notice in page and 'name="archive"' not in page
    assert notice in json.loads(api)["error"] and "liên hệ Hội đồng để được mở khóa" in json.loads(api)["error"]
    assert not Submission.objects.exists()
    assert upload_answers(people, people.unit_b, "clerk_b")[::2] == (302, 201)  # the other unit is open

    council_page = council.get(f"/units/{people.unit_a.code}/").content.decode()
    assert f'action="/units/{people.unit_a.code}/unlock/"' in council_page and "Khóa bởi council" in council_page
    assert council.post(f"/units/{people.unit_a.code}/unlock/").status_code == 302
    unit.refresh_from_db()
    assert (unit.locked_at, unit.locked_by) == (None, None)
    assert 'name="archive"' in logged_in(people.clerk_a).get(f"/units/{people.unit_a.code}/").content.decode()
    assert upload_answers(people, people.unit_a, "clerk_a")[::2] == (302, 201)


def test_the_council_locks_the_whole_batch_and_an_earlier_lock_is_kept(people: People) -> None:
    logged_in(people.admin).post(f"/units/{people.unit_a.code}/lock/")
    council = logged_in(people.council)
    assert council.post("/batch/lock/")["Location"] == "/"
    locks = {unit.name: unit.locked_by for unit in Unit.objects.all()}
    assert locks == {UNIT_A: people.admin, UNIT_B: people.council}
    assert [upload_answers(people, unit, clerk)[::2] for unit, clerk in
            ((people.unit_a, "clerk_a"), (people.unit_b, "clerk_b"))] == [(423, 423), (423, 423)]
    assert council.get("/").content.decode().count("<td>Đã khóa</td>") == 2
    assert council.post("/batch/unlock/").status_code == 302
    assert not Unit.objects.filter(locked_at__isnull=False).exists()


def test_clerks_cannot_lock_or_unlock(people: People) -> None:
    logged_in(people.council).post(f"/units/{people.unit_a.code}/lock/")
    clerk = logged_in(people.clerk_a)
    for address in (f"/units/{people.unit_a.code}/unlock/", "/batch/unlock/", "/batch/lock/"):
        response = clerk.post(address)
        assert response.status_code == 403 and "Chỉ Hội đồng thẩm định" in response.content.decode(), address
    assert clerk.post(f"/units/{people.unit_b.code}/unlock/").status_code == 404  # not theirs: not there
    assert "/lock/" not in clerk.get("/").content.decode()
    locks = {unit.name: unit.locked_by for unit in Unit.objects.all()}
    assert locks == {UNIT_A: people.council, UNIT_B: None}


def test_locking_needs_the_forms_csrf_token(people: People) -> None:
    council = logged_in(people.council, enforce_csrf_checks=True)
    for address in (f"/units/{people.unit_a.code}/lock/", "/batch/lock/"):
        assert council.post(address).status_code == 403, address
    assert not Unit.objects.filter(locked_at__isnull=False).exists()
    page = council.get(f"/units/{people.unit_a.code}/").content.decode()
    assert f'action="/units/{people.unit_a.code}/lock/"' in page and "csrfmiddlewaretoken" in page
    token = council.cookies["csrftoken"].value
    assert council.post("/batch/lock/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert Unit.objects.filter(locked_at__isnull=False).count() == 2
