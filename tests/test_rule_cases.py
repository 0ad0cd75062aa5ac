"""The one generic test for every rule's YAML cases (tests/rules/<rule-name>.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.rules.facts import context_from_case, facts_from_case
from validators.model import DocumentRule, Outcome
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
    assert isinstance(rule, DocumentRule), f"{rule_name} is not a registered document rule"
    verdict = rule.evaluate(facts_from_case(case), context_from_case(case))
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
