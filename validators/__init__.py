"""Validators: judge extracted facts with coded rules and return findings. They never open files.

`validate_document(facts, context)` runs every document rule of the registry.
"""

from validators.model import Finding, Outcome, RuleContext, Severity
from validators.registry import RULES, rule_by_key, validate_document

__all__ = ["RULES", "Finding", "Outcome", "RuleContext", "Severity", "rule_by_key", "validate_document"]
