"""The one generic test for every rule's YAML cases (tests/rules/<rule-name>.yaml).

A case of a rule about one subject (a document, a criterion, the unit) gives the subject and one
`expect`. A case of a document-set rule lists the unit's `documents:`, each with its own `expect`
(and `message_contains`, `proof_contains`, `zeroes`), because one comparison judges several files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.rules.facts import (
    context_from_case,
    criterion_facts_from_case,
    documents_from_case,
    facts_from_case,
    failure_from_case,
    unit_facts_from_case,
)
from validators.model import CriterionRule, DocumentRule, DocumentSetRule, Outcome, Rule, UnitRule, Verdict
from validators.registry import rule_by_key
from validators.rules.internal_error import InternalError

CASES_DIR = Path(__file__).parent / "rules"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}: {case['name']}"))
    return params


def case_expectations(case: dict[str, Any]) -> set[str]:
    """The outcomes a case expects: its own, or its documents' for a document-set rule."""
    if "documents" in case:
        return {document["expect"] for document in case["documents"]}
    return {case["expect"]}


@pytest.mark.parametrize(("rule_name", "case"), _cases())
def test_rule_case(rule_name: str, case: dict[str, Any]) -> None:
    rule = rule_by_key(rule_name)
    context = context_from_case(case)
    verdict: Verdict
    if isinstance(rule, DocumentSetRule):
        documents = documents_from_case(case)
        verdicts = rule.evaluate(documents, context)
        for expected, document, verdict in zip(case["documents"], documents, verdicts, strict=True):
            _check(rule, verdict, expected, document.path)
        return
    if isinstance(rule, DocumentRule):
        verdict = rule.evaluate(facts_from_case(case), context)
    elif isinstance(rule, CriterionRule):
        verdict = rule.check(criterion_facts_from_case(case), context)
    elif isinstance(rule, InternalError):
        verdict = rule.check(*failure_from_case(case))
    else:
        assert isinstance(rule, UnitRule), f"{rule_name} is not a registered rule"
        verdict = rule.check(unit_facts_from_case(case), context)
    _check(rule, verdict, case)


def _check(rule: Rule, verdict: Verdict, expected: dict[str, Any], subject: str = "") -> None:
    """The verdict has the expected outcome and wording; a failure explains itself and shows its proof."""
    where = f"{subject}: " if subject else ""
    assert verdict.outcome is Outcome(expected["expect"]), f"{where}{verdict.outcome}: {verdict.message}"
    for fragment in expected.get("message_contains", []):
        assert fragment in verdict.message, f"{where}{verdict.message}"
    finding = rule.finding(verdict)
    if verdict.outcome in (Outcome.FAILED, Outcome.INDETERMINATE):
        assert finding is not None and finding.message, "a failure must explain itself to the council"
        if "proof_contains" in expected:
            assert finding.proof is not None and expected["proof_contains"] in finding.proof.text, finding.proof
        if "zeroes" in expected:
            assert finding.zeroes is expected["zeroes"], f"{where}zeroes: {finding.zeroes}"
    else:
        assert finding is None
