"""Throwaway test PKI for signing the sample documents.

Mirrors the shape of the Vietnamese government PKI (a root, an intermediate "CA for state bodies", and
leaf certificates whose subjects carry CN, O, L, ST, C and a UID with a ``CCCD:`` or ``MST:`` prefix),
but every key is generated fresh in memory on each run and is worthless. Nothing here may ever be
trusted outside tests: the root's name says so.

Private keys never leave memory: only certificates (public) are written, either into signed PDFs or as
the trust root PEM that the tool receives through ``--trust-root``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

ROOT_CN = "KIEMCHUNG TEST Root CA - không dùng thật"
INTERMEDIATE_CN = "KIEMCHUNG TEST CA cơ quan Nhà nước"
TSA_CN = "KIEMCHUNG TEST TSA - không dùng thật"
TEST_ORGANIZATION = "KIEMCHUNG TEST - không dùng thật"

# Validity windows. CA certificates cover both the 2023 signing times and "today", so a validator
# that (wrongly) judges at the current time only trips over the deliberately expired leaf.
ROOT_VALIDITY = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2045, 12, 31, tzinfo=UTC))
INTERMEDIATE_VALIDITY = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 12, 31, tzinfo=UTC))
LEAF_VALIDITY = (datetime(2022, 1, 1, tzinfo=UTC), datetime(2030, 12, 31, tzinfo=UTC))
# Valid when the samples are signed (2023), expired since: a signature must be judged at signing time.
EXPIRED_LEAF_VALIDITY = (datetime(2022, 1, 1, tzinfo=UTC), datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC))

SignerKind = Literal["person", "organization", "rogue", "tsa"]

# Vietnamese CAs issue RSA-2048 keys; generation is the slowest step, so identities are built once
# per unit and reused for every document of that unit.
_KEY_SIZE = 2048
_PUBLIC_EXPONENT = 65537


@dataclass(frozen=True)
class SignerProfile:
    """Subject and validity of one leaf certificate to issue."""

    key: str
    """Lookup key, e.g. ``"cao-an/person"``."""
    kind: SignerKind
    common_name: str
    organization: str
    locality: str
    province: str
    uid: str
    """Subject UID with its Vietnamese prefix: ``CCCD:001085012345`` or ``MST:0123456789``."""
    not_before: datetime = LEAF_VALIDITY[0]
    not_after: datetime = LEAF_VALIDITY[1]
    self_signed: bool = False
    """A rogue certificate that does not chain to the test root."""


def person_profile(
    key: str,
    name: str,
    *,
    organization: str,
    locality: str,
    province: str,
    cccd: str,
    validity: tuple[datetime, datetime] = LEAF_VALIDITY,
    self_signed: bool = False,
) -> SignerProfile:
    """Profile of a person's signing certificate (CN = the person's name)."""
    return SignerProfile(
        key=key,
        kind="rogue" if self_signed else "person",
        common_name=name,
        organization=organization,
        locality=locality,
        province=province,
        uid=f"CCCD:{cccd}",
        not_before=validity[0],
        not_after=validity[1],
        self_signed=self_signed,
    )


def organization_profile(
    key: str, name: str, *, locality: str, province: str, mst: str
) -> SignerProfile:
    """Profile of an organisation's signing certificate (CN = O = the body's name)."""
    return SignerProfile(
        key=key,
        kind="organization",
        common_name=name,
        organization=name,
        locality=locality,
        province=province,
        uid=f"MST:{mst}",
    )


@dataclass(frozen=True)
class SigningIdentity:
    """A leaf certificate with its in-memory private key and issuing chain."""

    profile: SignerProfile
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    """Issuing certificates, nearest first (empty for a self-signed certificate)."""
    private_key: rsa.RSAPrivateKey = field(repr=False)

    def signer(self, *, embed_chain: bool = True, local_time_as_utc: bool = False) -> SimpleSigner:
        """A pyHanko signer holding this identity's key and its issuing chain (the root is not embedded).

        ``embed_chain=False`` embeds the signer's own certificate only, as most real Vietnamese
        signatures do: a verifier then needs the intermediate from its own configuration.
        ``local_time_as_utc=True`` writes the CMS signing-time attribute as iTextSharp 5 does, the
        local (Vietnam) wall-clock time labelled UTC (see `mislabelled_local_time`); /M stays right.
        """
        chain = self.chain if embed_chain else ()
        registry = SimpleCertificateStore.from_certs([_to_asn1(c) for c in chain])  # type: ignore[no-untyped-call]
        key_der = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return _LoadedKeySigner(
            self.private_key,
            signing_cert=_to_asn1(self.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=registry,
            # Like most signing tools: embed the leaf and the intermediate, not the root. The root
            # must come from the validator's own trust store (--trust-root), never from the file.
            embed_roots=False,
            local_time_as_utc=local_time_as_utc,
        )

    @property
    def common_name(self) -> str:
        return self.profile.common_name


VIETNAM_OFFSET = timezone(timedelta(hours=7))


def mislabelled_local_time(moment: datetime) -> datetime:
    """``moment`` as iTextSharp 5 writes the CMS signing time: Vietnam's wall clock labelled UTC (7 h late)."""
    return moment.astimezone(VIETNAM_OFFSET).replace(tzinfo=UTC)


class _LoadedKeySigner(SimpleSigner):
    """A SimpleSigner that signs with an already-loaded RSA key.

    pyHanko's SimpleSigner re-parses (and re-validates) the DER private key for every raw signature,
    including the dummy one used to estimate the signature size: ~40 ms per call for RSA-2048,
    which dominated the generation time of large batches.
    """

    def __init__(self, private_key: rsa.RSAPrivateKey, *, local_time_as_utc: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._loaded_key = private_key
        self.local_time_as_utc = local_time_as_utc

    def _signed_attr_providers(self, data_digest: bytes, digest_algorithm: str, attr_settings: Any,
                               *args: Any, **kwargs: Any) -> Any:
        """pyHanko's attributes; with `local_time_as_utc`, the signing time as iTextSharp 5 mislabels it."""
        if self.local_time_as_utc and attr_settings.signing_time is not None:
            attr_settings = dataclasses.replace(
                attr_settings, signing_time=mislabelled_local_time(attr_settings.signing_time)
            )
        return super()._signed_attr_providers(data_digest, digest_algorithm, attr_settings, *args, **kwargs)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15":  # anything else: let pyHanko handle it
            return super().sign_raw(data, digest_algorithm)
        return self._loaded_key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


@dataclass(frozen=True)
class TestPKI:
    """The whole throwaway PKI: root, intermediate, a TSA and the leaf identities by key."""

    __test__ = False  # not a pytest test class, despite the name

    root: x509.Certificate
    intermediate: x509.Certificate
    tsa: SigningIdentity
    identities: Mapping[str, SigningIdentity]

    def identity(self, key: str) -> SigningIdentity:
        return self.identities[key]

    def signer(self, key: str) -> SimpleSigner:
        """The pyHanko signer (with chain) for the identity registered under ``key``."""
        return self.identities[key].signer()

    def timestamper(self, at: datetime) -> DummyTimeStamper:
        """An offline RFC 3161 time stamper that answers with the fixed time ``at``."""
        tsa = self.tsa
        key_der = tsa.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return DummyTimeStamper(
            tsa_cert=_to_asn1(tsa.certificate),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
            certs_to_embed=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [_to_asn1(c) for c in tsa.chain]
            ),
            fixed_dt=at,
        )

    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def write_trust_root(self, path: Path) -> Path:
        """Write the ROOT certificate (public, PEM) to ``path``; no key is written."""
        return write_trust_root(path, self)

    def write_intermediate(self, path: Path) -> Path:
        """Write the intermediate CA certificate (public, PEM) to ``path``, as councils download it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.intermediate.public_bytes(serialization.Encoding.PEM))
        return path


def write_trust_root(path: Path, pki: TestPKI) -> Path:
    """Write ``pki``'s root certificate as PEM to ``path`` (parents created). Returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pki.root_pem())
    return path


def build_test_pki(profiles: Sequence[SignerProfile]) -> TestPKI:
    """Generate the CA keys and one certificate per profile. Keys are fresh on every call."""
    root_key = _new_key()
    root_name = _ca_name(ROOT_CN)
    root = _issue(
        subject=root_name,
        issuer=root_name,
        subject_key=root_key,
        issuer_key=root_key,
        validity=ROOT_VALIDITY,
        serial_seed="root",
        extensions=_ca_extensions(path_length=1),
    )
    inter_key = _new_key()
    inter_name = _ca_name(INTERMEDIATE_CN)
    intermediate = _issue(
        subject=inter_name,
        issuer=root_name,
        subject_key=inter_key,
        issuer_key=root_key,
        validity=INTERMEDIATE_VALIDITY,
        serial_seed="intermediate",
        extensions=_ca_extensions(path_length=0),
        authority_key=root_key,
    )

    def leaf(profile: SignerProfile) -> SigningIdentity:
        key = _new_key()
        subject = _leaf_name(profile)
        issuer_name, issuer_key = (subject, key) if profile.self_signed else (inter_name, inter_key)
        cert = _issue(
            subject=subject,
            issuer=issuer_name,
            subject_key=key,
            issuer_key=issuer_key,
            validity=(profile.not_before, profile.not_after),
            serial_seed=profile.key,
            extensions=_leaf_extensions(profile),
            authority_key=issuer_key,
        )
        chain = () if profile.self_signed else (intermediate, root)
        return SigningIdentity(profile=profile, certificate=cert, chain=chain, private_key=key)

    tsa = leaf(
        SignerProfile(
            key="tsa",
            kind="tsa",
            common_name=TSA_CN,
            organization=TEST_ORGANIZATION,
            locality="Hà Nội",
            province="Hà Nội",
            uid="MST:0000000000",
            not_before=INTERMEDIATE_VALIDITY[0],
            not_after=INTERMEDIATE_VALIDITY[1],
        )
    )
    identities: dict[str, SigningIdentity] = {}
    for profile in profiles:
        if profile.key in identities:
            raise ValueError(f"duplicate signer key {profile.key!r}")
        identities[profile.key] = leaf(profile)
    return TestPKI(
        root=root, intermediate=intermediate, tsa=tsa, identities=MappingProxyType(identities)
    )


def default_profiles() -> tuple[SignerProfile, ...]:
    """The signers of the reference unit "UBND xã Cao An", plus an expired and a rogue certificate."""
    place, province, org, cccd = "Cao An", "Thái Bình", "UBND xã Cao An", "001085012345"
    return (
        person_profile("cao-an/person", "Nguyễn Văn An", organization=org, locality=place, province=province,
                       cccd=cccd),
        organization_profile("cao-an/organization", "Ủy ban nhân dân xã Cao An", locality=place,
                             province=province, mst="0123456789"),
        person_profile("cao-an/person-expired", "Nguyễn Văn An", organization=org, locality=place,
                       province=province, cccd=cccd, validity=EXPIRED_LEAF_VALIDITY),
        person_profile("cao-an/rogue", "Nguyễn Văn An", organization=org, locality=place, province=province,
                       cccd=cccd, self_signed=True),
    )


# --- helpers -------------------------------------------------------------------------------------


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=_PUBLIC_EXPONENT, key_size=_KEY_SIZE)


def _to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _serial(seed: str) -> int:
    # Deterministic, positive, 64-bit: same serial for the same identity on every run.
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big") >> 1 | 1


def _ca_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _leaf_name(profile: SignerProfile) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, profile.province),
            x509.NameAttribute(NameOID.LOCALITY_NAME, profile.locality),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, profile.organization),
            x509.NameAttribute(NameOID.COMMON_NAME, profile.common_name),
            x509.NameAttribute(NameOID.USER_ID, profile.uid),
        ]
    )


def _ca_extensions(path_length: int) -> list[tuple[x509.ExtensionType, bool]]:
    return [
        (x509.BasicConstraints(ca=True, path_length=path_length), True),
        (
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        ),
    ]


def _leaf_extensions(profile: SignerProfile) -> list[tuple[x509.ExtensionType, bool]]:
    # Vietnamese organisation certificates often carry digitalSignature only (no nonRepudiation):
    # a validator that insists on nonRepudiation rejects perfectly normal organisation signatures.
    non_repudiation = profile.kind in ("person", "rogue")
    extensions: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=non_repudiation,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        ),
    ]
    if profile.kind == "tsa":
        extensions.append((x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True))
    return extensions


def _issue(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    subject_key: rsa.RSAPrivateKey,
    issuer_key: rsa.RSAPrivateKey,
    validity: tuple[datetime, datetime],
    serial_seed: str,
    extensions: Iterable[tuple[x509.ExtensionType, bool]],
    authority_key: rsa.RSAPrivateKey | None = None,
) -> x509.Certificate:
    public_key = subject_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(_serial(serial_seed))
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if authority_key is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, hashes.SHA256())
