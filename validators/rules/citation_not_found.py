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
