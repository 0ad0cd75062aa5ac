"""Every rule module is registered, documented, and has passing and failing cases."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import yaml

import kiemchung.validators.rules
from kiemchung.pipeline.cli import main
from kiemchung.validators.docs import SECTIONS, rule_doc, rules_markdown
from kiemchung.validators.model import Outcome, Rule, Severity, Verdict
from kiemchung.validators.registry import RETIRED_CODES, RULES
from tests.test_rule_cases import case_expectations

CASES = Path(__file__).parent / "rules"
DOCS = Path(__file__).parent.parent / "docs" / "rules.md"


def test_every_rule_module_is_registered() -> None:
    registered = {type(rule) for rule in RULES}
    for module_info in pkgutil.iter_modules(kiemchung.validators.rules.__path__):
        module = importlib.import_module(f"kiemchung.validators.rules.{module_info.name}")
        classes = [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, Rule) and c.__module__ == module.__name__
        ]
        assert len(classes) == 1, f"{module_info.name} must define exactly one rule"
        assert classes[0] in registered, f"{classes[0].__name__} is not in RULES"


def test_codes_and_names_are_unique_and_never_reused() -> None:
    codes = [rule.code for rule in RULES]
    names = [rule.name for rule in RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    assert not set(codes) & set(RETIRED_CODES)
    for rule in RULES:
        assert rule.code.startswith("KC") and rule.code[2:].isdigit()
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_every_rule_is_documented() -> None:
    for rule in RULES:
        doc = inspect.getdoc(type(rule)) or ""
        for section in SECTIONS:
            assert f"{section}:" in doc, f"{rule.name} lacks '{section}'"
        assert rule.title and not rule.title.isascii(), f"{rule.name} needs a Vietnamese title"
        assert rule.code in rule_doc(rule)


def test_every_rule_has_failing_and_passing_cases() -> None:
    for rule in RULES:
        path = CASES / f"{rule.name}.yaml"
        assert path.exists(), f"missing {path.name}"
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
        expectations = set().union(*(case_expectations(case) for case in cases))
        # A rule whose only finding is "could not decide" (field-unreadable) shows that instead of a failure.
        assert "passed" in expectations and expectations & {"failed", "indeterminate"}, (
            f"{path.name} needs both passing and failing (or undecided) cases"
        )


def test_committed_rule_docs_are_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), "run: kiemchung rules --markdown > docs/rules.md"


def test_rules_command_explains_one_rule(capsys: object) -> None:
    assert main(["rules", "number-suffix"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "KC201" in out and "Why it matters" in out
    assert main(["rules", "KC999"]) == 2


def test_could_not_decide_weighs_as_much_as_a_failure_when_it_zeroes() -> None:
    """An indeterminate verdict that zeroes the criterion keeps the rule's severity (error for every such rule
    today), so `--fail-on error` sees "the signature could not be verified"; one that does not zero is no error (an
    error rule's becomes a warning, a warning or info rule's keeps its severity)."""
    undecided = Verdict(Outcome.INDETERMINATE, "không xác định được")
    zeroing = [rule for rule in RULES if rule.zeroes_when_indeterminate]
    assert zeroing, "no rule zeroes when it cannot decide"
    for rule in RULES:
        finding = rule.finding(undecided)
        assert finding is not None and finding.zeroes is rule.zeroes_when_indeterminate
        if rule.zeroes_when_indeterminate:
            assert rule.severity is Severity.ERROR and finding.severity is Severity.ERROR, rule.name
        else:
            expected = Severity.WARNING if rule.severity is Severity.ERROR else rule.severity
            assert finding.severity is expected, rule.name
