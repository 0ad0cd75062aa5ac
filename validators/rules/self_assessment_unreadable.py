"""Rule `self-assessment-unreadable`: the unit's self-assessment table is missing or unreadable."""

from __future__ import annotations

from pathlib import PurePosixPath

from kiemchung.validators.format import quoted
from kiemchung.validators.model import PASSED, Outcome, RuleContext, Severity, UnitFacts, UnitRule, Verdict
from kiemchung.validators.read_errors import explanation


class SelfAssessmentUnreadable(UnitRule):
    """The self-assessment table cannot be used.

    What it checks: that the unit folder holds its self-assessment table
    (bảng tự đánh giá: .xlsx, .csv or a Word table at the top of the folder) and
    that its header — criterion, maximum, self score, explanation, evidence —
    can be found and its rows read.

    Why it matters: without the table there are no self scores to confirm, no
    explanations to judge and no citations to follow; the criteria are then
    taken from the folders and their scores stay unknown.

    Example: a unit folder with only evidence folders; a workbook whose header
    row has no "Điểm tự đánh giá" column; a corrupt .xlsx.
    """

    code = "KC406"
    name = "self-assessment-unreadable"
    title = "Không đọc được bảng tự đánh giá"
    action = "Nộp lại bảng tự đánh giá (Excel hoặc Word) mở được, có cột mã tiêu chí và điểm tự chấm."
    action_en = (
        "Submit the self-assessment table again (Excel or Word), readable, with the criterion code and score "
        "columns."
    )
    guide = """Kiểm tra gì: thư mục của đơn vị có bảng tự đánh giá (.xlsx, .csv hoặc bảng trong tệp Word, đặt ngay
    trong thư mục của đơn vị), tìm được dòng tiêu đề của bảng — tiêu chí, điểm tối đa, điểm tự đánh giá, giải trình,
    tài liệu kiểm chứng — và đọc được các dòng của bảng.

    Vì sao quan trọng: không có bảng thì không có điểm tự chấm để đối chiếu, không có giải trình để đánh giá và
    không có trích dẫn để lần theo; khi đó danh mục tiêu chí được lấy theo các thư mục và điểm của các tiêu chí là
    chưa xác định.

    Ví dụ: thư mục đơn vị chỉ có các thư mục tài liệu kiểm chứng; bảng tính có dòng tiêu đề thiếu cột “Điểm tự đánh
    giá”; tệp .xlsx bị hỏng.
    """
    severity = Severity.ERROR
    zeroes = False

    def check(self, facts: UnitFacts, context: RuleContext) -> Verdict:
        if facts.self_assessment_path is None:
            return Verdict(
                Outcome.FAILED,
                "Không tìm thấy bảng tự đánh giá (tệp .xlsx, .csv hoặc .docx ở thư mục gốc "
                "của đơn vị); điểm tự chấm và giải trình chưa được kiểm tra.",
            )
        table = facts.table
        if table is None or table.read_error is None:
            return PASSED
        error = table.read_error
        named = PurePosixPath(facts.self_assessment_path).suffix.lstrip(".").lower()
        return Verdict(
            Outcome.FAILED,
            f"Không đọc được bảng tự đánh giá {quoted(facts.self_assessment_path)}. {explanation(error, named)}",
            detail=f"{error.problem.value}: {error.detail}",
        )
