"""The explicit list of every rule, and the functions that run them, one per kind of rule.

Adding a rule: write its module in `validators/rules/`, add its instance to
`RULES`, and add its cases file in `tests/rules/`. Codes are never reused: a
retired rule's code moves to `RETIRED_CODES`.

The council's policy (`RuleContext.policy`) decides which rules run and with what severity and
zeroing; a rule it turns off is not run at all.

Every rule runs guarded: one that raises gives an `internal-error` finding on the subject it was
judging (never a pass, never a zero) and the other rules, files and units are judged as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from kiemchung.extractors.models import DocumentFacts
from kiemchung.validators.model import (
    CriterionFacts,
    CriterionRule,
    DocumentRule,
    DocumentSetRule,
    Finding,
    Rule,
    RuleContext,
    SubmittedDocument,
    UnitFacts,
    UnitRule,
    Verdict,
)
from kiemchung.validators.rules.certification_violated import CertificationViolated
from kiemchung.validators.rules.citation_mismatch import CitationMismatch
from kiemchung.validators.rules.citation_not_found import CitationNotFound
from kiemchung.validators.rules.date_missing import DateMissing
from kiemchung.validators.rules.date_out_of_period import DateOutOfPeriod
from kiemchung.validators.rules.duplicate_document import DuplicateDocument
from kiemchung.validators.rules.field_unreadable import FieldUnreadable
from kiemchung.validators.rules.internal_error import InternalError
from kiemchung.validators.rules.no_evidence import NoEvidence
from kiemchung.validators.rules.number_missing import NumberMissing
from kiemchung.validators.rules.number_reused import NumberReused
from kiemchung.validators.rules.number_suffix import NumberSuffix
from kiemchung.validators.rules.organization_signature_missing import OrganizationSignatureMissing
from kiemchung.validators.rules.scanned_paper import ScannedPaper
from kiemchung.validators.rules.score_over_max import ScoreOverMax
from kiemchung.validators.rules.self_assessment_choice import SelfAssessmentChoice
from kiemchung.validators.rules.self_assessment_unreadable import SelfAssessmentUnreadable
from kiemchung.validators.rules.signature_invalid import SignatureInvalid
from kiemchung.validators.rules.signature_modified import SignatureModified
from kiemchung.validators.rules.signature_untrusted import SignatureUntrusted
from kiemchung.validators.rules.signature_weak_hash import SignatureWeakHash
from kiemchung.validators.rules.signed_long_after_issue import SignedLongAfterIssue
from kiemchung.validators.rules.signer_mismatch import SignerMismatch
from kiemchung.validators.rules.symbol_nonstandard import SymbolNonstandard
from kiemchung.validators.rules.system_file import SystemFile
from kiemchung.validators.rules.trust_roots_missing import TrustRootsMissing
from kiemchung.validators.rules.unreadable import Unreadable
from kiemchung.validators.rules.unsigned import Unsigned
from kiemchung.validators.rules.vague_explanation import VagueExplanation

_R = TypeVar("_R", bound=Rule)

# What a rule that raises gives instead of its own finding (see `_judged`).
INTERNAL_ERROR = InternalError()

RULES: tuple[Rule, ...] = (
    Unreadable(),
    SystemFile(),
    NumberSuffix(),
    NumberMissing(),
    DateMissing(),
    FieldUnreadable(),
    DateOutOfPeriod(),
    SymbolNonstandard(),
    Unsigned(),
    SignatureInvalid(),
    SignatureModified(),
    CertificationViolated(),
    SignatureUntrusted(),
    SignatureWeakHash(),
    OrganizationSignatureMissing(),
    SignerMismatch(),
    SignedLongAfterIssue(),
    ScannedPaper(),
    NoEvidence(),
    VagueExplanation(),
    CitationNotFound(),
    CitationMismatch(),
    ScoreOverMax(),
    SelfAssessmentUnreadable(),
    SelfAssessmentChoice(),
    TrustRootsMissing(),
    DuplicateDocument(),
    NumberReused(),
    INTERNAL_ERROR,
)

# code -> the name it had, for codes no longer in use (none yet).
RETIRED_CODES: dict[str, str] = {}

DOCUMENT_RULES: tuple[DocumentRule, ...] = tuple(rule for rule in RULES if isinstance(rule, DocumentRule))
DOCUMENT_SET_RULES: tuple[DocumentSetRule, ...] = tuple(rule for rule in RULES if isinstance(rule, DocumentSetRule))
CRITERION_RULES: tuple[CriterionRule, ...] = tuple(rule for rule in RULES if isinstance(rule, CriterionRule))
UNIT_RULES: tuple[UnitRule, ...] = tuple(rule for rule in RULES if isinstance(rule, UnitRule))


_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}  # reports look a rule up for every finding


def rule_by_key(key: str) -> Rule | None:
    """A rule by its code (case-insensitive) or its name."""
    return _BY_CODE.get(key.upper()) or _BY_NAME.get(key.lower())


def _judged(rule: Rule, judge: Callable[[], Verdict], context: RuleContext) -> Finding | None:
    """The finding of `rule`'s verdict under the policy; an `internal-error` finding when judging raises."""
    try:
        verdict = judge()
    except Exception as error:  # a bug in one rule must neither stop the batch nor pass in silence
        return INTERNAL_ERROR.finding(INTERNAL_ERROR.check(rule, error))
    return rule.finding(verdict, context.policy)


def _on(rules: Sequence[_R], context: RuleContext) -> list[_R]:
    """The rules the council's policy runs."""
    return [rule for rule in rules if context.policy.enabled(rule.name)]


def validate_document(facts: DocumentFacts, context: RuleContext) -> tuple[Finding, ...]:
    """Every document rule's finding for one file, in registry order."""
    findings = (_judged(rule, partial(rule.evaluate, facts, context), context) for rule in _on(DOCUMENT_RULES, context))
    return tuple(finding for finding in findings if finding is not None)


def validate_document_set(
    documents: Sequence[SubmittedDocument], context: RuleContext
) -> tuple[tuple[Finding, ...], ...]:
    """Every document-set rule's findings for each document of a unit, aligned with `documents`."""
    found: list[list[Finding]] = [[] for _ in documents]
    for rule in _on(DOCUMENT_SET_RULES, context):
        try:
            produced = [rule.finding(verdict, context.policy) for verdict in rule.evaluate(documents, context)]
        except Exception as error:  # every document the rule was judging could not be checked by it
            failure = INTERNAL_ERROR.finding(INTERNAL_ERROR.check(rule, error))
            produced = [failure if rule.judges(document) else None for document in documents]
        for findings, finding in zip(found, produced, strict=True):
            if finding is not None:
                findings.append(finding)
    return tuple(tuple(findings) for findings in found)


def validate_criterion(facts: CriterionFacts, context: RuleContext) -> tuple[Finding, ...]:
    """Every criterion rule's finding for one criterion."""
    findings = (_judged(rule, partial(rule.check, facts, context), context) for rule in _on(CRITERION_RULES, context))
    return tuple(finding for finding in findings if finding is not None)


def validate_unit(facts: UnitFacts, context: RuleContext) -> tuple[Finding, ...]:
    """Every unit rule's finding for one unit."""
    findings = (_judged(rule, partial(rule.check, facts, context), context) for rule in _on(UNIT_RULES, context))
    return tuple(finding for finding in findings if finding is not None)
