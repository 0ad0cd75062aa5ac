"""Every rule module is registered, documented, and has passing and failing cases."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

import kiemchung.validators.rules
from kiemchung.pipeline.cli import main
from kiemchung.pipeline.labels import Lang, label
from kiemchung.validators.docs import GUIDE_SECTIONS, SECTIONS, rule_doc, rules_markdown
from kiemchung.validators.model import Outcome, Rule, Severity, Verdict
from kiemchung.validators.registry import RETIRED_CODES, RULES
from tests.english import english_words
from tests.test_rule_cases import case_expectations

CASES = Path(__file__).parent / "rules"
DOCS = Path(__file__).parent.parent / "docs"
CODE_SPAN = re.compile(r"`[^`]*`")  # names, paths and values as the user types or sees them: not wording


def paragraphs(text: str) -> list[str]:
    return [paragraph for paragraph in inspect.cleandoc(text).split("\n\n") if paragraph.strip()]


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


def test_every_rule_has_a_vietnamese_guide() -> None:
    """The guide says what the docstring says, paragraph for paragraph, in Vietnamese with its three sections."""
    for rule in RULES:
        guide = paragraphs(rule.guide)
        for section in GUIDE_SECTIONS:
            assert sum(paragraph.startswith(f"{section}:") for paragraph in guide) == 1, f"{rule.name}: {section}"
        body = (inspect.getdoc(type(rule)) or "").partition("\n")[2]
        assert len(guide) == len(paragraphs(body)), f"{rule.name}: one paragraph of the guide per docstring paragraph"
        assert not english_words(CODE_SPAN.sub(" ", rule.guide)), rule.name


def test_rule_docs_are_vietnamese_by_default_and_english_on_request() -> None:
    for rule in RULES:
        vietnamese, english = rule_doc(rule), rule_doc(rule, Lang.EN)
        assert vietnamese.startswith(f"## {rule.code} `{rule.name}` — {rule.title}\n")
        zeroes = "làm 0 điểm tiêu chí" if rule.zeroes else "không làm thay đổi điểm"
        assert f"\nMức độ: {label(rule.severity.value, Lang.VI)}; {zeroes}.\n" in vietnamese  # as the table says it
        assert vietnamese.endswith(f"\nViệc cần làm: {rule.action}\n")
        assert english.endswith(f"\nWhat to do: {rule.action_en}\n") and "Why it matters: " in english
    assert not english_words(CODE_SPAN.sub(" ", rules_markdown()))
    assert len(english_words(CODE_SPAN.sub(" ", rules_markdown("en")))) > 20


def test_committed_rule_docs_are_current() -> None:
    for name, lang in (("rules.md", "vi"), ("rules.en.md", "en")):
        told = f"run: kiemchung rules --markdown --lang {lang} > docs/{name}"
        assert (DOCS / name).read_text(encoding="utf-8") == rules_markdown(lang), told


def test_rules_command_explains_one_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "number-suffix"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## KC201 `number-suffix` — Số văn bản có chữ/số phụ") and "Vì sao quan trọng:" in out
    assert main(["rules", "KC201", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Why it matters:" in out and "What to do: Submit the document with its registered number" in out
    assert main(["rules", "--markdown", "--lang", "en"]) == 0
    assert capsys.readouterr().out == rules_markdown("en")
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
