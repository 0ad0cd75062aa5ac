"""Rule `signature-untrusted`: a signer certificate that does not chain to a trusted root."""

from __future__ import annotations

from extractors.models import DocumentFacts, Integrity, Trust
from validators.model import (
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
from validators.signatures import when, who


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
    roots configured every signature warns and says so.
    """

    code = "KC304"
    name = "signature-untrusted"
    title = "Chứng thư ký số chưa được tin cậy"
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        checked = [s for s in facts.signatures if s.integrity is Integrity.INTACT]
        if not checked:
            return NOT_APPLICABLE
        if all(s.trust is Trust.NO_ROOTS for s in checked):
            return Verdict(
                Outcome.FAILED,
                "Chưa cấu hình chứng thư gốc tin cậy (--trust-root) nên không xác minh được nguồn gốc chứng thư ký số.",
                Proof("no trust roots configured", None, ProofKind.CONFIG),
            )
        for signature in checked:
            if signature.trust is Trust.UNTRUSTED:
                return Verdict(
                    Outcome.FAILED,
                    f"Chứng thư của {who(signature)} không chuỗi được tới chứng thư gốc "
                    f"tin cậy tại thời điểm ký ({when(signature.moment)}).",
                    Proof.of_signature(signature.trust_detail, signature),
                )
        unknown = [s for s in checked if s.trust is Trust.UNKNOWN]
        if unknown:
            return Verdict(
                Outcome.INDETERMINATE,
                f"Không xác minh được chứng thư của {who(unknown[0])}.",
                Proof.of_signature(unknown[0].trust_detail, unknown[0]),
            )
        return PASSED
