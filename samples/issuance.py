"""Documents issued the way the e-office signing services issue them: blanks filled by signature stamps.

The body is typed with the number and (part of) the date left blank (``Số:      /KH-UBND``,
``ngày      tháng      năm 2023``). The person signs, the organisation's seal follows, and then the
clerk stamps the organisation's signature once per blank: each widget's appearance shows only the
number, the day, the month or the year, and sits over the blank it fills. Real files put the stamps
in any order (the day before the number is common) and anywhere over the blank (flush left, centred,
or wider than the blank and running over the slash after it). A variant stamps one widget that says
what it is, ``Số: 11/KH-UBND`` with ``Thời gian ký: 2023-01-30T14:41:57+07:00``, away from the blanks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from samples.documents import BLANK, BlankDate, DocSpec, DocumentLayout, TextOp, text_width, write_pdf
from samples.pki import TestPKI
from samples.signing import VisibleBox, sign_pdf

Part = Literal["number", "day", "month", "year"]
Placement = Literal["left", "centre", "over-slash"]

STAMP_SIZE = 9.0  # what `samples.signing` draws a one-line stamp at, in a box 16 points high
_BOX_BELOW = 4.0  # the stamp's box reaches this far below the line's baseline
_BOX_HEIGHT = 16.0


@dataclass(frozen=True)
class Stamp:
    """One organisation signature whose appearance shows one part of the number or the date."""

    part: Part
    text: str
    placement: Placement = "centre"


@dataclass(frozen=True)
class IssuedField:
    """Where a stamp went: the signature field that holds it."""

    field_name: str
    part: Part | Literal["issue"]
    text: str


def blank_spans(layout: DocumentLayout) -> dict[Part, tuple[float, float, float]]:
    """Each blank of the number and date lines as (left x, right x, baseline y), page 1."""
    spec = layout.spec
    spans: dict[Part, tuple[float, float, float]] = {}
    number_op = _op(layout, spec.number_line)
    if not spec.number:
        spans["number"] = _span(number_op, "Số: ")
    if isinstance(spec.date, BlankDate):
        date_op = _op(layout, spec.date_line)
        head = f"{spec.place}, ngày"
        spans["day"] = _span(date_op, head)
        head += f"{BLANK}tháng"
        if spec.date.month is None:
            spans["month"] = _span(date_op, head)
            head += f"{BLANK}năm"
        else:
            head += f" {spec.date.month:02d} năm" if spec.date.month <= 2 else f" {spec.date.month} năm"
        if spec.date.year is None:
            spans["year"] = _span(date_op, head)
    return spans


def _op(layout: DocumentLayout, text: str) -> TextOp:
    return next(op for op in layout.ops if isinstance(op, TextOp) and op.page == 0 and op.text == text)


def _span(op: TextOp, before: str) -> tuple[float, float, float]:
    """The blank that follows `before` on the centred line `op`."""
    start = op.x - text_width(op.text, op.style, op.size) / 2
    left = start + text_width(before, op.style, op.size)
    return left, left + text_width(BLANK, op.style, op.size), op.y


def stamp_box(spans: dict[Part, tuple[float, float, float]], stamp: Stamp) -> VisibleBox:
    """The widget rectangle of `stamp` over its blank, placed as it says."""
    left, right, baseline = spans[stamp.part]
    width = text_width(stamp.text, "regular", STAMP_SIZE) + 6  # `samples.signing` draws text 3 pt in
    if stamp.placement == "left":
        x1 = left
    elif stamp.placement == "centre":
        x1 = (left + right - width) / 2
    else:  # the stamp's last digits run over the slash after the blank
        x1 = right - width / 2
    return 0, x1, baseline - _BOX_BELOW, x1 + width, baseline - _BOX_BELOW + _BOX_HEIGHT


def issue(
    spec: DocSpec,
    target: Path,
    pki: TestPKI,
    *,
    person: str,
    organization: str,
    stamps: Sequence[Stamp] = (),
    issue_line: str | None = None,
    signing_time: datetime,
    workdir: Path,
) -> tuple[IssuedField, ...]:
    """Write `spec` as a PDF at `target`, signed by `person`, sealed and stamped by `organization`.

    `stamps` are applied in the order given, one signature each, over the blanks of `spec` (which
    must leave those blanks). `issue_line` (e.g. "Số: 11/KH-UBND\\nThời gian ký: 2023-01-30T14:41:57+07:00")
    adds one more organisation signature whose appearance says it, at the top right of page 1.
    """
    layout = write_pdf(spec, workdir / "typed.pdf")
    spans = blank_spans(layout)
    current = workdir / "typed.pdf"
    step = 0

    def sign(key: str, name: str, box: VisibleBox, text: str, seal: tuple[str, str] | None = None) -> None:
        nonlocal current, step
        step += 1
        signed = workdir / f"step-{step}.pdf"
        sign_pdf(current, signed, pki.signer(key), field_name=name, signing_time=signing_time, visible_box=box,
                 stamp_text=text, seal_text=seal)
        current = signed

    sign(person, "SignService-Signature", layout.person_signature_box.as_tuple(),
         f"Ký bởi: {pki.identity(person).common_name}")
    organization_name = pki.identity(organization).common_name
    sign(organization, "Signature1", layout.organization_stamp_box.as_tuple(), "",
         (organization_name.upper()[:28], spec.place.upper()))
    issued: list[IssuedField] = []
    for index, stamp in enumerate(stamps, start=2):
        sign(organization, f"Signature{index}", stamp_box(spans, stamp), stamp.text)
        issued.append(IssuedField(f"Signature{index}", stamp.part, stamp.text))
    if issue_line is not None:
        name = f"Signature{len(stamps) + 2}"
        sign(organization, name, layout.copy_stamp_box.as_tuple(), issue_line)
        issued.append(IssuedField(name, "issue", issue_line))
    target.write_bytes(current.read_bytes())
    return tuple(issued)
