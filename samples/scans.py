"""Pictures for the OCR tests: paper documents saved as image files, and photos that are no document.

A page is drawn by :func:`samples.documents.render_page_image`, the rasteriser behind the scanned
PDFs (:func:`samples.documents.write_scan_pdf`); this module only saves it the ways units upload
paper: a scanner's PNG, JPEG or bi-level TIFF, or a phone photo of the sheet on a desk. The photos
(:func:`write_event_photo`, :func:`write_banner_photo`) are what units upload besides documents:
a meeting, or the commune's reform banner with its slogan.

:func:`write_paper_scan_pdf` makes the scans real offices send: the header printed with blanks and
the number and the day written into them by hand (drawn strokes, neat or hurried), an incoming
stamp ("CÔNG VĂN ĐẾN") over the header, and the page image in the encoding the scanner chose —
JPEG, Flate, JPEG 2000, CCITT G4 or JBIG2. The PDF is written here byte by byte, because no
drawing library writes CCITT or JBIG2 image streams: the G4 data comes from Pillow's TIFF
encoder, and the JBIG2 stream is a page and one generic region coded with MMR, which is that same
G4 coding (ITU T.88, 6.2.6), so no JBIG2 encoder is needed.
"""

from __future__ import annotations

import io
import math
import random
import struct
import zlib
from dataclasses import replace
from datetime import date as date_type
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont, ImageOps, TiffImagePlugin

from samples.catalog import TEMPLATES, make_units
from samples.documents import (
    FONT_DIR,
    FONT_FILES,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    BlankDate,
    DocSpec,
    DocumentLayout,
    TextOp,
    layout_document,
    make_photo,
    render_page_image,
    text_width,
)
from samples.plans import _UnitPlanner  # the batch's own way of numbering, dating and wording documents

_EXIF_ORIENTATION = 0x0112
_ROTATED_90_CW = 6  # EXIF: "turn 90° clockwise to show", what a phone held sideways writes


def document_specs(count: int, *, seed: int = 0) -> tuple[DocSpec, ...]:
    """``count`` documents of different units and kinds (công văn and legal documents included).

    Planned as the sample batch plans them; numbers vary in width ("05", "23", "148") because a
    misread digit is what OCR gets wrong.
    """
    rng = random.Random(f"scans:{seed}")
    specs: list[DocSpec] = []
    for index, unit in enumerate(make_units(count, seed)):
        planner = _UnitPlanner(unit, seed)
        # A step prime to the template count visits every kind in turn, not neighbours of one kind.
        step = next(n for n in (5, 7, 11, 13) if math.gcd(n, len(TEMPLATES)) == 1)
        template = TEMPLATES[(index * step) % len(TEMPLATES)]
        number = (planner.number(), f"{rng.randint(1, 9):02d}", str(rng.randint(100, 999)))[index % 3]
        specs.append(planner.spec(template, number=number, when=planner.day_in(template.month)))
    return tuple(specs)


def write_scan_image(
    spec: DocSpec, path: Path, *, dpi: int = 200, seed: int = 0, bilevel: bool = False, quality: int = 70
) -> DocumentLayout:
    """Page 1 of ``spec`` as a scanner saves it; the format follows the suffix (.png, .jpg, .tif).

    ``bilevel`` gives the black-and-white CCITT G4 TIFF of office scanners and fax machines.
    """
    layout = layout_document(spec)
    image = render_page_image(layout, 0, dpi=dpi, seed=seed)
    suffix = path.suffix.lower()
    if suffix in (".tif", ".tiff"):
        if bilevel:
            image.point(lambda value: 255 if value > 150 else 0).convert("1").save(
                path, format="TIFF", compression="group4", dpi=(dpi, dpi)
            )
        else:
            image.save(path, format="TIFF", compression="tiff_lzw", dpi=(dpi, dpi))
    elif suffix in (".jpg", ".jpeg"):
        image.save(path, format="JPEG", quality=quality, dpi=(dpi, dpi))
    else:
        image.save(path, format="PNG", dpi=(dpi, dpi))
    return layout


def write_phone_photo(spec: DocSpec, path: Path, *, seed: int = 0, sideways: bool = False) -> DocumentLayout:
    """Page 1 of ``spec`` photographed on a desk: colour JPEG, slightly turned, no resolution recorded.

    ``sideways`` stores the pixels turned a quarter and an EXIF orientation saying so, as phones do.
    """
    layout = layout_document(spec)
    rng = random.Random(seed)
    page = render_page_image(layout, 0, dpi=220, seed=seed).convert("RGB")
    page = page.rotate(rng.uniform(-2.0, 2.0), resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(96, 72, 52))
    margin = page.width // 14
    desk = Image.new("RGB", (page.width + 2 * margin, page.height + 2 * margin), (96, 72, 52))
    desk.paste(page, (margin, margin // 2))
    # A warm cast from indoor light: paper is never white in a phone photo.
    photo = Image.merge(
        "RGB",
        [band.point(lambda v, k=k: round(v * k)) for band, k in zip(desk.split(), (1.0, 0.95, 0.85), strict=True)],
    )
    exif = Image.Exif()
    if sideways:
        photo = photo.rotate(90, expand=True)
        exif[_EXIF_ORIENTATION] = _ROTATED_90_CW
    photo.save(path, format="JPEG", quality=80, exif=exif)
    return layout


def write_event_photo(path: Path, *, seed: int = 0, size: tuple[int, int] = (1600, 1200)) -> None:
    """A photo of an event (sky, building, people) with no writing in it."""
    make_photo(seed, *size).save(path, quality=80)


def write_banner_photo(
    path: Path, slogan: tuple[str, ...], *, seed: int = 0, size: tuple[int, int] = (1600, 1200)
) -> None:
    """A photo with a red banner across its top carrying ``slogan`` in yellow capitals, line by line."""
    photo = make_photo(seed, *size)
    draw = ImageDraw.Draw(photo)
    width, height = size
    top, bottom = height // 14, height // 14 + 70 * len(slogan) + 30
    draw.rectangle([width // 20, top, width - width // 20, bottom], fill=(190, 20, 25))
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["bold"]), 52)
    for index, line in enumerate(slogan):
        draw.text((width // 2, top + 50 + 70 * index), line, font=font, fill=(250, 220, 40), anchor="mm")
    photo.save(path, quality=85)


# --- paper as offices scan it: handwriting, stamps, encodings --------------------------------------

Encoding = Literal["jpeg", "flate", "jpx", "ccitt", "jbig2"]
Handwriting = Literal["neat", "hurried"]
ENCODINGS: tuple[Encoding, ...] = ("jpeg", "flate", "jpx", "ccitt", "jbig2")
_BILEVEL: frozenset[Encoding] = frozenset({"flate", "ccitt", "jbig2"})  # 1 bit a pixel, as office scanners save
# Digits as pen strokes in a unit box (x right, y down), one polyline each; "0" and "8" are loops.
_STROKES: dict[str, tuple[tuple[float, float], ...]] = {
    "0": tuple((0.5 + 0.42 * math.sin(a / 8 * math.pi), 0.5 - 0.5 * math.cos(a / 8 * math.pi)) for a in range(17)),
    "1": ((0.25, 0.22), (0.55, 0.0), (0.55, 1.0)),
    "2": ((0.1, 0.25), (0.3, 0.02), (0.7, 0.02), (0.85, 0.25), (0.1, 1.0), (0.9, 1.0)),
    "3": ((0.1, 0.1), (0.5, 0.0), (0.85, 0.2), (0.45, 0.5), (0.9, 0.75), (0.5, 1.0), (0.1, 0.9)),
    "4": ((0.7, 1.0), (0.7, 0.0), (0.05, 0.7), (0.95, 0.7)),
    "5": ((0.85, 0.0), (0.2, 0.0), (0.15, 0.45), (0.6, 0.4), (0.9, 0.7), (0.6, 1.0), (0.1, 0.9)),
    "6": ((0.8, 0.05), (0.4, 0.1), (0.15, 0.6), (0.3, 1.0), (0.75, 0.95), (0.85, 0.65), (0.5, 0.5), (0.15, 0.65)),
    "7": ((0.1, 0.0), (0.9, 0.0), (0.4, 1.0)),
    "8": ((0.5, 0.5), (0.15, 0.25), (0.5, 0.0), (0.85, 0.25), (0.5, 0.5), (0.12, 0.75), (0.5, 1.0), (0.88, 0.75),
          (0.5, 0.5)),
    "9": ((0.85, 0.35), (0.5, 0.5), (0.15, 0.3), (0.4, 0.0), (0.85, 0.15), (0.8, 1.0)),
}


def write_paper_scan_pdf(
    spec: DocSpec,
    path: Path,
    *,
    encoding: Encoding = "jpeg",
    handwriting: Handwriting | None = None,
    incoming_stamp: bool = False,
    dpi: int = 200,
    seed: int = 0,
) -> DocumentLayout:
    """Page 1 of ``spec`` scanned into a one-page PDF whose page is one image in ``encoding``.

    ``handwriting``: the number and the day are printed blank and written in by hand, ``neat`` or
    ``hurried`` (strokes that run together and slant, which OCR cannot read). ``incoming_stamp``:
    the receiving office's "CÔNG VĂN ĐẾN" box stamped over the left of the header.
    """
    printed = spec
    if handwriting is not None and isinstance(spec.date, date_type):
        printed = replace(spec, number="", date=BlankDate(year=spec.date.year, month=spec.date.month))
    layout = layout_document(printed)
    image = render_page_image(layout, 0, dpi=dpi, seed=seed)
    draw = ImageDraw.Draw(image)
    rng = random.Random(f"paper:{seed}")
    scale = dpi / 72
    if handwriting is not None and isinstance(spec.date, date_type):
        number_at, day_at = _blank_positions(layout, printed)
        for text, (x, y) in ((spec.number, number_at), (str(spec.date.day), day_at)):
            baseline = (PAGE_HEIGHT - y) * scale
            _write_by_hand(draw, text, x * scale, baseline, 15 * scale, rng, hurried=handwriting == "hurried")
    if incoming_stamp:
        _stamp_incoming(image, layout, scale, rng)
    _write_image_pdf(image, path, encoding)  # on A4, the image's size makes its resolution
    return layout


def _blank_positions(layout: DocumentLayout, printed: DocSpec) -> tuple[tuple[float, float], tuple[float, float]]:
    """Where the blank number and day start (PDF points, baseline): after "Số: " and after "ngày"."""
    found: dict[str, tuple[float, float]] = {}
    for op in layout.ops_on_page(0):
        if not isinstance(op, TextOp):
            continue
        for key, text, before in (("number", printed.number_line, "Số: "),
                                  ("day", printed.date_line, printed.date_line.split("ngày")[0] + "ngày ")):
            if op.text == text:
                width = text_width(op.text, op.style, op.size)
                left = op.x - (width / 2 if op.align == "center" else width if op.align == "right" else 0)
                found[key] = (left + text_width(before, op.style, op.size) + 2, op.y)
    return found["number"], found["day"]


def _write_by_hand(draw: ImageDraw.ImageDraw, text: str, x: float, baseline: float, height: float,
                   rng: random.Random, *, hurried: bool) -> None:
    """``text`` in pen strokes from (x, baseline), in pixels; hurried strokes slant, wobble and run together."""
    slant, wobble, advance = (0.45, 0.22, 0.45) if hurried else (0.15, 0.04, 0.75)
    pen = max(2, round(height / 9))
    for digit in text:
        size = height * rng.uniform(0.9, 1.15)
        points = [
            (x + (px + slant * (1 - py)) * size * 0.6 + rng.gauss(0, wobble * size),
             baseline - size + py * size + rng.gauss(0, wobble * size))
            for px, py in _STROKES[digit]
        ]
        draw.line(points, fill=rng.randint(20, 60), width=pen, joint="curve")
        x += size * advance


def _stamp_incoming(image: Image.Image, layout: DocumentLayout, scale: float, rng: random.Random) -> None:
    """A receiving office's box stamp, printed in red ink (grey here), turned a little, over the header's left."""
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["bold"]), round(9 * scale))
    small = ImageFont.truetype(str(FONT_DIR / FONT_FILES["regular"]), round(8 * scale))
    box = Image.new("L", (round(150 * scale), round(62 * scale)), 0)
    ink = ImageDraw.Draw(box)
    ink.rectangle([2, 2, box.width - 3, box.height - 3], outline=255, width=max(2, round(1.5 * scale)))
    ink.text((box.width / 2, 8 * scale), "CÔNG VĂN ĐẾN", font=font, fill=255, anchor="mt")
    ink.text((8 * scale, 26 * scale), f"Số: {rng.randint(100, 9999)}", font=small, fill=255)
    ink.text((8 * scale, 42 * scale), f"Ngày: {rng.randint(1, 28)}/{rng.randint(1, 12)}", font=small, fill=255)
    box = box.rotate(rng.uniform(-6, 6), expand=True, resample=Image.Resampling.BICUBIC)
    # Below the number line, over the left of the type name's row: where incoming stamps land.
    top = (PAGE_HEIGHT - min(layout.number_box.y1, layout.number_box.y2) + 4) * scale
    image.paste(Image.new("L", box.size, 110), (round(40 * scale), round(top)), box)


def _write_image_pdf(image: Image.Image, path: Path, encoding: Encoding) -> None:
    """A one-page A4 PDF drawing ``image`` over the whole page, its stream encoded as ``encoding``."""
    width, height = image.size
    grey = f"/ColorSpace/DeviceGray/BitsPerComponent {1 if encoding in _BILEVEL else 8}"
    if encoding in _BILEVEL:
        # Ink as 1 bits: the G4 coder's "black" runs are then the ink, as CCITT and JBIG2 mean them.
        ink = ImageOps.invert(image).point(lambda value: 255 if value > 105 else 0).convert("1")
        g4 = _group4(ink)
    if encoding == "jpeg":
        data, entries = _saved(image, "JPEG", quality=60), f"{grey}/Filter/DCTDecode"
    elif encoding == "jpx":
        data, entries = _saved(image, "JPEG2000", quality_mode="rates", quality_layers=[40]), "/Filter/JPXDecode"
    elif encoding == "flate":
        paper = ImageOps.invert(ink.convert("L")).convert("1")  # 1 bits white, as DeviceGray means them
        data, entries = zlib.compress(paper.tobytes()), f"{grey}/Filter/FlateDecode"
    elif encoding == "ccitt":
        data = g4
        entries = f"{grey}/Filter/CCITTFaxDecode/DecodeParms<</K -1/Columns {width}/Rows {height}>>"
    else:
        data, entries = _jbig2(width, height, g4), f"{grey}/Filter/JBIG2Decode"
    a4_width, a4_height = f"{PAGE_WIDTH:.2f}", f"{PAGE_HEIGHT:.2f}"
    content = f"q {a4_width} 0 0 {a4_height} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 {a4_width} {a4_height}]"
        "/Resources<</XObject<</Im0 4 0 R>>>>/Contents 5 0 R>>".encode(),
        _stream(f"/Type/XObject/Subtype/Image/Width {width}/Height {height}{entries}", data),
        _stream("", content),
        b"<</Producer(KIEMCHUNG TEST office scanner)>>",
    ]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    count = len(objects) + 1
    out += b"trailer\n<</Size %d/Root 1 0 R/Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (count, count - 1, xref)
    path.write_bytes(bytes(out))


def _stream(entries: str, data: bytes) -> bytes:
    return b"<<%s/Length %d>>stream\n%s\nendstream" % (entries.encode(), len(data), data)


def _saved(image: Image.Image, file_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=file_format, **options)
    return buffer.getvalue()


def _group4(ink: Image.Image) -> bytes:
    """The CCITT G4 (T.6) code of a 1-bit image, as one strip of Pillow's TIFF (libtiff) encoder."""
    tiff = _saved(ink, "TIFF", compression="group4", tiffinfo={278: ink.height})  # 278: RowsPerStrip, one strip
    with TiffImagePlugin.TiffImageFile(io.BytesIO(tiff)) as opened:
        offset, length = opened.tag_v2[273][0], opened.tag_v2[279][0]  # StripOffsets, StripByteCounts
    return tiff[offset : offset + length]


def _jbig2(width: int, height: int, mmr: bytes) -> bytes:
    """An embedded JBIG2 stream (no file header, as PDF wants): a page information segment, then one
    immediate generic region whose data is MMR-coded, i.e. the G4 code of the page (T.88, 7.4.6 and 6.2.6)."""

    def segment(number: int, kind: int, data: bytes) -> bytes:
        # Number, flags (type; 1-byte page association), no referred-to segments, page 1, data length.
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    page = segment(0, 48, struct.pack(">IIIIBH", width, height, 0, 0, 0, 0))  # type 48: page information
    region_info = struct.pack(">IIIIB", width, height, 0, 0, 0)  # size, at (0, 0), combined by OR
    return page + segment(1, 38, region_info + b"\x01" + mmr)  # type 38: immediate generic region; flags: MMR


__all__ = [
    "ENCODINGS",
    "Encoding",
    "Handwriting",
    "document_specs",
    "write_banner_photo",
    "write_event_photo",
    "write_paper_scan_pdf",
    "write_phone_photo",
    "write_scan_image",
]
