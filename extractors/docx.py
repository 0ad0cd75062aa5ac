"""Word (.docx) text as header lines, read with python-docx.

Word documents keep the two-column header in a borderless table: the left cell
holds the issuer and number, the right cell the motto and the place and date.
Body paragraphs and tables are walked in document order; cells of one table row
share visual rows so the header parser sees the same picture as on paper.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from extractors.errors import ReadFailure
from extractors.models import Column, ReadProblem, Source, TextLine
from extractors.text import normalize

# Limits checked before python-docx inflates anything (a zip bomb stops here).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


def package_signatures(path: Path) -> int:
    """How many XML digital signatures the Word package carries (`_xmlsignatures/sig*.xml`)."""
    with zipfile.ZipFile(path) as archive:
        return sum(1 for name in archive.namelist() if name.startswith("_xmlsignatures/sig") and name.endswith(".xml"))


def check_archive(path: Path) -> None:
    """Sanity checks on an Office zip package before anything inflates it (a zip bomb stops here)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ReadFailure(ReadProblem.CORRUPT, f"not a readable zip archive: {error}") from error
    if bad is not None:
        raise ReadFailure(ReadProblem.CORRUPT, f"damaged archive member {bad}")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise ReadFailure(ReadProblem.CORRUPT, f"archive inflates to {total} bytes (ratio {total / packed:.0f})")


def open_docx(path: Path) -> Document:
    """Open a .docx after checking its archive is sane."""
    check_archive(path)
    try:
        return docx.Document(str(path))
    except Exception as error:  # python-docx raises many kinds on damaged packages
        raise ReadFailure(ReadProblem.CORRUPT, f"python-docx: {error}") from error


def document_lines(document: Document) -> list[TextLine]:
    """All paragraphs and table cells, in order, as lines with rows and columns."""
    lines: list[TextLine] = []
    row = 0
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            row = _add_paragraph(lines, Paragraph(element, document), row, Column.FULL, Source.DOCX_BODY)
        elif element.tag == qn("w:tbl"):
            row = _add_table(lines, Table(element, document), row)
    return lines


def _add_paragraph(lines: list[TextLine], paragraph: Paragraph, row: int, column: Column, source: Source) -> int:
    for text in normalize(paragraph.text).split("\n"):
        if text.strip():
            lines.append(TextLine(text.strip(), 1, row, column, source))
        row += 1
    return row


def _add_table(lines: list[TextLine], table: Table, row: int) -> int:
    for table_row in table.rows:
        cells = _distinct_cells(table_row.cells)
        deepest = row
        for index, cell in enumerate(cells):
            column = Column.FULL if len(cells) == 1 else (
                Column.LEFT if index == 0 else Column.RIGHT if index == len(cells) - 1 else Column.FULL)
            cell_row = row
            for paragraph in cell.paragraphs:
                cell_row = _add_paragraph(lines, paragraph, cell_row, column, Source.DOCX_TABLE)
            deepest = max(deepest, cell_row)
        row = deepest
    return row


def _distinct_cells(cells: tuple[_Cell, ...] | list[_Cell]) -> list[_Cell]:
    """python-docx repeats a merged cell once per grid column it spans."""
    seen: set[int] = set()
    distinct = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            distinct.append(cell)
    return distinct
