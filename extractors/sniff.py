"""What a file really is, from its first bytes, whatever its name says."""

from __future__ import annotations

import zipfile
from pathlib import Path

# The names the field uses for operating-system litter that is never evidence.
SYSTEM_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"})


def is_system_file(name: str) -> bool:
    """OS litter and Office lock files ("~$Bao cao.docx"), which no unit means to submit."""
    lowered = name.lower()
    return lowered in SYSTEM_NAMES or lowered.startswith("~$") or lowered.startswith("._")


def sniff(path: Path) -> str:
    """The content kind: pdf, docx, xlsx, zip, ole (legacy Office), image, or unknown."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8")):
        return "image"
    return "unknown"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"
