"""How the first pages of a PDF are made: one big image, real text, or an invisible OCR layer.

A scan is a page covered by one image, with no visible text (or only the invisible text layer,
render mode 3, that OCR tools add). These facts are read here; the rule that calls a page a scan
lives in `validators/`.

The content stream is walked with a small regex tokenizer instead of pypdf's `ContentStream`:
pypdf parses byte by byte into objects (about 3 ms for a short born-digital page), while we only
need a handful of operators and never the operand objects. Image data is never decoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from extractors.models import PageImaging

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# One token per match. Groups: 1 literal string without nested parentheses, 2 start of a literal
# string with nesting, 3 delimiters, 4 hex string body, 5 name, 6 number/operator/keyword,
# 7 any stray byte. Whitespace and comments match without a group and are skipped.
_WHITESPACE = rb"\x00\t\n\x0c\r "
_DELIMITERS = rb"()<>\[\]{}/%"
_TOKEN = re.compile(
    rb"[" + _WHITESPACE + rb"]+"
    rb"|%[^\r\n]*"
    rb"|(\((?:[^()\\]|\\.)*\))"
    rb"|(\()"
    rb"|(<<|>>|\[|\]|\{|\})"
    rb"|<([0-9A-Fa-f" + _WHITESPACE + rb"]*)>"
    rb"|(/[^" + _WHITESPACE + _DELIMITERS + rb"]*)"
    rb"|([^" + _WHITESPACE + _DELIMITERS + rb"]+)"
    rb"|(.)",
    re.S,
)
_STRING_PART = re.compile(rb"\\.|[()]", re.S)
_STRING_ESCAPE = re.compile(rb"\\(?:[0-7]{1,3}|\r\n|.)", re.S)
_INLINE_DATA_START = re.compile(rb"[" + _WHITESPACE + rb"]?ID[" + _WHITESPACE + rb"]")
_INLINE_DATA_END = re.compile(rb"[" + _WHITESPACE + rb"]EI(?=[" + _WHITESPACE + rb"]|$)")
_HEX_SPACE = re.compile(rb"[" + _WHITESPACE + rb"]")
_NUMBER_START = frozenset(b"0123456789+-.")
_INVISIBLE_MODES = frozenset({3, 7})  # 3: neither fill nor stroke (OCR layer); 7: clip only
_SHOW_OPERATORS = frozenset({b"Tj", b"TJ", b"'", b'"'})
_MAX_FORM_DEPTH = 12
_MAX_FORM_CALLS = 500  # per page: a form drawn thousands of times is a pattern, not a document
# Per page, forms included. A dense real page has some thousands; the walk costs ~2 µs an operator,
# so this caps a crafted page at about a second whatever budget the caller did or did not check.
_MAX_OPERATIONS = 500_000

# A page is "image-only" when one image covers most of it and it shows almost no real text: a scan,
# or a photograph of paper. The reader OCRs such a first page and `validators.scans` judges scans
# by the same test, so the two can never disagree on what a scanned page is.
IMAGE_COVERAGE = 0.8
VISIBLE_TEXT_CHARS = 40


@dataclass
class _GraphicsState:
    """The parts of the PDF graphics state we need; saved and restored by q/Q."""

    ctm: Matrix = _IDENTITY
    render_mode: int = 0
    bytes_per_code: int = 1  # of the current font: 2 for composite (Type0) fonts


@dataclass
class _PageTally:
    """What one page adds up to while its content (and the forms it draws) is walked."""

    page_box: tuple[float, float, float, float]
    largest_coverage: float = 0.0
    visible_chars: int = 0
    invisible_chars: int = 0
    form_calls: int = 0
    operations: int = 0
    font_widths: dict[tuple[int, str], int] = field(default_factory=dict)


class _TooMuchContent(Exception):
    """Raised out of nested walks when a page reaches `_MAX_OPERATIONS`; what was counted stands."""


def is_image_page(page: PageImaging) -> bool:
    """One image covers the page and (almost) no visible text is drawn on it; an OCR layer may be."""
    return page.largest_image_coverage >= IMAGE_COVERAGE and page.visible_chars < VISIBLE_TEXT_CHARS


def page_imaging(reader: PdfReader, max_pages: int = 3) -> tuple[PageImaging, ...]:
    """Image coverage and visible/invisible text counts of the first `max_pages` pages.

    Never raises: a page whose content cannot be read reports what was counted before the damage.
    """
    results: list[PageImaging] = []
    try:
        pages = reader.pages
        count = min(len(pages), max_pages)
    except Exception:  # a broken page tree: no page facts rather than a crash
        return ()
    for index in range(count):
        try:
            page = pages[index]
        except Exception:  # one unreadable page entry must not hide the others
            continue
        results.append(_page_facts(page, index + 1))
    return tuple(results)


def _page_facts(page: PageObject, number: int) -> PageImaging:
    tally = _PageTally(page_box=_page_box(page))
    try:
        resources = _dictionary(page.get("/Resources"))
        data = _content_bytes(page.get("/Contents"))
        _walk(data, resources, _GraphicsState(), tally, depth=0, seen_forms=frozenset())
    except Exception:  # a damaged stream or object, or _TooMuchContent: keep what was counted so far
        pass
    return PageImaging(
        page=number,
        largest_image_coverage=round(min(tally.largest_coverage, 1.0), 4),
        visible_chars=tally.visible_chars,
        invisible_chars=tally.invisible_chars,
    )


def _page_box(page: PageObject) -> tuple[float, float, float, float]:
    """The visible area of the page (CropBox, defaulting to MediaBox), normalised."""
    try:
        box = page.cropbox
        x1, y1, x2, y2 = (float(box.left), float(box.bottom), float(box.right), float(box.top))
    except Exception:  # missing or malformed boxes: A4, the paper every Vietnamese document uses
        x1, y1, x2, y2 = 0.0, 0.0, 595.0, 842.0
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _dictionary(value: object) -> DictionaryObject | None:
    resolved = value.get_object() if hasattr(value, "get_object") else value
    return resolved if isinstance(resolved, DictionaryObject) else None


def _content_bytes(contents: object) -> bytes:
    """The decoded page content: one stream, or an array of streams joined by newlines."""
    resolved = contents.get_object() if hasattr(contents, "get_object") else contents
    if isinstance(resolved, StreamObject):
        return _stream_data(resolved)
    if isinstance(resolved, ArrayObject):
        return b"\n".join(_stream_data(part.get_object()) for part in resolved)
    return b""


def _stream_data(stream: object) -> bytes:
    if not isinstance(stream, StreamObject):
        return b""
    try:
        return stream.get_data()
    except Exception:  # an undecodable filter: this part of the page counts as empty
        return b""


def _walk(
    data: bytes,
    resources: DictionaryObject | None,
    state: _GraphicsState,
    tally: _PageTally,
    depth: int,
    seen_forms: frozenset[int],
) -> None:
    """Interpret the operators that matter; `state` is this stream's own copy."""
    stack: list[_GraphicsState] = []
    for operator, operands in _operations(data):
        tally.operations += 1
        if tally.operations > _MAX_OPERATIONS:
            raise _TooMuchContent
        if operator in _SHOW_OPERATORS:
            shown = _shown_bytes(operator, operands)
            chars = shown // state.bytes_per_code if state.bytes_per_code > 1 else shown
            if state.render_mode in _INVISIBLE_MODES:
                tally.invisible_chars += chars
            else:
                tally.visible_chars += chars
        elif operator == b"q":
            stack.append(_GraphicsState(state.ctm, state.render_mode, state.bytes_per_code))
        elif operator == b"Q":
            if stack:
                state = stack.pop()
        elif operator == b"cm":
            matrix = _matrix(operands)
            if matrix is not None:
                state.ctm = _multiply(matrix, state.ctm)
        elif operator == b"Tf":
            if operands and isinstance(operands[0], bytes) and operands[0][:1] == b"/":
                state.bytes_per_code = _bytes_per_code(resources, operands[0], tally)
        elif operator == b"Tr":
            mode = _number(operands[-1]) if operands else None
            if mode is not None:
                state.render_mode = int(mode)
        elif operator == b"BI":
            _note_image(state.ctm, tally)
        elif operator == b"Do" and operands and isinstance(operands[-1], bytes):
            _draw_xobject(operands[-1], resources, state, tally, depth, seen_forms)


def _operations(data: bytes) -> Iterator[tuple[bytes, list[object]]]:
    """Yield (operator, operands) pairs. Operands: bytes for numbers and names, int for string
    lengths in bytes, ("array", total string bytes) for arrays; dictionaries become None.

    Inline images are reported as the operator b"BI" with their data skipped, never parsed.
    """
    operands: list[object] = []
    array_depth = 0
    array_bytes = 0
    dict_depth = 0
    position = 0
    length = len(data)
    while position < length:
        restart_at = -1
        for match in _TOKEN.finditer(data, position):
            group = match.lastindex
            if group is None:
                continue
            if group == 6:
                token = match.group(6)
                if token[0] in _NUMBER_START or dict_depth or array_depth:
                    if not dict_depth and not array_depth:
                        operands.append(token)
                    continue
                if token == b"BI":
                    restart_at = _skip_inline_image(data, match.end())
                    yield b"BI", []
                    operands = []
                    break
                yield token, operands
                operands = []
            elif group == 1 or group == 4:
                size = _literal_length(match.group(1)[1:-1]) if group == 1 else (len(_hex_digits(match)) + 1) // 2
                if array_depth:
                    array_bytes += size
                elif not dict_depth:
                    operands.append(size)
            elif group == 2:
                end, size = _nested_literal(data, match.start())
                if array_depth:
                    array_bytes += size
                elif not dict_depth:
                    operands.append(size)
                restart_at = end
                break
            elif group == 5:
                if not dict_depth and not array_depth:
                    operands.append(match.group(5))
            elif group == 3:
                delimiter = match.group(3)
                if delimiter == b"[":
                    if array_depth == 0:
                        array_bytes = 0
                    array_depth += 1
                elif delimiter == b"]":
                    if array_depth:
                        array_depth -= 1
                        if array_depth == 0 and not dict_depth:
                            operands.append(("array", array_bytes))
                elif delimiter == b"<<":
                    dict_depth += 1
                elif delimiter == b">>" and dict_depth:
                    dict_depth -= 1
                    if dict_depth == 0 and not array_depth:
                        operands.append(None)
        if restart_at < 0:
            return
        position = restart_at


def _hex_digits(match: re.Match[bytes]) -> bytes:
    return _HEX_SPACE.sub(b"", match.group(4))


def _literal_length(body: bytes) -> int:
    """Byte length of a literal string after its escapes are resolved."""
    if b"\\" not in body:
        return len(body)
    skipped = 0
    for escape in _STRING_ESCAPE.finditer(body):
        text = escape.group()
        # "\<newline>" is a line continuation and stands for nothing; other escapes for one byte.
        skipped += len(text) if text in (b"\\\n", b"\\\r", b"\\\r\n") else len(text) - 1
    return len(body) - skipped


def _nested_literal(data: bytes, start: int) -> tuple[int, int]:
    """End position and byte length of a literal string with nested parentheses at `start`."""
    depth = 0
    for part in _STRING_PART.finditer(data, start):
        token = part.group()
        if token == b"(":
            depth += 1
        elif token == b")":
            depth -= 1
            if depth == 0:
                return part.end(), _literal_length(data[start + 1 : part.start()])
    return len(data), _literal_length(data[start + 1 :])  # unterminated: the rest of the stream


def _skip_inline_image(data: bytes, after_bi: int) -> int:
    """Position just after an inline image's EI; its dictionary and data are not interpreted."""
    start = _INLINE_DATA_START.search(data, after_bi)
    if start is None:
        return len(data)
    end = _INLINE_DATA_END.search(data, start.end())
    return len(data) if end is None else end.end()


def _shown_bytes(operator: bytes, operands: list[object]) -> int:
    if not operands:
        return 0
    last = operands[-1]
    if operator == b"TJ":
        return last[1] if isinstance(last, tuple) and isinstance(last[1], int) else 0
    return last if isinstance(last, int) else 0


def _number(token: object) -> float | None:
    if not isinstance(token, bytes):
        return None
    try:
        return float(token)
    except ValueError:
        return None


def _matrix(operands: list[object]) -> Matrix | None:
    if len(operands) < 6:
        return None
    values = [_number(token) for token in operands[-6:]]
    if any(value is None for value in values):
        return None
    a, b, c, d, e, f = (float(value or 0.0) for value in values)
    return (a, b, c, d, e, f)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n in PDF row-vector convention: apply m first, then n."""
    a1, b1, c1, d1, e1, f1 = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _note_image(ctm: Matrix, tally: _PageTally) -> None:
    """Record the page fraction covered by an image drawn in the unit square under `ctm`."""
    a, b, c, d, e, f = ctm
    xs = (e, a + e, c + e, a + c + e)
    ys = (f, b + f, d + f, b + d + f)
    px1, py1, px2, py2 = tally.page_box
    page_area = (px2 - px1) * (py2 - py1)
    if page_area <= 0:
        return
    width = min(max(xs), px2) - max(min(xs), px1)
    height = min(max(ys), py2) - max(min(ys), py1)
    if width <= 0 or height <= 0:
        return
    # The clipped bounding box is exact for upright images; a rotated or skewed image covers
    # no more than its own parallelogram.
    area = min(width * height, abs(a * d - b * c))
    tally.largest_coverage = max(tally.largest_coverage, area / page_area)


def _bytes_per_code(resources: DictionaryObject | None, name: bytes, tally: _PageTally) -> int:
    """Bytes per character code of a font: composite (Type0) fonts use two-byte codes."""
    key = (id(resources), name.decode("latin-1"))
    cached = tally.font_widths.get(key)
    if cached is not None:
        return cached
    width = 1
    fonts = _dictionary(resources.get("/Font")) if resources is not None else None
    font = _dictionary(fonts.get(key[1])) if fonts is not None else None
    if font is not None and font.get("/Subtype") == "/Type0":
        width = 2
    tally.font_widths[key] = width
    return width


def _draw_xobject(
    name: bytes,
    resources: DictionaryObject | None,
    state: _GraphicsState,
    tally: _PageTally,
    depth: int,
    seen_forms: frozenset[int],
) -> None:
    xobjects = _dictionary(resources.get("/XObject")) if resources is not None else None
    if xobjects is None:
        return
    reference = xobjects.get(name.decode("latin-1"))
    xobject = reference.get_object() if reference is not None else None
    if not isinstance(xobject, StreamObject):
        return
    subtype = xobject.get("/Subtype")
    if subtype == "/Image":
        _note_image(state.ctm, tally)
        return
    if subtype != "/Form" or depth >= _MAX_FORM_DEPTH or tally.form_calls >= _MAX_FORM_CALLS:
        return
    identity = id(xobject)
    if identity in seen_forms:  # a form that draws itself
        return
    tally.form_calls += 1
    matrix = _matrix([_token_of(value) for value in xobject.get("/Matrix", ArrayObject())]) or _IDENTITY
    form_state = _GraphicsState(_multiply(matrix, state.ctm), state.render_mode, state.bytes_per_code)
    form_resources = _dictionary(xobject.get("/Resources")) or resources
    _walk(_stream_data(xobject), form_resources, form_state, tally, depth + 1, seen_forms | {identity})


def _token_of(value: object) -> bytes:
    """A PDF number object as the byte token the tokenizer would have produced."""
    return str(value.get_object() if hasattr(value, "get_object") else value).encode("ascii", "replace")


__all__ = ["IMAGE_COVERAGE", "VISIBLE_TEXT_CHARS", "is_image_page", "page_imaging"]
