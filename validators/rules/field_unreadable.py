"""Rule `field-unreadable`: the number or the date of a scan could not be read, so the council reads it."""

from __future__ import annotations

from dataclasses import replace

from kiemchung.extractors.models import DocumentFacts, OcrStatus
from kiemchung.validators.model import NOT_APPLICABLE, PASSED, DocumentRule, Outcome, RuleContext, Severity, Verdict
from kiemchung.validators.scans import unread_fields


class FieldUnreadable(DocumentRule):
    """The document number or issue date on a scan could not be read with confidence.

    What it checks: that the number and the date of a scanned or photographed
    document, when they come from OCR (this tool's, or the invisible OCR layer a
    scanning tool left), read as a plausible sequence number (digits only) and a
    real calendar date on the place-and-date line, every digit read with a
    confidence of at least `validators.scans.OCR_MIN_CONFIDENCE`. When they do
    not — a handwritten number read as symbols, a line OCR dropped, a day hidden
    under a stamp — or when OCR failed or found no header on the scan, the
    outcome is "could not read": the finding shows what OCR read, word by word
    with its confidence, and takes no points.

    Why it matters: on paper documents the number and the day are usually written
    by hand at issuance, and OCR misreads handwriting. Reporting a misread "464"
    as a number with a suffix, or a dropped line as a missing number, would state
    something the page does not say and score a valid document 0; the council
    checks these two fields by hand instead.

    Example: a scan whose "Số: 464/TTg-CĐS" (464 handwritten) OCR reads as
    "Số: 4@†/TTg-CĐS" is "could not read"; a printed "Số: 11/KH-UBND" read at
    confidence 96 passes; so does a born-digital PDF.
    """

    code = "KC206"
    name = "field-unreadable"
    title = "Không đọc được số/ngày trên bản scan — Hội đồng kiểm tra trực tiếp"
    action = "Hội đồng mở tệp để đọc số, ngày; đơn vị nên nộp bản điện tử có ký số thay cho bản scan."
    action_en = (
        "The council opens the file to read its number and date; the unit should submit the signed electronic"
        " document instead of a scan."
    )
    guide = """Kiểm tra gì: số và ngày của văn bản scan hoặc chụp ảnh, khi lấy từ OCR (của công cụ này, hoặc lớp chữ
    OCR ẩn do phần mềm scan tạo ra), đọc được thành một số thứ tự hợp lý (chỉ gồm chữ số) và một ngày có thật trên
    dòng địa danh, ngày tháng, mỗi chữ số được đọc với độ tin cậy ít nhất bằng
    `validators.scans.OCR_MIN_CONFIDENCE`. Khi không được như vậy — số viết tay bị đọc thành các ký hiệu lạ, một
    dòng bị OCR bỏ sót, ngày bị con dấu che — hoặc khi OCR bị lỗi hay không tìm thấy phần đầu văn bản trên bản scan,
    kết quả là “không đọc được”: phát hiện ghi lại những gì OCR đọc được, từng chữ kèm độ tin cậy, và không trừ
    điểm.

    Vì sao quan trọng: trên văn bản giấy, số và ngày thường được viết tay khi ban hành, và OCR hay đọc sai chữ viết
    tay. Báo số “464” bị đọc sai là số có hậu tố, hay một dòng bị bỏ sót là thiếu số, là khẳng định điều trang văn
    bản không hề ghi và chấm 0 điểm một văn bản hợp lệ; vì vậy Hội đồng thẩm định tự kiểm tra hai thông tin này.

    Ví dụ: bản scan có “Số: 464/TTg-CĐS” (số 464 viết tay) bị OCR đọc thành “Số: 4@†/TTg-CĐS” là “không đọc được”;
    “Số: 11/KH-UBND” in máy, đọc với độ tin cậy 96, thì đạt; bản PDF điện tử gốc (không phải bản scan) cũng đạt.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if facts.ocr is not None and facts.ocr.status in (OcrStatus.DISABLED, OcrStatus.UNAVAILABLE):
            return NOT_APPLICABLE  # nobody tried to read it: `scanned-paper` and the report's notice say why
        unread = unread_fields(facts)
        if not unread:
            return PASSED
        parts = [f"{item.field.value}: {item.reason}" for item in unread]
        proofs = dict.fromkeys(item.proof.text for item in unread if item.proof.text)  # the same line once, in order
        first = unread[0].proof
        return Verdict(
            Outcome.INDETERMINATE,
            f"Không đọc được {' và '.join(item.field.value for item in unread)} trên bản scan "
            f"({'; '.join(parts)}). Hội đồng kiểm tra trực tiếp trên văn bản.",
            replace(first, text="\n".join(proofs)),
            "; ".join(dict.fromkeys(item.detail for item in unread if item.detail)),
        )
