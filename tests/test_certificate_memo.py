"""The certificate memos answer exactly as asn1crypto and pyHanko do, and never mix two certificates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from asn1crypto import cms, core, ocsp, x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.validation import generic_cms
from pyhanko.sign.validation.errors import SignatureValidationError
from pypdf import PdfReader

from kiemchung.extractors import certificate_memo
from kiemchung.extractors.models import Integrity, Trust
from kiemchung.extractors.signatures import verify_signatures
from samples.documents import DocSpec, write_pdf
from samples.pki import TestPKI, build_test_pki, default_profiles
from samples.signing import sign_pdf


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return build_test_pki(default_profiles())


def _der(pki: TestPKI, key: str) -> bytes:
    return pki.identity(key).certificate.public_bytes(serialization.Encoding.DER)


def test_one_object_per_encoding_and_none_shared_by_lookalikes(pki: TestPKI) -> None:
    genuine = _der(pki, "cao-an/person")
    first = certificate_memo.canonical(x509.Certificate.load(genuine))
    assert certificate_memo.canonical(x509.Certificate.load(genuine)) is first
    # The rogue certificate copies the person's name but not the key: another certificate.
    rogue = certificate_memo.canonical(x509.Certificate.load(_der(pki, "cao-an/rogue")))
    assert rogue is not first and rogue.subject == first.subject and rogue.dump() != first.dump()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            {"common_name": "Nguyễn Văn An", "organization_name": "UBND xã Cao An"},
            {"common_name": "nguyễn  văn an", "organization_name": "UBND XÃ CAO AN"},
        ),
        ({"common_name": "Nguyễn Văn An"}, {"common_name": "Nguyễn Văn Ân"}),
        ({"common_name": "A", "country_name": "VN"}, {"common_name": "A"}),
    ],
)
def test_name_equality_and_keys_are_asn1cryptos(first: dict[str, str], second: dict[str, str]) -> None:
    one, other = x509.Name.build(first), x509.Name.build(second)
    original_eq = x509.Name.__eq__.__wrapped__  # type: ignore[attr-defined]
    original_key = x509.Name.hashable.fget.__wrapped__  # type: ignore[attr-defined]
    assert (one == other) == original_eq(one, other)
    assert (one.hashable, other.hashable) == (original_key(one), original_key(other))


def test_a_lookalike_signer_stays_untrusted_between_genuine_ones(pki: TestPKI, tmp_path: Path) -> None:
    """Verifying files one after another in a process, as a worker does, changes no verdict."""
    root = pki.write_trust_root(tmp_path / "root.pem")
    plain = tmp_path / "plain.pdf"
    spec = DocSpec(
        date=date(2023, 3, 1), type_name="KẾ HOẠCH", subject="Cải cách hành chính năm 2023", body=("Nội dung.",)
    )
    write_pdf(spec, plain)
    when = datetime(2023, 3, 1, 8, 0, tzinfo=UTC)
    genuine, rogue = tmp_path / "genuine.pdf", tmp_path / "rogue.pdf"
    sign_pdf(plain, genuine, pki.signer("cao-an/person"), field_name="Signature1", signing_time=when)
    sign_pdf(plain, rogue, pki.signer("cao-an/rogue"), field_name="Signature1", signing_time=when)

    before = verify_signatures(genuine, [root])
    (impostor,) = verify_signatures(rogue, [root])
    after = verify_signatures(genuine, [root])

    assert before == after and before[0].trust is Trust.TRUSTED
    assert impostor.integrity is Integrity.INTACT and impostor.trust is Trust.UNTRUSTED
    assert impostor.subject == before[0].subject  # same name, another certificate


def test_a_cms_whose_signing_certificate_attribute_lies_is_refused_every_time(pki: TestPKI, tmp_path: Path) -> None:
    """The CMS memo keeps answers, never refusals: the ESS check fails on each ask."""
    plain, signed = tmp_path / "plain.pdf", tmp_path / "signed.pdf"
    write_pdf(DocSpec(date=date(2023, 3, 1), type_name="KẾ HOẠCH", subject="Cải cách", body=("Nội dung.",)), plain)
    sign_pdf(
        plain,
        signed,
        pki.signer("cao-an/person"),
        field_name="Signature1",
        signing_time=datetime(2023, 3, 1, tzinfo=UTC),
    )
    contents = PdfReader(signed).get_fields()["Signature1"]["/V"]["/Contents"]
    genuine = cms.ContentInfo.load(bytes(contents))["content"]
    assert generic_cms.extract_certs_for_validation(genuine) is generic_cms.extract_certs_for_validation(
        cms.ContentInfo.load(bytes(contents))["content"]
    )

    forged = cms.ContentInfo.load(bytes(contents))
    attributes = forged["content"]["signer_infos"][0]["signed_attrs"]
    (ess,) = [attribute for attribute in attributes if attribute["type"].native == "signing_certificate_v2"]
    ess["values"][0]["certs"][0]["cert_hash"] = b"\0" * 32
    lying = cms.ContentInfo.load(forged.dump(force=True))["content"]
    for _ in range(2):
        with pytest.raises(SignatureValidationError):
            generic_cms.extract_certs_for_validation(lying)


def _ber_with_raw_ocsp_nonce(signed_data: cms.SignedData) -> bytes:
    """`signed_data` as EU DSS writes it: indefinite lengths (BER), and an embedded OCSP response whose
    nonce is stored raw, not wrapped in the OCTET STRING asn1crypto parses it as."""
    nonce_value = b"\x04\x63\x01\x02"  # claims 99 bytes, holds 2
    raw = core.ObjectIdentifier("1.3.6.1.5.5.7.48.1.2").dump() + core.OctetString(nonce_value).dump()
    nonce = ocsp.ResponseDataExtension.load(b"\x30" + bytes([len(raw)]) + raw)  # loaded lazily, never parsed
    response = ocsp.BasicOCSPResponse(
        {
            "tbs_response_data": {
                "responder_id": ocsp.ResponderId(name="by_key", value=b"\x01" * 20),
                "produced_at": datetime(2023, 3, 1, tzinfo=UTC),
                "responses": [],
                "response_extensions": [nonce],
            },
            "signature_algorithm": {"algorithm": "sha256_rsa"},
            "signature": b"\x00" * 256,
        }
    )
    archive = cms.CMSAttribute(
        {
            "type": "adobe_revocation_info_archival",
            "values": [
                {"ocsp": [{"response_status": "successful",
                           "response_bytes": {"response_type": "basic_ocsp_response", "response": response}}]}
            ],
        }
    )
    # Unsigned attributes are outside what the signature covers: the signature still verifies.
    signed_data["signer_infos"][0]["unsigned_attrs"] = cms.CMSAttributes([archive])
    signed_data.dump()  # re-encodes what changed, so `contents` holds it
    return b"\x30\x80" + signed_data.contents + b"\x00\x00"


def test_a_ber_cms_with_a_nested_value_asn1crypto_cannot_parse_is_read_as_pyhanko_reads_it(
    pki: TestPKI, tmp_path: Path
) -> None:
    """The memos key by the bytes read, never by a re-encoding that parses everything nested."""
    plain, signed = tmp_path / "plain.pdf", tmp_path / "signed.pdf"
    write_pdf(DocSpec(date=date(2023, 3, 1), type_name="KẾ HOẠCH", subject="Cải cách", body=("Nội dung.",)), plain)
    sign_pdf(plain, signed, pki.signer("cao-an/person"), field_name="Signature1",
             signing_time=datetime(2023, 3, 1, tzinfo=UTC))
    contents = PdfReader(signed).get_fields()["Signature1"]["/V"]["/Contents"]
    ber = _ber_with_raw_ocsp_nonce(cms.ContentInfo.load(bytes(contents))["content"])
    with pytest.raises(ValueError, match="Insufficient data"):
        cms.SignedData.load(ber).dump()  # what keying by `dump()` did

    found = generic_cms.extract_certs_for_validation(cms.SignedData.load(ber))
    original = generic_cms.extract_certs_for_validation.__wrapped__  # type: ignore[attr-defined]
    expected = original(cms.SignedData.load(ber))
    assert found.signer_cert.dump() == expected.signer_cert.dump()
    assert generic_cms.extract_certs_for_validation(cms.SignedData.load(ber)) is found
