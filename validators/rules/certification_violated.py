"""Rule `certification-violated`: a later revision does what the certifying signature forbids."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, Integrity
from kiemchung.validators.model import PASSED, DocumentRule, Outcome, RuleContext, Severity, Verdict
from kiemchung.validators.signatures import at_signature, who

# What each DocMDP permission (ISO 32000-1 12.8.2.2) allows after the certification, as the council reads it.
_PERMITS = {
    1: "không cho phép bất kỳ thay đổi nào",
    2: "chỉ cho phép điền biểu mẫu và ký thêm",
    3: "chỉ cho phép điền biểu mẫu, ký thêm và thêm chú thích",
}
_CHANGES = {
    "lta-updates": "thêm dấu thời gian hoặc dữ liệu kiểm tra hiệu lực",
    "form-filling": "ký thêm hoặc điền biểu mẫu",
    "annotations": "thêm chú thích/lớp phủ lên trang",
    "other": "sửa nội dung, trang hoặc cấu trúc",
}


class CertificationViolated(DocumentRule):
    """The document was changed beyond what its certifying signature permits.

    What it checks: a certification signature (DocMDP, as the e-office signing
    services make the first signature of a document) fixes the changes allowed
    afterwards: none (P=1), form filling and further signatures (P=2), or also
    annotations (P=3). Each later revision is compared with that permission, the
    way Adobe Reader reports "changes not permitted by the certifier". A later
    approval signature under P=1, or an annotation under P=2, breaks the
    certification even though every signature still verifies.

    Why it matters: the certifier declared the document final except for those
    changes; a file that was changed otherwise is no longer the certified
    document, whatever the later signers added.

    Example: a plan certified by the chairman with "no changes allowed" and then
    stamped by the office fails; one certified with "form filling and signing"
    and then stamped with the organisation's signature and the number and date
    widgets passes.
    """

    code = "KC309"
    name = "certification-violated"
    title = "Văn bản bị thay đổi trái quyền hạn của chữ ký chứng nhận"
    action = (
        "Nộp bản gốc đúng như khi ký chứng nhận; mọi thay đổi ngoài việc ký thêm phải làm trước khi ký chứng "
        "nhận, rồi ký lại."
    )
    action_en = (
        "Submit the original as certified; any change other than further signatures must be made before "
        "certifying, then signed again."
    )
    guide = """Kiểm tra gì: chữ ký chứng nhận (DocMDP, loại chữ ký mà các dịch vụ ký số của hệ thống quản lý văn bản
    điện tử dùng cho chữ ký đầu tiên của văn bản) quy định những thay đổi được phép sau đó: không thay đổi gì (P=1),
    điền biểu mẫu và ký thêm (P=2), hoặc thêm cả chú thích (P=3). Mỗi phiên bản sau được so với quyền đó, như cách
    Adobe Reader báo “thay đổi không được người chứng nhận cho phép”. Một chữ ký phê duyệt thêm vào khi P=1, hoặc
    một chú thích khi P=2, phá vỡ chứng nhận dù mọi chữ ký vẫn xác minh đúng.

    Vì sao quan trọng: người chứng nhận đã tuyên bố văn bản là bản cuối cùng, chỉ trừ những thay đổi đó; tệp bị thay
    đổi theo cách khác không còn là văn bản đã được chứng nhận, bất kể những người ký sau đã thêm gì.

    Ví dụ: kế hoạch được Chủ tịch ký chứng nhận “không cho phép thay đổi” rồi văn thư ký số đóng dấu thì không đạt;
    kế hoạch được ký chứng nhận “cho phép điền biểu mẫu và ký” rồi được ký số của cơ quan và điền các ô số, ngày văn
    bản thì đạt.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        for signature in facts.signatures:
            if signature.integrity is not Integrity.INTACT or signature.docmdp_ok is not False:
                continue
            permission = signature.docmdp_permission
            permits = _PERMITS.get(permission or 0, f"quyền DocMDP P={permission}")
            return Verdict(
                Outcome.FAILED,
                f"Chữ ký chứng nhận của {who(signature)} {permits}, nhưng sau đó tệp đã bị "
                f"{_CHANGES.get(signature.modification_level or '', 'thay đổi')}. "
                "Đơn vị cần nộp bản gốc đúng như khi ký.",
                at_signature(signature),
                signature.error or f"DocMDP P={permission}, modification level: {signature.modification_level}",
            )
        return PASSED
