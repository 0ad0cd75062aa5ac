"""Signature verification on real PDFs signed with the throwaway test PKI of `samples/`.

Every file here is signed for real by pyHanko (at chosen 2023 signing times, via freezegun) and
then verified by `extractors.signatures`, offline: a guard makes any network connection fail.
"""

from __future__ import annotations

import asyncio
import binascii
import io
import logging
import re
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from freezegun import freeze_time
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfStreamError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kiemchung.extractors import signatures
from kiemchung.extractors.models import VIETNAM_TIME, Integrity, SignatureField, SignerKind, SignerSubject, Trust
from kiemchung.extractors.reader import read_document
from kiemchung.extractors.signatures import verify_signatures
from kiemchung.extractors.trust import TrustRootError, load_trust_roots
from samples.documents import DocSpec, DocumentLayout, write_pdf
from samples.pki import TestPKI, build_test_pki, default_profiles, person_profile
from samples.signing import append_incremental_edit, flip_byte_in_signed_range, sign_pdf

PERSON_TIME = datetime(2023, 1, 30, 2, 0, tzinfo=UTC)
ORGANIZATION_TIME = datetime(2023, 1, 30, 3, 0, tzinfo=UTC)
TIMESTAMP_TIME = datetime(2023, 1, 30, 3, 0, 5, tzinfo=UTC)


def vietnam(moment: datetime) -> str:
    """How a trust detail states an instant: in Vietnam time, whatever clock gave it."""
    return moment.astimezone(VIETNAM_TIME).isoformat()
MID_2023 = datetime(2023, 6, 15, 8, 0, tzinfo=UTC)
AFTER_EXPIRY = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
SPEC = DocSpec(
    date=date(2023, 1, 30),
    type_name="KẾ HOẠCH",
    subject="Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023",
    body=tuple(f"Nội dung thứ {i} của kế hoạch cải cách hành chính năm 2023." for i in range(1, 6)),
)


class _Files:
    """The signed sample files shared by the tests of this module (signing costs ~0.2 s each)."""

    def __init__(self, folder: Path, pki: TestPKI) -> None:
        self.folder = folder
        self.pki = pki
        self.root = pki.write_trust_root(folder / "trust" / "test-root.pem")
        self.plain = folder / "plain.pdf"
        self.layout: DocumentLayout = write_pdf(SPEC, self.plain, pages=2)
        self.person = self.sign(self.plain, "person.pdf", "cao-an/person", "Signature1", PERSON_TIME, visible=True)
        self.both = self.sign(self.person, "both.pdf", "cao-an/organization", "Signature2", ORGANIZATION_TIME,
                              visible=True, timestamp=TIMESTAMP_TIME)

    def sign(self, source: Path, name: str, signer: str, field: str, when: datetime, *, visible: bool = False,
             timestamp: datetime | None = None) -> Path:
        target = self.folder / name
        sign_pdf(
            source, target, self.pki.signer(signer), field_name=field, signing_time=when,
            visible_box=self.layout.signature_box.as_tuple() if visible else None,
            timestamper=self.pki.timestamper(timestamp) if timestamp else None,
        )
        return target


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    profiles = (*default_profiles(), person_profile(
        "cao-an/person-expired-early", "Trần Thị Bình", organization="UBND xã Cao An", locality="Cao An",
        province="Thái Bình", cccd="001185054321",
        validity=(datetime(2021, 1, 1, tzinfo=UTC), datetime(2023, 3, 31, tzinfo=UTC)),
    ))
    return build_test_pki(profiles)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, pki: TestPKI) -> _Files:
    return _Files(tmp_path_factory.mktemp("signed"), pki)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any attempt to reach the network fails the test that made it (and is recorded)."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[1:] if len(args) > 1 else args))
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


# --- the normal case ---------------------------------------------------------------------------------


def test_person_then_organisation_both_intact_and_trusted(files: _Files) -> None:
    person, organisation = verify_signatures(files.both, [files.root])

    assert person.field_name == "Signature1" and organisation.field_name == "Signature2"
    assert person.integrity is Integrity.INTACT and organisation.integrity is Integrity.INTACT
    assert person.trust is Trust.TRUSTED and organisation.trust is Trust.TRUSTED
    assert person.signer_kind is SignerKind.PERSON
    assert organisation.signer_kind is SignerKind.ORGANIZATION
    # The later organisation signature is the last revision; the person's allows it (not "other").
    assert organisation.modification_level == "none" and organisation.coverage == "entire-file"
    assert person.modification_level in ("lta-updates", "form-filling")
    assert person.coverage == "entire-revision"
    assert person.error is None and organisation.error is None
    assert person.revocation == organisation.revocation == "not-checked"


def test_facts_read_from_the_certificates_and_the_signature(files: _Files) -> None:
    person, organisation = verify_signatures(files.both, [files.root])

    assert person.subject is not None and organisation.subject is not None
    assert person.subject.common_name == "Nguyễn Văn An"
    assert person.subject.organization == "UBND xã Cao An"
    assert person.subject.uids == ("CCCD:001085012345",)
    assert (person.subject.locality, person.subject.state, person.subject.country) == ("Cao An", "Thái Bình", "VN")
    assert "UID=CCCD:001085012345" in person.subject.rfc4514 and "CN=Nguyễn Văn An" in person.subject.rfc4514
    assert organisation.subject.uids == ("MST:0123456789",)
    assert organisation.subject.common_name == "Ủy ban nhân dân xã Cao An"
    assert person.issuer is not None and "CN=KIEMCHUNG TEST CA" in person.issuer
    assert person.signing_time == PERSON_TIME and person.timestamp_time is None
    assert organisation.signing_time == ORGANIZATION_TIME and organisation.timestamp_time == TIMESTAMP_TIME
    assert person.hash_algorithm == "sha256"
    assert person.subfilter == "/ETSI.CAdES.detached"
    assert person.page == 1  # the 2-page layout puts the signature block on page 1


def test_trust_is_judged_at_the_timestamp_when_there_is_one(files: _Files) -> None:
    person, organisation = verify_signatures(files.both, [files.root])

    assert "claimed signing time" in person.trust_detail and vietnam(PERSON_TIME) in person.trust_detail
    assert "signature timestamp" in organisation.trust_detail
    assert vietnam(TIMESTAMP_TIME) in organisation.trust_detail


def test_without_trust_roots_trust_is_no_roots_but_integrity_is_checked(files: _Files) -> None:
    for facts in verify_signatures(files.both, []):
        assert facts.trust is Trust.NO_ROOTS
        assert facts.integrity is Integrity.INTACT


def test_preloaded_certificates_and_paths_are_equivalent(files: _Files) -> None:
    from_paths = verify_signatures(files.both, [files.root])
    from_certificates = verify_signatures(files.both, load_trust_roots([files.root]))
    assert from_paths == from_certificates


def test_unsigned_pdf_has_no_signatures(files: _Files) -> None:
    assert verify_signatures(files.plain, [files.root]) == ()


def test_timestamp_that_does_not_verify_falls_back_to_the_claimed_time(files: _Files, tmp_path: Path) -> None:
    broken = tmp_path / "bad-timestamp.pdf"
    broken.write_bytes(_with_broken_timestamp_token(files.both.read_bytes()))
    organisation = verify_signatures(broken, [files.root])[1]
    assert organisation.integrity is Integrity.INTACT  # the token sits in unsigned attributes
    assert organisation.trust is Trust.TRUSTED
    assert "timestamp does not verify" in organisation.trust_detail
    assert vietnam(ORGANIZATION_TIME) in organisation.trust_detail


def test_document_timestamp_is_lta_update_and_not_a_signer(files: _Files, tmp_path: Path) -> None:
    stamped = tmp_path / "doc-timestamp.pdf"
    writer = IncrementalPdfFileWriter(io.BytesIO(files.person.read_bytes()))
    output = io.BytesIO()
    with freeze_time(TIMESTAMP_TIME, real_asyncio=True):
        PdfTimeStamper(files.pki.timestamper(TIMESTAMP_TIME)).timestamp_pdf(writer, "sha256", output=output)
    stamped.write_bytes(output.getvalue())

    person, timestamp = verify_signatures(stamped, [files.root])
    assert person.modification_level == "lta-updates"
    assert timestamp.subfilter == "/ETSI.RFC3161"
    assert timestamp.signer_kind is SignerKind.UNKNOWN  # the TSA's MST: UID must not count as the body's
    assert timestamp.timestamp_time == TIMESTAMP_TIME
    assert timestamp.integrity is Integrity.INTACT and timestamp.trust is Trust.TRUSTED


def _with_broken_timestamp_token(data: bytes) -> bytes:
    """Flip a bit of the TSA's signature inside the last signature's timestamp token, in place."""
    match = list(re.finditer(rb"/Contents\s*<([0-9a-fA-F]+)>", data))[-1]
    raw = binascii.unhexlify(match.group(1))
    info = cms.ContentInfo.load(raw[: len(cms.ContentInfo.load(raw).dump())])
    token = info["content"]["signer_infos"][0]["unsigned_attrs"][0]["values"][0]
    token_signer = token["content"]["signer_infos"][0]
    signature = bytearray(token_signer["signature"].native)
    signature[-1] ^= 1
    token_signer["signature"] = core.OctetString(bytes(signature))
    hexed = binascii.hexlify(info.dump(force=True))
    hexed += b"0" * (len(match.group(1)) - len(hexed))  # /Contents is not signed: same length, zero-padded
    return data[: match.start(1)] + hexed + data[match.end(1) :]


# --- certificates ------------------------------------------------------------------------------------


def test_rogue_self_signed_certificate_is_untrusted(files: _Files) -> None:
    rogue = files.sign(files.plain, "rogue.pdf", "cao-an/rogue", "Signature1", MID_2023)
    (facts,) = verify_signatures(rogue, [files.root])
    assert facts.integrity is Integrity.INTACT
    assert facts.trust is Trust.UNTRUSTED
    assert "self-signed" in facts.trust_detail


def test_certificate_expired_since_signing_is_still_trusted(files: _Files) -> None:
    # Valid 2022-01-01 .. 2023-12-31; signed mid-2023; expired by the time anyone checks.
    signed = files.sign(files.plain, "expired-since.pdf", "cao-an/person-expired", "Signature1", MID_2023)
    (facts,) = verify_signatures(signed, [files.root])
    assert facts.trust is Trust.TRUSTED, facts.trust_detail
    assert "2023-06-15T15:00:00+07:00" in facts.trust_detail  # 08:00 UTC, in Vietnam time


def test_certificate_expired_before_signing_is_untrusted(files: _Files) -> None:
    signed = files.sign(files.plain, "expired-before.pdf", "cao-an/person-expired-early", "Signature1", MID_2023)
    (facts,) = verify_signatures(signed, [files.root])
    assert facts.trust is Trust.UNTRUSTED
    assert "expired before signing" in facts.trust_detail


def test_organisation_certificate_with_digital_signature_only_is_trusted(files: _Files) -> None:
    certificate = files.pki.identity("cao-an/organization").certificate
    der = certificate.public_bytes(serialization.Encoding.DER)
    assert set(asn1_x509.Certificate.load(der).key_usage_value.native) == {"digital_signature"}

    organisation = verify_signatures(files.both, [files.root])[1]
    assert organisation.trust is Trust.TRUSTED, organisation.trust_detail

    # Why our own key-usage constraints are needed: pyHanko's default demands nonRepudiation.
    with files.both.open("rb") as handle:
        embedded = PdfFileReader(handle).embedded_signatures[1]
        context = ValidationContext(trust_roots=load_trust_roots([files.root]), moment=TIMESTAMP_TIME)
        assert not validate_pdf_signature(embedded, context).trusted


# --- tampering and damage ----------------------------------------------------------------------------


def test_byte_flipped_in_signed_range_is_a_digest_mismatch(files: _Files, tmp_path: Path) -> None:
    tampered = tmp_path / "flipped.pdf"
    flip_byte_in_signed_range(files.both, tampered)
    results = verify_signatures(tampered, [files.root])
    assert results and all(facts.integrity is Integrity.DIGEST_MISMATCH for facts in results)


def test_edit_appended_after_signing_is_other_modification(files: _Files, tmp_path: Path) -> None:
    edited = tmp_path / "edited.pdf"
    append_incremental_edit(files.both, edited, cover_box=files.layout.number_box.as_tuple(), new_text="Số: 12/KH")
    person, organisation = verify_signatures(edited, [files.root])
    assert organisation.integrity is Integrity.INTACT  # the signed bytes themselves are untouched
    assert organisation.coverage != "entire-file"
    assert organisation.modification_level == "other"
    assert person.modification_level == "other"


def test_truncated_signed_pdf_is_unknown_with_an_error(files: _Files, tmp_path: Path) -> None:
    data = files.both.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[:-2000])
    results = verify_signatures(truncated, [files.root])
    assert results
    for facts in results:
        assert facts.integrity is Integrity.UNKNOWN and facts.trust is Trust.UNKNOWN
        assert facts.error


def test_garbled_signature_contents_is_unknown_for_that_signature_only(files: _Files, tmp_path: Path) -> None:
    data = bytearray(files.both.read_bytes())
    contents = data.rfind(b"/Contents <")  # the organisation's signature, in the last revision
    data[contents + 20 : contents + 400] = b"0" * 380
    garbled = tmp_path / "garbled.pdf"
    garbled.write_bytes(bytes(data))
    person, organisation = verify_signatures(garbled, [files.root])
    assert person.integrity is Integrity.INTACT
    assert organisation.field_name == "Signature2"
    assert organisation.integrity is Integrity.UNKNOWN and organisation.trust is Trust.UNKNOWN
    assert organisation.error


def test_file_pyhanko_cannot_open_is_named_from_known_fields(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nthis is not a PDF body\n/ByteRange [0 1 2 3]\n")
    known = [SignatureField("Chữ ký 1", 1, True, ""), SignatureField("Empty", 1, False, "")]
    (facts,) = verify_signatures(broken, [], known_fields=known)
    assert facts.field_name == "Chữ ký 1" and facts.integrity is Integrity.UNKNOWN and facts.error
    # Without field names, the signature dictionaries still show: never silently "unsigned".
    (unnamed,) = verify_signatures(broken, [])
    assert unnamed.integrity is Integrity.UNKNOWN


def test_pyhanko_logs_nothing_to_the_user(
    files: _Files, tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    rogue = files.sign(files.plain, "rogue-logs.pdf", "cao-an/rogue", "Signature1", MID_2023)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(files.both.read_bytes()[:-2000])
    capfd.readouterr()
    with caplog.at_level(logging.DEBUG):
        verify_signatures(rogue, [files.root])
        verify_signatures(truncated, [files.root])
    assert not [record for record in caplog.records if record.name.startswith("pyhanko")]
    assert capfd.readouterr().err == ""


def test_works_when_called_from_a_running_event_loop(files: _Files) -> None:
    async def caller() -> int:
        return len(verify_signatures(files.both, [files.root]))

    assert asyncio.run(caller()) == 2


# --- trust roots -------------------------------------------------------------------------------------


def test_trust_roots_from_pem_bundle_der_and_folder(files: _Files, tmp_path: Path) -> None:
    root_pem = files.pki.root.public_bytes(serialization.Encoding.PEM)
    intermediate_pem = files.pki.intermediate.public_bytes(serialization.Encoding.PEM)
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(root_pem + intermediate_pem)
    der = tmp_path / "root.cer"
    der.write_bytes(files.pki.root.public_bytes(serialization.Encoding.DER))
    folder = tmp_path / "roots"
    folder.mkdir()
    (folder / "a.crt").write_bytes(root_pem)
    (folder / "notes.txt").write_text("not a certificate, not read")

    assert len(load_trust_roots([bundle])) == 2
    assert len(load_trust_roots([der])) == 1
    assert len(load_trust_roots([folder])) == 1
    assert len(load_trust_roots([bundle, der, folder])) == 2  # duplicates counted once


NOT_CERTIFICATES = [b"", b"garbage", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"]


@pytest.mark.parametrize("content", NOT_CERTIFICATES)
def test_bad_trust_root_raises_trust_root_error(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_bytes(content)
    with pytest.raises(TrustRootError):
        load_trust_roots([bad])


def test_missing_root_and_empty_folder_raise(tmp_path: Path, files: _Files) -> None:
    with pytest.raises(TrustRootError):
        load_trust_roots([tmp_path / "missing.pem"])
    with pytest.raises(TrustRootError):
        load_trust_roots([tmp_path])
    with pytest.raises(TrustRootError):
        verify_signatures(files.both, [tmp_path / "missing.pem"])


def test_trust_root_error_is_a_value_error() -> None:
    assert issubclass(TrustRootError, ValueError)


# --- read_document ------------------------------------------------------------------------------------


def test_read_document_fills_signatures_and_imaging(files: _Files) -> None:
    facts = read_document(files.both, trust_roots=(files.root,))
    assert facts.read_error is None
    assert [s.trust for s in facts.signatures] == [Trust.TRUSTED, Trust.TRUSTED]
    assert [s.signer_kind for s in facts.signatures] == [SignerKind.PERSON, SignerKind.ORGANIZATION]
    assert len(facts.imaging) == 2 and facts.imaging[0].visible_chars > 100
    unsigned = read_document(files.plain)
    assert unsigned.signatures == () and len(unsigned.imaging) == 2


def test_read_document_raises_for_a_bad_root_instead_of_blaming_the_file(files: _Files, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"garbage")
    with pytest.raises(TrustRootError):
        read_document(files.both, trust_roots=(bad,))


# --- signer kind ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("common_name", "organization", "uids", "expected"),
    [
        ("Nguyễn Văn An", "UBND xã Cao An", ("CCCD:001085012345",), SignerKind.PERSON),
        ("NGUYEN VAN AN", None, ("CMND:012345678",), SignerKind.PERSON),
        ("Trần Thị Hoa", None, (), SignerKind.PERSON),
        ("TRUONG VAN BINH", None, (), SignerKind.PERSON),  # Trương, a surname, not Trường
        ("Bồ Văn Tâm", None, (), SignerKind.PERSON),
        ("Lê Văn Tám", "UBND xã Cao An", ("MST:0101234567",), SignerKind.PERSON),
        ("Ủy ban nhân dân xã Cao An", "Ủy ban nhân dân xã Cao An", ("MST:0123456789",), SignerKind.ORGANIZATION),
        ("Uỷ ban nhân dân huyện Vũ Thư", None, (), SignerKind.ORGANIZATION),
        ("UBND XA CAO AN", None, (), SignerKind.ORGANIZATION),
        ("SO NOI VU TINH THAI BINH", None, (), SignerKind.ORGANIZATION),
        ("TRUONG THCS CAO AN", None, (), SignerKind.ORGANIZATION),
        ("Phòng Văn hóa và Thông tin", None, (), SignerKind.ORGANIZATION),
        ("Văn phòng HĐND và UBND huyện", None, (), SignerKind.ORGANIZATION),
        ("Xã Cao An", "Xã Cao An", (), SignerKind.ORGANIZATION),
        ("ABC Solutions", None, ("MNS:1234567",), SignerKind.ORGANIZATION),
        ("Signing Key 7", None, (), SignerKind.UNKNOWN),
    ],
)
def test_signer_kind_from_subject(
    common_name: str, organization: str | None, uids: tuple[str, ...], expected: SignerKind
) -> None:
    subject = SignerSubject(common_name=common_name, organization=organization, uids=uids)
    assert signatures._signer_kind(subject) is expected


# --- the faster hex-string reader ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [b"<0aF1 \n 23>rest", b"<abc>", b"<>", b"<%comment\n ab>", b"<zz>", b"<ab", b"<" + b"0f" * 70000 + b">"],
)
def test_fast_hex_reader_matches_pyhanko(source: bytes) -> None:
    def outcome(reader: object) -> object:
        stream = io.BytesIO(source)
        try:
            value = reader(stream)  # type: ignore[operator]
        except PdfStreamError as error:
            return ("error", type(error))
        return (bytes(value.original_bytes), stream.tell())

    assert generic.read_hex_string_from_stream is signatures._read_hex_string_fast
    assert outcome(signatures._read_hex_string_fast) == outcome(signatures._pyhanko_read_hex_string)
