"""Word 97-2003 (.doc) text as header lines, read from the binary file itself ([MS-DOC]).

A .doc is an OLE compound file. Its `WordDocument` stream starts with the FIB, which says where,
in the table stream (`0Table` or `1Table`), the piece table (CLX -> PlcPcd) lies: the document's
characters in pieces, each either 8-bit ("compressed", Windows-1252) or UTF-16LE. The main text
is its first `ccpText` characters. Paragraphs end in `\\r`; in a table, a cell ends in `\\x07` and
so does its row, whose end mark is told apart by its paragraph properties (sprmPFTtp in the PAPX
FKPs). A field keeps its result only (`\\x13` code `\\x14` result `\\x15`).

Pure Python, no converter: the two real Word 97 files of the test set are read in 6-45 ms (text
and layout, before the header parser), where converting one with LibreOffice headless took about 6 s here.
Tables and paragraphs are laid out as lines by `extractors.word_lines`, as .docx ones are.
Word files written before Word 97 (Word 6/95) have another FIB and are reported unsupported.

Digital signatures of a .doc live in the `_xmlsignatures` storage (Word 2003 XML signatures, one
stream each) or the `\\x05DigitalSignature` stream (the older CryptoAPI signature): they are
counted, as a .docx package's are, never verified.
"""

from __future__ import annotations

import bisect
import itertools
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import olefile

from kiemchung.extractors import legacy
from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.models import ReadProblem, TextLine
from kiemchung.extractors.word_lines import add_paragraph, add_table, head_and_tail, table_rows

# A 500-page .doc has a WordDocument stream of a few MiB; pictures can make it tens.
MAX_STREAM_BYTES = 64 * 1024 * 1024
# A 500-page document holds 1-2 million characters; pieces may point at the same bytes more than once.
MAX_TEXT_CHARS = 16 * 1024 * 1024
_WORD_IDENT = 0xA5EC
_FIRST_WORD97_FIB = 0x00C1  # nFib of Word 97; Word 6/95 files have less
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_FC_PLCF_BTE_PAPX = 13  # index of the pair in FibRgFcLcb97
_FC_CLX = 33
_CCP_TEXT = 3  # index in FibRgLw97
_FKP_PAGE = 512
_COMPRESSED = 0x40000000

# Paragraph properties that place a paragraph in a table: in a table, and its row's end mark.
_SPRM_IN_TABLE = 0x2416
_SPRM_TTP = 0x2417
_SPRM_ITAP = 0x6649
_SPRM_TABLE_DEFINITION = 0xD608  # the one variable-length sprm with a 2-byte size
_OPERAND_BYTES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}

_PARAGRAPH_END, _CELL_END, _SECTION_END = "\r", "\x07", "\x0c"
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_PARAGRAPH_MARKS = re.compile("[\r\x07\x0c]")
_FIELD_MARKS = re.compile("[\x13\x14\x15]")
# Control characters kept as what they show; every other one below U+0020 is dropped.
# Word stores a soft hyphen (U+00AD) as 0x1F: kept as one, since in TCVN3 text that code is "ư".
_SHOWN = str.maketrans({"\x0b": "\n", "\x1e": "-", "\x09": "\t", "\x1f": "\u00ad"})
_DROPPED = str.maketrans({chr(code): None for code in range(0x20) if chr(code) not in "\t\n"})
# 8-bit pieces are Windows-1252; its five undefined bytes are kept as the C1 controls Windows maps them to.
_CP1252 = str.maketrans({chr(byte): bytes([byte]).decode("cp1252", "ignore") or chr(byte)
                         for byte in range(0x80, 0xA0)})


@dataclass(frozen=True)
class _Piece:
    start: int  # first character position (CP)
    end: int
    offset: int  # byte offset of the first character in the WordDocument stream
    wide: bool  # UTF-16LE, else 8-bit


@dataclass(frozen=True)
class _Run:
    """Paragraph properties over a range of bytes of the WordDocument stream (a PAPX FKP run)."""

    start: int
    end: int
    in_table: bool
    row_end: bool


@dataclass(frozen=True)
class Word97:
    """What is read from a .doc: its text laid out as lines and how many signatures it carries."""

    lines: list[TextLine]
    signatures: int


def read_word97(path: Path) -> Word97:
    """Read a Word 97-2003 file; raises `ReadFailure` for one that is encrypted, damaged or too old."""
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as error:  # olefile raises OSError and its own errors on damaged files
        raise ReadFailure(ReadProblem.CORRUPT, f"not a readable OLE file: {type(error).__name__}: {error}") from error
    with ole:
        if not ole.exists("WordDocument"):
            raise _not_word(ole)
        word = _stream(ole, "WordDocument")
        table_name = "1Table" if _fib_flags(word) & _F_WHICH_TABLE else "0Table"
        if not ole.exists(table_name):
            raise ReadFailure(ReadProblem.CORRUPT, f"the {table_name} stream the FIB names is missing")
        table = _stream(ole, table_name)
        signatures = _signature_count(ole)
    lines = _lines(word, table)
    return Word97(lines, signatures)


def _not_word(ole: olefile.OleFileIO) -> ReadFailure:
    if ole.exists("EncryptedPackage"):
        return ReadFailure(ReadProblem.ENCRYPTED, "password-protected Office file", "ole")
    if ole.exists("Workbook") or ole.exists("Book"):
        return ReadFailure(ReadProblem.WRONG_CONTENT, "an Excel 97-2003 workbook, not a Word document", "xls")
    return ReadFailure(ReadProblem.WRONG_CONTENT, "an OLE file without a WordDocument stream", "ole")


def _stream(ole: olefile.OleFileIO, name: str) -> bytes:
    size = ole.get_size(name)
    if size > MAX_STREAM_BYTES:
        raise ReadFailure(ReadProblem.CORRUPT, f"{name} stream of {size} bytes (limit {MAX_STREAM_BYTES})")
    return bytes(ole.openstream(name).read())


def _signature_count(ole: olefile.OleFileIO) -> int:
    """Signatures at the root: one per stream of `_xmlsignatures`, one for a `\\x05DigitalSignature` stream.

    A macro project's own signature (inside `Macros/`) signs the macros, not the document: not counted.
    """
    xml = sum(1 for entry in ole.listdir(streams=True, storages=False)
              if len(entry) == 2 and entry[0] == "_xmlsignatures")
    return xml + (1 if ole.exists("\x05DigitalSignature") else 0)


def _fib_flags(word: bytes) -> int:
    if len(word) < 0x20:
        raise ReadFailure(ReadProblem.CORRUPT, f"WordDocument stream of {len(word)} bytes holds no FIB")
    ident, fib_version = struct.unpack_from("<HH", word, 0)
    if ident != _WORD_IDENT:
        raise ReadFailure(ReadProblem.CORRUPT, f"WordDocument stream without the Word signature (0x{ident:04X})")
    if fib_version < _FIRST_WORD97_FIB:
        raise ReadFailure(ReadProblem.UNSUPPORTED, f"Word 6/95 file (nFib 0x{fib_version:04X})", "word95")
    (flags,) = struct.unpack_from("<H", word, 0x0A)
    if flags & _F_ENCRYPTED:
        raise ReadFailure(ReadProblem.ENCRYPTED, "password-protected Word 97-2003 file", "ole")
    return int(flags)


def _fib_numbers(word: bytes) -> tuple[int, tuple[int, int], tuple[int, int]]:
    """ccpText, (fc, lcb) of PlcfBtePapx and of the CLX, found by walking the FIB's variable parts."""
    try:
        at = 0x20
        (words,) = struct.unpack_from("<H", word, at)
        at += 2 + 2 * words
        (longs,) = struct.unpack_from("<H", word, at)
        (ccp_text,) = struct.unpack_from("<i", word, at + 2 + 4 * _CCP_TEXT)
        at += 2 + 4 * longs
        (pairs,) = struct.unpack_from("<H", word, at)
        at += 2
        if pairs <= _FC_CLX:
            raise ReadFailure(ReadProblem.CORRUPT, f"FIB lists {pairs} fc/lcb pairs, no piece table")
        papx = struct.unpack_from("<II", word, at + 8 * _FC_PLCF_BTE_PAPX)
        clx = struct.unpack_from("<II", word, at + 8 * _FC_CLX)
    except struct.error as error:
        raise ReadFailure(ReadProblem.CORRUPT, f"FIB cut short: {error}") from error
    return max(0, ccp_text), papx, clx


def _pieces(table: bytes, fc: int, lcb: int) -> list[_Piece]:
    """The piece table: skip the CLX's property runs (Prc, 0x01), then read the PlcPcd (0x02)."""
    clx = table[fc : fc + lcb]
    at = 0
    while at < len(clx) and clx[at] == 0x01:
        if at + 3 > len(clx):
            break
        (size,) = struct.unpack_from("<H", clx, at + 1)
        at += 3 + size
    if at + 5 > len(clx) or clx[at] != 0x02:
        raise ReadFailure(ReadProblem.CORRUPT, "no piece table in the CLX")
    (size,) = struct.unpack_from("<I", clx, at + 1)
    plc = clx[at + 5 : at + 5 + size]
    count = (len(plc) - 4) // 12
    if count < 1:
        raise ReadFailure(ReadProblem.CORRUPT, "empty piece table")
    positions = struct.unpack_from(f"<{count + 1}i", plc, 0)
    if any(later < earlier for earlier, later in itertools.pairwise(positions)):
        raise ReadFailure(ReadProblem.CORRUPT, "piece table positions out of order")
    pieces = []
    for index in range(count):
        (raw,) = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)
        compressed = bool(raw & _COMPRESSED)
        offset = (raw & 0x3FFFFFFF) // 2 if compressed else raw & 0x3FFFFFFF
        pieces.append(_Piece(positions[index], positions[index + 1], offset, not compressed))
    return pieces


def _text(word: bytes, pieces: list[_Piece], length: int) -> str:
    """The first `length` characters of the document, control characters and all."""
    parts = []
    for piece in pieces:
        end = min(piece.end, length)
        if end <= piece.start:
            continue
        count = end - piece.start
        if piece.wide:
            parts.append(word[piece.offset : piece.offset + 2 * count].decode("utf-16-le", "replace"))
        else:
            parts.append(word[piece.offset : piece.offset + count].decode("latin-1").translate(_CP1252))
    return "".join(parts)


def _runs(word: bytes, table: bytes, fc: int, lcb: int) -> list[_Run]:
    """Every paragraph-property run of the PAPX FKPs, in stream order, with its table flags."""
    count = (lcb - 4) // 8
    if count < 1 or fc + lcb > len(table):
        return []
    pages = struct.unpack_from(f"<{count}I", table, fc + 4 * (count + 1))
    runs: list[_Run] = []
    for number in pages:
        page = word[(number & 0x3FFFFF) * _FKP_PAGE : ((number & 0x3FFFFF) + 1) * _FKP_PAGE]
        if len(page) < _FKP_PAGE:
            continue
        crun = page[-1]
        if 4 * (crun + 1) + 13 * crun > _FKP_PAGE - 1:
            continue
        bounds = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for index in range(crun):
            in_table, row_end = _table_flags(page, page[4 * (crun + 1) + 13 * index])
            runs.append(_Run(bounds[index], bounds[index + 1], in_table, row_end))
    runs.sort(key=lambda run: run.start)
    return runs


def _table_flags(page: bytes, word_offset: int) -> tuple[bool, bool]:
    """(in a table, a row's end mark) from the grpprl of the PapxInFkp at `word_offset` words."""
    if word_offset == 0:
        return False, False
    at = 2 * word_offset
    if at >= len(page) - 1:
        return False, False
    size = 2 * page[at] - 1 if page[at] else 2 * page[at + 1]
    start = at + 1 if page[at] else at + 2
    grpprl = page[start + 2 : start + size]  # after the style index
    in_table = row_end = False
    for sprm, operand in _sprms(grpprl):
        if sprm in (_SPRM_IN_TABLE, _SPRM_ITAP):  # a table nesting depth above 0 is in a table too
            in_table = in_table or int.from_bytes(operand, "little") > 0
        elif sprm == _SPRM_TTP:
            row_end = int.from_bytes(operand, "little") > 0
    return in_table, row_end


def _sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    at = 0
    while at + 2 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, at)
        at += 2
        kind = sprm >> 13
        if kind == 6:
            if sprm == _SPRM_TABLE_DEFINITION:
                if at + 2 > len(grpprl):
                    return
                size = struct.unpack_from("<H", grpprl, at)[0] + 1
            else:
                if at >= len(grpprl):
                    return
                size = grpprl[at] + 1
        else:
            size = _OPERAND_BYTES[kind]
        yield sprm, grpprl[at : at + size]
        at += size


class _Layout:
    """Paragraph and cell marks to Word blocks: paragraphs (text) and tables (rows of cells)."""

    def __init__(self, pieces: list[_Piece], runs: list[_Run]) -> None:
        self._piece_starts = [piece.start for piece in pieces]
        self._pieces = pieces
        self._run_starts = [run.start for run in runs]
        self._runs = runs
        self.blocks: list[str | list[list[list[str]]]] = []
        self._rows: list[list[list[str]]] = []
        self._cells: list[list[str]] = []
        self._paragraphs: list[str] = []

    def paragraph(self, text: str, mark: str, position: int) -> None:
        in_table, row_end = self._properties(position)
        if not in_table and mark != _CELL_END:
            self._close_table()
            self.blocks.append(text)
        elif mark != _CELL_END:
            self._paragraphs.append(text)
        elif row_end:
            self._rows.append(self._cells)
            self._cells = []
        else:
            self._cells.append([*self._paragraphs, text])
            self._paragraphs = []

    def finish(self) -> list[str | list[list[list[str]]]]:
        self._close_table()
        return self.blocks

    def _close_table(self) -> None:
        if self._cells or self._paragraphs:
            self._rows.append([*self._cells, *([self._paragraphs] if self._paragraphs else [])])
        if self._rows:
            self.blocks.append(self._rows)
        self._rows, self._cells, self._paragraphs = [], [], []

    def _properties(self, position: int) -> tuple[bool, bool]:
        """The table flags of the paragraph whose mark is at character `position`."""
        index = bisect.bisect_right(self._piece_starts, position) - 1
        if index < 0:
            return False, False
        piece = self._pieces[index]
        offset = piece.offset + (position - piece.start) * (2 if piece.wide else 1)
        at = bisect.bisect_right(self._run_starts, offset) - 1
        if at < 0 or offset >= self._runs[at].end:
            return False, False
        run = self._runs[at]
        return run.in_table, run.row_end


def _lines(word: bytes, table: bytes) -> list[TextLine]:
    ccp_text, papx, clx = _fib_numbers(word)
    if ccp_text > MAX_TEXT_CHARS:
        raise ReadFailure(ReadProblem.CORRUPT, f"FIB declares {ccp_text} characters of text (limit {MAX_TEXT_CHARS})")
    pieces = _pieces(table, *clx)
    layout = _Layout(pieces, _runs(word, table, *papx))
    text = _without_field_codes(_text(word, pieces, ccp_text))
    start = 0
    for match in _PARAGRAPH_MARKS.finditer(text):
        position = match.start()
        layout.paragraph(_shown(text[start:position]), match.group(), position)
        start = position + 1
    if start < len(text):
        layout.paragraph(_shown(text[start:]), _PARAGRAPH_END, len(text))
    lines: list[TextLine] = []
    row = 0
    for block in head_and_tail(layout.finish()):
        row = add_paragraph(lines, block, row) if isinstance(block, str) else add_table(lines, table_rows(block), row)
    return lines


def _shown(raw: str) -> str:
    """A paragraph's text as Word shows it, legacy encodings (TCVN3, VNI) in Unicode."""
    return legacy.to_unicode(raw.translate(_SHOWN).translate(_DROPPED))


def _without_field_codes(text: str) -> str:
    """Each field's code (`\x13` code `\x14` result `\x15`, nested or not) blanked to NULs, its result kept.

    Blanked, not cut, so that character positions still map to the file; a field may span paragraphs.
    """
    if _FIELD_BEGIN not in text:
        return text
    parts = []
    kept_from = 0
    hidden_from: int | None = None
    showing: list[bool] = []  # per open field: past its separator
    for match in _FIELD_MARKS.finditer(text):
        mark, at = match.group(), match.start()
        if mark == _FIELD_BEGIN:
            showing.append(False)
        elif not showing:
            continue  # a separator or end without its beginning
        elif mark == _FIELD_SEPARATOR:
            showing[-1] = True
        else:
            showing.pop()
        hidden = not all(showing)
        if hidden and hidden_from is None:
            parts.append(text[kept_from:at])
            hidden_from = at
        elif not hidden and hidden_from is not None:
            parts.append("\0" * (at + 1 - hidden_from))
            kept_from, hidden_from = at + 1, None
    if hidden_from is not None:
        parts.append("\0" * (len(text) - hidden_from))
    else:
        parts.append(text[kept_from:])
    return "".join(parts)
