"""Tests for the sample generator (samples/): real files, read back with pyHanko, pypdf and python-docx."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from samples.catalog import make_units
from samples.documents import BlankDate, DocSpec, format_vn_date, write_pdf, write_scan_pdf
from samples.generate import (
    DEFAULT_DOCS_PER_UNIT,
    DEFAULT_UNITS,
    SAMPLES_DIR,
    OutputNotOwned,
    _label_duplicate,
    generate,
)
from samples.pki import TestPKI, build_test_pki, default_profiles
from samples.plans import SPECIAL_CASES, case_files, plan_batch
from samples.signing import (
    VN_TZ,
    append_incremental_edit,
    flip_byte_in_signed_range,
    read_signing_times,
    sign_pdf,
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small batch: 2 units x 6 files (the anchor plan plus the first special cases of each unit)."""
    root = tmp_path_factory.mktemp("samples")
    result = generate(root / "batch", units=2, docs_per_unit=6)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    return {"root": root, "out": result.out, "manifest": manifest}


def _entry(batch: dict[str, Any], case: str) -> tuple[dict[str, Any], Path]:
    for unit in batch["manifest"]["units"]:
        for entry in unit["files"]:
            if entry["case"] == case:
                return entry, _on_disk(batch["out"] / unit["folder"], entry["path"])
    raise AssertionError(f"case {case!r} not in the batch")


def _on_disk(unit_dir: Path, relative: str) -> Path:
    """Resolve an NFC manifest path against names that may be NFD on disk."""
    current = unit_dir
    for part in relative.split("/"):
        matches = [c for c in current.iterdir() if unicodedata.normalize("NFC", c.name) == part]
        assert len(matches) == 1, (relative, part)
        current = matches[0]
    return current


def _appearance_texts(path: Path) -> dict[str, str]:
    """Text of each signature widget's normal appearance (nested form XObjects included)."""
    texts: dict[str, str] = {}
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots", []) or []:
            widget = annot.get_object()
            if widget.get("/FT") != "/Sig" or "/AP" not in widget:
                continue
            appearance = widget["/AP"]["/N"].get_object()
            writer = PdfWriter()
            holder = writer.add_blank_page(595, 842)
            holder[NameObject("/Resources")] = appearance.get("/Resources", DictionaryObject())
            content = StreamObject()
            content.set_data(appearance.get_data())
            holder[NameObject("/Contents")] = writer._add_object(content)
            texts[str(widget["/T"])] = holder.extract_text()
    return texts


def test_good_pdf_has_person_then_organization_signature_signed_in_2023(batch: dict[str, Any]) -> None:
    entry, path = _entry(batch, "good")
    with path.open("rb") as handle:
        signatures = PdfFileReader(handle).embedded_signatures
        names = [sig.signer_cert.subject.native["common_name"] for sig in signatures]
        times = [sig.self_reported_timestamp for sig in signatures]
    assert names == ["Nguyễn Văn An", "Ủy ban nhân dân xã Cao An"]
    assert all(t is not None and t.year == 2023 for t in times)
    # The CMS signing-time attributes are exactly the times the manifest says.
    assert read_signing_times(path) == {
        s["field"]: datetime.fromisoformat(s["signing_time"]) for s in entry["facts"]["signatures"]
    }


def test_good_pdf_text_has_number_and_date_in_nfc(batch: dict[str, Any]) -> None:
    entry, path = _entry(batch, "good")
    text = PdfReader(path).pages[0].extract_text()
    assert text == unicodedata.normalize("NFC", text)
    assert "Số: 11/KH-UBND" in text
    assert "Cao An, ngày 30 tháng 01 năm 2023" in text
    assert entry["header"]["number"] == "11"
    assert entry["header"]["date"] == "2023-01-30"
    assert entry["expected"] == []


def test_stamped_number_is_only_in_the_signature_appearance(batch: dict[str, Any]) -> None:
    entry, path = _entry(batch, "stamped-number")
    body = PdfReader(path).pages[0].extract_text()
    assert "Số: 07/KH-UBND" not in body
    assert "/KH-UBND" in body
    appearances = "\n".join(_appearance_texts(path).values())
    assert "Số: 07/KH-UBND" in appearances
    assert "ngày 16 tháng 02 năm 2023" in appearances
    assert entry["header"]["number"] == "07"
    assert entry["expected"] == []


def test_scan_page_is_one_image_and_no_text(batch: dict[str, Any]) -> None:
    entry, path = _entry(batch, "scan-unsigned")
    page = PdfReader(path).pages[0]
    assert len(page.images) == 1
    assert page.extract_text().strip() == ""
    assert entry["expected"] == ["scanned-paper", "unsigned"]


def test_scan_with_ocr_layer_has_only_invisible_text(tmp_path: Path) -> None:
    spec = DocSpec(date=date(2023, 3, 15), type_name="BÁO CÁO", subject="Kết quả thực hiện CCHC quý I",
                   body=("Tiếp nhận 412 hồ sơ.",), number="21", symbol="BC-UBND")
    path = tmp_path / "scan.pdf"
    write_scan_pdf(spec, path, ocr_layer=True)
    page = PdfReader(path).pages[0]
    assert len(page.images) == 1
    assert "Số: 21/BC-UBND" in page.extract_text()
    content = page.get_contents()
    assert content is not None
    assert b"3 Tr" in content.get_data()  # text render mode 3: neither filled nor stroked


def test_docx_header_is_a_two_column_table(batch: dict[str, Any]) -> None:
    from docx import Document

    entry, path = _entry(batch, "unsigned-docx")
    header = Document(str(path)).tables[0]
    assert len(header.columns) == 2
    left, right = (cell.text for cell in header.rows[0].cells)
    assert f"Số: {entry['header']['number']}/{entry['header']['symbol']}" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "ngày" in right


def test_manifest_lists_every_generated_file_exactly_once(batch: dict[str, Any]) -> None:
    manifest = batch["manifest"]
    assert manifest["complete"] is True
    for unit in manifest["units"]:
        unit_dir = batch["out"] / unit["folder"]
        on_disk = sorted(unicodedata.normalize("NFC", p.relative_to(unit_dir).as_posix())
                         for p in unit_dir.rglob("*") if p.is_file())
        listed = [entry["path"] for entry in unit["files"]]
        assert len(listed) == len(set(listed))
        assert sorted(listed) == on_disk
        for entry in unit["files"]:
            assert set(entry["expected"]) <= set(manifest["rules"])
    unit_folders = {p.name for p in batch["out"].iterdir()}
    assert unit_folders == {unit["folder"] for unit in manifest["units"]}
    assert (batch["root"] / manifest["trust_root"]).read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_rogue_signature_does_not_chain_to_the_trust_root(batch: dict[str, Any]) -> None:
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    root = load_cert_from_pemder(str(batch["root"] / batch["manifest"]["trust_root"]))  # type: ignore[no-untyped-call]
    usage = KeyUsageConstraints(key_usage={"digital_signature"}, match_all_key_usages=False)
    trusted: dict[str, list[bool]] = {}
    for case in ("good", "signature-rogue"):
        _, path = _entry(batch, case)
        with path.open("rb") as handle:
            for sig in PdfFileReader(handle).embedded_signatures:
                context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail",
                                            moment=sig.self_reported_timestamp)
                status = validate_pdf_signature(sig, context, key_usage_settings=usage)
                assert status.intact and status.valid
                trusted.setdefault(case, []).append(status.trusted)
    assert trusted == {"good": [True, True], "signature-rogue": [False, True]}


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return build_test_pki(default_profiles())


@pytest.mark.parametrize(("subfilter", "cms_attribute"), [("pades", False), ("pkcs7", True)])
def test_signing_time_is_the_chosen_time(
    pki: TestPKI, tmp_path: Path, subfilter: Literal["pades", "pkcs7"], cms_attribute: bool
) -> None:
    from pyhanko.sign.validation.generic_cms import extract_self_reported_ts

    src = tmp_path / "doc.pdf"
    write_pdf(DocSpec(date=date(2023, 5, 4), type_name="THÔNG BÁO", subject="Lịch tiếp công dân",
                      body=("Chủ tịch UBND xã tiếp công dân vào thứ Năm hằng tuần.",)), src)
    when = datetime(2023, 5, 4, 9, 30, 15, tzinfo=VN_TZ)
    sign_pdf(src, tmp_path / "signed.pdf", pki.signer("cao-an/person"), field_name="Sig1",
             signing_time=when, subfilter=subfilter)
    with (tmp_path / "signed.pdf").open("rb") as handle:
        (sig,) = PdfFileReader(handle).embedded_signatures
        assert sig.self_reported_timestamp == when  # /M, or the CMS attribute when present
        assert (extract_self_reported_ts(sig.signer_info) == when) is cms_attribute


def test_tampering_helpers_break_or_extend_the_signed_revision(pki: TestPKI, tmp_path: Path) -> None:
    src = tmp_path / "doc.pdf"
    write_pdf(DocSpec(date=date(2023, 5, 4), type_name="THÔNG BÁO", subject="Lịch tiếp công dân",
                      body=("Chủ tịch UBND xã tiếp công dân vào thứ Năm hằng tuần.",)), src)
    signed = tmp_path / "signed.pdf"
    sign_pdf(src, signed, pki.signer("cao-an/person"), field_name="Sig1",
             signing_time=datetime(2023, 5, 4, 9, 30, tzinfo=VN_TZ))
    flipped, edited = tmp_path / "flipped.pdf", tmp_path / "edited.pdf"
    offset = flip_byte_in_signed_range(signed, flipped)
    assert signed.read_bytes()[offset] != flipped.read_bytes()[offset]
    append_incremental_edit(signed, edited)
    assert edited.read_bytes().startswith(signed.read_bytes())  # original revision kept byte for byte
    assert "Đã sửa" in PdfReader(edited).pages[0].extract_text()


def test_blank_date_keeps_the_year() -> None:
    assert format_vn_date(BlankDate(year=2023)) == "ngày      tháng      năm 2023"
    assert format_vn_date(date(2023, 6, 5)) == "ngày 05 tháng 6 năm 2023"
    assert format_vn_date(date(2023, 2, 15)) == "ngày 15 tháng 02 năm 2023"


def test_refuses_to_delete_a_folder_it_did_not_make(tmp_path: Path) -> None:
    foreign = tmp_path / "batch"
    foreign.mkdir()
    (foreign / "important.txt").write_text("not ours", encoding="utf-8")
    with pytest.raises(OutputNotOwned):
        generate(foreign, units=1, docs_per_unit=1)
    assert (foreign / "important.txt").exists()


def test_no_private_key_in_the_batch(batch: dict[str, Any]) -> None:
    for path in batch["root"].rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY" not in path.read_bytes(), path


def test_manifest_paths_are_nfc_with_slashes(batch: dict[str, Any]) -> None:
    paths = [entry["path"] for unit in batch["manifest"]["units"] for entry in unit["files"]]
    assert all(p == unicodedata.normalize("NFC", p) and "\\" not in p for p in paths)
    # One name in the batch is NFD on disk, as when folders are zipped on a Mac.
    assert any(entry["nfd_on_disk"] for unit in batch["manifest"]["units"] for entry in unit["files"])


def test_the_default_batch_holds_every_special_case_once() -> None:
    plans = plan_batch(make_units(DEFAULT_UNITS), DEFAULT_DOCS_PER_UNIT)
    assert [len(unit) for unit in plans] == [DEFAULT_DOCS_PER_UNIT] * DEFAULT_UNITS
    labelled = Counter(plan.case for unit in plans for plan in unit)
    # Both documents of a reused number carry the case; of a duplicate, the copy does (its original is good).
    assert {case: labelled[case] for case in SPECIAL_CASES} == {
        case: 2 if case == "number-reused" else 1 for case in SPECIAL_CASES
    }
    assert sum(case_files(case) for case in SPECIAL_CASES) <= DEFAULT_UNITS * (DEFAULT_DOCS_PER_UNIT - 1)
    # A case of several files stays in one unit: a duplicate or a reused number is a unit's own.
    for case in ("duplicate-document", "number-reused"):
        assert sum(any(plan.case == case for plan in unit) for unit in plans) == 1


def test_the_bundled_batch_is_the_default_one() -> None:
    manifest = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is True
    assert manifest["parameters"] == {"units": DEFAULT_UNITS, "docs_per_unit": DEFAULT_DOCS_PER_UNIT, "seed": 0}


def _entry_of(path: str, case: str) -> dict[str, Any]:
    expected = ["duplicate-document"] if case == "duplicate-document" else []
    return {"path": path, "case": case, "expected": expected, "facts": {}}


def test_the_duplicate_finding_is_expected_on_the_copy_the_rule_reports() -> None:
    """`duplicate-document` keeps the first by path without extension: a loose copy can come first."""
    original, copy = _entry_of("1.2/48-BC-UBND.pdf", "good"), _entry_of("1.pdf", "duplicate-document")
    _label_duplicate(original, copy)
    assert (copy["case"], copy["expected"]) == ("good", [])
    assert (original["case"], original["expected"]) == ("duplicate-document", ["duplicate-document"])
    assert original["facts"]["duplicate"] == {"role": "copy", "kept": "1.pdf"}
    kept, later = _entry_of("1.2/a.pdf", "good"), _entry_of("1.3/b.pdf", "duplicate-document")
    _label_duplicate(kept, later)
    assert later["expected"] == ["duplicate-document"] and kept["facts"]["duplicate"]["role"] == "kept"
