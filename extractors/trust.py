"""Trust roots: the certificates a council trusts, read from PEM/DER files and folders of them.

Kept apart from `extractors.signatures` (and pyHanko) so that a run that finds every file in its
cache can load and fingerprint the roots without importing the verification stack.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from asn1crypto import pem, x509

from kiemchung.extractors.errors import BilingualError, reason

_ROOT_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der"})
_PEM_CERTIFICATE_TYPES = frozenset({"CERTIFICATE", "X509 CERTIFICATE"})


class TrustRootError(BilingualError):
    """A configured trust root is missing, unreadable or not a certificate."""


_SEE_README = ("xem README, mục Trust roots", "see the README, Trust roots")


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
            vi, en = reason(error)
            raise TrustRootError(
                f"không mở được thư mục chứng thư gốc {path} ({vi}). Hãy kiểm tra đường dẫn và quyền đọc thư mục "
                f"rồi chạy lại.",
                f"cannot list the trust root folder {path} ({en}). Check the path and the folder's permissions "
                f"and run again.",
            ) from error
        if not files:
            raise TrustRootError(
                f"thư mục chứng thư gốc {path} không có tệp chứng thư nào (.pem, .crt, .cer hoặc .der). Hãy chép "
                f"các tệp chứng thư gốc vào thư mục này, hoặc chỉ --trust-root tới đúng tệp ({_SEE_README[0]}).",
                f"the trust root folder {path} holds no certificate file (.pem, .crt, .cer or .der). Copy the root "
                f"certificates into it, or point --trust-root at the right file ({_SEE_README[1]}).",
            )
        return files
    if not path.is_file():
        raise TrustRootError(
            f"không tìm thấy chứng thư gốc {path}. Hãy kiểm tra đường dẫn sau --trust-root, hoặc trong khóa "
            f"signatures.trust_roots của tệp cấu hình (đường dẫn tương đối tính từ thư mục của tệp cấu hình).",
            f"the trust root {path} does not exist. Check the path after --trust-root, or in the config file's "
            f"signatures.trust_roots (relative paths start from the config file's folder).",
        )
    return [path]


def _file_version(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError as error:
        raise _unreadable(path, error) from error
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def _unreadable(path: Path | str, error: OSError) -> TrustRootError:
    vi, en = reason(error)
    return TrustRootError(
        f"không đọc được chứng thư gốc {path} ({vi}). Hãy kiểm tra quyền đọc tệp rồi chạy lại.",
        f"cannot read the trust root {path} ({en}). Check the file's permissions and run again.",
    )


@functools.lru_cache(maxsize=256)
def _certificates_in(path: str, mtime_ns: int, size: int) -> tuple[x509.Certificate, ...]:
    """Parse one trust-root file; the cache key includes its version so edits are picked up."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from error
    try:
        if pem.detect(data):
            ders = [der for kind, _, der in pem.unarmor(data, multiple=True) if kind in _PEM_CERTIFICATE_TYPES]
        else:
            ders = [data]
        certificates = tuple(x509.Certificate.load(der, strict=True) for der in ders)
        for certificate in certificates:
            _ = certificate.native  # asn1crypto parses lazily: force it so a bad file fails here
    except (ValueError, TypeError, OSError) as error:
        vi, en = reason(error)
        raise TrustRootError(
            f"chứng thư gốc {path} không phải chứng thư số (PEM hoặc DER): {vi}. Hãy tải lại tệp chứng thư gốc "
            f"từ nơi cấp ({_SEE_README[0]}).",
            f"the trust root {path} is not a certificate (PEM or DER): {en}. Download the root certificate again "
            f"from its issuer ({_SEE_README[1]}).",
        ) from error
    if not certificates:
        raise TrustRootError(
            f"tệp {path} không chứa chứng thư số nào (có thể là khóa bí mật hoặc yêu cầu cấp chứng thư). Hãy dùng "
            f"tệp chứng thư gốc tải từ nơi cấp ({_SEE_README[0]}).",
            f"{path} holds no certificate (perhaps a private key or a certificate request). Use the root "
            f"certificate file from its issuer ({_SEE_README[1]}).",
        )
    return certificates
