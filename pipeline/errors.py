"""Exit codes and the typed errors that map to them, in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # ran; findings below the --fail-on threshold (or none)
    FINDINGS = 1  # ran; a finding at or above the --fail-on threshold
    USAGE = 2  # wrong arguments or input path
    CONFIG = 3  # the configuration file is invalid
    OUTPUT = 4  # the reports could not be written
    INTERNAL = 5  # a bug: please report it


class KiemchungError(Exception):
    """An error the user can act on; its message is shown as is."""

    exit_code = ExitCode.INTERNAL


class UsageError(KiemchungError):
    exit_code = ExitCode.USAGE


class ConfigError(KiemchungError):
    exit_code = ExitCode.CONFIG


class OutputError(KiemchungError):
    exit_code = ExitCode.OUTPUT
