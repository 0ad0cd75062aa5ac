"""Word text laid out as header lines, whichever file format it came from (.docx or .doc).

A Word document is a run of blocks: paragraphs and tables. The header sits in a borderless
two-column table (issuer and number on the left, motto and place and date on the right), so the
cells of one table row share visual rows and the first and last cells become the left and right
columns: the header parser then sees the same picture as on paper. Only the first `HEAD_BLOCKS`
and the last `TAIL_BLOCKS` blocks are laid out, and of a longer table its first and last
`MAX_TABLE_ROWS` rows: the header sits at the top and the signature block at the bottom.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from kiemchung.extractors.models import Column, Source, TextLine
from kiemchung.extractors.text import normalize

HEAD_BLOCKS = 200
TAIL_BLOCKS = 100
MAX_TABLE_ROWS = 100

Block = TypeVar("Block")
# A table as rows of cells, each cell the texts of its paragraphs.
TableRows = Sequence[Sequence[Sequence[str]]]


def head_and_tail(blocks: Sequence[Block]) -> list[Block]:
    """The blocks that are read: all of them, or the first `HEAD_BLOCKS` and the last `TAIL_BLOCKS`."""
    if len(blocks) <= HEAD_BLOCKS + TAIL_BLOCKS:
        return list(blocks)
    return [*blocks[:HEAD_BLOCKS], *blocks[-TAIL_BLOCKS:]]


def table_rows(rows: Sequence[Block]) -> list[Block]:
    """The rows of a table that are read: a header table's top, a signature table's bottom."""
    if len(rows) <= 2 * MAX_TABLE_ROWS:
        return list(rows)
    return [*rows[:MAX_TABLE_ROWS], *rows[-MAX_TABLE_ROWS:]]


def add_paragraph(lines: list[TextLine], text: str, row: int, column: Column = Column.FULL,
                  source: Source = Source.DOCX_BODY) -> int:
    """Append a paragraph's text (Unicode already) as lines, one per line break; returns the next row."""
    for part in normalize(text).split("\n"):
        if part.strip():
            lines.append(TextLine(part.strip(), 1, row, column, source))
        row += 1
    return row


def add_table(lines: list[TextLine], rows: TableRows, row: int) -> int:
    """Append a table's rows; the cells of a row start on the same visual row. Returns the next row."""
    for cells in rows:
        deepest = row
        for index, paragraphs in enumerate(cells):
            column = Column.FULL if len(cells) == 1 else (
                Column.LEFT if index == 0 else Column.RIGHT if index == len(cells) - 1 else Column.FULL)
            cell_row = row
            for text in paragraphs:
                cell_row = add_paragraph(lines, text, cell_row, column, Source.DOCX_TABLE)
            deepest = max(deepest, cell_row)
        row = deepest
    return row
