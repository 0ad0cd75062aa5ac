"""The API for scripts and the provincial software: `Authorization: Bearer <token>` (`kiemchung user add
--token`), JSON in and out, the same rules of who sees and does what as the pages (`kiemchung.web.access`).

- `GET /api/v1/units`: the units the caller may see.
- `POST /api/v1/units/{unit}/submissions` (multipart field `archive`): 201 `{"id", "status": "queued"}`.
- `GET /api/v1/submissions/{id}`: `{"status", "progress": {"done", "total"}, "report"}`, the report being
  report.json's content once the check is done, with `"review"` (the council's decisions and the final total,
  `kiemchung.web.review`), and `"changes"` (`kiemchung.web.rounds`) when the unit has
  an earlier checked round.
- `POST /api/v1/submissions/{id}/decisions` (`{"code", "criterion", "path", "verdict", "reason"}`) and
  `POST /api/v1/submissions/{id}/scores` (`{"criterion", "score", "reason"}`): the council's decisions, taken
  by the pages' own functions (`review.decide_finding`, `review.set_score`): 201 with the submission's `"review"`.
Without a valid token: 401. Another unit's data: 404; the council uploading, anyone but the council deciding: 403;
a locked unit: 423 (uploads; the council still reviews a locked unit). Every refusal is `{"error": "<Vietnamese,
what to do>", "code": "<stable, in English>"}` (`uploads.api_refusal`; an upload's code is its `UploadRefused`'s).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kiemchung.web.access import NOT_FOUND, may_review, may_upload, submission_for, unit_for, visible_units
from kiemchung.web.models import ApiToken, Status, Submission
from kiemchung.web.review import COUNCIL_ONLY, ReviewRefused, decide_finding, review_of, set_score
from kiemchung.web.uploads import UploadRefused, accept, refusal_response
from kiemchung.web.uploads import api_refusal as error  # the API's one way to refuse, uploads included
from kiemchung.web.views import read_report, round_changes

View = Callable[..., HttpResponse]
# The fields of each decision's JSON object, as the pages' forms name them.
_FINDING_FIELDS = ("code", "criterion", "path", "verdict", "reason")
_SCORE_FIELDS = ("criterion", "score", "reason")


def token_required(view: View) -> View:
    """The caller is the token's owner; no session, so no CSRF token is needed (nor accepted instead).
    What the caller may not see is answered here as the pages answer it (404), with the API's code."""

    @csrf_exempt
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        found = ApiToken.objects.filter(digest=ApiToken.hash(token.strip())).select_related("user").first()
        if scheme.lower() != "bearer" or not token.strip() or found is None or not found.user.is_active:
            response = error(401, "invalid-token", "Thiếu mã API hoặc mã không hợp lệ (Authorization: Bearer …).")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        request.user = found.user
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return error(404, "not-found", NOT_FOUND)

    return guarded


@token_required
@require_GET
def units(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"units": [{"code": unit.code, "name": unit.name} for unit in visible_units(request.user)]})


@token_required
@require_POST
def submit(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_for(request.user, code)
    if not may_upload(request.user, unit):
        return error(403, "clerk-only", "Chỉ cán bộ của đơn vị mới nộp hồ sơ cho đơn vị.")
    try:
        submission = accept(unit, request.user, request.FILES.get("archive"))
    except UploadRefused as refusal:
        return refusal_response(request, refusal)
    return JsonResponse({"id": submission.pk, "status": submission.status}, status=201)


@token_required
@require_GET
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    shown = submission_for(request.user, pk)
    report = read_report(shown) if shown.status == Status.DONE else None
    body: dict[str, Any] = {
        "id": shown.pk,
        "unit": shown.unit.code,
        "status": shown.status,
        "progress": {"done": shown.progress_done, "total": shown.progress_total},
        "message": shown.message,
        "report": report,
    }
    since = round_changes(shown, report)
    if since is not None:
        previous, changes = since
        body["changes"] = {"previous": previous.pk, **changes.as_json()}
    if report is not None:
        body["review"] = review_of(shown, report).as_json()
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@token_required
@require_POST
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or dismiss one finding, named as the review names it (rule code, criterion or path)."""
    return _decide(request, pk, decide_finding, _FINDING_FIELDS)


@token_required
@require_POST
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    """Set one leaf criterion's final score (a JSON number, or text as typed on the page: "1,5")."""
    return _decide(request, pk, set_score, _SCORE_FIELDS)


def _decide(request: HttpRequest, pk: int, take: Callable[..., None], fields: tuple[str, ...]) -> HttpResponse:
    """As the pages' `views._review`: a submission the caller may see (else 404), the council's only (else 403),
    checked (else 409); a decision that cannot be taken as sent is refused (400) with the review's own reason."""
    shown = submission_for(request.user, pk)
    if not may_review(request.user):
        return error(403, "council-only", COUNCIL_ONLY)
    if shown.status != Status.DONE:
        return error(409, "not-checked", _not_checked(shown))
    report = read_report(shown)
    try:
        take(shown, report, request.user, _form(request, fields))
    except ReviewRefused as refusal:
        return error(400, refusal.code, refusal.message)
    return JsonResponse({"review": review_of(shown, report).as_json()}, status=201,
                        json_dumps_params={"ensure_ascii": False})


def _form(request: HttpRequest, fields: tuple[str, ...]) -> dict[str, str]:
    """The JSON object as the page's form would send it: text values, null as empty, a number as its digits."""
    example = ", ".join(f'"{field}": …' for field in fields)
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ReviewRefused(f"Nội dung yêu cầu phải là một đối tượng JSON (Content-Type: application/json), "
                            f"dạng {{{example}}}.", "invalid-json")
    form = {}
    for field, value in body.items():
        if field not in fields:
            raise ReviewRefused(f"Không có trường «{field}». Các trường: {', '.join(fields)}.", "unknown-field")
        if field == "score" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            kind = "một số (ví dụ 1.5) hoặc một chuỗi («1,5»)" if field == "score" else "một chuỗi hoặc null"
            raise ReviewRefused(f"Trường «{field}» phải là {kind}.", "invalid-field")
        form[field] = value or ""
    return form


def _not_checked(shown: Submission) -> str:
    if shown.status == Status.FAILED:
        return (f"Lần nộp số {shown.pk} không kiểm tra được nên không có kết quả để thẩm định. Hãy thẩm định lần nộp "
                f"khác của đơn vị.")
    return (f"Lần nộp số {shown.pk} chưa kiểm tra xong: chỉ thẩm định được khi đã có kết quả. Hãy đợi đến khi "
            f"trạng thái là «done» rồi gửi lại.")
