"""Rule `no-evidence`: points claimed with nothing to prove them."""

from __future__ import annotations

from kiemchung.validators.format import vn_score
from kiemchung.validators.model import (
    NOT_APPLICABLE,
    PASSED,
    CriterionFacts,
    CriterionRule,
    Outcome,
    RuleContext,
    Severity,
    Verdict,
)


class NoEvidence(CriterionRule):
    """A criterion scored above 0 has no evidence.

    What it checks: that a criterion (or sub-criterion without sub-criteria of
    its own) for which the unit claims more than 0 points is supported by at
    least one evidence file — by folder, by citation or by title.

    Why it matters: the self-assessment must show the evidence for every score;
    a score nobody can check is a score of 0.

    Example: "1.4 Công tác tuyên truyền CCHC — tự chấm 2" with no file in a
    folder 1.4, none cited and none matching by title, fails.
    """

    code = "KC401"
    name = "no-evidence"
    title = "Không có tài liệu kiểm chứng"
    action = (
        "Bổ sung tài liệu kiểm chứng cho tiêu chí: đặt vào thư mục của tiêu chí, hoặc ghi rõ số, ký hiệu văn "
        "bản trong giải trình."
    )
    action_en = (
        "Add evidence for the criterion: in its folder, or name the document's number and symbol in the "
        "explanation."
    )
    guide = """Kiểm tra gì: tiêu chí (hoặc tiêu chí thành phần không có tiêu chí con) mà đơn vị tự chấm trên 0 điểm
    có ít nhất một tệp tài liệu kiểm chứng — theo thư mục, theo trích dẫn hoặc theo tiêu đề.

    Vì sao quan trọng: bảng tự đánh giá phải chỉ ra tài liệu kiểm chứng cho mọi điểm tự chấm; điểm mà không ai kiểm
    tra được là điểm 0.

    Ví dụ: “1.4 Công tác tuyên truyền CCHC — tự chấm 2” mà không có tệp nào trong thư mục 1.4, không có văn bản nào
    được trích dẫn và không có tệp nào khớp theo tiêu đề thì không đạt.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: CriterionFacts, context: RuleContext) -> Verdict:
        if facts.has_children or facts.self_score is None or facts.self_score <= 0:
            return NOT_APPLICABLE
        if facts.evidence_count:
            return PASSED
        return Verdict(
            Outcome.FAILED,
            f"Tiêu chí {facts.code} tự chấm {vn_score(facts.self_score)} điểm nhưng không có "
            "tài liệu kiểm chứng nào (không có thư mục, trích dẫn hay tài liệu phù hợp).",
        )
