"""The reports: one module per format, and the two calls a run makes to write them.

`write_unit_reports` writes a unit's report.json, report.xlsx, report.docx and report.html, as the
run's formats say; `write_batch_reports` the batch's summary.csv, summary.xlsx, summary.docx and
index.html. Each format's writer is imported when a run first writes that format: openpyxl and
python-docx take 0.4 s to load, which a run writing JSON only never spends.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kiemchung.criteria_map.models import UnitAssessment
from kiemchung.pipeline.config import Config
from kiemchung.pipeline.labels import label
from kiemchung.pipeline.reports.tree import TreeReport


def write_unit_reports(unit: UnitAssessment, folder: Path, config: Config) -> list[Path]:
    """The unit's reports in the chosen formats, in `folder`; the last is the one to point the user at."""
    written = []
    if "json" in config.formats:
        from kiemchung.pipeline.reports.json_report import write_report

        written.append(folder / "report.json")
        write_report(unit, written[-1])
    if "xlsx" in config.formats:
        from kiemchung.pipeline.reports.workbook import write_unit_workbook

        written.append(folder / "report.xlsx")
        write_unit_workbook(unit, written[-1], config.lang)
    if "docx" in config.formats:
        from kiemchung.pipeline.reports.word import UNIT_DOCUMENT, CheckRecord, write_unit_document

        written.append(folder / UNIT_DOCUMENT)
        write_unit_document(unit, written[-1], CheckRecord.of(config))
    if "html" in config.formats:
        from kiemchung.pipeline.reports.html import INDEX_NAME, PAGE_NAME, write_unit_page

        links = {path.name: path.name for path in written}
        links[label("summary_sheet", config.lang)] = "../" * (unit.unit.count("/") + 1) + INDEX_NAME
        written.append(folder / PAGE_NAME)
        write_unit_page(unit, written[-1], config.lang, links)
    return written


def write_batch_reports(units: Sequence[UnitAssessment], out_dir: Path, config: Config, tree: TreeReport) -> None:
    """summary.csv always; summary.xlsx with xlsx; summary.docx with docx; index.html with html (tree.json is
    written by the caller)."""
    from kiemchung.pipeline.reports.summary import write_batch_summary

    write_batch_summary(units, out_dir, config.lang, frozenset({"csv"} | ({"xlsx"} & config.formats)))
    if "docx" in config.formats:
        from kiemchung.pipeline.reports.word import BATCH_DOCUMENT, CheckRecord, write_batch_document

        write_batch_document(units, out_dir / BATCH_DOCUMENT, CheckRecord.of(config))
    if "html" in config.formats:
        from kiemchung.pipeline.reports.html import write_batch_index

        write_batch_index(units, out_dir, config.lang, tree)
