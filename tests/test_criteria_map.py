"""Criteria files, assignment tables and the three ways evidence is tied to criteria."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from kiemchung.criteria_map.assignments import AssignmentFileError, expand, load_assignments, responsible_for
from kiemchung.criteria_map.criteria import CriteriaFileError, load_criteria, parse_score
from kiemchung.criteria_map.matching import CriterionTarget, match_evidence
from kiemchung.extractors.models import Citation
from kiemchung.validators.model import CitationStatus
from tests.rules.facts import facts_from_case

SAMPLE = Path(__file__).parent.parent / "criteria_map" / "sample-commune.yaml"
KNOWN = [
    "1",
    "1.1",
    "1.2",
    "3",
    "3.1",
    "3.2",
    "3.2.1",
    "3.2.2",
    "3.2.6",
    "3.2.7",
    "8",
    "8.4",
    "8.4.1",
    "8.4.1.1",
    "8.4.1.2",
    "8.4.1.3",
    "8.4.1.4",
]


def test_sample_criteria_set_loads_and_is_labelled_a_sample() -> None:
    criteria = load_criteria(SAMPLE)
    assert criteria.sample and "MẪU" in criteria.name
    fields = [c for c in criteria.criteria if c.parent is None]
    assert len(fields) == 8 and sum(c.max_score or 0 for c in fields) == 50
    for field in fields:  # each field's maximum is its criteria's sum
        leaves = [c for c in criteria.criteria if c.code.startswith(field.code + ".") and not criteria.children(c.code)]
        assert sum(c.max_score or 0 for c in leaves) == field.max_score, field.code
    assert criteria.get("3.2.6") is not None and criteria.get("3.2.6").parent == "3.2"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "criteria: [{code: '1.1', title: X, max_score: 2, weight: 3}]",
        "criteria: [{code: 'A.1', title: X}]",
        "criteria: [{code: '1.1', title: X}, {code: '1.1', title: Y}]",
        "criteria: [{code: '1.1', title: X, max_score: hai}]",
        "criteria: [{code: '1.1', title: X, document_types: [XYZ]}]",
        "name: x",
        "criteria: [{code: '1.1'}]",
    ],
)
def test_bad_criteria_files_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CriteriaFileError):
        load_criteria(path)


@pytest.mark.parametrize(
    ("raw", "value"),
    [(1.5, 1.5), ("1,5", 1.5), ("1.5", 1.5), ("2", 2.0), ("1,5 điểm", 1.5), ("", None), ("-", None), (None, None)],
)
def test_scores_as_written(raw: object, value: float | None) -> None:
    assert parse_score(raw) == value


@pytest.mark.parametrize(
    ("expression", "codes"),
    [
        ("1.1; 1.2; 3.2 (trừ 3.2.6; 3.2.7)", ["1.1", "1.2", "3.2", "3.2.1", "3.2.2"]),
        ("8.4.1.1 đến 8.4.1.3", ["8.4.1.1", "8.4.1.2", "8.4.1.3"]),
        ("8.4.1.1 - 8.4.1.2", ["8.4.1.1", "8.4.1.2"]),
        ("Lĩnh vực 1", ["1", "1.1", "1.2"]),
        ("3.1, 3.2.6", ["3.1", "3.2.6"]),
        ("", []),
    ],
)
def test_assignment_expressions(expression: str, codes: list[str]) -> None:
    assert list(expand(expression, KNOWN)) == codes


def test_assignment_table_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "phan cong.csv"
    path.write_text(
        'STT,Người phụ trách,Tiêu chí phụ trách\n1,Văn phòng - Thống kê,"1.1; 1.2; 3.2 (trừ 3.2.6; '
        '3.2.7)"\n2,Tư pháp - Hộ tịch,3.2.6\n',
        encoding="utf-8-sig",
    )
    assignments = load_assignments(path, KNOWN)
    assert responsible_for("3.2.1", assignments) == ("Văn phòng - Thống kê",)
    assert responsible_for("3.2.6", assignments) == ("Tư pháp - Hộ tịch",)
    assert responsible_for("8.4", assignments) == ()


def test_the_sample_assignment_table_under_its_title_with_a_merged_cell() -> None:
    """The shipped sample, laid out as units write theirs: the plan's title above the header, numbered rows,
    a person's cell merged over two rows (the second row names no one)."""
    root = Path(__file__).parent.parent / "criteria_map"
    known = [criterion.code for criterion in load_criteria(root / "sample-commune.yaml").criteria]
    assignments = load_assignments(root / "sample-assignments.csv", known)
    assert responsible_for("1.1", assignments) == ("Đ/c Chủ tịch UBND xã",)
    assert responsible_for("3.2.5", assignments) == ("Văn phòng - Thống kê",)
    assert responsible_for("3.2.6", assignments) == ("Tư pháp - Hộ tịch",)  # "3.2 (trừ 3.2.6)" elsewhere
    assert responsible_for("2.3", assignments) == ("Tư pháp - Hộ tịch",)  # "Lĩnh vực 2"
    assert responsible_for("7.2", assignments) == ("Văn hóa - Xã hội",)  # the merged cell
    leaves = [code for code in known if not any(other.startswith(code + ".") for other in known)]
    assert all(responsible_for(code, assignments) for code in leaves)  # every criterion scored has someone


def test_assignment_table_from_excel_with_a_title(tmp_path: Path) -> None:
    path = tmp_path / "phân công.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023"], [], ["TT", "Cán bộ, công chức", "Nhiệm vụ được giao"],
                [1, "Đ/c Lê Thị Hoa - Công chức Văn phòng", "1.1 đến 1.2"]):
        sheet.append(row)
    workbook.save(path)
    assert responsible_for("1.2", load_assignments(path, KNOWN)) == ("Đ/c Lê Thị Hoa - Công chức Văn phòng",)


def test_assignment_table_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(AssignmentFileError):
        load_assignments(path, KNOWN)


def doc(**fields: object) -> object:
    return facts_from_case({"document": fields})


TARGETS = [
    CriterionTarget("1.1", "Kế hoạch CCHC năm", ("kế hoạch cải cách hành chính",), ("KH",)),
    CriterionTarget("3.1", "Công khai thủ tục hành chính", ("công khai thủ tục hành chính", "niêm yết"), ("TB",)),
    CriterionTarget("5.2", "Đánh giá, xếp loại cán bộ, công chức", ("xếp loại chất lượng cán bộ, công chức",)),
]


def test_folder_and_file_name_matches() -> None:
    documents = {
        "Lĩnh vực 1/1.1. Kế hoạch/a.pdf": doc(number="1"),
        "TLKC 3.1 - Thông báo niêm yết.pdf": doc(number="2"),
        "26-TB-UBND.docx": doc(number="26", symbol="TB-UBND"),
    }
    matches, _ = match_evidence(documents, TARGETS)  # type: ignore[arg-type]
    assert [(m.code, m.method) for m in matches["Lĩnh vực 1/1.1. Kế hoạch/a.pdf"]] == [("1.1", "folder")]
    assert [(m.code, m.method) for m in matches["TLKC 3.1 - Thông báo niêm yết.pdf"]] == [("3.1", "file-name")]
    assert all(m.method != "file-name" for m in matches["26-TB-UBND.docx"])  # 26 is its number, not a code


def test_citation_match_and_checks() -> None:
    cited = Citation("Thông báo số 26/TB-UBND ngày 05/6/2023", "TB", "26", "TB-UBND", dt.date(2023, 6, 5))
    wrong_date = Citation("Kế hoạch số 11/KH-UBND ngày 30/01/2023", "KH", "11", "KH-UBND", dt.date(2023, 1, 30))
    missing = Citation("Báo cáo số 25/BC-UBND", "BC", "25", "BC-UBND", None)
    targets = [
        CriterionTarget("3.1", "Công khai TTHC", citations=(cited,)),
        CriterionTarget("1.1", "Kế hoạch", citations=(wrong_date, missing)),
    ]
    documents = {
        "26-TB-UBND.docx": doc(number="26", symbol="TB-UBND", date="2023-06-05"),
        "1.1/kh.pdf": doc(number="11", symbol="KH-UBND", date="2023-02-02"),
    }
    matches, checks = match_evidence(documents, targets)  # type: ignore[arg-type]
    assert [(m.code, m.method) for m in matches["26-TB-UBND.docx"]] == [("3.1", "citation")]
    assert checks["3.1"][0].status is CitationStatus.FOUND and checks["3.1"][0].document == "26-TB-UBND.docx"
    statuses = [(c.status, c.differences) for c in checks["1.1"]]
    assert statuses == [(CitationStatus.MISMATCH, ("date:2023-02-02",)), (CitationStatus.NOT_FOUND, ())]


def test_loose_document_matched_only_by_its_title() -> None:
    documents = {
        "Thông báo số 27.pdf": doc(
            type_name="THÔNG BÁO",
            doc_type="TB",
            subject="Công khai thủ tục hành chính thuộc thẩm quyền giải quyết của UBND xã",
        ),
        "Biên bản họp.pdf": doc(
            type_name="BIÊN BẢN", subject="Họp đánh giá, xếp loại chất lượng cán bộ, công chức năm 2023"
        ),
        "Giấy mời.pdf": doc(type_name="GIẤY MỜI", subject="Dự hội nghị tổng kết công tác thi đua khen thưởng"),
    }
    matches, _ = match_evidence(documents, TARGETS)  # type: ignore[arg-type]
    (notice,) = matches["Thông báo số 27.pdf"]
    assert (notice.code, notice.method) == ("3.1", "title") and notice.confidence >= 70 and notice.margin
    assert [m.code for m in matches["Biên bản họp.pdf"]] == ["5.2"]
    assert matches["Giấy mời.pdf"] == ()  # nothing close enough: listed as unmatched, not guessed
