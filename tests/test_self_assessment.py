"""`read_self_assessment` on real .xlsx, .docx and .csv files written into tmp_path.

The sample tables come from `samples.self_assessment`; the odd shapes units really upload (a two-row
header under a merged "Điểm", headers typed without diacritics, columns in another order, codes typed
into the title cell, extra sheets, a semicolon CSV in Windows-1258) and every unreadable kind are
built here with openpyxl, python-docx and the csv module. No mocks: each test reads a file.
"""

from __future__ import annotations

import csv
import io
import struct
import time
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from kiemchung.extractors.models import ReadProblem, SelfAssessmentTable
from kiemchung.extractors.self_assessment import read_self_assessment
from samples import broken
from samples.self_assessment import (
    COMMUNE_CRITERIA,
    SelfAssessment,
    build_self_assessment,
    write_self_assessment_csv,
    write_self_assessment_docx,
    write_self_assessment_xlsx,
)

EVIDENCE = {
    "1.1": ("Kế hoạch số 11/KH-UBND ngày 30/01/2023", "Kế hoạch số 15/KH-UBND ngày 06/02/2023"),
    "1.3": ("Kế hoạch số 20/KH-UBND ngày 10/03/2023",),
    "2.2": ("Báo cáo số 45/BC-UBND ngày 12/10/2023",),
    "3.2.1": ("Báo cáo số 50/BC-UBND ngày 01/11/2023",),
    "7.2": ("Quyết định số 134/QĐ-UBND ngày 01/3/2023",),
}
ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6", "VII": "7", "VIII": "8"}
Row = Sequence[object]


def sample(seed: int = 7) -> SelfAssessment:
    return build_self_assessment(
        unit_name="UBND xã Cao An",
        issuer_parent="UBND HUYỆN ĐÔNG SƠN",
        issuer="UBND XÃ CAO AN",
        year=2023,
        evidence=EVIDENCE,
        seed=seed,
        report_reference="(Kèm theo Báo cáo số 96/BC-UBND ngày 15/12/2023 của UBND xã Cao An)",
    )


def write_xlsx(path: Path, sheets: dict[str, Sequence[Row]], merges: dict[str, Sequence[str]] | None = None) -> None:
    """A workbook with one sheet per entry, rows from row 1; `None` leaves a cell empty."""
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(title, ()):
            sheet.merge_cells(cell_range)
    workbook.save(str(path))


def write_csv(path: Path, rows: Sequence[Row], *, delimiter: str = ",", encoding: str = "utf-8") -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(windows_1258(text) if encoding == "cp1258" else text.encode(encoding))


# Windows-1258 has precomposed vowels with circumflex, breve and horn but writes the five tones as
# combining marks after the letter, as Vietnamese ANSI files from old Windows machines do.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out.append((base + "".join(c for c in parts if c in _TONES)).encode("cp1258"))
    return b"".join(out)


def codes(table: SelfAssessmentTable) -> list[str | None]:
    return [row.code for row in table.rows]


# --- the sample tables -------------------------------------------------------------------------------

WRITERS = {
    "xlsx": (write_self_assessment_xlsx, 7, "\n"),  # header on row 7 under the Decree 30 title block
    "docx": (write_self_assessment_docx, 1, "\n"),  # the table's first row
    "csv": (write_self_assessment_csv, 5, "; "),  # three title lines and a blank one above
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_sample_table_reads_back_every_row(tmp_path: Path, kind: str) -> None:
    writer, header_row, evidence_separator = WRITERS[kind]
    table_data = sample()
    path = tmp_path / f"Bảng tự đánh giá.{kind}"
    writer(table_data, path)

    table = read_self_assessment(path)

    assert table.read_error is None
    assert table.header_row == header_row
    assert table.columns == (
        ("code", "STT"),
        ("title", "Tiêu chí, tiêu chí thành phần"),
        ("max_score", "Điểm tối đa"),
        ("self_score", "Điểm tự đánh giá"),
        ("explanation", "Giải trình"),
        ("evidence", "Tài liệu kiểm chứng"),
    )
    assert len(table.rows) == len(COMMUNE_CRITERIA)
    for offset, (read, written) in enumerate(zip(table.rows, table_data.rows, strict=True), start=1):
        assert read.row_number == header_row + offset
        assert read.code == ROMAN.get(written.code, written.code)
        assert read.is_field == written.is_field
        assert read.title == written.title
        assert read.max_score == written.max_score
        assert read.self_score == written.self_score
        assert read.explanation == written.explanation
        assert read.evidence_text == evidence_separator.join(written.evidence)
    assert table.total_max_score == table_data.total_max == 50
    assert table.total_self_score == table_data.total_self


def test_sample_scores_keep_their_raw_text(tmp_path: Path) -> None:
    table_data = sample()
    path = tmp_path / "table.xlsx"
    write_self_assessment_xlsx(table_data, path)
    table = read_self_assessment(path)
    by_code = {row.code: row for row in table.rows}
    as_text = [row for row in table_data.rows if row.score_as_text]
    assert as_text, "the seed should give some scores typed as text"
    for written in as_text:
        read = by_code[written.code]
        assert read.raw_self_score == f"{written.self_score:g}".replace(".", ",")  # "1,5" as typed
        assert read.self_score == written.self_score
    assert by_code["1"].raw_max_score == "9"  # a number cell: its value as text


# --- odd shapes ------------------------------------------------------------------------------------


def test_two_row_header_with_merged_score_group(tmp_path: Path) -> None:
    path = tmp_path / "two-row.xlsx"
    rows: list[Row] = [
        ["BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2023"],
        [],
        ["TT", "Lĩnh vực/Tiêu chí", "Điểm", None, "Giải trình, thuyết minh", "Tài liệu kiểm chứng kèm theo"],
        [None, None, "Tối đa", "Tự đánh giá", None, None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],  # column numbering, not a criterion
        ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", 9, 8.5, None, None],
        ["1.1.", "Kế hoạch CCHC năm", 2, "1,5", "Ban hành ngày 30/01/2023 (trang 1, mục I)",
         "Kế hoạch số 11/KH-UBND ngày 30/01/2023"],
        [],  # spacer
        ["1,2", "Báo cáo CCHC định kỳ", "1,5", "1.5 điểm", "Đủ 4 báo cáo quý", "Báo cáo số 12/BC-UBND"],
        ["1.3", "Kiểm tra công tác CCHC", "1,50", None, None, None],
        [None, "a) Kiểm tra tại 3/3 bộ phận", None, "0,5", None, None],  # vertically merged code 1.3
        ["Tổng cộng", None, 50, "42,5", None, None],
        [None, "Người lập biểu", None, None, None, None],  # signature block: no code, no score
    ]
    write_xlsx(path, {"Tự đánh giá": rows}, {"Tự đánh giá": ["A1:F1", "C3:D3", "A3:A4", "B3:B4", "E3:E4",
                                                            "F3:F4", "A10:A11", "A12:B12"]})

    table = read_self_assessment(path)

    assert table.read_error is None
    assert table.header_row == 3
    assert table.columns == (
        ("code", "TT"),
        ("title", "Lĩnh vực/Tiêu chí"),
        ("max_score", "Điểm Tối đa"),
        ("self_score", "Điểm Tự đánh giá"),
        ("explanation", "Giải trình, thuyết minh"),
        ("evidence", "Tài liệu kiểm chứng kèm theo"),
    )
    assert [(r.row_number, r.code, r.is_field) for r in table.rows] == [
        (6, "1", True), (7, "1.1", False), (9, "1.2", False), (10, "1.3", False), (11, "1.3", False),
    ]
    assert [(r.max_score, r.self_score) for r in table.rows] == [
        (9, 8.5), (2, 1.5), (1.5, 1.5), (1.5, None), (None, 0.5),
    ]
    assert table.rows[2].raw_self_score == "1.5 điểm"
    assert table.rows[1].explanation == "Ban hành ngày 30/01/2023 (trang 1, mục I)"
    assert table.rows[1].evidence_text == "Kế hoạch số 11/KH-UBND ngày 30/01/2023"
    assert table.rows[4].title == "a) Kiểm tra tại 3/3 bộ phận"
    assert (table.total_max_score, table.total_self_score) == (50, 42.5)


def test_header_without_diacritics_and_columns_in_another_order(tmp_path: Path) -> None:
    path = tmp_path / "khong-dau.xlsx"
    rows: list[Row] = [
        ["Tieu chi", "Diem tu danh gia", "Ma tieu chi", "Thuyet minh", "Diem toi da", "TLKC"],
        ["Ke hoach CCHC nam", 2, "1.1", "Da ban hanh", 2, "KH 11/KH-UBND"],
        ["Bao cao CCHC dinh ky", 1, "1.2", "", 1.5, ""],
        ["Tong diem", 3, None, None, 3.5, None],
    ]
    write_xlsx(path, {"Sheet1": rows})

    table = read_self_assessment(path)

    assert table.read_error is None
    assert table.columns == (
        ("title", "Tieu chi"),
        ("self_score", "Diem tu danh gia"),
        ("code", "Ma tieu chi"),
        ("explanation", "Thuyet minh"),
        ("max_score", "Diem toi da"),
        ("evidence", "TLKC"),
    )
    assert [(r.code, r.title, r.max_score, r.self_score) for r in table.rows] == [
        ("1.1", "Ke hoach CCHC nam", 2, 2),
        ("1.2", "Bao cao CCHC dinh ky", 1.5, 1),
    ]
    assert table.rows[0].explanation == "Da ban hanh" and table.rows[0].evidence_text == "KH 11/KH-UBND"
    assert (table.total_max_score, table.total_self_score) == (3.5, 3)


def test_similar_score_headers_go_to_the_right_roles(tmp_path: Path) -> None:
    """ "Điểm tối đa" and "Điểm tự chấm" share "Điểm": the assignment, not the first match, decides."""
    path = tmp_path / "diem.csv"
    write_csv(path, [
        ["Số TT", "Nội dung", "Điểm tự chấm", "Điểm chuẩn", "Ghi chú/giải trình"],
        ["1.1", "Kế hoạch CCHC năm", "1", "2", "Chậm 5 ngày"],
    ])
    table = read_self_assessment(path)
    assert dict(table.columns) == {
        "code": "Số TT", "title": "Nội dung", "self_score": "Điểm tự chấm", "max_score": "Điểm chuẩn",
        "explanation": "Ghi chú/giải trình",
    }
    assert [(r.max_score, r.self_score, r.explanation) for r in table.rows] == [(2, 1, "Chậm 5 ngày")]


def test_codes_inside_the_title_cell(tmp_path: Path) -> None:
    path = tmp_path / "ma-trong-tieu-chi.xlsx"
    rows: list[Row] = [
        ["Nội dung", "Thang điểm", "Tự chấm"],
        ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", 9, 9],
        ["1.1. Kế hoạch CCHC năm", 2, 2],
        ["1.2 Báo cáo CCHC định kỳ", "1,5", "1,5"],
        ["Ghi chú: điểm thưởng tính riêng", None, None],
    ]
    write_xlsx(path, {"Sheet": rows})

    table = read_self_assessment(path)

    assert table.read_error is None
    assert [(r.code, r.title, r.is_field) for r in table.rows] == [
        ("1", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", True),
        ("1.1", "Kế hoạch CCHC năm", False),
        ("1.2", "Báo cáo CCHC định kỳ", False),
    ]


def test_empty_code_column_takes_the_code_from_the_title(tmp_path: Path) -> None:
    path = tmp_path / "stt-trong.csv"
    write_csv(path, [
        ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"],
        ["", "2.1. Ban hành văn bản QPPL", "2", "2"],
        ["2.2", "2.2. Tự kiểm tra văn bản QPPL", "1,5", "1"],  # a code cell wins; the title stays as typed
    ])
    table = read_self_assessment(path)
    assert [(r.code, r.title) for r in table.rows] == [
        ("2.1", "Ban hành văn bản QPPL"), ("2.2", "2.2. Tự kiểm tra văn bản QPPL"),
    ]


def test_field_row_merged_across_code_and_title(tmp_path: Path) -> None:
    path = tmp_path / "field-merged.xlsx"
    rows: list[Row] = [
        ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"],
        ["II. XÂY DỰNG VÀ TỔ CHỨC THỰC HIỆN VĂN BẢN QPPL", None, 5, 4],
        ["2.1", "Ban hành văn bản QPPL theo thẩm quyền", 2, 2],
    ]
    write_xlsx(path, {"S": rows}, {"S": ["A2:B2"]})
    table = read_self_assessment(path)
    assert [(r.code, r.title, r.is_field) for r in table.rows] == [
        ("2", "XÂY DỰNG VÀ TỔ CHỨC THỰC HIỆN VĂN BẢN QPPL", True),
        ("2.1", "Ban hành văn bản QPPL theo thẩm quyền", False),
    ]


def test_the_sheet_with_the_best_header_is_read(tmp_path: Path) -> None:
    path = tmp_path / "nhieu-sheet.xlsx"
    sheets: dict[str, Sequence[Row]] = {
        "Hướng dẫn": [["Hướng dẫn chấm điểm"], ["Điểm tự đánh giá ghi vào cột D"]],
        "Danh mục": [["STT", "Tiêu chí", "Điểm tối đa"], ["1.1", "Kế hoạch CCHC năm", 2]],  # no self score
        "Tự đánh giá": [
            ["UBND XÃ TÂN LẬP"],
            [],
            ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình"],
            ["1.1", "Kế hoạch CCHC năm", 2, 1.5, "Ban hành chậm 10 ngày"],
            ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình"],  # header pasted again
            ["1.2", "Báo cáo CCHC định kỳ", 1.5, 1.5, "Đủ 4 báo cáo"],
        ],
    }
    write_xlsx(path, sheets)
    table = read_self_assessment(path)
    assert table.read_error is None
    assert table.header_row == 3
    assert [(r.row_number, r.code, r.self_score) for r in table.rows] == [(4, "1.1", 1.5), (6, "1.2", 1.5)]


def test_macro_workbook_with_a_column_numbering_row(tmp_path: Path) -> None:
    path = tmp_path / "macro.xlsm"
    rows: list[Row] = [
        ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"],
        [1, 2, 3, 4],  # numbers the columns; "1" in the code column is not criterion 1
        ["VI", "CẢI CÁCH TÀI CHÍNH CÔNG", 4, 4],
        ["6.1", "Công khai ngân sách xã", 2, 2],
    ]
    write_xlsx(path, {"Sheet1": rows})
    table = read_self_assessment(path)
    assert [(r.row_number, r.code) for r in table.rows] == [(3, "6"), (4, "6.1")]


def test_score_forms(tmp_path: Path) -> None:
    forms = ["1,5", "1.5", "1,50", "2", "0", "1,5 điểm", "", "-", "x"]
    expected = [1.5, 1.5, 1.5, 2.0, 0.0, 1.5, None, None, None]
    path = tmp_path / "diem.csv"
    write_csv(path, [["TT", "Tiêu chí", "Điểm tự đánh giá"],
                     *[[f"1.{i}", f"Tiêu chí {i}", form] for i, form in enumerate(forms, start=1)]])
    table = read_self_assessment(path)
    assert [r.self_score for r in table.rows] == expected
    assert [r.raw_self_score for r in table.rows] == forms
    assert [r.max_score for r in table.rows] == [None] * len(forms)  # no max-score column at all


def test_semicolon_csv_in_windows_1258(tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    rows: list[Row] = [
        ["BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC, NĂM 2023"],
        ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Tài liệu kiểm chứng"],
        ["III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "12", "11,5", ""],
        ["3.1", "Công khai thủ tục hành chính", "3", "3", "Quyết định số 134/QĐ-UBND, ngày 01/3/2023"],
        ["Tổng điểm", "", "12", "11,5", ""],
    ]
    write_csv(path, rows, delimiter=";", encoding="cp1258")
    table = read_self_assessment(path)
    assert table.read_error is None
    assert table.header_row == 2
    assert [(r.code, r.title, r.self_score) for r in table.rows] == [
        ("3", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 11.5), ("3.1", "Công khai thủ tục hành chính", 3),
    ]
    assert table.rows[1].evidence_text == "Quyết định số 134/QĐ-UBND, ngày 01/3/2023"
    assert table.total_self_score == 11.5


def test_tab_separated_utf16_csv(tmp_path: Path) -> None:
    """Excel's "Unicode text" export: UTF-16 with BOM, tab-separated."""
    path = tmp_path / "unicode.csv"
    write_csv(path, [["Mã số", "Tiêu chí", "Điểm tự chấm"], ["4.1", "Thực hiện quy chế làm việc", "2"]],
              delimiter="\t", encoding="utf-16")
    table = read_self_assessment(path)
    assert [(r.code, r.title, r.self_score) for r in table.rows] == [("4.1", "Thực hiện quy chế làm việc", 2)]


def test_word_table_with_merged_cells(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2023")
    grid = document.add_table(rows=6, cols=5)
    grid.cell(0, 0).merge(grid.cell(1, 0)).text = "TT"
    grid.cell(0, 1).merge(grid.cell(1, 1)).text = "Tiêu chí"
    grid.cell(0, 2).merge(grid.cell(0, 3)).text = "Điểm"
    grid.cell(1, 2).text, grid.cell(1, 3).text = "Tối đa", "Tự chấm"
    grid.cell(0, 4).merge(grid.cell(1, 4)).text = "Tài liệu kiểm chứng"
    for index, values in enumerate(
        (
            ("VII", "XÂY DỰNG CHÍNH QUYỀN ĐIỆN TỬ", "6", "5", ""),
            ("7.1", "Kế hoạch chuyển đổi số", "2", "2", "Kế hoạch số 40/KH-UBND\nngày 10/4/2023"),
            ("", "a) Ban hành đúng hạn", "", "1", ""),
        ),
        start=2,
    ):
        for column, value in enumerate(values):
            grid.cell(index, column).text = value
    grid.cell(3, 0).merge(grid.cell(4, 0))  # 7.1 spans its sub-item row
    grid.cell(5, 0).merge(grid.cell(5, 1)).text = "TỔNG CỘNG"
    grid.cell(5, 2).text, grid.cell(5, 3).text = "6", "5"
    path = tmp_path / "bang.docx"
    document.save(str(path))

    table = read_self_assessment(path)

    assert table.read_error is None
    assert table.header_row == 1
    assert dict(table.columns) == {
        "code": "TT", "title": "Tiêu chí", "max_score": "Điểm Tối đa", "self_score": "Điểm Tự chấm",
        "evidence": "Tài liệu kiểm chứng",
    }
    assert [(r.row_number, r.code, r.is_field, r.max_score, r.self_score) for r in table.rows] == [
        (3, "7", True, 6, 5), (4, "7.1", False, 2, 2), (5, "7.1", False, None, 1),
    ]
    assert table.rows[1].evidence_text == "Kế hoạch số 40/KH-UBND\nngày 10/4/2023"
    assert (table.total_max_score, table.total_self_score) == (6, 5)


def test_word_file_picks_the_criteria_table_not_the_header_table(tmp_path: Path) -> None:
    document = Document()
    layout = document.add_table(rows=1, cols=2)  # the Decree 30 header, kept in a borderless table
    layout.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nXÃ CAO AN"
    layout.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    criteria = document.add_table(rows=2, cols=3)
    for column, text in enumerate(("STT", "Tiêu chí", "Điểm tự đánh giá")):
        criteria.cell(0, column).text = text
    for column, text in enumerate(("5.1", "Bố trí công chức theo vị trí việc làm", "2")):
        criteria.cell(1, column).text = text
    path = tmp_path / "hai-bang.docx"
    document.save(str(path))
    table = read_self_assessment(path)
    assert [(r.row_number, r.code, r.self_score) for r in table.rows] == [(2, "5.1", 2)]


# --- tables that cannot be read ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.docx", "empty.csv"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    broken.write_zero_byte(path)
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.EMPTY


def test_workbook_without_content_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "trong.xlsx"
    write_xlsx(path, {"Sheet1": [], "Sheet2": [[None, ""]]})
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.EMPTY


def test_random_bytes_named_xlsx_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "random.xlsx"
    broken.write_random_bytes(path)
    table = read_self_assessment(path)
    assert table.read_error is not None and table.read_error.problem is ReadProblem.CORRUPT
    assert table.rows == ()


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_truncated_package(tmp_path: Path, kind: str) -> None:
    whole = tmp_path / f"whole.{kind}"
    WRITERS[kind][0](sample(), whole)
    path = tmp_path / f"cut.{kind}"
    broken.write_truncated(whole, path, fraction=0.6)
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.TRUNCATED


def test_damaged_member_of_a_workbook(tmp_path: Path) -> None:
    whole = tmp_path / "whole.xlsx"
    write_self_assessment_xlsx(sample(), whole)
    with zipfile.ZipFile(whole) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(whole.read_bytes())
    start = sheet.header_offset + 30 + len(sheet.filename) + len(sheet.extra)
    for offset in range(start + 10, start + 60):  # scramble deflated data: the CRC no longer matches
        data[offset] ^= 0x5A
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.CORRUPT


@pytest.mark.parametrize("name", ["legacy.doc", "scan.pdf", "table.ods"])
def test_unsupported_formats(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "scan.pdf":
        path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n")
    else:
        broken.write_legacy_doc(path)
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.UNSUPPORTED


def test_a_broken_legacy_workbook_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    broken.write_legacy_doc(path)  # the OLE signature and nothing behind it
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.CORRUPT and error.actual_kind == "ole"


def write_encrypted_office(path: Path) -> None:
    """A compound file laid out as Office saves a password-protected .xlsx/.docx.

    Encryption wraps the whole package in an OLE2 file holding "EncryptionInfo" and
    "EncryptedPackage" streams; the reader recognises the directory entry, so that is what is built
    (header, one FAT sector, one directory sector; the streams themselves are left empty).
    """
    end_of_chain, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = (broken.OLE_SIGNATURE + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    fat = struct.pack("<II", fat_sector, end_of_chain) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, child: int, left: int = no_stream) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", left, no_stream, child) + b"\x00" * 36
                + struct.pack("<IQ", end_of_chain, 0))

    directory = (entry("Root Entry", 5, 1) + entry("EncryptedPackage", 2, no_stream, left=2)
                 + entry("EncryptionInfo", 2, no_stream) + b"\x00" * 128)
    assert len(header) == len(fat) == len(directory) == 512
    path.write_bytes(header + fat + directory)


@pytest.mark.parametrize("name", ["locked.xlsx", "locked.docx"])
def test_password_protected_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_encrypted_office(path)
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.ENCRYPTED


def test_docx_named_xlsx_is_wrong_content(tmp_path: Path) -> None:
    path = tmp_path / "bang.xlsx"
    write_self_assessment_docx(sample(), path)
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.WRONG_CONTENT and error.actual_kind == "docx"


def test_no_self_score_column_says_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "thieu.xlsx"
    write_xlsx(path, {"S": [["STT", "Tiêu chí", "Điểm tối đa", "Điểm thẩm định"], ["1.1", "Kế hoạch", 2, 2]]})
    table = read_self_assessment(path)
    assert table.read_error is not None and table.read_error.problem is ReadProblem.NO_HEADER
    assert "missing self_score" in table.read_error.detail
    assert "row 1, found code, title, max_score" in table.read_error.detail
    assert table.rows == ()


def test_unrelated_table_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "danh-sach.csv"
    write_csv(path, [["Họ và tên", "Chức vụ", "Đơn vị"], ["Nguyễn Văn An", "Chủ tịch", "UBND xã"]])
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.NO_HEADER
    assert "no header found" in error.detail


def test_word_file_without_a_table(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("Báo cáo tự đánh giá: xem bảng đính kèm.")
    path = tmp_path / "khong-bang.docx"
    document.save(str(path))
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.NO_HEADER


def test_binary_bytes_named_csv_are_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "rac.csv"
    broken.write_random_bytes(path, seed=3)
    error = read_self_assessment(path).read_error
    assert error is not None and error.problem is ReadProblem.CORRUPT


def test_a_folder_is_not_a_table(tmp_path: Path) -> None:
    error = read_self_assessment(tmp_path).read_error
    assert error is not None and error.problem is ReadProblem.NO_ACCESS


# --- speed ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_200_row_table_reads_well_under_half_a_second(tmp_path: Path, kind: str) -> None:
    base = sample()
    criteria = base.rows
    # Six copies of the 36-row commune set with distinct codes: 216 rows.
    rows = tuple(
        type(row)(**{**row.__dict__, "code": row.code if row.is_field else f"{copy}.{row.code}"})
        for copy in range(1, 7) for row in criteria
    )
    table_data = SelfAssessment(base.unit_name, base.issuer_parent, base.issuer, base.year, rows,
                                base.report_reference)
    path = tmp_path / f"big.{kind}"
    WRITERS[kind][0](table_data, path)
    read_self_assessment(path)  # first call pays for imports
    started = time.perf_counter()
    table = read_self_assessment(path)
    elapsed = time.perf_counter() - started
    assert len(table.rows) == len(rows) == 216
    assert elapsed < 0.5, f"{elapsed:.3f} s"
