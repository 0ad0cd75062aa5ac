"""Rule `signature-weak-hash`: a signature made with a SHA-1 digest, when the council wants it flagged."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, Integrity
from kiemchung.validators.model import (
    NOT_APPLICABLE,
    PASSED,
    DocumentRule,
    Outcome,
    RuleContext,
    Severity,
    Sha1Policy,
    Verdict,
)
from kiemchung.validators.signatures import SHA1, at_signature, who


class SignatureWeakHash(DocumentRule):
    """A signature's message digest is SHA-1.

    What it checks: with `signatures.sha1 = "warn"`, that no intact signature
    digests the document with SHA-1. With "accept" (the default) it never fires;
    with "zero" `signature-invalid` reports such signatures instead.

    Why it matters: SHA-1 collisions can be made (SHAttered, 2017), so a SHA-1
    signature is weaker evidence than a SHA-256 one, though no forgery of an
    existing signature is known. The government signing service still signs with
    SHA-1, so whether to flag it is the council's choice.

    Example: with "warn", a plan signed through the e-office service with a SHA-1
    digest warns; the same plan signed with SHA-256 passes.
    """

    code = "KC310"
    name = "signature-weak-hash"
    title = "Chữ ký số dùng hàm băm SHA-1"
    action = "Không bắt buộc sửa: đề nghị đơn vị dùng phần mềm ký số hỗ trợ SHA-256 cho các văn bản sau."
    action_en = "Nothing to fix now: the unit should sign later documents with software that uses SHA-256."
    guide = """Kiểm tra gì: khi đặt `signatures.sha1 = "warn"`, không chữ ký số nguyên vẹn nào băm văn bản bằng
    SHA-1. Với `"accept"` (mặc định) quy tắc này không bao giờ báo; với `"zero"` thì quy tắc `signature-invalid` báo
    các chữ ký đó.

    Vì sao quan trọng: đã tạo được va chạm SHA-1 (SHAttered, 2017), nên chữ ký dùng SHA-1 là bằng chứng yếu hơn chữ
    ký dùng SHA-256, dù chưa có cách nào được biết để giả mạo một chữ ký đã có. Dịch vụ ký số của Chính phủ vẫn ký
    bằng SHA-1, nên có gắn cờ hay không là do Hội đồng thẩm định chọn.

    Ví dụ: với `"warn"`, kế hoạch được ký số qua hệ thống quản lý văn bản điện tử bằng hàm băm SHA-1 bị cảnh báo;
    cùng kế hoạch đó ký bằng SHA-256 thì đạt.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if context.sha1 is not Sha1Policy.WARN:
            return NOT_APPLICABLE
        for signature in facts.signatures:
            if signature.integrity is Integrity.INTACT and signature.hash_algorithm == SHA1:
                return Verdict(
                    Outcome.FAILED,
                    f"Chữ ký số của {who(signature)} dùng hàm băm SHA-1 (thuật toán băm: SHA-1), "
                    "đã lạc hậu; chữ ký vẫn xác thực được.",
                    at_signature(signature),
                    f"hash_algorithm={signature.hash_algorithm}",
                )
        return PASSED
