"""How the first pages of a PDF are made: one big image, real text, or an invisible OCR layer.

A scan is a page covered by one image, with no visible text (or only the invisible text layer,
render mode 3, that OCR tools add). These facts are read here; the rule that calls a page a scan
lives in `validators/`.

The facts come from the page objects of the page PDFium has already loaded for its text
(`extractors.pdfium_text.read_page`): PDFium has interpreted the content, forms and inline images
included, so nothing is parsed twice and image data is never decoded. A page PDFium could not
interpret in full reports what it did interpret.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kiemchung.extractors.models import PageImaging

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_INVISIBLE_MODES = frozenset({pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP})
_MAX_FORM_DEPTH = 12
# Objects looked at on one page, forms included: a dense real page has some thousands; a crafted one
# with millions would otherwise cost seconds in Python after PDFium's own work.
_MAX_OBJECTS = 200_000

# A page is "image-only" when one image covers most of it and it shows almost no real text: a scan,
# or a photograph of paper. The reader OCRs such a first page and `validators.scans` judges scans
# by the same test, so the two can never disagree on what a scanned page is.
IMAGE_COVERAGE = 0.8
VISIBLE_TEXT_CHARS = 40


@dataclass
class _Tally:
    """What one page adds up to while its objects (and those of the forms it draws) are looked at."""

    page_box: tuple[float, float, float, float]
    largest_coverage: float = 0.0
    text_objects: int = 0
    invisible: set[int] = field(default_factory=set)  # addresses of the text objects drawn invisibly
    objects: int = 0


def is_image_page(page: PageImaging) -> bool:
    """One image covers the page and (almost) no visible text is drawn on it; an OCR layer may be."""
    return page.largest_image_coverage >= IMAGE_COVERAGE and page.visible_chars < VISIBLE_TEXT_CHARS


def page_facts(page: pdfium.PdfPage, text_page: pdfium.PdfTextPage, shown: Sequence[int], number: int) -> PageImaging:
    """Image coverage and visible/invisible character counts of a loaded page (`number` is 1-based).

    `shown` are the indexes in `text_page` of the characters the page shows, blanks left out.
    """
    tally = _Tally(page_box=_page_box(page))
    objects = pdfium_c.FPDFPage_CountObjects(page)
    _visit((pdfium_c.FPDFPage_GetObject(page, i) for i in range(max(0, objects))), _IDENTITY, tally, 0)
    if not tally.invisible:
        visible, invisible = len(shown), 0
    elif len(tally.invisible) == tally.text_objects:
        visible, invisible = 0, len(shown)
    else:  # both kinds: each character by the object that draws it
        hidden = sum(_address(pdfium_c.FPDFText_GetTextObject(text_page, index)) in tally.invisible for index in shown)
        visible, invisible = len(shown) - hidden, hidden
    return PageImaging(
        page=number,
        largest_image_coverage=round(min(tally.largest_coverage, 1.0), 4),
        visible_chars=visible,
        invisible_chars=invisible,
    )


def _visit(objects: Iterable[Any], outer: Matrix, tally: _Tally, depth: int) -> None:
    """Note the text objects' render modes and measure the images among `objects`, drawn in a form
    placed by `outer`."""
    for item in objects:
        tally.objects += 1
        if tally.objects > _MAX_OBJECTS or not item:
            return
        kind = pdfium_c.FPDFPageObj_GetType(item)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            tally.text_objects += 1
            if pdfium_c.FPDFTextObj_GetTextRenderMode(item) in _INVISIBLE_MODES:
                tally.invisible.add(_address(item))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            _note_image(_multiply(_matrix(item), outer), tally)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            inner = _multiply(_matrix(item), outer)
            count = pdfium_c.FPDFFormObj_CountObjects(item)
            children = (pdfium_c.FPDFFormObj_GetObject(item, i) for i in range(max(0, count)))
            _visit(children, inner, tally, depth + 1)


def _address(item: Any) -> int:
    """A page object's identity: the address PDFium gives it."""
    return ctypes.cast(item, ctypes.c_void_p).value or 0


def _page_box(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    """The visible area of the page (CropBox, defaulting to MediaBox), normalised."""
    x1, y1, x2, y2 = page.get_cropbox()
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _matrix(item: Any) -> Matrix:
    """An object's matrix, from its own space to that of the page or form holding it."""
    value = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(item, value):
        return _IDENTITY
    return (value.a, value.b, value.c, value.d, value.e, value.f)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n, in PDF's row-vector convention."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _note_image(ctm: Matrix, tally: _Tally) -> None:
    """The share of the page an image drawn in the unit square under `ctm` covers, off-page parts cut."""
    a, b, c, d, e, f = ctm
    xs = (e, a + e, c + e, a + c + e)
    ys = (f, b + f, d + f, b + d + f)
    px1, py1, px2, py2 = tally.page_box
    page_area = (px2 - px1) * (py2 - py1)
    if page_area <= 0:
        return
    width = max(0.0, min(max(xs), px2) - max(min(xs), px1))
    height = max(0.0, min(max(ys), py2) - max(min(ys), py1))
    tally.largest_coverage = max(tally.largest_coverage, width * height / page_area)


__all__ = ["IMAGE_COVERAGE", "VISIBLE_TEXT_CHARS", "is_image_page", "page_facts"]
