"""The batch summary: one row per unit, worst first, as `summary.xlsx` for people and `summary.csv` for machines.

The table holds: unit, its rank (by recommended total, `criteria_map.ranking`), totals, the
recommended share of the maximum, points at risk, zeroed criteria, files, whether the unit
submitted anything to judge, then each field's recommended points ("LV 1", … with a legend below
the table in the workbook), then one column per registered rule (a stable set of columns, so
summaries of different runs line up) counting that rule's findings in the unit. Rows are in the
council's order of work (`criteria_map.ranking.by_risk`): the units that submitted no evidence (no
self-assessment table, or no file) first, "Chưa nộp minh chứng", then by points at risk, highest
first, units whose points at risk are unknown last.

In the workbook the findings by rule are a second sheet, so that the first prints legibly on A4.

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
from kiemchung.criteria_map.ranking import batch_fields, by_risk, ranks
from kiemchung.pipeline.atomic import write_file
from kiemchung.pipeline.labels import Lang, label, rule_label
from kiemchung.pipeline.reports.cells import FORMULA_TRIGGERS, CellValue, Percent, finding_counts
from kiemchung.validators.registry import RULES

FORMATS = frozenset({"xlsx", "csv"})
_COLUMNS = (
    "unit",
    "rank",
    "self_total",
    "recommended_total",
    "max_total",
    "recommended_share",
    "points_at_risk",
    "zeroed_count",
    "zeroed_criteria",
    "files",
    "zeroing_files",
    "submission",
)  # then one column per field, then one per rule


@dataclass(frozen=True)
class SummaryTable:
    """The summary as headers and rows of plain values (None where a value is unknown), and what its
    field columns stand for."""

    headers: list[str]
    rows: list[list[CellValue]]
    legend: list[str]
    rules_from: int  # the first column counting a rule's findings


def summary_table(units: Sequence[UnitAssessment], lang: Lang = Lang.VI) -> SummaryTable:
    """One row per unit with labelled headers, in the council's order of work (see the module docstring)."""
    rules = sorted(RULES, key=lambda rule: rule.code)
    fields = batch_fields(units)
    rank = ranks(units)
    rows: list[list[CellValue]] = []
    for unit in by_risk(units):
        totals = unit.totals
        zeroed = [criterion.code for criterion in unit.criteria if criterion.zeroed]
        counts = finding_counts(finding for _, _, finding in unit.all_findings())
        by_field = {field.code: field_totals.recommended_score for field, field_totals in unit.field_totals()}
        share = totals.recommended_share
        rows.append(
            [
                unit.unit,
                rank[unit.unit],
                totals.self_score,
                totals.recommended_score,
                totals.max_score,
                Percent(share) if share is not None else None,
                totals.points_at_risk,
                len(zeroed),
                ", ".join(zeroed),
                len(unit.evidence),
                sum(item.zeroes for item in unit.evidence),
                label("submitted" if unit.submitted else "not_submitted", lang),
                *(by_field.get(field.code) for field in fields),
                *(counts.get(rule.code, 0) for rule in rules),
            ]
        )
    headers = [label(column, lang) for column in _COLUMNS]
    headers += [label("field_column", lang, code=field.code) for field in fields]
    headers += [f"{rule.code} {rule_label(rule.name, lang)}" for rule in rules]
    legend = [label("field_legend", lang)] if fields else []
    legend += [f"{label('field_column', lang, code=field.code)}: {field.title}" for field in fields if field.title]
    return SummaryTable(headers, rows, legend, len(_COLUMNS) + len(fields))


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
    """Text a spreadsheet would run as a formula gets a leading apostrophe, a share is written in percent;
    everything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    if isinstance(value, Percent):
        return round(value * 100, 1)
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

    # The findings by rule on a sheet of their own: side by side with the scores, 30 more columns made
    # the printed summary too small to read.
    book = Book(lang)
    split = table.rules_from
    sheet = book.sheet(label("summary_sheet", lang))
    sheet.table(table.headers[:split], [Row(row[:split]) for row in table.rows])
    if table.legend:
        sheet.append()
        for line in table.legend:
            sheet.append([line], fit=False)
    by_rule = book.sheet(label("counts_by_rule", lang))
    by_rule.table(table.headers[:1] + table.headers[split:], [Row(row[:1] + row[split:]) for row in table.rows])
    book.save(path)
