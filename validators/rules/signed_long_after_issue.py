"""Rule `signed-long-after-issue`: signed long after the date the document bears."""

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
from kiemchung.validators.signatures import at_signature, signed, who


class SignedLongAfterIssue(DocumentRule):
    """The first signature is much later than the issue date.

    What it checks: the days between the issue date in the header and the first
    signature's time (its timestamp, else its claimed time); more than
    `signatures.max_days_to_sign` (default 30) warns.

    Why it matters: a document is signed when it is issued. One dated in January
    but signed in June was most likely written in June and back-dated to look
    timely for the assessment.

    Example: dated 10/01/2023, signed 15/06/2023 warns; dated 30/01/2023, signed
    the same day passes.
    """

    code = "KC307"
    name = "signed-long-after-issue"
    title = "Ký số muộn so với ngày ban hành"
    action = "Giải trình vì sao văn bản được ký số muộn; các văn bản sau ký số ngay khi ban hành."
    action_en = "Explain why the document was signed late; sign later documents when they are issued."
    guide = """Kiểm tra gì: số ngày giữa ngày ban hành ghi ở phần đầu văn bản và thời điểm của chữ ký số đầu tiên
    (theo dấu thời gian, nếu không có thì theo thời điểm ghi trong chữ ký); quá `signatures.max_days_to_sign` ngày
    (mặc định 30) thì bị cảnh báo.

    Vì sao quan trọng: văn bản được ký khi ban hành. Văn bản ghi ngày tháng 1 nhưng ký vào tháng 6 rất có thể được
    soạn vào tháng 6 rồi lùi ngày cho có vẻ kịp thời với kỳ đánh giá.

    Ví dụ: ghi ngày 10/01/2023, ký ngày 15/06/2023 thì bị cảnh báo; ghi ngày 30/01/2023, ký cùng ngày thì đạt.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        located = facts.header.date
        issued = located.value.as_date() if located is not None else None
        moments = [(m, s) for s in signed(facts) if (m := s.moment) is not None]
        if issued is None or not moments:
            return NOT_APPLICABLE
        first, signature = min(moments, key=lambda pair: pair[0])
        days = (first.date() - issued).days
        if days <= context.max_days_to_sign:
            return PASSED
        return Verdict(
            Outcome.FAILED,
            f"Văn bản ghi ngày {vn_date(issued)} nhưng chữ ký số đầu tiên "
            f"({who(signature)}) ngày {vn_date(first.date())}, muộn {days} ngày (dấu hiệu ký lùi ngày).",
            Proof.of(located) if located else at_signature(signature),
            f"signed {first.isoformat()}",
        )
