"""Exit codes, the typed errors that map to them, and what the user reads when a run stops, in one place.

A stop message says what happened and what to do, in Vietnamese, or in English under `--lang en`
(every error carries both); a traceback is shown only for an internal error and only under `--verbose`.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path

from kiemchung.pipeline.labels import Lang


class ExitCode(IntEnum):
    OK = 0  # ran; findings below the --fail-on threshold (or none)
    FINDINGS = 1  # ran; a finding at or above the --fail-on threshold
    USAGE = 2  # wrong arguments or input path
    CONFIG = 3  # the configuration file is invalid
    OUTPUT = 4  # the reports could not be written
    INTERNAL = 5  # a bug: please report it
    INPUT = 6  # the evidence folder could not be read (listed)
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, what shells report for an interrupted command


class KiemchungError(Exception):
    """An error the user can act on; its message (Vietnamese, `english` for `--lang en`) is shown as is."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str, english: str | None = None) -> None:
        super().__init__(message)
        self.english = english or message  # a library's or a file's own words need no translation

    def text(self, lang: Lang) -> str:
        return str(self) if lang is Lang.VI else self.english


class UsageError(KiemchungError):
    exit_code = ExitCode.USAGE


class ConfigError(KiemchungError):
    exit_code = ExitCode.CONFIG


class OutputError(KiemchungError):
    """The reports could not be written (the evidence was read; nothing in it is at fault)."""

    exit_code = ExitCode.OUTPUT

    @classmethod
    def writing(cls, where: Path, error: OSError) -> OutputError:
        return cls(
            f"không ghi được báo cáo vào {where}: {_reason(error)}. Hãy kiểm tra quyền ghi và chỗ trống trên đĩa, "
            f"đóng báo cáo nếu đang mở (Excel, trình duyệt) rồi chạy lại.",
            f"cannot write the reports in {where}: {_reason(error)}. Check the permissions and the free space, "
            f"close the reports if they are open (Excel, a browser) and run again.",
        )


class InputError(KiemchungError):
    """The evidence folder itself could not be read (one unreadable file is a finding, never this)."""

    exit_code = ExitCode.INPUT

    @classmethod
    def reading(cls, where: Path, error: OSError) -> InputError:
        return cls(
            f"không đọc được thư mục hồ sơ {where}: {_reason(error)}. Hãy kiểm tra quyền đọc và ổ đĩa "
            f"(ổ mạng, USB) rồi chạy lại.",
            f"cannot read the evidence in {where}: {_reason(error)}. Check the permissions and the drive "
            f"(a network drive, a USB stick) and run again.",
        )


def _reason(error: OSError) -> str:
    """The system's reason, with the path it concerns when that is not the folder already named."""
    reason = error.strerror or str(error) or type(error).__name__
    return f"{reason} ({error.filename})" if error.filename else reason


def stop(error: Exception | KeyboardInterrupt, lang: Lang = Lang.VI) -> tuple[ExitCode, str]:
    """The exit code and the message, in `lang`, for an exception that ended a run."""
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED, (
            "đã dừng theo yêu cầu (Ctrl-C). Các đơn vị đã kiểm tra xong có báo cáo đầy đủ, đơn vị đang làm dở "
            "không được ghi, bảng tổng hợp chưa được cập nhật; hãy chạy lại để kiểm tra nốt (các tệp đã đọc được "
            "lấy lại từ bộ nhớ đệm, trừ khi dùng --no-cache)."
            if lang is Lang.VI
            else "interrupted (Ctrl-C). The units checked have complete reports, the unit under way was not "
            "written and the summary was not updated; run again to finish (the files read are taken back from "
            "the cache, unless --no-cache)."
        )
    if isinstance(error, KiemchungError):
        return error.exit_code, error.text(lang)
    return ExitCode.INTERNAL, (
        f"lỗi nội bộ của chương trình ({type(error).__name__}: {error}). Hồ sơ không bị thay đổi. Hãy chạy lại "
        f"với --verbose và gửi toàn bộ thông báo cho quản trị viên."
        if lang is Lang.VI
        else f"internal error ({type(error).__name__}: {error}). The evidence was not changed. Run again with "
        f"--verbose and send the whole message to the administrator."
    )
