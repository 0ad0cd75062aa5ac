"""Administrative documents in the Decree 30/2020/NĐ-CP format, written as PDF, DOCX or scanned PDF.

A :class:`DocSpec` holds what is printed on the document (header, title, body, recipients, signature
block). :func:`layout_document` turns it into positioned text once; the same layout is then drawn by
reportlab (:func:`write_pdf`), rasterised by Pillow into a fake-but-real scan (:func:`write_scan_pdf`)
or, for DOCX, rebuilt with python-docx tables (:func:`write_docx`).

The header is laid out as in Decree 30, Appendix I::

    ỦY BAN NHÂN DÂN                      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    XÃ CAO AN                                  Độc lập - Tự do - Hạnh phúc
    Số: 11/KH-UBND                           Cao An, ngày 30 tháng 01 năm 2023

All text is Unicode NFC and drawn with DejaVu Serif (every Vietnamese glyph is present). PDFs embed
only the Regular and Bold faces; italics are a synthetic oblique to keep every file small.
"""

from __future__ import annotations

import io
import random
import re
import struct
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FontStyle = Literal["regular", "bold", "italic", "bolditalic"]
FONT_FILES: dict[FontStyle, str] = {
    "regular": "DejaVuSerif.ttf",
    "bold": "DejaVuSerif-Bold.ttf",
    "italic": "DejaVuSerif-Italic.ttf",
    "bolditalic": "DejaVuSerif-BoldItalic.ttf",
}
_RL_FONT_NAMES: dict[FontStyle, str] = {
    "regular": "KCSerif",
    "bold": "KCSerif-Bold",
    "italic": "KCSerif-Italic",
    "bolditalic": "KCSerif-BoldItalic",
}

PAGE_WIDTH, PAGE_HEIGHT = A4
# Decree 30 margins: top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGIN_LEFT = 85.0
MARGIN_RIGHT = 57.0
MARGIN_TOP = 57.0
MARGIN_BOTTOM = 57.0
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
# Header columns: left (issuer, number) and right (motto, place and date).
LEFT_COL = (MARGIN_LEFT - 20.0, MARGIN_LEFT + 175.0)
RIGHT_COL = (MARGIN_LEFT + 165.0, PAGE_WIDTH - MARGIN_RIGHT + 15.0)

MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
BLANK = "      "  # what a clerk leaves for a number or a day to be filled in at issuance

ColumnOrder = Literal["rows", "left-first", "right-first"]
_OBLIQUE_SKEW = 0.21  # tan(12°): the slant of a synthetic italic


# --- content ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlankDate:
    """A date line left (partly) blank, e.g. ``ngày      tháng      năm 2023``.

    The clerk fills it in at issuance, often only inside the organisation's signature appearance.
    """

    year: int | None = None
    month: int | None = None


@dataclass(frozen=True, kw_only=True)
class DocSpec:
    """What is printed on an administrative document (Decree 30/2020, Appendix I)."""

    issuer_parent: str = "ỦY BAN NHÂN DÂN"
    issuer: str = "XÃ CAO AN"
    number: str = "11"
    """Sequence number as printed: ``"11"``, ``"05"``, ``"12a"``, ``"12 a"``, ``"12.1"``; ``""`` = blank."""
    symbol: str = "KH-UBND"
    year_in_number: str | None = None
    """Year of a legal normative document: ``"2023"`` gives ``05/2023/QĐ-UBND``."""
    place: str = "Cao An"
    date: date | BlankDate
    type_name: str | None
    """Document type in capitals (``KẾ HOẠCH``...); ``None`` for a công văn (subject as ``V/v ...``)."""
    subject: str
    body: tuple[str, ...]
    """Body paragraphs. An all-capitals paragraph is a heading (bold; centred unless numbered)."""
    recipients: tuple[str, ...] = ("UBND huyện", "Lưu: VT")
    """"Nơi nhận" entries without the leading dash; the last is conventionally ``Lưu: VT``."""
    signer_lines: tuple[str, ...] = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer_name: str = "Nguyễn Văn An"
    addressees: tuple[str, ...] = ()
    """"Kính gửi" addressees (usual for a công văn)."""
    picture_caption: str | None = None
    """If set, a photo is printed after the body with this caption (a born-digital report with a photo)."""
    appendix_lines: tuple[str, ...] = ()
    """Lines of the appendix printed on pages 2..N when more than one page is requested."""

    @property
    def number_and_symbol(self) -> str:
        """``11/KH-UBND``, ``05/2023/QĐ-UBND``; a blank number keeps the slash: ``      /KH-UBND``."""
        number = self.number if self.number else BLANK
        middle = f"/{self.year_in_number}" if self.year_in_number else ""
        return f"{number}{middle}/{self.symbol}"

    @property
    def number_line(self) -> str:
        return f"Số: {self.number_and_symbol}"

    @property
    def date_line(self) -> str:
        """``Cao An, ngày 30 tháng 01 năm 2023`` (or its blank form)."""
        return f"{self.place}, {format_vn_date(self.date)}"

    @property
    def is_cong_van(self) -> bool:
        return self.type_name is None

    @property
    def issuer_full(self) -> str:
        return f"{self.issuer_parent} {self.issuer}".strip()


def format_vn_date(value: date | BlankDate) -> str:
    """``ngày 05 tháng 01 năm 2023``: leading zero for days < 10 and for months 1-2 only."""
    if isinstance(value, BlankDate):
        month = f" {_vn_month(value.month)} " if value.month else BLANK
        year = f" {value.year}" if value.year else BLANK
        return f"ngày{BLANK}tháng{month}năm{year}"
    return f"ngày {value.day:02d} tháng {_vn_month(value.month)} năm {value.year}"


def format_short_date(value: date) -> str:
    """``05/01/2023``, ``01/3/2024``: the short form used in citations."""
    return f"{value.day:02d}/{_vn_month(value.month)}/{value.year}"


def _vn_month(month: int) -> str:
    return f"{month:02d}" if month <= 2 else str(month)


# --- layout ----------------------------------------------------------------------------------------


Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class TextOp:
    """One line of text at a baseline position (PDF points, origin bottom-left)."""

    page: int
    x: float
    y: float
    text: str
    style: FontStyle
    size: float
    align: Align = "left"
    group: str = "body"
    """``header-left``, ``header-right``, ``title``, ``body``, ``closing``, ``page``..."""
    row: int = 0
    """Header row, used to order the drawing of the two header columns."""


@dataclass(frozen=True)
class LineOp:
    page: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6
    group: str = "body"
    row: int = 0


@dataclass(frozen=True)
class PictureOp:
    page: int
    x: float
    y: float
    width: float
    height: float
    seed: int


DrawOp = TextOp | LineOp | PictureOp


@dataclass(frozen=True)
class Box:
    """A rectangle on a page: page index and PDF coordinates (x1, y1) lower-left, (x2, y2) upper-right."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    def as_tuple(self) -> tuple[int, float, float, float, float]:
        return (self.page, self.x1, self.y1, self.x2, self.y2)


@dataclass(frozen=True)
class DocumentLayout:
    """Positioned content of a document plus the boxes a signer may stamp into."""

    spec: DocSpec
    page_count: int
    ops: tuple[DrawOp, ...]
    number_box: Box
    """Where ``Số: ...`` is printed (page 0)."""
    date_box: Box
    signature_box: Box
    """The blank space between the signer's title and name, where visible signatures go."""
    copy_stamp_box: Box
    """Top right of page 0, where a "SAO Y" copy stamp goes."""

    def ops_on_page(self, page: int) -> list[DrawOp]:
        return [op for op in self.ops if op.page == page]

    @property
    def person_signature_box(self) -> Box:
        """Upper right of the signature space: the person's "Ký bởi ..." appearance."""
        b = self.signature_box
        return Box(b.page, b.x1 + 95, b.y2 - 30, b.x2 + 25, b.y2)

    @property
    def organization_stamp_box(self) -> Box:
        """Lower part of the signature space: the organisation's seal and its stamped text."""
        b = self.signature_box
        return Box(b.page, b.x1 - 10, b.y1, b.x2 + 25, b.y2 - 26)


@lru_cache(maxsize=1)
def register_fonts() -> dict[FontStyle, str]:
    """Register the DejaVu Serif family with reportlab once; returns reportlab font names by style."""
    for style, name in _RL_FONT_NAMES.items():
        font_file = io.BytesIO(_trim_name_table((FONT_DIR / FONT_FILES[style]).read_bytes()))
        # asciiReadable=False: subsets hold only the glyphs used (not all of ASCII), ~2x smaller files.
        pdfmetrics.registerFont(TTFont(name, font_file, asciiReadable=False))
    pdfmetrics.registerFontFamily(
        _RL_FONT_NAMES["regular"],
        normal=_RL_FONT_NAMES["regular"],
        bold=_RL_FONT_NAMES["bold"],
        italic=_RL_FONT_NAMES["italic"],
        boldItalic=_RL_FONT_NAMES["bolditalic"],
    )
    return dict(_RL_FONT_NAMES)


# Name records kept when trimming: copyright, family, subfamily, unique ID, full name, version,
# PostScript name and licence URL. The long licence text (ID 13) is dropped: reportlab copies the
# whole name table into every embedded subset, where it would cost ~3 KB per font per PDF.
_KEPT_NAME_IDS = frozenset({0, 1, 2, 3, 4, 5, 6, 14})


def _trim_name_table(font: bytes) -> bytes:
    """Return the TrueType font ``font`` with a smaller 'name' table (glyphs and metrics untouched)."""
    num_tables = struct.unpack(">H", font[4:6])[0]
    tables: dict[bytes, bytes] = {}
    for i in range(num_tables):
        tag, _checksum, offset, length = struct.unpack(">4sLLL", font[12 + 16 * i : 28 + 16 * i])
        tables[tag] = font[offset : offset + length]
    name = tables[b"name"]
    _fmt, count, storage = struct.unpack(">HHH", name[:6])
    records: list[tuple[int, int, int, int, bytes]] = []
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack(
            ">6H", name[6 + 12 * i : 18 + 12 * i]
        )
        if name_id in _KEPT_NAME_IDS:
            records.append((platform, encoding, language, name_id,
                            name[storage + offset : storage + offset + length]))
    header = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records))
    entries, strings = b"", b""
    for platform, encoding, language, name_id, text in records:
        entries += struct.pack(">6H", platform, encoding, language, name_id, len(text), len(strings))
        strings += text
    tables[b"name"] = header + entries + strings
    # Reassemble: table directory, then 4-byte aligned tables with fresh checksums.
    tags = sorted(tables)
    search_range = 16 * 2 ** (len(tags).bit_length() - 1)
    entry_selector = len(tags).bit_length() - 1
    out = bytearray(font[:4] + struct.pack(">HHHH", len(tags), search_range, entry_selector,
                                           16 * len(tags) - search_range))
    offset = 12 + 16 * len(tags)
    body = bytearray()
    for tag in tags:
        data = tables[tag]
        if tag == b"head":  # checkSumAdjustment is recomputed below
            data = data[:8] + b"\0\0\0\0" + data[12:]
            tables[tag] = data
        out += struct.pack(">4sLLL", tag, _checksum32(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    out += body
    head_offset = struct.unpack(">L", out[12 + 16 * tags.index(b"head") + 8 : 12 + 16 * tags.index(b"head") + 12])[0]
    adjustment = (0xB1B0AFBA - _checksum32(bytes(out))) & 0xFFFFFFFF
    out[head_offset + 8 : head_offset + 12] = struct.pack(">L", adjustment)
    return bytes(out)


def _checksum32(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}L", padded)
    return sum(words) & 0xFFFFFFFF


def text_width(text: str, style: FontStyle, size: float) -> float:
    """Advance width in points as drawn in PDFs (italics use the upright metrics, see _draw_text_op)."""
    upright: FontStyle = "bold" if style in ("bold", "bolditalic") else "regular"
    return float(pdfmetrics.stringWidth(text, register_fonts()[upright], size))


def wrap_text(text: str, style: FontStyle, size: float, width: float, first_indent: float = 0.0) -> list[str]:
    """Greedy word wrap; the first line is ``first_indent`` narrower."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        limit = width - (first_indent if not lines else 0.0)
        if current and text_width(candidate, style, size) > limit:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _fit_size(text: str, style: FontStyle, size: float, width: float) -> float:
    while size > 8 and text_width(text, style, size) > width:
        size -= 0.5
    return size


class _Cursor:
    """Tracks the current page and baseline while laying out flowing content."""

    def __init__(self, ops: list[DrawOp], top: float) -> None:
        self.ops = ops
        self.page = 0
        self.y = top

    def need(self, height: float) -> None:
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        self.page += 1
        # Decree 30: page numbers from page 2, centred in the top margin.
        self.ops.append(
            TextOp(self.page, PAGE_WIDTH / 2, PAGE_HEIGHT - 35, str(self.page + 1), "regular", 12, "center", "page")
        )
        self.y = PAGE_HEIGHT - MARGIN_TOP - 14


def layout_document(spec: DocSpec, *, pages: int = 1) -> DocumentLayout:
    """Lay out ``spec`` on A4 pages; ``pages`` > 1 adds appendix pages so the PDF has that many pages."""
    register_fonts()
    ops: list[DrawOp] = []
    left_c = (LEFT_COL[0] + LEFT_COL[1]) / 2
    right_c = (RIGHT_COL[0] + RIGHT_COL[1]) / 2
    left_w = LEFT_COL[1] - LEFT_COL[0]
    right_w = RIGHT_COL[1] - RIGHT_COL[0]
    top = PAGE_HEIGHT - MARGIN_TOP - 10

    # Header, row by row (the "row" field lets write_pdf choose the drawing order).
    rows_y = [top, top - 16, top - 24, top - 42]
    parent_size = _fit_size(spec.issuer_parent, "regular", 12, left_w)
    issuer_size = _fit_size(spec.issuer, "bold", 12, left_w)
    motto1_size = _fit_size(MOTTO_1, "bold", 12, right_w)
    ops.append(TextOp(0, left_c, rows_y[0], spec.issuer_parent, "regular", parent_size, "center", "header-left", 0))
    ops.append(TextOp(0, right_c, rows_y[0], MOTTO_1, "bold", motto1_size, "center", "header-right", 0))
    ops.append(TextOp(0, left_c, rows_y[1], spec.issuer, "bold", issuer_size, "center", "header-left", 1))
    ops.append(TextOp(0, right_c, rows_y[1], MOTTO_2, "bold", 13, "center", "header-right", 1))
    issuer_rule = text_width(spec.issuer, "bold", issuer_size) / 3
    motto_rule = text_width(MOTTO_2, "bold", 13) / 2
    ops.append(LineOp(0, left_c - issuer_rule, rows_y[2], left_c + issuer_rule, rows_y[2], 0.6, "header-left", 2))
    ops.append(LineOp(0, right_c - motto_rule, rows_y[2], right_c + motto_rule, rows_y[2], 0.6, "header-right", 2))
    number_size = _fit_size(spec.number_line, "regular", 13, left_w)
    date_size = _fit_size(spec.date_line, "italic", 13, right_w)
    ops.append(TextOp(0, left_c, rows_y[3], spec.number_line, "regular", number_size, "center", "header-left", 3))
    ops.append(TextOp(0, right_c, rows_y[3], spec.date_line, "italic", date_size, "center", "header-right", 3))
    number_half = text_width(spec.number_line, "regular", number_size) / 2 + 4
    date_half = text_width(spec.date_line, "italic", date_size) / 2 + 4
    number_box = Box(0, left_c - number_half, rows_y[3] - 5, left_c + number_half, rows_y[3] + 14)
    date_box = Box(0, right_c - date_half, rows_y[3] - 5, right_c + date_half, rows_y[3] + 14)
    copy_stamp_box = Box(0, PAGE_WIDTH - MARGIN_RIGHT - 190, PAGE_HEIGHT - 52, PAGE_WIDTH - 12, PAGE_HEIGHT - 6)

    y = rows_y[3]
    if spec.is_cong_van:
        for i, line in enumerate(wrap_text(f"V/v {spec.subject}", "regular", 12, left_w - 10)):
            y = rows_y[3] - 18 - 14 * i
            ops.append(TextOp(0, left_c, y, line, "regular", 12, "center", "header-left", 4 + i))
    cursor = _Cursor(ops, y - 36)

    # Title block.
    if spec.type_name:
        ops.append(TextOp(0, PAGE_WIDTH / 2 + 14, cursor.y, spec.type_name, "bold", 14, "center", "title"))
        cursor.y -= 18
        for line in wrap_text(spec.subject, "bold", 13, CONTENT_WIDTH - 20):
            ops.append(TextOp(0, PAGE_WIDTH / 2 + 14, cursor.y, line, "bold", 13, "center", "title"))
            cursor.y -= 17
        ops.append(LineOp(0, PAGE_WIDTH / 2 - 36, cursor.y + 9, PAGE_WIDTH / 2 + 64, cursor.y + 9, 0.6, "title"))
        cursor.y -= 14
    if spec.addressees:
        if len(spec.addressees) == 1:
            ops.append(TextOp(0, PAGE_WIDTH / 2 + 14, cursor.y, f"Kính gửi: {spec.addressees[0]}.", "regular", 13,
                              "center", "body"))
            cursor.y -= 26
        else:
            ops.append(TextOp(0, MARGIN_LEFT + 110, cursor.y, "Kính gửi:", "regular", 13, "left", "body"))
            for i, addressee in enumerate(spec.addressees):
                end = "." if i == len(spec.addressees) - 1 else ";"
                ops.append(TextOp(0, MARGIN_LEFT + 180, cursor.y, f"- {addressee}{end}", "regular", 13, "left",
                                  "body"))
                cursor.y -= 17
            cursor.y -= 9

    # Body paragraphs, first-line indent 1 cm, line spacing ~1.3.
    for paragraph in spec.body:
        _layout_paragraph(cursor, paragraph)

    if spec.picture_caption:
        pic_w, pic_h = 240.0, 150.0
        cursor.need(pic_h + 30)
        cursor.y -= 4
        ops.append(PictureOp(cursor.page, PAGE_WIDTH / 2 + 14 - pic_w / 2, cursor.y - pic_h, pic_w, pic_h,
                             seed=sum(map(ord, spec.subject))))
        cursor.y -= pic_h + 14
        ops.append(TextOp(cursor.page, PAGE_WIDTH / 2 + 14, cursor.y, spec.picture_caption, "italic", 11, "center",
                          "body"))
        cursor.y -= 20

    # Closing: "Nơi nhận" bottom-left, signature block bottom-right.
    closing_h = max(16 + 13 * len(spec.recipients), 18 * len(spec.signer_lines) + 112)
    cursor.need(closing_h + 6)
    page = cursor.page
    y0 = cursor.y - 8
    ops.append(TextOp(page, MARGIN_LEFT, y0, "Nơi nhận:", "bolditalic", 12, "left", "closing"))
    for i, recipient in enumerate(spec.recipients):
        end = "." if i == len(spec.recipients) - 1 else ";"
        ops.append(TextOp(page, MARGIN_LEFT, y0 - 15 - 13 * i, f"- {recipient}{end}", "regular", 11, "left", "closing"))
    sig_c = right_c + 10
    sy = y0
    for line in spec.signer_lines:
        ops.append(TextOp(page, sig_c, sy, line, "bold", 13, "center", "closing"))
        sy -= 18
    signature_box = Box(page, sig_c - 120, sy - 86, sig_c + 120, sy + 8)
    ops.append(TextOp(page, sig_c, sy - 98, spec.signer_name, "bold", 13, "center", "closing"))
    cursor.y = min(sy - 98, y0 - 15 - 13 * len(spec.recipients)) - 10

    # Appendix pages up to the requested page count.
    appendix = spec.appendix_lines or _default_appendix(spec)
    while cursor.page + 1 < pages:
        cursor.new_page()
        ops.append(TextOp(cursor.page, PAGE_WIDTH / 2, cursor.y, "PHỤ LỤC", "bold", 13, "center", "body"))
        cursor.y -= 17
        ref = f"(Kèm theo {_type_phrase(spec)} số {spec.number_and_symbol.strip()} của {_issuer_phrase(spec)})"
        for line in wrap_text(ref, "italic", 12, CONTENT_WIDTH):
            ops.append(TextOp(cursor.page, PAGE_WIDTH / 2, cursor.y, line, "italic", 12, "center", "body"))
            cursor.y -= 16
        cursor.y -= 10
        start_page = cursor.page
        for line in appendix:
            if cursor.page != start_page:
                break
            _layout_paragraph(cursor, line, indent=0.0)
        if cursor.page != start_page:  # keep each appendix to one page: drop the overflow page
            ops[:] = [op for op in ops if op.page <= start_page]
            cursor.page = start_page
    page_count = max(op.page for op in ops) + 1
    return DocumentLayout(
        spec=spec,
        page_count=page_count,
        ops=tuple(ops),
        number_box=number_box,
        date_box=date_box,
        signature_box=signature_box,
        copy_stamp_box=copy_stamp_box,
    )


def _layout_paragraph(cursor: _Cursor, paragraph: str, *, indent: float = 28.0) -> None:
    is_heading = paragraph.isupper()
    numbered = paragraph[:1].isdigit() or paragraph.split(".")[0] in {"I", "II", "III", "IV", "V", "VI"}
    if is_heading and not numbered:
        for line in wrap_text(paragraph, "bold", 13, CONTENT_WIDTH):
            cursor.need(18)
            cursor.ops.append(TextOp(cursor.page, PAGE_WIDTH / 2 + 14, cursor.y, line, "bold", 13, "center", "body"))
            cursor.y -= 18
        cursor.y -= 4
        return
    style: FontStyle = "bold" if is_heading else "regular"
    for i, line in enumerate(wrap_text(paragraph, style, 13, CONTENT_WIDTH, first_indent=indent)):
        cursor.need(17)
        x = MARGIN_LEFT + (indent if i == 0 else 0.0)
        cursor.ops.append(TextOp(cursor.page, x, cursor.y, line, style, 13, "left", "body"))
        cursor.y -= 17
    cursor.y -= 5


def _type_phrase(spec: DocSpec) -> str:
    return spec.type_name.capitalize() if spec.type_name else "Công văn"


def _issuer_phrase(spec: DocSpec) -> str:
    issuer = spec.issuer.lower().split(" ", 1)
    place = issuer[1].title() if len(issuer) > 1 else ""
    return f"UBND {issuer[0]} {place}".strip()


def _default_appendix(spec: DocSpec) -> tuple[str, ...]:
    tasks = (
        "Rà soát, đánh giá kết quả thực hiện các nhiệm vụ cải cách hành chính của năm trước.",
        "Niêm yết công khai, đầy đủ thủ tục hành chính tại Bộ phận Tiếp nhận và Trả kết quả.",
        "Tuyên truyền về cải cách hành chính trên hệ thống truyền thanh cơ sở.",
        "Tiếp nhận, giải quyết hồ sơ thủ tục hành chính trực tuyến trên Cổng Dịch vụ công.",
        "Kiểm tra việc thực hiện quy chế văn hóa công sở của cán bộ, công chức.",
        "Báo cáo định kỳ kết quả thực hiện cải cách hành chính hằng quý.",
    )
    return tuple(f"{i}. {task} Thời gian: tháng {i + 1}; chịu trách nhiệm: công chức Văn phòng - Thống kê."
                 for i, task in enumerate(tasks, start=1))


# --- PDF -------------------------------------------------------------------------------------------


def _header_draw_order(ops: Sequence[DrawOp], column_order: ColumnOrder) -> list[DrawOp]:
    """Reorder header ops: the visible page is identical, only the content-stream order changes."""
    header = [op for op in ops if not isinstance(op, PictureOp) and op.group.startswith("header-")]
    rest = [op for op in ops if op not in header]

    def column(op: DrawOp) -> int:
        return 0 if not isinstance(op, PictureOp) and op.group == "header-left" else 1

    def row(op: DrawOp) -> int:
        return 0 if isinstance(op, PictureOp) else op.row

    if column_order == "rows":
        header.sort(key=lambda op: (row(op), column(op)))
    elif column_order == "left-first":
        header.sort(key=lambda op: (column(op), row(op)))
    elif column_order == "right-first":
        header.sort(key=lambda op: (-column(op), row(op)))
    else:
        raise ValueError(f"unknown column order {column_order!r}")
    return header + rest


def _draw_text_op(c: rl_canvas.Canvas, op: TextOp) -> None:
    # Italics are drawn as a synthetic oblique (upright font, skewed text matrix): embedding the two
    # italic DejaVu faces would add ~25 KB to every PDF, and the batch must stay small. The text and
    # its extraction are unchanged.
    upright: FontStyle = "bold" if op.style in ("bold", "bolditalic") else "regular"
    font = _RL_FONT_NAMES[upright]
    width = float(pdfmetrics.stringWidth(op.text, font, op.size))
    x = op.x - (width / 2 if op.align == "center" else width if op.align == "right" else 0.0)
    text = c.beginText()
    text.setFont(font, op.size)
    skew = _OBLIQUE_SKEW if op.style in ("italic", "bolditalic") else 0.0
    text.setTextTransform(1, 0, skew, 1, x, op.y)
    text.textOut(op.text)
    c.drawText(text)


def _new_canvas(target: str | io.BytesIO, spec: DocSpec) -> rl_canvas.Canvas:
    register_fonts()
    # invariant=1: no creation timestamp or random document ID, so the same spec gives the same bytes.
    c = rl_canvas.Canvas(target, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(f"{spec.type_name or 'Công văn'} {spec.subject}"[:200])
    c.setAuthor(_issuer_phrase(spec))
    c.setCreator("kiemchung samples")
    return c


def write_pdf(
    spec: DocSpec,
    path: Path,
    *,
    column_order: ColumnOrder = "rows",
    pages: int = 1,
) -> DocumentLayout:
    """Write a born-digital PDF of ``spec`` (real text, DejaVu Serif, A4). Returns the layout used.

    ``column_order`` only changes the order in which header strings enter the content stream
    (``rows``: left/right interleaved per row; ``left-first``; ``right-first``), so text extraction
    order differs while the rendered page is identical.
    """
    layout = layout_document(spec, pages=pages)
    c = _new_canvas(str(path), spec)
    for page in range(layout.page_count):
        if page:
            c.showPage()
        page_ops = layout.ops_on_page(page)
        if page == 0:
            page_ops = _header_draw_order(page_ops, column_order)
        for op in page_ops:
            if isinstance(op, TextOp):
                _draw_text_op(c, op)
            elif isinstance(op, LineOp):
                c.setLineWidth(op.width)
                c.line(op.x1, op.y1, op.x2, op.y2)
            else:
                photo = make_photo(op.seed, int(op.width * 2), int(op.height * 2))
                c.drawImage(ImageReader(_jpeg_buffer(photo, quality=70)), op.x, op.y, op.width, op.height)
                c.setLineWidth(0.5)
                c.rect(op.x, op.y, op.width, op.height)
    c.showPage()
    c.save()
    return layout


# --- pictures and scans ----------------------------------------------------------------------------


def make_photo(seed: int, width: int, height: int) -> Image.Image:
    """A deterministic, photo-like RGB picture (sky, building, people, grain) made with Pillow."""
    rng = random.Random(seed)
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for yy in range(height):  # sky-to-ground gradient
        t = yy / max(height - 1, 1)
        draw.line([(0, yy), (width, yy)], fill=(int(120 + 100 * t), int(170 + 50 * t), int(230 - 120 * t)))
    bx, bw, bh = width // 5, width * 3 // 5, height // 2
    draw.rectangle([bx, height - bh - height // 8, bx + bw, height - height // 8], fill=(222, 205, 160))
    draw.polygon([(bx - 10, height - bh - height // 8), (bx + bw // 2, height // 8),
                  (bx + bw + 10, height - bh - height // 8)], fill=(150, 40, 35))
    draw.rectangle([bx + bw // 2 - 40, height // 3, bx + bw // 2 + 40, height // 3 + 18], fill=(200, 20, 20))
    for _ in range(14):  # people in front of the building
        px = rng.randint(10, width - 10)
        py = rng.randint(height - height // 5, height - 12)
        shade = tuple(rng.randint(20, 200) for _ in range(3))
        draw.ellipse([px - 5, py - 22, px + 5, py - 12], fill=(230, 190, 160))
        draw.rectangle([px - 7, py - 12, px + 7, py + 8], fill=shade)
    grain = _noise_image(rng, (width, height), amplitude=10)
    return Image.merge("RGB", [ImageChops.add(band, grain, 1.0, -128) for band in img.split()])


def _noise_image(rng: random.Random, size: tuple[int, int], amplitude: int) -> Image.Image:
    """Seeded uniform noise centred on 128 (Pillow's effect_noise is not seedable)."""
    raw = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    lut = [128 + (v - 128) * amplitude // 128 for v in range(256)]
    return raw.point(lut)


def _jpeg_buffer(img: Image.Image, *, quality: int) -> io.BytesIO:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality, optimize=True)
    buf.seek(0)
    return buf


@lru_cache(maxsize=64)
def _pil_font(style: FontStyle, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[style]), size_px)


def render_page_image(
    layout: DocumentLayout, page: int, *, dpi: int = 150, seed: int = 0, hand_signed: bool = True
) -> Image.Image:
    """Rasterise one page as a paper scan: grayscale, slight rotation, blur, noise, hand signature and seal."""
    scale = dpi / 72.0
    size = (round(PAGE_WIDTH * scale), round(PAGE_HEIGHT * scale))
    img = Image.new("L", size, 250)
    draw = ImageDraw.Draw(img)

    def px(x: float, y: float) -> tuple[float, float]:
        return (x * scale, (PAGE_HEIGHT - y) * scale)

    anchors = {"left": "ls", "center": "ms", "right": "rs"}
    for op in layout.ops_on_page(page):
        if isinstance(op, TextOp):
            font = _pil_font(op.style, round(op.size * scale))
            draw.text(px(op.x, op.y), op.text, font=font, fill=25, anchor=anchors[op.align])
        elif isinstance(op, LineOp):
            draw.line([px(op.x1, op.y1), px(op.x2, op.y2)], fill=25, width=max(1, round(op.width * scale)))
        else:
            photo = make_photo(op.seed, round(op.width * scale), round(op.height * scale)).convert("L")
            x0, y0 = px(op.x, op.y + op.height)
            img.paste(photo, (round(x0), round(y0)))
    rng = random.Random(seed * 1000 + page)
    if hand_signed and page == layout.signature_box.page:
        _draw_hand_signature_and_seal(draw, layout, scale, rng)
    img = img.filter(ImageFilter.GaussianBlur(0.5))
    img = img.rotate(rng.uniform(-0.9, 0.9), resample=Image.Resampling.BICUBIC, fillcolor=250)
    return ImageChops.add(img, _noise_image(rng, size, amplitude=6), 1.0, -128)


def _draw_hand_signature_and_seal(
    draw: ImageDraw.ImageDraw, layout: DocumentLayout, scale: float, rng: random.Random
) -> None:
    box = layout.signature_box
    cx = (box.x1 + box.x2) / 2 * scale
    cy = (PAGE_HEIGHT - (box.y1 + box.y2) / 2) * scale
    # The red seal, grey in a grayscale scan, overlapping the left of the signature.
    r = 38 * scale
    sx, sy = cx - 35 * scale, cy
    draw.ellipse([sx - r, sy - r, sx + r, sy + r], outline=120, width=max(2, round(2 * scale)))
    draw.ellipse([sx - r * 0.62, sy - r * 0.62, sx + r * 0.62, sy + r * 0.62], outline=120, width=2)
    seal_font = _pil_font("bold", round(7 * scale))
    draw.text((sx, sy - r * 0.8), "ỦY BAN NHÂN DÂN", font=seal_font, fill=120, anchor="mm")
    draw.text((sx, sy + r * 0.8), layout.spec.issuer, font=seal_font, fill=120, anchor="mm")
    draw.regular_polygon((sx, sy, r * 0.35), 5, rotation=rng.uniform(0, 10), fill=140)
    # A hand signature: a wobbly stroke.
    points = []
    x = cx - 20 * scale
    for i in range(24):
        x += rng.uniform(2.0, 5.0) * scale
        points.append((x, cy + (12 if i % 2 else -12) * scale * rng.uniform(0.3, 1.0)))
    draw.line(points, fill=30, width=max(2, round(1.2 * scale)), joint="curve")


def garbled_ocr(text: str) -> str:
    """Text as a phone-scan app's OCR layer often holds it: diacritics lost or read as digits and
    stray capitals, capital words run together ("ỦY BAN NHÂN DÂN" -> "UYBANNHANDAN")."""
    marked = str.maketrans({"ê": "6", "ệ": "Q", "ế": "6", "ơ": "o", "ợ": "q", "ư": "ri", "ữ": "fi", "ậ": "$"})
    words = [_without_marks(word.translate(marked)) for word in text.split()]
    return "".join(words) if text.isupper() else " ".join(words)


def _without_marks(word: str) -> str:
    bare = unicodedata.normalize("NFD", word.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


def write_scan_pdf(
    spec: DocSpec, path: Path, *, ocr_layer: bool, pages: int = 1, dpi: int = 150, seed: int = 0,
    garbled: bool = False, copy_line: str | None = None,
) -> DocumentLayout:
    """Write a scanned copy of a hand-signed paper document: each page is one grayscale JPEG image.

    With ``ocr_layer`` the page text is added invisibly (text render mode 3), as OCR tools do, so
    the text can be extracted while the visible page is still only the image; ``garbled`` writes it
    as a phone-scan app's poor OCR would (`garbled_ocr`). ``copy_line`` ("SAO Y; <body>; <date>; <time>")
    is printed visibly at the top right of page 1, as a certifying body stamps the scan it signs.
    """
    layout = layout_document(spec, pages=pages)
    c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    c.setCreator("Scanner: KIEMCHUNG TEST scan")  # like a scanner driver, not a word processor
    for page in range(layout.page_count):
        if page:
            c.showPage()
        image = render_page_image(layout, page, dpi=dpi, seed=seed)
        c.drawImage(ImageReader(_jpeg_buffer(image, quality=32)), 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
        if copy_line and page == 0:
            c.setFont(_RL_FONT_NAMES["regular"], 7)
            c.drawRightString(PAGE_WIDTH - 12, PAGE_HEIGHT - 14, copy_line)
        if ocr_layer:
            text = c.beginText()
            text.setTextRenderMode(3)  # invisible: neither filled nor stroked
            for op in layout.ops_on_page(page):
                if isinstance(op, TextOp):
                    width = text_width(op.text, op.style, op.size)
                    x = op.x - (width / 2 if op.align == "center" else width if op.align == "right" else 0)
                    text.setFont(_RL_FONT_NAMES["regular"], op.size)
                    text.setTextOrigin(x, op.y)
                    text.textLine(garbled_ocr(op.text) if garbled else op.text)
            c.drawText(text)
    c.showPage()
    c.save()
    return layout


# --- DOCX ------------------------------------------------------------------------------------------


def write_docx(spec: DocSpec, path: Path) -> None:
    """Write ``spec`` as a Word document: header as a 2-column borderless table, closing as another."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    props = doc.core_properties
    props.author = _issuer_phrase(spec)
    props.title = f"{spec.type_name or 'Công văn'} {spec.subject}"[:200]
    if isinstance(spec.date, date):
        props.created = datetime(spec.date.year, spec.date.month, spec.date.day, 8, 0)

    def add(cell_or_doc: object, text: str, *, bold: bool = False, italic: bool = False, size: float = 13,
            align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER, first_paragraph: bool = False) -> None:
        paragraphs = getattr(cell_or_doc, "paragraphs", [])
        use_first = first_paragraph and paragraphs
        paragraph = paragraphs[0] if use_first else cell_or_doc.add_paragraph()  # type: ignore[attr-defined]
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)

    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _remove_borders(header)
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10.0)
    add(left, spec.issuer_parent, size=13, first_paragraph=True)
    add(left, spec.issuer, bold=True)
    add(left, "")
    add(left, spec.number_line)
    if spec.is_cong_van:
        add(left, f"V/v {spec.subject}", size=12)
    add(right, MOTTO_1, bold=True, size=12, first_paragraph=True)
    add(right, MOTTO_2, bold=True, size=14)
    add(right, "")
    add(right, spec.date_line, italic=True, size=14)

    doc.add_paragraph()
    if spec.type_name:
        add(doc, spec.type_name, bold=True, size=14)
        add(doc, spec.subject, bold=True, size=14)
        doc.add_paragraph()
    for i, addressee in enumerate(spec.addressees):
        prefix = "Kính gửi: " if i == 0 else "- "
        add(doc, f"{prefix}{addressee}", size=14)
    for paragraph in spec.body:
        is_heading = paragraph.isupper()
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if is_heading and not paragraph[:1].isdigit() else (
            WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.first_line_indent = Cm(1)
        p.paragraph_format.space_after = Pt(6)
        run = p.add_run(paragraph)
        run.bold = is_heading
        run.font.size = Pt(14)

    closing = doc.add_table(rows=1, cols=2)
    _remove_borders(closing)
    left, right = closing.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(8.5)
    add(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, first_paragraph=True)
    for i, recipient in enumerate(spec.recipients):
        end = "." if i == len(spec.recipients) - 1 else ";"
        add(left, f"- {recipient}{end}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for i, line in enumerate(spec.signer_lines):
        add(right, line, bold=True, size=14, first_paragraph=i == 0)
    for _ in range(4):
        add(right, "")
    add(right, spec.signer_name, bold=True, size=14)
    doc.save(str(path))
    issued = spec.date if isinstance(spec.date, date) else date(spec.date.year or 2023, spec.date.month or 1, 1)
    freeze_office_file(path, datetime(issued.year, issued.month, issued.day, 8, 0))


_OFFICE_ZIP_TIME = (2023, 1, 1, 0, 0, 0)
_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def freeze_office_file(path: Path, modified: datetime) -> None:
    """Make a DOCX/XLSX byte-for-byte reproducible: fixed zip entry times and a fixed "modified" date.

    python-docx and openpyxl stamp the save time into docProps/core.xml and the zip headers; the
    samples must not change from run to run unless their content does.
    """
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _MODIFIED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_OFFICE_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def _remove_borders(table: object) -> None:
    """Make a python-docx table borderless, as the Decree 30 header table is."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


__all__ = [
    "BLANK",
    "BlankDate",
    "Box",
    "ColumnOrder",
    "DocSpec",
    "DocumentLayout",
    "format_short_date",
    "format_vn_date",
    "freeze_office_file",
    "layout_document",
    "make_photo",
    "register_fonts",
    "render_page_image",
    "write_docx",
    "write_pdf",
    "write_scan_pdf",
]
