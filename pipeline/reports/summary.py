"""The batch summary: one row per unit, worst first, as `summary.xlsx` for people and `summary.csv` for machines.

The table holds: unit, totals, points at risk, zeroed criteria, files, whether the unit
submitted anything to judge, then one column per registered rule (a stable set of columns, so
summaries of different runs line up) counting that rule's findings in the unit. Rows are sorted with the units
that submitted no evidence (no self-assessment table, or no file) first, "Chưa nộp minh chứng",
then by points at risk, highest first, units whose points at risk are unknown last.

`summary.csv` is UTF-8 with a byte-order mark (Excel then reads the Vietnamese correctly),
comma-separated, numbers with a decimal point and unknown values empty: it is meant for
scripts, which expect "1.5", while people get the same table in `summary.xlsx`, where numbers
are number cells that Excel shows with the user's decimal comma. A CSV cell cannot be marked
as text, so text that a spreadsheet would run as a formula (starting with "=", "+", "-", "@",
tab or CR) gets a leading apostrophe in the CSV (OWASP CSV-injection guidance); the workbook
keeps such text exactly, as a quote-prefixed string cell.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiemchung.criteria_map.models import UnitAssessment
from kiemchung.pipeline.atomic import write_file
from kiemchung.pipeline.labels import Lang, label, rule_label
from kiemchung.pipeline.reports.cells import FORMULA_TRIGGERS, CellValue, finding_counts
from kiemchung.validators.registry import RULES

FORMATS = frozenset({"xlsx", "csv"})
_COLUMNS = (
    "unit",
    "self_total",
    "recommended_total",
    "max_total",
    "points_at_risk",
    "zeroed_count",
    "zeroed_criteria",
    "files",
    "zeroing_files",
    "submission",
)  # then one column per rule


@dataclass(frozen=True)
class SummaryTable:
    """The summary as headers and rows of plain values (None where a value is unknown)."""

    headers: list[str]
    rows: list[list[CellValue]]


def summary_table(units: Sequence[UnitAssessment], lang: Lang = Lang.VI) -> SummaryTable:
    """One row per unit with labelled headers: units that submitted nothing first, then by points at risk
    (highest first, unknown last)."""
    rules = sorted(RULES, key=lambda rule: rule.code)
    ordered = sorted(units, key=lambda unit: unit.unit)
    ordered.sort(key=lambda unit: (unit.submitted, *_risk_order(unit.totals.points_at_risk)))
    rows: list[list[CellValue]] = []
    for unit in ordered:
        totals = unit.totals
        zeroed = [criterion.code for criterion in unit.criteria if criterion.zeroed]
        counts = finding_counts(finding for _, _, finding in unit.all_findings())
        rows.append(
            [
                unit.unit,
                totals.self_score,
                totals.recommended_score,
                totals.max_score,
                totals.points_at_risk,
                len(zeroed),
                ", ".join(zeroed),
                len(unit.evidence),
                sum(item.zeroes for item in unit.evidence),
                label("submitted" if unit.submitted else "not_submitted", lang),
                *(counts.get(rule.code, 0) for rule in rules),
            ]
        )
    headers = [label(column, lang) for column in _COLUMNS]
    headers += [f"{rule.code} {rule_label(rule.name, lang)}" for rule in rules]
    return SummaryTable(headers, rows)


def _risk_order(points_at_risk: float | None) -> tuple[bool, float]:
    """Most points at risk first, unknown last."""
    return points_at_risk is None, -(points_at_risk or 0.0)


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
    table = summary_table(units, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    if "csv" in formats:
        _write_csv(table, out_dir / "summary.csv")
    if "xlsx" in formats:
        _write_xlsx(table, out_dir / "summary.xlsx", lang)


def _csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; everything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _write_csv(table: SummaryTable, path: Path) -> None:
    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(table.headers)
            writer.writerows([_csv_safe(value) for value in row] for row in table.rows)

    write_file(path, write)


def _write_xlsx(table: SummaryTable, path: Path, lang: Lang) -> None:
    from kiemchung.pipeline.reports.workbook import Book, Row  # openpyxl, only for a run that writes workbooks

    book = Book(lang)
    book.sheet(label("summary_sheet", lang)).table(table.headers, [Row(list(row)) for row in table.rows])
    book.save(path)
