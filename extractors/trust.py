"""Trust roots: the certificates a council trusts, read from PEM/DER files and folders of them.

Kept apart from `extractors.signatures` (and pyHanko) so that a run that finds every file in its
cache can load and fingerprint the roots without importing the verification stack.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from asn1crypto import pem, x509

_ROOT_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der"})
_PEM_CERTIFICATE_TYPES = frozenset({"CERTIFICATE", "X509 CERTIFICATE"})


class TrustRootError(ValueError):
    """A configured trust root is missing, unreadable or not a certificate."""


def load_trust_roots(paths: Iterable[Path]) -> list[x509.Certificate]:
    """Certificates from PEM files (several per file allowed), DER files, and folders of them.

    A folder contributes every .pem/.crt/.cer/.der file directly inside it. Files are parsed once
    per content version (cached by path, size and modification time), so batches pay once.
    Raises `TrustRootError` for a missing path, an unreadable file, a file that holds no
    certificate, or a folder without certificate files.
    """
    certificates: list[x509.Certificate] = []
    seen: set[bytes] = set()
    for path in paths:
        for file in _root_files(Path(path)):
            for certificate in _certificates_in(*_file_version(file)):
                fingerprint = certificate.sha256
                if fingerprint not in seen:
                    seen.add(fingerprint)
                    certificates.append(certificate)
    return certificates


def _root_files(path: Path) -> list[Path]:
    if path.is_dir():
        try:
            files = sorted(child for child in path.iterdir()
                           if child.is_file() and child.suffix.lower() in _ROOT_SUFFIXES)
        except OSError as error:
            raise TrustRootError(f"trust root folder {path} cannot be listed: {error}") from error
        if not files:
            raise TrustRootError(f"trust root folder {path} holds no .pem/.crt/.cer/.der file")
        return files
    if not path.is_file():
        raise TrustRootError(f"trust root {path} does not exist")
    return [path]


def _file_version(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError as error:
        raise TrustRootError(f"trust root {path} cannot be read: {error}") from error
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=256)
def _certificates_in(path: str, mtime_ns: int, size: int) -> tuple[x509.Certificate, ...]:
    """Parse one trust-root file; the cache key includes its version so edits are picked up."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise TrustRootError(f"trust root {path} cannot be read: {error}") from error
    try:
        if pem.detect(data):
            ders = [der for kind, _, der in pem.unarmor(data, multiple=True) if kind in _PEM_CERTIFICATE_TYPES]
        else:
            ders = [data]
        certificates = tuple(x509.Certificate.load(der, strict=True) for der in ders)
        for certificate in certificates:
            _ = certificate.native  # asn1crypto parses lazily: force it so a bad file fails here
    except (ValueError, TypeError, OSError) as error:
        raise TrustRootError(f"trust root {path} is not a PEM or DER certificate: {error}") from error
    if not certificates:
        raise TrustRootError(f"trust root {path} holds no certificate")
    return certificates
