"""pypdf's content-stream parser, with its common tokens read by one regular expression.

Reading text means parsing drawing operators: the first and last page in layout mode, every
signature appearance, and the forms they draw. pypdf reads them one byte at a time, which made
parsing about a sixth of reading a signed PDF. `parse_operations` reads numbers, names, operators,
arrays, literal and hex strings (their escapes as pypdf reads them), white space and comments
itself, building each object with pypdf's own types and `create_string_object`; a dictionary, or a
string with nested parentheses, goes to pypdf's `read_object` at its offset.

Anything whose handling it does not copy exactly returns None, and pypdf's parser then reads the
whole stream as before (with its errors and limits): inline images (BI), names with # escapes or
beyond ASCII, numbers pypdf would repair or read as a reference, operators inside arrays
(true/false/null), unterminated arrays or strings, comments inside arrays, bytes no token starts
with, and streams that could exhaust pypdf's parsing budget. tests/test_content_stream.py compares the
two parsers on every content stream of the samples and on hostile ones.

`install()` makes it pypdf's parser for this process (`extractors.pdf` calls it on import).
"""

from __future__ import annotations

import codecs
import io
import re
from typing import Any

from pypdf import get_configuration
from pypdf._utils import WHITESPACES_AS_BYTES, WHITESPACES_AS_REGEXP
from pypdf.generic import ArrayObject, ContentStream, FloatObject, NameObject, NumberObject, create_string_object
from pypdf.generic._data_structures import read_object
from pypdf.generic._utils import __ESCAPE_DICT__ as _PYPDF_ESCAPES
from pypdf.generic._utils import StreamParsingBudget

# The byte classes pypdf uses: white space between tokens (its WHITESPACES) and, ending names and
# operators, the regex class \s (which adds \x0b and leaves out \x00) plus the delimiters.
_SPACE = WHITESPACES_AS_REGEXP
_REGULAR = rb"[^\t\n\x0b\x0c\r ()<>\[\]{}/%]"
_NUMBER_BYTE = rb"[+,\-.0-9]"  # pypdf's number is a run of these ("[+-.0-9]" is a range with the comma)
_TOKEN = re.compile(  # each token with the white space before it
    _SPACE + rb"*(?:"
    rb"([+-]?\d+)(?!" + _NUMBER_BYTE + rb")"  # 1 an integer
    rb"|([+-]?(?:\d+\.\d*|\.\d+))(?!" + _NUMBER_BYTE + rb")"  # 2 a real
    rb"|(/[^\x00-\x20\x7f-\xff()<>\[\]{}/%]*)(?=[\t\n\x0b\x0c\r ()<>\[\]{}/%]|$)"  # 3 a printable ASCII name
    rb"|([A-Za-z'\"]" + _REGULAR + rb"*)"  # 4 an operator
    rb"|(\[)|(\])"  # 5, 6
    rb"|\(((?:[^()\\]|\\[\x00-\xff])*)\)"  # 7 a string without nested parentheses
    rb"|<([0-9A-Fa-f" + WHITESPACES_AS_BYTES + rb"]*)>"  # 8 a hex string
    rb"|(%[^\r\n]*[\r\n]?)"  # 9 a comment
    rb"|([(<])"  # 10 any other string, or a dictionary: pypdf's read_object
    rb"|[\x00-\xff]"  # anything else: no group
    rb")"
)
_SPACE_BYTES = re.compile(_SPACE)
# pypdf's escapes: up to three octal digits, a line break (with a second line-break byte, any), a byte.
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|[\r\n][\r\n]?|[\x00-\xff])")
# A backslash not starting a three-digit octal code up to 377 or one of \n \r \t \b \f \\: where there
# is none, Python's own escape decoder reads the string exactly as pypdf does, without a call per escape
# (reportlab, for one, writes every character of a subset font as an octal code).
_NOT_PLAIN_ESCAPE = re.compile(rb"\\(?![0-3][0-7]{2}|[nrtbf\\])")
(_INTEGER, _REAL, _NAME, _OPERATOR, _OPEN, _CLOSE, _STRING, _HEX, _COMMENT, _OBJECT) = range(1, 11)
_PYPDF_PEEK = 20  # bytes pypdf looks ahead at a number, for a reference or the number's end
_MAX_OPERATOR = ContentStream._OPERATOR_LENGTH_LIMIT
_MAX_NAME = NameObject._LENGTH_LIMIT


def parse_operations(data: bytes, forced_encoding: Any = None) -> list[tuple[Any, bytes]] | None:
    """The (operands, operator) pairs pypdf would read from `data`; None where it must read them itself."""
    operations: list[tuple[Any, bytes]] = []
    operands: list[Any] = []
    arrays: list[ArrayObject] = []
    # Charged a unit per token, '[' and ']' included (pypdf charges an array and its elements), and
    # by pypdf itself inside dictionaries: never less than pypdf would charge, so a stream that
    # could exhaust the budget goes to pypdf, which enforces it.
    budget = get_configuration().stream_parsing_work_maximum_count
    array_limit = get_configuration().array_maximum_element_count
    position, end = 0, len(data.rstrip(WHITESPACES_AS_BYTES))
    while position < end:
        for match in _TOKEN.finditer(data, position, end):
            kind = match.lastindex
            budget -= 1
            value: Any
            # Numbers are built as pypdf's constructors build them from text our pattern has
            # already checked, without their Python-level repair of malformed text.
            if kind in (_INTEGER, _REAL):
                number = match.group(kind)
                if len(number) >= _PYPDF_PEEK:
                    return None
                if kind == _INTEGER:
                    value = int.__new__(NumberObject, int(number))
                else:
                    value = float.__new__(FloatObject, float(number))
            elif kind == _OPERATOR:
                operator = match.group(kind)
                if arrays or operator == b"BI" or len(operator) >= _MAX_OPERATOR or _reference(operator, operands):
                    return None
                operations.append((operands, operator))
                operands = []
                continue
            elif kind == _NAME:
                name = match.group(kind)
                if b"#" in name or len(name) >= _MAX_NAME:
                    return None
                value = NameObject(name.decode("ascii"))
            elif kind == _STRING:
                body = match.group(kind)
                value = create_string_object(_unescaped(body) if b"\\" in body else body, forced_encoding)
            elif kind == _HEX:
                digits = _SPACE_BYTES.sub(b"", match.group(kind)).decode("ascii")
                value = create_string_object(bytes.fromhex(digits + "0" * (len(digits) % 2)), forced_encoding)
            elif kind == _OPEN:
                arrays.append(ArrayObject())
                continue
            elif kind == _CLOSE:
                if not arrays:
                    return None
                value = arrays.pop()
            elif kind == _COMMENT and not arrays:
                continue
            elif kind == _OBJECT:
                read = _read_object(data, match.start(kind), forced_encoding, budget)
                if read is None:
                    return None
                value, position, budget = read
            else:  # a byte no token starts with, or a comment inside an array: pypdf's to read
                return None
            if arrays:
                if len(arrays[-1]) >= array_limit:
                    return None
                arrays[-1].append(value)
            else:
                operands.append(value)
            if kind == _OBJECT:
                break  # the iterator's position is behind: restart where pypdf stopped
        else:
            break
    return None if arrays or budget < 0 else operations


def _unescaped(body: bytes) -> bytes:
    """A literal string's bytes with its escapes read as `pypdf.generic.read_string_from_stream` reads them."""
    if _NOT_PLAIN_ESCAPE.search(body) is None:
        return codecs.escape_decode(body)[0]
    return _ESCAPE.sub(_unescape, body)


def _unescape(match: re.Match[bytes]) -> bytes:
    """One escape of a literal string, as `pypdf.generic.read_string_from_stream` reads it."""
    escaped = match.group(1)
    if escaped[0] in b"01234567":
        code = int(escaped, 8)
        return bytes((code,)) if code <= 255 else b"\\" + escaped  # pypdf keeps an overflow as written
    if escaped[0] in b"\r\n":
        return b""  # an escaped line break continues the string
    known = _PYPDF_ESCAPES.get(escaped)
    return bytes((known,)) if known is not None else b"\\" + escaped  # pypdf warns and keeps it


def _reference(operator: bytes, operands: list[Any]) -> bool:
    """Whether "N G R" may have been read as two numbers and an operator: pypdf reads a reference
    there, which content streams cannot hold (and it fails on). Erring towards yes costs nothing."""
    return (
        operator[:1] == b"R"
        and not operator[1:2].isalpha()
        and len(operands) >= 2
        and all(isinstance(value, NumberObject) for value in operands[-2:])
    )


def _read_object(data: bytes, start: int, forced_encoding: Any, budget: int) -> tuple[Any, int, int] | None:
    """pypdf's `read_object` at `start`, with where it stopped and the budget left; None when it fails."""
    stream = io.BytesIO(data)
    stream.seek(start)
    left = StreamParsingBudget(remaining_budget=budget)
    try:
        value = read_object(stream, None, forced_encoding, parsing_budget=left)
    except Exception:  # an unterminated string, a limit reached: pypdf reports it, reading it all
        return None
    return value, stream.tell(), left.remaining_budget


_pypdf_parse = getattr(ContentStream._parse_content_stream, "__wrapped__", ContentStream._parse_content_stream)


def _parse_content_stream(self: ContentStream, stream: Any) -> None:
    """Drop-in for `ContentStream._parse_content_stream`: ours when it can, pypdf's otherwise."""
    data = stream.getvalue() if isinstance(stream, io.BytesIO) else None
    operations = parse_operations(data, self.forced_encoding) if data is not None else None
    if operations is None:
        _pypdf_parse(self, stream)
    else:
        self._operations.extend(operations)


_parse_content_stream.__wrapped__ = _pypdf_parse  # type: ignore[attr-defined]


def install() -> None:
    """Make `_parse_content_stream` pypdf's content-stream parser in this process."""
    ContentStream._parse_content_stream = _parse_content_stream  # type: ignore[method-assign]
