"""Finding units, their self-assessment table and every evidence file, with NFC paths."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from kiemchung.criteria_map import criteria_for_path, criterion_code
from kiemchung.pipeline.config import Layout
from kiemchung.pipeline.discovery import discover
from kiemchung.pipeline.errors import UsageError
from kiemchung.pipeline.table_choice import is_marked_old


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
    (found,) = discover(unit, Layout.AUTO).units
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
    units = discover(tmp_path / "batch", Layout.AUTO).units
    assert [u.name for u in units] == ["UBND xã Cao An", "UBND xã Tân Lập"]
    assert all(len(u.files) == 5 for u in units)


def test_nfd_names_are_reported_nfc(tmp_path: Path) -> None:
    folder = unicodedata.normalize("NFD", "Tiêu chí 2.1")
    name = unicodedata.normalize("NFD", "Quyết định số 05.pdf")
    touch(tmp_path / "u" / folder / name)
    (unit,) = discover(tmp_path / "u", Layout.UNIT).units
    (relative,) = [unit.relative(f) for f in unit.files]
    assert relative == unicodedata.normalize("NFC", "Tiêu chí 2.1/Quyết định số 05.pdf")
    assert criteria_for_path(relative.split("/")[:-1]) == ("2.1",)


def test_links_are_listed_not_followed(tmp_path: Path) -> None:
    outside = make_unit(tmp_path / "outside")
    unit = touch(tmp_path / "u" / "1.1" / "a.pdf").parent.parent
    os.symlink(outside, unit / "1.1" / "linked folder")
    os.symlink(outside / "Công văn rời.pdf", unit / "1.1" / "linked.pdf")
    (found,) = discover(unit, Layout.UNIT).units
    assert sorted(found.relative(f) for f in found.files) == ["1.1/a.pdf", "1.1/linked folder", "1.1/linked.pdf"]


def test_word_file_at_top_is_evidence_unless_named_as_the_table(tmp_path: Path) -> None:
    touch(tmp_path / "u" / "Kế hoạch CCHC.docx")
    touch(tmp_path / "u" / "Biểu tự chấm điểm.docx")
    (unit,) = discover(tmp_path / "u", Layout.UNIT).units
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


def test_province_tree_units_at_any_depth_and_stray_files_listed(tmp_path: Path) -> None:
    province = tmp_path / "Tỉnh Lâm Đồng"
    make_unit(province / "1. Huyện Bảo Lâm" / "UBND xã Lộc An")
    make_unit(province / "1. Huyện Bảo Lâm" / "UBND xã Lộc Bắc")
    make_unit(province / "2. Huyện Di Linh" / "UBND xã Gia Hiệp")
    make_unit(province / "Sở Nội vụ")
    touch(province / "Hướng dẫn chấm điểm 2023.pdf")
    touch(province / "provenance.tsv")
    touch(province / "2. Huyện Di Linh" / "README.md")
    touch(province / ".DS_Store")
    tree = discover(province, Layout.AUTO)
    assert [u.name for u in tree.units] == [
        "1. Huyện Bảo Lâm/UBND xã Lộc An",
        "1. Huyện Bảo Lâm/UBND xã Lộc Bắc",
        "2. Huyện Di Linh/UBND xã Gia Hiệp",
        "Sở Nội vụ",
    ]
    assert all(len(u.files) == 5 and u.self_assessment is not None for u in tree.units)
    assert [tree.relative(f) for f in tree.outside] == [
        "2. Huyện Di Linh/README.md", "Hướng dẫn chấm điểm 2023.pdf", "provenance.tsv"
    ]
    assert tree.warnings == ()


def test_a_folder_beside_units_is_a_unit_that_sent_little(tmp_path: Path) -> None:
    make_unit(tmp_path / "p" / "UBND xã Cao An")
    touch(tmp_path / "p" / "UBND xã Tân Lập" / "Báo cáo.pdf")  # no table, no criterion folder
    (tmp_path / "p" / "UBND xã Trống").mkdir()
    tree = discover(tmp_path / "p", Layout.AUTO)
    assert [(u.name, u.submitted) for u in tree.units] == [
        ("UBND xã Cao An", True), ("UBND xã Trống", False), ("UBND xã Tân Lập", False)
    ]
    assert len(tree.warnings) == 2 and all("được đọc là một đơn vị" in w for w in tree.warnings)


def test_a_unit_without_table_is_recognised_by_its_criterion_folders(tmp_path: Path) -> None:
    touch(tmp_path / "p" / "UBND xã A" / "1.1" / "a.pdf")
    touch(tmp_path / "p" / "UBND xã A" / "Tiêu chí 2.1" / "b.pdf")
    touch(tmp_path / "p" / "Công văn hướng dẫn.pdf")
    tree = discover(tmp_path / "p", Layout.AUTO)
    assert [(u.name, u.self_assessment) for u in tree.units] == [("UBND xã A", None)]
    assert [f.name for f in tree.outside] == ["Công văn hướng dẫn.pdf"]


def test_nothing_recognised_each_subfolder_is_a_unit_with_a_warning(tmp_path: Path) -> None:
    """The shape of ../shared/real-documents: folders of loose files, with a README beside them."""
    touch(tmp_path / "p" / "nguồn A" / "a.pdf")
    touch(tmp_path / "p" / "nguồn B" / "b.pdf")
    touch(tmp_path / "p" / "README.md")
    touch(tmp_path / "p" / "truth.json")
    tree = discover(tmp_path / "p", Layout.AUTO)
    assert [u.name for u in tree.units] == ["nguồn A", "nguồn B"]
    assert [f.name for f in tree.outside] == ["README.md", "truth.json"]
    (warning,) = tree.warnings
    assert "«nguồn A», «nguồn B»" in warning and "2 tệp ở thư mục gốc không thuộc đơn vị nào" in warning
    assert "--layout unit" in warning
    batch = discover(tmp_path / "p", Layout.BATCH)
    assert [u.name for u in batch.units] == ["nguồn A", "nguồn B"] and batch.outside == tree.outside


def test_loose_files_only_make_one_unit_with_a_warning(tmp_path: Path) -> None:
    touch(tmp_path / "u" / "a.pdf")
    tree = discover(tmp_path / "u", Layout.AUTO)
    assert [u.name for u in tree.units] == ["u"] and len(tree.warnings) == 1


def test_a_folder_with_its_own_table_inside_a_unit_is_a_unit_of_its_own(tmp_path: Path) -> None:
    district = make_unit(tmp_path / "UBND huyện Bảo Lâm")
    make_unit(district / "UBND xã Lộc An")
    tree = discover(district, Layout.AUTO)
    assert [u.name for u in tree.units] == ["UBND huyện Bảo Lâm", "UBND xã Lộc An"]
    assert all(len(u.files) == 5 for u in tree.units)
    (warning,) = tree.warnings
    assert "«UBND xã Lộc An»" in warning and "đơn vị riêng" in warning


def test_twin_unit_folders_nfc_and_nfd_are_both_kept(tmp_path: Path) -> None:
    composed = unicodedata.normalize("NFC", "UBND xã Cao An")
    decomposed = unicodedata.normalize("NFD", "UBND xã Cao An")
    assert composed != decomposed
    make_unit(tmp_path / "p" / composed)
    make_unit(tmp_path / "p" / decomposed)
    tree = discover(tmp_path / "p", Layout.AUTO)
    assert sorted(os.listdir(tmp_path / "p")) == sorted([composed, decomposed])  # two folders on disk
    assert [u.name for u in tree.units] == ["UBND xã Cao An", "UBND xã Cao An (2)"]
    assert tree.units[0].root.name == composed and tree.units[1].root.name == decomposed
    (warning,) = tree.warnings
    assert "NFC/NFD" in warning and "«UBND xã Cao An (2)»" in warning


def test_twin_files_nfc_and_nfd_are_both_kept(tmp_path: Path) -> None:
    unit = make_unit(tmp_path / "u")
    touch(unit / "1.1" / unicodedata.normalize("NFD", "Kế hoạch 11.pdf"), b"y")
    (found,) = discover(unit, Layout.UNIT).units
    paths = [found.relative(f) for f in found.files]
    assert "1.1/Kế hoạch 11.pdf" in paths and "1.1/Kế hoạch 11 (2).pdf" in paths
    assert len(set(paths)) == len(paths) == 6
    assert criteria_for_path(["1.1", "Kế hoạch 11 (2).pdf"][:-1]) == ("1.1",)


def test_several_tables_the_old_one_loses(tmp_path: Path) -> None:
    unit = make_unit(tmp_path / "u")
    old = touch(unit / "Bảng tự đánh giá CCHC 2023 (bản cũ).xlsx")
    os.utime(old, (2_000_000_000, 2_000_000_000))  # newer, but named old
    (found,) = discover(unit, Layout.UNIT).units
    assert found.self_assessment is not None and found.self_assessment.name == "Bảng tự đánh giá CCHC 2023.xlsx"
    assert found.ignored_tables == (old,) and "bản cũ" in found.table_reason
    assert old not in found.files


def test_several_tables_the_newest_wins(tmp_path: Path) -> None:
    unit = tmp_path / "u"
    first = touch(unit / "Bảng tự chấm 2023 lần 1.xlsx")
    second = touch(unit / "Bảng tự chấm 2023 lần 2.xlsx")
    os.utime(first, (1_800_000_000, 1_800_000_000))
    os.utime(second, (1_700_000_000, 1_700_000_000))
    (found,) = discover(unit, Layout.UNIT).units
    assert found.self_assessment == first and found.ignored_tables == (second,)
    assert found.table_reason == "tệp được sửa gần đây nhất"


def test_a_table_given_apart_is_the_units_and_the_folders_tables_are_left_aside(tmp_path: Path) -> None:
    unit = make_unit(tmp_path / "UBND xã Cao An")
    given = touch(tmp_path / "elsewhere" / "Biểu tự chấm điểm (bản nộp).docx")  # a Word file loses no rule here
    (found,) = discover(unit, Layout.AUTO, table=given).units
    assert found.self_assessment == given and found.relative(given) == "Biểu tự chấm điểm (bản nộp).docx"
    assert found.ignored_tables == (unit / "Bảng tự đánh giá CCHC 2023.xlsx",)
    assert found.table_reason == "bảng tự đánh giá được nộp riêng"
    assert len(found.files) == 5 and given not in found.files
    (alone,) = discover(unit / "1.1", Layout.AUTO, table=given).units  # a folder without a table of its own
    assert alone.self_assessment == given and alone.ignored_tables == () and alone.table_reason == ""


def test_a_table_given_apart_needs_one_unit_and_an_existing_file(tmp_path: Path) -> None:
    make_unit(tmp_path / "batch" / "UBND xã Cao An")
    make_unit(tmp_path / "batch" / "UBND xã Tân Lập")
    given = touch(tmp_path / "Bảng tự đánh giá.xlsx")
    with pytest.raises(UsageError) as several:
        discover(tmp_path / "batch", Layout.AUTO, table=given)
    assert "đã thấy 2 đơn vị (UBND xã Cao An, UBND xã Tân Lập)" in str(several.value)
    with pytest.raises(UsageError) as missing:
        discover(tmp_path / "batch" / "UBND xã Cao An", Layout.AUTO, table=tmp_path / "không có.xlsx")
    assert "không thấy bảng tự đánh giá" in str(missing.value)


@pytest.mark.parametrize(
    ("name", "old"),
    [("Bảng TĐG (bản cũ).xlsx", True), ("Bang tu cham_cu.xlsx", True), ("TĐG nháp.xlsx", True),
     ("Dự thảo bảng tự đánh giá.xlsx", True), ("Bảng tự đánh giá OLD.xlsx", True),
     ("Bảng tự đánh giá Củ Chi.xlsx", False), ("Bảng tự đánh giá 2023.xlsx", False)],
)
def test_names_marked_old_or_draft(name: str, old: bool) -> None:
    assert is_marked_old(Path(name)) is old


def test_a_report_about_the_scoring_is_evidence_not_the_table(tmp_path: Path) -> None:
    touch(tmp_path / "u" / "Bao cao cham diem PAR Index 2025.docx")
    touch(tmp_path / "u" / "1.1" / "a.pdf")
    (unit,) = discover(tmp_path / "u", Layout.UNIT).units
    assert unit.self_assessment is None
    assert [unit.relative(f) for f in unit.files] == ["1.1/a.pdf", "Bao cao cham diem PAR Index 2025.docx"]
