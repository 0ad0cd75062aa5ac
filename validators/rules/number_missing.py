"""Rule `number-missing`: no document number, neither in the header nor stamped."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts
from kiemchung.validators.format import quoted
from kiemchung.validators.model import (
    NOT_APPLICABLE,
    PASSED,
    DocumentRule,
    Outcome,
    Proof,
    RuleContext,
    Severity,
    Verdict,
)
from kiemchung.validators.scans import HeaderField, is_textless_scan, unread


class NumberMissing(DocumentRule):
    """The document has no number.

    What it checks: that the header holds `Số: <number>/<symbol>` with a number,
    or that the number left blank in the body (`Số:     /KH-UBND`) was stamped
    inside a digital-signature appearance at issuance. Only a number line whose
    number is really left blank (no text and no stamp covering it) fails; a file
    where no number line is found at all (a table, an appendix without its
    reference line, a layout the reader does not know) is "could not tell":
    the council looks, and it does not zero.

    Why it matters: an issued document always has a number; a blank one is a
    draft or was never registered, so it cannot be cited as evidence.

    On a scan, a number OCR could not read (a handwritten number it dropped or
    left blank) is not called missing: `field-unreadable` asks the council to
    read it.

    Example: `Số:     /KH-UBND` with no stamped number fails; the same body with a
    signature stamp showing `Số: 11/KH-UBND` passes.
    """

    code = "KC202"
    name = "number-missing"
    title = "Thiếu số văn bản"
    action = "Nộp bản đã ban hành có số văn bản (văn thư cấp số và ký số của cơ quan), không nộp bản dự thảo."
    action_en = (
        "Submit the issued document with its number (given by the clerk, with the body's signature), not a "
        "draft."
    )
    guide = """Kiểm tra gì: phần đầu văn bản có dòng `Số: <số>/<ký hiệu>` có ghi số, hoặc số để trống trong nội dung
    (`Số:     /KH-UBND`) đã được đóng trong hình chữ ký số khi ban hành. Chỉ dòng số thật sự để trống (không có chữ
    và không có số đóng đè lên) mới không đạt; tệp không tìm thấy dòng số nào (một bảng biểu, một phụ lục không có
    dòng số, ký hiệu, một bố cục công cụ chưa nhận biết được) là “chưa xác định được”: Hội đồng thẩm định xem trực
    tiếp, và không làm 0 điểm.

    Vì sao quan trọng: văn bản đã ban hành luôn có số; văn bản để trống số là bản dự thảo hoặc chưa được vào sổ đăng
    ký, nên không thể viện dẫn làm tài liệu kiểm chứng.

    Trên bản scan, số mà OCR không đọc được (số viết tay bị OCR bỏ sót hoặc đọc thành khoảng trống) không bị coi là
    thiếu số: quy tắc `field-unreadable` đề nghị Hội đồng tự đọc.

    Ví dụ: `Số:     /KH-UBND` không có số đóng trong chữ ký số thì không đạt; cùng nội dung đó có hình chữ ký số ghi
    `Số: 11/KH-UBND` thì đạt.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if is_textless_scan(facts):
            return NOT_APPLICABLE  # nothing to read: `scanned-paper` owns this file
        if unread(facts, HeaderField.NUMBER):
            return NOT_APPLICABLE  # OCR could not read it: `field-unreadable` owns it
        number = facts.header.number
        if number is None:  # nothing says the page leaves it blank: the reader may not know this layout
            return Verdict(
                Outcome.INDETERMINATE,
                "Không tìm thấy dòng số văn bản (“Số: …/…”) ở phần đầu văn bản hay trong chữ ký số; "
                "Hội đồng mở tệp kiểm tra số văn bản trực tiếp.",
            )
        if not number.value:
            return Verdict(
                Outcome.FAILED,
                f"Số văn bản để trống ({quoted(number.raw)}) và không có số được đóng trong hình chữ ký số.",
                Proof.of(number),
            )
        return PASSED
