"""Find the units under PATH and each unit's files, without following links.

A unit folder holds the self-assessment table at its top level and evidence
files, usually in criterion folders. Paths are reported NFC with "/" separators,
relative to the unit folder, whatever form the file system stored them in.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from criteria_map import criterion_code
from extractors.sniff import is_system_file
from extractors.text import fold
from pipeline.config import Layout
from pipeline.errors import UsageError

_TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".docx")
_SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".csv")
_TABLE_WORDS = ("tu danh gia", "tu cham", "bang diem", "cham diem", "bieu diem", "tdg", "danh gia chi so")


@dataclass(frozen=True)
class UnitFolder:
    name: str  # the folder's name, NFC
    root: Path
    self_assessment: Path | None
    files: tuple[Path, ...]  # every other file and every link, in report order

    def relative(self, path: Path) -> str:
        """The report path of a file: NFC, "/"-separated, relative to the unit folder."""
        return nfc(path.relative_to(self.root).as_posix())


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def discover(path: Path, layout: Layout) -> tuple[UnitFolder, ...]:
    """The unit folders under PATH (PATH itself when it is one)."""
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder")
    if layout is Layout.UNIT or (layout is Layout.AUTO and _looks_like_unit(path)):
        return (_unit(path),)
    subfolders = sorted(
        (p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: nfc(p.name)
    )
    if not subfolders:
        raise UsageError(f"{path} holds no unit folders and no evidence")
    return tuple(_unit(folder) for folder in subfolders)


def _looks_like_unit(path: Path) -> bool:
    for entry in path.iterdir():
        if entry.is_file() and not is_system_file(entry.name):
            return True
        if entry.is_dir() and criterion_code(nfc(entry.name)) is not None:
            return True
    return False


def _unit(root: Path) -> UnitFolder:
    files: list[Path] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False, onerror=partial(_unlisted, files=files)):
        base = Path(folder)
        files.extend(base / name for name in dirnames if _is_link(base / name))
        files.extend(base / name for name in filenames)
    table = _self_assessment([f for f in files if f.parent == root and not _is_link(f)])
    evidence = sorted((f for f in files if f != table), key=lambda f: nfc(f.relative_to(root).as_posix()))
    return UnitFolder(nfc(root.name), root, table, tuple(evidence))


def _is_link(path: Path) -> bool:
    """Whether a path is a link (listed, never followed).

    A path the system cannot even stat (ENAMETOOLONG past PATH_MAX) is not taken for a link: walking
    into it fails and `_unlisted` reports it once as an entry of its own.
    """
    try:
        return path.is_symlink()
    except OSError:
        return False


def _unlisted(error: OSError, files: list[Path]) -> None:
    """A folder that cannot be listed is reported as an entry of its own."""
    if error.filename:
        files.append(Path(error.filename))


def _self_assessment(top_files: list[Path]) -> Path | None:
    """The unit's self-assessment table: a spreadsheet or Word file named like one, or the lone spreadsheet."""
    candidates = [f for f in top_files if f.suffix.lower() in _TABLE_SUFFIXES and not is_system_file(f.name)]
    named = [f for f in candidates if any(word in fold(nfc(f.stem)) for word in _TABLE_WORDS)]
    named.sort(key=lambda f: (f.suffix.lower() not in _SPREADSHEETS, nfc(f.name)))
    if named:
        return named[0]
    spreadsheets = [f for f in candidates if f.suffix.lower() in _SPREADSHEETS]
    return spreadsheets[0] if len(spreadsheets) == 1 else None
