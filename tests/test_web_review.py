"""The council's review: findings confirmed or dismissed, final scores set, the audit log that keeps every
decision and refuses to change, the dashboard and its workbook.

One real check of a sample unit (no OCR, no cache) gives the report.json every test reviews, placed as a
checked submission on a real SQLite database (test_web's service and people).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kiemchung.pipeline.run import check
from tests import test_web
from tests.test_web import BATCH, CHECK, UNIT_A, UNIT_B, People, logged_in, upload_file, zipped
from tests.test_web_rounds import UNSIGNED_COPY, done_submission

fresh_service = test_web.fresh_service
people = test_web.people

from django.test import Client  # noqa: E402

from kiemchung.web.models import Action, AppendOnly, AuditEntry, Status, Submission, Unit  # noqa: E402

# In the sample unit's report: 1.1 (maximum 2, self 2) is zeroed by KC402; 8.1 (maximum 2) by an unsigned copy.
DISMISS = {"code": "KC301", "criterion": "", "path": UNSIGNED_COPY, "verdict": "dismiss",
           "reason": "Bản sao trùng với văn bản đã ký số, không cần ký lại"}
CONFIRM = {"code": "KC402", "criterion": "1.1", "path": "", "verdict": "confirm", "reason": ""}
SCORE = {"criterion": "8.1", "score": "1,5", "reason": "Văn bản gốc đã ký số; trừ 0,5 vì nộp chậm"}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report folder of one real check of unit A."""
    out = tmp_path_factory.mktemp("review")
    check(BATCH / UNIT_A, CHECK.load(), out, progress="quiet")
    return out / UNIT_A


def decide(client: Client, submission: Submission, form: dict[str, str]) -> int:
    return client.post(f"/submissions/{submission.pk}/decide/", form).status_code


def score(client: Client, submission: Submission, form: dict[str, str]) -> int:
    return client.post(f"/submissions/{submission.pk}/score/", form).status_code


def row_of(page: str, heading: str) -> str:
    """The table row whose heading cell starts with `heading`."""
    found = re.search(r'<tr[^>]*>\s*<th scope="row">' + re.escape(heading) + r".*?</tr>", page, re.S)
    assert found, heading
    return found.group(0)


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_council_dismisses_confirms_and_scores(checked: Path, people: People) -> None:
    submission = done_submission(people.unit_a, people.clerk_a, checked)
    council = logged_in(people.council)
    page = council.get(f"/submissions/{submission.pk}/").content.decode()
    assert "<dt>Tổng điểm đề xuất</dt><dd>5,5</dd>" in page and "<dt>Tổng điểm thẩm định</dt><dd>5,5</dd>" in page
    assert cells(row_of(page, "8.1 "))[:4] == ["2", "2", "0", "0"]  # maximum, self, recommended, final

    assert decide(council, submission, DISMISS) == 302
    assert decide(council, submission, CONFIRM) == 302
    assert score(council, submission, SCORE) == 302
    assert score(council, submission, {**SCORE, "score": "2", "reason": "Xem lại: đủ điểm"}) == 302

    page = council.get(f"/submissions/{submission.pk}/").content.decode()
    assert "<dt>Tổng điểm thẩm định</dt><dd>7,5</dd>" in page  # 5,5 + (2 − 0) for 8.1
    assert cells(row_of(page, "8.1 "))[:4] == ["2", "2", "0", "2 (Hội đồng)"]
    assert cells(row_of(page, "1.1 "))[:4] == ["2", "2", "0", "0"]
    dismissed = row_of(page, f"Tệp {UNSIGNED_COPY}")
    assert 'class="verdict-dismiss"' in dismissed and f"đã bác bỏ: {DISMISS['reason']}" in dismissed
    assert "đã xác nhận" in row_of(page, "Tiêu chí 1.1</th>\n      <td>KC402")
    assert "Phát hiện (" in page and "bác bỏ 1)" in page

    log = list(AuditEntry.objects.values_list("who__username", "action", "unit__name", "submission", "code",
                                              "criterion", "path", "old", "new", "reason"))
    assert log == [
        ("council", "dismiss", UNIT_A, submission.pk, "KC301", "", UNSIGNED_COPY, "", "dismiss", DISMISS["reason"]),
        ("council", "confirm", UNIT_A, submission.pk, "KC402", "1.1", "", "", "confirm", ""),
        ("council", "score", UNIT_A, submission.pk, "", "8.1", "", "0.0", "1.5", SCORE["reason"]),
        ("council", "score", UNIT_A, submission.pk, "", "8.1", "", "1.5", "2.0", "Xem lại: đủ điểm"),
    ]
    # the same decisions for scripts: the unit's clerk reads them through the API
    api = Client().get(f"/api/v1/submissions/{submission.pk}", **test_web.bearer(people.tokens["clerk_a"])).json()
    assert api["review"]["totals"] == {"self": 46.0, "recommended": 5.5, "final": 7.5}
    assert sorted((f["code"], f["verdict"], f["reason"]) for f in api["review"]["findings"]) == [
        ("KC301", "dismiss", DISMISS["reason"]), ("KC402", "confirm", "")
    ]
    assert api["review"]["scores"] == [
        {"criterion": "8.1", "recommended": 0.0, "final": 2.0, "reason": "Xem lại: đủ điểm"}
    ]
    unit_page = logged_in(people.clerk_a).get(f"/units/{people.unit_a.code}/").content.decode()
    newest = cells(re.search(r'<table class="audit">.*?<tbody>\s*(<tr>.*?</tr>)', unit_page, re.S).group(1))
    assert newest[1:] == ["council", "Cho điểm tiêu chí", "Tiêu chí 8.1", "1,5 điểm", "2 điểm", "Xem lại: đủ điểm"]
    assert f"KC301 · Tệp {UNSIGNED_COPY}" in unit_page and "chưa xem xét" in unit_page


def test_reasons_are_required_and_scores_bounded(checked: Path, people: People) -> None:
    submission = done_submission(people.unit_a, people.clerk_a, checked)
    council = logged_in(people.council)
    refusals = [
        ("decide", {**DISMISS, "reason": "  "}, "Hãy ghi lý do bác bỏ phát hiện"),
        ("decide", {**DISMISS, "path": "khong-co.pdf"}, "Không có phát hiện này"),
        ("decide", {**DISMISS, "verdict": "delete"}, "Hãy chọn «Xác nhận» hoặc «Bác bỏ»"),
        ("score", {**SCORE, "score": "2,5"}, "Hãy nhập một số từ 0 đến 2"),
        ("score", {**SCORE, "score": "-1"}, "Điểm «-1» không hợp lệ"),
        ("score", {**SCORE, "score": "nan"}, "Điểm «nan» không hợp lệ"),
        ("score", {**SCORE, "score": "hai"}, "Điểm «hai» không hợp lệ"),
        ("score", {**SCORE, "reason": ""}, "Hãy ghi lý do cho điểm tiêu chí 8.1"),
        ("score", {**SCORE, "criterion": "1"}, "chỉ cho điểm tiêu chí thành phần"),
    ]
    for route, form, message in refusals:
        response = council.post(f"/submissions/{submission.pk}/{route}/", form)
        assert response.status_code == 400 and message in response.content.decode(), form
    assert not AuditEntry.objects.exists()
    for value, stored in (("0", "0.0"), ("2", "2.0"), (" 1.25 ", "1.25")):
        assert score(council, submission, {**SCORE, "score": value}) == 302
        assert AuditEntry.objects.last().new == stored  # type: ignore[union-attr]


def test_only_the_council_decides_and_clerks_read_their_own(checked: Path, people: People) -> None:
    own = done_submission(people.unit_a, people.clerk_a, checked)
    theirs = done_submission(people.unit_b, people.clerk_b, checked)
    assert decide(logged_in(people.council), own, DISMISS) == 302
    clerk = logged_in(people.clerk_a)
    for submission, status in ((own, 403), (theirs, 404)):
        assert decide(clerk, submission, DISMISS) == status
        assert score(clerk, submission, SCORE) == status
    for user in (people.admin, people.clerk_b):  # the administrator helps, the council judges
        assert decide(logged_in(user), own, CONFIRM) == (403 if user is people.admin else 404)
    anonymous = Client().post(f"/submissions/{own.pk}/score/", SCORE)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert AuditEntry.objects.count() == 1

    page = clerk.get(f"/submissions/{own.pk}/").content.decode()
    assert f"đã bác bỏ: {DISMISS['reason']}" in page
    assert "/decide/" not in page and "/score/" not in page and 'name="verdict"' not in page


def test_the_audit_log_cannot_be_changed_or_deleted(people: People) -> None:
    logged_in(people.council).post(f"/units/{people.unit_a.code}/lock/")
    entry = AuditEntry.objects.get()
    assert (entry.who, entry.action, entry.unit) == (people.council, Action.LOCK, people.unit_a)
    entry.reason = "sửa lại"
    for attempt in (entry.save, entry.delete, AuditEntry.objects.all().delete,
                    lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="sửa lại")):
        with pytest.raises(AppendOnly):
            attempt()
    assert AuditEntry.objects.get().reason == ""
    admin = logged_in(people.admin)
    assert admin.get(f"/admin/web/auditentry/{entry.pk}/change/").status_code == 200  # read, no save button
    assert 'name="_save"' not in admin.get(f"/admin/web/auditentry/{entry.pk}/change/").content.decode()
    assert admin.post(f"/admin/web/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.post("/admin/web/auditentry/add/", {}).status_code == 403
    assert AuditEntry.objects.count() == 1


def test_locks_unlocks_and_uploads_are_logged(people: People) -> None:
    council = logged_in(people.council)
    council.post("/batch/lock/")
    council.post(f"/units/{people.unit_b.code}/unlock/")
    council.post(f"/units/{people.unit_b.code}/unlock/")  # already open: nothing done, nothing logged
    logged_in(people.clerk_b).post(f"/units/{people.unit_b.code}/upload/", {"archive": upload_file(zipped(UNIT_B))})
    upload = Submission.objects.get()
    log = list(AuditEntry.objects.values_list("who__username", "action", "unit__name", "submission", "new"))
    assert log == [("council", "lock", UNIT_B, None, ""), ("council", "lock", UNIT_A, None, ""),  # by name
                   ("council", "unlock", UNIT_B, None, ""), ("clerk_b", "upload", UNIT_B, upload.pk, "ho-so.zip")]
    page = logged_in(people.clerk_b).get(f"/units/{people.unit_b.code}/").content.decode()
    assert "Nộp hồ sơ</td>" in page and f"Lần nộp số {upload.pk}" in page and "Mở khóa hồ sơ" in page
    assert UNIT_A not in page


# --------------------------------------------------------------------------------------- dashboard and export


def batch(checked: Path, people: People) -> dict[str, Unit]:
    """Five units, one per status: A reviewed (8.1 scored 2: final 7,5), B checked, C locked and checked,
    D being checked, E never submitted."""
    units = {"A": people.unit_a, "B": people.unit_b}
    for letter in "CDE":
        units[letter] = Unit.objects.create(code=f"xa-{letter.lower()}", name=f"UBND xã Sơn {letter}")
    reviewed = done_submission(units["A"], people.clerk_a, checked)
    council = logged_in(people.council)
    assert decide(council, reviewed, DISMISS) == score(council, reviewed, {**SCORE, "score": "2"}) == 302
    for letter in "BC":
        done_submission(units[letter], people.clerk_b, checked)
    logged_in(people.council).post("/units/xa-c/lock/")
    done_submission(units["D"], people.clerk_b, None, Status.QUEUED)
    return units


def test_the_dashboard_ranks_units_by_final_total_and_filters_by_status(checked: Path, people: People) -> None:
    batch(checked, people)
    council = logged_in(people.council)
    page = council.get("/dashboard/").content.decode()
    rows = [cells(row) for row in re.findall(r"<tr>\s*<td>.*?</tr>", page, re.S)]
    names = re.findall(r'<th scope="row"><a href="/units/[^/]+/">([^<]+)</a>', page)
    assert names == [UNIT_A, UNIT_B, "UBND xã Sơn C", "UBND xã Sơn D", "UBND xã Sơn E"]  # B and C tie; then unranked
    assert rows == [
        ["1", "Đã thẩm định", "46", "5,5", "7,5", "40,5", "1"],
        ["2", "Đã có kết quả", "46", "5,5", "5,5", "40,5", "0"],
        ["2", "Đã khóa", "46", "5,5", "5,5", "40,5", "0"],
        ["—", "Đang kiểm tra", "—", "—", "—", "—", "—"],
        ["—", "Chưa nộp", "—", "—", "—", "—", "—"],
    ]
    filtered = council.get("/dashboard/?status=reviewed").content.decode()
    assert UNIT_A in filtered and UNIT_B not in filtered and '<option value="reviewed" selected>' in filtered
    assert 'href="/dashboard/export.xlsx?status=reviewed"' in filtered
    assert "Không có đơn vị nào" in council.get("/dashboard/?status=failed").content.decode()
    assert logged_in(people.admin).get("/dashboard/").status_code == 200
    assert logged_in(people.clerk_a).get("/dashboard/").status_code == 403
    assert "/dashboard/" not in logged_in(people.clerk_a).get("/").content.decode()


def test_the_dashboard_exports_as_a_workbook_with_the_decisions(checked: Path, people: People) -> None:
    batch(checked, people)
    response = logged_in(people.council).get("/dashboard/export.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="tong-hop-tham-dinh.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Tổng hợp thẩm định" and sheet["A1"].value.startswith("Tổng hợp kết quả thẩm định")
    table = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    reviewed = Submission.objects.get(unit=people.unit_a).pk
    assert table[0] == ["Hạng", "Đơn vị", "Trạng thái", "Lần nộp", "Tổng điểm tự đánh giá", "Tổng điểm đề xuất",
                        "Tổng điểm thẩm định", "Điểm có nguy cơ bị trừ", "Phát hiện bị bác bỏ",
                        "Tiêu chí Hội đồng cho điểm"]
    assert table[1] == [1, UNIT_A, "Đã thẩm định", reviewed, 46, 5.5, 7.5, 40.5, 1, 1]
    assert table[2][:3] == [2, UNIT_B, "Đã có kết quả"] and table[2][6:] == [5.5, 40.5, 0, 0]
    assert table[4] == ["—", "UBND xã Sơn D", "Đang kiểm tra", "—", "—", "—", "—", "—", "—", "—"]
    assert sheet["A3"].font.bold and sheet.freeze_panes == "A4" and sheet["G4"].number_format == "0.0#"
    filtered = load_workbook(io.BytesIO(logged_in(people.council).get("/dashboard/export.xlsx?status=locked").content))
    assert [row[1] for row in filtered.active.iter_rows(min_row=4, values_only=True)] == ["UBND xã Sơn C"]


def test_review_forms_need_their_csrf_token(checked: Path, people: People) -> None:
    submission = done_submission(people.unit_a, people.clerk_a, checked)
    council = logged_in(people.council, enforce_csrf_checks=True)
    assert decide(council, submission, DISMISS) == 403 and score(council, submission, SCORE) == 403
    assert not AuditEntry.objects.exists()
    page = council.get(f"/submissions/{submission.pk}/").content.decode()
    assert f'action="/submissions/{submission.pk}/decide/"' in page and f'/submissions/{submission.pk}/score/' in page
    assert page.count('<form method="post"') == page.count("csrfmiddlewaretoken") > 40  # every finding, every criterion
    token = council.cookies["csrftoken"].value
    assert decide(council, submission, {**DISMISS, "csrfmiddlewaretoken": token}) == 302
    assert score(council, submission, {**SCORE, "csrfmiddlewaretoken": token}) == 302
    assert AuditEntry.objects.count() == 2
