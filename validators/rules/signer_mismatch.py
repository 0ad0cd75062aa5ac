"""Rule `signer-mismatch`: no signature belongs to the issuing body named in the header."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from kiemchung.extractors.models import DocumentFacts, SignerKind
from kiemchung.extractors.text import fold, fold_spelled_out
from kiemchung.validators.format import quoted
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
from kiemchung.validators.signatures import signed, who

# Words every body's name shares; left in, they make "UBND xã Cao An" look like "UBND xã Tân Lập".
_GENERIC_WORDS = frozenset(
    {
        "uy",
        "ban",
        "nhan",
        "dan",
        "hoi",
        "dong",
        "xa",
        "phuong",
        "thi",
        "tran",
        "huyen",
        "quan",
        "thanh",
        "pho",
        "tinh",
        "so",
        "phong",
        "van",
        "cua",
    }
)


@lru_cache(maxsize=4096)  # a unit's documents name the same few bodies over and over
def comparable(name: str) -> str:
    """The distinctive part of a body's name: folded, abbreviations spelled out, generic words dropped."""
    words = re.sub(r"[^\w\s]", " ", fold_spelled_out(name)).split()
    distinctive = [word for word in words if word not in _GENERIC_WORDS]
    return " ".join(distinctive or words)


class SignerMismatch(DocumentRule):
    """The signatures are not the issuing body's, or not the named signer's.

    What it checks: that the issuer named in the header ("ỦY BAN NHÂN DÂN / XÃ
    CAO AN") matches the subject (CN or O) of at least one signer certificate;
    and, when the signature block names the signer ("Nguyễn Văn An") and the
    document carries personal signatures, that one of them is that person's.
    Names are compared without diacritics, with "UBND" spelled out and the words
    all bodies share ("ủy ban nhân dân", "xã", "huyện"…) set aside, by fuzzy
    token-set matching (threshold `signatures.signer_match_threshold`).

    Why it matters: a valid signature by another body, or by someone other than
    the official named under the document, does not make the document that
    body's or that official's — a sign of a borrowed or re-issued document.

    Example: a header "UBND XÃ CAO AN" signed by "Ủy ban nhân dân xã Tân Lập"
    warns; a plan signed for "PHÓ CHỦ TỊCH Trần Văn Bình" with Nguyễn Văn An's
    certificate warns; the chairman's plan signed with his own certificate and
    the commune's passes.
    """

    code = "KC306"
    name = "signer-mismatch"
    title = "Người ký không khớp cơ quan/người ký ban hành"
    action = "Kiểm tra người ký: người ghi ở khối chữ ký phải ký số văn bản; ký nhầm thì ký số lại."
    action_en = (
        "Check the signer: the person named in the signature block must sign it; signed by someone else, sign"
        " it again."
    )
    guide = """Kiểm tra gì: cơ quan ban hành ghi ở phần đầu văn bản (“ỦY BAN NHÂN DÂN / XÃ CAO AN”) khớp với chủ thể
    (CN hoặc O) của ít nhất một chứng thư số của người ký; và khi khối chữ ký ghi tên người ký (“Nguyễn Văn An”) và
    văn bản có chữ ký số cá nhân, thì một trong các chữ ký đó là của người này. Tên được so sánh không dấu, “UBND”
    được viết đầy đủ, các từ cơ quan nào cũng có (“ủy ban nhân dân”, “xã”, “huyện”…) được bỏ qua, bằng cách so khớp
    gần đúng theo tập từ (ngưỡng `signatures.signer_match_threshold`).

    Vì sao quan trọng: chữ ký hợp lệ của một cơ quan khác, hoặc của người khác với người có thẩm quyền ghi dưới văn
    bản, không làm văn bản trở thành của cơ quan hay người đó — đây là dấu hiệu văn bản mượn hoặc ban hành lại.

    Ví dụ: phần đầu ghi “UBND XÃ CAO AN” nhưng được ký bởi “Ủy ban nhân dân xã Tân Lập” bị cảnh báo; kế hoạch có
    khối chữ ký “PHÓ CHỦ TỊCH Trần Văn Bình” nhưng ký bằng chứng thư của Nguyễn Văn An bị cảnh báo; kế hoạch của Chủ
    tịch được ký bằng chứng thư của chính ông và của xã thì đạt.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        signatures = [s for s in signed(facts) if s.subject is not None]
        issuer, signer = facts.header.issuer, facts.header.signer_name
        if not signatures or (issuer is None and signer is None):
            return NOT_APPLICABLE
        signers = ", ".join(who(s) for s in signatures)
        if issuer is not None:
            names = [n for s in signatures if s.subject for n in (s.subject.common_name, s.subject.organization) if n]
            best = _best_match(comparable(issuer.value), [comparable(n) for n in names])
            if best < context.signer_match_threshold:
                return Verdict(
                    Outcome.FAILED,
                    f"Cơ quan ban hành {quoted(issuer.value)} không khớp với người/cơ quan "
                    f"ký số ({signers}); độ tương đồng cao nhất {best:.0f}/100.",
                    Proof.of(issuer),
                )
        people = [
            s.subject.common_name
            for s in signatures
            if s.signer_kind is SignerKind.PERSON and s.subject and s.subject.common_name
        ]
        if signer is not None and people:
            best = _best_match(fold(signer.value), [fold(person) for person in people])
            if best < context.signer_match_threshold:
                return Verdict(
                    Outcome.FAILED,
                    f"Người ký ghi trên văn bản là {quoted(signer.value)} nhưng chữ ký số "
                    f"cá nhân là của {', '.join(people)}.",
                    Proof.of(signer),
                )
        return PASSED


def _best_match(wanted: str, candidates: list[str]) -> float:
    return max((fuzz.token_set_ratio(wanted, candidate) for candidate in candidates), default=0.0)
