"""Rule `unreadable`: the file cannot be read at all."""

from __future__ import annotations

from extractors.models import DocumentFacts, FileKind, ReadProblem
from validators.model import (
    NOT_APPLICABLE,
    PASSED,
    DocumentRule,
    Outcome,
    Proof,
    ProofKind,
    RuleContext,
    Severity,
    Verdict,
)

_KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel đời cũ (.xls)",
    "zip": "tệp nén ZIP",
    "ole": "tệp Office đời cũ (Excel .xls, PowerPoint .ppt…)",
    "word95": "Word 6.0/95 (định dạng .doc trước năm 1997)",
    "archive": "tệp nén (.zip, .rar, .7z) mà máy chưa cài thư viện đọc",
    "image": "ảnh",
    "html": "trang web (HTML)",
    "json": "dữ liệu JSON (thường là thông báo lỗi của hệ thống khi tải tệp về), không phải văn bản",
    "rtf": "văn bản RTF",
    "unknown": "không xác định",
}
# What the file's name says it is, for "named … but holds …".
_NAMED_AS = {"pdf": "đuôi .pdf", "docx": "đuôi .docx", "doc": "đuôi .doc", "image": "đuôi ảnh (.jpg, .png, .tif)"}

_MESSAGES = {
    ReadProblem.EMPTY: "Tệp rỗng (0 byte), không có nội dung.",
    ReadProblem.TRUNCATED: "Tệp bị cắt cụt (tải lên không hết), không đọc được đến cuối tệp.",
    ReadProblem.CORRUPT: "Tệp bị hỏng, không đọc được nội dung.",
    ReadProblem.ENCRYPTED: "Tệp PDF được đặt mật khẩu mở; Hội đồng không mở được để kiểm tra.",
    ReadProblem.NO_ACCESS: "Không có quyền đọc tệp.",
    ReadProblem.NO_HEADER: "Không tìm thấy dòng tiêu đề của bảng.",
    ReadProblem.LINK: "Đây là liên kết (shortcut/symlink), không phải tệp tài liệu; không được mở theo.",
    ReadProblem.UNSAFE: "Tệp trong tệp nén không được giải nén vì không an toàn (tên trỏ ra ngoài tệp nén, "
    "dung lượng giải nén vượt giới hạn, hoặc tệp nén lồng quá sâu); Hội đồng mở tệp kiểm tra trực tiếp.",
    ReadProblem.TIMEOUT: "Không kiểm tra được: đọc tệp quá thời gian cho phép nên đã dừng; "
    "Hội đồng mở tệp kiểm tra trực tiếp.",
    ReadProblem.CRASHED: "Không kiểm tra được: tiến trình đọc tệp bị dừng đột ngột (tệp có thể hỏng hoặc quá lớn); "
    "Hội đồng mở tệp kiểm tra trực tiếp.",
}

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
        if error.problem is ReadProblem.WRONG_CONTENT:
            actual = _KIND_NAMES.get(error.actual_kind or "unknown", error.actual_kind or "")
            named = _NAMED_AS.get(facts.kind.value, f"đuôi .{facts.kind.value}")
            message = f"Tên tệp có {named} nhưng nội dung là {actual}; không đọc được như tài liệu."
        elif error.problem is ReadProblem.UNSUPPORTED:
            actual = _KIND_NAMES.get(error.actual_kind or "unknown", "không xác định")
            message = (
                f"Định dạng tệp không được nhận làm tài liệu kiểm chứng (nội dung: {actual}); "
                "cần văn bản điện tử PDF có ký số."
            )
        elif error.problem is ReadProblem.ENCRYPTED and facts.kind is not FileKind.PDF:
            message = "Tệp được đặt mật khẩu (tệp nén mã hoá); Hội đồng không mở được để kiểm tra."
        else:
            message = _MESSAGES[error.problem]
        # Out of time or a dead reader says nothing about the document itself: indeterminate, not failed.
        outcome = Outcome.INDETERMINATE if error.problem in _NOT_JUDGED else Outcome.FAILED
        return Verdict(outcome, message, Proof(error.detail, None, ProofKind.READ_ERROR, error.problem.value))
