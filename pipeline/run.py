"""The `check` run as a story: load the council's settings, find units, read and judge every file,
read the self-assessment, tie evidence to criteria, score, and write the reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from criteria_map import EvidenceItem, UnitAssessment, assess_unit
from criteria_map.assignments import Assignment, AssignmentFileError, load_assignments
from criteria_map.criteria import CriteriaFileError, CriteriaSet, load_criteria
from extractors import read_document
from extractors.self_assessment import read_self_assessment
from extractors.signatures import TrustRootError, load_trust_roots
from pipeline.config import Config, FailOn
from pipeline.discovery import UnitFolder, discover
from pipeline.errors import ConfigError, OutputError, UsageError
from pipeline.labels import label
from pipeline.report_html import INDEX_NAME, PAGE_NAME, write_batch_index, write_unit_page
from pipeline.report_json import write_report
from pipeline.report_summary import write_batch_summary
from pipeline.report_xlsx import write_unit_workbook
from validators import RuleContext, Severity, validate_document
from validators.format import vn_score


@dataclass(frozen=True)
class RunResult:
    units: tuple[UnitAssessment, ...]
    out_dir: Path

    def fails(self, threshold: FailOn) -> bool:
        """Whether any finding reaches the --fail-on threshold."""
        findings = [finding for unit in self.units for _, _, finding in unit.all_findings()]
        if threshold is FailOn.ZERO:
            return any(f.zeroes for f in findings)
        if threshold is FailOn.ERROR:
            return any(f.severity is Severity.ERROR for f in findings)
        if threshold is FailOn.WARNING:
            return any(f.severity in (Severity.ERROR, Severity.WARNING) for f in findings)
        return False


@dataclass(frozen=True)
class _Settings:
    """What every unit is judged with, loaded once."""

    config: Config
    context: RuleContext
    criteria: CriteriaSet | None
    assignments: tuple[Assignment, ...]


def check(path: Path, config: Config, out_dir: Path, echo: Callable[[str], None] = print) -> RunResult:
    """Judge every unit under `path` and write OUT/<unit>/report.json; the evidence is only read."""
    path, out_dir = path.resolve(), out_dir.resolve()
    if out_dir == path or path in out_dir.parents:
        raise UsageError(f"the output folder {out_dir} is inside the evidence folder {path}; choose another --out")
    settings = _settings(config)
    units = discover(path, config.layout)
    results = []
    try:
        for unit in units:
            assessment = _assess(unit, settings)
            echo(summary_line(assessment, _write_unit_reports(assessment, out_dir / unit.name, config)))
            results.append(assessment)
        _write_batch_reports(results, out_dir, config)
    except OSError as error:
        raise OutputError(f"cannot write the reports in {out_dir}: {error}") from error
    return RunResult(tuple(results), out_dir)


def _write_unit_reports(unit: UnitAssessment, folder: Path, config: Config) -> Path:
    """The unit's reports in the chosen formats; returns the one to point the user at."""
    written = []
    if "json" in config.formats:
        written.append(folder / "report.json")
        write_report(unit, written[-1])
    if "xlsx" in config.formats:
        written.append(folder / "report.xlsx")
        write_unit_workbook(unit, written[-1], config.lang)
    if "html" in config.formats:
        links = {path.name: path.name for path in written}
        links[label("summary_sheet", config.lang)] = f"../{INDEX_NAME}"
        written.append(folder / PAGE_NAME)
        write_unit_page(unit, written[-1], config.lang, links)
    return written[-1]


def _write_batch_reports(units: list[UnitAssessment], out_dir: Path, config: Config) -> None:
    """summary.csv always; summary.xlsx with xlsx; index.html with html."""
    write_batch_summary(units, out_dir, config.lang, frozenset({"csv"} | ({"xlsx"} & config.formats)))
    if "html" in config.formats:
        write_batch_index(units, out_dir, config.lang)


def _settings(config: Config) -> _Settings:
    """Load roots, criteria and assignments up front: a bad file stops the run before any evidence is read."""
    try:
        load_trust_roots(config.trust_roots)
        criteria = load_criteria(config.criteria_file) if config.criteria_file else None
        known = [c.code for c in criteria.criteria] if criteria else []
        assignments = load_assignments(config.assignments_file, known) if config.assignments_file else ()
    except (TrustRootError, CriteriaFileError, AssignmentFileError) as error:
        raise ConfigError(str(error)) from error
    context = RuleContext(
        config.period_start,
        config.period_end,
        today=dt.date.today(),
        unsigned_exempt_issuers=config.unsigned_exempt_issuers,
        max_days_to_sign=config.max_days_to_sign,
        signer_match_threshold=config.signer_match_threshold,
    )
    return _Settings(config, context, criteria, assignments)


def _assess(unit: UnitFolder, settings: _Settings) -> UnitAssessment:
    items = []
    for file in unit.files:
        facts = read_document(file, trust_roots=settings.config.trust_roots)
        items.append(EvidenceItem(unit.relative(file), facts, validate_document(facts, settings.context)))
    table = read_self_assessment(unit.self_assessment) if unit.self_assessment else None
    return assess_unit(
        unit.name,
        settings.config.year,
        settings.context,
        items,
        self_assessment=unit.relative(unit.self_assessment) if unit.self_assessment else None,
        table=table,
        criteria_set=settings.criteria,
        assignments=settings.assignments,
    )


def _points(value: float | None) -> str:
    return "?" if value is None else vn_score(value)


def summary_line(unit: UnitAssessment, report: Path) -> str:
    """One Vietnamese line per unit for the terminal."""
    zeroing = sum(item.zeroes for item in unit.evidence)
    zeroed = sum(criterion.zeroed for criterion in unit.criteria)
    totals = unit.totals
    return (
        f"{unit.unit}: {len(unit.evidence)} tệp, {len(unit.criteria)} tiêu chí; {zeroing} tệp có lỗi làm 0 điểm, "
        f"{zeroed} tiêu chí bị 0 điểm; tự chấm {_points(totals.self_score)} → đề xuất "
        f"{_points(totals.recommended_score)} điểm (có nguy cơ mất {_points(totals.points_at_risk)}). "
        f"Báo cáo: {report}"
    )
