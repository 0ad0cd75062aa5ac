"""`read_document` on real files: generated PDFs and Word files, and every unreadable kind."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import replace
from pathlib import Path

import pytest

from kiemchung.extractors import read_document
from kiemchung.extractors.hashing import file_sha256
from kiemchung.extractors.models import FileKind, ReadProblem, Source
from kiemchung.pipeline.work import job_for
from samples import broken
from samples.attacks import Workbench
from samples.documents import BlankDate, DocSpec, layout_document, write_docx, write_pdf, write_scan_pdf
from samples.signing import sign_pdf

PLAN = DocSpec(
    date=dt.date(2023, 1, 30),
    type_name="KẾ HOẠCH",
    subject="Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023",
    body=("Căn cứ Kế hoạch số 12a/KH-UBND ngày 05/01/2023 của UBND huyện về cải cách hành chính;",
          "UBND xã Cao An ban hành Kế hoạch cải thiện Chỉ số CCHC năm 2023 như sau:"),
    number="15",
)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "Kế hoạch 15.pdf"
    write_pdf(PLAN, path)
    return path


@pytest.mark.parametrize("order", ["rows", "left-first", "right-first"])
def test_pdf_header_whatever_the_drawing_order(tmp_path: Path, order: str) -> None:
    path = tmp_path / "plan.pdf"
    write_pdf(PLAN, path, column_order=order)  # type: ignore[arg-type]
    header = read_document(path).header
    assert header.number is not None and header.number.value == "15"  # not the cited 12a
    assert header.symbol is not None and header.symbol.value == "KH-UBND"
    assert header.doc_type is not None and header.doc_type.value == "KH"
    assert header.date is not None and header.date.value.as_date() == dt.date(2023, 1, 30)
    assert header.issuer is not None and header.issuer.value == "ỦY BAN NHÂN DÂN XÃ CAO AN"
    assert header.place is not None and header.place.value == "Cao An"
    assert header.subject is not None and header.subject.value == PLAN.subject
    assert header.signer_name is not None and header.signer_name.value == "Nguyễn Văn An"


def test_a_long_text_s_signature_block_is_read_where_its_signer_signed(tmp_path: Path, attack_bench: Workbench) -> None:
    """The block of a text longer than the pages read from the start, appendices after it: the page
    of the signed widget over it says where it is."""
    spec = replace(PLAN, body=tuple(f"{n}. Rà soát, cập nhật danh mục thủ tục hành chính của xã, công khai đầy đủ "
                                    "trên Cổng dịch vụ công và tại bộ phận một cửa." for n in range(1, 260)))
    block = layout_document(spec).signature_box
    assert block.page + 1 > 12  # past what is read from the start
    plain, signed = tmp_path / "plain.pdf", tmp_path / "signed.pdf"
    layout = write_pdf(spec, plain, pages=block.page + 4)
    sign_pdf(plain, signed, attack_bench.pki.signer("cao-an/person"), field_name="Signature1",
             signing_time=dt.datetime(2023, 1, 30, 9, tzinfo=dt.UTC),
             visible_box=layout.person_signature_box.as_tuple())

    header = read_document(signed).header

    assert header.signer_name is not None and header.signer_name.value == "Nguyễn Văn An"
    assert header.signer_name.where.page == block.page + 1


def test_pdf_facts(pdf: Path) -> None:
    facts = read_document(pdf)
    assert facts.kind is FileKind.PDF and facts.read_error is None
    assert facts.page_count == 1 and len(facts.sha256) == 64 and facts.size == pdf.stat().st_size
    assert facts.signatures == () and facts.imaging and facts.imaging[0].visible_chars > 200


def test_the_reader_and_the_cache_hash_a_file_alike(pdf: Path) -> None:
    """One hash helper: the facts' sha256 is the key the run looks the file up by."""
    assert read_document(pdf).sha256 == job_for(pdf, table=False).sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert file_sha256(pdf) == (pdf.stat().st_size, job_for(pdf, table=False).sha256)


def test_docx_header_table(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    write_docx(PLAN, path)
    facts = read_document(path)
    assert facts.kind is FileKind.DOCX and facts.read_error is None
    header = facts.header
    assert header.number is not None and header.number.value == "15"
    assert header.number.where.source is Source.DOCX_TABLE
    assert header.date is not None and header.date.value.as_date() == dt.date(2023, 1, 30)
    assert header.issuer is not None and header.issuer.value == "ỦY BAN NHÂN DÂN XÃ CAO AN"
    assert header.type_name is not None and header.type_name.value == "KẾ HOẠCH"
    assert header.subject is not None and header.subject.value == PLAN.subject
    assert header.signer_name is not None and header.signer_name.value == "Nguyễn Văn An"


def test_blank_number_and_date_in_a_draft(tmp_path: Path) -> None:
    from dataclasses import replace

    path = tmp_path / "draft.pdf"
    write_pdf(replace(PLAN, number="", date=BlankDate(year=2024)), path)
    header = read_document(path).header
    assert header.number is not None and header.number.value == ""
    assert header.date is not None and header.date.value.year == 2024 and header.date.value.as_date() is None


def _unreadable(tmp_path: Path, pdf: Path, kind: str) -> Path:
    docx_path = tmp_path / "source.docx"
    write_docx(PLAN, docx_path)
    target = {
        "empty": tmp_path / "empty.pdf",
        "truncated": tmp_path / "truncated.pdf",
        "random": tmp_path / "random.pdf",
        "docx-as-pdf": tmp_path / "word.pdf",
        "pdf-as-docx": tmp_path / "pdf.docx",
        "encrypted": tmp_path / "locked.pdf",
        "legacy-doc": tmp_path / "old.doc",
        "image": tmp_path / "photo.jpg",
        "gif": tmp_path / "animation.gif",
    }[kind]
    if kind == "empty":
        broken.write_zero_byte(target)
    elif kind == "truncated":
        broken.write_truncated(pdf, target)
    elif kind == "random":
        broken.write_random_bytes(target)
    elif kind == "docx-as-pdf":
        broken.write_misnamed_copy(docx_path, target)
    elif kind == "pdf-as-docx":
        broken.write_misnamed_copy(pdf, target)
    elif kind == "encrypted":
        broken.write_encrypted_pdf(pdf, target, user_password="mat-khau", owner_password="chu")
    elif kind == "legacy-doc":
        broken.write_legacy_doc(target)
    elif kind == "gif":
        target.write_bytes(b"GIF89a" + b"\x00" * 64)
    else:
        target.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    return target


@pytest.mark.parametrize(
    ("kind", "problem", "actual"),
    [
        ("empty", ReadProblem.EMPTY, None),
        ("truncated", ReadProblem.TRUNCATED, None),
        ("random", ReadProblem.WRONG_CONTENT, "unknown"),
        ("encrypted", ReadProblem.ENCRYPTED, None),
        ("legacy-doc", ReadProblem.CORRUPT, None),  # only an OLE signature: no compound file behind it
        ("image", ReadProblem.CORRUPT, "image"),  # pictures are read (tests/test_ocr.py); this one is broken
        ("gif", ReadProblem.UNSUPPORTED, "image"),
    ],
)
def test_each_unreadable_kind(tmp_path: Path, pdf: Path, kind: str, problem: ReadProblem, actual: str | None) -> None:
    facts = read_document(_unreadable(tmp_path, pdf, kind))
    assert facts.read_error is not None, kind
    assert facts.read_error.problem is problem
    if actual is not None:
        assert facts.read_error.actual_kind == actual


@pytest.mark.parametrize(("kind", "read_as", "named"), [("docx-as-pdf", FileKind.DOCX, "pdf"),
                                                        ("pdf-as-docx", FileKind.PDF, "docx")])
def test_a_misnamed_document_is_read_by_its_content(tmp_path: Path, pdf: Path, kind: str, read_as: FileKind,
                                                    named: str) -> None:
    facts = read_document(_unreadable(tmp_path, pdf, kind))
    assert facts.read_error is None and facts.kind is read_as and facts.named_kind == named
    assert facts.header.number is not None and facts.header.number.value == "15"


def test_owner_password_only_still_opens(tmp_path: Path, pdf: Path) -> None:
    path = tmp_path / "restricted.pdf"
    broken.write_encrypted_pdf(pdf, path, user_password="", owner_password="chu")
    facts = read_document(path)
    assert facts.read_error is None
    assert facts.header.number is not None and facts.header.number.value == "15"


def test_system_files_are_recognised_not_read(tmp_path: Path) -> None:
    path = tmp_path / ".DS_Store"
    broken.write_ds_store(path)
    assert read_document(path).kind is FileKind.SYSTEM


def test_word_package_signature_is_counted(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "signed.docx"
    write_docx(PLAN, path)
    assert read_document(path).package_signatures == 0
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("_xmlsignatures/sig1.xml", "<Signature xmlns='http://www.w3.org/2000/09/xmldsig#'/>")
    assert read_document(path).package_signatures == 1


def test_named_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until someone writes: the reader must not even try."""
    fifo = tmp_path / "Kế hoạch.pdf"
    os.mkfifo(fifo)
    facts = read_document(fifo)  # would hang here if the pipe were opened
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.UNSUPPORTED
    assert "named pipe" in facts.read_error.detail


def test_a_scan_s_garbled_ocr_layer_states_nothing_but_a_clean_one_is_read(tmp_path: Path) -> None:
    """A phone-scan app's OCR layer can be garbage: no issuer or subject read from it, never a wrong one."""
    spec = DocSpec(issuer="XÃ HÒA BÌNH", place="Hòa Bình", date=dt.date(2023, 4, 3), type_name="KẾ HOẠCH",
                   subject="Tuyên truyền cải cách hành chính năm 2023", body=("Nội dung kế hoạch.",))
    clean, garbled = tmp_path / "clean.pdf", tmp_path / "garbled.pdf"
    write_scan_pdf(spec, clean, ocr_layer=True)
    write_scan_pdf(spec, garbled, ocr_layer=True, garbled=True)
    assert read_document(clean, ocr=False).header.issuer is not None
    header = read_document(garbled, ocr=False).header
    assert header.issuer is None and header.subject is None


def test_a_copy_stamp_printed_on_a_scan_leaves_it_a_scan(tmp_path: Path) -> None:
    """'SAO Y; <body>; <date>' printed on the page image by the certifying body is no born-digital text."""
    spec = DocSpec(date=dt.date(2023, 4, 3), type_name="KẾ HOẠCH", subject="Kiểm tra", body=("Nội dung.",))
    path = tmp_path / "sao-y.pdf"
    copy_line = "SAO Y; CÔNG AN TỈNH HÒA BÌNH; 06/01/2023; 16:42:26; +07:00"
    write_scan_pdf(spec, path, ocr_layer=False, pages=2, copy_line=copy_line)
    imaging = read_document(path, ocr=False).imaging
    assert [page.visible_chars for page in imaging] == [0, 0]
