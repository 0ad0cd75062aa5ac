"""The closed vocabularies are enums end to end, and report.json writes exactly the strings it always did:
each enum's values are what the schema allows, and proofs keep their "kind:detail" wire form."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import pytest

from kiemchung.criteria_map.matching import MatchMethod
from kiemchung.criteria_map.models import CriteriaSource
from kiemchung.extractors.models import Coverage, ModificationLevel, Source, TimeSource
from kiemchung.pipeline.labels import Lang, label
from kiemchung.pipeline.pool import FailureKind
from kiemchung.pipeline.reports.json_report import SCHEMA_PATH
from kiemchung.pipeline.work import _FAILURE_PROBLEMS
from kiemchung.validators.model import Proof, ProofKind


def _schema_enums(node: Any, found: dict[str, list[set[object]]]) -> dict[str, list[set[object]]]:
    """Every property of the schema that is an enum: name -> the value sets (a name may occur more than once)."""
    if isinstance(node, dict):
        for name, value in node.get("properties", {}).items():
            if isinstance(value, dict) and "enum" in value:
                found.setdefault(name, []).append(set(value["enum"]) - {None})
        for value in node.values():
            _schema_enums(value, found)
    elif isinstance(node, list):
        for value in node:
            _schema_enums(value, found)
    return found


@pytest.mark.parametrize(
    ("field", "vocabulary"),
    [
        ("method", MatchMethod),
        ("criteria_source", CriteriaSource),
        ("coverage", Coverage),
        ("modification_level", ModificationLevel),
        ("time_source", TimeSource),
    ],
)
def test_each_vocabulary_is_what_the_schema_allows(field: str, vocabulary: type[StrEnum]) -> None:
    enums = _schema_enums(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")), {})
    assert {member.value for member in vocabulary} in enums[field]


@pytest.mark.parametrize("lang", list(Lang))
def test_methods_and_criteria_sources_have_labels(lang: Lang) -> None:
    for method in MatchMethod:
        assert label("title-match" if method is MatchMethod.TITLE else method, lang)
    for source in CriteriaSource:
        assert label(source, lang)


def test_every_part_of_a_file_is_a_proof_kind() -> None:
    """`Proof.of` turns where a fact was read into the proof's kind."""
    assert {source.value for source in Source} <= {kind.value for kind in ProofKind}


def test_every_failure_of_a_task_is_a_read_problem() -> None:
    assert set(_FAILURE_PROBLEMS) == set(FailureKind)
    assert all(problem.value == kind.value for kind, problem in _FAILURE_PROBLEMS.items())


@pytest.mark.parametrize(
    ("proof", "source"),
    [
        (Proof("x", 1, ProofKind.PAGE_TEXT), "page-text"),
        (Proof("x", 1, ProofKind.SIGNATURE_APPEARANCE, "Signature2"), "signature-appearance:Signature2"),
        (Proof("x", 1, ProofKind.SIGNATURE, "Signature1"), "signature:Signature1"),
        (Proof.of_row("x", 12), "row:12"),
        (Proof("an open password is required", None, ProofKind.READ_ERROR, "encrypted"), "encrypted"),
        (Proof("x", None, ProofKind.SELF_ASSESSMENT, "Bảng tự đánh giá.xlsx"), "Bảng tự đánh giá.xlsx"),
        (Proof.of_documents(["a.pdf", "b.pdf"]), "unit-evidence"),
        (Proof("x"), None),
    ],
)
def test_a_proof_is_written_as_before(proof: Proof, source: str | None) -> None:
    assert proof.source == source
