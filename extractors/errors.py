"""The exceptions of the reading side: a file that cannot be read (a finding), and a file or setting the
council gave that cannot be used (it stops the run), which says so in Vietnamese and in English."""

from __future__ import annotations

import errno

from kiemchung.extractors.models import ReadProblem


class ReadFailure(Exception):
    """Raised inside extractors; `read_document` turns it into a `ReadError` fact."""

    def __init__(self, problem: ReadProblem, detail: str, actual_kind: str | None = None) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail
        self.actual_kind = actual_kind


class BilingualError(ValueError):
    """A file or setting the council gave cannot be used: what is wrong and what to do, in Vietnamese (the
    message) and in English (`english`). The base of the trust-root, criteria, assignment, waiver and
    rule-policy errors; the pipeline stops the run with them as a configuration error in the chosen language.
    """

    def __init__(self, message: str, english: str) -> None:
        super().__init__(message, english)  # both in `args`, so the error survives pickling to and from a worker
        self.english = english

    def __str__(self) -> str:
        return str(self.args[0])


# The system's reasons a user meets most, in words (strerror is English and depends on the platform).
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOENT: ("không có tệp hay thư mục này", "no such file or folder"),
    errno.EACCES: ("không có quyền đọc", "permission denied"),
    errno.EPERM: ("không có quyền đọc", "permission denied"),
    errno.EISDIR: ("đây là một thư mục, không phải tệp", "it is a folder, not a file"),
    errno.ENOTDIR: ("một phần của đường dẫn không phải thư mục", "a part of the path is not a folder"),
}


def reason(error: Exception) -> tuple[str, str]:
    """Why a file could not be read or parsed, in Vietnamese and English, for a message that then says what
    to do. A library's own words that have no translation stay as they are, quoted (“…”) in Vietnamese."""
    if isinstance(error, OSError) and error.errno in _OS_REASONS:
        return _OS_REASONS[error.errno]
    if isinstance(error, UnicodeDecodeError):
        return "không phải văn bản mã hóa UTF-8", "not UTF-8 text"
    mark = getattr(error, "problem_mark", None)  # PyYAML's MarkedYAMLError: where the parser stopped
    if mark is not None:
        problem = getattr(error, "problem", None) or str(error)
        return (
            f"dòng {mark.line + 1}, cột {mark.column + 1}: “{problem}”",
            f"line {mark.line + 1}, column {mark.column + 1}: {problem}",
        )
    raw = (error.strerror if isinstance(error, OSError) else None) or str(error) or type(error).__name__
    return f"“{raw}”", raw
