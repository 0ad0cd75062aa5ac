"""OCR of scans and pictures: generated paper documents saved as scanner and phone pictures and as
scanned PDFs (every image encoding offices use, handwritten numbers and days, incoming stamps), photos
that are no document, every way OCR can be missing or fail, and the real scans of shared/real-documents
when they are beside the repository: what OCR could not read surely is "could not read", never a
zeroing statement about the page.

Tests marked `needs_ocr` run Tesseract (about half a second a document, the pictures made and read
once per module) and are skipped without its library or Vietnamese model; everything else runs
everywhere. Tesseract is made to misbehave for real: a model folder without `vie`, a tiny time limit.
"""

from __future__ import annotations

import ctypes.util
import datetime as dt
import json
import pickle
import struct
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from rapidfuzz import fuzz

from kiemchung.extractors import ocr, read_document
from kiemchung.extractors.doctypes import type_for_title
from kiemchung.extractors.models import (
    Column,
    DocumentFacts,
    FileKind,
    OcrFacts,
    OcrStatus,
    OcrWord,
    ReadProblem,
    Source,
    TextLine,
)
from kiemchung.validators.model import DocumentRule, Outcome, RuleContext
from kiemchung.validators.rules.date_missing import DateMissing
from kiemchung.validators.rules.date_out_of_period import DateOutOfPeriod
from kiemchung.validators.rules.field_unreadable import FieldUnreadable
from kiemchung.validators.rules.number_missing import NumberMissing
from kiemchung.validators.rules.number_suffix import NumberSuffix
from kiemchung.validators.rules.scanned_paper import ScannedPaper
from kiemchung.validators.rules.unreadable import Unreadable
from kiemchung.validators.scans import is_photo, is_textless_scan
from samples.documents import DocSpec, write_pdf, write_scan_pdf
from samples.scans import (
    ENCODINGS,
    Encoding,
    Handwriting,
    document_specs,
    write_banner_photo,
    write_event_photo,
    write_paper_scan_pdf,
    write_phone_photo,
    write_scan_image,
)
from tests.context import rule_context

needs_ocr = pytest.mark.skipif(
    not ocr.ocr_available(),
    reason="Tesseract with its Vietnamese model is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)",
)
CONTEXT = rule_context(dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2024, 3, 1))
SPECS = document_specs(15, seed=1)  # 8 is a công văn, 14 a legal document numbered 05/2023/QĐ-UBND
Writer = Callable[[DocSpec, Path], object]
PAPER: dict[str, tuple[DocSpec, Writer]] = {
    "scanner.png": (SPECS[0], lambda spec, path: write_scan_image(spec, path, dpi=300, seed=1)),
    "scanner.jpg": (SPECS[8], lambda spec, path: write_scan_image(spec, path, dpi=200, seed=2)),
    "fax.tif": (SPECS[14], lambda spec, path: write_scan_image(spec, path, dpi=200, seed=3, bilevel=True)),
    "phone.jpg": (SPECS[4], lambda spec, path: write_phone_photo(spec, path, seed=4, sideways=True)),
    "scan.pdf": (SPECS[2], lambda spec, path: write_scan_pdf(spec, path, ocr_layer=False, dpi=150, seed=5)),
}


@dataclass(frozen=True)
class Read:
    spec: DocSpec | None
    facts: DocumentFacts
    seconds: float


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Read]:
    folder = tmp_path_factory.mktemp("paper")
    read: dict[str, Read] = {}
    for name, (spec, write) in PAPER.items():
        write(spec, folder / name)
        started = time.perf_counter()
        facts = read_document(folder / name)
        read[name] = Read(spec, facts, time.perf_counter() - started)
    return read


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Read]:
    folder = tmp_path_factory.mktemp("photos")
    write_event_photo(folder / "event.jpg", seed=1)
    write_banner_photo(folder / "banner.jpg", ("CẢI CÁCH HÀNH CHÍNH", "VÌ NHÂN DÂN PHỤC VỤ"), seed=2)
    return {name: Read(None, read_document(folder / name), 0.0) for name in ("event.jpg", "banner.jpg")}


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without Tesseract: the lookup finds nothing."""
    monkeypatch.setattr(ocr, "find_engine", lambda: None)


# --- OCR of paper documents --------------------------------------------------------------------------


@needs_ocr
@pytest.mark.parametrize("name", PAPER)
def test_number_symbol_and_date_read_exactly(paper: dict[str, Read], name: str) -> None:
    spec, header = paper[name].spec, paper[name].facts.header
    assert spec is not None
    assert header.number is not None and header.number.value == spec.number
    assert header.symbol is not None and header.symbol.value == spec.symbol
    assert (header.number_year.value if header.number_year else None) == spec.year_in_number
    assert header.date is not None and header.date.value.as_date() == spec.date
    for located in (header.number, header.symbol, header.date):
        assert located.where.source is Source.OCR and located.where.page == 1


@needs_ocr
@pytest.mark.parametrize("name", PAPER)
def test_issuer_type_and_subject_read_closely(paper: dict[str, Read], name: str) -> None:
    spec, header = paper[name].spec, paper[name].facts.header
    assert spec is not None
    assert header.issuer is not None and fuzz.ratio(header.issuer.value, spec.issuer_full) >= 90
    expected_type = type_for_title(spec.type_name) if spec.type_name else "CV"
    assert header.doc_type is not None and header.doc_type.value == expected_type
    assert header.place is not None and fuzz.ratio(header.place.value, spec.place) >= 80
    assert header.subject is not None and fuzz.partial_ratio(spec.subject, header.subject.value) >= 80


@needs_ocr
@pytest.mark.parametrize("name", PAPER)
def test_ocr_facts_say_what_was_read_and_how_well(paper: dict[str, Read], name: str) -> None:
    facts = paper[name].facts.ocr
    assert facts is not None and facts.status is OcrStatus.READ and facts.header_found
    assert facts.engine == ocr.engine_version() and facts.engine.startswith("tesseract ")
    assert facts.confidence is not None and 70 < facts.confidence <= 100
    assert all(line.source is Source.OCR and line.confidence is not None for line in facts.lines)
    assert {Column.LEFT, Column.RIGHT} <= {line.column for line in facts.lines}  # the two header columns
    assert any("Số:" in line for line in facts.header_evidence)


@needs_ocr
@pytest.mark.parametrize("name", [name for name in PAPER if not name.endswith(".pdf")])
def test_picture_of_paper_is_scanned_paper(paper: dict[str, Read], name: str) -> None:
    facts = paper[name].facts
    assert facts.kind is FileKind.IMAGE and facts.read_error is None and facts.page_count == 1
    verdict = ScannedPaper().evaluate(facts, CONTEXT)
    assert verdict.outcome is Outcome.FAILED and "ảnh chụp/scan văn bản giấy" in verdict.message
    assert verdict.proof is not None and verdict.proof.source == "ocr"
    # The header was read, so the header rules judge it like any other document's.
    assert not is_textless_scan(facts)
    assert NumberMissing().evaluate(facts, CONTEXT).outcome is Outcome.PASSED
    assert DateMissing().evaluate(facts, CONTEXT).outcome is Outcome.PASSED


@needs_ocr
def test_scanned_pdf_is_read_by_ocr_and_still_a_scan(paper: dict[str, Read]) -> None:
    facts = paper["scan.pdf"].facts
    assert facts.kind is FileKind.PDF and facts.ocr is not None and facts.ocr.page == 1
    verdict = ScannedPaper().evaluate(facts, CONTEXT)
    assert verdict.outcome is Outcome.FAILED and "không có chữ ký số" in verdict.message


@needs_ocr
def test_ocr_takes_about_half_a_second(paper: dict[str, Read]) -> None:
    """Whole reads, decoding included; loose, for a shared machine: a header crop is ~0.5 s of CPU."""
    assert all(read.seconds < 10 for read in paper.values()), {n: round(r.seconds, 2) for n, r in paper.items()}


# --- scans as offices make them: every encoding, handwriting, stamps ------------------------------------

# The rules that state what the page says: none may fire on what OCR could not read.
ASSERTING: tuple[DocumentRule, ...] = (NumberSuffix(), NumberMissing(), DateMissing(), DateOutOfPeriod())
OFFICE_SPECS = document_specs(len(ENCODINGS), seed=3)  # numbers "21", "05", "251": both widths


@pytest.fixture(scope="module")
def office_scans(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[Encoding, Handwriting | None, bool], Read]:
    """Every encoding printed; handwriting neat and hurried over two bi-level ones; a stamp over a printed header."""
    folder = tmp_path_factory.mktemp("office")
    kinds: list[tuple[Encoding, Handwriting | None, bool]] = [(encoding, None, False) for encoding in ENCODINGS]
    kinds += [("jbig2", "hurried", False), ("ccitt", "hurried", True), ("jpeg", "neat", False), ("flate", None, True)]
    read: dict[tuple[Encoding, Handwriting | None, bool], Read] = {}
    for index, (encoding, handwriting, stamp) in enumerate(kinds):
        spec = OFFICE_SPECS[ENCODINGS.index(encoding)]
        path = folder / f"{encoding}-{handwriting}-{stamp}.pdf"
        write_paper_scan_pdf(spec, path, encoding=encoding, handwriting=handwriting, incoming_stamp=stamp, seed=index)
        read[(encoding, handwriting, stamp)] = Read(spec, read_document(path), 0.0)
    return read


def _context(spec: DocSpec) -> RuleContext:
    assert isinstance(spec.date, dt.date)
    year = spec.date.year
    return rule_context(dt.date(year, 1, 1), dt.date(year, 12, 31), dt.date(year + 1, 3, 1))


@needs_ocr
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_scanner_encoding_is_rendered_and_read(
    office_scans: dict[tuple[Encoding, Handwriting | None, bool], Read], encoding: Encoding
) -> None:
    """JPEG, Flate 1-bit, JPEG 2000, CCITT G4 and JBIG2 page images: a printed header gives its fields."""
    spec, facts = office_scans[(encoding, None, False)].spec, office_scans[(encoding, None, False)].facts
    assert spec is not None and facts.ocr is not None and facts.ocr.status is OcrStatus.READ, facts.ocr
    header = facts.header
    assert header.number is not None and header.number.value == spec.number
    assert header.number.where.source is Source.OCR
    assert header.symbol is not None and header.symbol.value == spec.symbol
    assert header.date is not None and header.date.value.as_date() == spec.date
    assert FieldUnreadable().evaluate(facts, _context(spec)).outcome is Outcome.PASSED
    assert all(rule.evaluate(facts, _context(spec)).outcome is not Outcome.FAILED for rule in ASSERTING)


@needs_ocr
def test_an_incoming_stamp_over_the_header_leaves_the_printed_fields(
    office_scans: dict[tuple[Encoding, Handwriting | None, bool], Read],
) -> None:
    read = office_scans[("flate", None, True)]
    assert read.spec is not None and read.facts.header.number is not None
    assert read.facts.header.number.value == read.spec.number
    assert read.facts.header.date is not None and read.facts.header.date.value.as_date() == read.spec.date
    assert FieldUnreadable().evaluate(read.facts, _context(read.spec)).outcome is Outcome.PASSED


@needs_ocr
@pytest.mark.parametrize(
    ("encoding", "handwriting", "stamp"),
    [("jbig2", "hurried", False), ("ccitt", "hurried", True), ("jpeg", "neat", False)],
)
def test_handwriting_is_read_right_or_reported_unread(
    office_scans: dict[tuple[Encoding, Handwriting | None, bool], Read],
    encoding: Encoding,
    handwriting: Handwriting,
    stamp: bool,
) -> None:
    """A handwritten number or day is either read as written or "could not read"; never a zeroing statement."""
    read = office_scans[(encoding, handwriting, stamp)]
    spec, facts = read.spec, read.facts
    assert spec is not None
    context = _context(spec)
    verdicts = {type(rule).__name__: rule.evaluate(facts, context) for rule in ASSERTING}
    assert all(verdict.outcome is not Outcome.FAILED for verdict in verdicts.values()), verdicts
    unreadable = FieldUnreadable().evaluate(facts, context)
    number, date = facts.header.number, facts.header.date
    number_right = number is not None and number.value == spec.number
    date_right = date is not None and date.value.as_date() == spec.date
    if handwriting == "hurried":  # strokes that run together: nobody reads them, OCR least of all
        assert not number_right
    if number_right and date_right:
        assert unreadable.outcome is Outcome.PASSED
        return
    assert unreadable.outcome is Outcome.INDETERMINATE, unreadable
    finding = FieldUnreadable().finding(unreadable)
    assert finding is not None and not finding.zeroes and "Hội đồng kiểm tra trực tiếp" in finding.message
    # The proof is what OCR read, word by word with its confidence.
    assert finding.proof is not None and finding.proof.source == "ocr" and "[OCR: " in finding.proof.text
    assert ("số văn bản" in finding.message) is not number_right
    assert ("ngày ban hành" in finding.message) is not date_right


@needs_ocr
def test_a_scan_that_cannot_be_rendered_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR that could not run on a scanned PDF says so; the header rules do not call the fields missing."""
    path = tmp_path / "scan.pdf"
    write_paper_scan_pdf(OFFICE_SPECS[0], path, encoding="jbig2")
    monkeypatch.setattr(ocr, "MAX_IMAGE_PIXELS", 1000)
    facts = read_document(path)
    assert facts.ocr is not None and facts.ocr.status is OcrStatus.FAILED and "pixels" in facts.ocr.detail
    verdict = FieldUnreadable().evaluate(facts, CONTEXT)
    assert verdict.outcome is Outcome.INDETERMINATE and "OCR không chạy được" in verdict.message
    assert "pixels" in verdict.detail  # the engine's words are for developers; the message says it in Vietnamese
    assert all(rule.evaluate(facts, CONTEXT).outcome is not Outcome.FAILED for rule in ASSERTING)


REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real-documents"


@needs_ocr
@pytest.mark.skipif(not (REAL / "truth.json").exists(), reason="shared/real-documents is not beside the repository")
def test_real_scans_never_state_what_ocr_could_not_read() -> None:
    """The real scans (handwritten numbers and days; JBIG2, CCITT and JPEG pages): every one is OCR'd or has
    a text layer, and no OCR-read field fires a rule that states what the page says."""
    truth = json.loads((REAL / "truth.json").read_text(encoding="utf-8"))["files"]
    scans = [unicodedata.normalize("NFC", entry["path"]) for entry in truth if "scan" in entry["kind"]]
    assert scans
    for name in scans:
        path = next(p for p in REAL.rglob("*") if unicodedata.normalize("NFC", str(p.relative_to(REAL))) == name)
        facts = read_document(path)
        if facts.ocr is None:  # a text layer or the file's own text: not OCR'd here
            continue
        assert facts.ocr.status is OcrStatus.READ, (name, facts.ocr.detail)  # JBIG2 included
        for rule in ASSERTING[:3]:
            assert rule.evaluate(facts, CONTEXT).outcome is not Outcome.FAILED, (name, rule.name)


# --- photos ------------------------------------------------------------------------------------------


@needs_ocr
@pytest.mark.parametrize("name", ["event.jpg", "banner.jpg"])
def test_photo_is_not_scanned_paper(photos: dict[str, Read], name: str) -> None:
    facts = photos[name].facts
    assert facts.ocr is not None and facts.ocr.status is OcrStatus.READ and not facts.ocr.header_found
    assert is_photo(facts) and facts.header.number is None and facts.header.issuer is None
    assert ScannedPaper().evaluate(facts, CONTEXT).outcome is Outcome.NOT_APPLICABLE
    assert NumberMissing().evaluate(facts, CONTEXT).outcome is Outcome.NOT_APPLICABLE
    assert DateMissing().evaluate(facts, CONTEXT).outcome is Outcome.NOT_APPLICABLE


@needs_ocr
def test_banner_slogan_is_read_but_is_no_header(photos: dict[str, Read]) -> None:
    facts = photos["banner.jpg"].facts
    assert facts.ocr is not None
    assert any("HÀNH CHÍNH" in line.text for line in facts.ocr.lines)


# --- without OCR ---------------------------------------------------------------------------------------


def test_picture_without_tesseract_is_undetermined(tmp_path: Path, no_tesseract: None) -> None:
    path = tmp_path / "Kế hoạch 21.png"
    write_scan_image(SPECS[0], path, dpi=150)
    facts = read_document(path)
    assert not ocr.ocr_available() and ocr.engine_version() == ""
    assert facts.kind is FileKind.IMAGE and facts.read_error is None and facts.page_count == 1
    assert facts.ocr is not None and facts.ocr.status is OcrStatus.UNAVAILABLE and facts.header.number is None
    verdict = ScannedPaper().evaluate(facts, CONTEXT)
    assert verdict.outcome is Outcome.INDETERMINATE and "Tesseract" in verdict.message
    finding = ScannedPaper().finding(verdict)
    assert finding is not None and not finding.zeroes  # the council looks; no points taken on a guess
    # Nothing could be read, so the header rules leave the file to `scanned-paper`.
    assert NumberMissing().evaluate(facts, CONTEXT).outcome is Outcome.NOT_APPLICABLE
    assert DateMissing().evaluate(facts, CONTEXT).outcome is Outcome.NOT_APPLICABLE


def test_ocr_turned_off(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    write_scan_image(SPECS[0], path, dpi=150)
    facts = read_document(path, ocr=False)
    assert facts.ocr is not None and facts.ocr.status is OcrStatus.DISABLED
    verdict = ScannedPaper().evaluate(facts, CONTEXT)
    assert verdict.outcome is Outcome.INDETERMINATE and "tắt" in verdict.message


def test_scanned_pdf_without_tesseract(tmp_path: Path, no_tesseract: None) -> None:
    path = tmp_path / "scan.pdf"
    write_scan_pdf(SPECS[0], path, ocr_layer=False)
    facts = read_document(path)
    assert facts.ocr is not None and facts.ocr.status is OcrStatus.UNAVAILABLE
    assert facts.header.number is None and is_textless_scan(facts)
    assert ScannedPaper().evaluate(facts, CONTEXT).outcome is Outcome.FAILED  # a scan is a scan, OCR or not


def test_pages_with_text_are_never_ocred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Born-digital pages and scans with an OCR layer already have text: Tesseract is not even looked up."""
    monkeypatch.setattr(ocr, "find_engine", _must_not_run)
    write_pdf(SPECS[0], tmp_path / "digital.pdf")
    write_scan_pdf(SPECS[0], tmp_path / "layer.pdf", ocr_layer=True)
    for name in ("digital.pdf", "layer.pdf"):
        facts = read_document(tmp_path / name)
        assert facts.ocr is None, name
        assert facts.header.number is not None and facts.header.number.where.source is Source.PAGE_TEXT


def _must_not_run() -> None:
    raise AssertionError("OCR looked up for a page that has text")


# --- broken and odd pictures ---------------------------------------------------------------------------


def test_truncated_picture(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jpg"
    write_scan_image(SPECS[0], whole, dpi=100)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    facts = read_document(cut, ocr=False)
    assert facts.kind is FileKind.IMAGE
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.TRUNCATED


def test_pdf_named_as_a_picture_is_read_as_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "Kế hoạch 21.jpg"
    write_pdf(SPECS[0], path)
    facts = read_document(path)
    assert facts.kind is FileKind.PDF and facts.read_error is None and facts.named_kind == "image"
    assert Unreadable().evaluate(facts, CONTEXT).outcome is Outcome.PASSED


def test_decompression_bomb_is_not_decoded(tmp_path: Path) -> None:
    """A PNG declaring 40 000 x 40 000 pixels (1.6 G) in a few bytes: refused from its header."""
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(40_000, 40_000))
    started = time.perf_counter()
    facts = read_document(path)
    assert time.perf_counter() - started < 2
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.CORRUPT
    assert "not decoded" in facts.read_error.detail


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def test_multi_page_tiff_counts_its_pages(tmp_path: Path) -> None:
    path = tmp_path / "two pages.tiff"
    first = Image.new("L", (300, 420), 255)
    first.save(path, format="TIFF", save_all=True, append_images=[Image.new("L", (300, 420), 200)])
    facts = read_document(path, ocr=False)
    assert facts.read_error is None and facts.kind is FileKind.IMAGE and facts.page_count == 2


def test_transparent_png_is_read_on_white(tmp_path: Path) -> None:
    """Transparency laid on black would turn a page black; the reader lays it on white."""
    path = tmp_path / "transparent.png"
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)).save(path, format="PNG")
    page = ocr.read_image_file(path)[0]
    assert page.image.mode == "L" and page.image.getextrema() == (255, 255)


def test_facts_with_ocr_survive_pickling() -> None:
    line = TextLine("Số: 11/KH-UBND", 1, 2, Column.LEFT, Source.OCR, confidence=92.5)
    facts = DocumentFacts(
        kind=FileKind.IMAGE,
        size=10,
        sha256="0" * 64,
        ocr=OcrFacts(OcrStatus.READ, "tesseract 5", 1, (line,), 92.5, True, (line.text,), "test"),
    )
    assert pickle.loads(pickle.dumps(facts)) == facts


# --- lines and headers from Tesseract's output (no Tesseract needed) ----------------------------------


def _tsv(*words: tuple[int, int, int, int, int, float, str]) -> str:
    """Words as (line, left, top, width, height, confidence, text); one block, one paragraph.

    As Tesseract's C API gives them, without the program's header line (level, page_num, …, text).
    """
    rows = [
        f"5\t1\t1\t1\t{line}\t{i}\t{left}\t{top}\t{width}\t{height}\t{conf}\t{text}\n"
        for i, (line, left, top, width, height, conf, text) in enumerate(words, start=1)
    ]
    return "".join(rows)


def test_lines_split_into_columns_and_rows() -> None:
    tsv = _tsv(
        (1, 400, 200, 300, 45, 96, "ỦY"),
        (1, 720, 200, 200, 45, 96, "BAN"),
        (1, 1300, 200, 400, 45, 95, "CỘNG"),
        (1, 1720, 200, 300, 45, 95, "HÒA"),
        # Tesseract joined the columns of the number row; the gap splits them again.
        (2, 420, 280, 80, 45, 92, "Sô:"),
        (2, 520, 280, 300, 45, 91, "11/KH-UBND"),
        (2, 1250, 280, 200, 45, 93, "ngày"),
        (2, 1470, 280, 60, 45, 93, "30"),
        (2, 1550, 280, 150, 45, 93, "thang"),
        (2, 1720, 280, 60, 45, 93, "01"),
        (2, 1800, 280, 100, 45, 93, "nám"),
        (2, 1920, 280, 110, 45, 93, "2023"),
        (3, 900, 420, 350, 50, 96, "KẾ"),
        (3, 1270, 420, 300, 50, 96, "HOẠCH"),
        (4, 800, 900, 30, 30, 12, "~"),  # texture read as a letter: dropped
    )
    lines = ocr.ocr_lines(tsv, page=1)
    assert [(line.text, line.column) for line in lines] == [
        ("ỦY BAN", Column.LEFT),
        ("CỘNG HÒA", Column.RIGHT),
        ("Số: 11/KH-UBND", Column.LEFT),
        ("ngày 30 tháng 01 năm 2023", Column.RIGHT),
        ("KẾ HOẠCH", Column.FULL),
    ]
    rows = [line.row for line in lines]
    assert rows[0] == rows[1] and rows[2] == rows[3] and rows[2] == rows[0] + 1
    assert rows[4] == rows[2] + 2  # the blank space above the type name is a skipped row, as in PDF text
    assert lines[2].confidence == 91.5 and lines[2].source is Source.OCR
    # Each word keeps its own confidence, as read: the number is judged by its word, not the line's mean.
    assert lines[2].words == (OcrWord("Sô:", 92.0), OcrWord("11/KH-UBND", 91.0))


def test_a_tilted_page_keeps_its_columns_on_one_row() -> None:
    """A page photographed 2° askew: the right column sits a line higher than the left one."""
    level = [
        (1, 400, 200, 200, 45, 96, "ỦY"), (1, 620, 200, 150, 45, 96, "BAN"), (1, 790, 200, 200, 45, 96, "NHÂN"),
        (1, 1300, 200, 200, 45, 95, "CỘNG"), (1, 1520, 200, 150, 45, 95, "HÒA"), (1, 1690, 200, 80, 45, 95, "XÃ"),
        (2, 420, 280, 80, 45, 92, "Số:"), (2, 520, 280, 300, 45, 91, "11/KH-UBND"),
        (3, 1250, 280, 200, 45, 93, "ngày"), (3, 1470, 280, 60, 45, 93, "30"),
        (3, 1550, 280, 150, 45, 93, "tháng"), (3, 1720, 280, 60, 45, 93, "01"),
        (3, 1800, 280, 100, 45, 93, "năm"), (3, 1920, 280, 110, 45, 93, "2023"),
    ]  # fmt: skip
    tilted = [(line, x, y - round(0.035 * x), w, h, c, t) for line, x, y, w, h, c, t in level]
    lines = ocr.ocr_lines(_tsv(*tilted), page=1)
    rows = {line.text: line.row for line in lines}
    assert rows["ỦY BAN NHÂN"] == rows["CỘNG HÒA XÃ"]
    assert rows["Số: 11/KH-UBND"] == rows["ngày 30 tháng 01 năm 2023"] == rows["ỦY BAN NHÂN"] + 1


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("Số: 25/QĐĐ-UBND", "Số: 25/QĐ-UBND"),  # the Đ of a type abbreviation read twice
        ("Số: 05/2023/QĐĐ-UBND", "Số: 05/2023/QĐ-UBND"),
        ("Số: 12/ĐĐBQH-VP", "Số: 12/ĐĐBQH-VP"),  # an issuer's own "ĐĐ" (Đoàn đại biểu Quốc hội) stays
        ("Số: 7/UBND-VP", "Số: 7/UBND-VP"),
    ],
)
def test_a_doubled_d_in_a_type_abbreviation_is_read_once(read: str, meant: str) -> None:
    words = [(1, 400 + 300 * i, 200, 280, 45, 92, word) for i, word in enumerate(read.split())]
    assert [line.text for line in ocr.ocr_lines(_tsv(*words), page=1)] == [meant]


@pytest.mark.parametrize(
    ("texts", "is_header"),
    [
        (["CỘNG HOÀ XÃ HỘl CHỦ NGHlA VIỆT NAM"], True),  # the motto, misread
        (["Độc lập - Tự đo - Hạnh phúc"], True),
        (["Số: 05/2023/QĐ-UBND"], True),
        (["BÁO CÁO", "Hòa Bình, ngày 09 tháng 6 năm 2023"], True),  # a type name and a date line
        (["KẾ HOẠCH HÓA GIA ĐÌNH", "VÌ HẠNH PHÚC MỖI NHÀ"], False),  # a banner: a type name alone
        (["CỘNG HÒA"], False),  # a fragment of the motto is not the motto
        (["NHIỆT LIỆT CHÀO MỪNG ĐẠI HỘI", "ĐẢNG CỘNG SẢN VIỆT NAM QUANG VINH MUÔN NĂM"], False),
        ([], False),
    ],
)
def test_what_counts_as_a_document_header(texts: list[str], is_header: bool) -> None:
    lines = [TextLine(text, 1, row, Column.FULL, Source.OCR) for row, text in enumerate(texts)]
    evidence, found = ocr.header_evidence(lines)
    assert found is is_header
    assert set(evidence) <= set(texts)


# --- finding Tesseract, and Tesseract misbehaving ---------------------------------------------------------


@pytest.fixture
def fresh_lookup() -> Iterator[None]:
    """`find_engine` looks again in this test, and again after it: its answer is kept per process."""
    ocr.find_engine.cache_clear()
    yield
    ocr.find_engine.cache_clear()


def test_no_tesseract_library_is_no_engine(fresh_lookup: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert ocr.find_engine() is None and not ocr.ocr_available() and ocr.engine_version() == ""


@needs_ocr
def test_tesseract_without_the_vietnamese_model_is_no_engine(
    fresh_lookup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """TESSDATA_PREFIX names a folder without vie.traineddata: no engine, and no advice on stderr."""
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert ocr.find_engine() is None and not ocr.ocr_available()
    assert capfd.readouterr().err == ""


@needs_ocr
def test_engine_version_names_version_model_method_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache key of OCR'd facts: another Tesseract setting is another engine."""
    engine = ocr.find_engine()
    assert engine is not None
    version = ocr.engine_version()
    assert version == f"tesseract {engine.version} vie:{engine.model} {ocr.METHOD} tessedit_pageseg_mode=3"
    monkeypatch.setattr(ocr, "TESSERACT_SETTINGS", (("tessedit_pageseg_mode", "6"),))
    assert ocr.engine_version() != version


@needs_ocr
def test_tesseract_past_its_time_limit_is_a_failed_ocr_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_scan_image(SPECS[0], tmp_path / "scan.png", dpi=150)
    page_image, _ = ocr.read_image_file(tmp_path / "scan.png")
    monkeypatch.setattr(ocr, "OCR_TIMEOUT", 0.001)
    facts = ocr.ocr_header(page_image)
    assert facts.status is OcrStatus.FAILED and "took more than" in facts.detail
    assert facts.engine == ocr.engine_version()


@needs_ocr
def test_two_threads_reading_at_once_read_as_one_does(tmp_path: Path) -> None:
    """Each thread has its own Tesseract: pages read side by side give what they give one at a time."""
    pages = []
    for index, spec in enumerate(SPECS[:2]):
        write_scan_image(spec, tmp_path / f"{index}.png", dpi=150, seed=index)
        pages.append(ocr.read_image_file(tmp_path / f"{index}.png")[0])
    alone = [ocr.ocr_header(page) for page in pages]
    with ThreadPoolExecutor(max_workers=2) as pool:
        side_by_side = list(pool.map(ocr.ocr_header, pages))
    assert side_by_side == alone and all(facts.header_found for facts in alone)
