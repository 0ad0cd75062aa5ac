"""Broken and odd files that turn up in real evidence folders.

Empty and truncated PDFs, random bytes named ``.pdf``, a DOCX named ``.pdf`` and a PDF named
``.docx``, password-protected PDFs (an open password, or only an owner password that restricts
printing and copying), a legacy Word ``.doc`` that is only an OLE header, and the OS junk that
ends up in zipped folders (``.DS_Store``, ``Thumbs.db``). A reader must report these, never crash.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from pypdf import PdfWriter
from pypdf.constants import UserAccessPermissions

# Compound File Binary (OLE2) signature: legacy .doc/.xls files and Thumbs.db start with it.
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# macOS Finder metadata: 4-byte alignment header then the "Bud1" buddy-allocator magic.
DS_STORE_MAGIC = b"\x00\x00\x00\x01Bud1"


def write_zero_byte(path: Path) -> None:
    """An empty file (an upload that failed)."""
    path.write_bytes(b"")


def write_truncated(src: Path, path: Path, *, fraction: float = 0.4) -> int:
    """The first ``fraction`` of ``src`` (an interrupted download). Returns the size written."""
    data = src.read_bytes()
    size = max(1, int(len(data) * fraction))
    path.write_bytes(data[:size])
    return size


def write_random_bytes(path: Path, *, size: int = 4096, seed: int = 0) -> None:
    """Seeded random bytes (a file that is not a PDF at all, whatever its name says)."""
    path.write_bytes(random.Random(seed).randbytes(size))


def write_misnamed_copy(src: Path, path: Path) -> None:
    """A byte-for-byte copy under another extension (DOCX saved as ``.pdf``, PDF as ``.docx``)."""
    shutil.copyfile(src, path)


def write_encrypted_pdf(src: Path, path: Path, *, user_password: str, owner_password: str) -> None:
    """An AES-128 encrypted copy of ``src``.

    With a non-empty ``user_password`` nobody can open the file without it. With ``user_password=""``
    it opens normally (owner password only) but printing and copying are restricted, as offices do
    to "protect" a published document.
    """
    writer = PdfWriter(clone_from=str(src))
    permissions = UserAccessPermissions.R1 | UserAccessPermissions.R2  # reserved bits, set per spec
    if user_password:
        permissions |= UserAccessPermissions.PRINT | UserAccessPermissions.EXTRACT
    writer.encrypt(
        user_password=user_password,
        owner_password=owner_password,
        algorithm="AES-128",
        permissions_flag=permissions,
    )
    with path.open("wb") as handle:
        writer.write(handle)


def write_legacy_doc(path: Path, *, size: int = 4096) -> None:
    """A legacy Word 97-2003 ``.doc`` stand-in: only the OLE2 header signature and zero padding."""
    path.write_bytes(OLE_SIGNATURE + b"\x00" * (size - len(OLE_SIGNATURE)))


def write_ds_store(path: Path) -> None:
    """A ``.DS_Store``-like file left by macOS Finder in a zipped folder."""
    path.write_bytes(DS_STORE_MAGIC + b"\x00\x00\x10\x00\x00\x00\x08\x00" + b"\x00" * 2036)


def write_thumbs_db(path: Path) -> None:
    """A ``Thumbs.db``-like file left by Windows Explorer (an OLE2 compound file)."""
    path.write_bytes(OLE_SIGNATURE + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 1002)


__all__ = [
    "DS_STORE_MAGIC",
    "OLE_SIGNATURE",
    "write_ds_store",
    "write_encrypted_pdf",
    "write_legacy_doc",
    "write_misnamed_copy",
    "write_random_bytes",
    "write_thumbs_db",
    "write_truncated",
    "write_zero_byte",
]
