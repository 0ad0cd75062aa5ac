"""Rule `organization-signature-missing`: signed by a person only."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, SignerKind
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
from kiemchung.validators.signatures import signed, who


class OrganizationSignatureMissing(DocumentRule):
    """No organisation signature beside the person's.

    What it checks: that among the signatures there is one whose certificate is
    the organisation's (CN is the body's name, UID usually `MST:`/`MNS:`), as
    well as the competent person's.

    Why it matters: Decree 30 (art. 5) makes an electronic document valid when
    signed by the competent person and by the organisation, whose signature
    carries the seal image. A document signed only by a person was not issued.

    Example: a plan signed by "Nguyễn Văn An" only warns; signed by him and then
    by "Ủy ban nhân dân xã Cao An" it passes.
    """

    code = "KC305"
    name = "organization-signature-missing"
    title = "Thiếu chữ ký số của cơ quan"
    action = "Văn thư ký số của cơ quan (chữ ký số tổ chức) lên văn bản rồi nộp lại."
    action_en = "Have the clerk add the organisation's digital signature, then submit it again."
    guide = """Kiểm tra gì: trong các chữ ký số có một chữ ký mà chứng thư số là của cơ quan, tổ chức (CN là tên cơ
    quan, UID thường là `MST:`/`MNS:`), bên cạnh chữ ký của người có thẩm quyền.

    Vì sao quan trọng: theo Điều 5 Nghị định 30/2020/NĐ-CP, văn bản điện tử có giá trị khi được người có thẩm quyền
    và cơ quan, tổ chức ký số; chữ ký số của cơ quan mang hình con dấu. Văn bản chỉ có chữ ký của cá nhân là chưa
    được ban hành.

    Ví dụ: kế hoạch chỉ có chữ ký của “Nguyễn Văn An” bị cảnh báo; có chữ ký của ông rồi của “Ủy ban nhân dân xã Cao
    An” thì đạt.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if not signed(facts):
            return NOT_APPLICABLE
        kinds = {signature.signer_kind for signature in signed(facts)}
        if SignerKind.ORGANIZATION in kinds:
            return PASSED
        people = ", ".join(who(s) for s in signed(facts))
        proof = Proof(people, signed(facts)[0].page, ProofKind.SIGNATURES)
        if kinds == {SignerKind.UNKNOWN}:
            return Verdict(Outcome.INDETERMINATE, f"Không xác định được chữ ký nào là của cơ quan ({people}).", proof)
        return Verdict(
            Outcome.FAILED, f"Văn bản chỉ có chữ ký số cá nhân ({people}), thiếu chữ ký số của cơ quan ban hành.", proof
        )
