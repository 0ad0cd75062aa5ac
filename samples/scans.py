"""Pictures for the OCR tests: paper documents saved as image files, and photos that are no document.

A page is drawn by :func:`samples.documents.render_page_image`, the rasteriser behind the scanned
PDFs (:func:`samples.documents.write_scan_pdf`); this module only saves it the ways units upload
paper: a scanner's PNG, JPEG or bi-level TIFF, or a phone photo of the sheet on a desk. The photos
(:func:`write_event_photo`, :func:`write_banner_photo`) are what units upload besides documents:
a meeting, or the commune's reform banner with its slogan.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from samples.catalog import TEMPLATES, make_units
from samples.documents import (
    FONT_DIR,
    FONT_FILES,
    DocSpec,
    DocumentLayout,
    layout_document,
    make_photo,
    render_page_image,
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


__all__ = ["document_specs", "write_banner_photo", "write_event_photo", "write_phone_photo", "write_scan_image"]
