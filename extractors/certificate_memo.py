"""What pyHanko and asn1crypto work out about a certificate, kept by its encoding for the whole run.

Verifying a signature parses the certificates the CMS carries, compares their names, registers them
for path building and checks the ESS signing-certificate attribute, all on objects parsed afresh
for every signature; and a province's batch holds a few dozen certificates seen thousands of
times. Each memo here answers from DER encodings, so the answers are the ones asn1crypto gives:

- `canonical` hands out one parsed object per certificate encoding, so what asn1crypto caches on
  a certificate (its parsed fields, names, key usages, digests) is worked out once per run;
- a CMS's certificates, sorted into the signer's and the others and checked against its ESS
  signing-certificate attribute, are kept by the CMS's encoding: pyHanko asks twice per
  signature (opening it, then validating it), a third time when a signature is validated again;
- a name's string preparation (RFC 4518, ~0.3 ms a string), equality and `hashable` key are
  functions of the name's encoding alone.

Every memo is keyed by the bytes a value was read from (`encoding`), never by `dump()`: a CMS
written with indefinite lengths (BER, as EU DSS and some signing tools write it) makes asn1crypto's
`dump()` re-encode the whole structure, parsing every nested value on the way, which is slow on a
large CMS and raises on values asn1crypto cannot parse although nothing here needs them (an OCSP
nonce stored raw inside an embedded revocation archive: "Insufficient data").

`install()` puts them in place for this process (`extractors.signatures` calls it on import).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from asn1crypto import core, x509
from pyhanko.sign import general
from pyhanko.sign.general import SignedDataCerts
from pyhanko.sign.validation import generic_cms

from kiemchung.extractors.patching import checked

_CHECKED_ON = (("pyHanko", ("0.38",)), ("asn1crypto", ("1.5",)))
_MAX_CERTIFICATES = 4096  # distinct certificates kept; past that the memo starts again
_certificates: dict[bytes, x509.Certificate] = {}
_MAX_SIGNATURES = 64  # a file's signatures: the memo serves the signature being verified
_signatures: dict[bytes, SignedDataCerts] = {}


def encoding(value: core.Asn1Value) -> bytes:
    """The bytes of `value`'s contents as read, without re-encoding; `dump()` for a value built in memory.

    Two values of one type read from the same contents are the same value, so these bytes are a key.
    """
    contents: bytes | None = value.contents
    if contents is not None:
        return contents
    encoded: bytes = value.dump()
    return encoded


def canonical(certificate: x509.Certificate) -> x509.Certificate:
    """The first certificate seen with this encoding: byte for byte the same certificate."""
    encoded = encoding(certificate)
    kept = _certificates.get(encoded)
    if kept is not None:
        return kept
    if len(_certificates) >= _MAX_CERTIFICATES:
        _certificates.clear()
    _certificates[encoded] = certificate
    return certificate


def _original(function: Callable[..., Any]) -> Callable[..., Any]:
    """pyHanko's or asn1crypto's own function when a memo already replaced it (a reload)."""
    return getattr(function, "__wrapped__", function)


_extract_certificate_info = general.extract_certificate_info


def _extract_certificate_info_canonical(signed_data: Any) -> SignedDataCerts:
    found = _extract_certificate_info(signed_data)
    return SignedDataCerts(
        signer_cert=canonical(found.signer_cert),
        other_certs=[canonical(certificate) for certificate in found.other_certs],
        attribute_certs=found.attribute_certs,
    )


_extract_certs_for_validation = _original(generic_cms.extract_certs_for_validation)


def _extract_certs_for_validation_memo(signed_data: Any) -> SignedDataCerts:
    """pyHanko's answer for this CMS; it raises (an ESS mismatch) every time, nothing kept."""
    encoded = encoding(signed_data)
    found = _signatures.get(encoded)
    if found is None:
        found = _extract_certs_for_validation(signed_data)
        if len(_signatures) >= _MAX_SIGNATURES:
            _signatures.clear()
        _signatures[encoded] = found
    return found


_string_prep = _original(x509.NameTypeAndValue._ldap_string_prep)
_name_eq = _original(x509.Name.__eq__)
_name_hashable = _original(x509.Name.hashable.fget)


@functools.lru_cache(maxsize=4096)
def _prepared_string(string: str) -> str:
    prepared: str = _string_prep(None, string)  # asn1crypto never reads `self` there
    return prepared


@functools.lru_cache(maxsize=4096)
def _names_equal(first: bytes, second: bytes) -> bool:
    return bool(_name_eq(x509.Name.load(first), x509.Name.load(second)))


@functools.lru_cache(maxsize=4096)
def _hashable(encoded: bytes) -> str:
    key: str = _name_hashable(x509.Name.load(encoded))
    return key


def _string_prep_memo(_self: object, string: str) -> str:
    return _prepared_string(string)


def _name_eq_memo(self: x509.Name, other: object) -> bool:
    return isinstance(other, x509.Name) and _names_equal(self.chosen.dump(), other.chosen.dump())


def _name_hashable_memo(self: x509.Name) -> str:
    return _hashable(self.dump())


def install() -> None:
    """Put the memos in place of pyHanko's and asn1crypto's functions in this process, on the releases
    they were checked on (`extractors.patching`)."""
    if not all(checked(library, series, "the certificate memos") for library, series in _CHECKED_ON):
        return
    # pyHanko looks the function up as a module global of generic_cms, where both the signer's
    # certificates and a timestamp token's are extracted.
    _put(generic_cms, "extract_certificate_info", _extract_certificate_info_canonical, _extract_certificate_info)
    # Looked up on generic_cms both by pyHanko's EmbeddedPdfSignature and within generic_cms.
    _put(generic_cms, "extract_certs_for_validation", _extract_certs_for_validation_memo, _extract_certs_for_validation)
    _put(x509.NameTypeAndValue, "_ldap_string_prep", _string_prep_memo, _string_prep)
    _put(x509.Name, "__eq__", _name_eq_memo, _name_eq)
    _name_hashable_memo.__wrapped__ = _name_hashable  # type: ignore[attr-defined]
    x509.Name.hashable = property(_name_hashable_memo)


def _put(owner: object, name: str, memo: Any, original: Callable[..., Any]) -> None:
    memo.__wrapped__ = original
    setattr(owner, name, memo)
