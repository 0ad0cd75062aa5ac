"""Shared reading of signature facts for the signature rules."""

from __future__ import annotations

import datetime as dt

from kiemchung.extractors.models import DocumentFacts, ModificationLevel, SignatureFacts
from kiemchung.validators.format import vn_date
from kiemchung.validators.model import Proof

DOCUMENT_TIMESTAMP = "/ETSI.RFC3161"
SHA1 = "sha1"  # `SignatureFacts.hash_algorithm` of a SHA-1 message digest, judged by `signatures.sha1`

# What may be appended after a signature: nothing, a later signature, a timestamp or validation data.
ALLOWED_AFTER_SIGNING = frozenset(
    {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
)
# What changed after a signature, as the council reads it (the changes a signature may be followed by).
CHANGES = {
    ModificationLevel.LTA_UPDATES: "thêm dấu thời gian hoặc dữ liệu kiểm tra hiệu lực",
    ModificationLevel.FORM_FILLING: "ký thêm hoặc điền biểu mẫu",
    ModificationLevel.ANNOTATIONS: "thêm chú thích/lớp phủ lên trang",
    ModificationLevel.OTHER: "sửa nội dung, trang hoặc cấu trúc",
}


def signed(facts: DocumentFacts) -> tuple[SignatureFacts, ...]:
    """The signatures made by a signer, in signing order; document timestamps are nobody's signature."""
    return tuple(s for s in facts.signatures if s.subfilter != DOCUMENT_TIMESTAMP)


def who(signature: SignatureFacts) -> str:
    """The signer as the council reads it: CN, and the organisation when different."""
    subject = signature.subject
    if subject is None:
        return f"chữ ký “{signature.field_name}”"
    name = subject.common_name or subject.rfc4514 or signature.field_name
    if subject.organization and subject.organization != name:
        return f"{name} ({subject.organization})"
    return name


def at_signature(signature: SignatureFacts) -> Proof:
    """The signature a finding is about: its signer as the certificate names them, its page and field."""
    return Proof.of_signature(who(signature), signature)


def when(moment: dt.datetime | None) -> str:
    return vn_date(moment.date()) if moment is not None else "không rõ thời điểm"
