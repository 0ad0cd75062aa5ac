"""When a PDF is a scan: one place for the thresholds the scan rule and the header rules share."""

from __future__ import annotations

from extractors.models import DocumentFacts, PageImaging

# A page is a scan when one image covers most of it and it shows almost no real text.
IMAGE_COVERAGE = 0.8
VISIBLE_TEXT_CHARS = 40


def scanned_pages(facts: DocumentFacts) -> list[PageImaging]:
    """Pages that are one image with (almost) no visible text."""
    return [
        p for p in facts.imaging if p.largest_image_coverage >= IMAGE_COVERAGE and p.visible_chars < VISIBLE_TEXT_CHARS
    ]


def is_scan(facts: DocumentFacts) -> bool:
    """Most examined pages are scans."""
    return len(scanned_pages(facts)) * 2 > len(facts.imaging) > 0


def is_textless_scan(facts: DocumentFacts) -> bool:
    """A scan without even an OCR layer: its header cannot be read, so header rules cannot judge it."""
    return is_scan(facts) and not any(p.visible_chars or p.invisible_chars for p in facts.imaging)
