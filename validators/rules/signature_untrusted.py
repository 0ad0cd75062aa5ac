"""Rule `signature-untrusted`: a signer certificate that does not chain to a trusted root."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, Integrity, Trust
from kiemchung.validators.model import NOT_APPLICABLE, PASSED, DocumentRule, Outcome, RuleContext, Severity, Verdict
from kiemchung.validators.signatures import at_signature, when, who


class SignatureUntrusted(DocumentRule):
    """A signer certificate is not trusted.

    What it checks: that every signer certificate chains to one of the trust
    roots the council configured (`--trust-root`), judged at the signing time
    (the timestamp if any, else the claimed time): a certificate that expired
    after signing is fine. Revocation is not checked offline unless CRLs are
    supplied.

    Why it matters: anyone can make a certificate with a commune's name on it;
    only a chain to the government CA (Ban Cơ yếu Chính phủ) or a licensed public
    CA makes the signature the body's. A warning, because the roots are the
    council's to configure.

    Example: a self-signed "Ủy ban nhân dân xã Cao An" certificate warns; with no
    roots configured there is nothing to trace to, and `trust-roots-missing`
    warns once for the unit instead.
    """

    code = "KC304"
    name = "signature-untrusted"
    title = "Chứng thư ký số chưa được tin cậy"
    action = (
        "Hội đồng kiểm tra chứng thư số gốc đã cấu hình; đơn vị ký số bằng chứng thư do tổ chức cung cấp dịch"
        " vụ chứng thực chữ ký số được cấp phép cấp."
    )
    action_en = (
        "The council checks the configured trust roots; the unit signs with a certificate from a licensed "
        "certification authority."
    )
    guide = """Kiểm tra gì: mọi chứng thư số của người ký đều dẫn được tới một trong các chứng thư số gốc tin cậy mà
    Hội đồng thẩm định đã cấu hình (`--trust-root`), xét tại thời điểm ký (theo dấu thời gian nếu có, nếu không thì
    theo thời điểm ghi trong chữ ký): chứng thư hết hạn sau khi ký vẫn được chấp nhận. Tình trạng thu hồi chứng thư
    không được kiểm tra khi không có mạng, trừ khi được cung cấp danh sách chứng thư bị thu hồi (CRL).

    Vì sao quan trọng: ai cũng có thể tự tạo một chứng thư số mang tên một xã; chỉ khi chuỗi chứng thư dẫn tới tổ
    chức chứng thực của Chính phủ (Ban Cơ yếu Chính phủ) hoặc một tổ chức cung cấp dịch vụ chứng thực chữ ký số công
    cộng được cấp phép thì chữ ký mới đúng là của cơ quan. Đây là cảnh báo, vì cấu hình chứng thư số gốc là việc của
    Hội đồng.

    Ví dụ: chứng thư tự ký mang tên “Ủy ban nhân dân xã Cao An” bị cảnh báo; khi chưa cấu hình chứng thư số gốc thì
    không có gì để đối chiếu, và thay vào đó quy tắc `trust-roots-missing` cảnh báo một lần cho cả đơn vị.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        checked = [s for s in facts.signatures if s.integrity is Integrity.INTACT]
        if not checked:
            return NOT_APPLICABLE
        if all(s.trust is Trust.NO_ROOTS for s in checked):
            return NOT_APPLICABLE  # nothing to trace to: `trust-roots-missing` says so once for the unit
        for signature in checked:
            if signature.trust is Trust.UNTRUSTED:
                return Verdict(
                    Outcome.FAILED,
                    f"Chứng thư của {who(signature)} không chuỗi được tới chứng thư gốc "
                    f"tin cậy tại thời điểm ký ({when(signature.moment)}). Đơn vị cần ký số bằng chứng thư do "
                    "Ban Cơ yếu Chính phủ hoặc tổ chức cung cấp dịch vụ chứng thực chữ ký số công cộng cấp.",
                    at_signature(signature),
                    signature.trust_detail,
                )
        unknown = [s for s in checked if s.trust is Trust.UNKNOWN]
        if unknown:
            return Verdict(
                Outcome.INDETERMINATE,
                f"Không xác minh được chứng thư của {who(unknown[0])}. Hội đồng mở tệp bằng phần mềm ký số "
                "để xem nguồn gốc chứng thư.",
                at_signature(unknown[0]),
                unknown[0].trust_detail,
            )
        return PASSED
