"""Every explanation of tests/explanations.yaml through the `vague-explanation` rule.

The YAML labels each explanation vague, borderline or specific; the rule must fail (and zero)
the vague ones, warn on the borderline ones and pass the specific ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kiemchung.validators.model import Outcome
from kiemchung.validators.rules.vague_explanation import VagueExplanation
from tests.rules.facts import context_from_case, criterion_facts_from_case

CASES = yaml.safe_load((Path(__file__).parent / "explanations.yaml").read_text(encoding="utf-8"))["cases"]
EXPECTED = {"vague": Outcome.FAILED, "borderline": Outcome.INDETERMINATE, "specific": Outcome.PASSED}


@pytest.mark.parametrize("case", CASES, ids=[c.get("name", c["text"][:40]) for c in CASES])
def test_rule_verdict_follows_the_label(case: dict[str, Any]) -> None:
    rule = VagueExplanation()
    scenario = {"criterion": {"explanation": case["text"], "self_score": 1.5}}
    verdict = rule.check(criterion_facts_from_case(scenario), context_from_case(scenario))
    assert verdict.outcome is EXPECTED[case["verdict"]], verdict.message
    finding = rule.finding(verdict)
    if finding is not None:
        assert finding.zeroes is (case["verdict"] == "vague")


def test_enough_real_style_explanations() -> None:
    labels = [case["verdict"] for case in CASES]
    assert len(labels) >= 30 and {"vague", "borderline", "specific"} <= set(labels)
