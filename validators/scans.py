"""When a file is a scan: one place for what the scan rule and the header rules share.

What makes a page image-only (the thresholds) is defined once, in `extractors.imaging`, because the
reader uses the same test to decide which first pages to OCR.
"""

from __future__ import annotations

from extractors.imaging import IMAGE_COVERAGE, VISIBLE_TEXT_CHARS, is_image_page
from extractors.models import DocumentFacts, FileKind, OcrFacts, OcrStatus, PageImaging, TextLine

__all__ = [
    "IMAGE_COVERAGE",
    "TEXT_PAGE_LINES",
    "VISIBLE_TEXT_CHARS",
    "header_read_by_ocr",
    "is_photo",
    "is_scan",
    "is_textless_scan",
    "scanned_pages",
    "text_lines",
]

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
