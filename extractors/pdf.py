"""PDF text, header lines and signature fields, read with pypdf.

Page text is taken in pypdf's layout mode, which keeps the two header columns
apart as runs of spaces; each run becomes a `TextLine` with its column. Text
stamped inside signature widgets is read from the widgets' appearance streams.
"""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from extractors.errors import ReadFailure
from extractors.models import Column, ReadProblem, SignatureField, Source, TextLine
from extractors.text import normalize

_COLUMN_GAP = re.compile(r"\s{3,}")
# "Số:      /KH-UBND" and "ngày      tháng      năm 2024": blanks left for the clerk, not columns.
_BLANK_BEFORE = re.compile(r"(\bSố\s*:?|\bngày|\btháng)$")
_BLANK_AFTER = re.compile(r"^(/|tháng\b|năm\b)")


_TAIL_BYTES = 2048  # where a complete PDF's last "%%EOF" sits


def open_pdf(path: Path) -> PdfReader:
    """Open a PDF leniently; decrypt one that only has an owner password.

    A file without "%%EOF" at its end was cut short in transfer: pypdf could recover part of it,
    but what the council would see is not the whole document, so it is refused as truncated.
    """
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - _TAIL_BYTES))
        if b"%%EOF" not in handle.read():
            raise ReadFailure(ReadProblem.TRUNCATED, "no %%EOF marker at the end of the file")
    try:
        reader = PdfReader(path, strict=False)
    except PdfReadError as error:
        raise ReadFailure(ReadProblem.CORRUPT, str(error)) from error
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except (NotImplementedError, PdfReadError) as error:
            raise ReadFailure(ReadProblem.ENCRYPTED, f"cannot decrypt: {error}") from error
        if opened == PasswordType.NOT_DECRYPTED:
            raise ReadFailure(ReadProblem.ENCRYPTED, "an open password is required")
    try:
        if len(reader.pages) == 0:
            raise ReadFailure(ReadProblem.CORRUPT, "the PDF has no pages")
    except (PdfReadError, FileNotDecryptedError, KeyError, ValueError) as error:
        raise ReadFailure(ReadProblem.CORRUPT, f"page tree unreadable: {error}") from error
    return reader


def page_lines(page: PageObject, page_number: int, source: Source = Source.PAGE_TEXT,
               field_name: str | None = None) -> list[TextLine]:
    """A page's text as lines split into columns; plain extraction when layout mode fails."""
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # pypdf's layout mode trips on some fonts; plain mode still reads them
        text = page.extract_text()
    return layout_lines(normalize(text), page_number, source, field_name)


def layout_lines(text: str, page_number: int, source: Source, field_name: str | None = None) -> list[TextLine]:
    """Split layout text into column segments, classified by where they sit on the line."""
    rows = text.splitlines()
    width = max((len(row.rstrip()) for row in rows), default=0) or 1
    lines: list[TextLine] = []
    for row_number, row in enumerate(rows):
        for segment in _segments(row):
            start, end, content = segment
            centre = (start + end) / 2 / width
            column = Column.LEFT if centre < 0.4 else Column.RIGHT if centre > 0.6 else Column.FULL
            if end - start > 0.7 * width:
                column = Column.FULL
            lines.append(TextLine(content, page_number, row_number, column, source, field_name))
    return lines


def _segments(row: str) -> list[tuple[int, int, str]]:
    """Runs of text between wide gaps; a gap that is a blank form field is not a column break."""
    segments: list[tuple[int, int, str]] = []
    position = 0
    for piece in _COLUMN_GAP.split(row):
        start = row.index(piece, position) if piece else position
        position = start + len(piece)
        if not piece.strip():
            continue
        if segments and _BLANK_BEFORE.search(segments[-1][2]) and _BLANK_AFTER.match(piece.strip()):
            first, _, text = segments.pop()
            segments.append((first, position, f"{text} {piece.strip()}"))
        else:
            segments.append((start, position, piece.strip()))
    return segments


def signature_fields(reader: PdfReader) -> list[SignatureField]:
    """Every signature widget, with the text its visible appearance shows."""
    fields: list[SignatureField] = []
    for page_number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots", None) or []:
            widget = annotation.get_object()
            if not isinstance(widget, DictionaryObject) or widget.get("/Subtype") != "/Widget":
                continue
            field = _field_of(widget)
            if field.get("/FT") != "/Sig":
                continue
            fields.append(
                SignatureField(
                    name=_field_name(field),
                    page=page_number,
                    signed=field.get("/V") is not None,
                    appearance_text=_appearance_text(widget, page_number, _field_name(field)),
                )
            )
    return fields


def _field_of(widget: DictionaryObject) -> DictionaryObject:
    """The field a widget belongs to: itself when merged, else its parent."""
    if "/FT" in widget or "/Parent" not in widget:
        return widget
    parent = widget["/Parent"].get_object()
    return parent if isinstance(parent, DictionaryObject) else widget


def _field_name(field: DictionaryObject) -> str:
    names: list[str] = []
    node: DictionaryObject | None = field
    while isinstance(node, DictionaryObject) and len(names) < 32:
        if "/T" in node:
            names.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(names))


def _appearance_text(widget: DictionaryObject, page_number: int, field_name: str) -> str:
    """Text drawn by the widget's normal appearance stream, via a throwaway page."""
    appearance = widget.get("/AP")
    normal = appearance.get_object().get("/N") if appearance is not None else None
    stream = normal.get_object() if normal is not None else None
    if not isinstance(stream, StreamObject):
        return ""
    page = PageObject.create_blank_page(width=1000, height=1000)
    resources = stream.get("/Resources")
    if resources is not None:
        page[NameObject("/Resources")] = resources
    page[NameObject("/Contents")] = stream
    try:
        return normalize(page.extract_text()).strip()
    except Exception:  # an undecodable stamp is just a stamp without text
        return ""


def appearance_lines(fields: list[SignatureField]) -> list[TextLine]:
    """Each appearance's text as lines, tagged with the field it came from."""
    lines: list[TextLine] = []
    for field in fields:
        for row, text in enumerate(field.appearance_text.splitlines()):
            if text.strip():
                lines.append(TextLine(text.strip(), field.page or 1, row, Column.FULL,
                                      Source.SIGNATURE_APPEARANCE, field.name))
    return lines
