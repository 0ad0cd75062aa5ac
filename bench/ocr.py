"""Benchmark: what OCR of a scan's header costs (Tesseract's CPU and ours) and how well it reads.

Run from the repository root:  .venv/bin/python bench/ocr.py [--folder DIR] [--offset] [--renderers N]

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

`--scans DIR` does the same on the scanned PDFs of a folder (those whose page 1 the reader would
OCR), without knowing their fields: render and Tesseract CPU per page, and whether a header was found.
`--renderers N` compares, in the same run, how the header of a scanned PDF page becomes pixels: the
old path (pypdf decodes the page's largest image, which is then greyed, turned and cropped, as
extractors/ocr.py did before PDFium) beside `extractors.ocr.render_header` (PDFium draws only the
header band), on N generated office scans per encoding (`samples.scans.write_paper_scan_pdf`: JPEG,
Flate 1-bit, JPEG 2000, CCITT G4, JBIG2), each file's two paths interleaved, best of 3 each; then
Tesseract's CPU on each path's crop, whether the number and date came out right, and the confidence
of the word the number was read from (what `validators.scans.OCR_MIN_CONFIDENCE` is set against).
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
from pypdf import PdfReader
from rapidfuzz import fuzz

from kiemchung.extractors import ocr, read_document
from kiemchung.extractors.doctypes import type_for_title
from kiemchung.extractors.header import parse_header
from kiemchung.extractors.models import DocumentFacts, OcrFacts
from samples.documents import DocSpec, write_scan_pdf
from samples.scans import (
    ENCODINGS,
    document_specs,
    write_banner_photo,
    write_event_photo,
    write_paper_scan_pdf,
    write_phone_photo,
    write_scan_image,
)

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


def pypdf_header(path: Path) -> ocr.PageImage:
    """The header crop as extractors/ocr.py made it before PDFium: pypdf decodes the page's largest image.

    Raises whatever pypdf raises: for JBIG2 without a `jbig2dec` program, an error.
    """
    page = PdfReader(path).pages[0]
    largest = max(page.images, key=lambda image: image.image.width * image.image.height if image.image else 0)
    assert largest.image is not None
    image = ocr._greyscale(largest.image)
    if page.rotation % 360:
        image = image.rotate(-(page.rotation % 360), expand=True)
    long_side = max(abs(float(page.cropbox.width)), abs(float(page.cropbox.height))) / 72
    crop, dpi = ocr._header_crop(ocr.PageImage(image, max(image.size) / long_side))
    return ocr.PageImage(crop, dpi)


RENDERERS: dict[str, Callable[[Path], ocr.PageImage]] = {
    "pypdf": pypdf_header,
    "pdfium": lambda path: ocr.render_header(path, 1),
}


def compare_renderers(folder: Path, per_encoding: int) -> None:
    TESSERACT.start()
    rows = []
    for encoding in ENCODINGS:
        specs_here = document_specs(per_encoding, seed=11 + ENCODINGS.index(encoding))
        times: dict[str, list[float]] = {"pypdf": [], "pdfium": []}
        tesseract: dict[str, list[float]] = {"pypdf": [], "pdfium": []}
        right: dict[str, int] = {"pypdf": 0, "pdfium": 0}
        failed: dict[str, int] = {"pypdf": 0, "pdfium": 0}
        confidences: list[float] = []
        for index, spec in enumerate(specs_here):
            path = folder / f"render-{encoding}-{index}.pdf"
            write_paper_scan_pdf(spec, path, encoding=encoding, seed=index)
            crops: dict[str, ocr.PageImage | None] = {}
            best = {"pypdf": float("inf"), "pdfium": float("inf")}
            for _ in range(3):  # the two paths interleaved, so a busy moment of the machine hits both
                for name, render in RENDERERS.items():
                    started = time.process_time()
                    try:
                        crops[name] = render(path)
                    except Exception:  # the old path on JBIG2: no decoder, no picture
                        crops[name] = None
                    best[name] = min(best[name], time.process_time() - started)
            for name, seconds in best.items():
                if crops[name] is not None:
                    times[name].append(seconds)
            for name, crop in crops.items():
                if crop is None:
                    failed[name] += 1
                    continue
                before = TESSERACT.seconds
                facts = ocr.ocr_header(crop, 1, cropped=True)
                tesseract[name].append(TESSERACT.seconds - before)
                header = parse_header(list(facts.lines))
                ok = header.number is not None and header.number.value == spec.number
                right[name] += ok and header.date is not None and header.date.value.as_date() == spec.date
                if name == "pdfium" and header.number is not None:
                    confidences += _number_confidences(facts, header.number.raw)
        rows.append((encoding, times, tesseract, right, failed, confidences))
    print(f"Header crop of page 1, {per_encoding} generated scans per encoding, best of 3 per file (CPU ms/page)\n")
    print("| encoding | pypdf decode+crop | PDFium render | Tesseract on pypdf's | Tesseract on PDFium's "
          "| number+date right pypdf / PDFium | not rendered pypdf / PDFium | number word confidence |")
    print("|---|---|---|---|---|---|---|---|")
    for encoding, times, tesseract, right, failed, confidences in rows:
        def ms(values: list[float]) -> str:
            return f"{1000 * sum(values) / len(values):.0f}" if values else "-"

        spread = f"{min(confidences):.0f}-{max(confidences):.0f}" if confidences else "-"
        print(f"| {encoding} | {ms(times['pypdf'])} | {ms(times['pdfium'])} | {ms(tesseract['pypdf'])} "
              f"| {ms(tesseract['pdfium'])} | {right['pypdf']} / {right['pdfium']} "
              f"| {failed['pypdf']} / {failed['pdfium']} | {spread} |")


def compare_on_scans(paths: list[Path]) -> None:
    """The two paths on scans found on disk (`--scans DIR`: its PDFs whose page 1 is an image): render and OCR CPU.

    Means over the pages both paths rendered, so that the two are read on the same pages; what only
    one rendered is counted apart.
    """
    TESSERACT.start()
    read: dict[str, dict[Path, tuple[float, float, bool]]] = {"pypdf": {}, "pdfium": {}}
    for path in paths:
        crops: dict[str, ocr.PageImage | None] = {}
        seconds = {"pypdf": float("inf"), "pdfium": float("inf")}
        for _ in range(3):  # interleaved, best of 3
            for name, render in RENDERERS.items():
                started = time.process_time()
                try:
                    crops[name] = render(path)
                except Exception:  # pypdf on JBIG2 without jbig2dec
                    crops[name] = None
                seconds[name] = min(seconds[name], time.process_time() - started)
        for name, crop in crops.items():
            if crop is not None:
                before = TESSERACT.seconds
                found = ocr.ocr_header(crop, 1, cropped=True).header_found
                read[name][path] = (seconds[name], TESSERACT.seconds - before, found)
    both = [path for path in paths if all(path in read[name] for name in RENDERERS)]
    print(f"{len(paths)} scanned PDFs, {len(both)} rendered by both; best of 3 per file, CPU ms/page over those\n")
    print("| path | render | Tesseract | render + Tesseract | not rendered | header found (of all) |")
    print("|---|---|---|---|---|---|")
    for name in RENDERERS:
        render_ms = 1000 * sum(read[name][path][0] for path in both) / max(len(both), 1)
        ocr_ms = 1000 * sum(read[name][path][1] for path in both) / max(len(both), 1)
        headers = sum(result[2] for result in read[name].values())
        print(f"| {name} | {render_ms:.0f} | {ocr_ms:.0f} | {render_ms + ocr_ms:.0f} | {len(paths) - len(read[name])} "
              f"| {headers} |")


def _number_confidences(facts: OcrFacts, raw: str) -> list[float]:
    line = next((line for line in facts.lines if raw in line.text), None)
    return [word.confidence for word in line.words if any(c.isdigit() for c in word.text)][:1] if line else []


def _scanned(path: Path) -> bool:
    """Page 1 is what the reader OCRs: one image and no text layer."""
    facts = read_document(path, ocr=False)
    return facts.ocr is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="keep the pictures here (made when it is empty)")
    parser.add_argument("--offset", action="store_true", help="add pages whose header columns do not line up")
    parser.add_argument("--renderers", type=int, metavar="N", help="compare pypdf and PDFium on N scans per encoding")
    parser.add_argument("--scans", type=Path, metavar="DIR", help="compare pypdf and PDFium on the scanned PDFs in DIR")
    arguments = parser.parse_args()
    if not ocr.ocr_available():
        sys.exit("Tesseract with its Vietnamese model is not installed")
    if arguments.scans:
        compare_on_scans([path for path in sorted(arguments.scans.rglob("*.pdf")) if _scanned(path)])
        return
    if arguments.renderers:
        with tempfile.TemporaryDirectory(prefix="kiemchung-bench-render-") as scratch:
            compare_renderers(Path(scratch), arguments.renderers)
        return
    with tempfile.TemporaryDirectory(prefix="kiemchung-bench-ocr-") as scratch:
        folder = arguments.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            make_pictures(folder, arguments.offset)
        measure(folder)


if __name__ == "__main__":
    main()
