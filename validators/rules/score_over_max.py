"""Rule `score-over-max`: a self score above the criterion's maximum."""

from __future__ import annotations

from kiemchung.validators.format import vn_score
from kiemchung.validators.model import (
    NOT_APPLICABLE,
    PASSED,
    CriterionFacts,
    CriterionRule,
    Outcome,
    Proof,
    RuleContext,
    Severity,
    Verdict,
)


class ScoreOverMax(CriterionRule):
    """The self score exceeds the maximum.

    What it checks: that the score the unit gives itself for a criterion is not
    above the criterion's maximum (from the province's criteria set, else from
    the unit's own table).

    Why it matters: a score over the maximum is an arithmetic or copying error
    that inflates the total; the recommended score is capped at the maximum.

    Example: "1.2 Báo cáo CCHC định kỳ — tối đa 1,5, tự chấm 2" fails.
    """

    code = "KC405"
    name = "score-over-max"
    title = "Điểm tự chấm vượt điểm tối đa"
    action = "Sửa điểm tự chấm, không vượt điểm tối đa của tiêu chí."
    action_en = "Correct the self-assessed score: no more than the criterion's maximum."
    guide = """Kiểm tra gì: điểm đơn vị tự chấm cho một tiêu chí không vượt điểm tối đa của tiêu chí (theo bộ tiêu
    chí của tỉnh, nếu không có thì theo bảng của chính đơn vị).

    Vì sao quan trọng: điểm vượt điểm tối đa là lỗi tính toán hoặc sao chép làm tổng điểm bị đội lên; điểm đề xuất
    được giới hạn ở điểm tối đa.

    Ví dụ: “1.2 Báo cáo CCHC định kỳ — tối đa 1,5, tự chấm 2” không đạt.
    """
    severity = Severity.ERROR
    zeroes = False

    def check(self, facts: CriterionFacts, context: RuleContext) -> Verdict:
        if facts.self_score is None or facts.max_score is None:
            return NOT_APPLICABLE
        if facts.self_score <= facts.max_score + 1e-9:
            return PASSED
        return Verdict(
            Outcome.FAILED,
            f"Tiêu chí {facts.code} tự chấm {vn_score(facts.self_score)} điểm, vượt điểm tối đa "
            f"{vn_score(facts.max_score)}.",
            Proof.of_row(facts.raw_self_score, facts.row_number),
        )
