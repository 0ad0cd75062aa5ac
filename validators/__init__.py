"""Validators: judge extracted facts with coded rules and return findings. They never open files.

`validate_document`, `validate_document_set`, `validate_criterion` and `validate_unit` run the
registry's rules of each kind.
"""

from kiemchung.validators.model import Finding, Outcome, RuleContext, Severity, SubmittedDocument
from kiemchung.validators.registry import (
    RULES,
    rule_by_key,
    validate_criterion,
    validate_document,
    validate_document_set,
    validate_unit,
)

__all__ = [
    "RULES",
    "Finding",
    "Outcome",
    "RuleContext",
    "Severity",
    "SubmittedDocument",
    "rule_by_key",
    "validate_criterion",
    "validate_document",
    "validate_document_set",
    "validate_unit",
]
