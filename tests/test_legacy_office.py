"""Word 97-2003 (.doc) evidence and Excel 97-2003 (.xls) self-assessment tables.

The .doc and .xls files under `tests/fixtures/legacy-office/` were written by LibreOffice from the
project's own .docx/.xlsx writers (`python -m samples.legacy_office` makes them again), so they are
what a real writer saves. The real .doc files of `../shared/real-documents` are read too, when present.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from kiemchung.extractors.models import DocumentHeader, FileKind, ReadProblem, Source
from kiemchung.extractors.reader import read_document
from kiemchung.extractors.self_assessment import read_self_assessment
from kiemchung.extractors.text import fold
from kiemchung.extractors.word97 import _without_field_codes
from kiemchung.validators.model import Outcome
from kiemchung.validators.rules.unreadable import Unreadable
from kiemchung.validators.rules.unsigned import Unsigned
from samples.documents import write_docx
from samples.legacy_office import FOLDER, PLAN, self_assessment
from samples.self_assessment import write_self_assessment_xlsx
from tests.context import rule_context

DOC = FOLDER / "ke-hoach-15.doc"
TCVN3_DOC = FOLDER / "ke-hoach-11-tcvn3.doc"
XLS = FOLDER / "bang-tu-danh-gia.xls"
REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real-documents"
CONTEXT = rule_context(dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2024, 3, 1))
FIELDS = ("issuer", "number", "symbol", "doc_type", "type_name", "date", "place", "subject", "signer_role",
          "signer_name")


def _values(header: DocumentHeader) -> dict[str, Any]:
    return {name: getattr(header, name).value if getattr(header, name) else None for name in FIELDS}


def test_a_doc_gives_the_header_its_docx_gives(tmp_path: Path) -> None:
    source = tmp_path / "ke-hoach-15.docx"
    write_docx(PLAN, source)
    doc, docx = read_document(DOC), read_document(source)
    assert doc.read_error is None and doc.kind is FileKind.DOC and doc.named_kind is None
    assert _values(doc.header) == _values(docx.header)
    assert doc.header.number is not None and doc.header.number.value == "15"
    assert doc.header.number.where.source is Source.DOCX_TABLE  # the header table's cells, as in the .docx


def test_an_unsigned_doc_is_unsigned_like_a_docx() -> None:
    facts = read_document(DOC)
    assert facts.package_signatures == 0
    verdict = Unsigned().evaluate(facts, CONTEXT)
    assert verdict.outcome is Outcome.FAILED and "Tệp Word" in verdict.message


def test_a_tcvn3_doc_is_turned_into_unicode() -> None:
    facts = read_document(TCVN3_DOC)
    assert facts.read_error is None
    date = facts.header.date
    assert date is not None and (date.value.day, date.value.month, date.value.year) == (30, 1, 2023)
    assert facts.header.place is not None and facts.header.place.value == "Cao An"


@pytest.mark.parametrize(("source", "name", "kind", "named"), [
    (DOC, "Kế hoạch 15.docx", FileKind.DOC, "docx"),  # a real .doc renamed .docx
    (DOC, "Kế hoạch 15.pdf", FileKind.DOC, "pdf"),
])
def test_a_doc_under_another_name_is_read_by_its_content(tmp_path: Path, source: Path, name: str, kind: FileKind,
                                                         named: str) -> None:
    path = tmp_path / name
    shutil.copyfile(source, path)
    facts = read_document(path)
    assert facts.read_error is None and facts.kind is kind and facts.named_kind == named
    assert facts.header.number is not None and facts.header.number.value == "15"


def test_a_docx_saved_as_doc_is_read_as_docx(tmp_path: Path) -> None:
    path = tmp_path / "Kế hoạch 15.doc"
    write_docx(PLAN, path)
    facts = read_document(path)
    assert facts.read_error is None and facts.kind is FileKind.DOCX and facts.named_kind == "doc"
    assert facts.header.number is not None and facts.header.number.value == "15"


@pytest.mark.parametrize(("name", "content", "actual", "says"), [
    ("Kế hoạch.doc", b'<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">',
     "html", "trang web (HTML)"),
    ("Quyết định.pdf", b'\xef\xbb\xbf{"status": 404, "message": "File not found"}', "json", "JSON"),
    ("Báo cáo.doc", b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times New Roman;}} Bao cao}", "rtf", "RTF"),
])
def test_what_is_no_document_is_reported_for_what_it_is(tmp_path: Path, name: str, content: bytes, actual: str,
                                                        says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content + b" " * 200)
    facts = read_document(path)
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.WRONG_CONTENT
    assert facts.read_error.actual_kind == actual
    verdict = Unreadable().evaluate(facts, CONTEXT)
    assert verdict.outcome is Outcome.FAILED and says in verdict.message
    assert f"đuôi {Path(name).suffix}" in verdict.message


def test_a_workbook_named_doc_is_wrong_content(tmp_path: Path) -> None:
    path = tmp_path / "Kế hoạch.doc"
    shutil.copyfile(XLS, path)
    error = read_document(path).read_error
    assert error is not None and error.problem is ReadProblem.WRONG_CONTENT and error.actual_kind == "xls"


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_a_cut_doc_is_a_finding_not_a_crash(tmp_path: Path, keep: float) -> None:
    path = tmp_path / "cut.doc"
    data = DOC.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    facts = read_document(path)
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.CORRUPT


def test_a_field_keeps_its_result_not_its_code() -> None:
    # "Số: " then a PAGE-like field showing 15; a nested field inside the code; a field without a result.
    text = "Số: \x13 SEQ \x13 X \x1412\x15 \x1415\x15/KH\x13 TOC \x15-UBND\r"
    shown = _without_field_codes(text)
    assert len(shown) == len(text)  # positions still map to the file
    assert shown.replace("\0", "").replace("\x15", "") == "Số: 15/KH-UBND\r"


def test_an_xls_table_reads_as_its_xlsx(tmp_path: Path) -> None:
    xlsx = tmp_path / "bang.xlsx"
    write_self_assessment_xlsx(self_assessment(), xlsx)
    from_xls, from_xlsx = read_self_assessment(XLS), read_self_assessment(xlsx)
    assert from_xls.read_error is None and len(from_xls.rows) > 20
    assert from_xls.rows == from_xlsx.rows
    assert (from_xls.header_row, from_xls.columns, from_xls.total_self_score) == (
        from_xlsx.header_row, from_xlsx.columns, from_xlsx.total_self_score)


def test_an_xls_named_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "Bảng tự đánh giá.xlsx"
    shutil.copyfile(XLS, path)
    table = read_self_assessment(path)
    assert table.read_error is None and table.rows == read_self_assessment(XLS).rows


def test_a_cut_xls_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "cut.xls"
    path.write_bytes(XLS.read_bytes()[:3000])
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.CORRUPT


def _real_labels() -> list[dict[str, Any]]:
    truth = REAL / "truth.json"
    if not truth.exists():
        return []
    files = json.loads(truth.read_text("utf-8"))["files"]
    return [label for label in files if label["path"].lower().endswith(".doc")]


@pytest.mark.skipif(not (REAL / "truth.json").exists(), reason="../shared/real-documents is absent")
@pytest.mark.parametrize("label", _real_labels(), ids=lambda label: Path(label["path"]).name[:30])
def test_real_doc_files_read_as_labelled(label: dict[str, Any]) -> None:
    facts = read_document(REAL / label["path"])
    assert facts.read_error is None
    assert facts.kind is (FileKind.DOCX if label["kind"] == "docx" else FileKind.DOC)  # one is OOXML named .doc
    header = facts.header
    if label["symbol"]:
        assert header.symbol is not None and fold(header.symbol.value) == fold(label["symbol"])
    if label["issuer"]:
        assert header.issuer is not None and fold(label["issuer"].split(" / ")[-1]) in fold(header.issuer.value)
    if label["signer"]:
        assert header.signer_name is not None and fold(header.signer_name.value) == fold(label["signer"])
    assert header.number is None or header.number.value == ""  # every one is a draft: the number is blank
    assert facts.package_signatures == 0
