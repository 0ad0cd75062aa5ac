"""Signatures after a certification (DocMDP), judged by what the certification permits.

A plan is tagged, certified by the chairman, then signed by the office in new visible fields whose
revisions also describe each widget in the structure tree, as iText 7 does (`samples.certified`).
Allowed: those signatures and their tagging, under P=2 and after an ordinary approval signature.
Forbidden: any signature under P=1 (a violation of the certification), and under P=2 an annotation,
new page content, a new page, or a tagging update that rewires an element that existed.
Each file goes through `verify_signatures` (the facts) and the document rules (the finding).
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm

from kiemchung.extractors import read_document
from kiemchung.extractors.models import DocumentFacts, Integrity, SignatureFacts
from kiemchung.extractors.revisions import ALLOWED_CHANGES_POLICY, shortcut_verdict
from kiemchung.extractors.signatures import verify_signatures
from kiemchung.validators import Outcome, validate_document
from samples import certified
from samples.attacks import Workbench
from tests.context import rule_context

CONTEXT = rule_context(period_start=date(2023, 1, 1), period_end=date(2023, 12, 31), today=date(2024, 1, 15))
CERTIFIED_AT = datetime(2023, 1, 30, 2, 0, tzinfo=UTC)
STAMPED_AT = datetime(2023, 1, 30, 3, 0, tzinfo=UTC)
STAMPS = ("So", "Ngay", "Thang", "Nam")  # the clerk's number, day, month and year widgets


def _certified(bench: Workbench, folder: Path, permission: MDPPerm) -> Path:
    tagged = certified.tag(bench.plain, folder / "tagged.pdf")
    return certified.certify(tagged, folder / f"certified-p{permission.value}.pdf", bench.pki.signer("cao-an/person"),
                             permission=permission, box=bench.layout.person_signature_box, signing_time=CERTIFIED_AT)


def _stamped(bench: Workbench, src: Path, folder: Path, count: int, *, tagged: bool = True) -> Path:
    path = src
    for offset, name in enumerate(STAMPS[:count]):
        path = certified.approve(path, folder / f"stamped-{offset}.pdf", bench.pki.signer("cao-an/organization"),
                                 name=name, box=bench.layout.organization_stamp_box, offset=offset,
                                 signing_time=STAMPED_AT, tagged=tagged)
    return path


def _findings(path: Path, root: Path) -> dict[str, Outcome]:
    facts = read_document(path, trust_roots=(root,), ocr=False)
    assert isinstance(facts, DocumentFacts)
    return {f.rule: f.outcome for f in validate_document(facts, CONTEXT) if f.zeroes}


def _by_name(path: Path, root: Path) -> dict[str, SignatureFacts]:
    return {s.field_name: s for s in verify_signatures(path, (root,))}


@pytest.mark.parametrize("count", [2, 4])
def test_approvals_with_their_tagging_after_a_p2_certification_are_allowed(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path, count: int
) -> None:
    path = _stamped(attack_bench, _certified(attack_bench, tmp_path, MDPPerm.FILL_FORMS), tmp_path, count)
    signatures = _by_name(path, attack_root)
    assert all(s.integrity is Integrity.INTACT for s in signatures.values())
    certification = signatures["Signature1"]
    assert (certification.docmdp_permission, certification.docmdp_ok) == (2, True)
    assert certification.modification_level == "form-filling"
    assert [signatures[name].modification_level for name in STAMPS[:count]] == ["form-filling"] * (count - 1) + ["none"]
    assert all(signatures[name].docmdp_permission is None for name in STAMPS[:count])
    assert not {"signature-modified", "certification-violated"} & set(_findings(path, attack_root))


def test_the_shortcut_answers_the_tagging_revision_as_pyhanko_with_the_rules_does(
    attack_bench: Workbench, tmp_path: Path
) -> None:
    path = _stamped(attack_bench, _certified(attack_bench, tmp_path, MDPPerm.FILL_FORMS), tmp_path, 2)
    reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
    last = reader.xrefs.total_revisions - 1
    old, new = reader.get_historical_resolver(last - 1), reader.get_historical_resolver(last)
    quick = shortcut_verdict(old, new)
    full = ALLOWED_CHANGES_POLICY.apply(old, new, doc_mdp=MDPPerm.FILL_FORMS)
    assert quick is not None
    assert (quick.modification_level, quick.changed_form_fields) == (full.modification_level, {"Ngay"})
    assert full.changed_form_fields == {"Ngay"}


def test_tagged_approvals_after_an_approval_signature_are_allowed(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path
) -> None:
    tagged = certified.tag(attack_bench.plain, tmp_path / "tagged.pdf")
    first = certified.approve(tagged, tmp_path / "first.pdf", attack_bench.pki.signer("cao-an/person"),
                              name="Signature1", box=attack_bench.layout.person_signature_box, offset=0,
                              signing_time=CERTIFIED_AT, tagged=False)
    path = _stamped(attack_bench, first, tmp_path, 3)
    signatures = _by_name(path, attack_root)
    assert signatures["Signature1"].modification_level == "form-filling"
    assert signatures["Signature1"].docmdp_permission is None
    assert not {"signature-modified", "certification-violated"} & set(_findings(path, attack_root))


def test_an_approval_after_a_p1_certification_violates_it(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path
) -> None:
    path = _stamped(attack_bench, _certified(attack_bench, tmp_path, MDPPerm.NO_CHANGES), tmp_path, 1)
    certification = _by_name(path, attack_root)["Signature1"]
    assert (certification.docmdp_permission, certification.docmdp_ok) == (1, False)
    assert certification.modification_level == "form-filling"
    findings = _findings(path, attack_root)
    assert findings.get("certification-violated") is Outcome.FAILED
    assert "signature-modified" not in findings  # the signature itself is a signature, not an edit


@pytest.mark.parametrize(
    ("change", "level"),
    [("annotation", "other"), ("page-content", "other"), ("new-page", "other")]  # pyHanko admits no annotation,
)
def test_changes_a_p2_certification_forbids_are_modifications_and_violations(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path, change: str, level: str
) -> None:
    signed = _certified(attack_bench, tmp_path, MDPPerm.FILL_FORMS)
    path = tmp_path / f"{change}.pdf"
    if change == "annotation":
        certified.add_annotation(signed, path, attack_bench.layout.number_box)
    elif change == "page-content":
        certified.replace_page_content(signed, path)
    else:
        certified.add_page(signed, path)
    certification = _by_name(path, attack_root)["Signature1"]
    assert (certification.modification_level, certification.docmdp_ok) == (level, False)
    findings = _findings(path, attack_root)
    assert findings.get("signature-modified") is Outcome.FAILED
    assert findings.get("certification-violated") is Outcome.FAILED


def test_a_tagging_update_that_rewires_an_existing_element_is_a_modification(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path
) -> None:
    signed = _certified(attack_bench, tmp_path, MDPPerm.FILL_FORMS)
    path = certified.rewire_paragraph(signed, tmp_path / "rewired.pdf", attack_bench.pki.signer("cao-an/organization"),
                                      box=attack_bench.layout.organization_stamp_box, signing_time=STAMPED_AT)
    certification = _by_name(path, attack_root)["Signature1"]
    assert (certification.modification_level, certification.docmdp_ok) == ("other", False)
    assert _findings(path, attack_root).get("signature-modified") is Outcome.FAILED

