"""What a file really is, from its first bytes, whatever its name says.

A zip's kind is read from its member names, which means listing its central directory. That
listing is checked first from the end-of-central-directory record (a few bytes at the end of the
file): a crafted directory of millions of entries would otherwise cost hundreds of MiB of
`ZipInfo` objects before any limit in `extractors.docx.check_archive` could look at it.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.models import FileKind, ReadProblem

# The names the field uses for operating-system litter that is never evidence.
SYSTEM_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"})
# What each accepted extension says the file is.
_EXTENSION_KINDS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".tif": "image",
    ".tiff": "image",
}

# An Office file has tens of parts, a big one a few thousand (one per image or sheet); the directory
# holds each name once, so 4 MiB is room for 10 000 entries with long names.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_DIRECTORY_BYTES = 4 * 1024 * 1024

# Word's "Web page" .doc starts with <html xmlns:o=…> or a <?xml …?><?mso-application?> prolog.
_HTML_TAG = re.compile(r"<(?:html|head|body|meta|title)\b")
_JSON_START = re.compile(r'[{\[]\s*(?:"|\{|\[|\]|\}|-?\d|true|false|null)')
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"})

_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_OF_DIRECTORY = b"PK\x06\x06"
_END_SEARCH = 22 + 65_535  # the fixed record plus the longest comment


def kind_for_name(path: Path) -> FileKind:
    """What the file's extension says it is; OTHER for an extension the reader does not accept."""
    expected = _EXTENSION_KINDS.get(path.suffix.lower())
    return FileKind(expected) if expected else FileKind.OTHER


def is_system_file(name: str) -> bool:
    """OS litter and Office lock files ("~$Bao cao.docx"), which no unit means to submit."""
    lowered = name.lower()
    return lowered in SYSTEM_NAMES or lowered.startswith("~$") or lowered.startswith("._")


def sniff(path: Path) -> str:
    """The content kind: pdf, docx, xlsx, zip, ole (legacy Office), image, rtf, html, json, or unknown.

    HTML and RTF are what Word and web applications write when "saving as .doc"; JSON is what a
    web portal's API returns when a download fails and the answer is saved under the file's name.

    Raises `ReadFailure` (corrupt) for a zip whose central directory is too large to list safely.
    """
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
    # WebP and the HEIC photos of phones: pictures too, though not formats the reader accepts.
    if (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or (head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS):
        return "image"
    return _text_kind(head)


def _text_kind(head: bytes) -> str:
    """rtf, html, json or unknown, from the start of a text file (any BOM and leading blanks skipped)."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, "ignore")
            break
    else:
        text = head.decode("latin-1")
    start = text.lstrip()[:256].lower()
    if start.startswith("{\\rtf"):
        return "rtf"
    if start.startswith(("<!doctype html", "<html")) or (start.startswith("<") and _HTML_TAG.search(start)):
        return "html"
    if start[:1] in ("{", "[") and _JSON_START.match(start):
        return "json"
    return "unknown"


def check_zip_directory(path: Path) -> None:
    """Refuse a zip whose central directory declares more entries or bytes than an Office file has.

    A file without a readable end record is left to `zipfile`, which reports it as damaged.
    """
    entries, size = _directory_extent(path)
    if entries > MAX_ZIP_ENTRIES or size > MAX_ZIP_DIRECTORY_BYTES:
        raise ReadFailure(
            ReadProblem.CORRUPT,
            f"zip directory lists {entries} entries in {size} bytes "
            f"(limits {MAX_ZIP_ENTRIES} entries, {MAX_ZIP_DIRECTORY_BYTES} bytes); not opened",
        )


def _directory_extent(path: Path) -> tuple[int, int]:
    """(entries, bytes) of the central directory as its end record declares them; (0, 0) if absent."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        file_size = handle.tell()
        start = max(0, file_size - _END_SEARCH)
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(_END_OF_DIRECTORY)
        if at < 0 or len(tail) - at < 22:
            return 0, 0
        entries, size = struct.unpack("<xxxxxxxxxxHI", tail[at : at + 16])
        if entries != 0xFFFF and size != 0xFFFFFFFF:
            return entries, size
        # ZIP64: the 32-bit fields are saturated; the real counts sit in the ZIP64 end record,
        # which the locator just before the end record points to.
        locator = start + at - 20
        if locator < 0:
            return entries, size
        handle.seek(locator)
        record = handle.read(20)
        if record[:4] != _ZIP64_LOCATOR:
            return entries, size
        (offset,) = struct.unpack("<Q", record[8:16])
        handle.seek(offset)
        zip64 = handle.read(56)
        if len(zip64) < 56 or zip64[:4] != _ZIP64_END_OF_DIRECTORY:
            return entries, size
        entries64, size64 = struct.unpack("<QQ", zip64[32:48])
        return entries64, size64


def _zip_kind(path: Path) -> str:
    check_zip_directory(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except Exception:  # zipfile raises BadZipFile, OSError, ValueError, … on crafted directories
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"
