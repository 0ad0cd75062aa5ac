"""The `check` run as a story: find units, read and judge every file, group by criterion, report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from criteria_map import EvidenceItem, UnitAssessment, assess_unit, criteria_for_path
from extractors import read_document
from extractors.models import FileKind
from extractors.signatures import TrustRootError, load_trust_roots
from pipeline.config import Config, FailOn
from pipeline.discovery import UnitFolder, discover
from pipeline.errors import ConfigError, OutputError, UsageError
from pipeline.report_json import write_report
from validators import RuleContext, Severity, validate_document


@dataclass(frozen=True)
class RunResult:
    units: tuple[UnitAssessment, ...]
    out_dir: Path

    def fails(self, threshold: FailOn) -> bool:
        """Whether any finding reaches the --fail-on threshold."""
        findings = [f for unit in self.units for item in unit.evidence for f in item.findings]
        findings += [f for unit in self.units for c in unit.criteria for f in c.findings]
        if threshold is FailOn.ZERO:
            return any(f.zeroes for f in findings)
        if threshold is FailOn.ERROR:
            return any(f.severity is Severity.ERROR for f in findings)
        if threshold is FailOn.WARNING:
            return any(f.severity in (Severity.ERROR, Severity.WARNING) for f in findings)
        return False


def check(path: Path, config: Config, out_dir: Path, echo: Callable[[str], None] = print) -> RunResult:
    """Judge every unit under `path` and write OUT/<unit>/report.json; the evidence is only read."""
    path, out_dir = path.resolve(), out_dir.resolve()
    if out_dir == path or path in out_dir.parents:
        raise UsageError(f"the output folder {out_dir} is inside the evidence folder {path}; choose another --out")
    try:
        load_trust_roots(config.trust_roots)  # a bad root file stops the run before any file is read
    except TrustRootError as error:
        raise ConfigError(f"trust root: {error}") from error
    units = discover(path, config.layout)
    context = RuleContext(
        config.period_start,
        config.period_end,
        today=dt.date.today(),
        unsigned_exempt_issuers=config.unsigned_exempt_issuers,
        max_days_to_sign=config.max_days_to_sign,
        signer_match_threshold=config.signer_match_threshold,
    )
    results = []
    for unit in units:
        assessment = _assess(unit, config, context)
        report = out_dir / unit.name / "report.json"
        try:
            write_report(assessment, report)
        except OSError as error:
            raise OutputError(f"cannot write {report}: {error.strerror}") from error
        echo(summary_line(assessment, report))
        results.append(assessment)
    return RunResult(tuple(results), out_dir)


def _assess(unit: UnitFolder, config: Config, context: RuleContext) -> UnitAssessment:
    items = []
    for file in unit.files:
        relative = unit.relative(file)
        facts = read_document(file, trust_roots=config.trust_roots)
        # OS litter sits in criterion folders but supports nothing.
        criteria = () if facts.kind is FileKind.SYSTEM else criteria_for_path(relative.split("/")[:-1])
        items.append(EvidenceItem(relative, facts, validate_document(facts, context), criteria))
    table = unit.relative(unit.self_assessment) if unit.self_assessment else None
    return assess_unit(unit.name, config.year, (config.period_start, config.period_end), table, items)


def summary_line(unit: UnitAssessment, report: Path) -> str:
    """One Vietnamese line per unit for the terminal."""
    zeroing = sum(item.zeroes for item in unit.evidence)
    zeroed = sum(criterion.zeroed for criterion in unit.criteria)
    warnings = sum(1 for item in unit.evidence for f in item.findings if f.severity is Severity.WARNING)
    return (
        f"{unit.unit}: {len(unit.evidence)} tệp, {len(unit.criteria)} tiêu chí; {zeroing} tệp có lỗi làm 0 điểm, "
        f"{zeroed} tiêu chí bị 0 điểm; {warnings} cảnh báo. Báo cáo: {report}"
    )
