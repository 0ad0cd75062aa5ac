"""Rule `trust-roots-missing`: signatures checked for integrity only, because the council configured no roots."""

from __future__ import annotations

from kiemchung.validators.model import PASSED, Outcome, Proof, RuleContext, Severity, UnitFacts, UnitRule, Verdict


class TrustRootsMissing(UnitRule):
    """No trust roots were configured, so no signer certificate could be traced to its CA.

    What it checks: whether any of the unit's files carries an intact digital
    signature that could not be traced to a trusted root because the run was
    given none (`--trust-root`). One finding per unit, listing those files;
    `signature-untrusted` judges each file once roots are configured.

    Why it matters: without roots a signature is checked for integrity only:
    the file is the one that was signed, but anyone could have made a
    certificate with the commune's name on it. The council should know that this
    part was not checked, once, without a warning on every signed file.

    Example: a commune with ten signed plans checked without `--trust-root` gets
    one warning naming the ten files; the same commune checked with the
    government CA's root gets none.
    """

    code = "KC311"
    name = "trust-roots-missing"
    title = "Chưa cấu hình chứng thư số gốc tin cậy"
    action = "Người chạy chương trình cấu hình chứng thư số gốc (--trust-root), xem README, mục Trust roots."
    action_en = "Whoever runs the tool configures the trust roots (--trust-root); see the README, Trust roots."
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: UnitFacts, context: RuleContext) -> Verdict:
        files = facts.signed_without_roots
        if not files:
            return PASSED
        return Verdict(
            Outcome.FAILED,
            f"Chưa cấu hình chứng thư số gốc tin cậy (--trust-root) nên chữ ký số của {len(files)} tệp chỉ được "
            "kiểm tra tính toàn vẹn, chưa xác minh được chứng thư ký số do tổ chức nào cấp. Người chạy kiểm tra "
            "cần cấu hình chứng thư gốc của Ban Cơ yếu Chính phủ và các tổ chức cung cấp dịch vụ chứng thực chữ "
            "ký số công cộng (--trust-root) rồi kiểm tra lại.",
            Proof.of_documents(files),
            "no trust roots configured",
        )
