"""Rule `number-suffix`: a document number with a letter or sub-number after the digits."""

from __future__ import annotations

import re

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
from kiemchung.validators.scans import from_ocr

_DIGITS = re.compile(r"^\d+$")
_LEADING_DIGITS = re.compile(r"^(?P<digits>\d+)\s*(?P<suffix>.+)$")


class NumberSuffix(DocumentRule):
    """The header number carries a suffix: "số văn bản a, b".

    What it checks: that the document's own number (in the header or stamped in
    its signature) is plain Arabic digits — `11`, `05` — and not `12a`, `12 B`,
    `12.1`, `12bis` or a number written without digits.

    Why it matters: numbers run in sequence per body and year (Decree 30/2020);
    a letter or sub-number means the document was slotted in out of sequence,
    usually back-dated to fit the assessment. The council scores it 0.

    A number recognised by OCR in a scan is not judged here: OCR turns a
    handwritten "464" into "4@†", so what it read is no proof of a suffix;
    `field-unreadable` reports it for the council to read.

    Example: `Số: 12a/KH-UBND` fails; `Số: 12/KH-UBND` passes. A body citation
    "Căn cứ Kế hoạch số 12a/KH-UBND" is not the document's own number.
    """

    code = "KC201"
    name = "number-suffix"
    title = "Số văn bản có chữ/số phụ (số a, b)"
    action = (
        "Nộp văn bản có số đúng sổ đăng ký, không thêm chữ hay số phụ (a, b); văn bản đã ban hành sai số thì "
        "ban hành văn bản đính chính hoặc thay thế."
    )
    action_en = (
        "Submit the document with its registered number, no a/b suffix; a document issued so needs a "
        "correction or a replacement."
    )
    guide = """Kiểm tra gì: số của chính văn bản (ở phần đầu văn bản hoặc được đóng trong hình chữ ký số) chỉ gồm
    chữ số Ả Rập — `11`, `05` — chứ không phải `12a`, `12 B`, `12.1`, `12bis` hay số không viết bằng chữ số.

    Vì sao quan trọng: số văn bản được đánh liên tục theo từng cơ quan và từng năm (Nghị định 30/2020/NĐ-CP); chữ
    hay số phụ cho thấy văn bản được chèn ngoài thứ tự, thường là lùi ngày cho kịp kỳ đánh giá. Hội đồng thẩm định
    chấm 0 điểm.

    Số do OCR nhận dạng trên bản scan không được đánh giá ở đây: OCR đọc số “464” viết tay thành “4@†”, nên kết quả
    OCR không chứng minh được có hậu tố; quy tắc `field-unreadable` báo số này để Hội đồng tự đọc.

    Ví dụ: `Số: 12a/KH-UBND` không đạt; `Số: 12/KH-UBND` đạt. Câu trích dẫn trong nội dung “Căn cứ Kế hoạch số
    12a/KH-UBND” không phải là số của chính văn bản.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        number = facts.header.number
        if number is None or not number.value or from_ocr(facts, number):
            return NOT_APPLICABLE  # an OCR'd number is `field-unreadable`'s
        value = number.value
        if _DIGITS.match(value):
            return PASSED
        match = _LEADING_DIGITS.match(value)
        if match:
            message = (
                f"Số văn bản {quoted(value)} có hậu tố {quoted(match.group('suffix'))} sau số thứ tự "
                f"{match.group('digits')} (số chèn ngoài thứ tự, “số a, b”)."
            )
        else:
            message = f"Số văn bản {quoted(value)} không phải là số thứ tự bằng chữ số Ả Rập."
        return Verdict(Outcome.FAILED, message, Proof.of(number))
