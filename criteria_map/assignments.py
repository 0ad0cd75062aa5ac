"""Who answers for which criteria: the unit's assignment table (bảng phân công).

The table is a spreadsheet (.xlsx/.csv, read with pandas) or YAML with one row per person or
body and a cell of criteria written the way offices write them. A spreadsheet may open with the
plan's title rows (the header is the first row naming both columns), number its rows ("STT") and
merge a person's cell over several rows of criteria (a row with criteria and no one named is the
person above's):

    "1.1; 1.2; 3.2 (trừ 3.2.6; 3.2.7)"   1.1, 1.2 and 3.2 with its sub-criteria, except 3.2.6 and 3.2.7
    "8.4.1.1 đến 8.4.1.3"                 8.4.1.1, 8.4.1.2, 8.4.1.3 (also "-", "–", "tới")
    "Lĩnh vực 2"                          2 and everything under it

A code stands for itself and all its sub-criteria.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from kiemchung.criteria_map.criteria import code_key
from kiemchung.criteria_map.tables import read_text_table
from kiemchung.extractors.errors import BilingualError, reason
from kiemchung.extractors.text import fold, normalize

_CODE = r"\d+(?:\.\d+)*"
_RANGE = re.compile(rf"^({_CODE})\s*(?:đến|den|tới|toi|-|–|—)\s*({_CODE})$", re.IGNORECASE)
_EXCEPT = re.compile(
    rf"^(?P<code>{_CODE})\s*\(\s*(?:trừ|tru|không gồm|khong gom)\s*(?P<except>[^)]*)\)$", re.IGNORECASE
)
_LABEL = re.compile(r"^(?:lĩnh vực|linh vuc|tiêu chí|tieu chi|tc|lv)\s*", re.IGNORECASE)


class AssignmentFileError(BilingualError):
    """The assignment table cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Assignment:
    responsible: str  # a person ("Đ/c Nguyễn Văn An - Chủ tịch") or a body ("Văn phòng - Thống kê")
    expression: str  # the criteria cell as written
    codes: tuple[str, ...]  # the codes it covers, expanded against the known criteria


def expand(expression: str, known: Sequence[str]) -> tuple[str, ...]:
    """The criteria codes an expression covers, among `known` codes (a code covers its descendants)."""
    chosen: set[str] = set()
    for item in _split_top_level(normalize(expression)):
        item = _LABEL.sub("", item.strip().rstrip("."))
        if not item:
            continue
        if match := _EXCEPT.match(item):
            excluded = {c for part in _split_top_level(match.group("except")) for c in _subtree(part.strip(), known)}
            chosen |= set(_subtree(match.group("code"), known)) - excluded
        elif match := _RANGE.match(item):
            chosen |= set(_range(match.group(1), match.group(2), known))
        elif re.fullmatch(_CODE, item):
            chosen |= set(_subtree(item, known))
    return tuple(sorted(chosen, key=code_key))


def _split_top_level(text: str) -> list[str]:
    """Split on ";" and "," outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ";,\n" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _subtree(code: str, known: Sequence[str]) -> list[str]:
    found = [c for c in known if c == code or c.startswith(code + ".")]
    return found or [code]


def _range(first: str, last: str, known: Sequence[str]) -> list[str]:
    low, high = code_key(first), code_key(last)
    within = [c for c in known if low <= code_key(c) <= high and len(code_key(c)) == len(low)]
    if within:
        return [c for code in within for c in _subtree(code, known)]
    if first.rsplit(".", 1)[0] == last.rsplit(".", 1)[0] and len(low) == len(high):
        prefix = first.rsplit(".", 1)[0] + "." if "." in first else ""
        return [f"{prefix}{n}" for n in range(low[-1], high[-1] + 1)]
    return [first, last]


def load_assignments(path: Path, known: Sequence[str]) -> tuple[Assignment, ...]:
    """Read an assignment table (.xlsx, .xls, .csv or .yaml)."""
    rows = _yaml_rows(path) if path.suffix.lower() in (".yaml", ".yml") else _table_rows(path)
    return tuple(Assignment(who, expression, expand(expression, known)) for who, expression in rows if who)


def _yaml_rows(path: Path) -> list[tuple[str, str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise _unreadable(path, error) from error
    if not isinstance(data, list) or not all(
        isinstance(r, dict) and {"responsible", "criteria"} <= set(r) for r in data
    ):
        raise AssignmentFileError(
            f"bảng phân công {path} không đúng định dạng: tệp YAML phải là một danh sách, mỗi mục có responsible "
            f"(người hoặc bộ phận phụ trách) và criteria (các tiêu chí). Hãy viết mỗi mục như: "
            f"- {{responsible: \"Văn phòng\", criteria: \"1.1; 1.2\"}}.",
            f"the assignment table {path} is not a list of {{responsible, criteria}} entries. Write each entry "
            f"like - {{responsible: \"Office\", criteria: \"1.1; 1.2\"}}.",
        )
    return [(str(r["responsible"]).strip(), str(r["criteria"])) for r in data]


def _table_rows(path: Path) -> list[tuple[str, str]]:
    try:
        frame = read_text_table(path, headed=False).fillna("")
    except Exception as error:  # pandas raises many kinds for unreadable tables
        raise _unreadable(path, error) from error
    cells = [[str(value) for value in row] for row in frame.itertuples(index=False)]
    header = _header(cells)
    if header is None:
        found = ", ".join(f"“{value}”" for value in (cells[0] if cells else []) if value)
        raise AssignmentFileError(
            f"bảng phân công {path} không có dòng tiêu đề nêu cả cột người phụ trách và cột tiêu chí (tìm trong "
            f"{_HEADER_ROWS} dòng đầu; dòng đầu có {found or 'ô trống'}). Hãy đặt tên hai cột đó, ví dụ "
            f"“Người phụ trách” và “Tiêu chí”, rồi chạy lại.",
            f"the assignment table {path} has no header row naming both a column for the person or body and one "
            f"for the criteria (in its first {_HEADER_ROWS} rows; the first row holds {found or 'empty cells'}). "
            f"Name the two columns, e.g. “Người phụ trách” and “Tiêu chí”, and run again.",
        )
    number, who, what = header
    rows, person = [], ""
    for row in cells[number + 1 :]:
        person = normalize(row[who]).strip() or (person if row[what].strip() else "")
        rows.append((person, row[what]))
    return rows


def _unreadable(path: Path, error: Exception) -> AssignmentFileError:
    vi, en = reason(error)
    return AssignmentFileError(
        f"không đọc được bảng phân công {path}: {vi}. Hãy kiểm tra đường dẫn sau --assignments và nội dung tệp "
        f"(bảng .xlsx, .csv mã hóa UTF-8, hoặc YAML) rồi chạy lại.",
        f"cannot read the assignment table {path}: {en}. Check the path after --assignments and the file's "
        f"content (an .xlsx table, a UTF-8 .csv, or YAML) and run again.",
    )


def _header(cells: Sequence[Sequence[str]]) -> tuple[int, int, int] | None:
    """(row, person column, criteria column) of the first of the top rows that names both columns."""
    for number, row in enumerate(cells[:_HEADER_ROWS]):
        who = _column(row, ("phu trach", "nguoi", "can bo", "bo phan", "don vi", "co quan"), exclude="tieu chi")
        what = _column(row, ("tieu chi", "chi tieu", "nhiem vu"))
        if who is not None and what is not None:
            return number, who, what
    return None


_HEADER_ROWS = 15  # rows searched for the header, under the plan's title and number


def _column(columns: Sequence[str], words: Sequence[str], exclude: str | None = None) -> int | None:
    """The index of the first column whose name holds one of `words` (folded) and not `exclude`."""
    for index, column in enumerate(columns):
        folded = fold(column)
        if any(word in folded for word in words) and (exclude is None or exclude not in folded):
            return index
    return None


def responsible_for(code: str, assignments: Sequence[Assignment]) -> tuple[str, ...]:
    """Everyone whose assignment covers the criterion."""
    return tuple(a.responsible for a in assignments if code in a.codes)
