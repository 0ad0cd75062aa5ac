"""Rule `scanned-paper`: a scan or photograph of a paper document rather than an electronic one."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, FileKind, OcrStatus
from kiemchung.validators.format import quoted
from kiemchung.validators.model import (
    NOT_APPLICABLE,
    PASSED,
    DocumentRule,
    Outcome,
    Proof,
    ProofKind,
    RuleContext,
    Severity,
    Verdict,
)
from kiemchung.validators.scans import is_photo, is_scan, scanned_pages, text_lines
from kiemchung.validators.signatures import signed

_OCR_MISSING = {
    OcrStatus.UNAVAILABLE: "máy kiểm tra chưa cài phần mềm nhận dạng chữ (Tesseract tiếng Việt)",
    OcrStatus.DISABLED: "lần kiểm tra này đã tắt nhận dạng chữ (OCR)",
    OcrStatus.FAILED: "không nhận dạng được chữ trong ảnh",
}


class ScannedPaper(DocumentRule):
    """The document is a scan or photograph of paper.

    What it checks: whether the pages of a PDF are essentially one image each with
    no real text — either no text at all, or only an invisible OCR text layer; the
    message says whether the scan is unsigned or a digitised copy signed
    afterwards ("SAO Y"). An image file (.jpg, .png, .tif) fails when OCR of the
    top of the picture finds a document header (the national motto, a "Số: …/…"
    line, or a type name with a date line). A picture with no header and little
    text is a photo (an event, a banner) and is not judged; without OCR, or when
    the picture is mostly text but shows no header, the outcome is undetermined
    and the council looks at it.

    Why it matters: the council scores 0 a paper document signed by hand and
    scanned ("văn bản ký bản giấy sau đó quét lên"), even when the scan was
    digitally signed afterwards: the evidence must be the electronic original. A
    phone photo of the paper is the same paper.

    Example: a PDF whose page is one 150 dpi image fails as an unsigned scan; the
    same scan signed by the People's Committee fails as a signed digitised copy; a
    born-digital report with a photo in it passes; `Kế hoạch 11.jpg` showing
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and "Số: 11/KH-UBND" fails; a photo of
    the commune's reform banner is not judged.
    """

    code = "KC308"
    name = "scanned-paper"
    title = "Văn bản giấy scan"
    action = "Nộp bản điện tử có ký số thay cho bản giấy scan (hoặc bản sao điện tử có ký số của cơ quan)."
    action_en = (
        "Submit the digitally signed electronic document instead of a scan of paper (or a signed electronic "
        "copy by the body)."
    )
    guide = """Kiểm tra gì: các trang của tệp PDF có phải về cơ bản mỗi trang là một hình ảnh, không có chữ thật hay
    không — hoặc hoàn toàn không có chữ, hoặc chỉ có lớp chữ OCR ẩn; thông báo nêu rõ đó là bản scan chưa ký số hay
    bản số hóa được ký số sau đó (“SAO Y”). Tệp ảnh (.jpg, .png, .tif) không đạt khi OCR phần trên của ảnh tìm thấy
    phần đầu của một văn bản (Quốc hiệu, dòng “Số: …/…”, hoặc tên loại văn bản kèm dòng ngày tháng). Ảnh không có
    phần đầu văn bản và ít chữ là ảnh chụp (một sự kiện, một băng rôn) và không được đánh giá; khi không có OCR,
    hoặc khi ảnh chủ yếu là chữ nhưng không thấy phần đầu văn bản, kết quả là “chưa xác định được” và Hội đồng thẩm
    định xem trực tiếp.

    Vì sao quan trọng: Hội đồng chấm 0 điểm văn bản ký trên bản giấy rồi scan (“văn bản ký bản giấy sau đó quét
    lên”), kể cả khi bản scan được ký số sau đó: tài liệu kiểm chứng phải là bản điện tử gốc. Ảnh chụp văn bản giấy
    bằng điện thoại cũng là văn bản giấy.

    Ví dụ: tệp PDF có trang là một hình ảnh 150 dpi không đạt vì là bản scan chưa ký số; cùng bản scan đó được Ủy
    ban nhân dân ký số không đạt vì là bản số hóa có ký số; báo cáo điện tử gốc có chèn ảnh thì đạt;
    `Kế hoạch 11.jpg` có “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM” và “Số: 11/KH-UBND” không đạt; ảnh chụp băng rôn tuyên
    truyền cải cách hành chính của xã không được đánh giá.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if facts.kind is FileKind.IMAGE:
            return _judge_image(facts)
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
        coverage = max(p.largest_image_coverage for p in scans)
        return Verdict(
            Outcome.FAILED,
            f"Văn bản là {kind}, không phải văn bản điện tử gốc (trang {pages}: ảnh chiếm {coverage:.0%} trang). "
            "Đơn vị cần nộp bản điện tử gốc được ký số.",
            Proof("", scans[0].page, ProofKind.PAGE_IMAGING),
            f"pages {pages}: image covers {coverage:.0%} of the page",
        )


def _judge_image(facts: DocumentFacts) -> Verdict:
    """A picture file: paper when OCR reads a document header, a photo when it reads little text."""
    ocr = facts.ocr
    if ocr is None or ocr.status is not OcrStatus.READ:
        status = ocr.status if ocr is not None else OcrStatus.FAILED
        return Verdict(
            Outcome.INDETERMINATE,
            f"Tệp ảnh chưa xác định được nội dung: {_OCR_MISSING[status]} nên không biết đây là ảnh "
            "chụp/scan văn bản giấy hay ảnh hoạt động. Cần xem trực tiếp: nếu là văn bản giấy thì "
            "không phải văn bản điện tử gốc có ký số.",
            detail=ocr.detail if ocr is not None else "no OCR facts",
        )
    if ocr.header_found:
        shown = "; ".join(quoted(line) for line in ocr.header_evidence[:2])
        return Verdict(
            Outcome.FAILED,
            f"Tệp ảnh là ảnh chụp/scan văn bản giấy (nhận dạng được phần đầu văn bản: {shown}), "
            "không có chữ ký số, không phải văn bản điện tử gốc.",
            Proof("\n".join(ocr.header_evidence), ocr.page, ProofKind.OCR),
        )
    if is_photo(facts):
        return NOT_APPLICABLE  # a photo of an event or a banner: not a document, nothing to judge
    return Verdict(
        Outcome.INDETERMINATE,
        f"Tệp ảnh có nhiều dòng chữ ({len(text_lines(ocr))} dòng ở phần trên) nhưng không nhận ra phần đầu "
        "văn bản (quốc hiệu, số, ký hiệu); có thể là ảnh chụp/scan một trang văn bản giấy. Cần xem trực tiếp.",
        Proof("\n".join(line.text for line in ocr.lines[:3]), ocr.page, ProofKind.OCR),
    )
