"""From a unit's judged evidence and its self-assessment to criteria, recommended scores and totals.

The criteria come from the province's criteria file when one is given, else from the unit's
self-assessment rows, else from the evidence folders' names — and always include any code the
folders or the table use. First the unit's files are judged together (document-set rules: the
same document twice, one number on two documents) and those findings join each file's own, so
they zero criteria exactly as a file's own findings do. Each criterion gets its evidence (folder,
citation, title), its own findings (criterion rules) and a recommended score: 0 when anything
zeroes it, a parent's the sum of its sub-criteria, otherwise the self score capped at the maximum.
The council's waivers apply to the findings before any score is counted (`criteria_map.waivers`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from kiemchung.criteria_map.assignments import Assignment, responsible_for
from kiemchung.criteria_map.criteria import CriteriaSet, code_key, parent_of
from kiemchung.criteria_map.matching import CriterionTarget, Match, location_codes, match_evidence
from kiemchung.criteria_map.models import CriteriaSource, CriterionAssessment, EvidenceItem, Totals, UnitAssessment
from kiemchung.criteria_map.waivers import Waiver, WaiverBook
from kiemchung.extractors.models import (
    AssessmentRow,
    Citation,
    ExplanationFacts,
    FileKind,
    Integrity,
    SelfAssessmentTable,
    Trust,
)
from kiemchung.validators import (
    RuleContext,
    SubmittedDocument,
    validate_criterion,
    validate_document_set,
    validate_unit,
)
from kiemchung.validators.model import CitationCheck, CriterionFacts, UnitFacts


@dataclass(frozen=True)
class _Claim:
    """What is known of one criterion before judging: from the criteria set and the unit's row."""

    code: str
    title: str
    max_score: float | None
    keywords: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()
    row: AssessmentRow | None = None

    @property
    def explanation(self) -> ExplanationFacts | None:
        """The row's explanation as analysed when the table was read."""
        return self.row.analysis if self.row is not None else None

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Documents cited in the explanation and in the evidence column."""
        if self.row is None or self.row.analysis is None:
            return ()
        return self.row.analysis.citations + self.row.evidence_citations


def assess_unit(
    unit: str,
    year: int,
    context: RuleContext,
    evidence: Sequence[EvidenceItem],
    *,
    self_assessment: str | None = None,
    table: SelfAssessmentTable | None = None,
    criteria_set: CriteriaSet | None = None,
    assignments: Sequence[Assignment] = (),
    ignored_tables: Sequence[str] = (),
    choice_reason: str = "",
    waivers: Sequence[Waiver] = (),
) -> UnitAssessment:
    """Judge the evidence together, tie it to criteria, judge every criterion and add up the scores.

    `evidence` carries each file's own (document-rule) findings; the returned evidence adds the
    document-set rules' findings to them. `ignored_tables` are the other files named like the
    self-assessment table, not read (`choice_reason` says why). `waivers` are the council's: the findings
    they cover are marked and no longer zero.
    """
    book = WaiverBook.of(waivers, unit)
    evidence = _with_set_findings(evidence, context)
    rows = table.rows if table is not None and table.read_error is None else ()
    claims, source = _claims(criteria_set, rows, evidence)
    children = _children(claims)
    targets = [
        CriterionTarget(
            code=claim.code,
            title=claim.title,
            keywords=claim.keywords,
            document_types=claim.document_types,
            citations=claim.citations,
            is_leaf=claim.code not in children,
        )
        for claim in claims.values()
    ]
    documents = {item.path: item.facts for item in evidence if item.facts.kind is not FileKind.SYSTEM}
    matches, checks = match_evidence(documents, targets)
    items = tuple(_tied(item, matches.get(item.path, ()), book) for item in evidence)
    assessed = _criteria(claims, children, items, checks, assignments, context, book)
    unit_facts = UnitFacts(self_assessment, table, tuple(ignored_tables), choice_reason, _signed_without_roots(items))
    unit_findings = book.unit(validate_unit(unit_facts, context))
    return UnitAssessment(
        unit=unit,
        year=year,
        period_start=context.period_start,
        period_end=context.period_end,
        self_assessment=self_assessment,
        evidence=items,
        criteria=assessed,
        findings=unit_findings,
        totals=_totals([c for c in assessed if c.parent is None]),
        criteria_source=source,
    )


def _tied(item: EvidenceItem, matches: tuple[Match, ...], book: WaiverBook) -> EvidenceItem:
    """The file with the criteria it is tied to, and the council's waivers of its findings."""
    tied = replace(item, matches=matches)
    return replace(tied, findings=book.document(item.path, tied.criteria, item.findings))


def _signed_without_roots(items: Iterable[EvidenceItem]) -> tuple[str, ...]:
    """The files with an intact signature that no trust root could be looked for (none was configured)."""
    return tuple(
        item.path
        for item in items
        if any(s.integrity is Integrity.INTACT and s.trust is Trust.NO_ROOTS for s in item.facts.signatures)
    )


def _with_set_findings(evidence: Sequence[EvidenceItem], context: RuleContext) -> tuple[EvidenceItem, ...]:
    """Each file with the document-set rules' findings about it appended to its own (new frozen items)."""
    found = validate_document_set([SubmittedDocument(item.path, item.facts) for item in evidence], context)
    return tuple(
        replace(item, findings=item.findings + extra) if extra else item
        for item, extra in zip(evidence, found, strict=True)
    )


def _claims(
    criteria_set: CriteriaSet | None, rows: Sequence[AssessmentRow], evidence: Sequence[EvidenceItem]
) -> tuple[dict[str, _Claim], CriteriaSource]:
    claims: dict[str, _Claim] = {}
    if criteria_set is not None:
        for c in criteria_set.criteria:
            claims[c.code] = _Claim(c.code, c.title, c.max_score, c.keywords, c.document_types)
    for row in rows:
        if row.code is None:
            continue
        known = claims.get(row.code)
        claims[row.code] = (
            replace(known, row=row, max_score=known.max_score if known.max_score is not None else row.max_score)
            if known
            else _Claim(row.code, row.title, row.max_score, row=row)
        )
    if criteria_set is not None:
        source = CriteriaSource.CRITERIA_FILE
    else:
        source = CriteriaSource.SELF_ASSESSMENT if rows else CriteriaSource.FOLDERS
    # Codes used by folders or file names but unknown to the set or table still appear.
    for item in evidence:
        for code in location_codes(item.path):
            claims.setdefault(code, _Claim(code, "", None))
    for code in list(claims):  # every ancestor of a known code is a criterion too
        parent = parent_of(code)
        while parent is not None:
            claims.setdefault(parent, _Claim(parent, "", None))
            parent = parent_of(parent)
    return dict(sorted(claims.items(), key=lambda pair: code_key(pair[0]))), source


def _children(codes: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each code's sub-criteria among `codes`, in their order; codes without any are left out."""
    found: dict[str, list[str]] = {}
    for code in codes:
        parent = parent_of(code)
        if parent is not None:
            found.setdefault(parent, []).append(code)
    return {parent: tuple(members) for parent, members in found.items()}


def _lineage(code: str) -> Iterator[str]:
    """The code and every code above it: "3.2.6", "3.2", "3"."""
    ancestor: str | None = code
    while ancestor is not None:
        yield ancestor
        ancestor = parent_of(ancestor)


def _criteria(
    claims: dict[str, _Claim],
    children_of: dict[str, tuple[str, ...]],
    items: Sequence[EvidenceItem],
    checks: dict[str, tuple[CitationCheck, ...]],
    assignments: Sequence[Assignment],
    context: RuleContext,
    book: WaiverBook,
) -> tuple[CriterionAssessment, ...]:
    supporting: dict[str, list[EvidenceItem]] = {}  # the files tied to each code
    below: Counter[str] = Counter()  # files tied to each code or to any code under it
    for item in items:
        codes = item.criteria
        for code in dict.fromkeys(codes):
            supporting.setdefault(code, []).append(item)
        below.update({ancestor for code in codes for ancestor in _lineage(code)})
    done: dict[str, CriterionAssessment] = {}
    # Deepest first, so a parent sees its sub-criteria's results.
    for code in sorted(claims, key=lambda c: (-len(code_key(c)), code_key(c))):
        claim = claims[code]
        row = claim.row
        children = children_of.get(code, ())
        documents = supporting.get(code, [])
        explanation = claim.explanation
        self_score = row.self_score if row is not None else None
        if self_score is None and children and all(done[c].self_score is not None for c in children):
            self_score = sum(done[c].self_score or 0.0 for c in children)
        max_score = claim.max_score
        if max_score is None and children and all(done[c].max_score is not None for c in children):
            max_score = sum(done[c].max_score or 0.0 for c in children)
        facts = CriterionFacts(
            code=code,
            title=claim.title,
            self_score=self_score,
            max_score=max_score,
            raw_self_score=row.raw_self_score if row is not None else "",
            explanation=explanation,
            evidence_count=below[code],
            citation_checks=checks.get(code, ()),
            has_children=bool(children),
            row_number=row.row_number if row is not None else None,
        )
        recommended = [done[c].recommended_score for c in children]
        done[code] = CriterionAssessment(
            code=code,
            title=claim.title,
            parent=parent_of(code),
            children=children,
            evidence=tuple(item.path for item in documents),
            findings=book.criterion(code, validate_criterion(facts, context)),
            zeroed_by=tuple(item.path for item in documents if item.zeroes),
            self_score=self_score,
            max_score=max_score,
            children_recommended=sum(r for r in recommended if r is not None)
            if children and None not in recommended
            else None,
            explanation=explanation,
            evidence_text=row.evidence_text if row is not None else "",
            row_number=row.row_number if row is not None else None,
            citation_checks=checks.get(code, ()),
            responsible=responsible_for(code, assignments),
        )
    return tuple(done[code] for code in claims)


def _sum(values: Sequence[float | None]) -> float | None:
    return None if not values or any(v is None for v in values) else sum(v for v in values if v is not None)


def _totals(fields: Sequence[CriterionAssessment]) -> Totals:
    return Totals(
        _sum([f.self_score for f in fields]),
        _sum([f.recommended_score for f in fields]),
        _sum([f.max_score for f in fields]),
    )
