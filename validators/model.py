"""The vocabulary of judging: outcomes, findings, the rule base classes and their context.

Rules come in four kinds, by what they judge: one document (`DocumentRule`), the documents of a
unit taken together (`DocumentSetRule`), one criterion (`CriterionRule`) and the unit's submission
as a whole (`UnitRule`).

A check has three real outcomes — passed, failed, indeterminate — plus "not
applicable" when another rule owns the situation (an unreadable file has no number
to judge). Indeterminate is never a pass: it becomes a finding of its own.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, ClassVar

from kiemchung.extractors.models import (
    Citation,
    DocumentFacts,
    ExplanationFacts,
    FileKind,
    Located,
    SelfAssessmentTable,
    SignatureFacts,
    Source,
)


class Sha1Policy(StrEnum):
    """What a council makes of a signature whose message digest is SHA-1 (`signatures.sha1`)."""

    ACCEPT = "accept"  # no finding: the government signing service still signs with SHA-1
    WARN = "warn"  # `signature-weak-hash`, a warning that does not zero
    ZERO = "zero"  # `signature-invalid`: the signature counts as invalid and zeroes


class Severity(StrEnum):
    """How serious a finding is; `zeroes` says separately whether it costs the criterion."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"
    NOT_APPLICABLE = "not-applicable"


class ProofKind(StrEnum):
    """Where the text of a proof was read: a part of the file, what the tool made of it, or beyond the file."""

    # The parts of a file facts are read from (`extractors.models.Source`, the same values).
    PAGE_TEXT = "page-text"
    SIGNATURE_APPEARANCE = "signature-appearance"  # detail: the signature field whose stamp shows it
    DOCX_TABLE = "docx-table"
    DOCX_BODY = "docx-body"
    OCR = "ocr"
    # What the tool made of the file.
    SIGNATURE = "signature"  # detail: the signature field; its verification's own words
    SIGNATURES = "signatures"  # the file's signatures taken together
    SIGNATURE_FIELD = "signature-field"  # its empty signature fields
    PAGE_IMAGING = "page-imaging"  # how its pages are made: images and text
    READ_ERROR = "read-error"  # detail: the `ReadProblem`; the text is the reader's diagnostic
    # Beyond the file.
    ROW = "row"  # detail: the row of the self-assessment table
    SELF_ASSESSMENT = "self-assessment"  # detail: the table's path in the unit
    UNIT_EVIDENCE = "unit-evidence"  # the unit's other files (a document-set finding)
    CONFIG = "config"  # the run's settings


# Kinds that report.json writes as their detail alone (the problem, the table's path), as it always has.
_WRITTEN_AS_DETAIL = frozenset({ProofKind.READ_ERROR, ProofKind.SELF_ASSESSMENT})


@dataclass(frozen=True)
class Proof:
    """The text of the unit's own file that triggered a finding, and where it was read.

    Only what the file says goes here (a page's text, a certificate's name, a row of the table); what the
    tool or a library measured or complained of is the verdict's `detail`. `text` is empty when the
    finding points at a place (a signature, a page) rather than quotes it.
    """

    text: str
    page: int | None = None
    kind: ProofKind | None = None
    detail: str | None = None  # which signature field, row, problem or file, for the kinds that name one

    @property
    def source(self) -> str | None:
        """Where, as report.json writes it: "page-text", "signature:Signature1", "row:12", "corrupt"."""
        if self.kind is None:
            return None
        if self.kind in _WRITTEN_AS_DETAIL:
            return self.detail
        return self.kind.value if self.detail is None else f"{self.kind.value}:{self.detail}"

    @classmethod
    def of(cls, located: Located[Any]) -> Proof:
        where = located.where
        field = where.field_name if where.source is Source.SIGNATURE_APPEARANCE and where.field_name else None
        return cls(located.raw, where.page, ProofKind(where.source.value), field)

    @classmethod
    def of_signature(cls, text: str, signature: SignatureFacts) -> Proof:
        """What verifying one signature said."""
        return cls(text, signature.page, ProofKind.SIGNATURE, signature.field_name)

    @classmethod
    def of_row(cls, text: str, row: int | None) -> Proof:
        """Text of the self-assessment table's row `row`."""
        return cls(text, None, ProofKind.ROW, None if row is None else str(row))

    @classmethod
    def of_documents(cls, paths: Sequence[str]) -> Proof:
        """The other files a document-set finding is about, as the unit named them."""
        return cls("; ".join(paths), None, ProofKind.UNIT_EVIDENCE)


@dataclass(frozen=True)
class Verdict:
    """What one rule concluded about one subject."""

    outcome: Outcome
    message: str = ""  # Vietnamese, for the council: what is wrong and what to do
    proof: Proof | None = None
    detail: str = ""  # the diagnostic behind it (a library's own words, a measurement), for developers


PASSED = Verdict(Outcome.PASSED)
NOT_APPLICABLE = Verdict(Outcome.NOT_APPLICABLE)


@dataclass(frozen=True)
class Waived:
    """The council's waiver of one finding (miễn): it stays in every report, marked, and no longer zeroes."""

    reason: str  # Vietnamese, as the council wrote it
    who: str  # who granted it
    date: dt.date | None
    source: str  # the waiver's place in its file, "waivers.yaml mục 3": names it in messages
    zeroed: bool  # whether the finding zeroed before it was waived


@dataclass(frozen=True)
class Finding:
    """A failed or indeterminate verdict, stamped with its rule's identity (and the council's waiver, if any).

    `zeroes` is what the finding does to the score: a waived finding does not zero (`waived.zeroed`
    says whether it would have).
    """

    rule: str
    code: str
    severity: Severity
    zeroes: bool
    outcome: Outcome
    message: str
    proof: Proof | None = None
    waived: Waived | None = None
    detail: str = ""  # English, for developers: report.json keeps it, the council's pages do not show it

    def waive(self, reason: str, who: str, date: dt.date | None, source: str) -> Finding:
        """The same finding, waived: it no longer zeroes."""
        return replace(self, zeroes=False, waived=Waived(reason, who, date, source, self.zeroes))


@dataclass(frozen=True)
class RuleSetting:
    """The council's change to one rule (`[rules]` in the config): off, or another severity or zeroing."""

    rule: str  # the rule's name
    enabled: bool = True
    severity: Severity | None = None  # None: the rule's own
    zeroes: bool | None = None  # None: the rule's own
    origin: str = ""  # where it was set, e.g. "tinh.toml [rules] ignore", for `kiemchung rules`


@dataclass(frozen=True)
class RulePolicy:
    """Which rules run and how, as the council set them; the rules' own settings where it says nothing.

    A value, not a change to the rule classes: runs and services with different policies share the
    same rule objects.
    """

    settings: tuple[RuleSetting, ...] = ()

    def setting(self, rule: str) -> RuleSetting | None:
        """The council's setting for the rule with this name, if it made one."""
        return next((setting for setting in self.settings if setting.rule == rule), None)

    def enabled(self, rule: str) -> bool:
        setting = self.setting(rule)
        return setting is None or setting.enabled


SEED_POLICY = RulePolicy()  # every rule as written


@dataclass(frozen=True)
class RuleContext:
    """What rules need to know besides the facts: the period, today, and the council's settings.

    The settings have no defaults here: they are the run's (`pipeline.config.Config.rule_context`),
    whose defaults live in `pipeline/defaults.toml` only.
    """

    period_start: dt.date
    period_end: dt.date
    today: dt.date
    unsigned_exempt_issuers: tuple[str, ...]  # issuer name fragments, compared without diacritics
    max_days_to_sign: int
    signer_match_threshold: int  # 0-100 similarity of issuer and certificate subject
    sha1: Sha1Policy
    policy: RulePolicy  # which rules run, with what severity and zeroing ([rules]; the seed rules by default)


class Rule(ABC):
    """A coded rule. Subclasses set the identity and write `check`; the docstring is its doc.

    The docstring has three sections, "What it checks", "Why it matters" and
    "Example"; `guide` says the same to the council in Vietnamese. `kiemchung rules CODE`
    prints the guide, or the docstring with `--lang en`.
    """

    code: ClassVar[str]  # stable, never reused: "KC201"
    name: ClassVar[str]  # kebab-case, the public `rule` value in reports
    title: ClassVar[str]  # short Vietnamese label for reports
    action: ClassVar[str]  # what the person responsible does about a finding, in Vietnamese
    action_en: ClassVar[str]  # the same in English (`--lang en`)
    # The docstring's sections translated for the council, same facts and examples, paragraphs as in the
    # docstring: "Kiểm tra gì: …", "Vì sao quan trọng: …", "Ví dụ: …" (`validators.docs.GUIDE_SECTIONS`).
    guide: ClassVar[str]
    severity: ClassVar[Severity]
    zeroes: ClassVar[bool]  # a failure scores the criterion 0
    zeroes_when_indeterminate: ClassVar[bool] = False

    def finding(self, verdict: Verdict, policy: RulePolicy = SEED_POLICY) -> Finding | None:
        """The finding a verdict produces under the council's policy, or None for passed and not-applicable."""
        if verdict.outcome in (Outcome.PASSED, Outcome.NOT_APPLICABLE):
            return None
        setting = policy.setting(self.name)
        severity = setting.severity if setting and setting.severity else self.severity
        zeroes_on_failure = self.zeroes if setting is None or setting.zeroes is None else setting.zeroes
        failed = verdict.outcome is Outcome.FAILED
        zeroes = zeroes_on_failure if failed else self.zeroes_when_indeterminate and zeroes_on_failure
        if not (failed or zeroes) and severity is Severity.ERROR:
            severity = Severity.WARNING  # "could not verify" that does not zero is no error
        return Finding(
            rule=self.name,
            code=self.code,
            # "Could not verify" that zeroes weighs as much as a failure: `--fail-on error` must see it.
            severity=severity,
            zeroes=zeroes,
            outcome=verdict.outcome,
            message=verdict.message,
            proof=verdict.proof,
            detail=verdict.detail,
        )


class DocumentRule(Rule):
    """A rule about one evidence file. Content rules skip files that could not be read."""

    needs_content: ClassVar[bool] = True

    def evaluate(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if self.needs_content and (facts.read_error is not None or facts.kind is FileKind.SYSTEM):
            return NOT_APPLICABLE
        return self.check(facts, context)

    @abstractmethod
    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        """Judge the facts; return PASSED, a failed/indeterminate Verdict, or NOT_APPLICABLE."""


@dataclass(frozen=True)
class SubmittedDocument:
    """One evidence file as document-set rules see it: its path in the unit and the facts read from it.

    The path is only a name for messages and proofs ("the same as 1.1/ke-hoach.pdf"); validators never
    open it.
    """

    path: str  # NFC, "/"-separated, relative to the unit folder
    facts: DocumentFacts


class DocumentSetRule(Rule):
    """A rule about the documents of one unit's submission taken together: each judged against the others.

    `check` sees every readable file of the unit at once and returns one verdict per file, in the
    order given, so one comparison can fail several files (both documents carrying a reused
    number). A set verdict's proof names the other files involved (source `unit-evidence`), because
    the evidence of a finding across documents is the other documents.
    """

    needs_content: ClassVar[bool] = True

    def judges(self, document: SubmittedDocument) -> bool:
        """Whether the rule judges this document: unreadable files and OS litter are not judged."""
        facts = document.facts
        return not self.needs_content or (facts.read_error is None and facts.kind is not FileKind.SYSTEM)

    def evaluate(self, documents: Sequence[SubmittedDocument], context: RuleContext) -> tuple[Verdict, ...]:
        """One verdict per document, aligned with `documents` (NOT_APPLICABLE for those it does not judge)."""
        judged = [index for index, document in enumerate(documents) if self.judges(document)]
        verdicts = self.check([documents[index] for index in judged], context)
        if len(verdicts) != len(judged):
            raise ValueError(f"{self.name}: {len(verdicts)} verdicts for {len(judged)} documents")
        aligned = [NOT_APPLICABLE] * len(documents)
        for index, verdict in zip(judged, verdicts, strict=True):
            aligned[index] = verdict
        return tuple(aligned)

    @abstractmethod
    def check(self, documents: Sequence[SubmittedDocument], context: RuleContext) -> tuple[Verdict, ...]:
        """Judge the documents together; one PASSED, failed/indeterminate or NOT_APPLICABLE verdict each, in order."""


class CitationStatus(StrEnum):
    FOUND = "found"
    MISMATCH = "mismatch"  # same number, but the symbol or the date differs
    NOT_FOUND = "not-found"


@dataclass(frozen=True)
class CitationCheck:
    """A document cited for a criterion, looked up among the unit's evidence."""

    citation: Citation
    status: CitationStatus
    document: str | None  # the evidence path it resolved to
    # The evidence's own values where they differ from the citation's ("?": the evidence has no symbol).
    other_symbol: str | None = None
    other_date: dt.date | None = None

    @property
    def differences(self) -> tuple[str, ...]:
        """As report.json writes them: "symbol:BC-UBND", "date:2023-02-02"."""
        symbol = () if self.other_symbol is None else (f"symbol:{self.other_symbol}",)
        return symbol + (() if self.other_date is None else (f"date:{self.other_date.isoformat()}",))


@dataclass(frozen=True)
class CriterionFacts:
    """What criterion rules judge: the unit's claim for one criterion and what supports it."""

    code: str
    title: str
    self_score: float | None
    max_score: float | None
    raw_self_score: str
    explanation: ExplanationFacts | None  # None when the unit's table has no row for it
    evidence_count: int  # files supporting it or any of its sub-criteria
    citation_checks: tuple[CitationCheck, ...]
    has_children: bool
    row_number: int | None


class CriterionRule(Rule):
    """A rule about one criterion of the unit's self-assessment."""

    @abstractmethod
    def check(self, facts: CriterionFacts, context: RuleContext) -> Verdict:
        """Judge the criterion; return PASSED, a failed/indeterminate Verdict, or NOT_APPLICABLE."""


@dataclass(frozen=True)
class UnitFacts:
    """What unit rules judge: the unit's self-assessment table as found, and what no single file can say."""

    self_assessment_path: str | None  # None when no table was recognised in the unit folder
    table: SelfAssessmentTable | None
    ignored_tables: tuple[str, ...] = ()  # other files named like the table, not read
    choice_reason: str = ""  # why the table read won over them (Vietnamese)
    signed_without_roots: tuple[str, ...] = ()  # files whose intact signatures met no configured trust root


class UnitRule(Rule):
    """A rule about a unit's submission as a whole."""

    @abstractmethod
    def check(self, facts: UnitFacts, context: RuleContext) -> Verdict:
        """Judge the unit; return PASSED, a failed/indeterminate Verdict, or NOT_APPLICABLE."""
