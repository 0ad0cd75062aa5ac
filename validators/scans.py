"""When a file is a scan: one place for what the scan rule and the header rules share.

What makes a page image-only (the thresholds) is defined once, in `extractors.imaging`, because the
reader uses the same test to decide which first pages to OCR.

OCR reads what it sees, not what the page says: on real scans the number and the day are written
by hand, and Tesseract turns a handwritten "464" into "4@†", drops the line, or reads "ngày đồ".
So a number or a date that came from OCR — ours, or the invisible OCR layer a scanning tool left
in the file — counts only when it is plausible and, where OCR says how sure it was, confident
(`unread_fields`). Anything else is "could not read", which `field-unreadable` reports for the
council to check by hand, and which the rules asserting what the page says (`number-missing`,
`number-suffix`, `date-missing`) leave alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from kiemchung.extractors.imaging import IMAGE_COVERAGE, VISIBLE_TEXT_CHARS, is_image_page
from kiemchung.extractors.models import (
    DocumentFacts,
    DocumentHeader,
    FileKind,
    Located,
    OcrFacts,
    OcrStatus,
    PageImaging,
    Source,
    TextLine,
)
from kiemchung.extractors.text import fold, squash
from kiemchung.validators.format import quoted
from kiemchung.validators.model import Proof, ProofKind

__all__ = [
    "IMAGE_COVERAGE",
    "OCR_MIN_CONFIDENCE",
    "TEXT_PAGE_LINES",
    "VISIBLE_TEXT_CHARS",
    "HeaderField",
    "UnreadField",
    "from_ocr",
    "header_read_by_ocr",
    "is_photo",
    "is_scan",
    "is_textless_scan",
    "scanned_pages",
    "text_lines",
    "unread",
    "unread_fields",
]

# A number or date OCR read counts only when every word its digits came from has at least this
# confidence (Tesseract's, 0-100). Chosen from the words OCR read on the 16 real scans of
# shared/real-documents and on generated scans (bench/ocr.py --renderers prints the number word's
# confidence; bench/RESULTS.md): digits read right scored 79-97 on the real scans (a handwritten "30"
# run into "ngày30": 79) and 89-92 printed on the generated ones, while digits read wrong but still
# plausible scored 44-70 ("332/QĐ-TTg" for a handwritten "932": 44). No threshold catches a confident
# misreading; a higher one would send right handwritten reads to the council, a lower one let misreads in.
OCR_MIN_CONFIDENCE = 75.0
_NUMBER = re.compile(r"^\d{1,5}$")  # a sequence number in the year; the leading-zero rule is not OCR's to judge
_DIGITS = re.compile(r"\d+")
_DATE_START = re.compile(r"ngày", re.IGNORECASE)
_PLACE_WORDS = 4  # words a place name takes before the date: "Thành phố Hồ Chí Minh" is read into the date's raw
# The number and date lines as OCR garbles them, without diacritics: "So: 4@†/TTg", "ngay do thang 4 nam".
_NUMBER_LINE = re.compile(r"^so\b")
_DATE_LINE = re.compile(r"\bngay\b.*\bthang\b|\bthang\b.*\bnam\b")

# Lines of writing (three words or more) in the top of a picture past which it is a page of text,
# not a photo: a banner or a sign in a photo holds one to three.
TEXT_PAGE_LINES = 5


def scanned_pages(facts: DocumentFacts) -> list[PageImaging]:
    """Pages that are one image with (almost) no visible text."""
    return [p for p in facts.imaging if is_image_page(p)]


def is_scan(facts: DocumentFacts) -> bool:
    """Most examined pages are scans (an image file is one image-only page)."""
    return len(scanned_pages(facts)) * 2 > len(facts.imaging) > 0


def header_read_by_ocr(facts: DocumentFacts) -> bool:
    """OCR read the lines of a document header (motto, number line, type name) off the page image."""
    return facts.ocr is not None and facts.ocr.status is OcrStatus.READ and facts.ocr.header_found


def is_textless_scan(facts: DocumentFacts) -> bool:
    """A scan whose header nobody could read: no text layer, and OCR did not run or found no header.

    Header rules cannot judge it; `scanned-paper` owns the file.
    """
    no_text_layer = not any(p.visible_chars or p.invisible_chars for p in facts.imaging)
    return is_scan(facts) and no_text_layer and not header_read_by_ocr(facts)


def text_lines(ocr: OcrFacts) -> list[TextLine]:
    """The OCR lines that read as writing rather than a stray word."""
    return [line for line in ocr.lines if len(line.text.split()) >= 3]


def is_photo(facts: DocumentFacts) -> bool:
    """An image file OCR read without finding a document header or much writing: a photo, not paper."""
    ocr = facts.ocr
    return (
        facts.kind is FileKind.IMAGE
        and ocr is not None
        and ocr.status is OcrStatus.READ
        and not ocr.header_found
        and len(text_lines(ocr)) < TEXT_PAGE_LINES
    )


class HeaderField(StrEnum):
    """The header fields OCR must read for the council's zeroing rules."""

    NUMBER = "số văn bản"
    DATE = "ngày ban hành"


@dataclass(frozen=True)
class UnreadField:
    """A header field OCR could not read well enough to be believed: why (Vietnamese) and what it read."""

    field: HeaderField
    reason: str
    proof: Proof
    detail: str = ""  # what the OCR engine said, for developers


def believed_header(facts: DocumentFacts) -> DocumentHeader:
    """The header as the tool states it: a number or date OCR could not read surely is left out.

    `field-unreadable` shows what OCR made of it; no report, key or comparison takes it for the value.
    """
    unread = {item.field for item in unread_fields(facts)}
    if not unread:
        return facts.header
    changes: dict[str, None] = {}
    if HeaderField.NUMBER in unread:
        changes |= {"number": None, "number_year": None}
    if HeaderField.DATE in unread:
        changes |= {"date": None}
    return replace(facts.header, **changes)


def from_ocr(facts: DocumentFacts, located: Located[Any]) -> bool:
    """The value was recognised in a picture: by our OCR, or taken from a scan's invisible OCR layer."""
    if located.where.source is Source.OCR:
        return True
    return located.where.source is Source.PAGE_TEXT and _has_ocr_layer(facts)


def _has_ocr_layer(facts: DocumentFacts) -> bool:
    """The text of this scan is a scanning tool's invisible OCR layer, not text anyone typed."""
    first = facts.imaging[0] if facts.imaging else None
    return first is not None and is_scan(facts) and is_image_page(first) and first.invisible_chars > 0


def unread(facts: DocumentFacts, field: HeaderField) -> bool:
    """OCR could not read this field well enough: `field-unreadable` reports it, the header rules leave it."""
    return any(item.field is field for item in unread_fields(facts))


def unread_fields(facts: DocumentFacts) -> tuple[UnreadField, ...]:
    """The number and the date of a scan when OCR failed, found no header, or read them implausibly or unsurely.

    A field stamped in a signature appearance or typed in the text is never in doubt here; nor is a
    picture that is no document (a photo), nor a scan nobody tried to OCR (`scanned-paper` says why).
    """
    ocr = facts.ocr
    if ocr is not None and facts.kind is FileKind.PDF and ocr.status is OcrStatus.FAILED:
        reason = "không nhận dạng được chữ trong ảnh trang 1 (OCR không chạy được trên bản scan)"
        return _both(reason, Proof("", ocr.page, ProofKind.OCR), ocr.detail)
    if ocr is not None and facts.kind is FileKind.PDF and ocr.status is OcrStatus.READ and not ocr.header_found:
        reason = "nhận dạng chữ (OCR) không tìm thấy phần đầu văn bản trên ảnh trang 1"
        return _both(reason, Proof(_shown(ocr.lines[:3]), ocr.page, ProofKind.OCR), ocr.detail)
    if not header_read_by_ocr(facts) and not _has_ocr_layer(facts):
        return ()
    found = (_unread_number(facts), _unread_date(facts))
    return tuple(item for item in found if item is not None)


def _both(reason: str, proof: Proof, detail: str) -> tuple[UnreadField, ...]:
    return tuple(UnreadField(field, reason, proof, detail) for field in HeaderField)


def _unread_number(facts: DocumentFacts) -> UnreadField | None:
    number = facts.header.number
    if number is None:
        line = _line_like(facts, _NUMBER_LINE)
        return UnreadField(HeaderField.NUMBER, "không đọc được dòng “Số: …/…”", _line_proof(facts, line))
    if not from_ocr(facts, number):
        return None
    line = _line_of(facts, number.raw)
    if not _NUMBER.match(number.value):
        read = quoted(number.value) if number.value else "chỗ để trống"
        return UnreadField(HeaderField.NUMBER, f"nhận dạng chữ đọc được {read}, không phải một số thứ tự",
                           _line_proof(facts, line, number.raw))
    return _unsure(HeaderField.NUMBER, [number.value], facts, line, number.raw)


def _unread_date(facts: DocumentFacts) -> UnreadField | None:
    date = facts.header.date
    if date is None:
        line = _line_like(facts, _DATE_LINE)
        return UnreadField(HeaderField.DATE, "không đọc được dòng “…, ngày … tháng … năm …”", _line_proof(facts, line))
    if not from_ocr(facts, date):
        return None
    line = _line_of(facts, date.raw)
    if date.value.as_date() is None:
        return UnreadField(HeaderField.DATE, f"nhận dạng chữ đọc được {quoted(date.raw)}, không phải một ngày có thật",
                           _line_proof(facts, line, date.raw))
    # The issue date opens its line after the place ("Hà Nội, ngày …", "Lâm Đồng. ngày …" with the comma
    # misread); a date after digits or a long text ("Thông tư số 86/2016/TT-BQP ngày …") is one the text cites.
    before = squash(line.text).split(date.raw)[0] if line is not None else ""
    if _DIGITS.search(before) or len(before.split()) > _PLACE_WORDS:
        return UnreadField(HeaderField.DATE, f"ngày đọc được {quoted(date.raw)} nằm trong một câu trích dẫn, "
                           "không phải dòng địa danh, ngày tháng của văn bản", _line_proof(facts, line, date.raw))
    start = _DATE_START.search(date.raw)
    return _unsure(HeaderField.DATE, _DIGITS.findall(date.raw[start.start() if start else 0 :]), facts, line, date.raw)


def _unsure(field: HeaderField, tokens: list[str], facts: DocumentFacts, line: TextLine | None,
            raw: str) -> UnreadField | None:
    """The field when OCR was less than `OCR_MIN_CONFIDENCE` sure of a word its digits came from; None when sure.

    An OCR layer left by a scanning tool keeps no confidences: plausible is all it can be.
    """
    if _has_ocr_layer(facts) and facts.ocr is None:
        return None
    if line is None or not line.words:
        return UnreadField(field, "không rõ nhận dạng chữ chắc chắn đến đâu", _line_proof(facts, line, raw))
    scores = [word.confidence for token in tokens for word in line.words if token in _DIGITS.findall(word.text)]
    if len(scores) >= len(tokens) and min(scores) >= OCR_MIN_CONFIDENCE:
        return None
    lowest = f"{min(scores):.0f}" if scores else "?"
    return UnreadField(field, f"nhận dạng chữ đọc được {quoted(raw)} nhưng độ tin cậy chỉ {lowest}/100 "
                       f"(cần từ {OCR_MIN_CONFIDENCE:.0f})", _line_proof(facts, line, raw))


def _line_of(facts: DocumentFacts, raw: str) -> TextLine | None:
    """The OCR line a field was parsed from (its raw text is part of the line)."""
    lines = facts.ocr.lines if facts.ocr is not None else ()
    return next((line for line in lines if raw in squash(line.text)), None)


def _line_like(facts: DocumentFacts, shape: re.Pattern[str]) -> TextLine | None:
    """The first OCR line of `shape` (matched without diacritics): where the number or date line was, garbled."""
    lines = facts.ocr.lines if facts.ocr is not None else ()
    return next((line for line in lines if shape.search(fold(line.text))), None)


def _line_proof(facts: DocumentFacts, line: TextLine | None, raw: str | None = None) -> Proof:
    """What OCR read, word by word with its confidence: the council sees why the field was not believed."""
    page = facts.ocr.page if facts.ocr is not None else 1
    if line is None:
        return Proof(raw or "", page, ProofKind.OCR)
    return Proof(_shown((line,)), line.page, ProofKind.OCR)


def _shown(lines: tuple[TextLine, ...]) -> str:
    """ "Số: 4@† /TTg-CĐS [OCR: Số: 93, 4@† 59, /TTg-CĐS 78]", one line per OCR line."""
    shown = []
    for line in lines:
        scores = ", ".join(f"{word.text} {word.confidence:.0f}" for word in line.words)
        shown.append(f"{line.text} [OCR: {scores}]" if scores else line.text)
    return "\n".join(shown)
