# pyHanko's PDF object constructors and its incremental writer carry no annotations.
# mypy: disallow-untyped-calls=False
"""Certified documents signed afterwards the way the e-office services do it, and changes a certification forbids.

The services certify the leader's signature (DocMDP, usually P=2: form filling and signing allowed),
then stamp the organisation's signature and the number and date as separate signature widgets. In a
tagged PDF, iText 7 also describes each new widget in the structure tree in the same revision: a new
/Form element whose /K is an object reference (/OBJR) to the widget, appended to the document
element's /K; the widget's /StructParent key mapped to that element in the /ParentTree; the root's
/ParentTreeNextKey raised. :func:`approve` writes exactly that with pyHanko's incremental writer, so
the field, its tagging and the signature are one revision. The other functions append the changes a
certification with P=2 forbids (an annotation, new page content, a new page) and a tagging update
that rewires an existing element, each as a revision of its own.

Real PAdES signatures with the throwaway test CA of `samples.pki`; nothing here is a real key.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from freezegun import freeze_time
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm

from samples.documents import Box

_SIGNATURE_WIDTH, _SIGNATURE_HEIGHT = 60, 24


def _name(value: str) -> generic.NameObject:
    return generic.NameObject(value)


def _write(writer: IncrementalPdfFileWriter, dst: Path) -> Path:
    with dst.open("wb") as out:
        writer.write(out)
    return dst


def _box(box: Box, offset: int) -> tuple[int, int, int, int]:
    """A small widget inside `box`, `offset` widgets from its left edge (number, day, month, year)."""
    x = round(box.x1) + offset * (_SIGNATURE_WIDTH + 4)
    y = round(box.y1)
    return x, y, x + _SIGNATURE_WIDTH, y + _SIGNATURE_HEIGHT


def tag(src: Path, dst: Path) -> Path:
    """`src` as a tagged PDF (as Word exports it): a /Document element holding one paragraph of page 1,
    its marked content keyed 0 in the /ParentTree. Written as a revision before any signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    root_ref = writer.add_object(generic.DictionaryObject({_name("/Type"): _name("/StructTreeRoot")}))
    document_ref = writer.add_object(generic.DictionaryObject())
    paragraph_ref = writer.add_object(generic.DictionaryObject({
        _name("/Type"): _name("/StructElem"), _name("/S"): _name("/P"), _name("/P"): document_ref,
        _name("/Pg"): page_ref, _name("/K"): generic.NumberObject(0),
    }))
    document = document_ref.get_object()
    document.update({
        _name("/Type"): _name("/StructElem"), _name("/S"): _name("/Document"), _name("/P"): root_ref,
        _name("/K"): generic.ArrayObject([paragraph_ref]),
    })
    parent_tree = writer.add_object(generic.DictionaryObject({
        _name("/Nums"): generic.ArrayObject([generic.NumberObject(0), generic.ArrayObject([paragraph_ref])]),
    }))
    root_ref.get_object().update({
        _name("/K"): generic.ArrayObject([document_ref]), _name("/ParentTree"): parent_tree,
        _name("/ParentTreeNextKey"): generic.NumberObject(1),
    })
    page = page_ref.get_object()
    page[_name("/StructParents")] = generic.NumberObject(0)
    writer.update_container(page)
    writer.root[_name("/StructTreeRoot")] = root_ref
    writer.root[_name("/MarkInfo")] = generic.DictionaryObject({_name("/Marked"): generic.BooleanObject(True)})
    writer.update_root()
    return _write(writer, dst)


def certify(
    src: Path, dst: Path, signer: signers.SimpleSigner, *, permission: MDPPerm, box: Box, signing_time: datetime
) -> Path:
    """The leader's certification signature, visible in `box`, with DocMDP `permission`."""
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        certify=True, docmdp_permissions=permission,
    )
    spec = fields.SigFieldSpec(sig_field_name="Signature1", on_page=0, box=_box(box, 0))
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    return _sign(writer, dst, signers.PdfSigner(meta, signer, new_field_spec=spec), signing_time)


def approve(
    src: Path, dst: Path, signer: signers.SimpleSigner, *, name: str, box: Box, offset: int, signing_time: datetime,
    tagged: bool = True,
) -> Path:
    """An approval signature in a new visible field `name` (one of the clerk's stamps), and with
    `tagged` the structure-tree entries iText 7 writes for its widget, all in one revision."""
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=name, on_page=0, box=_box(box, offset)))
    if tagged:
        _tag_widget(writer, name)
    return _sign(writer, dst, _approval(name, signer), signing_time)


class _UncheckedSigner(signers.PdfSigner):
    """pyHanko's signer without its refusal to sign after a P=1 certification: the samples must
    include the file a tool that ignores the certification writes."""

    def _enforce_certification_constraints(self, reader: object) -> None:
        return None


def _approval(name: str, signer: signers.SimpleSigner) -> signers.PdfSigner:
    meta = signers.PdfSignatureMetadata(field_name=name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES)
    return _UncheckedSigner(meta, signer)


def _tag_widget(writer: IncrementalPdfFileWriter, name: str) -> None:
    """A /Form element for the widget of field `name`, appended to the document element, and its
    /StructParent key in the /ParentTree: what iText 7 writes when it signs a tagged PDF."""
    widget_ref = next(ref for ref in writer.root["/AcroForm"]["/Fields"] if ref.get_object().get("/T") == name)
    widget = widget_ref.get_object()
    tree = writer.root["/StructTreeRoot"]
    document_ref = tree["/K"].raw_get(0)
    key = int(tree["/ParentTreeNextKey"])
    element_ref = writer.add_object(generic.DictionaryObject({
        _name("/Type"): _name("/StructElem"), _name("/S"): _name("/Form"), _name("/P"): document_ref,
        _name("/Pg"): widget.raw_get("/P"),
        _name("/K"): generic.DictionaryObject({_name("/Type"): _name("/OBJR"), _name("/Obj"): widget_ref}),
    }))
    widget[_name("/StructParent")] = generic.NumberObject(key)
    writer.update_container(widget)
    document = document_ref.get_object()
    document["/K"].append(element_ref)
    writer.update_container(document)
    parent_tree = tree["/ParentTree"]
    parent_tree["/Nums"].extend([generic.NumberObject(key), element_ref])
    writer.update_container(parent_tree)
    tree[_name("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    writer.update_container(tree)


def _sign(writer: IncrementalPdfFileWriter, dst: Path, pdf_signer: signers.PdfSigner, signing_time: datetime) -> Path:
    """Sign what `writer` holds, the signature in the same revision as the writer's changes."""
    output = io.BytesIO()
    # The signing time pyHanko writes is the clock's; real_asyncio keeps asyncio's own clock real.
    with freeze_time(signing_time, real_asyncio=True):
        pdf_signer.sign_pdf(writer, output=output)
    dst.write_bytes(output.getvalue())
    return dst


def add_annotation(src: Path, dst: Path, box: Box) -> Path:
    """A square annotation over `box` on page 1: forbidden after a certification with P=2."""
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    annotation = writer.add_object(generic.DictionaryObject({
        _name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/Square"), _name("/P"): page_ref,
        _name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in (box.x1, box.y1, box.x2, box.y2)),
    }))
    page = page_ref.get_object()
    annots = page.get("/Annots")
    page[_name("/Annots")] = generic.ArrayObject([*(annots.get_object() if annots else []), annotation])
    writer.update_container(page)
    return _write(writer, dst)


def replace_page_content(src: Path, dst: Path) -> Path:
    """Page 1 drawn by a new content stream (a different number printed on it)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    page = writer.root["/Pages"]["/Kids"][0]
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 720 Td (So: 99/KH-UBND) Tj ET")
    page[_name("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    return _write(writer, dst)


def add_page(src: Path, dst: Path) -> Path:
    """A new blank page appended to the page tree."""
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    pages = writer.root["/Pages"]
    pages_ref = writer.root.raw_get("/Pages")
    page = writer.add_object(generic.DictionaryObject({
        _name("/Type"): _name("/Page"), _name("/Parent"): pages_ref,
        _name("/MediaBox"): generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, 595, 842)),
    }))
    pages["/Kids"].append(page)
    pages[_name("/Count")] = generic.NumberObject(int(pages["/Count"]) + 1)
    writer.update_container(pages)
    return _write(writer, dst)


def rewire_paragraph(src: Path, dst: Path, signer: signers.SimpleSigner, *, box: Box, signing_time: datetime) -> Path:
    """An approval whose tagging also points the existing paragraph element at the new widget: a
    change to an element that existed, which describing the widget never needs."""
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name="Rewired", on_page=0, box=_box(box, 3)))
    _tag_widget(writer, "Rewired")
    document = writer.root["/StructTreeRoot"]["/K"][0]
    paragraph = document["/K"][0]
    paragraph[_name("/K")] = generic.NumberObject(1)  # its content is now marked content 1, not 0
    writer.update_container(paragraph)
    return _sign(writer, dst, _approval("Rewired", signer), signing_time)
