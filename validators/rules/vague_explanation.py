"""Rule `vague-explanation`: an explanation (giải trình) that proves nothing."""

from __future__ import annotations

from kiemchung.validators.format import quoted
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


class VagueExplanation(CriterionRule):
    """The explanation is unclear.

    What it checks: that the explanation of a criterion scored above 0 states
    figures or results (quantities, percentages, what was achieved) and says
    where in the evidence they are — a section or page (mục, trang, phụ lục) or
    a document cited by number. Facets are found by transparent rule-based
    matching (extractors/explanations.py). No figures and no pointer — the
    classic "Đã thực hiện đầy đủ" — fails and zeroes; a pointer or citation
    without figures, or figures without saying where, is borderline: a warning
    for the council, not a zero.

    Why it matters: the council scores 0 an explanation "không nêu rõ số liệu,
    kết quả tại mục nào của tài liệu kiểm chứng"; provincial guidance asks for
    "mục nào, trang nào".

    Example: "Đã thực hiện đầy đủ" fails; "Kế hoạch số 11/KH-UBND ngày
    30/01/2023" warns; "Ban hành 12/12 văn bản đúng hạn (100%), xem mục II trang
    2 Báo cáo số 25/BC-UBND" passes.
    """

    code = "KC402"
    name = "vague-explanation"
    title = "Giải trình không rõ ràng"
    action = (
        "Viết lại giải trình: nêu số liệu, kết quả đạt được, số, ký hiệu, ngày của văn bản và trang, mục có "
        "nội dung đó."
    )
    action_en = (
        "Rewrite the explanation: give the figures, the result, the document's number, symbol and date, and "
        "the page or section."
    )
    guide = """Kiểm tra gì: giải trình của tiêu chí tự chấm trên 0 điểm nêu số liệu hoặc kết quả (số lượng, tỷ lệ
    phần trăm, kết quả đạt được) và chỉ ra chúng nằm ở đâu trong tài liệu kiểm chứng — một mục hay một trang (mục,
    trang, phụ lục) hoặc một văn bản được trích dẫn theo số. Các yếu tố này được nhận biết bằng các quy tắc so khớp
    minh bạch (`extractors/explanations.py`). Không có số liệu và không chỉ ra vị trí — kiểu “Đã thực hiện đầy đủ”
    quen thuộc — thì không đạt và làm 0 điểm; có chỉ ra vị trí hoặc trích dẫn nhưng không có số liệu, hoặc có số
    liệu mà không nói ở đâu, là trường hợp lưng chừng: cảnh báo để Hội đồng thẩm định xem xét, không làm 0 điểm.

    Vì sao quan trọng: Hội đồng chấm 0 điểm giải trình “không nêu rõ số liệu, kết quả tại mục nào của tài liệu kiểm
    chứng”; hướng dẫn của tỉnh yêu cầu ghi rõ “mục nào, trang nào”.

    Ví dụ: “Đã thực hiện đầy đủ” không đạt; “Kế hoạch số 11/KH-UBND ngày 30/01/2023” bị cảnh báo; “Ban hành 12/12
    văn bản đúng hạn (100%), xem mục II trang 2 Báo cáo số 25/BC-UBND” đạt.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: CriterionFacts, context: RuleContext) -> Verdict:
        explanation = facts.explanation
        if explanation is None or facts.has_children or facts.self_score is None or facts.self_score <= 0:
            return NOT_APPLICABLE
        text = explanation.text.strip()
        proof = Proof.of_row(text, facts.row_number)
        if not text:
            return Verdict(Outcome.FAILED, f"Tiêu chí {facts.code} có điểm tự chấm nhưng không có giải trình.", proof)
        has_figures = bool(explanation.figures or explanation.results)
        has_pointer = bool(explanation.pointers or explanation.citations)
        if has_figures and has_pointer:
            return PASSED
        if has_pointer:
            return Verdict(
                Outcome.INDETERMINATE,
                f"Giải trình tiêu chí {facts.code} dẫn tài liệu nhưng không nêu số liệu, kết quả cụ thể.",
                proof,
            )
        if has_figures:
            return Verdict(
                Outcome.INDETERMINATE,
                f"Giải trình tiêu chí {facts.code} nêu số liệu nhưng không chỉ rõ ở mục "
                "nào, trang nào của tài liệu kiểm chứng.",
                proof,
            )
        generic = (
            f" (chỉ có câu chung chung {quoted(explanation.generic_phrases[0])})" if explanation.generic_phrases else ""
        )
        return Verdict(
            Outcome.FAILED,
            f"Giải trình tiêu chí {facts.code} không nêu số liệu, kết quả và không chỉ rõ mục, "
            f"trang của tài liệu kiểm chứng{generic}.",
            proof,
        )
