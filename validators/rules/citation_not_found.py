"""Rule `citation-not-found`: a cited document is not among the evidence."""

from __future__ import annotations

from kiemchung.validators.format import quoted
from kiemchung.validators.model import (
    PASSED,
    CitationStatus,
    CriterionFacts,
    CriterionRule,
    Outcome,
    Proof,
    RuleContext,
    Severity,
    Verdict,
)


class CitationNotFound(CriterionRule):
    """A document cited for the criterion was not submitted.

    What it checks: that every document the explanation or the evidence column
    cites by number and symbol ("Kế hoạch số 11/KH-UBND ngày 30/01/2023") is
    among the unit's evidence files, read from their headers.

    Why it matters: the council checks what is cited; a citation without the
    file sends it hunting, and often means the document does not exist.

    Example: the explanation cites "Báo cáo số 25/BC-UBND" but no evidence file
    carries number 25 with symbol BC-UBND.
    """

    code = "KC403"
    name = "citation-not-found"
    title = "Văn bản được trích dẫn không có trong hồ sơ"
    action = "Bổ sung văn bản được trích dẫn vào hồ sơ, hoặc sửa trích dẫn cho đúng văn bản đã nộp."
    action_en = "Add the cited document to the folder, or correct the citation to the document submitted."
    guide = """Kiểm tra gì: mọi văn bản mà giải trình hoặc cột tài liệu kiểm chứng trích dẫn theo số và ký hiệu (“Kế
    hoạch số 11/KH-UBND ngày 30/01/2023”) đều có trong các tệp tài liệu kiểm chứng của đơn vị, theo số, ký hiệu đọc
    được ở phần đầu của từng tệp.

    Vì sao quan trọng: Hội đồng thẩm định kiểm tra những gì được trích dẫn; trích dẫn mà không có tệp buộc Hội đồng
    phải đi tìm, và thường có nghĩa là văn bản đó không tồn tại.

    Ví dụ: giải trình trích dẫn “Báo cáo số 25/BC-UBND” nhưng không tệp tài liệu kiểm chứng nào mang số 25 với ký
    hiệu BC-UBND.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: CriterionFacts, context: RuleContext) -> Verdict:
        missing = [c.citation for c in facts.citation_checks if c.status is CitationStatus.NOT_FOUND]
        if not missing:
            return PASSED
        cited = "; ".join(quoted(c.raw) for c in missing)
        return Verdict(
            Outcome.FAILED,
            f"Tiêu chí {facts.code} trích dẫn văn bản không có trong tài liệu kiểm chứng: {cited}.",
            Proof.of_row("; ".join(c.raw for c in missing), facts.row_number),
        )
