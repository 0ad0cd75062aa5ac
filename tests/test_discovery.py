"""Finding units, their self-assessment table and every evidence file, with NFC paths."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from criteria_map import criteria_for_path, criterion_code
from pipeline.config import Layout
from pipeline.discovery import discover
from pipeline.errors import UsageError


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_unit(root: Path) -> Path:
    touch(root / "Bảng tự đánh giá CCHC 2023.xlsx")
    touch(root / "1.1" / "Kế hoạch 11.pdf")
    touch(root / "TC 1.2 - Báo cáo CCHC" / "Báo cáo.pdf")
    touch(root / "Lĩnh vực 1" / "1.3. Kiểm tra" / "Biên bản.pdf")
    touch(root / "Tiêu chí 3.2.6" / "QĐ.docx")
    touch(root / "Công văn rời.pdf")
    return root


def test_one_unit_folder(tmp_path: Path) -> None:
    unit = make_unit(tmp_path / "UBND xã Cao An")
    (found,) = discover(unit, Layout.AUTO)
    assert found.name == "UBND xã Cao An"
    assert found.self_assessment is not None and found.self_assessment.name.endswith(".xlsx")
    assert [found.relative(f) for f in found.files] == [
        "1.1/Kế hoạch 11.pdf",
        "Công văn rời.pdf",
        "Lĩnh vực 1/1.3. Kiểm tra/Biên bản.pdf",
        "TC 1.2 - Báo cáo CCHC/Báo cáo.pdf",
        "Tiêu chí 3.2.6/QĐ.docx",
    ]


def test_folder_of_units(tmp_path: Path) -> None:
    make_unit(tmp_path / "batch" / "UBND xã Cao An")
    make_unit(tmp_path / "batch" / "UBND xã Tân Lập")
    units = discover(tmp_path / "batch", Layout.AUTO)
    assert [u.name for u in units] == ["UBND xã Cao An", "UBND xã Tân Lập"]
    assert all(len(u.files) == 5 for u in units)


def test_nfd_names_are_reported_nfc(tmp_path: Path) -> None:
    folder = unicodedata.normalize("NFD", "Tiêu chí 2.1")
    name = unicodedata.normalize("NFD", "Quyết định số 05.pdf")
    touch(tmp_path / "u" / folder / name)
    (unit,) = discover(tmp_path / "u", Layout.UNIT)
    (relative,) = [unit.relative(f) for f in unit.files]
    assert relative == unicodedata.normalize("NFC", "Tiêu chí 2.1/Quyết định số 05.pdf")
    assert criteria_for_path(relative.split("/")[:-1]) == ("2.1",)


def test_links_are_listed_not_followed(tmp_path: Path) -> None:
    outside = make_unit(tmp_path / "outside")
    unit = touch(tmp_path / "u" / "1.1" / "a.pdf").parent.parent
    os.symlink(outside, unit / "1.1" / "linked folder")
    os.symlink(outside / "Công văn rời.pdf", unit / "1.1" / "linked.pdf")
    (found,) = discover(unit, Layout.UNIT)
    assert sorted(found.relative(f) for f in found.files) == ["1.1/a.pdf", "1.1/linked folder", "1.1/linked.pdf"]


def test_word_file_at_top_is_evidence_unless_named_as_the_table(tmp_path: Path) -> None:
    touch(tmp_path / "u" / "Kế hoạch CCHC.docx")
    touch(tmp_path / "u" / "Biểu tự chấm điểm.docx")
    (unit,) = discover(tmp_path / "u", Layout.UNIT)
    assert unit.self_assessment is not None and unit.self_assessment.name == "Biểu tự chấm điểm.docx"
    assert [f.name for f in unit.files] == ["Kế hoạch CCHC.docx"]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        discover(tmp_path / "nope", Layout.AUTO)


@pytest.mark.parametrize(
    ("name", "code"),
    [("1.1", "1.1"), ("1.1. Kế hoạch CCHC", "1.1"), ("TC 1.2 - Báo cáo", "1.2"), ("Tiêu chí 3.2.6", "3.2.6"),
     ("TC1.2", "1.2"), ("Lĩnh vực 1", "1"), ("TIÊU CHÍ 8.4.1.1", "8.4.1.1"), ("01. Kế hoạch", "1"),
     ("2023", None), ("30.01.2023", None), ("Hình ảnh", None), ("Tài liệu khác", None)],
)
def test_criterion_codes_from_folder_names(name: str, code: str | None) -> None:
    assert criterion_code(name) == code


def test_deepest_coded_folder_wins() -> None:
    assert criteria_for_path(["Lĩnh vực 1", "1.1. Kế hoạch", "Phụ lục"]) == ("1.1",)
    assert criteria_for_path(["Tài liệu khác"]) == ()
