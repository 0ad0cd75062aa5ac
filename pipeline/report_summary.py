"""The batch summary: one row per unit, worst first, as `summary.xlsx` for people and `summary.csv` for machines.

The table is built with pandas: unit, totals, points at risk, zeroed criteria, files, then one
column per registered rule (a stable set of columns, so summaries of different runs line up)
counting that rule's findings in the unit. Rows are sorted by points at risk, highest first,
units whose points at risk are unknown last.

`summary.csv` is UTF-8 with a byte-order mark (Excel then reads the Vietnamese correctly),
comma-separated, numbers with a decimal point and unknown values empty: it is meant for
scripts, which expect "1.5", while people get the same table in `summary.xlsx`, where numbers
are number cells that Excel shows with the user's decimal comma. A CSV cell cannot be marked
as text, so text that a spreadsheet would run as a formula (starting with "=", "+", "-", "@",
tab or CR) gets a leading apostrophe in the CSV (OWASP CSV-injection guidance); the workbook
keeps such text exactly, as a quote-prefixed string cell.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from criteria_map.models import UnitAssessment
from pipeline.labels import Lang, label, rule_label
from pipeline.report_xlsx import FORMULA_TRIGGERS, Book, CellValue, Row, finding_counts
from validators.registry import RULES

FORMATS = frozenset({"xlsx", "csv"})
_RISK = "points_at_risk"  # the sort key's column, before headers are put into words


def summary_frame(units: Sequence[UnitAssessment], lang: Lang = Lang.VI) -> pd.DataFrame:
    """One row per unit with labelled headers, sorted by points at risk (highest first, unknown last)."""
    rules = sorted(RULES, key=lambda rule: rule.code)
    records = []
    for unit in units:
        totals = unit.totals
        zeroed = [criterion.code for criterion in unit.criteria if criterion.zeroed]
        counts = finding_counts(finding for _, _, finding in unit.all_findings())
        records.append(
            {
                "unit": unit.unit,
                "self_total": totals.self_score,
                "recommended_total": totals.recommended_score,
                "max_total": totals.max_score,
                _RISK: totals.points_at_risk,
                "zeroed_count": len(zeroed),
                "zeroed_criteria": ", ".join(zeroed),
                "files": len(unit.evidence),
                "zeroing_files": sum(item.zeroes for item in unit.evidence),
                **{rule.code: counts.get(rule.code, 0) for rule in rules},
            }
        )
    columns = ["unit", "self_total", "recommended_total", "max_total", _RISK, "zeroed_count", "zeroed_criteria"]
    columns += ["files", "zeroing_files"] + [rule.code for rule in rules]
    frame = pd.DataFrame.from_records(records, columns=columns)
    # Scores stay floats even when every unit's is unknown, so the CSV and the sort treat them alike.
    for column in ("self_total", "recommended_total", "max_total", _RISK):
        frame[column] = frame[column].astype("float64")
    frame = frame.sort_values([_RISK, "unit"], ascending=[False, True], na_position="last", kind="stable")
    headers = {column: _header(column, lang) for column in columns[: -len(rules)]}
    headers |= {rule.code: f"{rule.code} {rule_label(rule.name, lang)}" for rule in rules}
    return frame.rename(columns=headers).reset_index(drop=True)


def _header(column: str, lang: Lang) -> str:
    return label(column, lang)


def write_batch_summary(
    units: Sequence[UnitAssessment],
    out_dir: Path,
    lang: Lang = Lang.VI,
    formats: frozenset[str] = FORMATS,
) -> None:
    """Write OUT/summary.xlsx and/or OUT/summary.csv (each atomically)."""
    unknown = formats - FORMATS
    if unknown:
        raise ValueError(f"unknown summary format(s): {', '.join(sorted(unknown))} (known: csv, xlsx)")
    frame = summary_frame(units, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    if "csv" in formats:
        _write_csv(frame, out_dir / "summary.csv")
    if "xlsx" in formats:
        _write_xlsx(frame, out_dir / "summary.xlsx", lang)


def _csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; everything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):  # text columns, whatever pandas calls their dtype
            safe[column] = safe[column].map(_csv_safe)
    handle, temporary = tempfile.mkstemp(prefix=".summary.", suffix=".csv.part", dir=path.parent)
    os.close(handle)
    try:
        safe.to_csv(temporary, index=False, encoding="utf-8-sig")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _cell(value: object) -> CellValue:
    """A pandas value as a plain Python one: NaN is unknown, numpy scalars become int or float."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str | bool | int | float):
        return value
    item = getattr(value, "item", None)  # numpy scalars
    return _cell(item()) if callable(item) else str(value)


def _write_xlsx(frame: pd.DataFrame, path: Path, lang: Lang) -> None:
    book = Book(lang)
    rows = [Row([_cell(value) for value in record]) for record in frame.itertuples(index=False, name=None)]
    book.sheet(label("summary_sheet", lang)).table([str(column) for column in frame.columns], rows)
    book.save(path)
