"""A unit's self-assessment table (bảng tự đánh giá, chấm điểm Chỉ số CCHC) as XLSX, DOCX or CSV.

The table looks like the ones units actually upload: a title block (merged cells) above the header,
the header ``STT | Tiêu chí, tiêu chí thành phần | Điểm tối đa | Điểm tự đánh giá | Giải trình | Tài
liệu kiểm chứng``, a bold row per field (``I``, ``II``...), criterion rows with hierarchical codes
(``1.1``, ``3.2.6``), scores written sometimes as numbers and sometimes as text with a decimal comma
(``"1,5"``), explanations (giải trình) that are either specific (figures, "trang 2, mục II") or vague
("Đã thực hiện đầy đủ"), evidence references by number, symbol and date, and a total row.

The criteria set below is sample data for a commune-level index; real sets come from each province's
decision and change yearly.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from samples.documents import freeze_office_file

# Self-assessments are filed in mid-December of the assessment year.
_SAVED_AT = datetime(2023, 12, 15, 9, 0)
HEADER = (
    "STT",
    "Tiêu chí, tiêu chí thành phần",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Giải trình",
    "Tài liệu kiểm chứng",
)
ExplanationQuality = Literal["specific", "vague", "none"]


@dataclass(frozen=True)
class CriterionDef:
    """One line of the province's criteria set."""

    code: str
    """``I`` for a field; ``1.1`` or ``3.2.6`` for criteria and sub-criteria."""
    title: str
    max_score: float

    @property
    def is_field(self) -> bool:
        return "." not in self.code and not self.code.isdigit()

    @property
    def parent(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


# Sample commune-level criteria set (8 fields, 50 points).
COMMUNE_CRITERIA: tuple[CriterionDef, ...] = (
    CriterionDef("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", 9),
    CriterionDef("1.1", "Kế hoạch CCHC năm", 2),
    CriterionDef("1.2", "Báo cáo CCHC định kỳ", 1.5),
    CriterionDef("1.3", "Kiểm tra công tác CCHC", 1.5),
    CriterionDef("1.4", "Công tác tuyên truyền CCHC", 2),
    CriterionDef("1.5", "Sáng kiến, giải pháp mới trong CCHC", 2),
    CriterionDef("II", "XÂY DỰNG VÀ TỔ CHỨC THỰC HIỆN VĂN BẢN QPPL", 5),
    CriterionDef("2.1", "Ban hành văn bản QPPL theo thẩm quyền", 2),
    CriterionDef("2.2", "Tự kiểm tra, rà soát văn bản QPPL", 1.5),
    CriterionDef("2.3", "Theo dõi tình hình thi hành pháp luật", 1.5),
    CriterionDef("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 12),
    CriterionDef("3.1", "Công khai thủ tục hành chính", 3),
    CriterionDef("3.2", "Kết quả giải quyết thủ tục hành chính", 9),
    CriterionDef("3.2.1", "Tỷ lệ hồ sơ được giải quyết đúng hạn", 2),
    CriterionDef("3.2.2", "Xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ trễ hạn", 1),
    CriterionDef("3.2.3", "Thanh toán trực tuyến phí, lệ phí", 1.5),
    CriterionDef("3.2.4", "Dịch vụ công trực tuyến toàn trình", 1.5),
    CriterionDef("3.2.5", "Số hóa hồ sơ, kết quả giải quyết TTHC", 1.5),
    CriterionDef("3.2.6", "Tiếp nhận, xử lý phản ánh, kiến nghị", 1.5),
    CriterionDef("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY", 4),
    CriterionDef("4.1", "Thực hiện quy chế làm việc của UBND", 2),
    CriterionDef("4.2", "Thực hiện dân chủ ở cơ sở", 2),
    CriterionDef("V", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", 6),
    CriterionDef("5.1", "Bố trí công chức theo vị trí việc làm", 2),
    CriterionDef("5.2", "Đánh giá, xếp loại cán bộ, công chức", 2),
    CriterionDef("5.3", "Chấp hành kỷ luật, kỷ cương hành chính", 2),
    CriterionDef("VI", "CẢI CÁCH TÀI CHÍNH CÔNG", 4),
    CriterionDef("6.1", "Công khai ngân sách xã", 2),
    CriterionDef("6.2", "Thực hiện dự toán thu, chi ngân sách", 2),
    CriterionDef("VII", "XÂY DỰNG CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", 6),
    CriterionDef("7.1", "Kế hoạch chuyển đổi số", 2),
    CriterionDef("7.2", "Sử dụng văn bản điện tử, chữ ký số", 2),
    CriterionDef("7.3", "Cung cấp thông tin trên Trang thông tin điện tử", 2),
    CriterionDef("VIII", "TÁC ĐỘNG CỦA CCHC ĐẾN PHÁT TRIỂN KINH TẾ - XÃ HỘI", 4),
    CriterionDef("8.1", "Thực hiện chỉ tiêu thu ngân sách", 2),
    CriterionDef("8.2", "Thực hiện các chỉ tiêu phát triển kinh tế - xã hội", 2),
)
CRITERIA_BY_CODE: Mapping[str, CriterionDef] = {c.code: c for c in COMMUNE_CRITERIA}


@dataclass(frozen=True)
class AssessmentRow:
    code: str
    title: str
    max_score: float
    self_score: float
    explanation: str = ""
    evidence: tuple[str, ...] = ()
    is_field: bool = False
    score_as_text: bool = False
    """Write the scores as text with a decimal comma ("1,5"), as many units type them."""
    explanation_quality: ExplanationQuality = "none"


@dataclass(frozen=True)
class SelfAssessment:
    unit_name: str
    """``UBND xã Cao An``."""
    issuer_parent: str
    issuer: str
    year: int
    rows: tuple[AssessmentRow, ...]
    report_reference: str = ""
    """``(Kèm theo Báo cáo số 45/BC-UBND ngày 15/12/2023 của UBND xã Cao An)``."""

    @property
    def title(self) -> str:
        return f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {self.year}"

    @property
    def total_max(self) -> float:
        return sum(r.max_score for r in self.rows if r.is_field)

    @property
    def total_self(self) -> float:
        return sum(r.self_score for r in self.rows if r.is_field)


VAGUE_EXPLANATIONS = ("Đã thực hiện đầy đủ", "Thực hiện tốt", "Đạt", "Có thực hiện theo quy định")


def build_self_assessment(
    *,
    unit_name: str,
    issuer_parent: str,
    issuer: str,
    year: int,
    evidence: Mapping[str, Sequence[str]],
    seed: int,
    criteria: Sequence[CriterionDef] = COMMUNE_CRITERIA,
    report_reference: str = "",
) -> SelfAssessment:
    """Score every criterion: full or near-full marks where evidence exists, explanations mostly specific.

    ``evidence`` maps criterion codes to document references ("Kế hoạch số 11/KH-UBND ngày
    30/01/2023"). Field rows and parents of sub-criteria carry the sum of their children.
    """
    rng = random.Random(seed)
    leaf_scores: dict[str, float] = {}
    rows_by_code: dict[str, AssessmentRow] = {}
    codes = [c.code for c in criteria]
    leaves = [c for c in criteria if not c.is_field and not any(o.startswith(c.code + ".") for o in codes)]
    for c in leaves:
        refs = tuple(evidence.get(c.code, ()))
        if refs:
            score = c.max_score if rng.random() < 0.8 else max(c.max_score - 0.5, 0)
            if rng.random() < 0.7:
                page = rng.randint(1, 3)
                part = rng.choice(("I", "II", "III"))
                explanation = (
                    f"Đã thực hiện: {refs[0]}; kết quả đạt {rng.randint(85, 100)}% chỉ tiêu "
                    f"(trang {page}, mục {part})"
                )
                quality: ExplanationQuality = "specific"
            else:
                explanation = rng.choice(VAGUE_EXPLANATIONS)
                quality = "vague"
        else:
            score = 0.0 if rng.random() < 0.3 else c.max_score
            explanation = "" if score == 0 else rng.choice(VAGUE_EXPLANATIONS)
            quality = "none" if score == 0 else "vague"
        leaf_scores[c.code] = score
        rows_by_code[c.code] = AssessmentRow(
            code=c.code,
            title=c.title,
            max_score=c.max_score,
            self_score=score,
            explanation=explanation,
            evidence=refs,
            score_as_text=rng.random() < 0.3 and score != int(score),
            explanation_quality=quality,
        )
    rows: list[AssessmentRow] = []
    for c in criteria:
        if c.code in rows_by_code:
            rows.append(rows_by_code[c.code])
            continue
        if c.is_field:
            index = _roman_to_int(c.code)
            children = [code for code in leaf_scores if code.split(".")[0] == str(index)]
        else:
            children = [code for code in leaf_scores if code.startswith(c.code + ".")]
        rows.append(
            AssessmentRow(
                code=c.code,
                title=c.title,
                max_score=c.max_score,
                self_score=sum(leaf_scores[code] for code in children),
                is_field=c.is_field,
            )
        )
    return SelfAssessment(
        unit_name=unit_name,
        issuer_parent=issuer_parent,
        issuer=issuer,
        year=year,
        rows=tuple(rows),
        report_reference=report_reference,
    )


def _roman_to_int(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(roman):
        value = values[ch]
        total += -value if i + 1 < len(roman) and values[roman[i + 1]] > value else value
    return total


def format_score(value: float) -> str:
    """``1,5`` / ``2``: Vietnamese decimal comma, no trailing ``,0``."""
    return f"{value:g}".replace(".", ",")


def _score_cell(row: AssessmentRow, value: float) -> float | int | str:
    if row.score_as_text:
        return format_score(value)
    return int(value) if value == int(value) else value


# --- writers ---------------------------------------------------------------------------------------


def write_self_assessment_xlsx(table: SelfAssessment, path: Path) -> None:
    """Excel workbook: title block (merged cells), header on row 7, rows, total row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"Tự đánh giá {table.year}"
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=12)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    ws["A1"], ws["D1"] = table.issuer_parent, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["A2"], ws["D2"] = table.issuer, "Độc lập - Tự do - Hạnh phúc"
    ws["A4"] = table.title
    ws["A5"] = table.report_reference
    for cell_range in ("A1:C1", "D1:F1", "A2:C2", "D2:F2", "A4:F4", "A5:F5"):
        ws.merge_cells(cell_range)
    for ref in ("A1", "D1", "A2", "D2", "A4"):
        ws[ref].font = bold
        ws[ref].alignment = center
    ws["A1"].font = normal
    ws["A5"].font = Font(name="Times New Roman", italic=True, size=12)
    ws["A5"].alignment = center

    header_row = 7
    for col, title in enumerate(HEADER, start=1):
        cell = ws.cell(row=header_row, column=col, value=title)
        cell.font, cell.alignment, cell.border = bold, center, border
    r = header_row
    for row in table.rows:
        r += 1
        values: list[object] = [
            row.code,
            row.title,
            _score_cell(row, row.max_score),
            _score_cell(row, row.self_score),
            row.explanation,
            "\n".join(row.evidence),
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.font = bold if row.is_field else normal
            cell.alignment = center if col in (1, 3, 4) else wrap
            cell.border = border
    r += 1
    total: tuple[object, ...] = ("", "TỔNG ĐIỂM", _num(table.total_max), _num(table.total_self), "", "")
    for col, total_value in enumerate(total, start=1):
        cell = ws.cell(row=r, column=col, value=total_value)
        cell.font, cell.border = bold, border
        cell.alignment = center
    for letter, width in zip("ABCDEF", (7, 45, 10, 11, 50, 45), strict=True):
        ws.column_dimensions[letter].width = width
    wb.properties.creator = table.unit_name
    wb.properties.created = _SAVED_AT
    wb.save(str(path))
    freeze_office_file(path, _SAVED_AT)


def write_self_assessment_docx(table: SelfAssessment, path: Path) -> None:
    """Word document: title paragraphs, then one table (header row, criterion rows, total row)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.5)
    for text, bold, italic in (
        (f"{table.issuer_parent} {table.issuer}", True, False),
        (table.title, True, False),
        (table.report_reference, False, True),
    ):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(13)
    grid = doc.add_table(rows=1, cols=len(HEADER))
    grid.style = "Table Grid"
    for cell, title in zip(grid.rows[0].cells, HEADER, strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        values = (
            row.code,
            row.title,
            str(_score_cell(row, row.max_score)).replace(".", ","),
            str(_score_cell(row, row.self_score)).replace(".", ","),
            row.explanation,
            "\n".join(row.evidence),
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
            if row.is_field and cell.paragraphs[0].runs:
                cell.paragraphs[0].runs[0].bold = True
    cells = grid.add_row().cells
    for cell, value in zip(
        cells, ("", "TỔNG ĐIỂM", format_score(table.total_max), format_score(table.total_self), "", ""),
        strict=True,
    ):
        cell.text = value
        if cell.paragraphs[0].runs:
            cell.paragraphs[0].runs[0].bold = True
    doc.core_properties.author = table.unit_name
    doc.core_properties.created = _SAVED_AT
    doc.save(str(path))
    freeze_office_file(path, _SAVED_AT)


def write_self_assessment_csv(table: SelfAssessment, path: Path) -> None:
    """CSV in UTF-8 with BOM (what Excel writes and reads back), title lines above the header."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"{table.issuer_parent} {table.issuer}", "", "", "", "", ""])
        writer.writerow([table.title, "", "", "", "", ""])
        writer.writerow([table.report_reference, "", "", "", "", ""])
        writer.writerow([])
        writer.writerow(HEADER)
        for row in table.rows:
            writer.writerow(
                [
                    row.code,
                    row.title,
                    _score_cell(row, row.max_score),
                    _score_cell(row, row.self_score),
                    row.explanation,
                    "; ".join(row.evidence),
                ]
            )
        writer.writerow(["", "TỔNG ĐIỂM", _num(table.total_max), _num(table.total_self), "", ""])


def _num(value: float) -> float | int:
    return int(value) if value == int(value) else value


__all__ = [
    "COMMUNE_CRITERIA",
    "CRITERIA_BY_CODE",
    "HEADER",
    "AssessmentRow",
    "CriterionDef",
    "SelfAssessment",
    "build_self_assessment",
    "format_score",
    "write_self_assessment_csv",
    "write_self_assessment_docx",
    "write_self_assessment_xlsx",
]
