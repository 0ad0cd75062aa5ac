"""Rule `scanned-paper`: a scan of a paper document rather than an electronic one."""

from __future__ import annotations

from extractors.models import DocumentFacts
from validators.model import NOT_APPLICABLE, PASSED, DocumentRule, Outcome, Proof, RuleContext, Severity, Verdict
from validators.scans import is_scan, scanned_pages
from validators.signatures import signed


class ScannedPaper(DocumentRule):
    """The document is a scan of paper.

    What it checks: whether the pages are essentially one image each with no
    real text — either no text at all, or only an invisible OCR text layer. The
    message says whether the scan is unsigned or a digitised copy signed
    afterwards ("SAO Y").

    Why it matters: the council scores 0 a paper document signed by hand and
    scanned ("văn bản ký bản giấy sau đó quét lên"), even when the scan was
    digitally signed afterwards: the evidence must be the electronic original.

    Example: a PDF whose page is one 150 dpi image fails as an unsigned scan; the
    same scan signed by the People's Committee fails as a signed digitised copy;
    a born-digital report with a photo in it passes.
    """

    code = "KC308"
    name = "scanned-paper"
    title = "Văn bản giấy scan"
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if not facts.imaging:
            return NOT_APPLICABLE
        if not is_scan(facts):
            return PASSED
        scans = scanned_pages(facts)
        ocr = any(p.invisible_chars > 0 for p in scans)
        layer = " (chỉ có lớp chữ nhận dạng OCR ẩn)" if ocr else ""
        if signed(facts):
            kind = f"bản giấy được scan rồi ký số sau (bản số hóa){layer}"
        else:
            kind = f"bản giấy được scan, không có chữ ký số{layer}"
        pages = ", ".join(str(p.page) for p in scans)
        proof = Proof(
            f"pages {pages}: image covers {max(p.largest_image_coverage for p in scans):.0%} of the page",
            scans[0].page,
            "page-imaging",
        )
        return Verdict(Outcome.FAILED, f"Văn bản là {kind}, không phải văn bản điện tử gốc.", proof)
