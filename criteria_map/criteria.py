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
from kiemchung.extractors.errors import BilingualError, reason

_CRITERION_KEYS = {"code", "title", "max_score", "parent", "document_types", "keywords"}
_FILE_KEYS = {"name", "sample", "criteria"}


class CriteriaFileError(BilingualError):
    """The criteria file cannot be used; the message says where, why and what to do."""


_SAMPLE = "criteria_map/sample-commune.yaml"  # the complete example a message points to


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
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        vi, en = reason(error)
        raise CriteriaFileError(
            f"không đọc được bộ tiêu chí {path}: {vi}. Hãy kiểm tra đường dẫn sau --criteria và nội dung tệp "
            f"(YAML, theo mẫu {_SAMPLE}) rồi chạy lại.",
            f"cannot read the criteria file {path}: {en}. Check the path after --criteria and the file's content "
            f"(YAML, as in {_SAMPLE}) and run again.",
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise CriteriaFileError(
            f"bộ tiêu chí {path} không đúng định dạng: tệp phải có khóa criteria là danh sách các tiêu chí, mỗi "
            f"tiêu chí có code, title, max_score. Hãy viết theo mẫu {_SAMPLE}.",
            f"the criteria file {path} is not a criteria set: it needs a 'criteria' list, each criterion with "
            f"code, title and max_score. Write it as {_SAMPLE} is written.",
        )
    if unknown := set(data) - _FILE_KEYS:
        raise CriteriaFileError(
            f"bộ tiêu chí {path} có khóa không hợp lệ {_quoted(unknown)}. Hãy sửa hoặc xóa các khóa đó; chỉ dùng "
            f"được {', '.join(sorted(_FILE_KEYS))}.",
            f"the criteria file {path} has unknown keys {_quoted(unknown)}. Correct or remove them; the keys are "
            f"{', '.join(sorted(_FILE_KEYS))}.",
        )
    criteria = tuple(_criterion(entry, path, index) for index, entry in enumerate(data["criteria"], start=1))
    codes = [c.code for c in criteria]
    if duplicated := sorted({c for c in codes if codes.count(c) > 1}, key=code_key):
        raise CriteriaFileError(
            f"bộ tiêu chí {path} có mã tiêu chí trùng nhau: {', '.join(duplicated)}. Hãy sửa để mỗi mã chỉ xuất "
            f"hiện một lần.",
            f"the criteria file {path} has the same code more than once: {', '.join(duplicated)}. Give each "
            f"criterion a code of its own.",
        )
    if orphans := [c.code for c in criteria if c.parent is not None and c.parent not in codes]:
        raise CriteriaFileError(
            f"bộ tiêu chí {path}: tiêu chí {', '.join(orphans)} thuộc một tiêu chí cha không có trong tệp. Hãy thêm "
            f"tiêu chí cha (ví dụ 1 cho 1.1) hoặc sửa khóa parent.",
            f"the criteria file {path}: the parents of {', '.join(orphans)} are missing. Add the parent criterion "
            f"(e.g. 1 for 1.1) or correct its 'parent'.",
        )
    return CriteriaSet(
        str(data.get("name", path.stem)),
        tuple(sorted(criteria, key=lambda c: code_key(c.code))),
        bool(data.get("sample", False)),
    )


def _criterion(entry: Any, path: Path, index: int) -> Criterion:
    where = (f"bộ tiêu chí {path}, tiêu chí thứ {index}", f"the criteria file {path}, criterion #{index}")
    if not isinstance(entry, dict):
        raise _bad(
            where,
            f"không phải một tiêu chí. Hãy viết mỗi tiêu chí với các khóa code, title, max_score, theo mẫu {_SAMPLE}.",
            f"is not a criterion. Write each one with code, title and max_score, as in {_SAMPLE}.",
        )
    if unknown := set(entry) - _CRITERION_KEYS:
        raise _bad(
            where,
            f"có khóa không hợp lệ {_quoted(unknown)}. Hãy sửa hoặc xóa các khóa đó; chỉ dùng được "
            f"{', '.join(sorted(_CRITERION_KEYS))}.",
            f"has unknown keys {_quoted(unknown)}. Correct or remove them; the keys are "
            f"{', '.join(sorted(_CRITERION_KEYS))}.",
        )
    code = str(entry.get("code", "")).strip()
    if not code or not all(level.isdigit() for level in code.split(".")):
        raise _bad(
            where,
            f"có mã “{code}” không hợp lệ. Hãy viết mã (code) dạng 1, 1.1 hoặc 3.2.6: chỉ gồm số và dấu chấm.",
            f"has the code {code!r}. Write codes like 1, 1.1 or 3.2.6: digits and dots only.",
        )
    where = (f"{where[0]} (mã {code})", f"{where[1]} ({code})")
    if not str(entry.get("title", "")).strip():
        raise _bad(where, "thiếu tên tiêu chí. Hãy thêm khóa title.", "has no title. Add its 'title'.")
    max_score = parse_score(entry.get("max_score"))
    if entry.get("max_score") is not None and max_score is None:
        raise _bad(
            where,
            f"có điểm tối đa (max_score) “{entry['max_score']}” không phải là số. Hãy viết một số, ví dụ 2 hoặc 1,5.",
            f"has a max_score {entry['max_score']!r} that is not a number. Write a number, e.g. 2 or 1.5.",
        )
    types = tuple(str(t) for t in entry.get("document_types", ()) or ())
    if bad := [t for t in types if t not in TYPE_NAMES and t != CONG_VAN]:
        raise _bad(
            where,
            f"có loại văn bản {_quoted(bad)} không thuộc Phụ lục III Nghị định 30/2020/NĐ-CP. Hãy dùng mã viết tắt "
            f"của Phụ lục III (QĐ, KH, BC…) hoặc {CONG_VAN} cho công văn.",
            f"has document types {_quoted(bad)} that are not in Appendix III of Decree 30/2020. Use Appendix III's "
            f"abbreviations (QĐ, KH, BC…) or {CONG_VAN} for an official letter.",
        )
    parent = entry.get("parent")
    return Criterion(
        code=code,
        title=str(entry["title"]).strip(),
        max_score=max_score,
        parent=str(parent) if parent is not None else parent_of(code),
        document_types=types,
        keywords=tuple(str(k) for k in entry.get("keywords", ()) or ()),
    )


def _bad(where: tuple[str, str], vietnamese: str, english: str) -> CriteriaFileError:
    """An error about one criterion: `where` names it, in both languages, before what is wrong."""
    return CriteriaFileError(f"{where[0]} {vietnamese}", f"{where[1]} {english}")


def _quoted(names: Any) -> str:
    """The user's own words (keys, codes) as a message quotes them: “a”, “b”."""
    return ", ".join(f"“{name}”" for name in sorted(str(name) for name in names))
