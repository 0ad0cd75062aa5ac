"""What criteria_map hands to the pipeline: evidence with its findings and matches, criteria and totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kiemchung.criteria_map.matching import Match
from kiemchung.extractors.models import DocumentFacts, ExplanationFacts, FileKind
from kiemchung.validators.model import CitationCheck, Finding


@dataclass(frozen=True)
class EvidenceItem:
    """One file of a unit's evidence tree, read, judged and tied to criteria."""

    path: str  # NFC, "/"-separated, relative to the unit folder
    facts: DocumentFacts
    findings: tuple[Finding, ...]  # its document rules' and, after `assess_unit`, its document-set rules'
    matches: tuple[Match, ...] = ()

    @property
    def criteria(self) -> tuple[str, ...]:
        return tuple(match.code for match in self.matches)

    @property
    def zeroes(self) -> bool:
        return any(finding.zeroes for finding in self.findings)


@dataclass(frozen=True)
class Task:
    """One thing the person responsible for a criterion must do: what one rule asks (its `action`), for the
    files its open (not waived) findings concern, or for the criterion itself (its explanation, its score)."""

    rule: str
    files: tuple[str, ...]  # evidence paths; empty when the findings are about the criterion itself
    zeroes: bool  # one of those findings zeroes the criterion


@dataclass(frozen=True)
class CriterionAssessment:
    """A criterion: the unit's claim, the evidence that supports it and the recommended score."""

    code: str
    evidence: tuple[str, ...]
    findings: tuple[Finding, ...]  # about the criterion itself (not its documents)
    zeroed_by: tuple[str, ...]  # evidence paths with a finding that zeroes the criterion
    title: str = ""
    parent: str | None = None
    children: tuple[str, ...] = ()
    self_score: float | None = None
    max_score: float | None = None
    children_recommended: float | None = None  # sum over sub-criteria, when all are known
    explanation: ExplanationFacts | None = None
    evidence_text: str = ""
    row_number: int | None = None
    citation_checks: tuple[CitationCheck, ...] = ()
    responsible: tuple[str, ...] = ()

    @property
    def zeroed(self) -> bool:
        return bool(self.zeroed_by) or any(finding.zeroes for finding in self.findings)

    @property
    def recommended_score(self) -> float | None:
        """0 when anything zeroes it; a parent: its sub-criteria's sum; else the self score, capped at the maximum."""
        if self.zeroed:
            return 0.0
        if self.children:
            return self.children_recommended
        if self.self_score is None:
            return None
        return min(self.self_score, self.max_score) if self.max_score is not None else self.self_score

    @property
    def points_at_risk(self) -> float | None:
        recommended = self.recommended_score
        if self.self_score is None or recommended is None:
            return None
        return max(0.0, self.self_score - recommended)


@dataclass(frozen=True)
class Totals:
    """Self, recommended and maximum scores of a field or of the whole unit."""

    self_score: float | None
    recommended_score: float | None
    max_score: float | None

    @property
    def points_at_risk(self) -> float | None:
        if self.self_score is None or self.recommended_score is None:
            return None
        return max(0.0, self.self_score - self.recommended_score)

    @property
    def recommended_share(self) -> float | None:
        """The recommended score as a share of the maximum (0.855 for 85,5 %); None when either is unknown."""
        if self.recommended_score is None or not self.max_score:
            return None
        return self.recommended_score / self.max_score


class CriteriaSource(StrEnum):
    """Where a unit's list of criteria came from."""

    CRITERIA_FILE = "criteria-file"  # the province's criteria set (`--criteria`)
    SELF_ASSESSMENT = "self-assessment"  # the rows of the unit's self-assessment table
    FOLDERS = "folders"  # the criterion codes its folders and file names carry


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
    findings: tuple[Finding, ...] = ()  # about the unit as a whole
    totals: Totals = Totals(None, None, None)
    criteria_source: CriteriaSource = CriteriaSource.FOLDERS

    @property
    def submitted(self) -> bool:
        """Whether the unit sent something to judge: its self-assessment table and evidence (OS litter aside).

        A unit that did not ranks first in the batch summary, as "no evidence submitted".
        """
        return self.self_assessment is not None and any(i.facts.kind is not FileKind.SYSTEM for i in self.evidence)

    @property
    def unmatched(self) -> tuple[str, ...]:
        """Evidence files tied to no criterion (OS litter aside)."""
        return tuple(item.path for item in self.evidence if not item.matches and item.facts.kind is not FileKind.SYSTEM)

    def all_findings(self) -> tuple[tuple[str, str | None, Finding], ...]:
        """Every finding with where it belongs: ("unit", None, f), ("criterion", code, f), ("document", path, f)."""
        found: list[tuple[str, str | None, Finding]] = [("unit", None, f) for f in self.findings]
        found += [("criterion", c.code, f) for c in self.criteria for f in c.findings]
        found += [("document", item.path, f) for item in self.evidence for f in item.findings]
        return tuple(found)

    def responsibilities(self) -> tuple[tuple[str, tuple[CriterionAssessment, ...]], ...]:
        """Each responsible person or body with the criteria they must look at: zeroed, or with a task."""
        people: dict[str, list[CriterionAssessment]] = {}
        for criterion in self.criteria:
            if criterion.zeroed or self.tasks(criterion):
                for person in criterion.responsible:
                    people.setdefault(person, []).append(criterion)
        return tuple((person, tuple(criteria)) for person, criteria in sorted(people.items()))

    def tasks(self, criterion: CriterionAssessment) -> tuple[Task, ...]:
        """What a criterion's open findings, its own and its documents', ask of the person responsible: one task
        per rule with the files concerned, the tasks that would lift a zero first. Waived findings ask nothing."""
        evidence = {item.path: item for item in self.evidence}
        concerned: dict[str, tuple[list[str], bool]] = {}
        found: list[tuple[str | None, Finding]] = [(None, finding) for finding in criterion.findings]
        for document in criterion.evidence:
            found += [(document, finding) for finding in evidence[document].findings] if document in evidence else []
        for where, finding in found:
            if finding.waived is not None:
                continue
            files, zeroes = concerned.setdefault(finding.rule, ([], False))
            if where is not None and where not in files:
                files.append(where)
            concerned[finding.rule] = (files, zeroes or finding.zeroes)
        tasks = [Task(rule, tuple(files), zeroes) for rule, (files, zeroes) in concerned.items()]
        return tuple(sorted(tasks, key=lambda task: not task.zeroes))

    def field_totals(self) -> tuple[tuple[CriterionAssessment, Totals], ...]:
        """Each top-level criterion (field) with its totals."""
        return tuple(
            (c, Totals(c.self_score, c.recommended_score, c.max_score)) for c in self.criteria if c.parent is None
        )
