"""The pages: the units one may see, a unit with its submissions, the upload form and its audit log,
a submission with its progress and, once checked, the CLI's report, what changed since the unit's previous
round and the council's review; the council's lock on a unit or on every unit; the council's dashboard and its
workbook. Server-rendered; a page still being checked reloads itself (a `<meta http-equiv="refresh">`). The
one script, static/web/upload.js, lets the upload form send a folder (picked or dropped) as well as an archive;
without it the archive field works alone."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemchung.pipeline.reports.html import CSP as REPORT_CSP
from kiemchung.web.access import (
    NOT_FOUND,
    may_lock,
    may_review,
    may_see_dashboard,
    may_upload,
    membership,
    submission_for,
    unit_for,
    visible_units,
)
from kiemchung.web.dashboard import UnitRow, UnitStatus, dashboard, write_workbook
from kiemchung.web.models import Action, Status, Submission, Unit
from kiemchung.web.review import COUNCIL_ONLY, ReviewRefused, audit_lines, decide_finding, record, review_of, set_score
from kiemchung.web.rounds import Changes, Report, compare
from kiemchung.web.uploads import (
    UploadRefused,
    accept,
    accept_folder,
    folder_limits,
    locked_notice,
    refused,
    too_many_files,
)

View = Callable[..., HttpResponse]
# The report files a submission page offers, and how they are served.
REPORT_FILES = {
    "report.html": "text/html; charset=utf-8",
    "report.json": "application/json",
    "report.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The CLI's report page keeps its own policy (inline style, no script, nothing fetched), framed by ours only.
_REPORT_PAGE_CSP = f"{REPORT_CSP}; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"


def member_required(view: View) -> View:
    """Logged in, with a role; one who still has the printed one-time password chooses their own first."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = membership(request.user)
        if member is None:
            return HttpResponseForbidden("Tài khoản chưa được giao vai trò. Hãy liên hệ quản trị viên.")
        if member.must_change_password:
            return redirect("password")
        return view(request, *args, **kwargs)

    return guarded


@login_required
def password(request: HttpRequest) -> HttpResponse:
    """Choose one's own password (first of all after `kiemchung user add`)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        member = membership(user)
        if member is not None:
            member.must_change_password = False
            member.save(update_fields=["must_change_password"])
        return redirect("units")
    return render(request, "web/password.html", {"form": form})


@member_required
def units(request: HttpRequest) -> HttpResponse:
    rows = [(unit, unit.submissions.first()) for unit in visible_units(request.user)]
    member = membership(request.user)
    return render(request, "web/units.html", {"rows": rows, "may_lock": may_lock(request.user),
                                              "may_see_dashboard": may_see_dashboard(request.user),
                                              "batch": member.batch if member is not None else None})


@member_required
def unit(request: HttpRequest, code: str) -> HttpResponse:
    return _unit_page(request, code)


def _unit_page(request: HttpRequest, code: str, error: UploadRefused | None = None) -> HttpResponse:
    shown = unit_for(request.user, code)
    context = {
        "unit": shown,
        "submissions": shown.submissions.all()[:100],
        "may_upload": may_upload(request.user, shown),
        "may_lock": may_lock(request.user),
        "locked_notice": locked_notice(shown) if shown.locked else "",
        "error": error.message if error else "",
        "max_mb": settings.KIEMCHUNG_MAX_UPLOAD_BYTES // (1024 * 1024),
        "folder_limits": folder_limits(),
        "audit": audit_lines(shown.audit.select_related("who").order_by("-id")[:500]),
    }
    return render(request, "web/unit.html", context, status=error.status if error else 200)


@member_required
@require_POST
def upload(request: HttpRequest, code: str) -> HttpResponse:
    shown = unit_for(request.user, code)
    if not may_upload(request.user, shown):
        return HttpResponseForbidden("Chỉ cán bộ của đơn vị mới nộp hồ sơ cho đơn vị.")
    files, archive, table = request.FILES.getlist("files"), request.FILES.get("archive"), request.FILES.get("table")
    try:
        if files and archive:
            raise UploadRefused("archive-and-folder", "Hãy nộp tệp nén hoặc thư mục hồ sơ, không nộp cả hai cùng lúc.")
        if files:
            submission = accept_folder(shown, request.user, files, request.POST.get("paths", ""), table)
        else:
            submission = accept(shown, request.user, archive, table)
    except UploadRefused as refusal:
        return _unit_page(request, code, refusal)
    return redirect("submission", pk=submission.pk)


@member_required
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    return _submission_page(request, submission_for(request.user, pk))


def _submission_page(request: HttpRequest, shown: Submission, error: str = "") -> HttpResponse:
    waiting = shown.status in (Status.QUEUED, Status.READING)
    report = read_report(shown) if shown.status == Status.DONE else None
    since = round_changes(shown, report)
    context = {"submission": shown, "waiting": waiting, "previous": since[0] if since else None,
               "changes": since[1] if since else None, "error": error, "may_review": may_review(request.user),
               "review": review_of(shown, report) if report is not None else None}
    return render(request, "web/submission.html", context, status=400 if error else 200)


@member_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or dismiss one finding of a checked submission: the council."""
    return _review(request, pk, decide_finding)


@member_required
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """Set one criterion's final score: the council."""
    return _review(request, pk, set_score)


def _review(request: HttpRequest, pk: int, take: Callable[..., None]) -> HttpResponse:
    """A decision on a submission the caller may see (else 404), refused (403) unless they are the council;
    one that cannot be taken as sent shows the page again with why (400)."""
    shown = submission_for(request.user, pk)
    if not may_review(request.user):
        return HttpResponseForbidden(COUNCIL_ONLY)
    try:
        take(shown, read_report(shown), request.user, request.POST.dict())
    except ReviewRefused as refusal:
        return _submission_page(request, shown, refusal.message)
    return redirect("submission", pk=pk)


def round_changes(shown: Submission, report: Report | None) -> tuple[Submission, Changes] | None:
    """The unit's previous checked round and what `shown` (its `report`, read already) changed since; None
    unless both are checked. A round whose report is gone from the data folder (removed by hand to free space)
    is passed over for the one before it."""
    if report is None:
        return None
    # ids grow with time: the previous round is the highest id below this one's
    earlier = Submission.objects.filter(unit=shown.unit_id, status=Status.DONE, pk__lt=shown.pk)
    for previous in earlier.order_by("-pk"):
        try:
            return previous, compare(read_report(previous), report)
        except Http404:
            continue
    return None


def read_report(shown: Submission) -> Any:
    """A checked submission's report.json, as JSON values."""
    return json.loads(report_path(shown, "report.json").read_text("utf-8"))


@member_required
@require_POST
def lock(request: HttpRequest, code: str, locked: bool) -> HttpResponse:
    """Lock (`locked`) or unlock one unit: the council, after the deadline."""
    shown = unit_for(request.user, code)
    return _set_lock(request, Unit.objects.filter(pk=shown.pk), locked) or redirect("unit", code=code)


@member_required
@require_POST
def lock_batch(request: HttpRequest, locked: bool) -> HttpResponse:
    """Lock (`locked`) or unlock at once every unit the caller sees: their batch, when the deadline has passed."""
    return _set_lock(request, visible_units(request.user), locked) or redirect("units")


def _set_lock(request: HttpRequest, units: QuerySet[Unit], locked: bool) -> HttpResponse | None:
    """Refused (403) unless the caller may lock; a unit already locked keeps who locked it and when."""
    if not may_lock(request.user):
        return HttpResponseForbidden("Chỉ Hội đồng thẩm định mới khóa hoặc mở khóa hồ sơ của đơn vị.")
    changing = units.filter(locked_at=None) if locked else units.exclude(locked_at=None)
    with transaction.atomic():  # the log says what was done, all of it
        for changed in changing:
            record(request.user, Action.LOCK if locked else Action.UNLOCK, changed)
        if locked:
            changing.update(locked_at=timezone.now(), locked_by=request.user)
        else:
            changing.update(locked_at=None, locked_by=None)
    return None


@member_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Every unit's status, totals and rank, filtered by status (`?status=`): the council."""
    rows = _dashboard_rows(request)
    if rows is None:
        return HttpResponseForbidden(_DASHBOARD_REFUSED)
    return render(request, "web/dashboard.html", {"rows": rows, "statuses": list(UnitStatus),
                                                  "status": request.GET.get("status", "")})


@member_required
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard (the same filter) as a workbook, with the council's decisions."""
    rows = _dashboard_rows(request)
    if rows is None:
        return HttpResponseForbidden(_DASHBOARD_REFUSED)
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        path = Path(folder) / "tong-hop-tham-dinh.xlsx"
        write_workbook(rows, path)
        content = path.read_bytes()
    response = HttpResponse(content, content_type=REPORT_FILES["report.xlsx"])
    response.headers["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response


_DASHBOARD_REFUSED = "Bảng tổng hợp các đơn vị chỉ dành cho Hội đồng thẩm định."


def _dashboard_rows(request: HttpRequest) -> list[UnitRow] | None:
    """The dashboard's rows for the caller and the filter (None: the caller may not see the dashboard)."""
    if not may_see_dashboard(request.user):
        return None
    status = request.GET.get("status", "")
    return [row for row in dashboard(visible_units(request.user), read_report) if not status or row.status == status]


@member_required
def report_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One of the CLI's report files of a checked submission: the page inline, the others as downloads."""
    path = report_path(submission_for(request.user, pk), name)
    response = FileResponse(path.open("rb"), content_type=REPORT_FILES[name], as_attachment=name != "report.html")
    if name == "report.html":
        response.headers["Content-Security-Policy"] = _REPORT_PAGE_CSP
    return response


def report_path(shown: Submission, name: str) -> Path:
    """A report file of a checked submission (404 when it is not checked, or not a report file)."""
    if name not in REPORT_FILES or shown.status != Status.DONE or not shown.report_folder:
        raise Http404("report")
    path = Path(settings.DATA) / shown.report_folder / name
    if not path.is_file():
        raise Http404("report")
    return path


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal, in Vietnamese: most often a form left open past the session or sent twice."""
    message = "Biểu mẫu đã cũ hoặc phiên làm việc đã hết hạn. Hãy tải lại trang, đăng nhập lại nếu cần, rồi gửi lại."
    return refused(request, message, 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in Vietnamese; what went wrong is in the server's log, not on the page."""
    message = "Máy chủ gặp lỗi khi xử lý yêu cầu này. Hãy thử lại sau ít phút; nếu vẫn lỗi, báo cho quản trị viên."
    return refused(request, message, 500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 in Vietnamese: most often a request Django stopped reading, a folder of too many files among them."""
    if isinstance(exception, TooManyFilesSent):
        return refused(request, too_many_files(), 413)
    if isinstance(exception, RequestDataTooBig):
        return refused(request, "Yêu cầu gửi lên quá lớn. Hãy chia hồ sơ hoặc nén thư mục rồi nộp tệp nén.", 413)
    return refused(request, "Yêu cầu không hợp lệ. Hãy tải lại trang rồi thử lại.", 400)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404, the same for what does not exist and what the caller may not see: JSON for the API."""
    return refused(request, NOT_FOUND, 404)
