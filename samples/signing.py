"""Offline PAdES signing of sample PDFs at a chosen signing time, and tampered copies of signed PDFs.

pyHanko takes the signing time from the system clock (``PdfSigner`` has no parameter for it), so
:func:`sign_pdf` runs pyHanko under freezegun's ``freeze_time`` at the chosen instant and then reads
the result back to check the claimed time: the CMS signing-time attribute for adbe.pkcs7.detached,
and the signature dictionary's /M for both subfilters. Note that a PAdES (ETSI.CAdES.detached)
signature carries NO CMS signing-time attribute (PAdES forbids it): its claimed time is /M only.

Visible signatures get an appearance drawn with reportlab (DejaVu Serif, so Vietnamese text is real,
extractable text) and imported into the widget: the organisation's appearance carries the red seal
and, like the government signing tools, the stamped number and date of the document, which the body
may leave blank (``Số:      /KH-UBND``).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import math
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from freezegun import freeze_time
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.crypt import PubKeySecurityHandler
from pyhanko.pdf_utils.crypt.pubkey import RecipientEncryptionPolicy
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import StaticStampStyle
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from samples.documents import register_fonts
from samples.pki import mislabelled_local_time

VN_TZ = timezone(timedelta(hours=7), "ICT")
SubFilter = Literal["pades", "pkcs7"]
VisibleBox = tuple[int, float, float, float, float]
"""(page index, x1, y1, x2, y2) in PDF points."""

_SUBFILTERS = {
    "pades": fields.SigSeedSubFilter.PADES,  # /ETSI.CAdES.detached
    "pkcs7": fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,  # /adbe.pkcs7.detached
}
_SEAL_RED = (0.85, 0.1, 0.1)
_INK_BLUE = (0.05, 0.15, 0.55)


class SigningTimeMismatch(RuntimeError):
    """The CMS signing-time attribute pyHanko produced is not the requested signing time."""


@dataclass(frozen=True)
class SignatureRecord:
    """What was applied by one :func:`sign_pdf` call (for the manifest)."""

    field_name: str
    signer_cn: str
    signing_time: datetime
    subfilter: SubFilter
    visible: bool
    appearance_text: str | None
    timestamped: bool


def format_signing_time(value: datetime) -> str:
    """``30/01/2023 09:15:00 +07:00`` in Vietnam time, as signing tools print it in appearances."""
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S +07:00")


def sign_pdf(
    src: Path,
    dst: Path,
    signer: signers.SimpleSigner,
    *,
    field_name: str,
    signing_time: datetime,
    visible_box: VisibleBox | None = None,
    stamp_text: str | None = None,
    seal_text: tuple[str, str] | None = None,
    subfilter: SubFilter = "pades",
    timestamper: TimeStamper | None = None,
    reason: str | None = None,
    location: str | None = None,
    md_algorithm: str = "sha256",
) -> SignatureRecord:
    """Sign ``src`` into ``dst`` as an incremental update (so signatures can be chained).

    ``signing_time`` must be timezone-aware; it becomes the signature dictionary's /M and, for
    ``subfilter="pkcs7"``, the CMS signing-time attribute (PAdES forbids that attribute).
    ``visible_box`` makes a visible widget whose appearance shows ``stamp_text`` (lines separated by
    ``\\n``; default "Ký bởi ... / Thời gian ký ...") and, with ``seal_text`` = (upper ring, lower
    ring), a red seal at its left. ``md_algorithm`` is the message digest ("sha1", "md5" for the
    weak-algorithm samples).
    """
    if signing_time.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    signer_cn = _signer_common_name(signer)
    if visible_box is not None and stamp_text is None:
        stamp_text = f"Ký bởi: {signer_cn}\nThời gian ký: {format_signing_time(signing_time)}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=md_algorithm,
        subfilter=_SUBFILTERS[subfilter],
        reason=reason,
        location=location,
        # Fixed-size RSA signatures: no safety margin needed unless a timestamp token is added.
        tight_size_estimates=timestamper is None,
    )
    with tempfile.TemporaryDirectory(prefix="kiemchung-stamp-") as tmp:
        stamp_style = None
        field_spec = fields.SigFieldSpec(sig_field_name=field_name)
        if visible_box is not None:
            page, x1, y1, x2, y2 = visible_box
            box = (round(x1), round(y1), round(x2), round(y2))
            appearance = Path(tmp) / "appearance.pdf"
            _write_appearance_pdf(appearance, box[2] - box[0], box[3] - box[1], stamp_text or "", seal_text)
            stamp_style = StaticStampStyle(
                background=ImportedPdfPage(str(appearance)),  # type: ignore[no-untyped-call]
                background_opacity=1.0,
                border_width=0,
                background_layout=layout.SimpleBoxLayoutRule(
                    x_align=layout.AxisAlignment.ALIGN_MID,
                    y_align=layout.AxisAlignment.ALIGN_MID,
                    margins=layout.Margins.uniform(0),  # type: ignore[no-untyped-call]
                ),
            )
            field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
        pdf_signer = signers.PdfSigner(
            meta, signer, timestamper=timestamper, stamp_style=stamp_style, new_field_spec=field_spec
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
        output = io.BytesIO()
        # pyHanko reads the clock for the signing-time attribute, /M and the info dictionary's
        # ModDate; real_asyncio keeps asyncio's monotonic clock real while the wall clock is frozen.
        with freeze_time(signing_time, real_asyncio=True):
            pdf_signer.sign_pdf(writer, output=output)
    signed = output.getvalue()
    mislabelled = getattr(signer, "local_time_as_utc", False)
    _check_signing_time(signed, field_name, signing_time,
                        mislabelled_local_time(signing_time) if mislabelled else signing_time)
    dst.write_bytes(signed)
    return SignatureRecord(
        field_name=field_name,
        signer_cn=signer_cn,
        signing_time=signing_time,
        subfilter=subfilter,
        visible=visible_box is not None,
        appearance_text=stamp_text if visible_box is not None else None,
        timestamped=timestamper is not None,
    )


def sign_pdf_pkcs7_sha1(
    src: Path, dst: Path, signer: signers.SimpleSigner, *, field_name: str, signing_time: datetime
) -> None:
    """Sign ``src`` into ``dst`` with the legacy /adbe.pkcs7.sha1 subfilter (invisible signature).

    pyHanko neither writes nor reads this form: the CMS encapsulates, as its signed content, the
    SHA-1 digest of the byte ranges. So pyHanko prepares an adbe.pkcs7.detached signature with its
    placeholder, the subfilter name is overwritten in place (padded with spaces, so no offset
    moves), and the CMS is made over the SHA-1 of the byte ranges as they then are.
    """
    meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha1",
                                        subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    pdf_signer = signers.PdfSigner(meta, signer)
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    with freeze_time(signing_time, real_asyncio=True):
        prepared, _, output = asyncio.run(pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=16384))
        output.seek(0)
        data = bytearray(output.read())
        detached, legacy = b"/adbe.pkcs7.detached", b"/adbe.pkcs7.sha1"
        # In the signature dictionary: the object around the reserved /Contents.
        at = data.index(detached, data.rindex(b" obj", 0, prepared.reserved_region_start),
                        data.index(b"endobj", prepared.reserved_region_end))
        data[at : at + len(detached)] = legacy.ljust(len(detached))
        ranges = bytes(data[: prepared.reserved_region_start]) + bytes(data[prepared.reserved_region_end :])
        content = cms.ContentInfo({"content_type": "data", "content": hashlib.sha1(ranges).digest()})
        signed = asyncio.run(signer.async_sign_general_data(content, "sha1", detached=False))
    der = signed.dump()
    hex_digits = der.hex().encode("ascii")
    room = prepared.reserved_region_end - prepared.reserved_region_start - 2  # inside < and >
    data[prepared.reserved_region_start + 1 : prepared.reserved_region_start + 1 + len(hex_digits)] = hex_digits
    if len(hex_digits) > room:
        raise ValueError("the CMS does not fit the reserved /Contents")
    dst.write_bytes(bytes(data))


def encrypt_for_recipient(src: Path, dst: Path, recipient: x509.Certificate) -> None:
    """Copy ``src`` to ``dst`` encrypted for ``recipient``'s certificate (/Filter /Adobe.PubSec), no password."""
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(src.read_bytes())))
    handler = PubKeySecurityHandler.build_from_certs(
        [asn1_x509.Certificate.load(recipient.public_bytes(serialization.Encoding.DER))],
        policy=RecipientEncryptionPolicy(ignore_key_usage=True),  # a test certificate made for signing
    )
    writer._assign_security_handler(handler)  # what `PdfFileWriter.encrypt` does for a password
    with dst.open("wb") as handle:
        writer.write(handle)  # type: ignore[no-untyped-call]  # pyHanko leaves it untyped


def read_signing_times(path: Path) -> dict[str, datetime]:
    """Field name → signing-time attribute of each embedded CMS signature (read with pyHanko)."""
    with path.open("rb") as handle:
        reader = PdfFileReader(handle)
        return {
            sig.field_name: sig.self_reported_timestamp
            for sig in reader.embedded_signatures
            if sig.self_reported_timestamp is not None
        }


def _check_signing_time(signed: bytes, field_name: str, expected: datetime, expected_cms: datetime) -> None:
    """Check the claimed signing time of the newest signature (the last /ByteRange in the file).

    adbe.pkcs7.detached: the CMS signing-time attribute must equal ``expected_cms`` (``expected``
    unless the signer mislabels its local time). ETSI.CAdES.detached
    (PAdES): the attribute is forbidden (pyHanko leaves it out), so the signature dictionary's /M must
    equal ``expected`` instead. /M is checked for both.
    """
    ranges = list(_BYTE_RANGE.finditer(signed))
    if not ranges:
        raise SigningTimeMismatch(f"{field_name}: no signature found after signing")
    last = ranges[-1]
    start, length, gap_end = (int(last.group(i)) for i in (1, 2, 3))
    container = cms.ContentInfo.load(bytes.fromhex(signed[start + length + 1 : gap_end - 1].decode("ascii")),
                                     strict=False)
    signer_info = container["content"]["signer_infos"][0]
    cms_times = [attr["values"][0].native for attr in signer_info["signed_attrs"]
                 if attr["type"].native == "signing_time"]
    dict_start = signed.rfind(b" obj", 0, last.start())
    dict_end = signed.find(b"endobj", last.end())
    m_entry = _M_ENTRY.search(signed, dict_start, dict_end)
    m_time = generic.parse_pdf_date(_unescape_literal(m_entry.group(1))) if m_entry else None
    pades = b"/ETSI.CAdES.detached" in signed[dict_start:dict_end]
    if m_time != expected or (cms_times != ([] if pades else [expected_cms])):
        raise SigningTimeMismatch(
            f"{field_name}: /M {m_time}, CMS signing-time {cms_times}, requested {expected}")


_M_ENTRY = re.compile(rb"/M\s*\(([^)]*)\)")
_OCTAL_ESCAPE = re.compile(rb"\\([0-7]{1,3})")


def _unescape_literal(raw: bytes) -> str:
    """Decode a PDF literal string body such as ``D\\07220230130021500Z`` (octal-escaped colon)."""
    return _OCTAL_ESCAPE.sub(lambda m: bytes([int(m.group(1), 8)]), raw).decode("latin-1")


def _signer_common_name(signer: signers.SimpleSigner) -> str:
    cert = signer.signing_cert
    if cert is None:
        raise ValueError("signer has no certificate")
    return str(cert.subject.native.get("common_name", ""))


def _write_appearance_pdf(
    path: Path, width: float, height: float, text: str, seal_text: tuple[str, str] | None
) -> None:
    """Draw a signature appearance (optional red seal on the left, text lines on the right)."""
    fonts = register_fonts()
    font = fonts["regular"]
    c = rl_canvas.Canvas(str(path), pagesize=(width, height), invariant=1, pageCompression=1)
    text_x = 3.0
    if seal_text is not None:
        radius = min(height / 2 - 2, width / 4)
        cx, cy = radius + 3, height / 2
        c.setStrokeColorRGB(*_SEAL_RED)
        c.setFillColorRGB(*_SEAL_RED)
        c.setLineWidth(1.6)
        c.circle(cx, cy, radius, stroke=1, fill=0)
        c.setLineWidth(0.8)
        c.circle(cx, cy, radius * 0.62, stroke=1, fill=0)
        _star(c, cx, cy, radius * 0.3)
        ring_size = max(radius * 0.17, 3.5)
        _arc_text(c, seal_text[0], cx, cy, radius * 0.8, ring_size, font, top=True)
        _arc_text(c, seal_text[1], cx, cy, radius * 0.8, ring_size, font, top=False)
        text_x = 2 * radius + 8
    lines = [line for line in text.split("\n") if line]
    if lines:
        avail = width - text_x - 2
        size = min(9.0, (height - 4) / (len(lines) * 1.25))
        for line in lines:
            while size > 4 and pdfmetrics.stringWidth(line, font, size) > avail:
                size -= 0.25
        c.setFillColorRGB(*_INK_BLUE)
        c.setFont(font, size)
        block = len(lines) * size * 1.25
        y = height / 2 + block / 2 - size
        for line in lines:
            c.drawString(text_x, y, line)
            y -= size * 1.25
    c.showPage()
    c.save()


def _star(c: rl_canvas.Canvas, cx: float, cy: float, r: float) -> None:
    path = c.beginPath()
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        angle = math.pi / 2 + i * math.pi / 5
        point = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
        if i == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _arc_text(
    c: rl_canvas.Canvas, text: str, cx: float, cy: float, r: float, size: float, font: str, *, top: bool
) -> None:
    """Draw ``text`` along the upper or lower arc of the seal, character by character."""
    widths = [pdfmetrics.stringWidth(ch, font, size) for ch in text]
    total_angle = sum(widths) / r
    angle = math.pi / 2 + total_angle / 2 if top else -math.pi / 2 - total_angle / 2
    c.setFont(font, size)
    for ch, w in zip(text, widths, strict=True):
        step = w / r
        mid = angle - step / 2 if top else angle + step / 2
        c.saveState()
        c.translate(cx + r * math.cos(mid), cy + r * math.sin(mid))
        c.rotate(math.degrees(mid) - 90 if top else math.degrees(mid) + 90)
        c.drawCentredString(0, -size / 3 if top else 0, ch)
        c.restoreState()
        angle = angle - step if top else angle + step


# --- tampering -------------------------------------------------------------------------------------

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def flip_byte_in_signed_range(src: Path, dst: Path) -> int:
    """Copy ``src`` to ``dst`` with one byte changed inside the first signature's signed range.

    The byte is a letter of the /Producer string (case flipped), so the file still parses and looks
    the same, but no signature digest matches any more. Returns the offset changed.
    """
    data = bytearray(src.read_bytes())
    match = _BYTE_RANGE.search(data)
    if match is None:
        raise ValueError(f"{src} has no signature /ByteRange")
    start, length = int(match.group(1)), int(match.group(2))
    signed_end = start + length
    offset = -1
    producer = data.find(b"/Producer (", 0, signed_end)
    if producer >= 0:
        for i in range(producer + len(b"/Producer ("), signed_end):
            if chr(data[i]).isalpha():
                offset = i
                break
    if offset < 0:
        offset = 10  # inside the binary comment line after %PDF-x.y: harmless to parse, still signed
    data[offset] ^= 0x20 if chr(data[offset]).isalpha() else 0x01
    dst.write_bytes(bytes(data))
    return offset


def append_incremental_edit(
    src: Path,
    dst: Path,
    *,
    cover_box: VisibleBox | None = None,
    new_text: str | None = None,
    note: str = "Đã sửa",
) -> None:
    """Append an incremental update after the signatures that changes page content.

    Draws a white box over ``cover_box`` with ``new_text`` in it (e.g. a different number) and a red
    ``note``; the original signed bytes are kept untouched, so signatures still verify
    cryptographically while the document shown is no longer the one signed.
    """
    fonts = register_fonts()
    reader = PdfReader(str(src))
    page_index = cover_box[0] if cover_box else 0
    media = reader.pages[page_index].mediabox
    overlay_buf = io.BytesIO()
    c = rl_canvas.Canvas(overlay_buf, pagesize=(float(media.width), float(media.height)), invariant=1)
    if cover_box is not None:
        _, x1, y1, x2, y2 = cover_box
        c.setFillColorRGB(1, 1, 1)
        c.rect(x1, y1, x2 - x1, y2 - y1, stroke=0, fill=1)
        if new_text:
            c.setFillColorRGB(0, 0, 0)
            c.setFont(fonts["regular"], 13)
            c.drawCentredString((x1 + x2) / 2, y1 + 5, new_text)
    c.setFillColorRGB(*_SEAL_RED)
    c.setFont(fonts["bold"], 14)
    c.drawString(float(media.width) - 140, 30, note)
    c.showPage()
    c.save()
    overlay = PdfReader(io.BytesIO(overlay_buf.getvalue())).pages[0]
    # pypdf 7 reads the incremental base from `fileobj` (clone_from is not used in incremental mode).
    writer = PdfWriter(str(src), incremental=True)
    writer.pages[page_index].merge_page(overlay)
    with dst.open("wb") as handle:
        writer.write(handle)


__all__ = [
    "VN_TZ",
    "SignatureRecord",
    "SigningTimeMismatch",
    "SubFilter",
    "VisibleBox",
    "append_incremental_edit",
    "encrypt_for_recipient",
    "flip_byte_in_signed_range",
    "format_signing_time",
    "read_signing_times",
    "sign_pdf",
    "sign_pdf_pkcs7_sha1",
]
