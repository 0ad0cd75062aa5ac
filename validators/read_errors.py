"""What an unreadable file means to the council, in Vietnamese, and what to do about it.

The reader's own words (`ReadError.detail`: "no %%EOF marker…", "an open password is required",
"openpyxl: BadZipFile…") are for developers: findings carry them as `detail`, which only report.json
keeps. The council reads the explanation built here from the kind of problem.
"""

from __future__ import annotations

from kiemchung.extractors.models import ReadError, ReadProblem

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

_RESUBMIT = "Đơn vị cần nộp lại tệp gốc đầy đủ."
_BY_HAND = "Hội đồng mở tệp kiểm tra trực tiếp."
_EXPLANATIONS = {
    ReadProblem.EMPTY: f"Tệp rỗng (0 byte), không có nội dung. {_RESUBMIT}",
    ReadProblem.TRUNCATED: f"Tệp bị cắt cụt (tải lên không hết), không đọc được đến cuối tệp. {_RESUBMIT}",
    ReadProblem.CORRUPT: f"Tệp bị hỏng, không đọc được nội dung. {_RESUBMIT}",
    ReadProblem.ENCRYPTED: "Tệp PDF được đặt mật khẩu mở; Hội đồng không mở được để kiểm tra. "
    "Đơn vị cần nộp lại bản không đặt mật khẩu.",
    ReadProblem.NO_ACCESS: "Không có quyền đọc tệp. Người chạy kiểm tra cần cấp quyền đọc thư mục hồ sơ rồi "
    "kiểm tra lại.",
    ReadProblem.NO_HEADER: "Không tìm thấy dòng tiêu đề của bảng (các cột tiêu chí, điểm tối đa, điểm tự đánh giá, "
    "giải trình). Đơn vị cần dùng đúng mẫu bảng của tỉnh.",
    ReadProblem.LINK: "Đây là liên kết (shortcut/symlink), không phải tệp tài liệu; không được mở theo. "
    "Đơn vị cần nộp chính tệp tài liệu.",
    ReadProblem.UNSAFE: "Tệp trong tệp nén không được giải nén vì không an toàn (tên trỏ ra ngoài tệp nén, "
    f"dung lượng giải nén vượt giới hạn, hoặc tệp nén lồng quá sâu); {_BY_HAND}",
    ReadProblem.TIMEOUT: f"Không kiểm tra được: đọc tệp quá thời gian cho phép nên đã dừng; {_BY_HAND}",
    ReadProblem.CRASHED: "Không kiểm tra được: tiến trình đọc tệp bị dừng đột ngột (tệp có thể hỏng hoặc quá lớn); "
    f"{_BY_HAND}",
}


def explanation(error: ReadError, named: str) -> str:
    """Why the file cannot be read and what to do, for a file whose name says it is `named` ("pdf", "xlsx")."""
    if error.problem is ReadProblem.WRONG_CONTENT:
        actual = _KIND_NAMES.get(error.actual_kind or "unknown", error.actual_kind or "")
        shown = _NAMED_AS.get(named, f"đuôi .{named}")
        return (
            f"Tên tệp có {shown} nhưng nội dung là {actual}; không đọc được như tài liệu. "
            "Đơn vị cần nộp lại đúng tệp văn bản."
        )
    if error.problem is ReadProblem.UNSUPPORTED:
        actual = _KIND_NAMES.get(error.actual_kind or "unknown", "không xác định")
        return (
            f"Định dạng tệp không được nhận làm tài liệu kiểm chứng (nội dung: {actual}); "
            "cần văn bản điện tử PDF có ký số."
        )
    if error.problem is ReadProblem.ENCRYPTED and named != "pdf":
        return (
            "Tệp được đặt mật khẩu (tệp nén hoặc tệp Office mã hoá); Hội đồng không mở được để kiểm tra. "
            "Đơn vị cần nộp lại bản không đặt mật khẩu."
        )
    return _EXPLANATIONS[error.problem]
