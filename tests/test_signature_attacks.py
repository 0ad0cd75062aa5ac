"""The published attacks on PDF signatures, run through the whole reader and the rules: never "valid".

Each attack of `samples.attacks` (incremental saving, signature wrapping, universal signature
forgery, shadow attacks, the sneaky signature) is applied to a plan signed for real by the person
and then the organisation in 2023. The attacked file goes through `read_document` with the test
root as trust root and then through every document rule. It must come out with a zeroing finding
of `signature-invalid` or `signature-modified` (failed or indeterminate), or as unreadable; and the
rule recorded below for that attack must be the one that fires. The controls show the other side:
the genuine file, a later signature and a document timestamp are not "modified".
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import PdfTimeStamper

from kiemchung.extractors import read_document
from kiemchung.extractors.models import DocumentFacts, Integrity
from kiemchung.extractors.signatures import verify_signatures
from kiemchung.validators import Finding, Outcome, validate_document
from samples.attacks import ATTACKS, Attack, Workbench, run_attack
from samples.signing import sign_pdf
from tests.context import rule_context

CONTEXT = rule_context(period_start=date(2023, 1, 1), period_end=date(2023, 12, 31), today=date(2024, 1, 15))
SIGNATURE_RULES = frozenset({"signature-invalid", "signature-modified"})
# Every rule that says something about a document's signatures: none may speak for a genuine file.
ALL_SIGNATURE_RULES = SIGNATURE_RULES | {"signature-untrusted", "unsigned", "organization-signature-missing"}
ALLOWED_AFTER_SIGNING = frozenset({"none", "lta-updates", "form-filling"})

FAILED, INDETERMINATE = Outcome.FAILED, Outcome.INDETERMINATE
# The record: which rule catches each attack, and how. "failed" for a proven change or a broken
# signature; "indeterminate" where the signature cannot be evaluated at all (zeroes all the same).
EXPECTED: dict[str, tuple[str, Outcome]] = {
    "isa-page-contents": ("signature-modified", FAILED),
    "isa-redefine-contents": ("signature-modified", FAILED),
    "isa-freetext-overlay": ("signature-modified", FAILED),
    "isa-stamp-overlay": ("signature-modified", FAILED),
    "isa-new-root": ("signature-modified", FAILED),
    "isa-objects-without-xref": ("signature-modified", FAILED),  # our tail check: pyHanko never sees them
    "isa-objects-without-xref-large": ("unreadable", FAILED),  # no %%EOF near the end: taken as truncated
    "isa-trailer-without-xref": ("signature-modified", FAILED),  # our tail check
    "isa-behind-later-signature": ("signature-modified", FAILED),
    "swa-relocated-to-end": ("signature-modified", FAILED),  # coverage "unclear"
    "swa-hidden-in-stream": ("signature-modified", FAILED),  # coverage "unclear"
    "usf-contents-empty": ("signature-invalid", INDETERMINATE),
    "usf-contents-zeroed": ("signature-invalid", INDETERMINATE),
    "usf-contents-missing": ("signature-invalid", INDETERMINATE),
    "usf-contents-foreign": ("signature-invalid", FAILED),
    "usf-byterange-missing": ("signature-invalid", INDETERMINATE),
    "usf-byterange-empty": ("signature-invalid", FAILED),
    "usf-byterange-zero": ("signature-invalid", FAILED),
    "usf-byterange-negative": ("signature-invalid", FAILED),
    "usf-byterange-past-eof": ("signature-invalid", FAILED),
    "usf-byterange-gap": ("signature-invalid", FAILED),
    "usf-filter-missing": ("signature-invalid", FAILED),
    "usf-subfilter-missing": ("signature-invalid", INDETERMINATE),
    "usf-subfilter-unknown": ("signature-invalid", INDETERMINATE),
    "usf-resigned-short-range": ("signature-modified", FAILED),  # coverage "contiguous-block-from-start"
    "usf-resigned-wide-gap": ("signature-modified", FAILED),  # coverage "unclear"
    "shadow-hide-cover-emptied": ("signature-modified", FAILED),
    "shadow-hide-cover-freed": ("signature-modified", FAILED),
    "shadow-hide-resource-dropped": ("signature-modified", FAILED),
    "shadow-replace-page-reference": ("signature-modified", FAILED),
    "shadow-replace-xref-only": ("signature-modified", FAILED),
    "shadow-hide-and-replace-root": ("signature-modified", FAILED),
    "shadow-hide-and-replace-pages": ("signature-modified", FAILED),
    "shadow-form-field-value": ("signature-modified", FAILED),  # our form check: pyHanko says form filling
    "shadow-signature-appearance": ("signature-modified", FAILED),
    "ssa-sneaky-signature-field": ("signature-modified", FAILED),  # our form check: pyHanko says form filling
}


@pytest.fixture(scope="module")
def attacked(attack_bench: Workbench) -> Iterator[dict[str, Attack]]:
    folder = attack_bench.folder / "attacked"
    yield {name: run_attack(attack_bench, name, folder) for name in ATTACKS}


def _judge(path: Path, attack_root: Path) -> tuple[DocumentFacts, tuple[Finding, ...]]:
    facts = read_document(path, trust_roots=(attack_root,))
    return facts, validate_document(facts, CONTEXT)


def _describe(facts: DocumentFacts, findings: tuple[Finding, ...]) -> str:
    signatures = [(s.field_name, s.integrity.value, s.coverage, s.modification_level, s.error)
                  for s in facts.signatures]
    return f"read_error={facts.read_error} signatures={signatures} findings={[(f.rule, f.outcome) for f in findings]}"


def test_every_attack_has_a_recorded_expectation() -> None:
    assert set(EXPECTED) == set(ATTACKS)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_never_reported_valid(name: str, attacked: dict[str, Attack], attack_root: Path) -> None:
    attack = attacked[name]
    facts, findings = _judge(attack.path, attack_root)
    detail = _describe(facts, findings)

    zeroing = {(f.rule, f.outcome) for f in findings if f.zeroes}
    caught = {pair for pair in zeroing if pair[0] in SIGNATURE_RULES} or {
        pair for pair in zeroing if pair[0] == "unreadable"}
    assert caught, f"{name} passes as a valid document: {detail}"
    rule, outcome = EXPECTED[name]
    assert (rule, outcome) in zeroing, f"{name}: expected {rule} {outcome}, got {detail}"
    # The attacks are files a viewer opens: one that stopped parsing by accident (rather than by
    # design, as the large no-xref variant does) would not test what it claims to.
    assert (facts.read_error is not None) == (rule == "unreadable"), detail
    # The module's own description of the attack agrees with the record.
    assert (attack.expected_rule, attack.expected_outcome) == (rule, outcome.value)
    assert attack.paper and attack.summary and attack.path.is_file()


# --- controls --------------------------------------------------------------------------------------------


def test_genuine_two_signature_document_has_no_signature_finding(attack_bench: Workbench, attack_root: Path) -> None:
    facts, findings = _judge(attack_bench.genuine, attack_root)
    assert [f.rule for f in findings if f.rule in ALL_SIGNATURE_RULES] == [], _describe(facts, findings)
    assert [s.integrity for s in facts.signatures] == [Integrity.INTACT, Integrity.INTACT]


def test_shadow_prepared_document_is_genuine_until_the_update(attack_bench: Workbench, attack_root: Path) -> None:
    # The planted objects (cover, unused streams, alternative page tree, a text field) were signed:
    # nothing changed after signing, so only the attacks' updates may be reported.
    facts, findings = _judge(attack_bench.shadow, attack_root)
    assert [f.rule for f in findings if f.rule in ALL_SIGNATURE_RULES] == [], _describe(facts, findings)


def test_later_third_signature_is_not_a_modification(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path
) -> None:
    third = tmp_path / "third-signature.pdf"
    sign_pdf(attack_bench.genuine, third, attack_bench.pki.signer("cao-an/person-expired"), field_name="Signature3",
             signing_time=datetime(2023, 2, 1, 8, 0, tzinfo=UTC))
    facts, findings = _judge(third, attack_root)
    assert [f.rule for f in findings if f.rule in SIGNATURE_RULES] == [], _describe(facts, findings)
    assert len(facts.signatures) == 3
    assert all(s.modification_level in ALLOWED_AFTER_SIGNING for s in facts.signatures)


def test_document_timestamp_after_signing_is_not_a_modification(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path
) -> None:
    stamped = tmp_path / "doc-timestamp.pdf"
    when = datetime(2023, 1, 30, 4, 0, tzinfo=UTC)
    writer = IncrementalPdfFileWriter(io.BytesIO(attack_bench.genuine.read_bytes()))
    output = io.BytesIO()
    with freeze_time(when, real_asyncio=True):
        PdfTimeStamper(attack_bench.pki.timestamper(when)).timestamp_pdf(writer, "sha256", output=output)
    stamped.write_bytes(output.getvalue())
    facts, findings = _judge(stamped, attack_root)
    assert [f.rule for f in findings if f.rule in SIGNATURE_RULES] == [], _describe(facts, findings)
    assert all(s.modification_level in ALLOWED_AFTER_SIGNING for s in facts.signatures)
    assert facts.signatures[1].modification_level == "lta-updates"  # the organisation's: only the timestamp


@pytest.mark.parametrize("padding", [b"\r\n", b"\n\x00\x00\x00\x00", b" \t\n\n"])
def test_end_of_line_padding_after_the_last_eof_is_not_a_modification(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path, padding: bytes
) -> None:
    padded = tmp_path / "padded.pdf"
    padded.write_bytes(attack_bench.genuine.read_bytes() + padding)
    for facts in verify_signatures(padded, [attack_root]):
        assert facts.integrity is Integrity.INTACT
        assert facts.modification_level in ALLOWED_AFTER_SIGNING, facts.error
