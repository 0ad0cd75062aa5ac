"""Benchmark: what OCR of a scan's header costs (Tesseract's CPU and ours) and how well it reads.

Run from the repository root:  .venv/bin/python bench/ocr.py [--folder DIR] [--offset]

Pictures are made by the generators of tests/test_ocr.py, in its five formats: a 300 dpi scanner
PNG, a 200 dpi scanner JPEG, a 200 dpi fax TIFF (CCITT G4), a phone photo (colour, turned, every
other one sideways) and a 150 dpi scanned PDF; 12 documents each, 60 in all, all different, plus 8
photos that are no document (4 events, 4 banners with a slogan). `--offset` adds 72 more: the
scanner and fax pages again with the header's right column moved 0.3 and 0.5 of a line down, as
when the two columns of a real header do not line up. `--folder` keeps the pictures (made when the
folder is empty) so that runs can be compared; without it they go to a temporary folder.

Every file is read with `extractors.read_document`, one at a time in this process, where Tesseract
runs too (its C API). Per file: Tesseract's CPU time (time.process_time around each call of
`extractors.ocr._recognise`, which hands it the crop and takes back its TSV), the rest of this
process's CPU time (decoding, cropping, parsing) and the wall time; Tesseract's model is loaded
once, before the first file, and its load time printed apart. Then, over the documents, how many
have each header field right (number, symbol, year, date and type exactly; place, issuer, subject
as closely as tests/test_ocr.py asks), and over the photos how many were not taken for a document
and whether the banners' slogans were read. Prints Markdown.
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image
from rapidfuzz import fuzz

from extractors import ocr, read_document
from extractors.doctypes import type_for_title
from extractors.models import DocumentFacts
from samples.documents import DocSpec, write_scan_pdf
from samples.scans import document_specs, write_banner_photo, write_event_photo, write_phone_photo, write_scan_image

FORMATS: dict[str, Callable[[DocSpec, Path, int], object]] = {
    "scanner.png": lambda spec, path, seed: write_scan_image(spec, path, dpi=300, seed=seed),
    "scanner.jpg": lambda spec, path, seed: write_scan_image(spec, path, dpi=200, seed=seed),
    "fax.tif": lambda spec, path, seed: write_scan_image(spec, path, dpi=200, seed=seed, bilevel=True),
    "phone.jpg": lambda spec, path, seed: write_phone_photo(spec, path, seed=seed, sideways=seed % 2 == 0),
    "scan.pdf": lambda spec, path, seed: write_scan_pdf(spec, path, ocr_layer=False, dpi=150, seed=seed),
}
PER_FORMAT = 12
SLOGANS = (
    ("CẢI CÁCH HÀNH CHÍNH", "VÌ NHÂN DÂN PHỤC VỤ"),
    ("KẾ HOẠCH HÓA GIA ĐÌNH", "VÌ HẠNH PHÚC MỖI NHÀ"),
    ("NHIỆT LIỆT CHÀO MỪNG ĐẠI HỘI",),
    ("ĐẢNG CỘNG SẢN VIỆT NAM", "QUANG VINH MUÔN NĂM"),
)
FIELDS = ("number", "symbol", "year", "date", "type", "place", "issuer", "subject")
OFFSETS = (0.3, 0.5)  # of a line (16 pt), the right header column moved down
_RIGHT_COLUMN = 0.425  # of the page width: where the motto and date column starts on a generated page
_HEADER_ROWS = 0.145  # of the page height: the bottom of the date row on a generated page


def specs() -> tuple[DocSpec, ...]:
    return document_specs(PER_FORMAT * len(FORMATS), seed=7)


def make_pictures(folder: Path, offset: bool) -> None:
    for index, spec in enumerate(specs()):
        name = list(FORMATS)[index % len(FORMATS)]
        path = folder / f"{index:02d}-{name}"
        FORMATS[name](spec, path, index + 1)
        if offset and not name.endswith(("phone.jpg", ".pdf")):
            for lines in OFFSETS:
                _offset_right_column(path, folder / f"{index:02d}-offset{round(lines * 100)}-{name}", lines)
    for seed, slogan in enumerate(SLOGANS, start=1):
        write_event_photo(folder / f"photo-event-{seed}.jpg", seed=seed)
        write_banner_photo(folder / f"photo-banner-{seed}.jpg", slogan, seed=seed + 10)


def _offset_right_column(source: Path, target: Path, lines: float) -> None:
    """The page with the header's right column (motto, place and date) moved down by `lines`."""
    with Image.open(source) as opened:
        dpi = opened.info.get("dpi", (200, 200))
        page = opened.convert("L")
    width, height = page.size
    box = (round(width * _RIGHT_COLUMN), 0, width, round(height * _HEADER_ROWS))
    column = page.crop(box)
    page.paste(255 if source.suffix == ".tif" else 250, box)
    page.paste(column, (box[0], round(lines * 16 / 72 * dpi[1])))
    if source.suffix == ".tif":
        page = page.point(lambda value: 255 if value > 150 else 0).convert("1")
        page.save(target, format="TIFF", compression="group4", dpi=dpi)
    else:
        page.save(target, quality=70, dpi=dpi)


@dataclass
class Tally:
    files: int = 0
    tesseract: float = 0.0
    ours: float = 0.0
    wall: float = 0.0

    def add(self, tesseract: float, ours: float, wall: float) -> None:
        self.files += 1
        self.tesseract += tesseract
        self.ours += ours
        self.wall += wall

    def row(self, label: str) -> str:
        n = max(self.files, 1)
        return f"| {label} | {self.files} | {self.tesseract / n:.3f} | {self.ours / n:.3f} | {self.wall / n:.3f} |"


@dataclass
class TesseractClock:
    """CPU seconds spent in Tesseract's calls so far: every call of `ocr._recognise`, timed around."""

    seconds: float = 0.0

    def start(self) -> float:
        """Load the model for this thread now, and time the reads' calls from here on; the load's CPU seconds."""
        engine = ocr.find_engine()
        assert engine is not None
        started = time.process_time()
        ocr._thread_api(engine.library)
        loaded = time.process_time() - started
        recognise = ocr._recognise

        def timed(library: ctypes.CDLL, image: Image.Image, dpi: int) -> str:
            started = time.process_time()
            try:
                return recognise(library, image, dpi)
            finally:
                self.seconds += time.process_time() - started

        ocr._recognise = timed
        return loaded


TESSERACT = TesseractClock()


def timed_read(path: Path) -> tuple[DocumentFacts, float, float, float]:
    """The facts, Tesseract's CPU seconds, the rest of this process's CPU seconds and the wall seconds."""
    tesseract, cpu, wall = TESSERACT.seconds, time.process_time(), time.perf_counter()
    facts = read_document(path)
    cpu, wall, tesseract = time.process_time() - cpu, time.perf_counter() - wall, TESSERACT.seconds - tesseract
    return facts, tesseract, cpu - tesseract, wall


def right_fields(facts: DocumentFacts, spec: DocSpec) -> dict[str, bool]:
    header = facts.header
    expected_type = type_for_title(spec.type_name) if spec.type_name else "CV"
    return {
        "number": header.number is not None and header.number.value == spec.number,
        "symbol": header.symbol is not None and header.symbol.value == spec.symbol,
        "year": (header.number_year.value if header.number_year else None) == spec.year_in_number,
        "date": header.date is not None and header.date.value.as_date() == spec.date,
        "type": header.doc_type is not None and header.doc_type.value == expected_type,
        "place": header.place is not None and fuzz.ratio(header.place.value, spec.place) >= 80,
        "issuer": header.issuer is not None and fuzz.ratio(header.issuer.value, spec.issuer_full) >= 90,
        "subject": header.subject is not None and fuzz.partial_ratio(spec.subject, header.subject.value) >= 80,
    }


def measure(folder: Path) -> None:
    loaded = TESSERACT.start()
    by_index = specs()
    tallies = {"documents": Tally(), "offset columns": Tally(), "photos": Tally()}
    right = {group: dict.fromkeys(FIELDS, 0) for group in ("documents", "offset columns")}
    wrong: list[str] = []
    photos_apart = banners_read = 0
    for path in sorted(folder.iterdir()):
        facts, tesseract, ours, wall = timed_read(path)
        if path.name.startswith("photo-"):
            tallies["photos"].add(tesseract, ours, wall)
            found = facts.ocr is None or facts.ocr.header_found
            photos_apart += not found and facts.header.number is None and facts.header.issuer is None
            if path.name.startswith("photo-banner-") and facts.ocr is not None:
                slogan = SLOGANS[int(path.stem.rsplit("-", 1)[1]) - 1]
                read = " ".join(line.text for line in facts.ocr.lines)
                banners_read += fuzz.partial_ratio(slogan[0], read) >= 80
            continue
        group = "offset columns" if "-offset" in path.name else "documents"
        tallies[group].add(tesseract, ours, wall)
        for field, ok in right_fields(facts, by_index[int(path.name[:2])]).items():
            right[group][field] += ok
            if not ok:
                wrong.append(f"{path.name}: {field}")

    engine = ocr.engine_version()
    print(f"OCR engine: `{engine or 'none'}`, header {ocr.HEADER_FRACTION:.0%} of the page at {ocr.TARGET_DPI} dpi")
    print(f"Tesseract's model loaded in {loaded:.3f} s of CPU, once per thread\n")
    print("| files | count | Tesseract CPU s/file | our CPU s/file | wall s/file |")
    print("|---|---|---|---|---|")
    for label, tally in tallies.items():
        if tally.files:
            print(tally.row(label))
    print("\n| fields right | " + " | ".join(FIELDS) + " |")
    print("|---|" + "---|" * len(FIELDS))
    for label, counts in right.items():
        total = tallies[label].files
        if total:
            print(f"| {label} | " + " | ".join(f"{counts[field]}/{total}" for field in FIELDS) + " |")
    photos = tallies["photos"].files
    print(f"\nPhotos not taken for a document: {photos_apart}/{photos}")
    print(f"Banner slogans read: {banners_read}/{len(SLOGANS)}")
    if wrong:
        print("\nWrong or missing: " + ", ".join(wrong))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="keep the pictures here (made when it is empty)")
    parser.add_argument("--offset", action="store_true", help="add pages whose header columns do not line up")
    arguments = parser.parse_args()
    if not ocr.ocr_available():
        sys.exit("Tesseract with its Vietnamese model is not installed")
    with tempfile.TemporaryDirectory(prefix="kiemchung-bench-ocr-") as scratch:
        folder = arguments.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            make_pictures(folder, arguments.offset)
        measure(folder)


if __name__ == "__main__":
    main()
