"""Numbers and dates stamped into signature widgets at issuance, put back where they sit on the page.

The e-office signing services issue a document in steps: the leader signs, then the clerk stamps the
organisation's signature over the blanks the body leaves, `Số:     /QĐ-UBND` and
`ngày    tháng    năm 2025`, often one widget per part (the number, the day, the month, the year).
The page's own text shows only the blanks; the widgets' order says nothing about which blank each
one fills (a day stamped before the number is common).

So each stamp is placed by position. PDFium draws the page with its widget appearances flattened
into it (in memory: the evidence file is never written), the characters the stamps add are told
from the page's own by comparing the page's characters before and after, and each stamp's
characters are merged, left to right, into the piece of text line they sit on. The result is the
line as the council sees it on screen ("Số: 05/TTr-SNV", "Lâm Đồng, ngày 06 tháng 01 năm 2026"),
tagged with the names of the signatures that filled it, for the header parser
(`extractors.header.parse_header`'s `appearances`).

Only widgets whose appearance shows nothing but a number are placed this way; a widget that says
what it is ("Số: 2061/QĐ-UBND  Thời gian ký: …") is read from its own text (`appearance_lines`).
A stamp that cannot be placed (PDFium cannot open the file, the stamp draws nothing on the page)
gives no line at all: a number left unplaced is never guessed into a blank.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kiemchung.extractors.models import Column, SignatureField, Source, TextLine
from kiemchung.extractors.pdfium_text import Char, chars_after, page_chars
from kiemchung.extractors.text import squash

_BARE_NUMBER = re.compile(r"^\s*\d{1,6}\s*$")
_INSIDE = 2.0  # points a stamp's glyph may stick out of its widget's rectangle
_WORD_GAP = 0.2  # of the line height: a wider gap between two glyphs is a space
_COLUMN_GAP = 4.0  # of the line height: a wider gap ends the piece of line (the other header column)


def is_stamp(field: SignatureField) -> bool:
    """A signed widget whose appearance shows only a number: one part of the number or the date."""
    return field.signed and field.page is not None and field.rect is not None and bool(
        _BARE_NUMBER.match(field.appearance_text)
    )


def stamped_lines(
    document: pdfium.PdfDocument,
    fields: Sequence[SignatureField],
    chars_of: Callable[[int], list[Char] | None],
) -> list[TextLine]:
    """The text lines that number stamps fill, each with the stamps in place, in page order.

    `TextLine.field_name` names the signatures whose stamps the line holds, comma-separated.
    `chars_of(index)` gives a page's own characters, as the caller read them before any flattening.
    Flattening changes the document in memory only: the pages it flattened are not read again by it.
    """
    stamps = [field for field in fields if is_stamp(field)]
    if not stamps:
        return []
    by_page: dict[int, list[SignatureField]] = defaultdict(list)
    for field in stamps:
        assert field.page is not None
        by_page[field.page].append(field)
    lines: list[TextLine] = []
    for page_number in sorted(by_page):
        if page_number <= len(document):
            lines += _page_lines(document, page_number, by_page[page_number], chars_of(page_number - 1))
    return lines


def _page_lines(
    document: pdfium.PdfDocument, page_number: int, stamps: list[SignatureField], own: list[Char] | None
) -> list[TextLine]:
    page = document[page_number - 1]
    flattened = pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY)
    page.close()
    if own is None or flattened != pdfium_c.FLATTEN_SUCCESS:
        return []
    # PDFium's rule: a flattened page is loaded again, not reused (`chars_after` and `page_chars` load it).
    added = chars_after(document, page_number - 1, own)
    if added is None:
        after = page_chars(document, page_number - 1)
        if after is None:
            return []
        added = _added(own, after)
    lines: list[tuple[set[Char], set[Char], list[str]]] = []  # (line glyphs, stamp glyphs, stamp names)
    for stamp in stamps:
        glyphs = {glyph for glyph in added if _inside(glyph, stamp.rect)}
        if not glyphs:
            continue
        piece = _piece(own + added, glyphs)
        joined = [line for line in lines if line[0] & piece]  # stamps of one line make one line
        for line in joined:
            lines.remove(line)
            piece |= line[0]
            glyphs |= line[1]
        lines.append((piece, glyphs, [name for line in joined for name in line[2]] + [stamp.name]))
    lines.sort(key=lambda line: -max(glyph.top for glyph in line[0]))
    return [
        TextLine(_text(piece, glyphs), page_number, 0, Column.FULL, Source.SIGNATURE_APPEARANCE, ", ".join(names))
        for piece, glyphs, names in lines
    ]


def _key(glyph: Char) -> tuple[str, int, int]:
    """A character by what and where it is: the same before and after flattening."""
    return glyph.text, round(glyph.left * 10), round(glyph.bottom * 10)


def _added(own: Iterable[Char], flattened: Iterable[Char]) -> list[Char]:
    """The characters of the flattened page that the page itself did not have: the stamps'."""
    left = Counter(_key(glyph) for glyph in own)
    added = []
    for glyph in flattened:
        if left[_key(glyph)] > 0:
            left[_key(glyph)] -= 1
        else:
            added.append(glyph)
    return added


def _inside(glyph: Char, rect: tuple[float, float, float, float] | None) -> bool:
    if rect is None:
        return False
    left, bottom, right, top = rect
    centre_x = (glyph.left + glyph.right) / 2
    return left - _INSIDE <= centre_x <= right + _INSIDE and bottom - _INSIDE <= glyph.middle <= top + _INSIDE


def _piece(glyphs: Sequence[Char], stamp: set[Char]) -> set[Char]:
    """The stamp with the glyphs of its line on either side, up to a column-wide gap."""
    bottom = min(glyph.bottom for glyph in stamp)
    top = max(glyph.top for glyph in stamp)
    height = max(top - bottom, 1.0)
    line = sorted((glyph for glyph in glyphs if bottom <= glyph.middle <= top), key=lambda glyph: glyph.left)
    first = min(line.index(glyph) for glyph in stamp)
    last = max(line.index(glyph) for glyph in stamp)
    gap = _COLUMN_GAP * height
    while first > 0 and line[first].left - line[first - 1].right < gap:
        first -= 1
    while last < len(line) - 1 and line[last + 1].left - line[last].right < gap:
        last += 1
    return set(line[first : last + 1])


def _text(piece: set[Char], stamps: set[Char]) -> str:
    """The line's text: the page's own glyphs in their reading order, each stamp one word placed among them.

    A stamp often runs over the slash after the blank it fills ("số 12094/BNV"): a glyph of the page
    goes after a stamp when its middle lies right of the stamp's middle.
    """
    words: list[list[Char]] = [[glyph] for glyph in sorted(piece - stamps, key=lambda glyph: glyph.reading)]
    for run in _stamp_runs(stamps):
        middle = (run[0].left + run[-1].right) / 2
        at = next((i for i, word in enumerate(words) if _centre(word[0]) > middle and word[0] not in stamps),
                  len(words))
        words.insert(at, run)
    parts: list[str] = []
    previous: Char | None = None
    for word in words:
        for glyph in word:
            if previous is not None and (
                glyph.spaced
                or (glyph in stamps) != (previous in stamps)
                or glyph.left - previous.right > _WORD_GAP * (glyph.top - glyph.bottom)
            ):
                parts.append(" ")
            parts.append(glyph.text)
            previous = glyph
    return squash("".join(parts))


def _centre(glyph: Char) -> float:
    return (glyph.left + glyph.right) / 2


def _stamp_runs(stamps: set[Char]) -> list[list[Char]]:
    """The stamps' glyphs as words: left to right, a new word after a gap wider than a space."""
    runs: list[list[Char]] = []
    for glyph in sorted(stamps, key=lambda glyph: glyph.left):
        last = runs[-1][-1] if runs else None
        if last is not None and glyph.left - last.right <= _WORD_GAP * (glyph.top - glyph.bottom):
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    return runs
