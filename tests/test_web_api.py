"""The council's decisions through the API: the pages' own code path (the same audit rows, the same refusals
with an English code), the council's alone, on checked submissions only, and still open on a locked unit.

The report every test decides on is one real check of a sample unit (no OCR, no cache), placed as checked
submissions on test_web's real SQLite database, as tests/test_web_review.py does for the pages.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import test_web, test_web_review
from tests.test_web import UNIT_A, People, bearer, logged_in, upload_file, zipped
from tests.test_web_review import CONFIRM, DISMISS, SCORE
from tests.test_web_rounds import UNSIGNED_COPY, done_submission

fresh_service = test_web.fresh_service
people = test_web.people
checked = test_web_review.checked

from django.test import Client  # noqa: E402

from kiemchung.web.models import AuditEntry, Status, Submission  # noqa: E402

# The page's forms as the provincial software sends them: JSON values, null where a finding has no place of
# that kind, a score as a number.
DISMISS_JSON = {**DISMISS, "criterion": None}
CONFIRM_JSON = {**CONFIRM, "path": None}
SCORE_JSON = {**SCORE, "score": 1.5}
AUDIT = ("who__username", "action", "unit__name", "code", "criterion", "path", "old", "new", "reason")


def post(submission: Submission, route: str, body: Any, token: str) -> Any:
    """The test client's answer to a decision posted as JSON (`body` a str: sent as it is)."""
    content = body if isinstance(body, str) else json.dumps(body)
    return Client().post(f"/api/v1/submissions/{submission.pk}/{route}", content, content_type="application/json",
                         **bearer(token))


def audit(submission: Submission) -> list[tuple[str, ...]]:
    return list(AuditEntry.objects.filter(submission=submission).values_list(*AUDIT))


def review(submission: Submission, token: str) -> Any:
    return Client().get(f"/api/v1/submissions/{submission.pk}", **bearer(token)).json()["review"]


def test_the_council_decides_through_the_api_as_on_its_pages(checked: Any, people: People) -> None:
    on_page = done_submission(people.unit_a, people.clerk_a, checked)
    by_api = done_submission(people.unit_a, people.clerk_a, checked)
    council, token = logged_in(people.council), people.tokens["council"]
    again = {**SCORE, "score": "2", "reason": "Xem lại: đủ điểm"}
    for page, form, route, body in (("decide", DISMISS, "decisions", DISMISS_JSON),
                                    ("decide", CONFIRM, "decisions", CONFIRM_JSON),
                                    ("score", SCORE, "scores", SCORE_JSON),
                                    ("score", again, "scores", {**again, "score": 2})):
        assert council.post(f"/submissions/{on_page.pk}/{page}/", form).status_code == 302
        answer = post(by_api, route, body, token)
        assert answer.status_code == 201, answer.content
        assert answer.json() == {"review": review(by_api, token)}  # the decision's answer: the review as it now is

    assert audit(by_api) == audit(on_page) == [
        ("council", "dismiss", UNIT_A, "KC301", "", UNSIGNED_COPY, "", "dismiss", DISMISS["reason"]),
        ("council", "confirm", UNIT_A, "KC402", "1.1", "", "", "confirm", ""),
        ("council", "score", UNIT_A, "", "8.1", "", "0.0", "1.5", SCORE["reason"]),
        ("council", "score", UNIT_A, "", "8.1", "", "1.5", "2.0", "Xem lại: đủ điểm"),
    ]
    decided = review(by_api, people.tokens["clerk_a"])  # the unit's clerk reads them, as from the pages
    assert decided == review(on_page, people.tokens["clerk_a"])
    assert decided["totals"] == {"self": 46.0, "recommended": 5.5, "final": 7.5}
    page = logged_in(people.clerk_a).get(f"/submissions/{by_api.pk}/").content.decode()
    assert f"đã bác bỏ: {DISMISS['reason']}" in page and "2 (Hội đồng)" in page


def test_a_score_as_text_or_number_is_the_same_score(checked: Any, people: People) -> None:
    submission = done_submission(people.unit_a, people.clerk_a, checked)
    for value in (1.5, "1,5", "1.5", 0, 2, " 1.25 "):
        assert post(submission, "scores", {**SCORE_JSON, "score": value}, people.tokens["council"]).status_code == 201
    assert [new for *_, new, _ in audit(submission)] == ["1.5", "1.5", "1.5", "0.0", "2.0", "1.25"]


def test_refusals_are_the_pages_with_an_english_code(checked: Any, people: People) -> None:
    submission = done_submission(people.unit_a, people.clerk_a, checked)
    council, token = logged_in(people.council), people.tokens["council"]
    as_on_the_pages = [  # (route, body, code): the page refuses the same form with the same message
        ("decisions", {**DISMISS_JSON, "reason": "  "}, "reason-required"),
        ("decisions", {**DISMISS_JSON, "path": "khong-co.pdf"}, "unknown-finding"),
        ("decisions", {**DISMISS_JSON, "verdict": "delete"}, "unknown-verdict"),
        ("scores", {**SCORE_JSON, "score": "2,5"}, "invalid-score"),
        ("scores", {**SCORE_JSON, "score": "nan"}, "invalid-score"),
        ("scores", {**SCORE_JSON, "reason": ""}, "reason-required"),
        ("scores", {**SCORE_JSON, "criterion": "1"}, "unknown-criterion"),
    ]
    for route, body, code in as_on_the_pages:
        answer = post(submission, route, body, token)
        assert answer.status_code == 400 and answer.json()["code"] == code, body
        form = {field: "" if value is None else str(value) for field, value in body.items()}
        page = council.post(f"/submissions/{submission.pk}/{'decide' if route == 'decisions' else 'score'}/", form)
        assert page.status_code == 400 and answer.json()["error"] in page.content.decode(), body
    api_only = [
        ("scores", {**SCORE_JSON, "score": 2.5}, "invalid-score", "Hãy nhập một số từ 0 đến 2, phần thập phân"),
        ("scores", {**SCORE_JSON, "score": True}, "invalid-field", "Trường «score» phải là một số (ví dụ 1.5)"),
        ("decisions", {**DISMISS_JSON, "verdict": ["dismiss"]}, "invalid-field", "«verdict» phải là một chuỗi"),
        ("scores", {**SCORE_JSON, "diem": 2}, "unknown-field", "Không có trường «diem». Các trường: criterion,"),
        ("decisions", ["KC301"], "invalid-json", "phải là một đối tượng JSON"),
        ("decisions", "code=KC301&verdict=confirm", "invalid-json", "Content-Type: application/json"),
    ]
    for route, body, code, message in api_only:
        answer = post(submission, route, body, token)
        assert answer.status_code == 400 and answer.json()["code"] == code and message in answer.json()["error"], body
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("status", [Status.QUEUED, Status.READING, Status.FAILED])
def test_only_a_checked_submission_is_decided(people: People, status: str) -> None:
    waiting = done_submission(people.unit_a, people.clerk_a, None, status)
    answer = post(waiting, "decisions", CONFIRM_JSON, people.tokens["council"])
    assert answer.status_code == 409 and answer.json()["code"] == "not-checked"
    expected = "không kiểm tra được" if status == Status.FAILED else "Hãy đợi đến khi trạng thái là «done»"
    assert expected in answer.json()["error"]
    assert not AuditEntry.objects.exists()


def test_only_the_council_decides_and_another_units_submission_is_not_there(checked: Any, people: People) -> None:
    own = done_submission(people.unit_a, people.clerk_a, checked)
    refusals = {"clerk_a": (403, "council-only", "Chỉ Hội đồng thẩm định mới xác nhận, bác bỏ phát hiện"),
                "admin": (403, "council-only", "Chỉ Hội đồng thẩm định"),  # the administrator helps, the council judges
                "clerk_b": (404, "not-found", "Không tìm thấy, hoặc bạn không có quyền xem.")}
    for who, (status, code, message) in refusals.items():
        for route, body in (("decisions", DISMISS_JSON), ("scores", SCORE_JSON)):
            answer = post(own, route, body, people.tokens[who])
            assert (answer.status_code, answer.json()["code"]) == (status, code), (who, route)
            assert message in answer.json()["error"] and UNIT_A not in answer.content.decode(), (who, route)
    answer = Client().post(f"/api/v1/submissions/{own.pk}/decisions", json.dumps(DISMISS_JSON),
                           content_type="application/json")
    assert (answer.status_code, answer.json()["code"], answer["WWW-Authenticate"]) == (401, "invalid-token", "Bearer")
    read = Client().get(f"/api/v1/submissions/{own.pk}/decisions", **bearer(people.tokens["council"]))
    assert read.status_code == 405  # the decisions are read in the submission's "review"
    missing = post(Submission(pk=own.pk + 100), "decisions", DISMISS_JSON, people.tokens["council"])
    assert (missing.status_code, missing.json()) == (404, {"error": "Không tìm thấy, hoặc bạn không có quyền xem.",
                                                           "code": "not-found"})
    assert not AuditEntry.objects.exists()


def test_the_council_still_reviews_a_locked_unit(checked: Any, people: People) -> None:
    """The lock ends the uploads after the deadline (423); it is when the council reviews, as on the pages."""
    submission = done_submission(people.unit_a, people.clerk_a, checked)
    assert logged_in(people.council).post(f"/units/{people.unit_a.code}/lock/").status_code == 302
    upload = Client().post(f"/api/v1/units/{people.unit_a.code}/submissions", {"archive": upload_file(zipped(UNIT_A))},
                           **bearer(people.tokens["clerk_a"]))
    assert upload.status_code == 423
    assert post(submission, "decisions", DISMISS_JSON, people.tokens["council"]).status_code == 201
    assert post(submission, "scores", SCORE_JSON, people.tokens["council"]).status_code == 201
    assert [action for _, action, *_ in audit(submission)] == ["dismiss", "score"]
