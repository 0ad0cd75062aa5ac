"""Shared reading of signature facts for the signature rules."""

from __future__ import annotations

import datetime as dt

from extractors.models import DocumentFacts, SignatureFacts
from validators.format import vn_date
from validators.model import Proof

DOCUMENT_TIMESTAMP = "/ETSI.RFC3161"
SHA1 = "sha1"  # `SignatureFacts.hash_algorithm` of a SHA-1 message digest, judged by `signatures.sha1`


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
    return Proof(who(signature), signature.page, f"signature:{signature.field_name}")


def when(moment: dt.datetime | None) -> str:
    return vn_date(moment.date()) if moment is not None else "không rõ thời điểm"
