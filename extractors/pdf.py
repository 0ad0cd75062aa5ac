"""PDF text, header lines and signature fields, read with pypdf.

Page text is taken in pypdf's layout mode, which keeps the two header columns
apart as runs of spaces; each run becomes a `TextLine` with its column. Text
stamped inside signature widgets is read from the widgets' appearance streams.
Column segments typed in a legacy encoding (TCVN3, VNI) are turned into Unicode
first, each on its own (see `extractors.legacy`); layout mode loses fonts, so on a
page whose resources name a TCVN3 or VNI font a plain-mode pass learns which words
those fonts draw, and an upper-case font (".VnTimeH") gives capitals.

Bounds. Evidence arrives damaged or crafted, so a PDF is read inside `reading_limits()`, which
tightens pypdf's own per-stream limits, and two budgets are charged *before* pypdf decodes
anything, because pypdf keeps every stream it decodes for as long as the reader lives (a page
drawing twenty forms of 70 MB each held 1.5 GB):
- `open_pdf` inflates every object stream once and refuses the file past `MAX_OBJECT_STREAM_BYTES`;
- `ContentBudget` adds up the drawing operators that text extraction and `imaging` will
  interpret for the pages read and the signature stamps, each form XObject counted once per use,
  and refuses the file past `MAX_CONTENT_BYTES`. Interpreting costs pypdf 3-5 µs a byte, so
  this is what bounds the time; a real page holds 10-100 KB.
A file that breaks a bound is `corrupt`, with the bound in the detail: a decompression bomb is
not evidence the council could read either, and reading "what fits" would hide that. What is
not refused is capped: the signature-widget scan stops after `MAX_ANNOTATIONS` annotations and
`MAX_SIGNATURE_FIELDS` fields. pypdf flattens the whole page tree (~0.15 ms a page, so 20 000
pages take 3-4 s), within `MAX_PAGE_TREE_ENTRIES`. The plain-mode pass for legacy fonts reads a
page a second time, so it is skipped past `MAX_FONT_HINT_CONTENT` (then statistics alone decide).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader, apply_configuration
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from kiemchung.extractors import legacy
from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.legacy import FontHint
from kiemchung.extractors.models import Column, ReadProblem, SignatureField, Source, TextLine
from kiemchung.extractors.text import normalize

_GAP = r"\s{3,}"
_COLUMN_GAP = re.compile(_GAP)
_COLUMN_GAP_KEPT = re.compile(f"({_GAP})")  # for a split that keeps the gaps
# "Số:      /KH-UBND" and "ngày      tháng      năm 2024": blanks left for the clerk, not columns.
_BLANK_BEFORE = re.compile(r"(\bSố\s*:?|\bngày|\btháng)$")
_BLANK_AFTER = re.compile(r"^(/|tháng\b|năm\b)")


_TAIL_BYTES = 2048  # where a complete PDF's last "%%EOF" sits

_MIB = 1024 * 1024
# pypdf's own limits while we read, tightened (pypdf 7.1's defaults in brackets).
MAX_STREAM_BYTES = 16 * _MIB  # [75 MB] what one stream may inflate to, whatever its filter
MAX_CONTENT_TOKENS = 1_000_000  # [2 000 000] operands and operators pypdf parses in one content stream
MAX_PAGE_TREE_ENTRIES = 50_000  # [100 000] pages; pypdf flattens the whole tree at ~0.15 ms a page
MAX_XREF_ENTRIES = 1_000_000  # [2 000 000] objects a cross-reference stream may declare
# Ours, per document.
MAX_OBJECT_STREAM_BYTES = 64 * _MIB  # all object streams inflated (pypdf keeps them all)
MAX_OBJECT_STREAMS = 20_000  # a writer packs ~100 objects a stream; each costs a parse to check
MAX_CONTENT_BYTES = 4 * _MIB  # drawing operators interpreted for the pages read, per use
MAX_SIGNATURE_FIELDS = 100  # signature widgets read; a real document has one to five
MAX_ANNOTATIONS = 100_000  # annotations looked at for them (links included), ~1.5 µs each
MAX_FONT_HINT_CONTENT = 512 * 1024  # operators a page read twice for its legacy fonts may have (as budgeted)
_MAX_FORM_DEPTH = 12  # as in `imaging`
_MAX_REFERENCE_HOPS = 8  # a reference to a reference is legal, a chain of eight is a loop
_PDF_SPACE = rb"\x00\t\n\x0c\r "
_PDF_DELIMITERS = rb"()<>\[\]{}/%"
# "/Name Do": a form or image drawn; the name ends at whitespace or a delimiter, so does "Do".
_DO = re.compile(
    rb"/([^" + _PDF_SPACE + _PDF_DELIMITERS + rb"]+)[" + _PDF_SPACE + rb"]*Do(?![^" + _PDF_SPACE + _PDF_DELIMITERS
    + rb"])"
)
# What text needs: a text object ("BT") or a text-showing operator. A false match costs an extraction that finds
# nothing; stream bytes without any of these show no text.
_TEXT_OPERATOR = re.compile(rb"BT|T[jJ]")


@contextmanager
def reading_limits() -> Iterator[None]:
    """pypdf's per-stream limits, tightened, for everything read inside the block (this context only)."""
    with apply_configuration(
        zlib_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES,
        run_length_maximum_output_length=MAX_STREAM_BYTES,
        brotli_maximum_output_length=MAX_STREAM_BYTES,
        jbig2_maximum_output_length=MAX_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
        stream_decoding_work_maximum_length=4 * MAX_STREAM_BYTES,  # a chain of filters decodes several times
        stream_parsing_work_maximum_count=MAX_CONTENT_TOKENS,
        page_tree_maximum_entries=MAX_PAGE_TREE_ENTRIES,
    ):
        yield


def limit_detail(error: LimitReachedError) -> str:
    """A reading limit's message, said so: "corrupt" alone would not tell a bomb from damage."""
    return (f"reading limit reached, a decompression bomb or runaway content (a stream may inflate to "
            f"{MAX_STREAM_BYTES} bytes): {error}")


def open_pdf(path: Path) -> PdfReader:
    """Open a PDF leniently; decrypt one that only has an owner password.

    A file without "%%EOF" at its end was cut short in transfer: pypdf could recover part of it,
    but what the council would see is not the whole document, so it is refused as truncated.
    """
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - _TAIL_BYTES))
        if b"%%EOF" not in handle.read():
            raise ReadFailure(ReadProblem.TRUNCATED, "no %%EOF marker at the end of the file")
    try:
        reader = PdfReader(path, strict=False, xref_stream_maximum_entries=MAX_XREF_ENTRIES)
    except LimitReachedError as error:
        raise ReadFailure(ReadProblem.CORRUPT, limit_detail(error)) from error
    except PdfReadError as error:
        raise ReadFailure(ReadProblem.CORRUPT, str(error)) from error
    except NotImplementedError as error:
        if "encryption" not in str(error):
            raise
        # pypdf opens only password encryption (/Standard); /Adobe.PubSec is encrypted for named
        # recipients' certificates and only their private keys open it: encrypted, not damaged.
        raise ReadFailure(ReadProblem.ENCRYPTED, f"encrypted for named recipients (not a password): {error}") from error
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except (NotImplementedError, PdfReadError) as error:
            raise ReadFailure(ReadProblem.ENCRYPTED, f"cannot decrypt: {error}") from error
        if opened == PasswordType.NOT_DECRYPTED:
            raise ReadFailure(ReadProblem.ENCRYPTED, "an open password is required")
    try:
        _check_object_streams(reader)
        if len(reader.pages) == 0:
            raise ReadFailure(ReadProblem.CORRUPT, "the PDF has no pages")
    except LimitReachedError as error:
        raise ReadFailure(ReadProblem.CORRUPT, f"page tree: {limit_detail(error)}") from error
    except (PdfReadError, FileNotDecryptedError, KeyError, ValueError) as error:
        raise ReadFailure(ReadProblem.CORRUPT, f"page tree unreadable: {error}") from error
    return reader


def _check_object_streams(reader: PdfReader) -> None:
    """Inflate every object stream once, within `MAX_OBJECT_STREAM_BYTES` in all.

    pypdf inflates an object stream the first time one of its objects is needed and keeps it;
    flattening the page tree needs every page, so a crafted file with a thousand object streams
    of 16 MiB of padding each would otherwise hold 16 GiB.
    """
    numbers = sorted({number for number, _ in reader.xref_objStm.values() if isinstance(number, int)})
    if len(numbers) > MAX_OBJECT_STREAMS:
        raise ReadFailure(ReadProblem.CORRUPT, f"{len(numbers)} object streams (limit {MAX_OBJECT_STREAMS})")
    total = 0
    for number in numbers:
        try:
            stream = reader.get_object(number)
        except LimitReachedError:
            raise
        except Exception:  # a damaged object stream: pypdf says so if a page needs it
            continue
        if isinstance(stream, StreamObject):
            total += len(_decoded(stream))
        if total > MAX_OBJECT_STREAM_BYTES:
            raise ReadFailure(
                ReadProblem.CORRUPT,
                f"object streams inflate past {MAX_OBJECT_STREAM_BYTES} bytes: a decompression bomb",
            )


def _decoded(stream: StreamObject) -> bytes:
    """The stream's data as pypdf decodes (and keeps) it; a bomb is refused, other damage is b""."""
    try:
        return stream.get_data()
    except LimitReachedError as error:
        raise ReadFailure(ReadProblem.CORRUPT, limit_detail(error)) from error
    except Exception:  # an undecodable filter: pypdf's own reading will report what it makes of it
        return b""


class ContentBudget:
    """Bytes of drawing operators one document may have interpreted, charged before pypdf does.

    Text extraction and `imaging` walk the page content and every form XObject it draws, each
    time it is drawn, so a form counts once per use (`/X Do`, found with a regex). Fonts' ToUnicode
    maps count too: pypdf parses them for every page. Decoding here is pypdf's own, and what it
    decodes it keeps, so the budget bounds that memory as well.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_CONTENT_BYTES if limit is None else limit
        self.spent = 0

    def charge_page(self, page: PageObject, number: int) -> None:
        """Charge what reading page `number` (1-based) will interpret; `ReadFailure` past the limit."""
        where = f"page {number}"
        contents = _resolved(page.get("/Contents"), f"{where}: /Contents")
        resources = _resolved(page.get("/Resources"), f"{where}: /Resources")
        self._charge(contents, resources, 1, 0, frozenset(), where, fonts=True)

    def charge_stream(self, stream: StreamObject, resources: object, where: str) -> bool:
        """Charge a stream drawn on its own (a signature appearance) with the resources it uses; whether it
        or a form it draws may show text (a text operator in its bytes: an image stamp has none)."""
        return self._charge(stream, resources, 1, 0, frozenset(), where, fonts=True)

    def _charge(self, contents: object, resources: object, uses: int, depth: int, drawing: frozenset[int],
                where: str, *, fonts: bool) -> bool:
        data = self._data(contents)
        self._spend(len(data) * uses, where)
        shows_text = _TEXT_OPERATOR.search(data) is not None
        resolved = _resolved(resources)
        if not isinstance(resolved, DictionaryObject):
            return shows_text
        if fonts:  # once per resource dictionary: a form without its own shares its parent's fonts
            self._charge_fonts(resolved, where)
        xobjects = _resolved(resolved.get("/XObject"))
        if not isinstance(xobjects, DictionaryObject) or depth >= _MAX_FORM_DEPTH:
            return shows_text
        for name, count in Counter(match.group(1) for match in _DO.finditer(data)).items():
            form = _resolved(xobjects.get("/" + name.decode("latin-1")))
            if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form" or id(form) in drawing:
                continue  # images are never decoded; a form drawing itself is stopped by the walkers
            own = form.get("/Resources")
            shows_text |= self._charge(form, own if own is not None else resolved, uses * count, depth + 1,
                                       drawing | {id(form)}, where, fonts=own is not None)
        return shows_text

    def _charge_fonts(self, resources: DictionaryObject, where: str) -> None:
        fonts = _resolved(resources.get("/Font"))
        if not isinstance(fonts, DictionaryObject):
            return
        for value in fonts.values():
            font = _resolved(value)
            if isinstance(font, DictionaryObject):
                for key in ("/ToUnicode", "/Encoding"):  # an embedded CMap is a stream too
                    cmap = _resolved(font.get(key))
                    if isinstance(cmap, StreamObject):
                        self._spend(len(_decoded(cmap)), where)

    def _data(self, contents: object) -> bytes:
        resolved = _resolved(contents)
        if isinstance(resolved, StreamObject):
            return _decoded(resolved)
        if isinstance(resolved, ArrayObject):
            parts = []
            for part in resolved:
                stream = _resolved(part)
                if isinstance(stream, StreamObject):
                    parts.append(_decoded(stream))
            return b"\n".join(parts)
        return b""

    def _spend(self, amount: int, where: str) -> None:
        self.spent += amount
        if self.spent > self.limit:
            raise ReadFailure(
                ReadProblem.CORRUPT,
                f"{where}: more than {self.limit} bytes of drawing operators to interpret "
                "(forms counted per use): runaway or crafted content",
            )


def _resolved(value: object, loop_is: str | None = None) -> object:
    """Follow indirect references; an object that is only a reference to itself (or to another such
    object) resolves to None, or raises `ReadFailure` naming `loop_is` when that part is essential."""
    for _ in range(_MAX_REFERENCE_HOPS):
        if not isinstance(value, IndirectObject):
            return value
        reference = value
        try:
            value = reference.get_object()
        except (AttributeError, RecursionError):  # pypdf trips over "4 0 obj 4 0 R endobj" itself
            break
    else:
        if not isinstance(value, IndirectObject):
            return value
    if loop_is is None:
        return None
    raise ReadFailure(ReadProblem.CORRUPT, f"{loop_is} is a reference loop (object {reference.idnum} refers to itself)")


def page_lines(page: PageObject, page_number: int, source: Source = Source.PAGE_TEXT,
               field_name: str | None = None, *, text: str | None = None) -> list[TextLine]:
    """A page's text as lines split into columns; plain extraction when layout mode fails.

    `text` is the page's layout text when PDFium made it (`extractors.pdfium_text`), which
    costs a tenth of pypdf's. A page whose fonts are named as TCVN3's or VNI's is read by pypdf here,
    whose font-aware conversion needs the fonts, unless PDFium's text already reads as Vietnamese with
    no legacy marker in it (the font has a Unicode map): converting it would change nothing.
    """
    if text is not None and (not names_legacy_font(page) or _already_unicode(text)):
        return layout_lines(normalize(text), page_number, source, field_name)
    try:
        text = page.extract_text(extraction_mode="layout")
    except LimitReachedError as error:  # plain mode would only hit the same limit, a second time
        raise ReadFailure(ReadProblem.CORRUPT, f"page {page_number}: {limit_detail(error)}") from error
    except Exception:  # pypdf's layout mode trips on some fonts; plain mode still reads them
        text = page.extract_text()
    unicode_text = legacy_to_unicode(text, _legacy_word_hints(page, page_number))
    return layout_lines(normalize(unicode_text), page_number, source, field_name)


def _already_unicode(text: str) -> bool:
    return not legacy.may_be_legacy(text) and legacy.reads_as_vietnamese(text)


class _LegacyWords:
    """A pypdf text visitor: which words a font named as TCVN3's or VNI's draws, and its hint."""

    def __init__(self) -> None:
        self._votes: dict[str, Counter[FontHint]] = {}

    def visit(self, text: object, _cm: object, _tm: object, font: object, _size: object) -> None:
        hint = legacy.font_hint(_base_font(font))
        if hint is not None and isinstance(text, str):
            for word in text.split():
                self._votes.setdefault(word, Counter())[hint] += 1

    def hints(self) -> dict[str, FontHint]:
        """Each word's hint; a word drawn in several such fonts takes the one drawing it most."""
        return {word: votes.most_common(1)[0][0] for word, votes in self._votes.items()}


def _base_font(font: object) -> str | None:
    resolved = _resolved(font)
    name = resolved.get("/BaseFont") if isinstance(resolved, DictionaryObject) else None
    return str(name) if name is not None else None


def names_legacy_font(page: PageObject) -> bool:
    """Whether the page's own fonts include one named as TCVN3's or VNI's (fonts inside forms are not looked at)."""
    return _names_legacy_font(page.get("/Resources"))


def _names_legacy_font(resources: object) -> bool:
    """Whether a resource dictionary's fonts include one named as TCVN3's or VNI's: a dictionary lookup."""
    resolved = _resolved(resources)
    fonts = _resolved(resolved.get("/Font")) if isinstance(resolved, DictionaryObject) else None
    return isinstance(fonts, DictionaryObject) and any(legacy.font_hint(_base_font(f)) for f in fonts.values())


def _legacy_word_hints(page: PageObject, page_number: int) -> dict[str, FontHint]:
    """For a page naming a legacy font, the words drawn in it, from a second, plain-mode pass.

    Layout mode keeps no font. The pass costs what reading the page cost, so it is made only when
    the page's own font resources name such a font (fonts inside forms are not looked for) and its
    content is within `MAX_FONT_HINT_CONTENT`.
    """
    if not names_legacy_font(page):
        return {}
    words = _LegacyWords()
    try:
        ContentBudget(MAX_FONT_HINT_CONTENT).charge_page(page, page_number)
        page.extract_text(visitor_text=words.visit)
    except LimitReachedError as error:
        raise ReadFailure(ReadProblem.CORRUPT, f"page {page_number}: {limit_detail(error)}") from error
    except Exception:  # too much to read twice, or a font pypdf trips on: statistics alone decide
        return {}
    return words.hints()


def legacy_to_unicode(text: str, hints: Mapping[str, FontHint]) -> str:
    """Layout text with each legacy column segment in Unicode (see `extractors.legacy`).

    A segment's font hint is the one most of its words carry in `hints`. A decoded segment is padded
    back to its width (VNI spends two characters on many letters), centred, so that the columns
    `layout_lines` finds stay where they were.
    """
    if not hints and not legacy.may_be_legacy(text):
        return text  # the common case, one regex search a page
    return "".join(_row_to_unicode(row, hints) for row in text.splitlines(keepends=True))


def _row_to_unicode(row: str, hints: Mapping[str, FontHint]) -> str:
    if not hints and not legacy.may_be_legacy(row):
        return row
    parts = _COLUMN_GAP_KEPT.split(row)
    for index in range(0, len(parts), 2):  # segments; the odd indices are the gaps between them
        piece = parts[index]
        core = piece.strip()
        converted = legacy.to_unicode(core, legacy.majority_hint(core.split(), hints)) if core else core
        if converted != core:
            start = piece.index(core)
            end = start + len(core)
            parts[index] = piece[:start] + converted.center(len(core)) + piece[end:]
    return "".join(parts)


def layout_lines(text: str, page_number: int, source: Source, field_name: str | None = None) -> list[TextLine]:
    """Split layout text into column segments, classified by where they sit on the line."""
    rows = text.splitlines()
    width = max((len(row.rstrip()) for row in rows), default=0) or 1
    lines: list[TextLine] = []
    for row_number, row in enumerate(rows):
        for segment in _segments(row):
            start, end, content = segment
            centre = (start + end) / 2 / width
            column = Column.LEFT if centre < 0.4 else Column.RIGHT if centre > 0.6 else Column.FULL
            if end - start > 0.7 * width:
                column = Column.FULL
            lines.append(TextLine(content, page_number, row_number, column, source, field_name))
    return lines


def _segments(row: str) -> list[tuple[int, int, str]]:
    """Runs of text between wide gaps; a gap that is a blank form field is not a column break."""
    segments: list[tuple[int, int, str]] = []
    position = 0
    for piece in _COLUMN_GAP.split(row):
        start = row.index(piece, position) if piece else position
        position = start + len(piece)
        if not piece.strip():
            continue
        if segments and _BLANK_BEFORE.search(segments[-1][2]) and _BLANK_AFTER.match(piece.strip()):
            first, _, text = segments.pop()
            segments.append((first, position, f"{text} {piece.strip()}"))
        else:
            segments.append((start, position, piece.strip()))
    return segments


def signature_fields(reader: PdfReader, budget: ContentBudget | None = None) -> list[SignatureField]:
    """Every signature widget (the first `MAX_SIGNATURE_FIELDS`), with the text its appearance shows.

    Pages are scanned in order until `MAX_ANNOTATIONS` annotations have been looked at. Appearance
    streams are charged to `budget` (a fresh one when none is given) before they are read. Signatures
    themselves are found by pyHanko through the AcroForm, whatever this scan sees.
    """
    budget = budget if budget is not None else ContentBudget()
    fields: list[SignatureField] = []
    examined = 0
    seen_arrays: set[int] = set()
    for page_number, page in enumerate(reader.pages, start=1):
        annotations = _resolved(page.get("/Annots", None))
        if not isinstance(annotations, ArrayObject) or id(annotations) in seen_arrays:
            continue  # an /Annots array shared by every page is one page's widgets, read once
        seen_arrays.add(id(annotations))
        examined += len(annotations)
        if examined > MAX_ANNOTATIONS:
            break  # 20 000 pages x 100 000 links would take hours; widgets further on stay unlisted
        for annotation in annotations:
            widget = _resolved(annotation)
            if not isinstance(widget, DictionaryObject) or widget.get("/Subtype") != "/Widget":
                continue
            field = _field_of(widget)
            if field.get("/FT") != "/Sig":
                continue
            if len(fields) == MAX_SIGNATURE_FIELDS:
                return fields
            fields.append(
                SignatureField(
                    name=_field_name(field),
                    page=page_number,
                    signed=field.get("/V") is not None,
                    appearance_text=_appearance_text(widget, page_number, _field_name(field), budget),
                    rect=_rect(widget),
                )
            )
    return fields


def _rect(widget: DictionaryObject) -> tuple[float, float, float, float] | None:
    """The widget's rectangle, normalised to (left, bottom, right, top); None when missing or malformed."""
    rect = _resolved(widget.get("/Rect"))
    if not isinstance(rect, ArrayObject) or len(rect) != 4:
        return None
    try:
        x1, y1, x2, y2 = (float(_resolved(value)) for value in rect)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _field_of(widget: DictionaryObject) -> DictionaryObject:
    """The field a widget belongs to: itself when merged, else its parent."""
    if "/FT" in widget or "/Parent" not in widget:
        return widget
    parent = widget["/Parent"].get_object()
    return parent if isinstance(parent, DictionaryObject) else widget


def _field_name(field: DictionaryObject) -> str:
    names: list[str] = []
    node: DictionaryObject | None = field
    while isinstance(node, DictionaryObject) and len(names) < 32:
        if "/T" in node:
            names.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(names))


def _appearance_text(widget: DictionaryObject, page_number: int, field_name: str, budget: ContentBudget) -> str:
    """Text drawn by the widget's normal appearance stream, via a throwaway page."""
    appearance = _resolved(widget.get("/AP"))
    normal = appearance.get("/N") if isinstance(appearance, DictionaryObject) else None
    stream = _resolved(normal)
    if not isinstance(stream, StreamObject):
        return ""
    resources = stream.get("/Resources")
    if not budget.charge_stream(stream, resources, f"signature field {field_name!r} on page {page_number}"):
        return ""  # nothing but images and paths (an organisation's stamp): no text to extract
    page = PageObject.create_blank_page(width=1000, height=1000)
    if resources is not None:
        page[NameObject("/Resources")] = resources
    page[NameObject("/Contents")] = stream
    words = _LegacyWords() if _names_legacy_font(resources) else None  # plain mode: fonts come with the text
    try:
        text = page.extract_text(visitor_text=words.visit if words is not None else None)
    except Exception:  # an undecodable stamp is just a stamp without text
        return ""
    return normalize(legacy_to_unicode(text, words.hints() if words is not None else {})).strip()


def appearance_lines(fields: list[SignatureField]) -> list[TextLine]:
    """Each appearance's text as lines, tagged with the field it came from."""
    lines: list[TextLine] = []
    for field in fields:
        for row, text in enumerate(field.appearance_text.splitlines()):
            if text.strip():
                lines.append(TextLine(text.strip(), field.page or 1, row, Column.FULL,
                                      Source.SIGNATURE_APPEARANCE, field.name))
    return lines
