"""Numbers and dates stamped into signature widgets are placed by position, whatever their order.

Each document is issued as the e-office signing services issue them (`samples.issuance`): the body
leaves the blanks, the organisation stamps each part in its own signature over the blank. The header
must read the stamped values, say which signature gave each, and never put a stamp into the wrong
blank; a blank nobody stamped stays blank and still zeroes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdfium2.raw as pdfium_c
import pytest

from kiemchung.extractors.models import DocumentFacts, IssueDate, Source
from kiemchung.extractors.pdfium_text import chars_after, opened, page_chars
from kiemchung.extractors.reader import read_document
from kiemchung.extractors.stamps import _added
from kiemchung.validators.model import Outcome
from kiemchung.validators.registry import rule_by_key
from samples.documents import BlankDate, DocSpec
from samples.issuance import Stamp, issue
from samples.pki import TestPKI, build_test_pki, default_profiles
from tests.context import rule_context

CONTEXT = rule_context(dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2024, 1, 15))
SIGNED = dt.datetime(2023, 1, 30, 14, 41, 57, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _spec(symbol: str, date: BlankDate) -> DocSpec:
    return DocSpec(
        number="",
        symbol=symbol,
        issuer="XÃ HÒA BÌNH",
        place="Hòa Bình",
        date=date,
        type_name="BÁO CÁO",
        subject="Kết quả thực hiện công tác văn thư, lưu trữ năm 2022",
        body=("Thực hiện nhiệm vụ được giao, Ủy ban nhân dân xã báo cáo kết quả như sau.",),
    )


# (name, symbol, date left blank, stamps in signing order, expected number, expected date)
CASES = [
    ("day-before-number", "BC-UBND", BlankDate(year=2023, month=1),
     (Stamp("day", "30"), Stamp("number", "11")), "11", dt.date(2023, 1, 30)),
    ("all-four-reversed", "BC-UBND", BlankDate(),
     (Stamp("year", "2023", "left"), Stamp("month", "01", "left"), Stamp("day", "06", "centre"),
      Stamp("number", "05", "left")), "05", dt.date(2023, 1, 6)),
    ("number-over-the-slash", "BC-VP", BlankDate(year=2023),
     (Stamp("number", "12094", "over-slash"), Stamp("month", "12", "centre"), Stamp("day", "15", "left")),
     "12094", dt.date(2023, 12, 15)),
]


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return build_test_pki(default_profiles())


@pytest.fixture(scope="module")
def issued(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[DocumentFacts, dict[str, str]]]:
    read: dict[str, tuple[DocumentFacts, dict[str, str]]] = {}
    for name, symbol, date, stamps, *_ in CASES:
        work = tmp_path_factory.mktemp(name)
        target = work / f"{name}.pdf"
        fields = issue(_spec(symbol, date), target, pki, person="cao-an/person", organization="cao-an/organization",
                       stamps=stamps, signing_time=SIGNED, workdir=work)
        read[name] = (read_document(target), {field.part: field.field_name for field in fields})
    return read


@pytest.mark.parametrize(("name", "number", "date"), [(c[0], c[4], c[5]) for c in CASES])
def test_stamped_number_and_date_are_read_from_the_blank_each_stamp_covers(
    issued: dict[str, tuple[DocumentFacts, dict[str, str]]], name: str, number: str, date: dt.date
) -> None:
    facts, fields = issued[name]
    header = facts.header
    assert header.number is not None and header.number.value == number
    assert header.number.where.source is Source.SIGNATURE_APPEARANCE
    assert header.number.where.field_name == fields["number"]  # the report names the signature that gave it
    assert header.date is not None and header.date.value.as_date() == date
    assert header.date.where.source is Source.SIGNATURE_APPEARANCE
    stamped_date_fields = {fields[part] for part in ("day", "month", "year") if part in fields}
    assert set((header.date.where.field_name or "").split(", ")) == stamped_date_fields


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_a_stamped_document_neither_misses_its_number_nor_its_date(
    issued: dict[str, tuple[DocumentFacts, dict[str, str]]], name: str
) -> None:
    facts, _ = issued[name]
    for name in ("number-missing", "date-missing"):
        rule = rule_by_key(name)
        assert rule is not None
        assert rule.check(facts, CONTEXT).outcome is Outcome.PASSED, name


def test_a_blank_no_stamp_covers_stays_blank(pki: TestPKI, tmp_path: Path) -> None:
    target = tmp_path / "day-left-blank.pdf"
    issue(_spec("BC-UBND", BlankDate(year=2023, month=3)), target, pki, person="cao-an/person",
          organization="cao-an/organization", stamps=(Stamp("number", "27"),), signing_time=SIGNED, workdir=tmp_path)
    facts = read_document(target)
    assert facts.header.number is not None and facts.header.number.value == "27"
    assert facts.header.date is not None and facts.header.date.value == IssueDate(None, 3, 2023)
    rule = rule_by_key("date-missing")
    assert rule is not None
    verdict = rule.check(facts, CONTEXT)
    assert verdict.outcome is Outcome.FAILED and "ngày" in verdict.message


def test_an_issuance_stamp_that_states_the_number_gives_its_signing_time_as_the_issue_date(
    pki: TestPKI, tmp_path: Path
) -> None:
    target = tmp_path / "issued-by-one-stamp.pdf"
    fields = issue(_spec("QĐ-UBND", BlankDate()), target, pki, person="cao-an/person",
                   organization="cao-an/organization", signing_time=SIGNED, workdir=tmp_path,
                   issue_line="Số: 2061/QĐ-UBND\nThời gian ký: 2023-05-13T14:41:57+07:00")
    header = read_document(target).header
    assert header.number is not None and header.number.value == "2061"
    assert header.date is not None and header.date.value.as_date() == dt.date(2023, 5, 13)
    assert header.date.where.field_name == fields[-1].field_name


def test_the_stamps_read_after_the_pages_own_characters_are_those_a_full_comparison_finds(
    pki: TestPKI, tmp_path: Path
) -> None:
    """Flattening appends the stamps after the page's own text, so only they are read (`chars_after`); a
    page whose text no longer starts with its own characters is compared character by character instead."""
    target = tmp_path / "stamped.pdf"
    issue(_spec("BC-UBND", BlankDate(year=2023)), target, pki, person="cao-an/person",
          organization="cao-an/organization", stamps=(Stamp("day", "30"), Stamp("month", "01"), Stamp("number", "11")),
          signing_time=SIGNED, workdir=tmp_path)
    with opened(target) as document:
        assert document is not None
        own = page_chars(document, 0)
        assert own
        page = document[0]
        assert pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY) == pdfium_c.FLATTEN_SUCCESS
        page.close()
        after = chars_after(document, 0, own)
        everything = page_chars(document, 0)
        assert everything is not None and after is not None
        assert after == _added(own, everything)  # the stamps and the person's signature, nothing of the page's own
        assert 0 < len(after) < len(own)
        shifted = [own[0]._replace(reading=own[0].reading + 1), *own[1:]]  # not where the page now has it
        assert chars_after(document, 0, shifted) is None
