"""OCR of the header of a scanned page or an image file, with Tesseract's Vietnamese model.

Only the top of page 1 is read (`HEADER_FRACTION` of its height): the facts the council cites —
motto, issuer, number and symbol, place and date, type and title (Decree 30, Appendix I) — sit
there, and a crop of it costs Tesseract about a third of a second where a whole page costs
several. A scanned PDF page is drawn by PDFium (pypdfium2), only that band of it, at the
resolution OCR wants (`render_header`): whatever the scanner's image encoding, JBIG2 and CCITT
included, without an outside decoder program.

Tesseract is called in this process through its C API (libtesseract, with `ctypes`), so a machine
without the library or its `vie` model only loses OCR. Loading the model costs about half as much
as reading a header, so each thread loads it once and keeps it (`_thread_api`); the crop is handed
over as pixels (see `_recognise`). Tesseract's TSV gives every word with its box and confidence;
the words are regrouped here into rows and the two header columns, the way the PDF layout text is
split, so `extractors.header.parse_header` reads an OCR'd header unchanged. Every line keeps its
confidence and its words with theirs, and every field parsed from it says `Source.OCR`; whether a
number or a date read so can be believed is for the validators to judge (`validators.scans`).

Whether the lines are a document header at all (`OcrFacts.header_found`) is decided from the
header's own shapes: the national motto (matched loosely, OCR garbles diacritics), a "Số: …/…"
line, or a type name together with a date line. That is what tells a scan or photograph of a
paper document from a photo of an event or of a banner with a slogan.

Bounds: an image over `MAX_IMAGE_PIXELS` is not decoded (the limit holds a 600 dpi A4 page and a
48-megapixel phone photo); Tesseract runs with one thread and stops reading words after
`OCR_TIMEOUT` seconds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import itertools
import os
import re
import statistics
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, UnidentifiedImageError
from rapidfuzz import fuzz

from kiemchung.extractors.doctypes import type_for_abbreviation, type_for_title
from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.header import DATE_NUMERIC, DATE_WORDS, NUMBER_LINE
from kiemchung.extractors.models import Column, OcrFacts, OcrStatus, OcrWord, ReadProblem, Source, TextLine
from kiemchung.extractors.text import fold, squash

LIBRARY = "tesseract"  # libtesseract, found by `ctypes.util.find_library`
LANGUAGE = "vie"
METHOD = "header-crop-3"  # bump when the crop, scaling or line building changes what OCR returns
# Of the page height, from the top. The issuer, number, date and place rows of a Decree 30 header end
# within the top fifth of an A4 page, even under a 25 mm margin and a three-line issuer; the type name
# and title follow (a long title under a low header may be cut: the symbol gives the type too), and
# the rest is room for a sheet scanned or photographed low. Below the title there is only body text,
# and Tesseract's time grows with the lines it reads.
HEADER_FRACTION = 0.30
# Tesseract scales every text line to its network's height (36 px) before reading it, and a 13 pt
# line at 200 dpi is about that tall: more pixels only make its page layout analysis dearer. On
# generated scans 200 dpi reads the header as well as 300 did (bench/ocr.py).
TARGET_DPI = 200
# Tesseract's settings besides language and resolution, set by name once the model is loaded; part
# of `engine_version`. Page segmentation mode 3, the full layout analysis (the program's default; the
# library's is 6), keeps the two header columns apart when their rows do not line up; 6 (one block)
# is cheaper but then merges them and loses numbers (bench/ocr.py --offset). Tesseract 5 reads a
# doubtful line again inverted; left on (tessedit_do_invert), for that is what reads the light
# lettering of a banner in a photo.
TESSERACT_SETTINGS = (("tessedit_pageseg_mode", "3"),)
MAX_IMAGE_PIXELS = 64_000_000
OCR_TIMEOUT = 30.0  # seconds for one header crop; a normal one takes a third of a second
_PAGE_SIZE_INCHES = 11.69  # the long side of A4: a picture without a resolution is taken as a page
# Resolutions a file may declare that are believed. Phones and editors write 72 or 96 whatever the
# picture: no scanner scans a page below 100 dpi.
_BELIEVED_DPI = (100, 1200)
_SCALE_LIMITS = (0.4, 2.5)  # no upscaling past 2.5x: it only enlarges blur
_MAX_CROP_WIDTH = round(8.7 * TARGET_DPI)  # px, an A4 width (8.27 in) and a margin: wide photos go no wider
_COLUMN_GAP_HEIGHTS = 2.0  # a gap wider than twice the text height splits a line into columns
_MIN_CONFIDENCE = 40.0  # lines below it are noise: texture in a photo read as letters
_SLOPE_WORDS = 4  # words a line needs for its slope to count
_LEVEL_SLOPE = 0.002  # below about 0.1° a tilt moves nothing by a pixel that matters
_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
_MOTTO_SIMILARITY = 85
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_ALNUM = re.compile(r"\w", re.UNICODE)
# OCR misreadings of the number line's label, at the start of a line: "Sô:", "S6:", "Sé;".
_NUMBER_LABEL = re.compile(r"^S\S{1,2}\s*[:;]\s*(?=[\d\s.…_]*/)")
# "ngày 24 tháng 02 nám 2023": the date words with a diacritic misread, told by the digits between them.
_DATE_SHAPE = re.compile(r"(\w+)(\s+\d{1,2}\s+)(\w+)(\s+\d{1,2}\s+)(\w+)(?=\s+\d{4}\b)")
_DATE_WORDS = ("ngay", "thang", "nam")
# "Số: 25/QĐĐ-UBND": the model now and then reads the Đ of a type abbreviation twice (2 or 3 of 60
# generated scans, at 300 dpi as at 200); a symbol's first part with "ĐĐ" that is a type read once.
_DOUBLED_D = re.compile(r"(?<=/)([^\W\d_]*)ĐĐ([^\W\d_]*)(?=-)")
# PDFium is not thread-safe: one page is opened and drawn at a time in a process (the batch reads
# in processes, so this only orders the threads of one).
_PDFIUM = threading.Lock()


class _OcrError(Exception):
    """Tesseract could not read the image; the message says why, for developers."""


# The C functions called here (tesseract/capi.h), with their argument and result types: untyped,
# ctypes would pass and return C ints and cut a 64-bit pointer. Handles are void pointers; so is the
# text Tesseract allocates, which must go back to TessDeleteText (a c_char_p result would lose it).
_HANDLE = ctypes.c_void_p
_C_FUNCTIONS: dict[str, tuple[tuple[type, ...], type | None]] = {
    "TessVersion": ((), ctypes.c_char_p),
    "TessBaseAPICreate": ((), _HANDLE),
    "TessBaseAPIDelete": ((_HANDLE,), None),
    "TessBaseAPIInit3": ((_HANDLE, ctypes.c_char_p, ctypes.c_char_p), ctypes.c_int),
    "TessBaseAPIGetDatapath": ((_HANDLE,), ctypes.c_char_p),
    "TessBaseAPISetVariable": ((_HANDLE, ctypes.c_char_p, ctypes.c_char_p), ctypes.c_int),
    # The pixels, then width, height, bytes per pixel and bytes per row.
    "TessBaseAPISetImage": ((_HANDLE, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int), None),
    "TessBaseAPISetSourceResolution": ((_HANDLE, ctypes.c_int), None),
    "TessBaseAPIRecognize": ((_HANDLE, _HANDLE), ctypes.c_int),
    "TessBaseAPIGetTsvText": ((_HANDLE, ctypes.c_int), _HANDLE),
    "TessDeleteText": ((_HANDLE,), None),
    "TessBaseAPIClear": ((_HANDLE,), None),
    "TessMonitorCreate": ((), _HANDLE),
    "TessMonitorSetDeadlineMSecs": ((_HANDLE, ctypes.c_int), None),
    "TessMonitorDelete": ((_HANDLE,), None),
}


@dataclass(frozen=True)
class Engine:
    """Tesseract's library found on this machine, with the Vietnamese model it will use."""

    library: ctypes.CDLL  # with `_C_FUNCTIONS` typed
    version: str  # "5.3.0"
    model: str  # sha256 prefix of vie.traineddata: models differ between distributions


@functools.cache
def find_engine() -> Engine | None:
    """Tesseract's library with its `vie` model, or None when either is missing. Looked up once per process."""
    name = ctypes.util.find_library(LIBRARY)
    if name is None:
        return None
    # One thread: the run already reads several files at once, one per core, and Tesseract's OpenMP
    # threads would only fight those processes for the same cores (Tesseract's own advice). libgomp
    # reads the limit once, when Tesseract's library loads it.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        library = ctypes.CDLL(name)
        for function, (argtypes, restype) in _C_FUNCTIONS.items():
            getattr(library, function).argtypes = argtypes
            getattr(library, function).restype = restype
    except (OSError, AttributeError):  # not loadable, or a version without one of the functions
        return None
    trial = _new_api(library)  # does the model load? Deleted on return: each thread loads its own
    if trial is None:
        return None
    folder = Path(os.fsdecode(library.TessBaseAPIGetDatapath(trial)))
    return Engine(library, library.TessVersion().decode(), _model_digest(folder))


def _model_digest(folder: Path) -> str:
    try:
        return hashlib.sha256((folder / f"{LANGUAGE}.traineddata").read_bytes()).hexdigest()[:12]
    except OSError:
        return "unknown"


def ocr_available() -> bool:
    """Tesseract and its Vietnamese model are installed."""
    return find_engine() is not None


def engine_version() -> str:
    """What OCR results depend on, for cache keys; "" if none.

    "tesseract 5.3.0 vie:<model> header-crop-3 tessedit_pageseg_mode=3": Tesseract's version, its
    model, how the crop is made (`METHOD`) and the settings Tesseract runs with.
    """
    engine = find_engine()
    if engine is None:
        return ""
    settings = " ".join(f"{name}={value}" for name, value in TESSERACT_SETTINGS)
    return f"tesseract {engine.version} {LANGUAGE}:{engine.model} {METHOD} {settings}"


# --- page images -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageImage:
    """A page's picture, greyscale, with its resolution; the thing OCR reads."""

    image: Image.Image
    dpi: float


def read_image_file(path: Path) -> tuple[PageImage, int]:
    """The first page of an image file, decoded and upright, and the file's page (frame) count.

    Raises `ReadFailure`: corrupt when Pillow cannot open or decode it, truncated when the data
    stops early, corrupt when it declares more than `MAX_IMAGE_PIXELS` (a decompression bomb).
    """
    try:
        with Image.open(path) as opened:
            width, height = opened.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ReadFailure(
                    ReadProblem.CORRUPT,
                    f"image declares {width}x{height} pixels, over the {MAX_IMAGE_PIXELS} limit; not decoded",
                )
            frames = int(getattr(opened, "n_frames", 1))
            opened.seek(0)  # counting the frames of a TIFF moves to the last one
            dpi = _file_dpi(opened.info.get("dpi"), max(width, height))
            if opened.format == "JPEG":
                # Decode at a reduced scale straight away when the picture is far finer than OCR needs.
                opened.draft("L", (round(width * TARGET_DPI / dpi), round(height * TARGET_DPI / dpi)))
                dpi *= opened.size[0] / width
            upright = ImageOps.exif_transpose(opened)  # phones store the camera's rotation, not rotated pixels
            image = _greyscale(upright)
    except ReadFailure:
        raise
    except UnidentifiedImageError as error:  # its message names the file, which the report already does
        raise ReadFailure(ReadProblem.CORRUPT, "not a readable image: Pillow cannot identify it", "image") from error
    except Image.DecompressionBombError as error:
        raise ReadFailure(ReadProblem.CORRUPT, f"not decoded: {error}", "image") from error
    except OSError as error:
        problem = ReadProblem.TRUNCATED if "truncated" in str(error) else ReadProblem.CORRUPT
        raise ReadFailure(problem, f"image data unreadable: {error}", "image") from error
    except (ValueError, SyntaxError, EOFError) as error:  # Pillow's plugins raise these on damaged headers
        raise ReadFailure(ReadProblem.CORRUPT, f"image data unreadable: {error}", "image") from error
    return PageImage(image, dpi), frames


def _file_dpi(declared: object, long_side: int) -> float:
    if isinstance(declared, tuple) and declared and isinstance(declared[0], int | float):
        value = float(declared[0])
        if _BELIEVED_DPI[0] <= value <= _BELIEVED_DPI[1]:
            return value
    return max(long_side / _PAGE_SIZE_INCHES, 1.0)


def _greyscale(image: Image.Image) -> Image.Image:
    """Greyscale 8-bit; transparency laid on white (a PNG with an alpha channel has black behind it)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode.startswith(("I", "F")):  # 16-bit and float scans: scaled to 8 bits, not clipped to white
        image = image.convert("F")
        high = float(image.getextrema()[1])  # type: ignore[arg-type]  # one band: (low, high)
        if high > 255:
            image = image.point(lambda value: value * 255 / high)
    grey = image.convert("L")
    grey.load()
    return grey


def ocr_pdf_page(path: Path, number: int) -> OcrFacts:
    """OCR the header of page `number` (1-based) of a scanned PDF, rendered by PDFium; never raises."""
    if find_engine() is None:  # before rendering a page nobody will read
        return _unavailable(number)
    try:
        page_image = render_header(path, number)
    except _OcrError as error:
        return OcrFacts(OcrStatus.FAILED, engine=engine_version(), page=number, detail=str(error))
    return ocr_header(page_image, number, cropped=True)


def render_header(path: Path, number: int) -> PageImage:
    """The top `HEADER_FRACTION` of page `number` as a viewer shows it, rendered at `TARGET_DPI`.

    PDFium draws the page, so every image filter a scanner writes is decoded the one way — JBIG2,
    CCITT G3/G4, JPX, JPEG, Flate, 1-bit — with no outside program (pypdf needs `jbig2dec` for
    JBIG2 and read nothing without it), turned as /Rotate turns it, and only the header band is
    drawn. Annotations and form fields are left out: a signature stamp laid over the scan later is
    read from its appearance text, not from the picture of the paper.

    Raises `_OcrError` when the file or page does not open, the page draws no image, or an image
    is larger than `MAX_IMAGE_PIXELS` (decoding it would cost more than the whole read).
    """
    try:
        with _PDFIUM:
            document = pdfium.PdfDocument(path)
            try:
                page = document[number - 1]
                _check_images(page)
                width, height = page.get_size()  # in points, after /Rotate
                # Narrower than `_MAX_CROP_WIDTH` pixels: a page the size of a phone photo at 72 dpi.
                scale = min(TARGET_DPI / 72, _MAX_CROP_WIDTH / max(width, 1.0))
                bitmap = page.render(
                    scale=scale, crop=(0, height * (1 - HEADER_FRACTION), 0, 0), grayscale=True,
                    draw_annots=False, may_draw_forms=False,
                )
                image = _greyscale(bitmap.to_pil())
            finally:
                document.close()
    except _OcrError:
        raise
    except pdfium.PdfiumError as error:
        raise _OcrError(f"PDFium cannot render page {number}: {error}") from error
    return PageImage(image, scale * 72)


def _check_images(page: pdfium.PdfPage) -> None:
    """Raises `_OcrError` when the page draws no image, or one past `MAX_IMAGE_PIXELS` (read from its dictionary)."""
    largest = 0
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        width, height = image.get_px_size()
        largest = max(largest, width * height)
    if largest == 0:
        raise _OcrError("no image on the page")
    if largest > MAX_IMAGE_PIXELS:
        raise _OcrError(f"page image of {largest} pixels, over the {MAX_IMAGE_PIXELS} limit; not decoded")


# --- OCR -------------------------------------------------------------------------------------------


def _unavailable(page: int) -> OcrFacts:
    return OcrFacts(OcrStatus.UNAVAILABLE, page=page, detail=f"lib{LIBRARY} with the '{LANGUAGE}' model not found")


def ocr_header(page_image: PageImage, page: int = 1, *, cropped: bool = False) -> OcrFacts:
    """OCR the header region of a page; never raises. Status `unavailable` when Tesseract is missing.

    `cropped`: the picture is the header region already, at the resolution OCR wants (`render_header`).
    """
    engine = find_engine()
    if engine is None:
        return _unavailable(page)
    version = engine_version()
    crop, dpi = (page_image.image, round(page_image.dpi)) if cropped else _header_crop(page_image)
    try:
        tsv = _recognise(engine.library, crop, dpi)
    except _OcrError as error:
        return OcrFacts(OcrStatus.FAILED, engine=version, page=page, detail=str(error))
    lines = ocr_lines(tsv, page)
    used = [line.confidence for line in lines if line.confidence is not None]
    evidence, found = header_evidence(lines)
    return OcrFacts(
        OcrStatus.READ,
        engine=version,
        page=page,
        lines=tuple(lines),
        confidence=round(statistics.fmean(used), 1) if used else None,
        header_found=found,
        header_evidence=evidence,
        detail=f"header region {crop.width}x{crop.height} px at {dpi} dpi",  # no timing: facts are cached
    )


def _header_crop(page_image: PageImage) -> tuple[Image.Image, int]:
    """The top `HEADER_FRACTION` of the page, rescaled towards `TARGET_DPI`."""
    image = page_image.image
    crop = image.crop((0, 0, image.width, max(1, round(image.height * HEADER_FRACTION))))
    scale = min(max(TARGET_DPI / page_image.dpi, _SCALE_LIMITS[0]), _SCALE_LIMITS[1])
    scale = min(scale, max(_MAX_CROP_WIDTH / crop.width, _SCALE_LIMITS[0]))
    if abs(scale - 1) > 0.1:
        size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
        crop = crop.resize(size, Image.Resampling.LANCZOS)
    return crop, max(1, round(page_image.dpi * scale))


_threads = threading.local()  # `api`: the thread's TessBaseAPI, which is not safe to share between threads


def _thread_api(library: ctypes.CDLL) -> ctypes.c_void_p:
    """This thread's TessBaseAPI, made on its first use. Raises `_OcrError` if the model won't load."""
    api: ctypes.c_void_p | None = getattr(_threads, "api", None)
    if api is None:
        api = _new_api(library)
        if api is None:
            raise _OcrError(f"tesseract could not load its '{LANGUAGE}' model")
        _threads.api = api
    return api


def _new_api(library: ctypes.CDLL) -> ctypes.c_void_p | None:
    """A TessBaseAPI with the `vie` model loaded and `TESSERACT_SETTINGS` set; None if the model won't load.

    It is deleted once nothing holds it: when its thread ends, or at the latest when the process
    exits, for a model still loaded then makes Tesseract print "WARNING! LEAK!" lines.
    """
    api = ctypes.c_void_p(library.TessBaseAPICreate())
    weakref.finalize(api, library.TessBaseAPIDelete, api.value)
    # Tesseract's chatter ("Detected 24 diacritics"; for a missing model, advice on TESSDATA_PREFIX)
    # goes to its debug file, which is stderr unless set. One setting for the whole process.
    library.TessBaseAPISetVariable(api, b"debug_file", os.fsencode(os.devnull))
    # No folder: TESSDATA_PREFIX, else the one Tesseract was built with (as the program does).
    if library.TessBaseAPIInit3(api, None, LANGUAGE.encode()) != 0:
        return None
    for name, value in TESSERACT_SETTINGS:
        library.TessBaseAPISetVariable(api, name.encode(), value.encode())
    return api


def _recognise(library: ctypes.CDLL, image: Image.Image, dpi: int) -> str:
    """Tesseract's TSV of a greyscale image. Raises `_OcrError` when it fails or passes `OCR_TIMEOUT`.

    A record per page, block, paragraph, line and word, with its box and confidence; unlike the
    program's, no header line.
    """
    api = _thread_api(library)
    # Tesseract checks the deadline between words, not during the layout analysis before them (which
    # the crop's size bounds); the batch's per-file time limit stops a worker whatever it is doing.
    monitor = library.TessMonitorCreate()
    started = time.monotonic()
    try:
        library.TessBaseAPISetImage(api, image.tobytes(), image.width, image.height, 1, image.width)
        library.TessBaseAPISetSourceResolution(api, dpi)
        library.TessMonitorSetDeadlineMSecs(monitor, max(1, round(OCR_TIMEOUT * 1000)))  # 0 is no deadline
        if library.TessBaseAPIRecognize(api, monitor) != 0:
            if time.monotonic() - started >= OCR_TIMEOUT:
                raise _OcrError(f"tesseract took more than {OCR_TIMEOUT:g} s")
            raise _OcrError("tesseract could not read the image")
        text = library.TessBaseAPIGetTsvText(api, 0)  # page 0, written as 1
        if not text:
            raise _OcrError("tesseract returned no text")
        try:
            return ctypes.string_at(text).decode("utf-8", "replace")
        finally:
            library.TessDeleteText(text)
    finally:
        library.TessMonitorDelete(monitor)
        library.TessBaseAPIClear(api)  # the page's image and results; the model stays loaded


@dataclass(frozen=True)
class _Word:
    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float


@dataclass(frozen=True)
class _Segment:
    """Words of one Tesseract line between column gaps."""

    words: tuple[_Word, ...]

    @property
    def left(self) -> int:
        return self.words[0].left

    @property
    def right(self) -> int:
        return self.words[-1].right

    @property
    def middle(self) -> float:
        return statistics.median((w.top + w.bottom) / 2 for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.bottom - w.top for w in self.words)

    @property
    def confidence(self) -> float:
        return statistics.fmean(w.confidence for w in self.words)

    @property
    def text(self) -> str:
        return squash(" ".join(w.text for w in self.words))


def ocr_lines(tsv: str, page: int) -> list[TextLine]:
    """Tesseract's TSV as `TextLine`s in reading order: rows top to bottom, columns by position.

    Rows are numbered so that blank space shows as skipped rows, as in PDF layout text: the parser
    takes consecutive rows under the type name as the title.
    """
    segments = [s for s in _segments(_level(_words_by_line(tsv))) if _worth_keeping(s)]
    if not segments:
        return []
    rows = _rows(segments)
    left = min(s.left for s in segments)
    width = max(s.right for s in segments) - left or 1
    lines: list[TextLine] = []
    for row_number, row in rows:
        for segment in sorted(row, key=lambda s: s.left):
            column = _column((segment.left - left) / width, (segment.right - left) / width)
            text = _NUMBER_LABEL.sub("Số: ", segment.text)
            text = _DATE_SHAPE.sub(_date_words, _DOUBLED_D.sub(_d_read_once, text))
            words = tuple(OcrWord(word.text, round(word.confidence, 1)) for word in segment.words)
            confidence = round(segment.confidence, 1)
            lines.append(TextLine(text, page, row_number, column, Source.OCR, confidence=confidence, words=words))
    return lines


def _d_read_once(match: re.Match[str]) -> str:
    """ "QĐĐ" as "QĐ" when the letters with one Đ are a type abbreviation; anything else unchanged."""
    once = f"{match.group(1)}Đ{match.group(2)}"
    return once if type_for_abbreviation(once) else match.group(0)


def _date_words(match: re.Match[str]) -> str:
    """ "ngày", "tháng", "năm" spelled right when OCR only lost or swapped their diacritics."""
    day_word, day, month_word, month, year_word = match.groups()
    if tuple(fold(word) for word in (day_word, month_word, year_word)) != _DATE_WORDS:
        return match.group(0)
    return f"{day_word[0]}gày{day}tháng{month}năm"


def _words_by_line(tsv: str) -> list[list[_Word]]:
    lines: dict[tuple[str, str, str], list[_Word]] = {}
    for record in tsv.splitlines():
        fields = record.split("\t")
        if len(fields) < 12 or fields[0] != "5" or not fields[11].strip():
            continue
        try:
            left, top, width, height = (int(value) for value in fields[6:10])
            confidence = float(fields[10])
        except ValueError:
            continue
        if confidence < 0:
            continue
        word = _Word(fields[11].strip(), left, top, left + width, top + height, confidence)
        lines.setdefault((fields[2], fields[3], fields[4]), []).append(word)
    return [sorted(words, key=lambda w: w.left) for words in lines.values()]


def _level(lines: list[list[_Word]]) -> list[list[_Word]]:
    """Words with their heights corrected for a page scanned or photographed askew.

    Tesseract follows a tilted line, so the words of every line climb or fall across the page by
    one slope; taken out, the two header columns of one visual row line up again. A phone photo
    tilted 2° moves the right column two lines up or down from the left one.
    """
    slopes = [slope for words in lines if len(words) >= _SLOPE_WORDS and (slope := _slope(words)) is not None]
    if not slopes:
        return lines
    slope = statistics.median(slopes)
    if abs(slope) < _LEVEL_SLOPE:
        return lines

    def levelled(word: _Word) -> _Word:
        shift = round(slope * (word.left + word.right) / 2)
        return replace(word, top=word.top - shift, bottom=word.bottom - shift)

    return [[levelled(word) for word in words] for words in lines]


def _slope(words: list[_Word]) -> float | None:
    """Least-squares slope of the words' middles across the line."""
    xs = [(w.left + w.right) / 2 for w in words]
    ys = [(w.top + w.bottom) / 2 for w in words]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def _segments(lines: list[list[_Word]]) -> list[_Segment]:
    """Split each line where the gap between words is a column gap (Tesseract may join the columns)."""
    segments: list[_Segment] = []
    for words in lines:
        height = statistics.median(w.bottom - w.top for w in words)
        current = [words[0]]
        for word in words[1:]:
            if word.left - current[-1].right > _COLUMN_GAP_HEIGHTS * height:
                segments.append(_Segment(tuple(current)))
                current = []
            current.append(word)
        segments.append(_Segment(tuple(current)))
    return segments


def _worth_keeping(segment: _Segment) -> bool:
    return segment.confidence >= _MIN_CONFIDENCE and len(_ALNUM.findall(segment.text)) >= 2


def _rows(segments: list[_Segment]) -> list[tuple[int, list[_Segment]]]:
    """Group segments whose middles are within half a text height, numbered by the spacing between them."""
    ordered = sorted(segments, key=lambda s: s.middle)
    height = statistics.median(s.height for s in ordered)
    groups: list[list[_Segment]] = [[ordered[0]]]
    for segment in ordered[1:]:
        if abs(segment.middle - statistics.fmean(s.middle for s in groups[-1])) <= height / 2:
            groups[-1].append(segment)
        else:
            groups.append([segment])
    middles = [statistics.fmean(s.middle for s in group) for group in groups]
    steps = [b - a for a, b in itertools.pairwise(middles)]
    # The line pitch is the step between lines of one paragraph, the smaller steps (the lower quartile:
    # the header's rows and paragraph breaks are wider); a step of twice the pitch holds a blank line.
    pitch = max(statistics.quantiles(steps, n=4)[0], height) if len(steps) >= 3 else 1.5 * height
    numbered: list[tuple[int, list[_Segment]]] = []
    row = 0
    for index, group in enumerate(groups):
        if index:
            row += max(1, round(steps[index - 1] / pitch))
        numbered.append((row, group))
    return numbered


def _column(start: float, end: float) -> Column:
    """As for PDF layout text: the middle of the header's width decides, a line across it is full."""
    if end - start > 0.7:
        return Column.FULL
    centre = (start + end) / 2
    return Column.LEFT if centre < 0.4 else Column.RIGHT if centre > 0.6 else Column.FULL


# --- is it a document? -----------------------------------------------------------------------------


def header_evidence(lines: Sequence[TextLine]) -> tuple[tuple[str, ...], bool]:
    """The lines that look like parts of a Decree 30 header, and whether together they make one.

    The national motto or a "Số: …/…" line is enough; a type name or a date line alone is not (a
    banner reads "KẾ HOẠCH HÓA GIA ĐÌNH"), two of them are.
    """
    evidence: list[str] = []
    strong = weak = 0
    for line in lines:
        text = line.text
        if _is_motto(text) or NUMBER_LINE.search(text):
            strong += 1
        elif type_for_title(text) or _has_date(text):
            weak += 1
        else:
            continue
        evidence.append(text)
    return tuple(evidence), strong > 0 or weak >= 2


def _is_motto(text: str) -> bool:
    folded = " ".join(_NOT_WORD.sub(" ", fold(text)).split())
    return any(
        len(folded) >= 0.7 * len(motto) and fuzz.partial_ratio(motto, folded) >= _MOTTO_SIMILARITY for motto in _MOTTO
    )


def _has_date(text: str) -> bool:
    match = DATE_WORDS.search(text) or DATE_NUMERIC.search(text)
    return match is not None and bool(re.search(r"\d{4}", match.group("year") or ""))


__all__ = [
    "HEADER_FRACTION",
    "MAX_IMAGE_PIXELS",
    "Engine",
    "PageImage",
    "engine_version",
    "find_engine",
    "header_evidence",
    "ocr_available",
    "ocr_header",
    "ocr_lines",
    "ocr_pdf_page",
    "read_image_file",
    "render_header",
]
