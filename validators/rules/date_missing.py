"""Rule `date-missing`: the issue date is blank, partial, absent or impossible."""

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


class DateMissing(DocumentRule):
    """The document has no complete issue date.

    What it checks: that the place-and-date line (`Cao An, ngày 30 tháng 01 năm
    2023`), or a date stamped in a signature appearance, gives a day, a month and
    a year that exist.

    Why it matters: a draft leaves the date blank (`ngày    tháng    năm 2024`);
    without a date nobody can tell whether the document falls in the assessment
    period, so the council scores it 0.

    A file where no date line is found at all is "could not tell": the council
    looks, and it does not zero.
    On a scan, a date OCR could not read (a handwritten day read as "đồ", a line
    it dropped) is not called missing: `field-unreadable` asks the council to
    read it.

    Example: `ngày    tháng    năm 2024` fails; `ngày 31 tháng 02 năm 2023` fails
    (no such day); `ngày 05 tháng 6 năm 2023` passes.
    """

    code = "KC203"
    name = "date-missing"
    title = "Thiếu ngày ban hành"
    action = "Nộp bản đã ban hành có đủ ngày, tháng, năm ban hành, không nộp bản dự thảo."
    action_en = "Submit the issued document with its day, month and year of issue, not a draft."
    guide = """Kiểm tra gì: dòng địa danh và ngày tháng (`Cao An, ngày 30 tháng 01 năm 2023`), hoặc ngày được đóng
    trong hình chữ ký số, ghi đủ ngày, tháng, năm và là một ngày có thật.

    Vì sao quan trọng: bản dự thảo để trống ngày (`ngày    tháng    năm 2024`); không có ngày thì không ai biết văn
    bản có thuộc kỳ đánh giá hay không, nên Hội đồng thẩm định chấm 0 điểm.

    Tệp không tìm thấy dòng ngày tháng nào là “chưa xác định được”: Hội đồng xem trực tiếp, và không làm 0 điểm.
    Trên bản scan, ngày mà OCR không đọc được (ngày viết tay bị đọc thành “đồ”, một dòng bị OCR bỏ sót) không bị coi
    là thiếu ngày: quy tắc `field-unreadable` đề nghị Hội đồng tự đọc.

    Ví dụ: `ngày    tháng    năm 2024` không đạt; `ngày 31 tháng 02 năm 2023` không đạt (không có ngày này);
    `ngày 05 tháng 6 năm 2023` đạt.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if is_textless_scan(facts):
            return NOT_APPLICABLE  # nothing to read: `scanned-paper` owns this file
        if unread(facts, HeaderField.DATE):
            return NOT_APPLICABLE  # OCR could not read it: `field-unreadable` owns it
        located = facts.header.date
        if located is None:  # nothing says the page leaves it blank: the reader may not know this layout
            return Verdict(
                Outcome.INDETERMINATE,
                "Không tìm thấy dòng ngày ban hành (“…, ngày … tháng … năm …”) ở phần đầu văn bản "
                "hay trong chữ ký số; Hội đồng mở tệp kiểm tra ngày ban hành trực tiếp.",
            )
        date = located.value
        if date.as_date() is not None:
            return PASSED
        blank = [name for name, part in (("ngày", date.day), ("tháng", date.month), ("năm", date.year)) if part is None]
        if blank:
            message = f"Ngày ban hành để trống phần {', '.join(blank)}: {quoted(located.raw)}."
        else:
            message = f"Ngày ban hành không tồn tại trên lịch: {quoted(located.raw)}."
        return Verdict(Outcome.FAILED, message, Proof.of(located))
