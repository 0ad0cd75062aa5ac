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
    guide = """Kiểm tra gì: có tệp nào của đơn vị mang chữ ký số nguyên vẹn nhưng không đối chiếu được tới chứng thư
    số gốc tin cậy vì lần chạy không được cung cấp chứng thư số gốc nào (`--trust-root`) hay không. Mỗi đơn vị một
    phát hiện, liệt kê các tệp đó; khi đã cấu hình chứng thư số gốc, quy tắc `signature-untrusted` đánh giá từng
    tệp.

    Vì sao quan trọng: không có chứng thư số gốc thì chữ ký số chỉ được kiểm tra tính toàn vẹn: tệp đúng là tệp đã
    được ký, nhưng ai cũng có thể đã tự tạo một chứng thư số mang tên xã. Hội đồng thẩm định cần biết phần này chưa
    được kiểm tra — báo một lần, không cảnh báo trên từng tệp có ký số.

    Ví dụ: một xã có mười kế hoạch đã ký số, được kiểm tra mà không có `--trust-root`, nhận một cảnh báo nêu tên
    mười tệp đó; cùng xã đó được kiểm tra với chứng thư số gốc của tổ chức chứng thực của Chính phủ thì không nhận
    cảnh báo nào.
    """
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
