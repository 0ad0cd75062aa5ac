"""The council's review of a checked submission: each finding confirmed or dismissed, a criterion's final
score set, every decision (and every lock and upload) appended to the audit log.

The decisions are not kept anywhere else: a finding's verdict and a criterion's final score are the latest
audit row about them, so what the pages show and what the log says cannot drift apart. A finding is named as
`kiemchung.web.rounds` names it (rule code and place); a final score is set on a leaf criterion (a field's
score is the sum of its criteria's). The final score is the council's when it set one, else the tool's
recommendation: dismissing a finding does not recompute the score, the council says what it should be.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kiemchung.pipeline.labels import score
from kiemchung.web.access import User
from kiemchung.web.models import Action, AuditEntry, Submission, Unit
from kiemchung.web.rounds import FindingChange, Place, Report, findings_by_key, leaf_criteria

VERDICTS = {"": "chưa xem xét", Action.CONFIRM: "đã xác nhận", Action.DISMISS: "đã bác bỏ"}
COUNCIL_ONLY = "Chỉ Hội đồng thẩm định mới xác nhận, bác bỏ phát hiện và cho điểm tiêu chí."  # the pages' and API's 403
_DECISIONS = (Action.CONFIRM, Action.DISMISS, Action.SCORE)


class ReviewRefused(Exception):
    """A decision that cannot be taken as sent: what to do instead (Vietnamese) and a stable code for scripts
    (English, kebab-case: the API's `code`)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class FindingReview:
    finding: FindingChange
    verdict: str  # "", "confirm" or "dismiss"
    reason: str

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]


@dataclass(frozen=True)
class CriterionReview:
    code: str
    title: str
    max_score: float | None
    self_score: float | None
    recommended: float | None
    council: float | None  # the final score the council set, if it did
    reason: str

    @property
    def final(self) -> float | None:
        return self.recommended if self.council is None else self.council


@dataclass(frozen=True)
class Review:
    findings: tuple[FindingReview, ...]
    criteria: tuple[CriterionReview, ...]  # leaf criteria, in the report's order
    self_total: float | None
    recommended_total: float | None
    points_at_risk: float | None
    decided: bool  # any decision taken on this submission

    @property
    def final_total(self) -> float | None:
        """The recommended total moved by each score the council set (None when the report has no total)."""
        if self.recommended_total is None:
            return None
        moved = sum(c.council - (c.recommended or 0.0) for c in self.criteria if c.council is not None)
        return self.recommended_total + moved

    @property
    def dismissed(self) -> int:
        return sum(finding.verdict == Action.DISMISS for finding in self.findings)

    def as_json(self) -> dict[str, Any]:
        """The council's decisions for the API: totals, each decided finding, each criterion it scored."""
        return {
            "totals": {"self": self.self_total, "recommended": self.recommended_total, "final": self.final_total},
            "findings": [
                {**review.finding.as_json(), "verdict": review.verdict, "reason": review.reason}
                for review in self.findings
                if review.verdict
            ],
            "scores": [
                {"criterion": c.code, "recommended": c.recommended, "final": c.council, "reason": c.reason}
                for c in self.criteria
                if c.council is not None
            ],
        }


def review_of(submission: Submission, report: Report) -> Review:
    """The submission's findings and leaf criteria with the council's latest decision on each."""
    verdicts: dict[tuple[str, Place], AuditEntry] = {}
    scores: dict[str, AuditEntry] = {}
    for entry in AuditEntry.objects.filter(submission=submission, action__in=_DECISIONS):
        if entry.action == Action.SCORE:
            scores[entry.criterion] = entry
        else:
            verdicts[(entry.code, _place(entry.criterion, entry.path))] = entry
    findings = tuple(
        FindingReview(finding, verdicts[key].action if key in verdicts else "",
                      verdicts[key].reason if key in verdicts else "")
        for key, finding in findings_by_key(report).items()
    )
    criteria = tuple(
        CriterionReview(c["code"], c["title"] or "", c["max_score"], c["self_score"], c["recommended_score"],
                        float(scores[c["code"]].new) if c["code"] in scores else None,
                        scores[c["code"]].reason if c["code"] in scores else "")
        for c in leaf_criteria(report).values()
    )
    summary = report["summary"]
    return Review(findings, criteria, summary["self_score"], summary["recommended_score"], summary["points_at_risk"],
                  decided=bool(verdicts or scores))


def decide_finding(submission: Submission, report: Report, user: User, form: dict[str, str]) -> None:
    """Confirm or dismiss one finding (`form`: code, criterion, path, verdict, reason); dismissing needs a reason."""
    key = (form.get("code", ""), _place(form.get("criterion", ""), form.get("path", "")))
    verdict, reason = form.get("verdict", ""), form.get("reason", "").strip()
    if key not in findings_by_key(report):
        raise ReviewRefused("Không có phát hiện này trong báo cáo của lần nộp. Hãy tải lại trang rồi chọn lại.",
                            "unknown-finding")
    if verdict not in (Action.CONFIRM, Action.DISMISS):
        raise ReviewRefused("Hãy chọn «Xác nhận» hoặc «Bác bỏ» phát hiện.", "unknown-verdict")
    if verdict == Action.DISMISS and not reason:
        raise ReviewRefused("Hãy ghi lý do bác bỏ phát hiện: lý do được lưu vào nhật ký thẩm định.",
                            "reason-required")
    current = next((f.verdict for f in review_of(submission, report).findings if (f.finding.code, f.finding.place)
                    == key), "")
    record(user, Action(verdict), submission.unit, submission, code=key[0], criterion=key[1].criterion or "",
           path=key[1].path or "", old=current, new=verdict, reason=reason)


def set_score(submission: Submission, report: Report, user: User, form: dict[str, str]) -> None:
    """Set a leaf criterion's final score (`form`: criterion, score, reason), with the reason for it."""
    code, reason = form.get("criterion", ""), form.get("reason", "").strip()
    criterion = next((c for c in review_of(submission, report).criteria if c.code == code), None)
    if criterion is None:
        raise ReviewRefused(f"Không có tiêu chí «{code}» để cho điểm (chỉ cho điểm tiêu chí thành phần, "
                            f"điểm của lĩnh vực là tổng điểm các tiêu chí). Hãy chọn lại tiêu chí.",
                            "unknown-criterion")
    value = parse_score(form.get("score", ""), criterion.max_score)
    if not reason:
        raise ReviewRefused(f"Hãy ghi lý do cho điểm tiêu chí {code}: lý do được lưu vào nhật ký thẩm định.",
                            "reason-required")
    old = "" if criterion.final is None else str(criterion.final)
    record(user, Action.SCORE, submission.unit, submission, criterion=code, old=old, new=str(value), reason=reason)


def parse_score(text: str, maximum: float | None) -> float:
    """A score as typed, with a decimal comma ("1,5") or point, between 0 and the criterion's maximum."""
    if maximum is None:
        raise ReviewRefused("Tiêu chí này không có điểm tối đa trong bảng tự đánh giá nên không cho điểm được.",
                            "no-maximum")
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not 0 <= value <= maximum:  # NaN fails both comparisons
        raise ReviewRefused(f"Điểm «{text.strip()}» không hợp lệ. Hãy nhập một số từ 0 đến {score(maximum)}, "
                            f"phần thập phân sau dấu phẩy (ví dụ 1,5).", "invalid-score")
    return value


def record(user: User, action: Any, unit: Unit, submission: Submission | None = None, **values: str) -> None:
    """Append one row to the audit log (`action`: an `Action`, which mypy sees as a tuple without Django's type
    hints; `values`: code, criterion, path, old, new, reason)."""
    AuditEntry.objects.create(who=user, action=action, unit=unit, submission=submission, **values)


@dataclass(frozen=True)
class AuditLine:
    """An audit row as people read it."""

    entry: AuditEntry
    target: str  # the finding, the criterion or the submission it is about
    old: str
    new: str


def audit_lines(entries: Iterable[AuditEntry]) -> list[AuditLine]:
    return [AuditLine(entry, _target(entry), _value(entry, entry.old), _value(entry, entry.new)) for entry in entries]


def _target(entry: AuditEntry) -> str:
    if entry.code:
        return f"{entry.code} · {_place(entry.criterion, entry.path).label}"
    if entry.criterion:
        return f"Tiêu chí {entry.criterion}"
    return f"Lần nộp số {entry.submission_id}" if entry.submission_id else ""


def _value(entry: AuditEntry, value: str) -> str:
    if entry.action in (Action.CONFIRM, Action.DISMISS):
        return VERDICTS[value]
    if entry.action == Action.SCORE:
        return f"{score(float(value))} điểm" if value else "—"
    return value


def _place(criterion: str, path: str) -> Place:
    return Place(criterion=criterion or None, path=path or None)
