"""What explanations state, checked against the table of real-looking cases in explanations.yaml.

`explanation_verdict` below is the rule the explanation validator will apply; it lives here,
not in extractors/, because extractors never judge. The validator must derive its verdict
the same way, and the cases pin both the facets and the verdict.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kiemchung.extractors.explanations import analyse_explanation
from kiemchung.extractors.models import ExplanationFacts
from kiemchung.extractors.text import normalize

CASES = Path(__file__).parent / "explanations.yaml"
FACETS = ("figures", "results", "pointers", "generic_phrases")


def explanation_verdict(facts: ExplanationFacts) -> str:
    """vague / borderline / specific, from the facets alone.

    substance = figures or results; location = pointers or citations.
    specific: substance and location; borderline: exactly one of them; vague: neither.
    Generic phrases never change the verdict: they only explain it.
    """
    substance = bool(facts.figures or facts.results)
    location = bool(facts.pointers or facts.citations)
    if substance and location:
        return "specific"
    if substance or location:
        return "borderline"
    return "vague"


def _cases() -> list[Any]:
    spec = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["name"]) for case in spec["cases"]]


def _text(case: dict[str, Any]) -> str:
    text: str = case["text"]
    return unicodedata.normalize("NFD", text) if case.get("form") == "nfd" else text


@pytest.mark.parametrize("case", _cases())
def test_explanation_case(case: dict[str, Any]) -> None:
    facts = analyse_explanation(_text(case))
    found = {
        "figures": bool(facts.figures),
        "results": bool(facts.results),
        "pointers": bool(facts.pointers),
        "citations": len(facts.citations),
        "generic": bool(facts.generic_phrases),
    }
    expected = {key: case[key] for key in found}
    assert found == expected, facts
    for facet, spans in (case.get("spans") or {}).items():
        assert facet in FACETS, f"unknown facet {facet!r} in case {case['name']!r}"
        assert list(getattr(facts, facet)) == spans, facts
    assert explanation_verdict(facts) == case["verdict"], facts


def test_case_mix() -> None:
    """The table keeps enough of each kind for the rule's tests to mean something."""
    verdicts = [case.values[0]["verdict"] for case in _cases()]
    assert len(verdicts) >= 40
    assert all(verdicts.count(v) >= 10 for v in ("vague", "borderline", "specific"))


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_text_states_nothing(text: str) -> None:
    facts = analyse_explanation(text)
    assert (facts.figures, facts.results, facts.pointers, facts.citations, facts.generic_phrases) == (
        (), (), (), (), ()
    )


def test_spans_are_quoted_from_the_normalised_text() -> None:
    text = unicodedata.normalize("NFD", "Ðạt 100% hồ sơ (trang 3 Báo cáo số 25/BC-UBND); Hoàn thành tốt nhiệm vụ")
    facts = analyse_explanation(text)
    assert facts.text == normalize(text)
    for facet in FACETS:
        for span in getattr(facts, facet):
            assert span in facts.text
    assert facts.results == ("Ðạt 100% hồ sơ".replace("Ð", "Đ"),)


def test_dates_and_document_numbers_are_not_figures() -> None:
    facts = analyse_explanation(
        "Quyết định số 05/2023/QĐ-UBND ngày 15 tháng 3 năm 2023; ngày 1/3; tháng 6/2023; quý 1/2024; 30/6"
    )
    assert facts.figures == ()


@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    facts = analyse_explanation(text)
    for facet in FACETS:
        for span in getattr(facts, facet):
            assert span in facts.text
