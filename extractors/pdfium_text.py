"""Page text through PDFium: the layout text the header parser reads.

pypdf's layout mode, which keeps the header's two columns apart as runs of spaces, costs 20-70 ms
a page in Python; PDFium (C++) gives every character with its baseline origin and box in 2-8 ms.
`layout_text` builds the same kind of text from those: one line per baseline, blank lines where
the page leaves vertical room (one less than the font heights the step spans, as pypdf does), a single
space between words, and a gap wider than a character cell written as at least three spaces at
the column where the text resumes, so `extractors.pdf.layout_lines` splits columns the same way.
Characters come in the page's reading order within a word, so a combining mark stays on its letter.

Pages drawn in a legacy Vietnamese font (TCVN3, VNI) keep pypdf's path: its font-aware
conversion (`extractors.legacy`) was built on it.
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kiemchung.extractors.imaging import page_facts
from kiemchung.extractors.models import PageImaging

_SAME_LINE = 0.45  # of the body font size: baselines closer than this are one line (a superscript, a stamp)
_WORD_GAP = 0.15  # of the body font size: a gap this much wider than the line's letter spacing is a space
_COLUMN_GAP = 1.2  # of the body font size: a wider gap starts a column segment (three spaces or more)
_CELL = 0.9  # of the median character width: one character cell of the layout text
_LOOSE_HEIGHT = 1.15  # a loose character box is about this many times the font size (ascent plus descent)


@contextmanager
def opened(path: Path) -> Iterator[pdfium.PdfDocument | None]:
    """The document opened by PDFium, or None when PDFium cannot open it (pypdf's paths then serve)."""
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        yield None
        return
    try:
        yield document
    finally:
        document.close()


class Char(NamedTuple):
    """One character of a page as PDFium places it: its loose box (the font's full height, whatever the glyph)."""

    reading: int  # index in PDFium's text page: the page's reading order
    text: str  # a letter with the combining marks that follow it
    left: float
    bottom: float  # one value for one font on one line: stands for the baseline
    right: float
    top: float
    spaced: bool  # a space (the file's or PDFium's) came right before it

    @property
    def size(self) -> float:
        return (self.top - self.bottom) / _LOOSE_HEIGHT

    @property
    def middle(self) -> float:
        return (self.bottom + self.top) / 2


def layout_text(chars: list[Char]) -> str:
    """The layout text of a page's characters (`read_page`)."""
    if not chars:
        return ""
    body = median(char.size for char in chars) or 10.0
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda char: -char.bottom):
        if lines and abs(lines[-1][0].bottom - char.bottom) <= _SAME_LINE * body:
            lines[-1].append(char)
        else:
            lines.append([char])
    cell = _CELL * (median(char.right - char.left for char in chars) or body / 2)
    left = min(char.left for char in chars)
    rows: list[str] = []
    for above, line in zip([None, *lines], lines, strict=False):
        if above is not None:  # pypdf's blank lines: one less than the font heights the step spans
            size = min(line, key=lambda char: char.left).size
            rows += [""] * max(0, int((above[0].bottom - line[0].bottom) / size) - 1 if size else 0)
        rows.append(_row(line, left, cell, body))
    return "\n".join(rows)


def _row(line: list[Char], left: float, cell: float, body: float) -> str:
    """One line of layout text: its column segments, each at its column, words one space apart.

    Word gaps count from the segment's own letter spacing: the boxes of a tracked or condensed font
    overlap or part by a point (ABBYY's output), and only what exceeds that is a space.
    """
    ordered = sorted(line, key=lambda char: (char.left, char.reading))
    segments: list[list[Char]] = []
    for char in ordered:
        if segments and char.left - segments[-1][-1].right <= _COLUMN_GAP * body:
            segments[-1].append(char)
        else:
            segments.append([char])
    text = ""
    for segment in segments:
        column = round((segment[0].left - left) / cell)
        text += " " * max(3 if text else 0, column - len(text))
        gaps = [after.left - before.right for before, after in pairwise(segment)]
        spacing = min(0.0, median(gaps)) if gaps else 0.0
        for index, char in enumerate(segment):
            if index and (char.spaced or gaps[index - 1] - spacing > _WORD_GAP * body):
                text += " "
            text += char.text
    return unicodedata.normalize("NFC", text)


class PageRead(NamedTuple):
    """One page as PDFium loaded it: its characters, and how it is made (image, text, OCR layer)."""

    chars: list[Char]
    imaging: PageImaging | None  # when asked for


def read_page(document: pdfium.PdfDocument, index: int, *, imaging: bool = False) -> PageRead | None:
    """Page `index` (0-based), loaded once for both; None when PDFium cannot load it.

    Two calls into PDFium a character were the cost of a page: the text comes in one call, and the
    loose box (the font's full height) stands for both the baseline (its bottom) and the size.
    """
    with _loaded(document, index) as loaded:
        if loaded is None:
            return None
        page, text_page = loaded
        chars = _read_chars(text_page, _page_text(text_page))
        facts = page_facts(page, text_page, [char.reading for char in chars], index + 1) if imaging else None
        return PageRead(chars, facts)


@contextmanager
def _loaded(document: pdfium.PdfDocument, index: int) -> Iterator[tuple[pdfium.PdfPage, pdfium.PdfTextPage] | None]:
    """Page `index` and its text page, closed on leaving; None when PDFium cannot load them."""
    if not 0 <= index < len(document):
        yield None
        return
    try:
        page = document[index]
    except pdfium.PdfiumError:
        yield None
        return
    try:
        text_page = page.get_textpage()
    except pdfium.PdfiumError:
        page.close()
        yield None
        return
    try:
        yield page, text_page
    finally:
        text_page.close()
        page.close()


def page_chars(document: pdfium.PdfDocument, index: int) -> list[Char] | None:
    """The page's printable characters, each combining mark joined to its letter; None if unreadable."""
    read = read_page(document, index)
    return read.chars if read is not None else None


def chars_after(document: pdfium.PdfDocument, index: int, own: list[Char]) -> list[Char] | None:
    """The characters page `index` now shows after `own`, the characters it had before appearances were
    flattened into it; None when its text no longer starts with theirs (the caller then compares every
    character by what and where it is), or when PDFium cannot load it.

    Flattening appends the appearances to the page's content, so their characters follow the page's own
    in PDFium's reading order (so on every stamped page of ../shared/real-documents): only those
    are read one by one, not the thousands of the page's own.
    """
    with _loaded(document, index) as loaded:
        if loaded is None:
            return None
        text_page = loaded[1]
        text = _page_text(text_page)
        if not all(text.startswith(char.text, char.reading) for char in own):
            return None
        return _read_chars(text_page, text, own[-1].reading + len(own[-1].text) if own else 0)


def _page_text(text_page: pdfium.PdfTextPage) -> str:
    """The text page's characters, one string character each (PDFium's reading index is its index)."""
    count = pdfium_c.FPDFText_CountChars(text_page)
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = pdfium_c.FPDFText_GetText(text_page, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: max(0, written - 1) * 2].decode("utf-16-le", errors="replace")
    if len(text) != count:  # a character outside the BMP takes two UTF-16 units: one call each then
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(text_page, i)) for i in range(count))
    return text


def _read_chars(text_page: pdfium.PdfTextPage, text: str, start: int = 0) -> list[Char]:
    """The printable characters of `text` (`_page_text`) from index `start`, with their boxes."""
    box = pdfium_c.FS_RECTF()
    chars: list[Char] = []
    spaced = False
    for reading in range(start, len(text)):
        letter = text[reading]
        if letter.isspace() or not letter.isprintable():
            spaced = True
            continue
        pdfium_c.FPDFText_GetLooseCharBox(text_page, reading, box)
        if unicodedata.combining(letter) and chars and not spaced:
            last = chars[-1]
            chars[-1] = last._replace(text=last.text + letter, right=max(last.right, box.right))
            continue
        chars.append(Char(reading, letter, box.left, box.bottom, box.right, box.top, spaced))
        spaced = False
    return chars
