"""The unit workbook and the batch summary, opened back with openpyxl and pandas and checked cell by cell.

Real units come from running the pipeline on samples/batch once for the module; a small hand-built
unit carries hostile text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kiemchung.criteria_map.matching import Match, MatchMethod
from kiemchung.criteria_map.models import CriterionAssessment, EvidenceItem, Totals, UnitAssessment
from kiemchung.criteria_map.ranking import batch_fields, ranks
from kiemchung.extractors.models import (
    DocumentFacts,
    DocumentHeader,
    ExplanationFacts,
    FileKind,
    Located,
    Source,
    Where,
)
from kiemchung.pipeline.config import load_config
from kiemchung.pipeline.labels import Lang, label
from kiemchung.pipeline.reports.html import render_batch_index
from kiemchung.pipeline.reports.summary import summary_table, write_batch_summary
from kiemchung.pipeline.reports.workbook import (
    DATE_FORMAT,
    MAX_WIDTH,
    PERCENT_FORMAT,
    SCORE_FORMAT,
    ZERO_FILL,
    write_unit_workbook,
)
from kiemchung.pipeline.run import check
from kiemchung.validators.model import Finding, Outcome, Proof, Severity
from kiemchung.validators.registry import rule_by_key
from tests.office import A4_LANDSCAPE, NO_SOFFICE, SOFFICE, page_sizes, to_pdf

ROOT = Path(__file__).parent.parent
BATCH = ROOT / "samples" / "batch"
HOSTILE = ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\t=1+1", "\r=2+2")
RED = ZERO_FILL.fgColor.rgb


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> tuple[UnitAssessment, ...]:
    """The sample batch judged with the sample criteria set and an assignment table."""
    folder = tmp_path_factory.mktemp("run")
    assignments = folder / "phân công.csv"
    assignments.write_text(
        'Người phụ trách,Tiêu chí\nVăn phòng - Thống kê,"1; 3.2 (trừ 3.2.6)"\nTư pháp,3.2.6\n', encoding="utf-8"
    )
    config = load_config(
        year=2023,
        trust_roots=(ROOT / "samples" / "trust" / "test-root.pem",),
        criteria_file=ROOT / "criteria_map" / "sample-commune.yaml",
        assignments_file=assignments,
    )
    return check(BATCH, config, folder / "out", progress="quiet").units


@pytest.fixture(scope="module")
def workbooks(units: tuple[UnitAssessment, ...], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Workbook]:
    folder = tmp_path_factory.mktemp("xlsx")
    books = {}
    for unit in units:
        path = folder / f"{unit.unit}.xlsx"
        write_unit_workbook(unit, path)
        books[unit.unit] = openpyxl.load_workbook(path)
    return books


def _located(text: str) -> Located[str]:
    return Located(text, text, Where(Source.PAGE_TEXT, 1))


def hostile_unit() -> UnitAssessment:
    """A unit whose every text field a spreadsheet would read as a formula."""
    finding = Finding("number-suffix", "KC201", Severity.ERROR, True, Outcome.FAILED, "@SUM(A1)", Proof("=1+1", 1))
    header = DocumentHeader(
        issuer=_located("+1"),
        number=_located("@SUM(A1)"),
        symbol=_located("KH-UBND"),
        subject=_located('=HYPERLINK("http://x")'),
        signer_name=_located("-2"),
    )
    facts = DocumentFacts(kind=FileKind.PDF, size=10, sha256="0" * 64, header=header)
    item = EvidenceItem("=evil.pdf", facts, (finding,), (Match("1.1", MatchMethod.FOLDER, 100.0, None, "1.1"),))
    explanation = ExplanationFacts("\t=1+1", (), (), (), (), ())
    criterion = CriterionAssessment(
        code="1.1",
        evidence=("=evil.pdf",),
        findings=(replace(finding, rule="vague-explanation", code="KC402", message="-2 \x07 bell"),),
        zeroed_by=("=evil.pdf",),
        title="-2",
        self_score=2.0,
        max_score=2.0,
        explanation=explanation,
        responsible=("\r=2+2",),
    )
    return UnitAssessment(
        unit='=HYPERLINK("http://x")',
        year=2023,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        self_assessment="=Bảng tự đánh giá.xlsx",
        evidence=(item,),
        criteria=(criterion,),
    )


def rows(sheet: Worksheet, first: int = 2) -> Iterator[tuple[Cell, ...]]:
    yield from sheet.iter_rows(min_row=first)


def headers(sheet: Worksheet, row: int = 1) -> list[object]:
    return [cell.value for cell in sheet[row]]


def row_of(sheet: Worksheet, first_column: str) -> tuple[Cell, ...]:
    return next(row for row in rows(sheet) if row[0].value == first_column)


def overview_value(sheet: Worksheet, key: str) -> object:
    return next(row[1].value for row in sheet.iter_rows(min_row=4) if row[0].value == label(key))


def is_red(row: tuple[Cell, ...]) -> bool:
    return all(cell.fill.fgColor.rgb == RED for cell in row)


def test_sheets_are_named_in_vietnamese(units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]) -> None:
    for unit in units:
        assert workbooks[unit.unit].sheetnames == ["Tổng quan", "Tiêu chí", "Tài liệu", "Phát hiện", "Người phụ trách"]


def test_tables_have_bold_frozen_filtered_vietnamese_headers(workbooks: dict[str, Workbook]) -> None:
    book = next(iter(workbooks.values()))
    expected = {
        "Tiêu chí": "Mã|Tiêu chí|Điểm tối đa|Điểm tự đánh giá|Điểm đề xuất|Điểm có nguy cơ bị trừ|Bị 0 điểm"
        "|Phát hiện|Giải trình|Người/bộ phận phụ trách|Tài liệu kiểm chứng",
        "Tài liệu": "Tệp|Tiêu chí|Gắn tiêu chí theo|Số, ký hiệu|Loại văn bản|Ngày ban hành|Cơ quan ban hành"
        "|Trích yếu|Người ký|Chữ ký số|Phát hiện|Làm 0 điểm",
        "Phát hiện": "Phạm vi|Vị trí|Mã quy tắc|Quy tắc|Mức độ|Làm 0 điểm|Kết quả kiểm tra|Nội dung"
        "|Căn cứ (trích từ tài liệu)|Trang|Miễn trừ",
        "Người phụ trách": "Người/bộ phận phụ trách|Mã|Tiêu chí|Điểm đề xuất|Điểm tự đánh giá|Việc cần làm"
        "|Cần khắc phục|Tài liệu liên quan",
    }
    for name, joined in expected.items():
        sheet, texts = book[name], joined.split("|")
        assert headers(sheet) == texts, name
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(len(texts))
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"


def test_criteria_rows_carry_numeric_scores_and_zeroed_rows_are_red(
    units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]
) -> None:
    for unit in units:
        sheet = workbooks[unit.unit]["Tiêu chí"]
        assert sheet.max_row == len(unit.criteria) + 1
        for criterion in unit.criteria:
            row = row_of(sheet, criterion.code)
            expected = [criterion.max_score, criterion.self_score, criterion.recommended_score]
            expected.append(criterion.points_at_risk)
            for cell, value in zip(row[2:6], expected, strict=True):
                assert value is not None
                assert cell.data_type == "n" and cell.value == value and cell.number_format == SCORE_FORMAT
            assert row[6].value == ("Có" if criterion.zeroed else "Không")
            assert is_red(row) == criterion.zeroed, criterion.code
    assert any(c.zeroed for u in units for c in u.criteria) and not all(c.zeroed for u in units for c in u.criteria)


def test_zeroed_criterion_names_its_findings_and_zeroing_documents(
    units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]
) -> None:
    unit = next(u for u in units if any(c.zeroed_by and c.findings for c in u.criteria))
    criterion = next(c for c in unit.criteria if c.zeroed_by and c.findings)
    findings = str(row_of(workbooks[unit.unit]["Tiêu chí"], criterion.code)[7].value).split("\n")
    assert findings[: len(criterion.findings)] == [f.message for f in criterion.findings]
    for path, line in zip(criterion.zeroed_by, findings[len(criterion.findings) :], strict=True):
        assert line.startswith(path.rsplit("/", 1)[-1])


def test_overview_totals_are_numbers(units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]) -> None:
    for unit in units:
        sheet = workbooks[unit.unit]["Tổng quan"]
        assert overview_value(sheet, "unit") == unit.unit
        assert overview_value(sheet, "year") == 2023
        assert overview_value(sheet, "period") == "01/01/2023 – 31/12/2023"
        assert overview_value(sheet, "self_total") == unit.totals.self_score
        assert overview_value(sheet, "recommended_total") == unit.totals.recommended_score
        assert overview_value(sheet, "max_total") == unit.totals.max_score == 50
        assert overview_value(sheet, "points_at_risk") == unit.totals.points_at_risk
        assert overview_value(sheet, "files") == len(unit.evidence)
        assert overview_value(sheet, "zeroed_criteria") == ", ".join(c.code for c in unit.criteria if c.zeroed)


def test_overview_counts_findings_by_rule(units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]) -> None:
    for unit in units:
        sheet = workbooks[unit.unit]["Tổng quan"]
        start = next(row[0].row for row in sheet.iter_rows() if row[0].value == label("counts_by_rule")) + 2
        counted: dict[str, int] = {}
        for row in sheet.iter_rows(min_row=start):
            if row[0].value is None:
                break
            assert row[1].value and row[2].value in ("Lỗi", "Cảnh báo", "Thông tin") and row[3].value in ("Có", "Không")
            counted[str(row[0].value)] = counted.get(str(row[0].value), 0) + int(row[4].value)
        expected: dict[str, int] = {}
        for _, _, finding in unit.all_findings():
            expected[finding.code] = expected.get(finding.code, 0) + 1
        assert counted == expected


def test_issue_dates_are_date_cells_and_zeroing_documents_are_red(
    units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]
) -> None:
    dated = 0
    for unit in units:
        sheet = workbooks[unit.unit]["Tài liệu"]
        for item in unit.evidence:
            row = row_of(sheet, item.path)
            issued = item.facts.header.date.value.as_date() if item.facts.header.date else None
            if issued is not None:
                dated += 1
                assert row[5].is_date and row[5].number_format == DATE_FORMAT
                assert isinstance(row[5].value, dt.datetime) and row[5].value.date() == issued
            assert is_red(row) == item.zeroes
            assert row[11].value == ("Có" if item.zeroes else "Không")
    assert dated > 10


def test_documents_show_number_symbol_and_signatures(
    units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]
) -> None:
    unit = next(u for u in units if u.unit == "UBND xã Cao An")
    sheet = workbooks[unit.unit]["Tài liệu"]
    row = row_of(sheet, "1.1/11-KH-UBND Kế hoạch Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023.pdf")
    assert row[3].value == "11/KH-UBND"
    assert row[2].value == "1.1: thư mục"
    signatures = str(row[9].value).split("\n")
    assert signatures[0] == "Nguyễn Văn An (UBND xã Cao An) – nguyên vẹn/tin cậy – 30/01/2023"
    assert len(signatures) == 2


def test_findings_sheet_has_one_row_per_finding(
    units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]
) -> None:
    for unit in units:
        sheet = workbooks[unit.unit]["Phát hiện"]
        found = unit.all_findings()
        assert sheet.max_row == len(found) + 1
        for row, (_, _, finding) in zip(rows(sheet), found, strict=True):
            assert row[2].value == finding.code and row[7].value == finding.message
            assert is_red(row) == finding.zeroes


def test_responsibilities_list_each_person_and_criterion(
    units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]
) -> None:
    for unit in units:
        sheet = workbooks[unit.unit]["Người phụ trách"]
        expected = [(person, c.code) for person, criteria in unit.responsibilities() for c in criteria]
        assert [(row[0].value, row[1].value) for row in rows(sheet)] == expected
        assert expected


def test_each_person_is_told_what_to_do_with_which_file(
    units: tuple[UnitAssessment, ...], workbooks: dict[str, Workbook]
) -> None:
    unit = next(unit for unit in units if unit.unit == "UBND xã Cao An")
    sheet = workbooks[unit.unit]["Người phụ trách"]
    criteria = {c.code: c for c in unit.criteria}
    to_do = {row[1].value: str(row[5].value) for row in rows(sheet)}
    with_files = [(code, task) for code in to_do for task in unit.tasks(criteria[code]) if task.files]
    assert with_files, "the sample commune's assigned criteria have documents to fix"
    for code, task in with_files:
        names = ", ".join(path.rsplit("/", 1)[-1] for path in task.files)
        rule = rule_by_key(task.rule)
        assert rule is not None and f"{names}: {rule.action}" in to_do[code]
    vague = [code for code in to_do if any(t.rule == "vague-explanation" for t in unit.tasks(criteria[code]))]
    assert vague and all("Viết lại giải trình" in to_do[code] for code in vague)
    for code, text in to_do.items():  # what would lift a zero comes first
        tasks = unit.tasks(criteria[code])
        assert [task.zeroes for task in tasks] == sorted((task.zeroes for task in tasks), reverse=True)
        assert text.count("\n") + 1 == len(tasks) or (not tasks and text == "—")


def test_a_waived_finding_asks_nothing(units: tuple[UnitAssessment, ...]) -> None:
    unit = next(unit for unit in units if unit.unit == "UBND xã Cao An")
    code = next(c.code for c in unit.criteria if any(t.files for t in unit.tasks(c)))
    def waive(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        return tuple(finding.waive("ký tay hợp lệ", "Hội đồng", None, "miễn trừ.csv") for finding in findings)

    waived = replace(
        unit,
        evidence=tuple(replace(item, findings=waive(item.findings)) for item in unit.evidence),
        criteria=tuple(replace(c, findings=waive(c.findings)) for c in unit.criteria),
    )
    assert waived.tasks(next(c for c in waived.criteria if c.code == code)) == ()
    assert all(c.zeroed for _, criteria in waived.responsibilities() for c in criteria)  # only zeroed ones left
    table = summary_table([waived])
    assert table.rows[0][table.rules_from :] == [0] * (len(table.headers) - table.rules_from)  # none counted


def test_column_widths_fit_and_long_text_wraps(workbooks: dict[str, Workbook]) -> None:
    sheet = next(iter(workbooks.values()))["Tài liệu"]
    for column, header in enumerate(headers(sheet), start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width
        assert max(map(len, str(header).split())) < width <= MAX_WIDTH  # a heading wraps at its spaces
        assert sheet.cell(1, column).alignment.wrap_text
    long_paths = [row[0] for row in rows(sheet) if len(str(row[0].value)) > MAX_WIDTH]
    assert long_paths and all(cell.alignment.wrap_text for cell in long_paths)


def test_english_workbook(units: tuple[UnitAssessment, ...], tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    write_unit_workbook(units[0], path, Lang.EN)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Overview", "Criteria", "Documents", "Findings", "Responsibilities"]
    assert headers(book["Criteria"])[:5] == ["Code", "Criterion", "Maximum", "Self score", "Recommended"]
    assert {row[6].value for row in rows(book["Criteria"])} <= {"Yes", "No"}


def test_hostile_text_is_never_a_formula(tmp_path: Path) -> None:
    unit = hostile_unit()
    path = tmp_path / "hostile.xlsx"
    write_unit_workbook(unit, path)
    book = openpyxl.load_workbook(path)
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    seen.add(cell.value)
    assert set(HOSTILE) <= seen  # each shown exactly as written, with no visible prefix
    assert "@SUM(A1)/KH-UBND" in seen and "-2 \ufffd bell" in seen  # the control character cannot go in XML
    with zipfile.ZipFile(path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


def test_no_responsibilities_sheet_without_assignments(tmp_path: Path) -> None:
    unit = hostile_unit()
    unit = replace(unit, criteria=tuple(replace(c, responsible=()) for c in unit.criteria))
    write_unit_workbook(unit, tmp_path / "u.xlsx")
    assert openpyxl.load_workbook(tmp_path / "u.xlsx").sheetnames == ["Tổng quan", "Tiêu chí", "Tài liệu", "Phát hiện"]


def test_writing_is_atomic(units: tuple[UnitAssessment, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"previous")

    def broken_save(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_unit_workbook(units[0], path)
    assert path.read_bytes() == b"previous" and sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]
    monkeypatch.undo()
    write_unit_workbook(units[0], path)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Tổng quan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_batch_summary_csv_and_xlsx_agree_and_are_sorted_by_points_at_risk(
    units: tuple[UnitAssessment, ...], tmp_path: Path
) -> None:
    everyone = (hostile_unit(), *units)  # the hostile unit's totals are unknown: it must come last
    write_batch_summary(everyone, tmp_path)
    raw = (tmp_path / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the file as UTF-8
    table = pd.read_csv(tmp_path / "summary.csv", encoding="utf-8-sig")
    risk, share = label("points_at_risk"), label("recommended_share")
    assert list(table.columns[:7]) == [
        "Đơn vị", "Xếp hạng", "Tổng điểm tự đánh giá", "Tổng điểm đề xuất", "Tổng điểm tối đa", share, risk
    ]
    fields = [column for column in table.columns if column.startswith("LV ")]
    assert fields and fields == [f"LV {field.code}" for field in batch_fields(everyone)]
    assert "KC201 Số văn bản có chữ/số phụ (số a, b)" in table.columns
    known = table[risk].iloc[:-1].tolist()
    assert known == sorted(known, reverse=True) and pd.isna(table[risk].iloc[-1])
    assert table["Đơn vị"].iloc[-1] == "'" + hostile_unit().unit  # CSV cells cannot be marked as text
    by_unit = {u.unit: u for u in units}
    for _, record in table.iloc[:-1].iterrows():
        unit = by_unit[record["Đơn vị"]]
        assert record[risk] == unit.totals.points_at_risk
        assert record["Xếp hạng"] == ranks(everyone)[unit.unit]
        assert unit.totals.recommended_share is not None
        assert record[share] == round(unit.totals.recommended_share * 100, 1)  # 85.5: the header says %
        for field, totals in unit.field_totals():
            assert record[f"LV {field.code}"] == totals.recommended_score
        assert record["Số tiêu chí bị 0 điểm"] == sum(c.zeroed for c in unit.criteria)
        assert record["KC201 Số văn bản có chữ/số phụ (số a, b)"] == sum(
            f.code == "KC201" for _, _, f in unit.all_findings()
        )

    workbook = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    sheet, by_rule = workbook["Tổng hợp"], workbook["Số phát hiện theo quy tắc"]
    split = list(table.columns).index("KC101 Tệp không đọc được")
    assert headers(sheet) == list(table.columns[:split])
    assert headers(by_rule) == ["Đơn vị", *table.columns[split:]]
    assert [[cell.value for cell in row] for row in rows(by_rule)][:-1] == [
        [record["Đơn vị"], *record.iloc[split:]] for _, record in table.iloc[:-1].iterrows()
    ]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    cells = list(rows(sheet))[: len(table)]
    for row, (_, record) in zip(cells[:-1], table.iloc[:-1].iterrows(), strict=True):
        values = [cell.value for cell in row]
        expected = ["—" if pd.isna(value) else value for value in record.tolist()[:split]]  # a field it lacks
        assert values[5] == pytest.approx(expected[5] / 100, abs=5e-4) and row[5].number_format == PERCENT_FORMAT
        assert values[:5] + values[6:] == expected[:5] + expected[6:]
        assert row[4].data_type == "n" and row[4].number_format == SCORE_FORMAT
    assert cells[-1][0].value == hostile_unit().unit and cells[-1][0].data_type == "s"
    assert cells[-1][1].value == cells[-1][4].value == "—"
    # what the field columns stand for, below the table
    legend = [sheet.cell(row, 1).value for row in range(len(table) + 3, sheet.max_row + 1)]
    assert legend[0] == label("field_legend") and all(line.startswith("LV ") for line in legend[1:])
    assert len(legend) == 1 + sum(bool(field.title) for field in batch_fields(everyone))


def test_a_unit_that_submitted_nothing_comes_first(units: tuple[UnitAssessment, ...], tmp_path: Path) -> None:
    empty = replace(units[-1], unit="UBND xã Trống", self_assessment=None, evidence=(), criteria=(),
                    totals=Totals(None, None, None))
    tableless = replace(units[0], unit="UBND xã Không Bảng", self_assessment=None)
    table = summary_table((*units, empty, tableless))
    submission = table.headers.index("Tình trạng hồ sơ")
    assert [row[0] for row in table.rows[:2]] == ["UBND xã Không Bảng", "UBND xã Trống"]
    assert [row[submission] for row in table.rows] == ["Chưa nộp minh chứng"] * 2 + ["Đã nộp"] * len(units)
    page = render_batch_index((*units, empty, tableless))
    assert page.index("UBND xã Không Bảng") < page.index("UBND xã Trống") < page.index(units[0].unit)
    assert page.count("Chưa nộp minh chứng") == 2


def test_summary_formats_can_be_chosen(units: tuple[UnitAssessment, ...], tmp_path: Path) -> None:
    write_batch_summary(units, tmp_path, Lang.EN, formats=frozenset({"csv"}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]
    english = pd.read_csv(tmp_path / "summary.csv", encoding="utf-8-sig")
    assert list(english.columns[:3]) == ["Unit", "Rank", "Self-assessed total"]
    with pytest.raises(ValueError, match="pdf"):
        write_batch_summary(units, tmp_path, formats=frozenset({"pdf"}))
    assert len(summary_table(units).rows) == len(units)


# ------------------------------------------------------------------------------------------------ printing


def test_every_sheet_is_set_up_for_printing(workbooks: dict[str, Workbook]) -> None:
    for workbook in workbooks.values():
        for sheet in workbook.worksheets:
            setup = sheet.page_setup
            assert str(setup.paperSize) == sheet.PAPERSIZE_A4 and setup.orientation in ("portrait", "landscape")
            assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
            assert sheet.print_area and sheet.oddFooter.center.text == "Trang &P/&N"
            if sheet.auto_filter.ref:  # the sheet's table: its header row printed on every page
                first = sheet.auto_filter.ref.split(":")[0][1:]
                assert sheet.print_title_rows == f"${first}:${first}"
        criteria = workbook["Tiêu chí"]
        assert criteria.page_setup.orientation == "landscape"  # wide: titles, findings, explanations, files
        wrapped = [row for row in range(2, criteria.max_row + 1) if "\n" in str(criteria.cell(row, 8).value or "")]
        assert all((criteria.row_dimensions[row].height or 0) >= 30 for row in wrapped)  # two lines or more


def test_summary_prints_scores_on_one_page_and_rules_on_another(
    units: tuple[UnitAssessment, ...], tmp_path: Path
) -> None:
    write_batch_summary(units, tmp_path, formats=frozenset({"xlsx"}))
    workbook = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    assert workbook.sheetnames == ["Tổng hợp", "Số phát hiện theo quy tắc"]
    scores, rules = workbook.worksheets
    assert headers(rules)[0] == "Đơn vị" and all(str(h).startswith("KC") for h in headers(rules)[1:])
    assert not any(str(h).startswith("KC") for h in headers(scores))
    if SOFFICE is None:
        pytest.skip(NO_SOFFICE)
    pdf = to_pdf(tmp_path / "summary.xlsx", tmp_path)
    assert page_sizes(pdf) == [A4_LANDSCAPE, A4_LANDSCAPE]  # was 24 pages for these 3 units
    first = pdf.pages[0].extract_text()
    assert all(unit.unit in first for unit in units) and "Xếp hạng" in first and "LV 1: " in first


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_unit_workbook_prints_on_a_few_a4_pages(units: tuple[UnitAssessment, ...], tmp_path: Path) -> None:
    commune = next(unit for unit in units if unit.unit == "UBND xã Cao An")
    write_unit_workbook(commune, tmp_path / "report.xlsx")
    pdf = to_pdf(tmp_path / "report.xlsx", tmp_path)
    assert len(pdf.pages) <= 10 and set(page_sizes(pdf)) <= {A4_LANDSCAPE, A4_LANDSCAPE[::-1]}
    assert all(f"Trang {number}/{len(pdf.pages)}" in page.extract_text() for number, page in enumerate(pdf.pages, 1))
