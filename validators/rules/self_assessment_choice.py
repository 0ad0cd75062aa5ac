"""Rule `self-assessment-choice`: several self-assessment tables in one unit; which one was read."""

from __future__ import annotations

from kiemchung.validators.format import quoted
from kiemchung.validators.model import (
    NOT_APPLICABLE,
    PASSED,
    Outcome,
    Proof,
    ProofKind,
    RuleContext,
    Severity,
    UnitFacts,
    UnitRule,
    Verdict,
)


class SelfAssessmentChoice(UnitRule):
    """The unit folder holds several self-assessment tables; one was read, the others not.

    What it checks: that the top of the unit folder holds one file named like a
    self-assessment table. When there are several, one is chosen by a fixed rule
    (a name marked as old or a draft — "cũ", "bản cũ", "old", "draft", "nháp",
    "dự thảo", "copy" — loses; then a spreadsheet before a Word file; then the
    newest by modification time; then the name) and this finding names the
    table read and the tables left aside.

    Why it matters: scores and explanations come from one table; if the tool read
    an older version, every self score, every explanation and every citation
    judged is the wrong one. The council must see which file was used.

    Example: "Bảng tự đánh giá CCHC 2023.xlsx" and "Bảng tự đánh giá CCHC 2023
    (bản cũ).xlsx": the first is read, the finding names the second.
    """

    code = "KC407"
    name = "self-assessment-choice"
    title = "Có nhiều bảng tự đánh giá"
    action = "Chỉ để một bảng tự đánh giá trong hồ sơ; xóa bản nháp, bản cũ."
    action_en = "Keep one self-assessment table in the folder; remove drafts and old versions."
    guide = """Kiểm tra gì: ngay trong thư mục của đơn vị chỉ có một tệp được đặt tên như bảng tự đánh giá. Khi có
    nhiều tệp, một tệp được chọn theo quy tắc cố định (tên có dấu hiệu là bản cũ hoặc bản nháp — “cũ”, “bản cũ”,
    “old”, “draft”, “nháp”, “dự thảo”, “copy” — bị xếp sau; sau đó bảng tính được ưu tiên hơn tệp Word; rồi đến tệp
    có thời điểm sửa đổi gần nhất; rồi theo tên tệp) và phát hiện này nêu tên bảng đã đọc cùng các bảng bị bỏ qua.

    Vì sao quan trọng: điểm và giải trình được lấy từ một bảng duy nhất; nếu công cụ đọc phải phiên bản cũ, mọi điểm
    tự chấm, mọi giải trình và mọi trích dẫn được đánh giá đều sai. Hội đồng thẩm định cần biết tệp nào đã được
    dùng.

    Ví dụ: “Bảng tự đánh giá CCHC 2023.xlsx” và “Bảng tự đánh giá CCHC 2023 (bản cũ).xlsx”: tệp thứ nhất được đọc,
    phát hiện nêu tên tệp thứ hai.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: UnitFacts, context: RuleContext) -> Verdict:
        if facts.self_assessment_path is None:
            return NOT_APPLICABLE  # no table at all: self-assessment-unreadable says so
        if not facts.ignored_tables:
            return PASSED
        ignored = ", ".join(quoted(path) for path in facts.ignored_tables)
        return Verdict(
            Outcome.FAILED,
            f"Thư mục đơn vị có {len(facts.ignored_tables) + 1} bảng tự đánh giá; đã dùng "
            f"{quoted(facts.self_assessment_path)} ({facts.choice_reason or 'theo quy tắc chọn bảng'}), "
            f"không dùng {ignored}. Đề nghị đơn vị chỉ nộp một bảng.",
            Proof("; ".join(facts.ignored_tables), None, ProofKind.SELF_ASSESSMENT, facts.self_assessment_path),
        )
