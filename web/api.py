"""The API for scripts and the provincial software: `Authorization: Bearer <token>` (`kiemchung user add
--token`), JSON in and out, the same rules of who sees what as the pages (`kiemchung.web.access`).

- `GET /api/v1/units`: the units the caller may see.
- `POST /api/v1/units/{unit}/submissions` (multipart field `archive`): 201 `{"id", "status": "queued"}`.
- `GET /api/v1/submissions/{id}`: `{"status", "progress": {"done", "total"}, "report"}`, the report being
  report.json's content once the check is done, with `"review"` (the council's decisions and the final total,
  `kiemchung.web.review`), and `"changes"` (`kiemchung.web.rounds`) when the unit has
  an earlier checked round.
Without a valid token: 401. Another unit's data: 404; the council uploading: 403; a locked unit: 423.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kiemchung.web.access import may_upload, submission_for, unit_for, visible_units
from kiemchung.web.models import ApiToken, Status
from kiemchung.web.review import review_of
from kiemchung.web.uploads import UploadRefused, accept, refusal_response
from kiemchung.web.views import read_report, round_changes

View = Callable[..., HttpResponse]


def token_required(view: View) -> View:
    """The caller is the token's owner; no session, so no CSRF token is needed (nor accepted instead)."""

    @csrf_exempt
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        found = ApiToken.objects.filter(digest=ApiToken.hash(token.strip())).select_related("user").first()
        if scheme.lower() != "bearer" or not token.strip() or found is None or not found.user.is_active:
            response = JsonResponse({"error": "Thiếu mã API hoặc mã không hợp lệ (Authorization: Bearer …)."},
                                    status=401)
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        request.user = found.user
        return view(request, *args, **kwargs)

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
        return JsonResponse({"error": "Chỉ cán bộ của đơn vị mới nộp hồ sơ cho đơn vị."}, status=403)
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
