"""Rule `citation-mismatch`: a cited document differs from the one submitted."""

from __future__ import annotations

from kiemchung.validators.format import quoted, vn_date
from kiemchung.validators.model import (
    PASSED,
    CitationCheck,
    CitationStatus,
    CriterionFacts,
    CriterionRule,
    Outcome,
    Proof,
    RuleContext,
    Severity,
    Verdict,
)


def _difference(check: CitationCheck) -> str:
    parts = [] if check.other_symbol is None else [f"tài liệu có ký hiệu {check.other_symbol}"]
    if check.other_date is not None:
        parts.append(f"tài liệu ghi ngày {vn_date(check.other_date)}")
    return ", ".join(parts)


class CitationMismatch(CriterionRule):
    """A cited document exists but its date or symbol differs.

    What it checks: for every citation that matches an evidence file by number,
    that the file's symbol and issue date are the ones cited.

    Why it matters: a different date or symbol means either a careless
    citation or a different document (for example one re-issued to fit the
    assessment); the council must look.

    Example: the explanation cites "Kế hoạch số 11/KH-UBND ngày 30/01/2023" and
    the submitted plan 11/KH-UBND is dated 02/02/2023.
    """

    code = "KC404"
    name = "citation-mismatch"
    title = "Trích dẫn không khớp văn bản nộp"
    action = "Sửa trích dẫn trong giải trình (số, ký hiệu, ngày) cho khớp văn bản đã nộp."
    action_en = "Correct the citation in the explanation (number, symbol, date) to match the document submitted."
    guide = """Kiểm tra gì: với mỗi trích dẫn khớp một tệp tài liệu kiểm chứng theo số, ký hiệu và ngày ban hành của
    tệp đúng như được trích dẫn.

    Vì sao quan trọng: ngày hoặc ký hiệu khác đi nghĩa là hoặc trích dẫn cẩu thả, hoặc đó là một văn bản khác (chẳng
    hạn văn bản được ban hành lại cho kịp kỳ đánh giá); Hội đồng thẩm định cần xem xét.

    Ví dụ: giải trình trích dẫn “Kế hoạch số 11/KH-UBND ngày 30/01/2023” nhưng kế hoạch 11/KH-UBND đã nộp ghi ngày
    02/02/2023.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: CriterionFacts, context: RuleContext) -> Verdict:
        wrong = [c for c in facts.citation_checks if c.status is CitationStatus.MISMATCH]
        if not wrong:
            return PASSED
        described = "; ".join(f"{quoted(c.citation.raw)}: {_difference(c)} ({c.document})" for c in wrong)
        return Verdict(
            Outcome.FAILED,
            f"Tiêu chí {facts.code}: trích dẫn không khớp tài liệu đã nộp — {described}.",
            Proof.of_row("; ".join(c.citation.raw for c in wrong), facts.row_number),
        )
