"""Rule `date-out-of-period`: issued before or after the assessment period."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts
from kiemchung.validators.format import vn_date
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
from kiemchung.validators.scans import HeaderField, unread


class DateOutOfPeriod(DocumentRule):
    """The document was issued outside the assessment period.

    What it checks: that the issue date lies within the assessment period (by
    default the calendar year being assessed; a province may set other bounds in
    the configuration) and is not later than today.

    Why it matters: evidence proves what the unit did in the assessed year; a
    document from another year, or dated in the future, proves nothing for it.

    Example: for 2023, `ngày 15 tháng 12 năm 2022` fails, `ngày 05 tháng 6 năm
    2023` passes, and a date after today fails.
    """

    code = "KC204"
    name = "date-out-of-period"
    title = "Ngày ban hành ngoài kỳ đánh giá"
    action = (
        "Thay bằng văn bản ban hành trong kỳ đánh giá, hoặc giải trình vì sao văn bản này vẫn là kết quả của "
        "năm đánh giá."
    )
    action_en = (
        "Replace it with a document issued within the assessment period, or explain why it still proves this "
        "year's result."
    )
    guide = """Kiểm tra gì: ngày ban hành nằm trong kỳ đánh giá (mặc định là năm dương lịch được đánh giá; tỉnh có
    thể đặt mốc khác trong tệp cấu hình) và không muộn hơn ngày hôm nay.

    Vì sao quan trọng: tài liệu kiểm chứng chứng minh việc đơn vị đã làm trong năm đánh giá; văn bản của năm khác,
    hoặc ghi ngày trong tương lai, không chứng minh được gì cho năm đó.

    Ví dụ: với năm 2023, `ngày 15 tháng 12 năm 2022` không đạt, `ngày 05 tháng 6 năm 2023` đạt, và một ngày sau ngày
    hôm nay thì không đạt.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        located = facts.header.date
        issued = located.value.as_date() if located is not None else None
        if located is None or issued is None or unread(facts, HeaderField.DATE):
            return NOT_APPLICABLE  # a date OCR could not read surely is `field-unreadable`'s, not a fact
        period = f"{vn_date(context.period_start)} – {vn_date(context.period_end)}"
        if issued > context.today:
            message = f"Ngày ban hành {vn_date(issued)} là ngày trong tương lai (hôm nay {vn_date(context.today)})."
        elif issued < context.period_start:
            message = f"Ngày ban hành {vn_date(issued)} trước kỳ đánh giá ({period})."
        elif issued > context.period_end:
            message = f"Ngày ban hành {vn_date(issued)} sau kỳ đánh giá ({period})."
        else:
            return PASSED
        return Verdict(Outcome.FAILED, message, Proof.of(located))
