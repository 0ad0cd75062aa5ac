"""Rule `signer-mismatch`: no signature belongs to the issuing body named in the header."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from extractors.models import DocumentFacts
from extractors.text import fold
from validators.format import quoted
from validators.model import NOT_APPLICABLE, PASSED, DocumentRule, Outcome, Proof, RuleContext, Severity, Verdict
from validators.signatures import signed, who

# Abbreviations certificates and headers use for the same words.
_EXPANSIONS = (
    (re.compile(r"\bubnd\b"), "uy ban nhan dan"),
    (re.compile(r"\bhdnd\b"), "hoi dong nhan dan"),
    (re.compile(r"\btp\b"), "thanh pho"),
    (re.compile(r"\btt\b"), "thi tran"),
)


# Words every body's name shares; left in, they make "UBND xã Cao An" look like "UBND xã Tân Lập".
_GENERIC_WORDS = frozenset(
    {"uy", "ban", "nhan", "dan", "hoi", "dong", "xa", "phuong", "thi", "tran", "huyen", "quan", "thanh", "pho",
     "tinh", "so", "phong", "van", "cua"}
)


def comparable(name: str) -> str:
    """The distinctive part of a body's name: folded, abbreviations spelled out, generic words dropped."""
    text = fold(name)
    for pattern, spelled_out in _EXPANSIONS:
        text = pattern.sub(spelled_out, text)
    words = re.sub(r"[^\w\s]", " ", text).split()
    distinctive = [word for word in words if word not in _GENERIC_WORDS]
    return " ".join(distinctive or words)


class SignerMismatch(DocumentRule):
    """The signatures are not the issuing body's.

    What it checks: that the issuer named in the header ("ỦY BAN NHÂN DÂN / XÃ
    CAO AN") matches the subject (CN or O) of at least one signer certificate,
    compared without diacritics, with "UBND" spelled out and the words all bodies
    share ("ủy ban nhân dân", "xã", "huyện"…) set aside, by fuzzy token-set
    matching (threshold `signatures.signer_match_threshold`).

    Why it matters: a valid signature by another body does not make the
    document this body's — a sign of a document borrowed from another unit.

    Example: a header "UBND XÃ CAO AN" signed by "Ủy ban nhân dân xã Tân Lập"
    warns; signed by "Ủy ban nhân dân xã Cao An" it passes.
    """

    code = "KC306"
    name = "signer-mismatch"
    title = "Người ký không khớp cơ quan ban hành"
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        issuer = facts.header.issuer
        subjects = [s.subject for s in signed(facts) if s.subject is not None]
        if issuer is None or not subjects:
            return NOT_APPLICABLE
        wanted = comparable(issuer.value)
        best = 0.0
        for subject in subjects:
            for name in (subject.common_name, subject.organization):
                if name:
                    best = max(best, fuzz.token_set_ratio(wanted, comparable(name)))
        if best >= context.signer_match_threshold:
            return PASSED
        signers = ", ".join(who(s) for s in signed(facts))
        return Verdict(Outcome.FAILED, f"Cơ quan ban hành {quoted(issuer.value)} không khớp với người/cơ quan ký số "
                       f"({signers}); độ tương đồng cao nhất {best:.0f}/100.", Proof.of(issuer))
