"""Documents typed in the legacy Vietnamese encodings (TCVN3, VNI), as DOCX and PDF.

Before Unicode, a Word file held each letter as the code point of an 8-bit font: TCVN3 (ABC,
".VnTime" for mixed case and ".VnTimeH" for capitals, which draws capitals at the lower-case code
points) or VNI ("VNI-Times", a base letter followed by a mark code point). The DOCX written here is
exactly that: :func:`write_legacy_docx` writes the Unicode document of :mod:`samples.documents` and
then retypes its runs in the legacy code points (the Latin-1 characters Word shows) in those fonts.

A PDF printed from such a file draws the code points with an embedded font named ".VnTime", so its
text extracts as garbage ("Hµ Néi") while the font name is still there. :func:`write_legacy_pdf`
lays the document out with :func:`samples.documents.layout_document` and draws the legacy parts
with DejaVu Serif embedded under those names (the page then shows the garbage too: only the
extracted text and the font names matter to the reader). ``part="header"`` keeps the body in
Unicode under a legacy header, as old templates left in use produce.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

import docx
from docx.table import Table, _Cell
from docx.text.run import Run
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from kiemchung.extractors.legacy import LegacyEncoding, encode
from samples.documents import (
    _OBLIQUE_SKEW,
    FONT_DIR,
    FONT_FILES,
    DocSpec,
    DocumentLayout,
    LineOp,
    TextOp,
    _draw_text_op,
    _new_canvas,
    freeze_office_file,
    layout_document,
    text_width,
    write_docx,
)

LegacyPart = Literal["all", "header"]
# What a legacy header covers, in a PDF as in the Word header table: the two header columns.
HEADER_GROUPS = frozenset({"header-left", "header-right"})
TCVN3_FONT = ".VnTime"
TCVN3_UPPER_FONT = ".VnTimeH"
VNI_FONT = "VNI-Times"

TCVN3_PLAN = DocSpec(
    issuer="XÃ CAO AN",
    number="11",
    symbol="KH-UBND",
    place="Cao An",
    date=date(2023, 1, 30),
    type_name="KẾ HOẠCH",
    subject="Cải thiện, nâng cao chỉ số cải cách hành chính năm 2023",
    body=(
        "Căn cứ Kế hoạch số 215/KH-UBND ngày 28/12/2022 của UBND huyện Kiến Xương về cải cách hành chính năm 2023;",
        "Ủy ban nhân dân xã Cao An ban hành Kế hoạch cải thiện chỉ số cải cách hành chính như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Xác định rõ nhiệm vụ, thời hạn hoàn thành và trách nhiệm của từng bộ phận, công chức.",
    ),
    signer_name="Nguyễn Văn An",
)
VNI_REPORT = DocSpec(
    issuer="PHƯỜNG HÒA BÌNH",
    number="46",
    symbol="BC-UBND",
    place="Hòa Bình",
    date=date(2023, 12, 8),
    type_name="BÁO CÁO",
    subject="Kết quả tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức năm 2023",
    body=(
        "Thực hiện Kế hoạch số 215/KH-UBND ngày 28/12/2022 của UBND thành phố Thái Bình, Ủy ban nhân dân "
        "phường Hòa Bình báo cáo như sau:",
        "I. KẾT QUẢ THỰC HIỆN",
        "Tiếp nhận 12 phản ánh, kiến nghị; đã xử lý xong 12, đạt 100%.",
    ),
    signer_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    signer_name="Trần Thị Mai",
)


def legacy_pieces(text: str, encoding: LegacyEncoding) -> list[tuple[str, str]]:
    """``text`` as (font name, legacy code points) pieces, set as a typist of the time would.

    VNI has every letter in one font. TCVN3's ".VnTime" has no toned capitals: a line in capitals is
    typed in lower case in ".VnTimeH"; a toned capital inside mixed case ("Ủy") gets a ".VnTimeH"
    piece of its own.
    """
    if encoding is LegacyEncoding.VNI:
        return [(VNI_FONT, encode(text, encoding))]
    if text.isupper():
        return [(TCVN3_UPPER_FONT, encode(text.lower(), encoding))]
    pieces: list[tuple[str, str]] = []
    for ch in text:
        font = TCVN3_FONT if _has_tcvn3_code(ch) else TCVN3_UPPER_FONT
        code = encode(ch if font == TCVN3_FONT else ch.lower(), encoding)
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + code)
        else:
            pieces.append((font, code))
    return pieces


def _has_tcvn3_code(ch: str) -> bool:
    try:
        encode(ch, LegacyEncoding.TCVN3)
    except ValueError:
        return False
    return True


# --- DOCX ------------------------------------------------------------------------------------------


def write_legacy_docx(spec: DocSpec, path: Path, encoding: LegacyEncoding, *, part: LegacyPart = "all") -> None:
    """Write ``spec`` as a Word file typed in ``encoding``: everything, or only the header table.

    TCVN3 runs carry their fonts (".VnTime", ".VnTimeH"). A VNI document sets "VNI-Times" on the
    Normal style instead and leaves the runs without a font, as most did (``part="all"`` only: a
    Unicode body cannot share the style).
    """
    write_docx(spec, path)
    document = docx.Document(str(path))
    header, *_ = document.tables
    paragraphs = [p for cell in _cells(header) for p in cell.paragraphs]
    if part == "all":
        paragraphs += document.paragraphs + [
            p for table in document.tables[1:] for cell in _cells(table) for p in cell.paragraphs
        ]
    by_style = encoding is LegacyEncoding.VNI and part == "all"
    if by_style:
        document.styles["Normal"].font.name = VNI_FONT
    for paragraph in paragraphs:
        for run in list(paragraph.runs):
            _retype_run(run, encoding, set_font=not by_style)
    document.save(str(path))
    freeze_office_file(path, _issued(spec))


def _cells(table: Table) -> list[_Cell]:
    """Each cell once (python-docx repeats merged cells)."""
    cells = [cell for row in table.rows for cell in row.cells]
    return list({id(cell._tc): cell for cell in cells}.values())


def _retype_run(run: Run, encoding: LegacyEncoding, *, set_font: bool) -> None:
    """Replace a run's Unicode text by its legacy pieces, one run (same formatting) per font."""
    if not run.text:
        return
    pieces = legacy_pieces(run.text, encoding)
    anchor = run
    for index, (font, code) in enumerate(pieces):
        if index:
            element = copy.deepcopy(anchor._r)
            anchor._r.addnext(element)
            anchor = Run(element, run._parent)
        anchor.text = code
        if set_font:
            anchor.font.name = font


def _issued(spec: DocSpec) -> datetime:
    """The "modified" time `write_docx` stamps: the document's date at 8:00."""
    issued = spec.date if isinstance(spec.date, date) else date(spec.date.year or 2023, spec.date.month or 1, 1)
    return datetime(issued.year, issued.month, issued.day, 8, 0)


# --- PDF -------------------------------------------------------------------------------------------


def write_legacy_pdf(
    spec: DocSpec, path: Path, encoding: LegacyEncoding, *, part: LegacyPart = "all"
) -> DocumentLayout:
    """Write a born-digital PDF of ``spec`` whose legacy parts draw code points in legacy-named fonts.

    Text and rules only: the specs here have no picture and no appendix. Returns the layout used
    (the boxes a signer stamps into).
    """
    layout = layout_document(spec)
    c = _new_canvas(str(path), spec)
    for page in range(layout.page_count):
        if page:
            c.showPage()
        for op in layout.ops_on_page(page):
            if isinstance(op, TextOp) and (part == "all" or op.group in HEADER_GROUPS):
                _draw_legacy_text(c, op, encoding)
            elif isinstance(op, TextOp):
                _draw_text_op(c, op)
            elif isinstance(op, LineOp):
                c.setLineWidth(op.width)
                c.line(op.x1, op.y1, op.x2, op.y2)
    c.showPage()
    c.save()
    return layout


def _draw_legacy_text(c: rl_canvas.Canvas, op: TextOp, encoding: LegacyEncoding) -> None:
    """Like `samples.documents._draw_text_op` (upright face, italics skewed), one font per piece.

    Squeezed to the width of the Unicode text, as a legacy font's mark glyphs advance by nothing: VNI
    spends two code points on many letters, and columns drawn wider would run into each other.
    """
    bold = op.style in ("bold", "bolditalic")
    pieces = [(_legacy_font(font, bold), code) for font, code in legacy_pieces(op.text, encoding)]
    drawn = sum(float(pdfmetrics.stringWidth(code, font, op.size)) for font, code in pieces)
    width = text_width(op.text, op.style, op.size)
    x = op.x - (width / 2 if op.align == "center" else width if op.align == "right" else 0.0)
    text = c.beginText()
    skew = _OBLIQUE_SKEW if op.style in ("italic", "bolditalic") else 0.0
    text.setTextTransform(1, 0, skew, 1, x, op.y)
    text.setHorizScale(100 * width / drawn if drawn else 100)
    for font, code in pieces:
        text.setFont(font, op.size)
        text.textOut(code)
    c.drawText(text)


@cache
def _legacy_font(name: str, bold: bool) -> str:
    """DejaVu Serif registered with reportlab under the legacy name (",Bold" added), as PDFs name them."""
    registered = f"KC{name}{'-Bold' if bold else ''}"
    font = TTFont(registered, str(FONT_DIR / FONT_FILES["bold" if bold else "regular"]), asciiReadable=False)
    font.face.name = f"{name},Bold".encode() if bold else name.encode()  # the /BaseFont, after "ABCDEF+"
    pdfmetrics.registerFont(font)
    return registered


# --- a set to look at ------------------------------------------------------------------------------


def write_samples(folder: Path) -> list[Path]:
    """The legacy samples, for a person to open: TCVN3 and VNI, DOCX and PDF, whole and header-only."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    parts: tuple[LegacyPart, ...] = ("all", "header")
    for name, spec, encoding in (("tcvn3", TCVN3_PLAN, LegacyEncoding.TCVN3), ("vni", VNI_REPORT, LegacyEncoding.VNI)):
        for part in parts:
            stem = folder / f"{name}-{part}"
            write_legacy_docx(spec, stem.with_suffix(".docx"), encoding, part=part)
            write_legacy_pdf(spec, stem.with_suffix(".pdf"), encoding, part=part)
            written += [stem.with_suffix(".docx"), stem.with_suffix(".pdf")]
    return written


__all__ = [
    "HEADER_GROUPS",
    "TCVN3_PLAN",
    "VNI_REPORT",
    "LegacyPart",
    "legacy_pieces",
    "write_legacy_docx",
    "write_legacy_pdf",
    "write_samples",
]
