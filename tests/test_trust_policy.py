"""Trust as real Vietnamese signatures need it: weak digests, leaf-only signatures, legacy forms, times.

Generated with the throwaway PKI of `samples/`: SHA-1 and MD5 message digests, a G2-like chain whose
signatures carry only the leaf (the intermediate comes from the council's roots), the legacy
/adbe.pkcs7.sha1 subfilter, a CMS signing time written by iTextSharp 5 (local time labelled UTC),
a PDF encrypted for a recipient's certificate. Then the real documents of `../shared/real-documents`
against the public roots of `../shared/trust-roots`, when that folder is beside the repository.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509 as crypto_x509

from kiemchung.extractors import signatures
from kiemchung.extractors.models import DocumentFacts, FileKind, Integrity, ReadProblem, SignatureFacts, Trust
from kiemchung.extractors.reader import read_document
from kiemchung.extractors.signatures import verify_signatures
from kiemchung.extractors.trust import load_trust_roots
from kiemchung.validators.model import Outcome, Sha1Policy, Verdict
from kiemchung.validators.rules.signature_invalid import SignatureInvalid
from kiemchung.validators.rules.signature_weak_hash import SignatureWeakHash
from samples.documents import DocSpec, write_pdf
from samples.pki import TestPKI, build_test_pki, default_profiles, mislabelled_local_time
from samples.signing import encrypt_for_recipient, flip_byte_in_signed_range, sign_pdf, sign_pdf_pkcs7_sha1
from tests.context import rule_context

SIGNED_AT = dt.datetime(2023, 3, 1, 2, 15, tzinfo=dt.UTC)  # 09:15 in Vietnam
STAMPED_AT = dt.datetime(2023, 3, 1, 2, 15, 30, tzinfo=dt.UTC)
REPOSITORY = Path(__file__).resolve().parent.parent
REAL_DOCUMENTS = REPOSITORY.parent / "shared" / "real-documents"
REAL_ROOTS = REPOSITORY.parent / "shared" / "trust-roots"


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return build_test_pki(default_profiles())


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trust")


@pytest.fixture(scope="module")
def plain(folder: Path) -> Path:
    path = folder / "plain.pdf"
    write_pdf(DocSpec(date=dt.date(2023, 3, 1), type_name="KẾ HOẠCH", subject="Cải cách hành chính năm 2023",
                      body=("Nội dung của kế hoạch.",)), path)
    return path


@pytest.fixture(scope="module")
def roots(folder: Path, pki: TestPKI) -> Path:
    """The council's folder: the root and the intermediate, as ca.gov.vn publishes both."""
    pki.write_trust_root(folder / "roots" / "root.pem")
    pki.write_intermediate(folder / "roots" / "intermediate.pem")
    return folder / "roots"


def _signed(plain: Path, target: Path, pki: TestPKI, **options: object) -> Path:
    md_algorithm = str(options.pop("md_algorithm", "sha256"))
    signer = pki.identity("cao-an/person").signer(**options)  # type: ignore[arg-type]
    sign_pdf(plain, target, signer, field_name="Signature1", signing_time=SIGNED_AT, md_algorithm=md_algorithm,
             subfilter="pkcs7")
    return target


def _only(path: Path, roots: list[Path]) -> SignatureFacts:
    (facts,) = verify_signatures(path, roots)
    return facts


def _verdicts(signature: SignatureFacts, sha1: Sha1Policy = Sha1Policy.ACCEPT) -> dict[str, Verdict]:
    """What the two digest rules say of a document carrying this one signature."""
    facts = DocumentFacts(kind=FileKind.PDF, size=1, sha256="0" * 64, signatures=(signature,))
    context = rule_context(dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2024, 3, 1), sha1=sha1)
    return {rule.name: rule.evaluate(facts, context) for rule in (SignatureInvalid(), SignatureWeakHash())}


def _judged(signature: SignatureFacts, sha1: Sha1Policy = Sha1Policy.ACCEPT) -> dict[str, Outcome]:
    return {name: verdict.outcome for name, verdict in _verdicts(signature, sha1).items()}


# --- digests ------------------------------------------------------------------------------------------


def test_a_sha1_signature_is_trusted_and_the_council_decides_what_sha1_costs(
    plain: Path, folder: Path, pki: TestPKI, roots: Path
) -> None:
    signature = _only(_signed(plain, folder / "sha1.pdf", pki, md_algorithm="sha1"), [roots])
    assert signature.hash_algorithm == "sha1" and signature.refused_algorithms == ()
    assert signature.integrity is Integrity.INTACT and signature.trust is Trust.TRUSTED, signature.trust_detail

    assert _judged(signature) == {"signature-invalid": Outcome.PASSED, "signature-weak-hash": Outcome.NOT_APPLICABLE}
    assert _judged(signature, Sha1Policy.WARN) == {"signature-invalid": Outcome.PASSED,
                                                   "signature-weak-hash": Outcome.FAILED}
    assert _judged(signature, Sha1Policy.ZERO) == {"signature-invalid": Outcome.FAILED,
                                                   "signature-weak-hash": Outcome.NOT_APPLICABLE}


def test_an_md5_signature_proves_nothing_even_when_its_bytes_verify(
    plain: Path, folder: Path, pki: TestPKI, roots: Path
) -> None:
    signature = _only(_signed(plain, folder / "md5.pdf", pki, md_algorithm="md5"), [roots])
    assert signature.hash_algorithm == "md5" and "md5" in signature.refused_algorithms
    assert signature.integrity is Integrity.INTACT  # the bytes match: the digest is what is broken
    assert signature.trust is Trust.UNTRUSTED and "algorithm" in signature.trust_detail

    verdict = _verdicts(signature)["signature-invalid"]
    assert verdict.outcome is Outcome.FAILED and "MD5" in verdict.message and SignatureInvalid.zeroes


# --- roots and intermediates ----------------------------------------------------------------------------


def test_a_leaf_only_signature_chains_through_an_intermediate_given_with_the_roots(
    plain: Path, folder: Path, pki: TestPKI, roots: Path
) -> None:
    """Like real G2 signatures: the CMS carries the signer's certificate and nothing else."""
    leaf_only = _signed(plain, folder / "leaf-only.pdf", pki, embed_chain=False)
    assert _only(leaf_only, [roots]).trust is Trust.TRUSTED
    assert _only(leaf_only, [roots / "root.pem"]).trust is Trust.UNTRUSTED  # no intermediate: no path
    # A council that configured the intermediate alone trusts what it issues: it is their anchor.
    assert _only(leaf_only, [roots / "intermediate.pem"]).trust is Trust.TRUSTED


def test_configured_intermediates_under_a_configured_root_build_paths_and_are_not_anchors(
    pki: TestPKI, roots: Path
) -> None:
    root, intermediate = sorted(load_trust_roots([roots]), key=lambda certificate: certificate.self_signed)
    assert root.self_signed == "maybe" and intermediate.self_signed == "no"
    assert signatures._anchors([root, intermediate]) == ([root], [intermediate])
    assert signatures._anchors([intermediate]) == ([intermediate], [])


# --- the legacy subfilter -------------------------------------------------------------------------------


def test_adbe_pkcs7_sha1_is_verified_as_pdfsig_does(plain: Path, folder: Path, pki: TestPKI, roots: Path) -> None:
    legacy = folder / "legacy.pdf"
    sign_pdf_pkcs7_sha1(plain, legacy, pki.signer("cao-an/person"), field_name="Signature1", signing_time=SIGNED_AT)
    signature = _only(legacy, [roots])
    assert signature.subfilter == "/adbe.pkcs7.sha1" and signature.hash_algorithm == "sha1"
    assert signature.integrity is Integrity.INTACT, signature.error
    assert signature.trust is Trust.TRUSTED and signature.coverage == "entire-file"

    tampered = folder / "legacy-tampered.pdf"
    flip_byte_in_signed_range(legacy, tampered)
    assert _only(tampered, [roots]).integrity is Integrity.DIGEST_MISMATCH


# --- signing time ---------------------------------------------------------------------------------------


def test_a_cms_signing_time_seven_hours_off_m_is_itextsharps_and_m_is_the_signing_time(
    plain: Path, folder: Path, pki: TestPKI, roots: Path
) -> None:
    signature = _only(_signed(plain, folder / "itext.pdf", pki, local_time_as_utc=True), [roots])
    assert signature.signing_time == mislabelled_local_time(SIGNED_AT) != SIGNED_AT  # kept as written
    assert signature.pdf_signing_time == SIGNED_AT
    assert signature.time_source == "pdf-m" and signature.moment == SIGNED_AT
    assert signature.trust is Trust.TRUSTED and "/M" in signature.trust_detail


def test_a_right_cms_signing_time_is_the_signing_time(plain: Path, folder: Path, pki: TestPKI, roots: Path) -> None:
    signature = _only(_signed(plain, folder / "right.pdf", pki), [roots])
    assert signature.signing_time == signature.pdf_signing_time == SIGNED_AT
    assert signature.time_source == "claimed" and signature.moment == SIGNED_AT


def test_a_timestamp_token_beats_both_claimed_times(plain: Path, folder: Path, pki: TestPKI, roots: Path) -> None:
    target = folder / "stamped.pdf"
    signer = pki.identity("cao-an/person").signer(local_time_as_utc=True)
    sign_pdf(plain, target, signer, field_name="Signature1", signing_time=SIGNED_AT, subfilter="pkcs7",
             timestamper=pki.timestamper(STAMPED_AT))
    signature = _only(target, [roots])
    assert signature.time_source == "timestamp" and signature.moment == STAMPED_AT == signature.timestamp_time
    assert signature.pdf_signing_time == SIGNED_AT and signature.signing_time == mislabelled_local_time(SIGNED_AT)


@pytest.mark.parametrize(
    ("claimed", "pdf_time", "whole_hours"),
    [
        ("2025-07-15T17:42:41+00:00", "2025-07-15T17:42:38+07:00", True),  # as seen: 7 h, 3 s between writes
        ("2026-01-15T10:16:33+00:00", "2026-01-15T17:16:33+07:00", False),  # the same instant: right
        ("2025-05-15T14:21:20+00:00", "2025-05-15T14:28:04+07:00", False),  # 6 h 53 min: not a zone
        ("2025-05-15T07:21:20+00:00", "2025-05-15T07:21:20+00:00", False),
    ],
)
def test_whole_hours_apart(claimed: str, pdf_time: str, whole_hours: bool) -> None:
    first, second = dt.datetime.fromisoformat(claimed), dt.datetime.fromisoformat(pdf_time)
    assert signatures._whole_hours_apart(first, second) is whole_hours


# --- no dodging -----------------------------------------------------------------------------------------


def test_a_pdf_encrypted_for_a_recipient_is_encrypted_not_corrupt(plain: Path, folder: Path, pki: TestPKI) -> None:
    target = folder / "pubsec.pdf"
    encrypt_for_recipient(plain, target, pki.identity("cao-an/person").certificate)
    facts = read_document(target, ocr=False)
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.ENCRYPTED


# --- the real documents ---------------------------------------------------------------------------------

MIN_TRUSTED_SHARE = 0.95


@pytest.mark.skipif(not (REAL_DOCUMENTS.is_dir() and REAL_ROOTS.is_dir()),
                    reason="../shared/real-documents or ../shared/trust-roots is not beside the repository")
def test_real_government_signatures_are_trusted_with_the_public_roots() -> None:
    """Intact signatures issued by a configured intermediate (G2, VNPT-CA) chain to the public roots."""
    roots = load_trust_roots([REAL_ROOTS])
    intermediates = {_rfc4514(root) for root in roots if root.self_signed == "no"}
    judged: list[tuple[str, SignatureFacts]] = []
    for path in sorted(REAL_DOCUMENTS.rglob("*")):
        if path.is_file() and b"/ByteRange" in path.read_bytes():
            judged += [(path.name, signature) for signature in verify_signatures(path, roots)
                       if signature.integrity is Integrity.INTACT and signature.issuer in intermediates]
    trusted = [signature for _, signature in judged if signature.trust is Trust.TRUSTED]
    assert len(judged) >= 50, "the real folder should hold dozens of G2/VNPT signatures"
    untrusted = [(name, signature.trust_detail) for name, signature in judged if signature.trust is not Trust.TRUSTED]
    assert len(trusted) / len(judged) >= MIN_TRUSTED_SHARE, untrusted


def _rfc4514(certificate: object) -> str:
    return crypto_x509.load_der_x509_certificate(certificate.dump()).subject.rfc4514_string()  # type: ignore[attr-defined]
