"""The one generic test for every rule's YAML cases (tests/rules/<rule-name>.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.rules.facts import context_from_case, criterion_facts_from_case, facts_from_case, unit_facts_from_case
from validators.model import CriterionRule, DocumentRule, Outcome, UnitRule, Verdict
from validators.registry import rule_by_key

CASES_DIR = Path(__file__).parent / "rules"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}: {case['name']}"))
    return params


@pytest.mark.parametrize(("rule_name", "case"), _cases())
def test_rule_case(rule_name: str, case: dict[str, Any]) -> None:
    rule = rule_by_key(rule_name)
    context = context_from_case(case)
    verdict: Verdict
    if isinstance(rule, DocumentRule):
        verdict = rule.evaluate(facts_from_case(case), context)
    elif isinstance(rule, CriterionRule):
        verdict = rule.check(criterion_facts_from_case(case), context)
    else:
        assert isinstance(rule, UnitRule), f"{rule_name} is not a registered rule"
        verdict = rule.check(unit_facts_from_case(case), context)
    assert verdict.outcome is Outcome(case["expect"]), verdict.message
    for fragment in case.get("message_contains", []):
        assert fragment in verdict.message
    finding = rule.finding(verdict)
    if verdict.outcome in (Outcome.FAILED, Outcome.INDETERMINATE):
        assert finding is not None and finding.message, "a failure must explain itself to the council"
        if "proof_contains" in case:
            assert finding.proof is not None and case["proof_contains"] in finding.proof.text
    else:
        assert finding is None
