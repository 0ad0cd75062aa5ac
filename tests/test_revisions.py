"""The shortcut for "a later revision only adds a signature" gives pyHanko's verdict, and only then.

"pyHanko" here is `ALLOWED_CHANGES_POLICY`: pyHanko's standard policy with kiemchung's rules, the
review the shortcut stands in for.

On genuine files (the organisation signing after the person, a third signature) the shortcut must
answer, and answer what pyHanko's standard policy answers. On every published attack of
`samples.attacks` the signatures' facts must be those pyHanko's policy alone gives, and a reference
left dangling until the later signature defines its object must make the shortcut step aside.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel, SuspiciousModification

from kiemchung.extractors import signatures
from kiemchung.extractors.revisions import ALLOWED_CHANGES_POLICY, _references, shortcut_verdict
from kiemchung.extractors.signatures import verify_signatures
from samples.attacks import ATTACKS, Workbench, run_attack, sign_person_then_organisation
from samples.signing import sign_pdf


def _revision_pairs(path: Path) -> list[tuple[HistoricalResolver, HistoricalResolver]]:
    reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
    return [
        (reader.get_historical_resolver(revision - 1), reader.get_historical_resolver(revision))
        for revision in range(1, reader.xrefs.total_revisions)
    ]


def signature_fields_added(old: HistoricalResolver, new: HistoricalResolver) -> set[str] | None:
    """The fields the shortcut says `new` adds by signing them, or None when it does not answer that."""
    verdict = shortcut_verdict(old, new)
    if verdict is None or verdict.modification_level is not ModificationLevel.FORM_FILLING:
        return None
    return verdict.changed_form_fields


def _pyhanko(old: HistoricalResolver, new: HistoricalResolver) -> DiffResult | SuspiciousModification:
    try:
        return ALLOWED_CHANGES_POLICY.apply(old, new)
    except SuspiciousModification as suspicious:
        return suspicious


def _agrees(added: set[str] | None, verdict: DiffResult | SuspiciousModification) -> bool:
    return (
        added is not None
        and isinstance(verdict, DiffResult)
        and verdict.modification_level is ModificationLevel.FORM_FILLING
        and verdict.changed_form_fields == added
    )


def _facts_both_ways(path: Path, attack_root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """What `verify_signatures` reports with the shortcut, and with pyHanko's policy alone."""
    quick = verify_signatures(path, (attack_root,))
    with monkeypatch.context() as patched:
        patched.setattr(signatures, "SIGNATURE_ADDITION_POLICY", ALLOWED_CHANGES_POLICY)
        full = verify_signatures(path, (attack_root,))
    return quick, full


def test_the_organisation_signing_after_the_person_is_answered_as_pyhanko_does(
    attack_bench: Workbench, attack_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    *_, (old, new) = _revision_pairs(attack_bench.genuine)
    added = signature_fields_added(old, new)
    assert added == {"Signature2"}
    assert _agrees(added, _pyhanko(old, new))
    quick, full = _facts_both_ways(attack_bench.genuine, attack_root, monkeypatch)
    assert quick == full


def test_a_third_signature_is_answered_as_pyhanko_does(attack_bench: Workbench, tmp_path: Path) -> None:
    third = tmp_path / "third.pdf"
    sign_pdf(
        attack_bench.genuine,
        third,
        attack_bench.pki.signer("cao-an/person"),
        field_name="Signature3",
        signing_time=datetime(2023, 2, 1, 8, 0, tzinfo=UTC),
    )
    answered = [(signature_fields_added(old, new), _pyhanko(old, new)) for old, new in _revision_pairs(third)[-2:]]
    assert [added for added, _ in answered] == [{"Signature2"}, {"Signature3"}]
    assert all(_agrees(added, verdict) for added, verdict in answered)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_attack_is_judged_as_pyhanko_alone_judges_it(
    attack_bench: Workbench, attack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Where pyHanko also names fields that kept their old objects (the shadow files' text field),
    the shortcut does not; the facts, after `extractors.signatures` has checked those, are the same."""
    attack = run_attack(attack_bench, name, tmp_path)
    quick, full = _facts_both_ways(attack.path, attack_root, monkeypatch)
    assert quick == full


def test_a_reference_dangling_until_the_later_signature_defines_it_is_left_to_pyhanko(
    attack_bench: Workbench, tmp_path: Path
) -> None:
    """The unsigned file's catalog already refers to the object numbers the signatures will take:
    the organisation's revision then gives meaning to references the person signed as nothing."""
    writer = IncrementalPdfFileWriter(io.BytesIO(attack_bench.plain.read_bytes()))
    size = int(writer.prev.trailer_view["/Size"])
    numbers = range(size, size + 60)
    writer.root["/KcLater"] = generic.ArrayObject(
        generic.IndirectObject(number, 0, writer)  # type: ignore[no-untyped-call]
        for number in numbers
    )
    writer.update_root()  # type: ignore[no-untyped-call]
    prepared = tmp_path / "prepared.pdf"
    with prepared.open("wb") as out:
        writer.write(out)  # type: ignore[no-untyped-call]
    signed = sign_person_then_organisation(prepared, tmp_path / "signed.pdf", attack_bench.pki, attack_bench.layout)
    *_, (old, new) = _revision_pairs(signed)
    assert isinstance(_pyhanko(old, new), SuspiciousModification)
    assert signature_fields_added(old, new) is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"/Parent 5 0 R", [(5, b"Parent")]),
        (b"[12 0 R\n13 1 R]", [(12, None), (13, None)]),  # in an array: no name just before
        (b"/Info  7\r\n0\tR", [(7, b"Info")]),  # any PDF white space, several of it
        (b"/Kids [ 3 0 R", [(3, b"Kids [")]),  # the text after the last slash: not "Info", not "Metadata"
        (b"12 34 56 R", [(34, None)]),  # the two numbers just before the R
        (b"/X 9 0 R/Y 10 0 R", [(9, b"X"), (10, b"Y")]),
        (b"<3082 0 R", [(3082, None)]),  # hex that happens to read as a reference still counts
        (b"/A 1234567890123456789 0 R", []),  # past the 20 bytes pyHanko peeks at before the R
        (b"/A 123456789012345678 0 R", [(123456789012345678, b"A")]),  # 20 bytes: within
        (b"5 0 Rx 6 0R 7 R 8 0 S", [(5, None)]),  # no white space before R, one number, no R
    ],
)
def test_references_are_what_pyhankos_parser_could_read_as_one(
    data: bytes, expected: list[tuple[int, bytes | None]]
) -> None:
    assert sorted(_references(data), key=repr) == sorted(expected, key=repr)
