"""A province's criteria set, loaded from a YAML file: the set is data, never code.

File format (`criteria_map/sample-commune.yaml` is a complete example):

    name: "Bộ tiêu chí Chỉ số CCHC cấp xã năm 2023 (Quyết định số …/QĐ-UBND của UBND tỉnh …)"
    sample: false            # true marks a sample that must be replaced by the province's decision
    criteria:
      - code: "1"            # hierarchical: "1", "1.1", "3.2.6", "8.4.1.1"
        title: "Công tác chỉ đạo, điều hành cải cách hành chính"
        max_score: 9         # number; "1,5" (Vietnamese decimal comma) is accepted too
      - code: "1.1"
        title: "Kế hoạch cải cách hành chính năm"
        max_score: 2
        parent: "1"          # optional: by default the code minus its last level
        document_types: [KH] # optional: Appendix III codes of the documents expected as evidence
        keywords: ["kế hoạch cải cách hành chính"]  # optional: words that identify its evidence

Unknown keys are an error, so a typo never silently drops a setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kiemchung.extractors.doctypes import CONG_VAN, TYPE_NAMES

_CRITERION_KEYS = {"code", "title", "max_score", "parent", "document_types", "keywords"}
_FILE_KEYS = {"name", "sample", "criteria"}


class CriteriaFileError(ValueError):
    """The criteria file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    max_score: float | None
    parent: str | None
    document_types: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriteriaSet:
    name: str
    criteria: tuple[Criterion, ...]
    sample: bool = False

    def get(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)

    def children(self, code: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.parent == code)


def code_key(code: str) -> tuple[int, ...]:
    """Sort key of a hierarchical code: "3.10" after "3.9"."""
    return tuple(int(level) for level in code.split(".") if level.isdigit())


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def parse_score(value: Any) -> float | None:
    """A score as written in Vietnamese tables: 1.5, "1,5", "2", "1,5 điểm"; blank or "-" is None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().lower().removesuffix("điểm").strip().replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def load_criteria(path: Path) -> CriteriaSet:
    """Read and check a criteria file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CriteriaFileError(f"{path}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise CriteriaFileError(f"{path}: expected a mapping with a 'criteria' list")
    if unknown := set(data) - _FILE_KEYS:
        raise CriteriaFileError(f"{path}: unknown keys {sorted(unknown)}")
    criteria = tuple(_criterion(entry, path, index) for index, entry in enumerate(data["criteria"], start=1))
    codes = [c.code for c in criteria]
    if duplicated := sorted({c for c in codes if codes.count(c) > 1}):
        raise CriteriaFileError(f"{path}: duplicated codes {duplicated}")
    if orphans := [c.code for c in criteria if c.parent is not None and c.parent not in codes]:
        raise CriteriaFileError(f"{path}: parents missing for {orphans}")
    return CriteriaSet(
        str(data.get("name", path.stem)),
        tuple(sorted(criteria, key=lambda c: code_key(c.code))),
        bool(data.get("sample", False)),
    )


def _criterion(entry: Any, path: Path, index: int) -> Criterion:
    where = f"{path}: criterion #{index}"
    if not isinstance(entry, dict):
        raise CriteriaFileError(f"{where}: expected a mapping")
    if unknown := set(entry) - _CRITERION_KEYS:
        raise CriteriaFileError(f"{where}: unknown keys {sorted(unknown)}")
    code = str(entry.get("code", "")).strip()
    if not code or not all(level.isdigit() for level in code.split(".")):
        raise CriteriaFileError(f"{where}: code {code!r} is not like 1, 1.1 or 3.2.6")
    if not str(entry.get("title", "")).strip():
        raise CriteriaFileError(f"{where} ({code}): title is missing")
    max_score = parse_score(entry.get("max_score"))
    if entry.get("max_score") is not None and max_score is None:
        raise CriteriaFileError(f"{where} ({code}): max_score {entry['max_score']!r} is not a number")
    types = tuple(str(t) for t in entry.get("document_types", ()) or ())
    if bad := [t for t in types if t not in TYPE_NAMES and t != CONG_VAN]:
        raise CriteriaFileError(f"{where} ({code}): unknown document types {bad} (Appendix III codes or CV)")
    parent = entry.get("parent")
    return Criterion(
        code=code,
        title=str(entry["title"]).strip(),
        max_score=max_score,
        parent=str(parent) if parent is not None else parent_of(code),
        document_types=types,
        keywords=tuple(str(k) for k in entry.get("keywords", ()) or ()),
    )
