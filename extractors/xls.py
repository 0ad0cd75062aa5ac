"""Excel 97-2003 (.xls) workbooks as plain sheets of cell values, read with xlrd.

Only what `extractors.self_assessment` needs to find and read a table: each sheet's cell values
(text, numbers; dates and booleans as their text) and its merged ranges, in openpyxl's terms, so
that the table is interpreted by the same code as an .xlsx one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import xlrd

from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.models import ReadProblem

# A self-assessment workbook is tens of KiB; xlrd holds the whole file and every sheet in memory.
MAX_XLS_BYTES = 32 * 1024 * 1024

XlsValue = str | float | None


@dataclass(frozen=True)
class XlsSheet:
    """One worksheet: its first rows of values, and its merged ranges."""

    title: str
    rows: list[list[XlsValue]]
    merges: list[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row), 1-based like openpyxl's


def read_xls(path: Path, max_rows: int, max_columns: int) -> list[XlsSheet]:
    """Every worksheet of an .xls, each cut to `max_rows` x `max_columns`; `ReadFailure` if it cannot be read."""
    size = path.stat().st_size
    if size > MAX_XLS_BYTES:
        raise ReadFailure(ReadProblem.CORRUPT, f"{size} bytes is no self-assessment workbook (limit {MAX_XLS_BYTES})")
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.XLRDError as error:
        problem = ReadProblem.ENCRYPTED if "encrypt" in str(error).lower() else ReadProblem.CORRUPT
        raise ReadFailure(problem, f"xlrd: {error}", "ole") from error
    except Exception as error:  # xlrd's compound-file reader raises struct, index and assertion errors
        raise ReadFailure(ReadProblem.CORRUPT, f"xlrd: {type(error).__name__}: {error}", "ole") from error
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = [[_value(sheet.cell(row, column), book.datemode) for column in range(min(sheet.row_len(row),
                                                                                          max_columns))]
                    for row in range(min(sheet.nrows, max_rows))]
            merges = [(first_column + 1, first_row + 1, end_column, end_row)
                      for first_row, end_row, first_column, end_column in sheet.merged_cells]
            sheets.append(XlsSheet(sheet.name, rows, merges))
        return sheets
    finally:
        book.release_resources()


def _value(cell: xlrd.sheet.Cell, datemode: int) -> XlsValue:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return str(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return float(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return str(xlrd.xldate_as_datetime(cell.value, datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return str(bool(cell.value))
    return str(cell.value)

