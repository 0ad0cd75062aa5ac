"""The unit's self-assessment table (bảng tự đánh giá) read from .xlsx/.xlsm, .xls, .docx or .csv.

`read_self_assessment(path)` returns a `SelfAssessmentTable`: one `AssessmentRow` per criterion
row with its code, title, scores, explanation (giải trình) and evidence column, the totals, and
which columns were understood. It never judges the scores and never raises: a table that cannot
be read comes back with `read_error` set.

Steps: check the file is what its name says, turn every sheet (or Word table, or CSV reading) into
a plain grid of cells with its merged ranges, find the header row by what its cells mean, pick the
grid whose header was found best, then read the rows below it.

Finding the header. Units word their headers freely ("Điểm tự chấm", "Diem tu danh gia", a merged
"Điểm" over "Tối đa | Tự đánh giá"), so each header cell is folded (lower case, no diacritics, no
punctuation) and scored 0-100 against every role's synonyms with rapidfuzz: `fuzz.ratio` for the
whole text, 95 when a synonym starts the text, and 0.9 x `fuzz.partial_ratio` when a synonym of 4+
characters sits inside a text at most 40 characters longer. A cell needs `MIN_ROLE_SCORE` (80) to
count for a role. Because "Điểm tối đa" and "Điểm tự đánh giá" look alike, roles are not taken
cell by cell: every column is scored against every role and the assignment with the most roles,
then the highest total score, wins (an exact search over role subsets; there are only six roles).
Each of the first `HEADER_SCAN_ROWS` rows is tried alone and together with the row below it (a
two-row header); a header needs the self-score column and either the code or the title column.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar
from xml.etree import ElementTree

from rapidfuzz import fuzz

from kiemchung.extractors.citations import find_citations
from kiemchung.extractors.docx import check_archive, open_docx
from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.models import AssessmentRow, ReadError, ReadProblem, SelfAssessmentTable
from kiemchung.extractors.sniff import sniff
from kiemchung.extractors.text import fold, normalize, squash

if TYPE_CHECKING:
    from kiemchung.extractors.xls import XlsSheet

ROLES = ("code", "title", "max_score", "self_score", "explanation", "evidence")

# Header wordings seen in provincial templates and unit uploads, with a weight below 1 for
# wordings that are weaker evidence of the role on their own ("Ghi chú" may be a separate notes
# column beside "Giải trình"; "Tối đa" alone is the lower half of a two-row header).
ROLE_SYNONYMS: dict[str, tuple[tuple[str, float], ...]] = {
    "code": (
        ("TT", 1.0), ("STT", 1.0), ("Số TT", 1.0), ("Số thứ tự", 1.0), ("Mã tiêu chí", 1.0), ("Mã số", 1.0),
        ("Mã", 0.9), ("Ký hiệu", 0.9),
    ),
    "title": (
        ("Tiêu chí", 1.0), ("Tiêu chí, tiêu chí thành phần", 1.0), ("Nội dung", 1.0), ("Lĩnh vực/Tiêu chí", 1.0),
        ("Lĩnh vực, tiêu chí, tiêu chí thành phần", 1.0), ("Tên tiêu chí", 1.0), ("Nội dung tiêu chí", 1.0),
        ("Các tiêu chí", 1.0), ("Lĩnh vực, tiêu chí", 1.0), ("Nội dung đánh giá", 1.0),
    ),
    "max_score": (
        ("Điểm tối đa", 1.0), ("Điểm chuẩn", 1.0), ("Thang điểm", 1.0), ("Điểm tối đa quy định", 1.0),
        ("Tối đa", 0.9),
    ),
    "self_score": (
        ("Điểm tự đánh giá", 1.0), ("Tự chấm", 1.0), ("Điểm tự chấm", 1.0), ("Điểm đơn vị tự đánh giá", 1.0),
        ("Đơn vị tự chấm", 1.0), ("Đơn vị tự đánh giá", 1.0), ("Điểm tự đánh giá của đơn vị", 1.0),
        ("Tự đánh giá", 0.9), ("Tự chấm điểm", 1.0),
    ),
    "explanation": (
        ("Giải trình", 1.0), ("Thuyết minh", 1.0), ("Giải trình, thuyết minh", 1.0), ("Ghi chú/giải trình", 1.0),
        ("Nội dung giải trình", 1.0), ("Giải trình chi tiết", 1.0), ("Ghi chú", 0.85),
    ),
    "evidence": (
        ("Tài liệu kiểm chứng", 1.0), ("TLKC", 1.0), ("Tài liệu kiểm chứng kèm theo", 1.0),
        ("Tài liệu kiểm chứng (TLKC)", 1.0), ("Văn bản kiểm chứng", 1.0), ("Tài liệu minh chứng", 1.0),
        ("Danh mục tài liệu kiểm chứng", 1.0),
    ),
}
MIN_ROLE_SCORE = 80.0
HEADER_SCAN_ROWS = 30
# Bounds that keep a sheet formatted down to row 1 048 576 (or across to XFD) from costing seconds.
MAX_ROWS = 5000
MAX_COLUMNS = 60
# A header cell longer than this is a title or a note, not a column name.
MAX_HEADER_KEY = 120
# A CSV is read whole and decoded: a real table is tens of KiB, so this is room for anything real
# while a multi-GiB file named "Bảng tự đánh giá.csv" never reaches memory.
MAX_CSV_BYTES = 16 * 1024 * 1024

_SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
_CSV_SUFFIXES = frozenset({".csv", ".tsv"})
_CSV_DELIMITERS = (",", ";", "\t")
# The name of the stream that holds an Office file encrypted with a password, as the OLE directory
# stores it (UTF-16LE). Legacy .xls/.doc files carry "Workbook"/"WordDocument" instead.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_ZIP_END_OF_DIRECTORY = b"PK\x05\x06"

_ROMAN = {
    "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
    "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15,
}
_ARABIC_CODE = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,5}")
_ARABIC_CODE_WITH_COMMAS = re.compile(r"\d{1,3}(?:[.,]\d{1,3}){0,5}")
_CODE_TRAILER = re.compile(r"[\s.)]+$")
_ROMAN_LEAD = "|".join(sorted(_ROMAN, key=len, reverse=True))
# A code leading a title: "I. CÔNG TÁC…", "1.1. Kế hoạch…", "1.1 Kế hoạch", "2) Báo cáo…". A single
# number needs its "." or ")" and the rest must start with a letter, so a title that merely begins
# with a figure ("2 cuộc kiểm tra", "1,5 triệu") keeps it.
_LEADING_CODE = re.compile(
    rf"^(?:(?P<roman>{_ROMAN_LEAD})\s*[.):\-]\s*"
    r"|(?P<multi>\d{1,3}(?:\.\d{1,3})+)\.?\s*[):\-]?\s*"
    r"|(?P<single>\d{1,3})\s*[.):]\s*)"
    r"(?P<rest>[^\W\d_].*)$",
    re.DOTALL,
)
_SCORE = re.compile(r"^(?P<sign>[+\-\u2212]?)\s*(?P<int>\d+)(?:[.,](?P<frac>\d+))?\s*(?:diem|d)?\.?$")
_NUMBERING_CELL = re.compile(r"^\(?\s*(\d{1,2})\s*\)?$")
_TOTAL = re.compile(r"^(?:tong cong|tong diem|tong so diem)\b|^(?:tong|cong|tong so)$")
_NOT_KEY_CHARS = re.compile(r"[^0-9a-z]+")
_COLUMN_NUMBER = re.compile(r"\(\s*\d+\s*\)")

CellValue = str | int | float | None
Sheet = TypeVar("Sheet")


@dataclass
class _Grid:
    """One sheet or table as rows of cells; covered cells of a merged range are None."""

    name: str
    cells: list[list[CellValue]]
    # (row, column) of a cell inside a merged range, not its top-left -> that top-left cell. 0-based.
    covered: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def value(self, row: int, column: int) -> CellValue:
        if row >= len(self.cells) or column >= len(self.cells[row]):
            return None
        return self.cells[row][column]

    def text(self, row: int, column: int) -> str:
        return _cell_text(self.value(row, column))

    def header_text(self, row: int, column: int) -> str:
        """The cell, or the value of the range it belongs to when the range is merged across this row."""
        own = self.text(row, column)
        anchor = self.covered.get((row, column))
        if not own and anchor is not None and anchor[0] == row:
            return self.text(*anchor)
        return own

    def code_text(self, row: int, column: int) -> str:
        """The cell, or the code of the cell above when the code column is merged downwards."""
        own = self.text(row, column)
        anchor = self.covered.get((row, column))
        if not own and anchor is not None and anchor[1] == column:
            return self.text(*anchor)
        return own

    @property
    def width(self) -> int:
        return max((len(row) for row in self.cells), default=0)


@dataclass(frozen=True)
class _Header:
    """Where a grid's header is and which column plays which role."""

    top: int  # 0-based first header row
    height: int  # 1, or 2 for a group header over sub-headers
    columns: dict[str, int]
    texts: dict[str, str]
    total: float

    @property
    def valid(self) -> bool:
        return "self_score" in self.columns and ("title" in self.columns or "code" in self.columns)

    @property
    def rank(self) -> tuple[int, float, int]:
        # More roles first, then better matches, then the shorter header (a data row glued under a
        # header never improves it, and a blank row glued above it changes nothing).
        return len(self.columns), self.total, -self.height


def read_self_assessment(path: Path) -> SelfAssessmentTable:
    """Read the unit's self-assessment table; a table that cannot be read has `read_error` set."""
    try:
        return _read(path)
    except ReadFailure as failure:
        return _failed(failure.problem, failure.detail, failure.actual_kind)
    except (RecursionError, MemoryError) as error:
        return _failed(ReadProblem.CORRUPT, f"{type(error).__name__}: {error}")
    except Exception as error:  # a damaged table must never stop the batch
        return _failed(ReadProblem.CORRUPT, f"{type(error).__name__}: {error}")


def _failed(problem: ReadProblem, detail: str, actual_kind: str | None = None) -> SelfAssessmentTable:
    return SelfAssessmentTable(read_error=ReadError(problem, detail, actual_kind))


def _read(path: Path) -> SelfAssessmentTable:
    if path.is_symlink():
        raise ReadFailure(ReadProblem.LINK, "symbolic links are not followed")
    if not path.is_file():
        raise ReadFailure(ReadProblem.NO_ACCESS, "not a readable file")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReadFailure(ReadProblem.NO_ACCESS, str(error)) from error
    if size == 0:
        raise ReadFailure(ReadProblem.EMPTY, "zero bytes")
    suffix = path.suffix.lower()
    try:
        actual = sniff(path)
    except PermissionError as error:
        raise ReadFailure(ReadProblem.NO_ACCESS, str(error)) from error
    if suffix in _SPREADSHEET_SUFFIXES:
        # By content: an .xls saved under ".xlsx" or the other way round is common, and reads alike.
        if actual == "ole" and not _file_contains(path, _ENCRYPTED_STREAM):
            return _xls_table(path)
        _expect_office(path, actual, "xlsx")
        return _xlsx_table(path)
    if suffix == ".docx":
        _expect_office(path, actual, "docx")
        return _docx_table(path)
    if suffix in _CSV_SUFFIXES:
        if actual != "unknown":
            raise ReadFailure(ReadProblem.WRONG_CONTENT, f"named {suffix} but holds {actual}", actual)
        if size > MAX_CSV_BYTES:
            raise ReadFailure(ReadProblem.CORRUPT, f"{size} bytes is no self-assessment table (limit {MAX_CSV_BYTES})")
        return _csv_table(path)
    raise ReadFailure(ReadProblem.UNSUPPORTED, f"unsupported table format {suffix or '(none)'}", actual)


def _expect_office(path: Path, actual: str, expected: str) -> None:
    """Raise unless `path` holds an Office Open XML package of the expected kind."""
    if actual == expected:
        return
    if actual == "ole":
        if _file_contains(path, _ENCRYPTED_STREAM):
            raise ReadFailure(ReadProblem.ENCRYPTED, "password-protected Office file", actual)
        raise ReadFailure(ReadProblem.UNSUPPORTED, "legacy Office (OLE) file, not Office Open XML", actual)
    if actual == "zip":
        if not _has_end_of_directory(path):
            raise ReadFailure(ReadProblem.TRUNCATED, "zip archive ends before its central directory", actual)
        raise ReadFailure(ReadProblem.CORRUPT, f"zip archive without the parts of a {expected} file", actual)
    if actual == "unknown":
        raise ReadFailure(ReadProblem.CORRUPT, f"not a {expected} file: no zip archive", actual)
    raise ReadFailure(ReadProblem.WRONG_CONTENT, f"named {expected} but holds {actual}", actual)


def _file_contains(path: Path, needle: bytes, chunk: int = 1 << 20) -> bool:
    with path.open("rb") as handle:
        tail = b""
        while block := handle.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle):]
    return False


def _has_end_of_directory(path: Path) -> bool:
    # The end-of-central-directory record sits in the last 22 bytes plus at most a 64 KiB comment.
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 65_557))
        return _ZIP_END_OF_DIRECTORY in handle.read()


# --- Excel ------------------------------------------------------------------------------------------


def _xlsx_table(path: Path) -> SelfAssessmentTable:
    from openpyxl import load_workbook

    check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises KeyError, ValueError, … on damaged packages
        raise ReadFailure(ReadProblem.CORRUPT, f"openpyxl: {type(error).__name__}: {error}") from error
    try:
        sheets = list(workbook.worksheets)
        for sheet in sheets:
            sheet.reset_dimensions()  # some writers record wrong dimensions; read what is there
        return _workbook_table(sheets, _sheet_grid, lambda sheet: _sheet_merges(path, sheet.title))
    finally:
        workbook.close()


def _xls_table(path: Path) -> SelfAssessmentTable:
    from kiemchung.extractors.xls import read_xls

    def grid(sheet: XlsSheet, rows: int) -> _Grid:
        return _Grid(f"sheet {sheet.title!r}", [[_plain_value(value) for value in row] for row in sheet.rows[:rows]])

    return _workbook_table(read_xls(path, MAX_ROWS, MAX_COLUMNS), grid, lambda sheet: sheet.merges)


def _workbook_table(sheets: Sequence[Sheet], grid_of: Callable[[Sheet, int], _Grid],
                    merges_of: Callable[[Sheet], list[tuple[int, int, int, int]]]) -> SelfAssessmentTable:
    """The table of the sheet whose header is found best, whatever the workbook format.

    Only the top of every sheet is scanned first: a big data sheet beside the table must not cost its size.
    """
    if not sheets:
        raise ReadFailure(ReadProblem.EMPTY, "workbook has no worksheet")
    heads = [grid_of(sheet, HEADER_SCAN_ROWS + 1) for sheet in sheets]
    if not any(_has_content(grid) for grid in heads):
        raise ReadFailure(ReadProblem.EMPTY, "no sheet has any cell with content")
    index, _ = _best_header(heads)
    grid = grid_of(sheets[index], MAX_ROWS)
    grid.covered = _expand_merges(merges_of(sheets[index]), len(grid.cells))
    _, header = _best_header([grid])  # again, now that merged group headers are known
    return _table(grid, header)


def _sheet_grid(sheet: Any, max_row: int) -> _Grid:
    cells = [
        [_plain_value(value) for value in row]
        for row in sheet.iter_rows(min_row=1, max_row=max_row, max_col=MAX_COLUMNS, values_only=True)
    ]
    return _Grid(f"sheet {sheet.title!r}", cells)


def _plain_value(value: object) -> CellValue:
    """Strings normalised; numbers kept; dates, times and booleans as their text."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        return normalize(value)
    return str(value)


def _sheet_merges(path: Path, title: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges (min_col, min_row, max_col, max_row, 1-based) of the sheet named `title`.

    openpyxl's read-only mode does not load merged cells, so they are read from the sheet part.
    """
    from openpyxl.utils.cell import range_boundaries

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relation = next(
            (s.get(f"{rel_ns}id") for s in workbook.iter(f"{main}sheet") if s.get("name") == title),
            None,
        )
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next((r.get("Target", "") for r in rels if r.get("Id") == relation), "")
        if not target:
            return []
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        merges: list[tuple[int, int, int, int]] = []
        with archive.open(part) as source:
            for _, element in ElementTree.iterparse(source):
                if element.tag == f"{main}mergeCell":
                    bounds = range_boundaries(element.get("ref", ""))
                    if None not in bounds:
                        merges.append(bounds)
                elif element.tag == f"{main}row":
                    element.clear()  # rows are not needed here; keep memory flat on long sheets
    return merges


def _expand_merges(merges: list[tuple[int, int, int, int]], rows: int) -> dict[tuple[int, int], tuple[int, int]]:
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for min_col, min_row, max_col, max_row in merges:
        anchor = (min_row - 1, min_col - 1)
        for row in range(min_row - 1, min(max_row, rows)):
            for column in range(min_col - 1, min(max_col, MAX_COLUMNS)):
                if (row, column) != anchor:
                    covered[(row, column)] = anchor
    return covered


# --- Word -------------------------------------------------------------------------------------------


def _docx_table(path: Path) -> SelfAssessmentTable:
    document = open_docx(path)
    grids = [_docx_grid(table, index) for index, table in enumerate(document.tables, start=1)]
    if not grids:
        raise ReadFailure(ReadProblem.NO_HEADER, "the document has no table")
    index, header = _best_header(grids)
    return _table(grids[index], header)


def _docx_grid(table: Any, index: int) -> _Grid:
    """The table's cells on its grid, read from the XML once.

    python-docx's `row.cells` rebuilds the whole grid on every call (quadratic on long tables) and
    repeats merged cells; walking `w:tr`/`w:tc` directly gives each cell once with its span.
    """
    from docx.table import _Cell

    cells: list[list[CellValue]] = []
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    # For each grid column, the top-left cell of the vertical merge running through it.
    open_vertical: dict[int, tuple[int, int]] = {}
    for row_index, tr in enumerate(table._tbl.tr_lst):
        row: list[CellValue] = []
        column = tr.grid_before
        row.extend([None] * column)
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span)
            merge = tc.vMerge
            if merge == "continue" and column in open_vertical:
                anchor = open_vertical[column]
                row.extend([None] * span)
                for offset in range(span):
                    covered[(row_index, column + offset)] = (anchor[0], anchor[1])
            else:
                row.append(normalize(_Cell(tc, table).text))
                row.extend([None] * (span - 1))
                for offset in range(1, span):
                    covered[(row_index, column + offset)] = (row_index, column)
                if merge == "restart":
                    open_vertical[column] = (row_index, column)
                else:
                    open_vertical.pop(column, None)
            column += span
        cells.append(row)
    return _Grid(f"table {index}", cells, covered)


# --- CSV --------------------------------------------------------------------------------------------


def _csv_table(path: Path) -> SelfAssessmentTable:
    text = _decode(path.read_bytes())
    if not text.strip():
        raise ReadFailure(ReadProblem.EMPTY, "no text")
    # Parse with every delimiter and keep the reading whose header is found best: a title line full of
    # commas fools a delimiter count, a header row does not.
    grids = [_csv_grid(text, delimiter) for delimiter in _delimiter_order(text)]
    index, header = _best_header(grids)
    return _table(grids[index], header)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), or Windows-1258 (Vietnamese ANSI)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data.decode("utf-16", errors="strict"))
    head = data[:4096]
    if head.count(0) > len(head) // 4:  # UTF-16 without BOM: every other byte of Latin text is zero
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError as error:
            raise ReadFailure(ReadProblem.CORRUPT, f"not decodable as {encoding}: {error}") from error
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ReadFailure(ReadProblem.CORRUPT, "text is neither UTF-8, UTF-16 nor Windows-1258")


def _checked(text: str) -> str:
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > 8:
        raise ReadFailure(ReadProblem.CORRUPT, "binary content, not text")
    return normalize(text)


def _delimiter_order(text: str) -> list[str]:
    """Delimiters by how consistently they split the first lines into more than one field."""
    sample = text.splitlines()[:60]

    def consistency(delimiter: str) -> tuple[int, int]:
        counts = [len(row) for row in csv.reader(sample, delimiter=delimiter) if len(row) > 1]
        if not counts:
            return 0, 0
        width, rows = Counter(counts).most_common(1)[0]
        return rows, width

    return sorted(_CSV_DELIMITERS, key=consistency, reverse=True)


def _csv_grid(text: str, delimiter: str) -> _Grid:
    cells: list[list[CellValue]] = []
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        cells.append(list(record[:MAX_COLUMNS]))
        if len(cells) >= MAX_ROWS:
            break
    name = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    return _Grid(f"{name}-separated", cells)


# --- header -----------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)  # the header scan folds the same few dozen texts once per candidate row
def _key(text: str) -> str:
    """Text folded for header matching: lower case, no diacritics, punctuation and "(3)" to spaces."""
    return " ".join(_NOT_KEY_CHARS.sub(" ", fold(_COLUMN_NUMBER.sub(" ", text))).split())


_SYNONYM_KEYS = {role: tuple((_key(text), weight) for text, weight in synonyms)
                 for role, synonyms in ROLE_SYNONYMS.items()}


@lru_cache(maxsize=8192)
def _role_scores(key: str) -> tuple[float, ...]:
    """How well one header text names each role, 0-100, in `ROLES` order."""
    if not key or len(key) > MAX_HEADER_KEY:
        return (0.0,) * len(ROLES)
    scores = []
    for role in ROLES:
        best = 0.0
        for synonym, weight in _SYNONYM_KEYS[role]:
            score = fuzz.ratio(key, synonym)
            if len(key) > len(synonym):
                if key.startswith(synonym + " "):
                    # "Điểm tự đánh giá năm 2023", "Giải trình (nêu rõ mục nào, trang nào…)"
                    score = max(score, 95.0)
                elif len(synonym) >= 4 and len(key) - len(synonym) <= 40:
                    score = max(score, 0.9 * fuzz.partial_ratio(key, synonym))
            best = max(best, score * weight)
        scores.append(best)
    return tuple(scores)


def _assign(candidates: Sequence[tuple[int, str]]) -> tuple[dict[str, int], dict[str, str], float]:
    """The best role for each column: most roles, then highest total, each role and column used once."""
    scored = [(column, text, _role_scores(_key(text))) for column, text in candidates if text]
    scored = [entry for entry in scored if max(entry[2]) >= MIN_ROLE_SCORE]
    # best[mask] = (total, picks): an exact search over subsets of the six roles, column by column.
    best: dict[int, tuple[float, tuple[tuple[int, int, str], ...]]] = {0: (0.0, ())}
    for column, text, scores in scored:
        for mask, (total, picks) in list(best.items()):
            for role_index, score in enumerate(scores):
                if score < MIN_ROLE_SCORE or mask & (1 << role_index):
                    continue
                new_mask = mask | (1 << role_index)
                new_total = total + score
                if new_mask not in best or new_total > best[new_mask][0]:
                    best[new_mask] = (new_total, (*picks, (role_index, column, text)))
    mask = max(best, key=lambda m: (m.bit_count(), best[m][0]))
    total, picks = best[mask]
    columns = {ROLES[role]: column for role, column, _ in picks}
    texts = {ROLES[role]: text for role, _, text in picks}
    return columns, texts, total


def _find_header(grid: _Grid) -> _Header | None:
    """The best header among the first rows, alone or paired with the row below; None if no role matched."""
    best: _Header | None = None
    width = grid.width
    for top in range(min(HEADER_SCAN_ROWS, len(grid.cells))):
        shapes = [[(column, _line_text(grid.text(top, column))) for column in range(width)]]
        if top + 1 < len(grid.cells) and not _looks_like_data(grid, top + 1):
            shapes.append(_two_row_texts(grid, top, width))
        for height, candidates in enumerate(shapes, start=1):
            columns, texts, total = _assign(candidates)
            if not columns:
                continue
            header = _Header(top, height, columns, texts, total)
            if best is None or _better(header, best):
                best = header
    return best


def _better(header: _Header, than: _Header) -> bool:
    if header.valid != than.valid:
        return header.valid
    return header.rank > than.rank


def _two_row_texts(grid: _Grid, top: int, width: int) -> list[tuple[int, str]]:
    """Each column's text of a two-row header: the group header above joined to the sub-header below.

    A group header is merged across its sub-columns; without merge information (CSV, or "centre
    across selection") it is carried right over sub-headers that sit next to other sub-headers.
    """
    texts: list[tuple[int, str]] = []
    previous_top = ""
    previous_bottom = ""
    for column in range(width):
        upper = _line_text(grid.header_text(top, column))
        lower = _line_text(grid.text(top + 1, column))
        if not upper and lower and previous_bottom and (top, column) not in grid.covered:
            upper = previous_top
        texts.append((column, upper if upper == lower else f"{upper} {lower}".strip()))
        previous_top, previous_bottom = upper, lower
    return texts


def _looks_like_data(grid: _Grid, row: int) -> bool:
    """A row holding numbers is criteria or column numbering, never the lower half of a header."""
    for value in grid.cells[row]:
        if isinstance(value, int | float) or (isinstance(value, str) and _score_value(value) is not None):
            return True
    return False


def _best_header(grids: Sequence[_Grid]) -> tuple[int, _Header]:
    """The grid whose header is found best, or a failure naming the roles the best candidate lacked."""
    best: tuple[int, _Header] | None = None
    for index, grid in enumerate(grids):
        header = _find_header(grid)
        if header is not None and (best is None or _better(header, best[1])):
            best = (index, header)
    if best is not None and best[1].valid:
        return best
    if best is None:
        detail = f"no header found in the first {HEADER_SCAN_ROWS} rows: no cell names any column role"
    else:
        index, header = best
        missing = ["self_score"] if "self_score" not in header.columns else []
        if "title" not in header.columns and "code" not in header.columns:
            missing.append("title or code")
        found = ", ".join(role for role in ROLES if role in header.columns)
        detail = (f"no header found in the first {HEADER_SCAN_ROWS} rows: missing {' and '.join(missing)}"
                  f" (best candidate: {grids[index].name} row {header.top + 1}, found {found})")
    raise ReadFailure(ReadProblem.NO_HEADER, detail)


def _has_content(grid: _Grid) -> bool:
    return any(_cell_text(value).strip() for row in grid.cells for value in row)


# --- rows -------------------------------------------------------------------------------------------


def _table(grid: _Grid, header: _Header) -> SelfAssessmentTable:
    # Here, not at the top: spaCy takes over a second to load, paid by the worker that reads a table
    # (the analysis is cached with the table), never by the parent or a worker reading only evidence.
    from kiemchung.extractors.explanations import analyse_explanation

    columns = header.columns
    start = header.top + header.height
    start += _numbering_rows(grid, start)
    header_names = {role: text.casefold() for role, text in header.texts.items()}
    rows: list[AssessmentRow] = []
    total_max: float | None = None
    total_self: float | None = None
    total_seen = False

    def cell(row: int, role: str) -> CellValue:
        column = columns.get(role)
        return None if column is None else grid.value(row, column)

    for index in range(start, len(grid.cells)):
        code_text = _line_text(grid.code_text(index, columns["code"])) if "code" in columns else ""
        title_text = _line_text(_cell_text(cell(index, "title")))
        raw_max, raw_self = cell(index, "max_score"), cell(index, "self_score")
        explanation = _block_text(_cell_text(cell(index, "explanation")))
        evidence = _block_text(_cell_text(cell(index, "evidence")))
        if not (code_text or title_text or explanation or evidence or _cell_text(raw_max) or _cell_text(raw_self)):
            continue  # spacer row
        if _repeats_header(header_names, {"code": code_text, "title": title_text}):
            continue  # the header copied again further down (a pasted second page)
        code, is_field = _parse_code(code_text, allow_comma=True)
        if code is None and (_is_total(code_text) or _is_total(title_text)):
            if not total_seen:  # the first total row is the table's; later ones are sub-tables or notes
                total_seen = True
                total_max, total_self = _score_of(raw_max)[0], _score_of(raw_self)[0]
            continue
        title = title_text
        if code is None and code_text:
            # A field row merged across the code and title cells: "I. CÔNG TÁC CHỈ ĐẠO…" in the code cell.
            lead = _leading_code(code_text)
            if lead is not None and not title_text:
                code, is_field, title = lead
            elif not title_text:
                title = code_text
        elif code is None:
            lead = _leading_code(title_text)  # no code column, or an empty code cell: "1.1. Kế hoạch CCHC"
            if lead is not None:
                code, is_field, title = lead
        max_score, max_raw_text = _score_of(raw_max)
        self_score, self_raw_text = _score_of(raw_self)
        if code is None and max_score is None and self_score is None:
            continue  # notes and signatures under the table
        rows.append(
            AssessmentRow(
                row_number=index + 1,
                code=code,
                title=title,
                max_score=max_score,
                self_score=self_score,
                explanation=explanation,
                evidence_text=evidence,
                raw_max_score=max_raw_text,
                raw_self_score=self_raw_text,
                is_field=is_field,
                analysis=analyse_explanation(explanation),
                evidence_citations=find_citations(evidence),
            )
        )
    ordered = sorted(columns.items(), key=lambda item: item[1])
    return SelfAssessmentTable(
        rows=tuple(rows),
        header_row=header.top + 1,
        columns=tuple((role, header.texts[role]) for role, _ in ordered),
        total_self_score=total_self,
        total_max_score=total_max,
    )


def _numbering_rows(grid: _Grid, row: int) -> int:
    """1 when `row` numbers the columns ("1 | 2 | 3 …" or "(1) | (2) …"), which is not a criterion."""
    if row >= len(grid.cells):
        return 0
    numbers = []
    for value in grid.cells[row]:
        text = _cell_text(value).strip()
        if not text:
            continue
        match = _NUMBERING_CELL.match(text)
        if match is None:
            return 0
        numbers.append(int(match.group(1)))
    is_sequence = len(numbers) >= 3 and all(b == a + 1 for a, b in itertools.pairwise(numbers))
    return 1 if is_sequence else 0


def _repeats_header(header_names: dict[str, str], texts: dict[str, str]) -> bool:
    """True when every code/title cell of the row reads as the header's own (case aside)."""
    roles = [role for role in texts if role in header_names]
    return bool(roles) and all(texts[role].casefold() == header_names[role] for role in roles)


def _is_total(text: str) -> bool:
    return bool(text) and _TOTAL.match(_key(text)) is not None


def _parse_code(text: str, *, allow_comma: bool) -> tuple[str | None, bool]:
    """("1.1", False) for "1.1." or "1,1"; ("2", True) for the field numeral "II"; (None, False) otherwise."""
    cleaned = _CODE_TRAILER.sub("", text.strip())
    if not cleaned:
        return None, False
    if cleaned in _ROMAN:
        return str(_ROMAN[cleaned]), True
    pattern = _ARABIC_CODE_WITH_COMMAS if allow_comma else _ARABIC_CODE
    if pattern.fullmatch(cleaned):
        # In the code column "1,1" is a code typed with the decimal-comma habit, never a score.
        return cleaned.replace(",", "."), False
    return None, False


def _leading_code(text: str) -> tuple[str, bool, str] | None:
    """(code, is_field, rest of the title) when the text starts with a criterion or field number."""
    match = _LEADING_CODE.match(text)
    if match is None:
        return None
    rest = match.group("rest").strip()
    if match.group("roman"):
        return str(_ROMAN[match.group("roman")]), True, rest
    return match.group("multi") or match.group("single"), False, rest


def _score_of(value: CellValue) -> tuple[float | None, str]:
    """The score and the raw text it was read from."""
    if value is None:
        return None, ""
    if isinstance(value, int | float):
        # Formulas leave binary noise (8.499999999); six decimals is far finer than any score.
        return round(float(value), 6), _cell_text(value)
    raw = _line_text(value)
    return _score_value(raw), raw


def _score_value(text: str) -> float | None:
    """A score written as text: "1,5", "1.5", "1,50", "2", "1,5 điểm"; None for "", "-", "x"."""
    match = _SCORE.match(fold(text))
    if match is None:
        return None
    number = float(f"{match.group('int')}.{match.group('frac') or '0'}")
    return -number if match.group("sign") in ("-", "\u2212") else number


# --- text -------------------------------------------------------------------------------------------


def _cell_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _line_text(text: CellValue) -> str:
    """One line: line breaks inside the cell become spaces."""
    return squash(_cell_text(text).replace("\r", " ").replace("\n", " "))


def _block_text(text: str) -> str:
    """Line breaks kept (evidence is often one document per line), each line squashed, blank lines dropped."""
    return "\n".join(line for line in (squash(part) for part in text.splitlines()) if line)


__all__ = ["MIN_ROLE_SCORE", "ROLES", "ROLE_SYNONYMS", "read_self_assessment"]
