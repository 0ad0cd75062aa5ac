"""Rule `unsigned`: the document carries no digital signature."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, FileKind
from kiemchung.extractors.text import fold
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
from kiemchung.validators.signatures import signed


class Unsigned(DocumentRule):
    """The document is not digitally signed.

    What it checks: that a PDF holds at least one embedded digital signature
    (ký số), and that a Word file (.docx or .doc) carries a signature of its own
    (counted, not verified). An empty
    signature box does not count. Issuers the council exempts because they have
    no digital signature (config `signatures.unsigned_exempt_issuers`) pass.

    Why it matters: the council accepts only electronic documents signed
    digitally by the competent person and the organisation (Decree 30, art. 5);
    an unsigned file scores the criterion 0.

    Pictures (.jpg, .png) are left to `scanned-paper`: a photo of a paper
    document is judged there, a photo of an event is not evidence to sign.

    Example: a PDF exported from Word and uploaded without signing fails; the
    same PDF signed by the chairman and the People's Committee passes.
    """

    code = "KC301"
    name = "unsigned"
    title = "Không có chữ ký số"
    action = (
        "Nộp bản điện tử có chữ ký số của người có thẩm quyền và của cơ quan ban hành (ký số lại văn bản trên"
        " hệ thống quản lý văn bản)."
    )
    action_en = (
        "Submit the electronic document signed by the competent person and by the issuing body (sign it again"
        " in the document management system)."
    )
    guide = """Kiểm tra gì: tệp PDF có ít nhất một chữ ký số nhúng trong tệp, và tệp Word (.docx hoặc .doc) có chữ
    ký số của riêng nó (chỉ đếm, không xác minh). Ô chữ ký để trống không được tính. Cơ quan ban hành được Hội đồng
    thẩm định miễn vì chưa có chữ ký số (cấu hình `signatures.unsigned_exempt_issuers`) thì đạt.

    Vì sao quan trọng: Hội đồng chỉ nhận văn bản điện tử được người có thẩm quyền và cơ quan, tổ chức ký số (Điều 5
    Nghị định 30/2020/NĐ-CP); tệp không có chữ ký số làm tiêu chí bị chấm 0 điểm.

    Tệp ảnh (.jpg, .png) do quy tắc `scanned-paper` đánh giá: ảnh chụp văn bản giấy được đánh giá ở đó, còn ảnh chụp
    một sự kiện không phải là văn bản cần ký số.

    Ví dụ: tệp PDF xuất từ Word rồi tải lên mà không ký số thì không đạt; cùng tệp PDF đó được Chủ tịch và Ủy ban
    nhân dân ký số thì đạt.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if facts.kind is FileKind.IMAGE:
            # A picture cannot carry a signature; whether it shows a paper document is `scanned-paper`'s call.
            return NOT_APPLICABLE
        issuer = facts.header.issuer
        if issuer is not None and any(
            fold(pattern) in fold(issuer.value) for pattern in context.unsigned_exempt_issuers if pattern.strip()
        ):
            return NOT_APPLICABLE
        if signed(facts) or facts.package_signatures:
            return PASSED
        if facts.kind in (FileKind.DOCX, FileKind.DOC):
            return Verdict(Outcome.FAILED, "Tệp Word không có chữ ký số; cần nộp bản PDF đã ký số.")
        empty_fields = [field.name for field in facts.signature_fields if not field.signed]
        if empty_fields:
            return Verdict(
                Outcome.FAILED,
                f"Văn bản có ô chữ ký {quoted(empty_fields[0])} nhưng chưa được ký số.",
                Proof(", ".join(empty_fields), None, ProofKind.SIGNATURE_FIELD),
            )
        return Verdict(Outcome.FAILED, "Văn bản không có chữ ký số (không phải văn bản điện tử được ký số).")
