"""Which file at the top of a unit folder is its self-assessment table, when there is one or several.

A table is recognised by its name: a spreadsheet (.xlsx, .xlsm, .xls, .csv) named like a
self-assessment or a scoring sheet ("Bảng tự đánh giá", "tự chấm", "bảng điểm", "chấm điểm"),
or a Word file named like a *self*-assessment ("Biểu tự chấm điểm.docx"): a Word file named only
"chấm điểm" is most often a report about the scoring ("Báo cáo chấm điểm PAR Index"), which is
evidence. A unit folder without such a name but with one lone spreadsheet uses that spreadsheet.

Several tables: the rule, in this order (the first that separates them decides):
1. a name marked as an old version or a draft (cũ, bản cũ, old, draft, nháp, dự thảo, copy, backup)
   loses;
2. a spreadsheet before a Word file;
3. the newest by modification time;
4. the name, in NFC order (so the choice is stable).
The others are not read; the unit gets a `self-assessment-choice` finding naming both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiemchung.extractors.sniff import is_system_file
from kiemchung.extractors.text import fold

TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".docx")
_SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".csv")
_SELF_WORDS = ("tu danh gia", "tu cham", "tdg")
_TABLE_WORDS = (*_SELF_WORDS, "bang diem", "cham diem", "bieu diem", "danh gia chi so")
# Words that mark a file as an earlier version or a draft: whole words, with their diacritics ("Củ Chi" is a
# place), or without any when the whole name is written without them ("Bang tu cham_cu.xlsx").
_OLD = re.compile(r"\b(?:cũ|nháp|dự thảo|sao lưu|old|draft|copy|backup)\b")
_OLD_PLAIN = re.compile(r"\b(?:cu|nhap|du thao|sao luu)\b")


@dataclass(frozen=True)
class TableChoice:
    """The unit's table (None when there is none) and the other candidates, not read."""

    table: Path | None
    ignored: tuple[Path, ...] = ()
    reason: str = ""  # Vietnamese: why `table` won, when there were several


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def named_like_table(path: Path) -> bool:
    """Whether a file's name makes it a self-assessment table (the unit's own mark, for discovery)."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES or is_system_file(path.name):
        return False
    stem = fold(_nfc(path.stem))
    words = _TABLE_WORDS if suffix in _SPREADSHEETS else _SELF_WORDS
    return any(word in stem for word in words)


def is_marked_old(path: Path) -> bool:
    """Whether the name says it is an earlier version or a draft ("… (bản cũ).xlsx", "nháp")."""
    name = _nfc(path.stem).lower().replace("_", " ")
    return _OLD.search(name) is not None or (name.isascii() and _OLD_PLAIN.search(name) is not None)


def choose_table(top_files: Sequence[Path]) -> TableChoice:
    """The self-assessment table among the unit folder's top-level files (links excluded by the caller)."""
    named = [f for f in top_files if named_like_table(f)]
    if not named:
        spreadsheets = [
            f for f in top_files if f.suffix.lower() in _SPREADSHEETS and not is_system_file(f.name)
        ]
        return TableChoice(spreadsheets[0] if len(spreadsheets) == 1 else None)
    ranked = sorted(named, key=lambda f: (_nfc(f.name)))
    ranked.sort(key=_mtime, reverse=True)
    ranked.sort(key=lambda f: (is_marked_old(f), f.suffix.lower() not in _SPREADSHEETS))
    chosen, others = ranked[0], tuple(ranked[1:])
    return TableChoice(chosen, others, _reason(chosen, others) if others else "")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _reason(chosen: Path, others: Sequence[Path]) -> str:
    runner_up = others[0]
    if is_marked_old(runner_up) and not is_marked_old(chosen):
        return "tên các tệp còn lại ghi là bản cũ hoặc bản nháp"
    if (runner_up.suffix.lower() in _SPREADSHEETS) != (chosen.suffix.lower() in _SPREADSHEETS):
        return "bảng tính được ưu tiên hơn tệp Word"
    if _mtime(chosen) != _mtime(runner_up):
        return "tệp được sửa gần đây nhất"
    return "cùng thời điểm sửa, chọn theo thứ tự tên"
