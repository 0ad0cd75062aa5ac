"""Fuzzing: property-based tests of the header, number and date parsing, and a bounded mutation run
over the sample PDFs. Nothing may raise and nothing may hang."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kiemchung.extractors.header import parse_header
from kiemchung.extractors.models import Column, Source, TextLine
from kiemchung.extractors.pdf import layout_lines

SAMPLES = Path(__file__).parent.parent / "samples" / "batch"
VIETNAMESE = st.text(
    alphabet=st.sampled_from(list("ỦBANHÂDXÃCOSốố:/-KHQĐUB 0123456789aăâđêôơưáàảãạngàythángnăm,.\n\t…_")), max_size=300
)


def lines(text: str) -> list[TextLine]:
    return [TextLine(t, 1, i, Column.FULL, Source.PAGE_TEXT) for i, t in enumerate(text.splitlines())]


@settings(max_examples=300, deadline=None)
@given(VIETNAMESE, VIETNAMESE)
def test_header_parser_never_raises(body: str, stamp: str) -> None:
    parse_header(lines(body), lines(stamp))
    parse_header(layout_lines(body, 1, Source.PAGE_TEXT), [])


SYMBOLS = st.sampled_from(["KH-UBND", "QĐ-UBND", "BC-UBND", "UBND-VP", "SNV-CCHC&PC", "CTr-UBND", "TB-UBND"])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 9999),
    st.sampled_from(["", "a", "b", " a", ".1", "bis", "A"]),
    SYMBOLS,
    st.sampled_from(["Số: ", "Số:", "Số ", "Số : "]),
)
def test_any_number_line_round_trips(number: int, suffix: str, symbol: str, prefix: str) -> None:
    written = f"{number:02d}{suffix}"
    header = parse_header(lines(f"ỦY BAN NHÂN DÂN\nXÃ CAO AN\n{prefix}{written}/{symbol}\nKẾ HOẠCH\nThử"))
    assert header.number is not None and header.number.value == written.strip()
    assert header.symbol is not None and header.symbol.value == symbol


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)), st.booleans())
def test_any_date_line_round_trips(date: dt.date, leading_zero: bool) -> None:
    day = f"{date.day:02d}" if leading_zero else str(date.day)
    month = f"{date.month:02d}" if leading_zero else str(date.month)
    header = parse_header(lines(f"ỦY BAN NHÂN DÂN\nSố: 11/KH-UBND\nCao An, ngày {day} tháng {month} năm {date.year}"))
    assert header.date is not None and header.date.value.as_date() == date
    assert header.place is not None and header.place.value == "Cao An"


# The mutation run happens in a child process so that a hang is a failure, not a stuck CI.
MUTANTS = 200
TIME_LIMIT_S = 240
_WORKER = textwrap.dedent(
    """
    import json, random, sys, tempfile
    from pathlib import Path
    from kiemchung.extractors import read_document

    sources = [Path(p) for p in json.loads(sys.argv[1])]
    rng = random.Random(20231130)
    with tempfile.TemporaryDirectory() as folder:
        for index in range(int(sys.argv[2])):
            data = bytearray(rng.choice(sources).read_bytes())
            for _ in range(rng.randint(1, 12)):
                kind = rng.randrange(4)
                at = rng.randrange(len(data))
                if kind == 0:
                    data[at] = rng.randrange(256)  # flip a byte
                elif kind == 1:
                    del data[at : at + rng.randint(1, 4096)]  # cut a chunk
                elif kind == 2:
                    data[at:at] = data[rng.randrange(len(data)) :][: rng.randint(1, 4096)]  # duplicate a chunk
                else:
                    data[at:at] = rng.choice([b" 0 R", b"/Length 999999999", b"<<", b">>", b"endobj", b"%%EOF"])
            mutant = Path(folder) / f"mutant-{index}.pdf"
            mutant.write_bytes(bytes(data))
            print(index, flush=True)
            facts = read_document(mutant)
            assert facts.sha256, "every file is hashed"
    print("done", flush=True)
    """
)


def test_mutated_pdfs_never_crash_or_hang() -> None:
    sources = sorted(str(p) for p in SAMPLES.rglob("*.pdf") if p.stat().st_size > 10_000)[:8]
    assert sources, "the sample batch has PDFs"
    random.Random(0).shuffle(sources)
    try:
        run = subprocess.run(
            [sys.executable, "-c", _WORKER, json.dumps(sources), str(MUTANTS)],
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT_S,
            cwd=Path(__file__).parent.parent,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        last = (error.stdout or b"").decode().split()[-1:] if isinstance(error.stdout, bytes) else error.stdout
        raise AssertionError(f"mutation run exceeded {TIME_LIMIT_S} s; last mutant started: {last}") from error
    assert run.returncode == 0 and run.stdout.strip().endswith("done"), run.stderr[-3000:]
