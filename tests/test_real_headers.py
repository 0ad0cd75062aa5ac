"""Generated PDFs of real documents' header shapes, read end to end through `read_document`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiemchung.extractors.models import DocumentHeader
from kiemchung.extractors.reader import read_document
from samples.headers import SAMPLES, HeaderSample, write_header_pdf


def _value(header: DocumentHeader, field: str) -> str | None:
    located = getattr(header, field)
    if located is None:
        return None
    if field == "date":
        day = located.value.as_date()
        return day.isoformat() if isinstance(day, dt.date) else None
    return str(located.value)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_sample_header_reads_as_printed(sample: HeaderSample, tmp_path: Path) -> None:
    path = tmp_path / f"{sample.name}.pdf"
    write_header_pdf(sample, path)
    facts = read_document(path, ocr=False)
    assert facts.read_error is None
    got = {field: _value(facts.header, field) for field in sample.expected}
    assert got == sample.expected


def test_incoming_stamp_gives_neither_number_nor_date(tmp_path: Path) -> None:
    sample = next(s for s in SAMPLES if s.name == "incoming-stamp-over-header")
    path = tmp_path / "stamp.pdf"
    write_header_pdf(sample, path)
    header = read_document(path, ocr=False).header
    assert header.date is not None and header.date.value.day is None  # the header's blank day stays blank
    assert header.issuer is not None and "SỞ NỘI VỤ" not in header.issuer.value
