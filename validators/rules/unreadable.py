"""Rule `unreadable`: the file cannot be read at all."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, FileKind, ReadProblem
from kiemchung.validators.model import NOT_APPLICABLE, PASSED, DocumentRule, Outcome, RuleContext, Severity, Verdict
from kiemchung.validators.read_errors import explanation

_NOT_JUDGED = frozenset({ReadProblem.TIMEOUT, ReadProblem.CRASHED})


class Unreadable(DocumentRule):
    """The file cannot be read.

    What it checks: that the evidence file opens — not empty, truncated, corrupt,
    password-protected, holding something that is no document (a web page or JSON
    saved as .doc or .pdf), or of a type that is not an evidence document. PDF,
    Word (.docx and .doc) and pictures are read by their content whatever their
    extension says (a .docx saved as ".doc" is read as .docx). Pictures (.jpg,
    .png, .tif) are judged by `scanned-paper`; other picture formats (.gif, .webp,
    .heic) are not accepted.

    Why it matters: the council cannot check what it cannot open; an unreadable
    file proves nothing, so the criterion it supports scores 0.

    Example: `1.1/Kế hoạch 11.pdf` of 0 bytes; `2.3/Báo cáo.pdf` that is really a
    web page; `3.1/Quyết định.doc` that is a Word 6/95 file; `4.1/Ảnh.jpg` whose
    data stops half-way.
    """

    code = "KC101"
    name = "unreadable"
    title = "Tệp không đọc được"
    action = "Nộp lại tệp mở được: bản PDF hoặc Word gốc có ký số, không đặt mật khẩu, không hỏng."
    action_en = "Submit a file that opens: the original signed PDF or Word file, without a password, undamaged."
    guide = """Kiểm tra gì: tệp tài liệu kiểm chứng mở được — không rỗng, không bị cắt cụt, không hỏng, không đặt
    mật khẩu, không chứa thứ không phải văn bản (một trang web hay dữ liệu JSON lưu thành .doc hoặc .pdf), và thuộc
    loại được nhận làm tài liệu kiểm chứng. Tệp PDF, Word (.docx và .doc) và tệp ảnh được đọc theo nội dung thật của
    tệp, bất kể đuôi tên tệp ghi gì (tệp .docx lưu thành “.doc” vẫn được đọc như .docx). Tệp ảnh (.jpg, .png, .tif)
    do quy tắc `scanned-paper` đánh giá; các định dạng ảnh khác (.gif, .webp, .heic) không được nhận.

    Vì sao quan trọng: Hội đồng thẩm định không thể kiểm tra tệp không mở được; tệp không đọc được thì không chứng
    minh được gì, nên tiêu chí mà tệp đó làm minh chứng bị chấm 0 điểm.

    Ví dụ: `1.1/Kế hoạch 11.pdf` dung lượng 0 byte; `2.3/Báo cáo.pdf` thực ra là một trang web; `3.1/Quyết định.doc`
    là tệp Word 6/95; `4.1/Ảnh.jpg` có dữ liệu bị đứt giữa chừng.
    """
    severity = Severity.ERROR
    zeroes = True
    # Out of time or a dead reader: nothing was verified, and nothing unverified passes.
    zeroes_when_indeterminate = True
    needs_content = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        error = facts.read_error
        if facts.kind is FileKind.SYSTEM:
            return NOT_APPLICABLE
        if error is None:
            return PASSED
        # Out of time or a dead reader says nothing about the document itself: indeterminate, not failed.
        outcome = Outcome.INDETERMINATE if error.problem in _NOT_JUDGED else Outcome.FAILED
        return Verdict(outcome, explanation(error, facts.kind.value), detail=f"{error.problem.value}: {error.detail}")
