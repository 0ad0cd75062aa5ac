"""What criteria_map hands to the pipeline: evidence with its findings, and criteria."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from extractors.models import DocumentFacts
from validators.model import Finding


@dataclass(frozen=True)
class EvidenceItem:
    """One file of a unit's evidence tree, read and judged."""

    path: str  # NFC, "/"-separated, relative to the unit folder
    facts: DocumentFacts
    findings: tuple[Finding, ...]
    criteria: tuple[str, ...]

    @property
    def zeroes(self) -> bool:
        return any(finding.zeroes for finding in self.findings)


@dataclass(frozen=True)
class CriterionAssessment:
    """A criterion with the evidence that supports it and the recommended score."""

    code: str
    evidence: tuple[str, ...]
    findings: tuple[Finding, ...]  # about the criterion itself (not its documents)
    zeroed_by: tuple[str, ...]  # evidence paths with a finding that zeroes the criterion
    self_score: float | None = None
    max_score: float | None = None

    @property
    def zeroed(self) -> bool:
        return bool(self.zeroed_by) or any(finding.zeroes for finding in self.findings)

    @property
    def recommended_score(self) -> float | None:
        """0 when anything zeroes it, else the self score capped at the maximum; None if unknown."""
        if self.zeroed:
            return 0.0
        if self.self_score is None:
            return None
        return min(self.self_score, self.max_score) if self.max_score is not None else self.self_score


@dataclass(frozen=True)
class UnitAssessment:
    """Everything known about one unit's submission."""

    unit: str
    year: int
    period_start: dt.date
    period_end: dt.date
    self_assessment: str | None  # path of the unit's self-assessment table, if found
    evidence: tuple[EvidenceItem, ...]
    criteria: tuple[CriterionAssessment, ...]
