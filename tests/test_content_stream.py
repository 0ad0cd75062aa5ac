"""The regex content-stream parser reads exactly what pypdf reads, or steps aside (None).

Compared on every content stream of the bundled samples (pages, forms, signature appearances),
on hand-written streams covering each token kind and each reason to step aside, and on 400 random
mutations of real streams. Objects are compared with their types: a FloatObject where pypdf makes
a NumberObject would change text positions.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, StreamObject

from extractors.content_stream import _pypdf_parse, parse_operations

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "batch"


def _pypdf(data: bytes) -> list[tuple[Any, bytes]] | Exception:
    """What pypdf's own parser makes of `data`, or the error it raises."""
    stream = ContentStream(None, None)
    try:
        _pypdf_parse(stream, io.BytesIO(data))
    except Exception as error:  # the comparison is the point
        return error
    return stream._operations


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _agrees(data: bytes) -> bool:
    """True when ours is pypdf's result, or ours steps aside; a success where pypdf fails is not."""
    ours = parse_operations(data)
    if ours is None:
        return True
    theirs = _pypdf(data)
    return not isinstance(theirs, Exception) and _same(ours, theirs)


def _streams(value: object, seen: set[int]) -> Iterator[bytes]:
    """Decoded content of every form and page content stream reachable from `value`."""
    if isinstance(value, StreamObject) and value.get("/Subtype") == "/Form" and id(value) not in seen:
        seen.add(id(value))
        yield value.get_data()
    if isinstance(value, DictionaryObject):
        for key in value:
            if key not in ("/Parent", "/P"):
                yield from _streams(value.get(key).get_object() if value.get(key) is not None else None, seen)
    elif isinstance(value, list):
        for item in value:
            yield from _streams(item.get_object(), seen)


def _sample_streams() -> list[bytes]:
    found: list[bytes] = []
    for path in sorted(SAMPLES.rglob("*.pdf")):
        try:
            reader = PdfReader(path)
            for page in reader.pages:
                contents = page.get_contents()
                if contents is not None:
                    found.append(contents.get_data())
                found.extend(_streams(page.get("/Resources"), set()))
                for annotation in page.get("/Annots", None) or []:
                    found.extend(_streams(annotation.get_object().get("/AP"), set()))
        except Exception:  # broken samples have nothing to compare
            continue
    return [data for data in found if data]


@pytest.fixture(scope="module")
def sample_streams() -> list[bytes]:
    return _sample_streams()


def test_every_sample_stream_is_read_as_pypdf_reads_it(sample_streams: list[bytes]) -> None:
    assert len(sample_streams) > 50
    handled = [data for data in sample_streams if parse_operations(data) is not None]
    assert all(_same(parse_operations(data), _pypdf(data)) for data in handled)
    assert len(handled) >= 0.9 * len(sample_streams)  # the shortcut is the common road


@pytest.mark.parametrize(
    "data",
    [
        b"BT /F1 12 Tf 72 712 Td (Hello \\(nested (parens)\\) \\101\\n) Tj ET",
        b"BT [(W)120.5(ord)-3 (s)] TJ <48656c6c6f> Tj T* (x) ' 1 2 (y) \" ET",
        b"/Span <</ActualText (\\376\\377\\000A) /MCID 3>> BDC EMC",
        b"q 1 0 0 1 -.5 +3 cm 5. 0 m 10 0 l S Q % a comment\n0 g",
        b"[1 [2 [3]] /N] 0 d",
        b"/F1 1 Tf",
    ],
)
def test_each_token_kind_is_read_as_pypdf_reads_it(data: bytes) -> None:
    ours = parse_operations(data)
    assert ours is not None
    assert _same(ours, _pypdf(data))


@pytest.mark.parametrize(
    "data",
    [
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q",  # inline image
        b"1 0 R Do",  # a reference, which pypdf refuses in content
        b"1,5 0 Td",  # a number pypdf repairs to 0
        b"/A#20B gs",  # a name with an escape
        b"[true 1] 0 d",  # an operator-like word inside an array
        b"[1 2 0 d",  # an unterminated array
        b"(never closed Tj",  # an unterminated string
        b"[1 %c\n 2] 0 d",  # a comment inside an array
        b"1\x0b2 m",  # a byte pypdf treats as white space only inside arrays
        b"12345678901234567890123 0 Td",  # a number longer than pypdf's look-ahead
    ],
)
def test_what_is_not_copied_exactly_goes_to_pypdf(data: bytes) -> None:
    assert parse_operations(data) is None


def test_string_escapes_are_read_as_pypdf_reads_them() -> None:
    """Octal codes short and long (past 377 pypdf keeps them as written), line continuations of
    each kind, the named escapes, unknown ones, and escaped parentheses and backslashes."""
    rng = random.Random(7)
    pieces = [
        b"\\",
        b"0",
        b"3",
        b"4",
        b"7",
        b"8",
        b"n",
        b"r",
        b"t",
        b"b",
        b"f",
        b"x",
        b"\n",
        b"\r",
        b"\xff",
        b" ",
        b"\\(",
        b"\\)",
    ]
    for _ in range(2000):
        body = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))).rstrip(b"\\")
        data = b"(" + body + b") Tj"
        ours = parse_operations(data)
        assert ours is None or _same(ours, _pypdf(data)), data


def test_random_mutations_never_read_differently(sample_streams: list[bytes]) -> None:
    rng = random.Random(20261122)
    alphabet = b" \n()<>[]{}/%#\\.+-,0123456789ABTfjRBIEI\x00\x0b"
    for _ in range(400):
        data = bytearray(rng.choice(sample_streams)[:4000])
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.choice(alphabet)
        assert _agrees(bytes(data)), bytes(data)[:200]
