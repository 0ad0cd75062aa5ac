"""The council's waivers (miễn trừ): findings it decided not to count, each with its reason and who decided.

A waivers file is YAML (a list of mappings) or a table (.xlsx, .xls, .csv) with one waiver a row:

    unit       the unit's name as the reports show it; "*" (or a pattern such as "Xã *") for several
    file       a file of the unit as the reports name it ("1.1/ke-hoach.pdf"), or a pattern ("1.1/*")
    criterion  a criterion code: its own findings and those of its sub-criteria, and the findings of
               the files tied only to it (or to its sub-criteria)
    rule       the rule waived, by code (KC301) or name (unsigned)
    reason     why (lý do), required
    who        who decided (người quyết định), required
    date       when (optional): 2024-03-01 or 01/03/2024

A row with neither file nor criterion waives the rule's findings anywhere in the unit. Tables may
use the Vietnamese headings "Đơn vị", "Tệp", "Tiêu chí", "Quy tắc", "Lý do", "Người quyết định",
"Ngày". A waived finding keeps its place in every report, marked, and no longer zeroes
(`Finding.waive`). A waiver that matches no finding of the run is reported by `unused`, so a typo
in a name shows.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kiemchung.criteria_map.tables import read_text_table
from kiemchung.extractors.errors import BilingualError, reason
from kiemchung.extractors.text import fold, normalize
from kiemchung.validators.model import Finding
from kiemchung.validators.registry import rule_by_key

# Each field and the headings that name it, folded (no diacritics, lower case).
_HEADINGS: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "don vi"),
    "file": ("file", "tep", "tai lieu"),
    "criterion": ("criterion", "tieu chi"),
    "rule": ("rule", "quy tac", "ma quy tac"),
    "reason": ("reason", "ly do"),
    "who": ("who", "nguoi quyet dinh", "nguoi duyet", "nguoi"),
    "date": ("date", "ngay"),
}
_REQUIRED = ("unit", "rule", "reason", "who")
# Each field's name in a message, in Vietnamese.
_NAMES = {
    "unit": "đơn vị",
    "file": "tệp",
    "criterion": "tiêu chí",
    "rule": "quy tắc",
    "reason": "lý do",
    "who": "người quyết định",
    "date": "ngày",
}
_SAMPLE = "samples/waivers.yaml"  # the example a message points to


class WaiverFileError(BilingualError):
    """The waivers file cannot be used; the message says which row, why and what to do."""


@dataclass(frozen=True)
class Waiver:
    unit: str  # a unit name or a pattern, NFC
    file: str  # "" or a path/pattern relative to the unit folder, NFC, "/"-separated
    criterion: str  # "" or a criterion code
    rule: str  # the rule's name
    reason: str
    who: str
    date: dt.date | None
    source: str  # "waivers.yaml mục 3", "mien-tru.xlsx dòng 4": where it was written

    def covers_unit(self, unit: str) -> bool:
        return _like(unit.casefold(), self.unit.casefold())

    def covers_code(self, code: str) -> bool:
        return code == self.criterion or code.startswith(self.criterion + ".")

    def describe(self) -> str:
        """Where it applies, for messages: "Xã A, 1.1/ke-hoach.pdf" or "Xã A, tiêu chí 1.1"."""
        parts = [self.unit, self.file, f"tiêu chí {self.criterion}" if self.criterion else ""]
        return ", ".join(part for part in parts if part)


def _like(value: str, pattern: str) -> bool:
    return value == pattern or fnmatch.fnmatchcase(value, pattern)


@dataclass(frozen=True)
class WaiverBook:
    """The waivers that concern one unit, applied to its findings at each level."""

    waivers: tuple[Waiver, ...]

    @classmethod
    def of(cls, waivers: Iterable[Waiver], unit: str) -> WaiverBook:
        return cls(tuple(waiver for waiver in waivers if waiver.covers_unit(unit)))

    def document(self, path: str, criteria: Sequence[str], findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """A file's findings; `criteria` are the codes it is tied to."""
        name = normalize(path)
        return _waived(
            findings,
            [
                waiver
                for waiver in self.waivers
                if (not waiver.file or _like(name, waiver.file))
                and (not waiver.criterion or (criteria and all(waiver.covers_code(code) for code in criteria)))
            ],
        )

    def criterion(self, code: str, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """A criterion's own findings."""
        chosen = [w for w in self.waivers if not w.file and (not w.criterion or w.covers_code(code))]
        return _waived(findings, chosen)

    def unit(self, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """The findings about the unit as a whole."""
        return _waived(findings, [waiver for waiver in self.waivers if not waiver.file and not waiver.criterion])


def _waived(findings: tuple[Finding, ...], waivers: Sequence[Waiver]) -> tuple[Finding, ...]:
    if not waivers:
        return findings
    result = []
    for finding in findings:
        waiver = next((w for w in waivers if w.rule == finding.rule), None)
        if waiver is not None and finding.waived is None:
            finding = finding.waive(waiver.reason, waiver.who, waiver.date, waiver.source)
        result.append(finding)
    return tuple(result)


def unused(waivers: Iterable[Waiver], findings: Iterable[Finding]) -> tuple[Waiver, ...]:
    """The waivers no finding of the run was waived by."""
    used = {finding.waived.source for finding in findings if finding.waived is not None}
    return tuple(waiver for waiver in waivers if waiver.source not in used)


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    """Read a waivers file (.yaml, .yml, .xlsx, .xls or .csv); WaiverFileError names the first bad row."""
    if path.suffix.lower() in (".yaml", ".yml"):
        rows, place, first = _yaml_rows(path), "mục", 1  # the n-th entry of the list
    else:
        rows, place, first = _table_rows(path), "dòng", 2  # the spreadsheet's row; row 1 holds the headings
    return tuple(parse_waiver(row, f"{path.name} {place} {first + index}") for index, row in enumerate(rows))


def _yaml_rows(path: Path) -> list[dict[str, Any]]:
    try:
        # Every value as written, a string: a criterion 5.10 must not become the number 5.1, nor a date a date.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise _unreadable(path, error) from error
    if data is None or data == "":
        return []
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise WaiverFileError(
            f"tệp miễn trừ {path} không đúng định dạng: tệp phải là một danh sách, mỗi mục có unit, file hoặc "
            f"criterion, rule, reason, who. Hãy viết theo mẫu {_SAMPLE}.",
            f"the waivers file {path} is not a list of waivers, each with unit, file or criterion, rule, reason "
            f"and who. Write it as {_SAMPLE} is written.",
        )
    return [{_field(str(key), path): value for key, value in row.items()} for row in data]


def _table_rows(path: Path) -> list[dict[str, Any]]:
    try:
        frame = read_text_table(path)
    except Exception as error:  # pandas raises many kinds for unreadable tables
        raise _unreadable(path, error) from error
    frame = frame.rename(columns={column: _field(str(column), path) for column in frame.columns}).fillna("")
    return [dict(row) for _, row in frame.iterrows()]


def _field(heading: str, path: Path) -> str:
    folded = fold(heading)
    for field, names in _HEADINGS.items():
        if any(folded == name or folded.startswith(name + " ") for name in names):
            return field
    raise WaiverFileError(
        f"tệp miễn trừ {path}: không rõ cột/khóa “{heading}”. Hãy đổi tên thành một trong: "
        f"{', '.join(f'{field} ({name})' for field, name in _NAMES.items())}.",
        f"the waivers file {path} has an unknown column or key {heading!r}. Rename it to one of: {', '.join(_NAMES)}.",
    )


def _unreadable(path: Path, error: Exception) -> WaiverFileError:
    vi, en = reason(error)
    return WaiverFileError(
        f"không đọc được tệp miễn trừ {path}: {vi}. Hãy kiểm tra đường dẫn sau --waivers và nội dung tệp (YAML "
        f"theo mẫu {_SAMPLE}, hoặc bảng .xlsx, .csv mã hóa UTF-8) rồi chạy lại.",
        f"cannot read the waivers file {path}: {en}. Check the path after --waivers and the file's content (YAML "
        f"as in {_SAMPLE}, or an .xlsx table or a UTF-8 .csv) and run again.",
    )


def parse_waiver(row: dict[str, Any], source: str) -> Waiver:
    """One waiver from a row or mapping whose keys are the fields (unit, file, criterion, rule, reason, who, date)."""
    values = {key: "" if value is None else str(value).strip() for key, value in row.items() if key != "date"}
    missing = [key for key in _REQUIRED if not values.get(key)]
    if missing:
        raise WaiverFileError(
            f"tệp miễn trừ {source}: thiếu {', '.join(f'{field} ({_NAMES[field]})' for field in missing)}. Hãy điền "
            f"đủ đơn vị, quy tắc, lý do và người quyết định cho mỗi miễn trừ.",
            f"the waivers file {source}: {', '.join(missing)} missing. Give every waiver its unit, rule, reason "
            f"and who decided.",
        )
    rule = rule_by_key(values["rule"])
    if rule is None:
        raise WaiverFileError(
            f"tệp miễn trừ {source}: không có quy tắc “{values['rule']}”. Hãy viết mã (KC301) hoặc tên (unsigned) "
            f"của quy tắc; lệnh `kiemchung rules` liệt kê các quy tắc.",
            f"the waivers file {source}: no rule {values['rule']!r}. Write the rule's code (KC301) or name "
            f"(unsigned); `kiemchung rules` lists them.",
        )
    return Waiver(
        unit=normalize(values["unit"]),
        file=normalize(values.get("file", "")).replace("\\", "/").removeprefix("./"),
        criterion=values.get("criterion", "").rstrip("."),
        rule=rule.name,
        reason=normalize(values["reason"]),
        who=normalize(values["who"]),
        date=_date(row.get("date"), source),
        source=source,
    )


def _date(value: Any, source: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise WaiverFileError(
            f"tệp miễn trừ {source}: ngày “{text}” không hợp lệ. Hãy viết ngày dạng 01/03/2024 hoặc 2024-03-01.",
            f"the waivers file {source}: the date {text!r} is not a date. Write it as 01/03/2024 or 2024-03-01.",
        ) from None
