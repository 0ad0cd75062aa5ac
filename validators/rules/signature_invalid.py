"""Rule `signature-invalid`: a signature whose digest or value does not verify."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, Integrity, SignatureFacts
from kiemchung.validators.format import quoted
from kiemchung.validators.model import PASSED, DocumentRule, Outcome, RuleContext, Severity, Sha1Policy, Verdict
from kiemchung.validators.signatures import SHA1, at_signature, who


class SignatureInvalid(DocumentRule):
    """A digital signature is broken.

    What it checks: for every embedded signature, that the digest of the signed
    bytes matches the one in the signature and that the signature value verifies
    with the signer's public key; and that neither the signature nor its
    certificates rely on a broken algorithm (MD5, MD2, MD4, an RSA key under
    1024 bits), nor on SHA-1 when the council set `signatures.sha1 = "zero"`.
    A signature that cannot be evaluated at all (malformed, unsupported, a file
    pyHanko cannot parse) is indeterminate, and that zeroes too: "could not
    verify" is never "valid".

    Why it matters: a broken signature means the file is not the one that was
    signed — it was altered, or the signature was forged or damaged. With a
    broken digest another document can carry the same signature.

    Example: one byte of the page text changed after signing gives a digest
    mismatch; a signature over an MD5 digest fails; a signature with an empty
    /Contents cannot be evaluated.
    """

    code = "KC302"
    name = "signature-invalid"
    title = "Chữ ký số không hợp lệ"
    action = (
        "Nộp lại bản gốc lấy trực tiếp từ hệ thống quản lý văn bản; nếu chữ ký vẫn không hợp lệ, ký số lại "
        "văn bản."
    )
    action_en = (
        "Submit the original taken straight from the document management system; if the signature is still "
        "invalid, sign the document again."
    )
    guide = """Kiểm tra gì: với mỗi chữ ký số nhúng trong tệp, giá trị băm của phần dữ liệu được ký khớp với giá trị
    băm ghi trong chữ ký và giá trị chữ ký được xác minh đúng bằng khóa công khai của người ký; đồng thời cả chữ ký
    lẫn các chứng thư số của nó không dựa vào thuật toán đã bị phá vỡ (MD5, MD2, MD4, khóa RSA dưới 1024 bit), cũng
    không dựa vào SHA-1 khi Hội đồng thẩm định đặt `signatures.sha1 = "zero"`. Chữ ký hoàn toàn không đánh giá được
    (sai cấu trúc, không được hỗ trợ, tệp mà pyHanko không phân tích được) là “chưa xác định được”, và cũng làm 0
    điểm: “không xác minh được” không bao giờ là “hợp lệ”.

    Vì sao quan trọng: chữ ký số không hợp lệ nghĩa là tệp không phải tệp đã được ký — tệp đã bị sửa, hoặc chữ ký bị
    giả mạo hay hư hỏng. Với hàm băm đã bị phá vỡ, một văn bản khác có thể mang cùng chữ ký đó.

    Ví dụ: sửa một byte trong nội dung trang sau khi ký thì giá trị băm không khớp; chữ ký trên giá trị băm MD5
    không đạt; chữ ký có /Contents rỗng không đánh giá được.
    """
    severity = Severity.ERROR
    zeroes = True
    zeroes_when_indeterminate = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        for signature in facts.signatures:
            proof, detail = at_signature(signature), signature.error or signature.integrity.value
            if signature.integrity is Integrity.DIGEST_MISMATCH:
                return Verdict(
                    Outcome.FAILED,
                    f"Chữ ký số của {who(signature)} không còn khớp với nội dung tệp (tệp đã bị thay đổi sau khi ký). "
                    "Đơn vị cần nộp bản gốc đã ký số, không sửa sau khi ký.",
                    proof,
                    detail,
                )
            if signature.integrity is Integrity.BAD_SIGNATURE:
                return Verdict(
                    Outcome.FAILED,
                    f"Giá trị chữ ký số của {who(signature)} không xác thực được bằng chứng thư của người ký. "
                    "Đơn vị cần ký số lại văn bản.",
                    proof,
                    detail,
                )
            weak = _weak_algorithms(signature, context)
            if weak:
                return Verdict(
                    Outcome.FAILED,
                    f"Chữ ký số của {who(signature)} dùng thuật toán không còn an toàn ({', '.join(weak)}): "
                    "văn bản khác có thể mang cùng chữ ký, nên chữ ký không chứng minh được nội dung đã ký. "
                    "Đơn vị cần ký số lại bằng chứng thư và phần mềm ký hiện hành.",
                    at_signature(signature),
                    f"algorithms: {', '.join(weak)}",
                )
        unknown = [s for s in facts.signatures if s.integrity is Integrity.UNKNOWN]
        if unknown:
            first = unknown[0]
            return Verdict(
                Outcome.INDETERMINATE,
                f"Không kiểm tra được chữ ký số {quoted(first.field_name)}: "
                "chữ ký bị lỗi hoặc tệp hỏng cấu trúc; không thể coi là hợp lệ. Hội đồng mở tệp bằng phần mềm "
                "ký số để xem; nếu chữ ký vẫn lỗi, đơn vị cần ký số lại văn bản.",
                at_signature(first),
                first.error or "unknown",
            )
        return PASSED


def _weak_algorithms(signature: SignatureFacts, context: RuleContext) -> list[str]:
    """The broken algorithms a signature relies on, as the council reads them ("MD5", "SHA-1")."""
    weak = [name.upper() for name in signature.refused_algorithms]
    if context.sha1 is Sha1Policy.ZERO and signature.hash_algorithm == SHA1:
        weak.append("SHA-1")
    return weak
