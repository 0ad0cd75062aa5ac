"""The one generic test for every rule's YAML cases (tests/rules/<rule-name>.yaml).

A case of a rule about one subject (a document, a criterion, the unit) gives the subject and one
`expect`. A case of a document-set rule lists the unit's `documents:`, each with its own `expect`
(and `message_contains`, `proof_contains`, `detail_contains`, `zeroes`), because one comparison judges several files.

The council's policy and waivers are cases too. `policy:` holds `select`/`ignore` lists and the
rule's own table (`severity`, `zeroes`, `enabled`), as a config file's `[rules]` would; `runs: false`
expects the registry not to run the rule, `severity:` the finding's severity. `waivers:` lists
waiver rows as a waivers file holds them; `at:` places the subject (`unit`, `path`, `criteria` the
file is tied to); `waived:` expects the finding waived or not.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from kiemchung.criteria_map.waivers import WaiverBook, parse_waiver
from kiemchung.validators.model import (
    CriterionRule,
    DocumentRule,
    DocumentSetRule,
    Finding,
    Outcome,
    Rule,
    RuleContext,
    RulePolicy,
    UnitRule,
    Verdict,
)
from kiemchung.validators.policy import Selector, build_policy
from kiemchung.validators.registry import rule_by_key, validate_criterion, validate_document, validate_unit
from kiemchung.validators.rules.internal_error import InternalError
from tests.rules.facts import (
    context_from_case,
    criterion_facts_from_case,
    documents_from_case,
    facts_from_case,
    failure_from_case,
    unit_facts_from_case,
)

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


def _policy(rule: Rule, spec: dict[str, Any] | None) -> RulePolicy:
    """A case's `policy:` as a config file's [rules] would give it."""
    if not spec:
        return RulePolicy()
    table = {key: value for key, value in spec.items() if key not in ("select", "ignore")}
    return build_policy(
        [Selector(text, "case") for text in spec.get("select", ["ALL"])],
        [Selector(text, "case") for text in spec.get("ignore", [])],
        {rule.name: (table, "case")} if table else {},
    )


@pytest.mark.parametrize(("rule_name", "case"), _cases())
def test_rule_case(rule_name: str, case: dict[str, Any]) -> None:
    rule = rule_by_key(rule_name)
    assert rule is not None, f"{rule_name} is not a registered rule"
    context = replace(context_from_case(case), policy=_policy(rule, case.get("policy")))
    verdict: Verdict
    if isinstance(rule, DocumentSetRule):
        documents = documents_from_case(case)
        verdicts = rule.evaluate(documents, context)
        for expected, document, verdict in zip(case["documents"], documents, verdicts, strict=True):
            _check(rule, verdict, expected, context, document.path)
        return
    if isinstance(rule, DocumentRule):
        facts = facts_from_case(case)
        verdict = rule.evaluate(facts, context)
        ran = validate_document(facts, context)
    elif isinstance(rule, CriterionRule):
        criterion = criterion_facts_from_case(case)
        verdict = rule.check(criterion, context)
        ran = validate_criterion(criterion, context)
    elif isinstance(rule, InternalError):
        verdict = rule.check(*failure_from_case(case))
        ran = ()
    else:
        assert isinstance(rule, UnitRule), f"{rule_name} is not a registered rule"
        unit = unit_facts_from_case(case)
        verdict = rule.check(unit, context)
        ran = validate_unit(unit, context)
    if case.get("runs", True) is False:
        assert not context.policy.enabled(rule.name) and rule.name not in {f.rule for f in ran}
        return
    _check(rule, verdict, case, context)


def _check(rule: Rule, verdict: Verdict, expected: dict[str, Any], context: RuleContext, subject: str = "") -> None:
    """The verdict has the expected outcome and wording; a failure explains itself and shows its proof."""
    where = f"{subject}: " if subject else ""
    assert verdict.outcome is Outcome(expected["expect"]), f"{where}{verdict.outcome}: {verdict.message}"
    for fragment in expected.get("message_contains", []):
        assert fragment in verdict.message, f"{where}{verdict.message}"
    finding = rule.finding(verdict, context.policy)
    if verdict.outcome in (Outcome.FAILED, Outcome.INDETERMINATE):
        assert finding is not None and finding.message, "a failure must explain itself to the council"
        finding = _waived(rule, finding, expected)
        if "proof_contains" in expected:
            assert finding.proof is not None and expected["proof_contains"] in finding.proof.text, finding.proof
        if "detail_contains" in expected:  # the developers' diagnostic, kept out of the council's pages
            assert expected["detail_contains"] in finding.detail, finding.detail
        if "zeroes" in expected:
            assert finding.zeroes is expected["zeroes"], f"{where}zeroes: {finding.zeroes}"
        if "severity" in expected:
            assert finding.severity.value == expected["severity"], f"{where}severity: {finding.severity}"
        if "waived" in expected:
            assert (finding.waived is not None) is expected["waived"], f"{where}waived: {finding.waived}"
    else:
        assert finding is None


def _waived(rule: Rule, finding: Finding, case: dict[str, Any]) -> Finding:
    """The finding after the case's `waivers:`, at the place `at:` gives its subject."""
    rows = case.get("waivers", [])
    if not rows:
        return finding
    at = {"unit": "Xã Mẫu", "path": "1.1/tai-lieu.pdf", "criteria": ["1.1"], **case.get("at", {})}
    book = WaiverBook.of([parse_waiver(row, f"case:{index}") for index, row in enumerate(rows, 1)], at["unit"])
    if isinstance(rule, DocumentRule | DocumentSetRule):
        return book.document(at["path"], at["criteria"], (finding,))[0]
    if isinstance(rule, CriterionRule):
        return book.criterion(criterion_facts_from_case(case).code, (finding,))[0]
    return book.unit((finding,))[0]
