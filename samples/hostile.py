"""Hostile files: evidence crafted (or damaged) to hang, exhaust or trick the reader.

`samples.broken` has the files the field produces by accident (empty, truncated, misnamed,
password-protected). These are the ones an attacker, or a badly broken tool, produces:

- PDFs written object by object (`pdf_from_objects`), so that the structure itself can be wrong: a
  cross-reference table with wrong offsets or garbage, an object that is only a reference to itself,
  a page tree whose /Kids or /Parent loop, a form XObject that draws itself, a FlateDecode stream
  of 1 GiB of zeros packed into 1 MiB, forms that inflate to just under pypdf's per-stream limit, a
  form drawn a thousand times, and 20 000 pages;
- Office packages (DOCX, XLSX) rewritten part by part: a zip bomb (by ratio), a directory that
  declares more than the limit, a member that inflates past the size its directory declares, and XML
  parts with a DTD: an external entity on /etc/passwd or on a local URL, and "billion laughs";
- names: NFD, 255-byte, and folders nested to ~4000 characters.

Everything is generated into the caller's folder in well under a second each (the 1 GiB bomb is
written by repeating one deflate block, never by compressing 1 GiB). Nothing here is committed as a
binary; `tests/test_hostile_files.py` says what each file must come out as.
"""

from __future__ import annotations

import os
import random
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

# --- PDFs written object by object ---------------------------------------------------------------

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
ONE_PAGE_TREE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
# ASCII only: Helvetica with its standard encoding has no Vietnamese letters, and what matters here
# is the structure of the file, not the words.
PAGE_TEXT = b"BT /F1 12 Tf 72 760 Td (UBND XA CAO AN) Tj 0 -16 Td (So: 15/KH-UBND) Tj ET"
_GiB = 1 << 30
_MiB = 1 << 20


def pdf_from_objects(objects: Mapping[int, bytes], *, root: int = 1) -> bytes:
    """A PDF 1.7 file of `objects` (number -> body without "obj"/"endobj"), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def pdf_stream(dictionary: bytes, data: bytes) -> bytes:
    """A stream object's body: `dictionary` entries (without << >>) plus /Length, then the data."""
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _page(contents: bytes = b"4 0 R", *, parent: bytes = b"2 0 R", resources: bytes | None = None) -> bytes:
    resources = resources if resources is not None else b"<< /Font << /F1 5 0 R >> >>"
    return (b"<< /Type /Page /Parent " + parent + b" /MediaBox [0 0 595 842] /Resources " + resources
            + b" /Contents " + contents + b" >>")


def _one_page(contents: bytes, *, resources: bytes | None = None, extra: Mapping[int, bytes] | None = None) -> bytes:
    objects = {1: CATALOG, 2: ONE_PAGE_TREE, 3: _page(resources=resources), 4: contents, 5: HELVETICA}
    objects.update(extra or {})
    return pdf_from_objects(objects)


def write_plain_pdf(path: Path) -> None:
    """A well-formed one-page PDF written by `pdf_from_objects`: the control for the cases below."""
    path.write_bytes(_one_page(pdf_stream(b"", PAGE_TEXT)))


def write_broken_xref_pdf(src: Path, path: Path, *, damage: str) -> None:
    """A copy of `src` (one classic xref table) with its cross-reference data damaged.

    `damage`: "shifted" moves every offset 37 bytes on; "garbage" overwrites the table with digits,
    spaces and keywords; "no-startxref" points startxref past the end of the file; "hopeless" is
    "garbage" plus every "obj" keyword mangled, so no reader can rebuild the table from the objects.
    """
    data = src.read_bytes()
    start = data.rindex(b"\nxref\n") + 1
    end = data.index(b"trailer", start)
    table = data[start:end]
    if damage == "shifted":
        table = re.sub(rb"(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + 37, m.group(2)), table)
    elif damage in ("garbage", "hopeless"):
        rng = random.Random(7)
        table = bytes(rng.choice(b"0123456789 nfxref\n") for _ in table)
    elif damage != "no-startxref":
        raise ValueError(f"unknown damage {damage!r}")
    damaged = data[:start] + table + data[end:]
    if damage == "no-startxref":
        damaged = damaged[: damaged.rindex(b"startxref")] + b"startxref\n99999999\n%%EOF\n"
    if damage == "hopeless":
        damaged = damaged.replace(b" 0 obj", b" 0 ob_")
    path.write_bytes(damaged)


def write_self_reference_pdf(path: Path, *, part: str = "contents") -> None:
    """A page whose /Contents (or /Resources) is an object holding only a reference to itself."""
    if part == "contents":
        path.write_bytes(_one_page(b"4 0 R"))
    else:
        path.write_bytes(_one_page(pdf_stream(b"", PAGE_TEXT), resources=b"6 0 R", extra={6: b"6 0 R"}))


def write_kids_loop_pdf(path: Path) -> None:
    """A page tree whose root lists itself among its /Kids, via an intermediate node."""
    objects = {
        1: CATALOG,
        2: b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        3: _page(),
        4: pdf_stream(b"", PAGE_TEXT),
        5: HELVETICA,
        6: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
    }
    path.write_bytes(pdf_from_objects(objects))


def write_parent_loop_pdf(path: Path) -> None:
    """A page that inherits its box and resources through a /Parent chain that loops (6 -> 7 -> 6)."""
    objects = {
        1: CATALOG,
        2: ONE_PAGE_TREE,
        3: b"<< /Type /Page /Parent 6 0 R /Contents 4 0 R >>",
        4: pdf_stream(b"", PAGE_TEXT),
        5: HELVETICA,
        6: b"<< /Type /Pages /Parent 7 0 R /Kids [3 0 R] /Count 1 >>",
        7: b"<< /Type /Pages /Parent 6 0 R /Kids [6 0 R] /Count 1 >>",
    }
    path.write_bytes(pdf_from_objects(objects))


def write_self_drawing_form_pdf(path: Path) -> None:
    """A page that draws form /X, whose own content draws /X again."""
    resources = b"<< /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >>"
    form = pdf_stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + resources,
                      b"BT /F1 12 Tf 72 700 Td (FORM) Tj ET /X Do")
    path.write_bytes(_one_page(pdf_stream(b"", PAGE_TEXT + b" /X Do"), resources=resources, extra={6: form}))


def zeros_deflated(size: int) -> bytes:
    """A zlib stream that inflates to `size` zero bytes (a multiple of 1 MiB), built in milliseconds.

    One 1 MiB block of zeros is deflated and closed with a full flush, which resets the compressor,
    so every further block would compress to the same bytes: they are repeated instead of computed.
    The stream ends with an empty final block and the Adler-32 of the zeros (a = 1, b = size mod 65521).
    """
    if size <= 0 or size % _MiB:
        raise ValueError("size must be a positive multiple of 1 MiB")
    compressor = zlib.compressobj(9)
    first = compressor.compress(bytes(_MiB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(_MiB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    if first[2:] != block:  # the zlib header (2 bytes) only on the first
        raise RuntimeError("zlib did not reset on a full flush")
    adler = (size % 65521) << 16 | 1
    return first + block * (size // _MiB - 1) + b"\x03\x00" + struct.pack(">I", adler)


def write_flate_bomb_pdf(path: Path, *, inflated: int = _GiB) -> None:
    """A page whose FlateDecode content stream inflates to `inflated` bytes of zeros (1 GiB from ~1 MiB)."""
    path.write_bytes(_one_page(pdf_stream(b"/Filter /FlateDecode", zeros_deflated(inflated))))


def write_form_bomb_pdf(path: Path, *, forms: int = 40, each: int = 15 * _MiB) -> None:
    """A page drawing `forms` distinct form XObjects of `each` bytes of zeros: every stream stays under
    pypdf's per-stream limit, but a reader that keeps what it decodes holds forms × each bytes."""
    blob = zeros_deflated(each)
    names = b" ".join(b"/X%d %d 0 R" % (index, 10 + index) for index in range(forms))
    resources = b"<< /Font << /F1 5 0 R >> /XObject << " + names + b" >> >>"
    draws = b" ".join(b"/X%d Do" % index for index in range(forms))
    extra = {10 + index: pdf_stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Filter /FlateDecode", blob)
             for index in range(forms)}
    path.write_bytes(_one_page(pdf_stream(b"", PAGE_TEXT + b" " + draws), resources=resources, extra=extra))


def write_repeated_form_pdf(path: Path, *, uses: int = 1000, size: int = 64 * 1024) -> None:
    """A page drawing one text-heavy form `uses` times: small on disk and in memory, but every use is
    interpreted again, so text extraction would parse uses × size bytes of operators."""
    line = b"BT /F1 12 Tf 72 700 Td (AB) Tj ET\n"
    resources = b"<< /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >>"
    form = pdf_stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Filter /FlateDecode /Resources "
                      + resources.replace(b" /XObject << /X 6 0 R >>", b""), zlib.compress(line * (size // len(line))))
    path.write_bytes(_one_page(pdf_stream(b"", PAGE_TEXT + b" " + b"q /X Do Q " * uses), resources=resources,
                               extra={6: form}))


def write_many_pages_pdf(path: Path, *, pages: int = 20_000) -> None:
    """`pages` pages in one flat /Kids array, all drawing one shared content stream (~160 bytes a page)."""
    kids = b" ".join(b"%d 0 R" % (10 + index) for index in range(pages))
    objects = {1: CATALOG, 2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               4: pdf_stream(b"", PAGE_TEXT), 5: HELVETICA}
    page = _page()
    objects.update({10 + index: page for index in range(pages)})
    path.write_bytes(pdf_from_objects(objects))


def write_annotation_flood_pdf(path: Path, *, pages: int = 2000, annotations: int = 50_000) -> None:
    """`pages` pages sharing one /Annots array of `annotations` links: 10⁸ entries for a reader that
    walks every page's annotations (looking for signature widgets) without noticing the sharing."""
    objects = {1: CATALOG, 2: b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (10 + i) for i in range(pages))
               + b"] /Count %d >>" % pages, 4: pdf_stream(b"", PAGE_TEXT), 5: HELVETICA,
               6: b"[" + b"7 0 R " * annotations + b"]", 7: b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] >>"}
    page = _page()[:-2] + b" /Annots 6 0 R >>"
    objects.update({10 + index: page for index in range(pages)})
    path.write_bytes(pdf_from_objects(objects))


# --- Office packages rewritten part by part -------------------------------------------------------


def rewrite_package(src: Path, path: Path, edits: Mapping[str, Callable[[bytes], bytes]],
                    extra: Mapping[str, bytes] | None = None) -> None:
    """Copy a zip package, passing the named members through `edits` and adding `extra` members."""
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            edit = edits.get(info.filename)
            target.writestr(info.filename, edit(data) if edit else data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)


def write_zip_bomb_docx(src: Path, path: Path, *, inflated: int = 64 * _MiB) -> None:
    """A Word file with an extra member of `inflated` zeros: the package's ratio is near 1000:1."""
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("word/media/image1.png", bytes(inflated), compresslevel=9)


def write_declared_huge_docx(src: Path, path: Path, *, declared: int = 300 * _MiB) -> None:
    """A Word file whose zip directory declares a member of `declared` bytes at a modest ratio.

    Only the central directory is patched (uncompressed and compressed size of the last member), so
    the file is small; the declared figures are what a reader must judge before inflating anything.
    """
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("word/media/image1.png", b"\x89PNG" + bytes(1000))
    _patch_last_directory_entry(path, compressed=declared // 10, uncompressed=declared)


def write_lying_sizes_docx(src: Path, path: Path, *, inflated: int = 256 * _MiB, declared: int = 1000) -> None:
    """A Word file with a member that inflates to `inflated` bytes while the directory declares `declared`.

    A reader that trusted the data over the directory would inflate it all; zipfile stops at the
    declared size, where the CRC no longer matches.
    """
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("word/media/image1.png", bytes(inflated), compresslevel=1)
    _patch_last_directory_entry(path, uncompressed=declared)


def _patch_last_directory_entry(path: Path, *, uncompressed: int, compressed: int | None = None) -> None:
    """Overwrite the size fields of the last central directory entry (offsets 20 and 24 of it)."""
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02")
    if compressed is not None:
        data[entry + 20 : entry + 24] = struct.pack("<I", compressed)
    data[entry + 24 : entry + 28] = struct.pack("<I", uncompressed)
    path.write_bytes(bytes(data))


def write_many_members_zip(path: Path, *, members: int = 12_000) -> None:
    """A .docx-named zip with `members` empty entries: more than any Office file has."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as target:
        target.writestr("word/document.xml", b"<w:document/>")
        for index in range(members):
            target.writestr(f"word/media/{index}.bin", b"")


EXTERNAL_FILE = "file:///etc/passwd"


def external_entity_doctype(root: str, system_id: str = EXTERNAL_FILE) -> bytes:
    """A DTD declaring entity `xxe` as the contents of `system_id` (a file, or a URL)."""
    return f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{system_id}">]>'.encode()


def external_dtd_doctype(root: str, system_id: str) -> bytes:
    """A DOCTYPE whose external subset (and a parameter entity in it) sits at `system_id`."""
    return f'<!DOCTYPE {root} SYSTEM "{system_id}" [<!ENTITY % p SYSTEM "{system_id}"> %p;]>'.encode()


def billion_laughs_doctype(root: str, *, levels: int = 9) -> bytes:
    """The classic entity-expansion bomb: entity `xxe` expands to 10**levels copies of "lol"."""
    entities = ['<!ENTITY l0 "lol">']
    entities += [f'<!ENTITY l{level} "{f"&l{level - 1};" * 10}">' for level in range(1, levels + 1)]
    entities.append(f'<!ENTITY xxe "&l{levels};">')
    return f"<!DOCTYPE {root} [{''.join(entities)}]>".encode()


def with_doctype(doctype: bytes, *, before: bytes, insert: bytes) -> Callable[[bytes], bytes]:
    """An edit for `rewrite_package`: add `doctype` after the XML declaration and `insert` before `before`."""
    def edit(data: bytes) -> bytes:
        declaration, _, rest = data.partition(b"?>") if data.startswith(b"<?xml") else (b"", b"", data)
        head = declaration + b"?>" if declaration else b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        if before not in rest:
            raise ValueError(f"{before!r} not found in the part")
        return head + doctype + rest.replace(before, insert + before, 1)
    return edit


def write_docx_with_doctype(src: Path, path: Path, doctype: bytes) -> None:
    """A Word file whose document.xml declares `doctype` and uses entity `xxe` in a paragraph."""
    paragraph = b"<w:p><w:r><w:t>NOI DUNG &xxe; HET</w:t></w:r></w:p>"
    rewrite_package(src, path, {"word/document.xml": with_doctype(doctype, before=b"</w:body>", insert=paragraph)})


def write_xlsx_with_doctype(src: Path, path: Path, doctype: bytes, *, part: str = "xl/worksheets/sheet1.xml") -> None:
    """A workbook whose `part` declares `doctype`; a worksheet also gets a cell that uses entity `xxe`."""
    if part.startswith("xl/worksheets/"):
        cell = b'<row r="1000"><c r="A1000" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        edit = with_doctype(doctype, before=b"</sheetData>", insert=cell)
    else:
        edit = with_doctype(doctype, before=b"", insert=b"")
    rewrite_package(src, path, {part: edit})


def write_corrupt_workbook(src: Path, path: Path) -> None:
    """A workbook whose xl/workbook.xml is not XML at all (the zip itself is sound)."""
    rewrite_package(src, path, {"xl/workbook.xml": lambda _: b"\x00\x01 this is not XML " * 20})


# --- names and folders ---------------------------------------------------------------------------


def nfd(name: str) -> str:
    """`name` in Unicode NFD (decomposed), as macOS writes it into zip files."""
    return unicodedata.normalize("NFD", name)


def name_of_bytes(stem: str, suffix: str, size: int = 255) -> str:
    """`stem` repeated and cut so that stem + `suffix` is exactly `size` UTF-8 bytes (ext4's limit).

    The cut never splits a character: Vietnamese letters take 1-3 bytes, so the end is padded with "_".
    """
    budget = size - len(suffix.encode())
    text = ""
    while len((text + stem).encode()) <= budget:
        text += stem
    for char in stem:
        if len((text + char).encode()) > budget:
            break
        text += char
    return text + "_" * (budget - len(text.encode())) + suffix


def make_deep_folder(root: Path, *, total_bytes: int = 4000, segment: str = "Thư mục lưu trữ") -> Path:
    """Nested folders under `root` until the path is about `total_bytes` UTF-8 bytes; returns the deepest.

    Folders are created relative to an open descriptor of their parent, so this also works past
    PATH_MAX (4096), where a path can no longer be passed to the kernel in one piece.
    """
    name = (segment + " ") * 16
    name = name.encode()[:200].decode(errors="ignore").strip()
    path = root
    descriptor = os.open(root, os.O_RDONLY)
    try:
        while len(str(path).encode()) + len(name.encode()) + 1 <= total_bytes:
            os.mkdir(name, dir_fd=descriptor)
            inner = os.open(name, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
            path = path / name
    finally:
        os.close(descriptor)
    return path


def write_bytes_at(folder: Path, name: str, data: bytes) -> None:
    """Write a file in `folder` by descriptor: `folder` may be deeper than PATH_MAX."""
    parts = folder.parts
    descriptor = os.open(parts[0], os.O_RDONLY)
    try:
        for part in parts[1:]:
            inner = os.open(part, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=descriptor)
        try:
            os.write(handle, data)
        finally:
            os.close(handle)
    finally:
        os.close(descriptor)


__all__ = [
    "EXTERNAL_FILE",
    "billion_laughs_doctype",
    "external_dtd_doctype",
    "external_entity_doctype",
    "make_deep_folder",
    "name_of_bytes",
    "nfd",
    "pdf_from_objects",
    "pdf_stream",
    "rewrite_package",
    "with_doctype",
    "write_annotation_flood_pdf",
    "write_broken_xref_pdf",
    "write_bytes_at",
    "write_corrupt_workbook",
    "write_declared_huge_docx",
    "write_docx_with_doctype",
    "write_flate_bomb_pdf",
    "write_form_bomb_pdf",
    "write_kids_loop_pdf",
    "write_lying_sizes_docx",
    "write_many_members_zip",
    "write_many_pages_pdf",
    "write_parent_loop_pdf",
    "write_plain_pdf",
    "write_repeated_form_pdf",
    "write_self_drawing_form_pdf",
    "write_self_reference_pdf",
    "write_xlsx_with_doctype",
    "zeros_deflated",
]
