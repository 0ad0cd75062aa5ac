"""Verify every signature embedded in a PDF with pyHanko, offline, and report it as `SignatureFacts`.

What is checked, per signature: the signed bytes and the signature value (integrity), how much of
the file the signature covers and what was appended after it (pyHanko's difference analysis), and
whether the signer's certificate chains to one of the user's trust roots *at signing time*: the
time of a signature timestamp when there is one, else the time the signer claims. Certificates
expire after a few years; a document signed while its certificate was valid stays valid.

pyHanko's verdict on what was appended is tightened in two places, both found by running the
published attacks of `samples/attacks.py` (tests/test_signature_attacks.py): "form filling" counts
only when the changed fields are those later signatures filled (a text field's new value or an
added empty signature field is a change of content), and bytes after the %%EOF of the last revision
that no xref section describes make every signature "modified" (pyHanko never looks at them).

Nothing is fetched: `allow_fetching=False`, no CRL or OCSP, revocation is reported "not-checked".
pyHanko raises on damaged files; every failure becomes a fact with `Integrity.UNKNOWN` and
`error` set, never an exception and never a pass. The one exception is `TrustRootError`: a bad
trust-root file is the user's configuration error, not a property of the document.

pyHanko 0.38 notes: the synchronous `validate_pdf_signature` wraps each call in its own
`asyncio.run`; we call `async_validate_pdf_signature` for all signatures of a file inside one
event loop instead. Its default key-usage policy demands nonRepudiation, which rejects the
many Vietnamese organisation certificates that carry digitalSignature only, so we pass our own.
"""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import io
import logging
import re
from collections.abc import Awaitable, Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from asn1crypto import core as asn1_core
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509
from cryptography import x509 as crypto_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult
from pyhanko.sign.diff_analysis import ModificationLevel as PyhankoLevel
from pyhanko.sign.fields import MDPPerm, enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
    generic_cms,
)
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.pdf_embedded import report_seed_value_validation
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import (
    ModificationInfo,
    PdfSignatureStatus,
    SignatureStatus,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy
from pypdf import PdfReader

from kiemchung.extractors import certificate_memo
from kiemchung.extractors.models import (
    VIETNAM_TIME,
    Coverage,
    Integrity,
    ModificationLevel,
    SignatureFacts,
    SignatureField,
    SignerKind,
    SignerSubject,
    TimeSource,
    Trust,
)
from kiemchung.extractors.patching import checked
from kiemchung.extractors.pdf import signature_fields
from kiemchung.extractors.revisions import SIGNATURE_ADDITION_POLICY, entry
from kiemchung.extractors.text import canonical, strip_marks
from kiemchung.extractors.trust import load_trust_roots

T = TypeVar("T")
TrustRoot: TypeAlias = Path | x509.Certificate

# Naive PDF dates (/M without a zone) come from Vietnamese signing tools running on local time.
# Signing certificates of Vietnamese bodies often assert digitalSignature only (persons' usually
# add nonRepudiation); either one is a signing key. pyHanko's default is nonRepudiation alone.
_SIGNING_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
_REVOCATION = "not-checked"

# Digests with practical collisions: a signature or a certificate made with one proves nothing,
# since another document (or a rogue CA certificate, as in 2008 with MD5) can share its digest.
BROKEN_HASH_ALGORITHMS = frozenset({"md2", "md4", "md5"})
# SHA-1 is accepted here, unlike pyHanko's default: the government signing service still signs
# with SHA-1 digests and no second preimage is known. Whether a council accepts SHA-1 is a
# judgement (`signatures.sha1`, in the validators), made on `SignatureFacts.hash_algorithm`.
# RSA and DSA keys are refused below 1024 bits (factored on a desktop); many older Vietnamese
# certificates have 1024-bit keys, which nobody has shown to be broken.
_MIN_RSA_BITS = 1024
ALGORITHM_POLICY = DisallowWeakAlgorithmsPolicy(  # type: ignore[no-untyped-call]  # pyHanko leaves it untyped
    weak_hash_algos=BROKEN_HASH_ALGORITHMS, rsa_key_size_threshold=_MIN_RSA_BITS, dsa_key_size_threshold=_MIN_RSA_BITS
)
_PKCS7_SHA1 = "/adbe.pkcs7.sha1"


def _silence_pyhanko_logging() -> None:
    """pyHanko logs every validation problem with a traceback; our facts carry them instead.

    Raising the loggers' level (rather than filtering records) also saves building the records.
    A NullHandler keeps Python's last-resort stderr handler away even if a level is lowered again.
    """
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())


_silence_pyhanko_logging()


_HEX_STRING_FIRST_CHUNK = 256  # most hex strings are short (IDs, names); /Contents grows the chunks
_HEX_STRING_MAX_CHUNK = 64 * 1024
_NOT_HEX_BODY = re.compile(rb"[^0-9A-Fa-f" + re.escape(PDF_WHITESPACE) + rb"]")
_HEX_WHITESPACE = re.compile(rb"[" + re.escape(PDF_WHITESPACE) + rb"]")


def _read_hex_string_fast(stream: Any) -> Any:
    """Drop-in for pyHanko's `read_hex_string_from_stream`, which reads one byte per loop turn.

    A signature's /Contents is a hex string of 15-60 thousand digits (signing tools reserve
    room for chains and timestamps), and reading it cost ~1 ms per thousand digits: more than
    the whole cryptographic check. This reads in chunks; anything unusual (a comment, a bad
    digit, the end of the stream) is handed back to pyHanko's own reader from the start, so
    results and errors are exactly pyHanko's.
    """
    origin = stream.tell()
    stream.read(1)  # the opening "<"
    pieces: list[bytes] = []
    chunk = _HEX_STRING_FIRST_CHUNK
    while True:
        piece = stream.read(chunk)
        chunk = min(chunk * 4, _HEX_STRING_MAX_CHUNK)
        stop = _NOT_HEX_BODY.search(piece) if piece else None
        if stop is None:
            if not piece:
                stream.seek(origin)
                return _pyhanko_read_hex_string(stream)
            pieces.append(piece)
            continue
        if piece[stop.start() : stop.start() + 1] != b">":
            stream.seek(origin)
            return _pyhanko_read_hex_string(stream)
        pieces.append(piece[: stop.start()])
        stream.seek(stop.start() + 1 - len(piece), io.SEEK_CUR)
        break
    digits = _HEX_WHITESPACE.sub(b"", b"".join(pieces))
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


# pyHanko's object parser looks the function up as a module global: replacing it there is enough.
# `__wrapped__` keeps pyHanko's original reachable when this module is imported again (reload).
_pyhanko_read_hex_string = getattr(generic.read_hex_string_from_stream, "__wrapped__",
                                   generic.read_hex_string_from_stream)
_read_hex_string_fast.__wrapped__ = _pyhanko_read_hex_string  # type: ignore[attr-defined]
if checked("pyHanko", ("0.38",), "extractors.signatures' hex-string reader"):
    generic.read_hex_string_from_stream = _read_hex_string_fast
certificate_memo.install()


def _resolve_roots(trust_roots: Sequence[TrustRoot]) -> tuple[x509.Certificate, ...] | None:
    """The root certificates to validate against; None when none are configured."""
    if not trust_roots:
        return None
    given = [root for root in trust_roots if isinstance(root, x509.Certificate)]
    paths = [Path(root) for root in trust_roots if not isinstance(root, x509.Certificate)]  # str works too
    return tuple(given + (load_trust_roots(paths) if paths else []))


# --- verification ----------------------------------------------------------------------------------


def verify_signatures(
    path: Path,
    trust_roots: Sequence[TrustRoot] = (),
    *,
    known_fields: Sequence[SignatureField] | None = None,
) -> tuple[SignatureFacts, ...]:
    """Verify every signature in the PDF at `path`, offline, in signing order.

    `trust_roots` are paths (files or folders, see `load_trust_roots`) and/or certificates already
    loaded; with none, trust is `NO_ROOTS` but integrity and modifications are still checked.
    `known_fields` are the signature fields pypdf found, used to name the signatures when pyHanko
    cannot open the file at all (read with pypdf here when not given).
    Raises only `TrustRootError`.
    """
    roots = _resolve_roots(trust_roots)
    try:
        data = path.read_bytes()
    except OSError as error:
        return _unverifiable(path, b"", known_fields, f"cannot read the file: {error}")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypt_dict is not None:
            reader.decrypt("")  # an owner-password-only file opens with the empty user password
        entries = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as error:  # pyHanko is strict about structure; the file is damaged for it
        return _unverifiable(path, data, known_fields, f"pyHanko cannot open the file: {_describe(error)}")
    # Signed widgets pypdf sees on the pages but the AcroForm does not list: pyHanko cannot reach them.
    listed = {name for name, _, _ in entries}
    unlisted = tuple(
        _unknown(field.name, field.page, None, "signature field is not listed in the AcroForm; not verified")
        for field in known_fields or ()
        if field.signed and field.name not in listed
    )
    if not entries:
        return unlisted
    try:
        verified = _run(_verify_all(reader, entries, roots, known_fields or ()))
    except Exception as error:  # a failure outside any one signature (event loop, page tree)
        return _unverifiable(path, data, known_fields, f"verification failed: {_describe(error)}")
    tail = _unexplained_tail(reader, data)
    if tail is not None:
        verified = tuple(_changed_after_all(facts, tail) for facts in verified)
    return verified + unlisted


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, even under a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # An async caller: asyncio.run refuses to nest, so use a private loop in a worker thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass
class _Pending:
    """One filled signature field, opened by pyHanko or not."""

    order: tuple[int, int]  # (signed revision, field order): signing order, broken ones last
    name: str
    field: Any  # the field dictionary; None when unreadable
    embedded: EmbeddedPdfSignature | None
    open_error: str | None


async def _verify_all(
    reader: PdfFileReader,
    entries: list[tuple[str, Any, Any]],
    roots: tuple[x509.Certificate, ...] | None,
    known_fields: Sequence[SignatureField],
) -> tuple[SignatureFacts, ...]:
    pages = _PageIndex(reader)
    # The page whose /Annots lists the widget, as pypdf found it: pyHanko's page tree is then not walked.
    listed_on = {field.name: field.page for field in known_fields if field.page is not None}
    pending: list[_Pending] = []
    for index, (raw_name, _value, field_ref) in enumerate(entries):
        # pyHanko's names are string objects tied to the parsed file: a plain str pickles in bytes, not the PDF.
        name = str(raw_name)
        field: Any = None  # stays None when the field itself cannot be read
        try:
            field = field_ref.get_object()
            embedded = EmbeddedPdfSignature(reader, field, name)
            pending.append(_Pending((embedded.signed_revision, index), name, field, embedded, None))
        except Exception as error:  # no /ByteRange, unparsable CMS, …: this signature only
            pending.append(_Pending((1 << 30, index), name, field, None, _describe(error)))
    pending.sort(key=lambda item: item.order)
    # Which revision each readable signature was made in: the form fields a later signature filled
    # are the only form changes allowed after an earlier one (see `_unexplained_form_changes`).
    signed_in = {item.name: item.order[0] for item in pending if item.embedded is not None}
    facts: list[SignatureFacts] = []
    for item in pending:
        page = listed_on.get(item.name) or pages.page_of(item.field)
        if item.embedded is None:
            facts.append(_unknown(item.name, page, _subfilter_of(item.field), item.open_error or "unreadable"))
        else:
            facts.append(await _verify_one(item.embedded, page, roots, signed_in))
    return tuple(facts)


async def _verify_one(
    embedded: EmbeddedPdfSignature,
    page: int | None,
    roots: tuple[x509.Certificate, ...] | None,
    signed_in: Mapping[str, int],
) -> SignatureFacts:
    subfilter = _subfilter_of(embedded.sig_field)
    is_document_timestamp = embedded.sig_object_type == "/DocTimeStamp"
    certificate = _attempt(lambda: embedded.signer_cert)
    claimed = None if is_document_timestamp else _aware(_attempt(lambda: embedded.self_reported_timestamp))
    pdf_time = None if is_document_timestamp else _aware(_attempt(lambda: _pdf_signing_time(embedded)))
    stamped = _attempt(lambda: _timestamp_time(embedded, is_document_timestamp))
    moment, time_source, moment_source = _judging_moment(stamped, claimed, pdf_time)
    if is_document_timestamp:
        moment_source = "document timestamp"
    notes: list[str] = []

    status = await _validate(embedded, roots, moment, is_document_timestamp, skip_diff=False, notes=notes)
    if status is None:
        return replace(
            _unknown(embedded.field_name, page, subfilter, "; ".join(notes), certificate=certificate,
                     claimed=claimed, stamped=stamped, hash_algorithm=_attempt(lambda: embedded.md_algorithm)),
            pdf_signing_time=pdf_time,
            time_source=time_source,
            refused_algorithms=_refused_algorithms(embedded),
        )
    trust_status = status
    if stamped is not None and claimed is not None and not is_document_timestamp and not _timestamp_ok(status):
        # A timestamp token that does not verify proves no time: judge at the signer's time instead.
        moment, time_source, moment_source = _judging_moment(None, claimed, pdf_time)
        moment_source += "; the signature timestamp does not verify"
        retry = await _validate(embedded, roots, moment, False, skip_diff=True, notes=[])
        trust_status = retry or status
    trust, trust_detail = _judge_trust(trust_status, roots, certificate, moment, moment_source)
    modification_level = _modification_level(status)
    if modification_level is ModificationLevel.FORM_FILLING:
        unexplained = _unexplained_form_changes(embedded.reader, status, embedded.signed_revision, signed_in)
        if unexplained:
            modification_level = ModificationLevel.OTHER
            notes.append("form fields changed after signing that no later signature filled: "
                         + ", ".join(unexplained))
    permission = None if is_document_timestamp else _attempt(lambda: embedded.docmdp_level)
    subject = _subject(certificate) if certificate is not None else None
    # A document timestamp (/ETSI.RFC3161) is the TSA's, never the person's or the body's signature.
    kind = _signer_kind(subject) if subject is not None and not is_document_timestamp else SignerKind.UNKNOWN
    return SignatureFacts(
        field_name=str(embedded.field_name),
        page=page,
        subject=subject,
        signer_kind=kind,
        issuer=_rfc4514(certificate, issuer=True) if certificate is not None else None,
        signing_time=claimed,
        timestamp_time=stamped,
        hash_algorithm=embedded.md_algorithm,
        subfilter=subfilter,
        integrity=_integrity(status),
        coverage=_coverage(status),
        modification_level=modification_level,
        trust=trust,
        trust_detail=trust_detail,
        revocation=_REVOCATION,
        error="; ".join(notes) or None,
        docmdp_permission=permission.value if isinstance(permission, MDPPerm) else None,
        docmdp_ok=_within_permission(modification_level, permission),
        pdf_signing_time=pdf_time,
        time_source=time_source,
        refused_algorithms=_refused_algorithms(embedded),
    )


def _within_permission(modification_level: ModificationLevel | None, permission: MDPPerm | None) -> bool | None:
    """Whether the changes after a certification are those its DocMDP permission allows (ISO 32000-1
    12.8.2.2): P=1 none (a document timestamp and validation data aside, as PAdES allows), P=2 also
    form filling and signing, P=3 also annotations; None without a certification or a known level.

    pyHanko's own `docmdp_ok` compares its level the same way; this one compares the level after
    kiemchung's tightening (`_unexplained_form_changes`), so a field filled behind the signers'
    backs breaks the certification too.
    """
    if permission is None or modification_level is None:
        return None
    return modification_level is not ModificationLevel.OTHER and (
        PyhankoLevel[modification_level.name].value <= permission.value
    )


async def _validate(
    embedded: EmbeddedPdfSignature,
    roots: tuple[x509.Certificate, ...] | None,
    moment: dt.datetime | None,
    is_document_timestamp: bool,
    *,
    skip_diff: bool,
    notes: list[str],
) -> SignatureStatus | None:
    """Validate; when that raises, once more without the difference analysis, which trips on
    odd revisions more often than anything else, so integrity and trust are still reported."""
    first_error: Exception | None = None
    for attempt_skip_diff in (skip_diff,) if skip_diff else (False, True):
        context = _validation_context(roots, moment)
        try:
            status = await _validate_with(embedded, context, is_document_timestamp, attempt_skip_diff)
        except Exception as error:  # pyHanko raises on malformed signatures and odd revisions
            first_error = first_error or error
            continue
        finally:
            await context.aclose()  # type: ignore[no-untyped-call]  # releases nothing offline; hygiene
        if first_error is not None:
            notes.append(f"difference analysis failed: {_describe(first_error)}")
        return status
    notes.append(f"pyHanko could not validate the signature: {_describe(first_error or RuntimeError())}")
    return None


def _validate_with(
    embedded: EmbeddedPdfSignature, context: ValidationContext, is_document_timestamp: bool, skip_diff: bool
) -> Awaitable[SignatureStatus]:
    if is_document_timestamp:
        return async_validate_pdf_timestamp(
            embedded, validation_context=context, diff_policy=SIGNATURE_ADDITION_POLICY, skip_diff=skip_diff
        )
    if embedded.sig_object.get("/SubFilter") == _PKCS7_SHA1:
        return _validate_pkcs7_sha1(embedded, context, skip_diff)
    return async_validate_pdf_signature(
        embedded,
        signer_validation_context=context,
        key_usage_settings=_SIGNING_KEY_USAGE,
        diff_policy=SIGNATURE_ADDITION_POLICY,
        skip_diff=skip_diff,
    )


def _unexplained_form_changes(
    reader: PdfFileReader, status: SignatureStatus, revision: int, signed_in: Mapping[str, int]
) -> list[str]:
    """Form fields changed after the signature in `revision` that no later signature filled.

    pyHanko's FORM_FILLING level covers two different things: a later signer filling its own
    signature field (the organisation signing after the person) and any field getting a new value
    or a new field appearing after signing. The latter is how the shadow attacks on forms work
    (Mainka et al. 2021: a text field signed with one value shows another) and how an empty
    signature field added afterwards paints over the page (Rohlmann et al. 2021, "sneaky
    signature"): the signatures still verify while what the council reads has changed.

    pyHanko's list of changed fields also names fields that merely have an appearance stream made
    before the signed revision, so each named field is checked against the xref history first.
    """
    diff = status.diff_result if isinstance(status, ModificationInfo) else None
    changed = diff.changed_form_fields if isinstance(diff, DiffResult) else set()
    suspects = [name for name in changed if signed_in.get(name, -1) <= revision]
    if not suspects:
        return []
    fields = _form_fields(reader)
    return sorted(name for name in suspects if _changed_after(reader, fields.get(name), revision))


def _form_fields(reader: PdfFileReader) -> dict[str, Any]:
    """Fully qualified name ("parent.child") → reference of every field in the newest AcroForm."""
    found: dict[str, Any] = {}
    try:
        top = reader.root["/AcroForm"]["/Fields"]
    except Exception:  # no form, or a damaged one: nothing to name
        return found
    stack = [(top.raw_get(index), "") for index in range(len(top))]
    while stack and len(found) < 10_000:
        reference, parent = stack.pop()
        field = _attempt(reference.get_object) if isinstance(reference, generic.IndirectObject) else None
        if not isinstance(field, generic.DictionaryObject) or "/T" not in field:
            continue  # a pure widget or a damaged entry
        name = f"{parent}.{field['/T']}" if parent else str(field["/T"])
        if name in found:
            continue  # a loop in /Kids
        found[name] = reference
        kids = entry(field, "/Kids")
        if isinstance(kids, generic.ArrayObject):
            stack.extend((kids.raw_get(index), name) for index in range(len(kids)))
    return found


def _changed_after(reader: PdfFileReader, field_ref: Any, revision: int) -> bool:
    """Whether the field, its widgets, value or appearance streams were written after `revision`.

    /P and /Parent are not followed: a later signature legitimately rewrites the page (its /Annots)
    and the form. A field pyHanko names but the newest form does not hold counts as changed.
    """
    if field_ref is None:
        return True
    xrefs = reader.xrefs
    seen: set[Any] = set()
    stack: list[Any] = [field_ref]
    while stack:
        value = stack.pop()
        if isinstance(value, generic.IndirectObject):
            if value.reference in seen:
                continue
            seen.add(value.reference)
            try:
                if xrefs.get_last_change(value.reference) > revision:
                    return True
            except KeyError:  # referenced but defined nowhere: not what was signed
                return True
            value = _attempt(value.get_object)
        if isinstance(value, generic.DictionaryObject):
            stack.extend(value.raw_get(key) for key in value if key not in ("/P", "/Parent"))
        elif isinstance(value, generic.ArrayObject):
            stack.extend(value.raw_get(index) for index in range(len(value)))
    return False


def _unexplained_tail(reader: PdfFileReader, data: bytes) -> str | None:
    """What follows the %%EOF that ends the last revision in the file, when it is more than whitespace.

    Readers follow startxref from the end of the file, so objects appended after the last revision
    without a cross-reference section of their own (Mladenov et al. 2019, the incremental saving
    attack's variants without xref, or with a trailer whose startxref names the old xref) belong to
    no revision: pyHanko's difference analysis never sees them, while viewers that rebuild a damaged
    file from its `obj` keywords show them. Real tools leave only end-of-line characters or NUL
    padding there.
    """
    try:
        xrefs = reader.xrefs
        # The xref data that ends last in the file, not the newest revision's: in a linearised file
        # the newest section is the first-page one near the start, and the main xref follows later.
        end = max(xrefs.get_xref_container_info(revision).end_location for revision in range(xrefs.total_revisions))
    except Exception:  # no usable revision bookkeeping: pyHanko's own checks decide
        return None
    marker = data.find(b"%%EOF", end)
    if marker < 0:
        return None
    extra = data[marker + len(b"%%EOF") :].strip(PDF_WHITESPACE)
    if not extra:
        return None
    return (f"{len(extra)} bytes after the %%EOF that ends the last revision belong to no revision "
            "(appended without a cross-reference section)")


def _changed_after_all(facts: SignatureFacts, note: str) -> SignatureFacts:
    """`facts` of a signature followed by content no revision explains: a change after signing."""
    if facts.integrity is Integrity.UNKNOWN:
        return facts  # already never valid; its error says why
    error = "; ".join(part for part in (facts.error, note) if part)
    docmdp_ok = False if facts.docmdp_permission is not None else None  # no permission allows that
    return replace(facts, modification_level=ModificationLevel.OTHER, error=error, docmdp_ok=docmdp_ok)


def _validation_context(roots: tuple[x509.Certificate, ...] | None, moment: dt.datetime | None) -> ValidationContext:
    """Point-in-time validation at `moment`, offline, under `ALGORITHM_POLICY`.

    An explicit (possibly empty) anchor list: None would make certvalidator fall back to the
    operating system's TLS roots. "soft-fail" lets a chain without revocation data pass, which
    is all we can do without fetching. The configured certificates are split by `_anchors`.
    """
    anchors, intermediates = _anchors(roots or ())
    return ValidationContext(
        trust_roots=anchors,
        other_certs=intermediates,
        allow_fetching=False,
        moment=moment,
        revocation_mode="soft-fail",
        algorithm_usage_policy=ALGORITHM_POLICY,
    )


def _anchors(roots: Sequence[x509.Certificate]) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """The configured certificates as (trust anchors, certificates to build paths with).

    Councils configure a root and the intermediates under it (most real signatures carry only
    their own certificate), and sometimes an intermediate alone. A certificate issued by another
    configured certificate is path material, not an anchor: the path then runs up to the root, so
    the intermediate's own signature, validity period and CA constraints are checked instead of
    being trusted as given. The tops of the configured chains (roots, and any intermediate whose
    issuer is not configured) are the anchors: what the council chose to trust.
    """
    subjects = {root.subject.hashable for root in roots}
    anchors: list[x509.Certificate] = []
    intermediates: list[x509.Certificate] = []
    for root in roots:
        issued_by_configured = root.self_signed == "no" and root.issuer.hashable in subjects
        (intermediates if issued_by_configured else anchors).append(root)
    return anchors, intermediates


def _judging_moment(
    stamped: dt.datetime | None, claimed: dt.datetime | None, pdf_time: dt.datetime | None
) -> tuple[dt.datetime | None, TimeSource | None, str]:
    """When to judge the signature: (moment, `SignatureFacts.time_source`, in words for the trust detail)."""
    if stamped is not None:
        return stamped, TimeSource.TIMESTAMP, "signature timestamp"
    if claimed is not None and pdf_time is not None and _whole_hours_apart(claimed, pdf_time):
        return pdf_time, TimeSource.PDF_M, "PDF /M signing time; the CMS signing time is whole hours off it"
    if claimed is not None:
        return claimed, TimeSource.CLAIMED, "claimed signing time"
    return None, None, "validation time: the signature states no signing time"


# Signing tools write the CMS signing time and /M from one clock reading, seconds apart at most.
_SAME_READING = dt.timedelta(minutes=1)
_MAX_ZONE_OFFSET_HOURS = 14  # the widest UTC offset in use (UTC+14)


def _whole_hours_apart(claimed: dt.datetime, pdf_time: dt.datetime) -> bool:
    """Whether the CMS signing time is /M shifted by whole hours: a local time labelled UTC.

    iTextSharp 5 writes the signing-time attribute from the local clock but marks it UTC, so
    Vietnamese signatures claim 7 hours late while /M (and a timestamp token) are right. A
    difference of whole hours (give or take the seconds between the two writes) is that bug, not
    a signer's claim: /M is then the signing time.
    """
    apart = abs(claimed - pdf_time)
    hours = round(apart / dt.timedelta(hours=1))
    return 1 <= hours <= _MAX_ZONE_OFFSET_HOURS and abs(apart - dt.timedelta(hours=hours)) <= _SAME_READING


def _pdf_signing_time(embedded: EmbeddedPdfSignature) -> dt.datetime | None:
    """The signature dictionary's /M, whatever the CMS says."""
    value = embedded.sig_object.get("/M")
    return generic.parse_pdf_date(value, strict=False) if value is not None else None


def _timestamp_time(embedded: EmbeddedPdfSignature, is_document_timestamp: bool) -> dt.datetime | None:
    """genTime of the signature timestamp token (or of the document timestamp itself)."""
    if is_document_timestamp:
        return _aware(_gen_time(embedded.signed_data))
    for token in extract_tst_data_iter(embedded.signer_info, signed=False):
        return _aware(_gen_time(token))
    return None


def _gen_time(signed_data: Any) -> dt.datetime | None:
    content = signed_data["encap_content_info"]["content"]
    info = content.parsed if isinstance(content, asn1_core.ParsableOctetString) else None
    if isinstance(info, asn1_tsp.TSTInfo):
        value = info["gen_time"].native
        return value if isinstance(value, dt.datetime) else None
    return None


def _refused_algorithms(embedded: EmbeddedPdfSignature) -> tuple[str, ...]:
    """The algorithms of the signature and of its certificates that `ALGORITHM_POLICY` refuses.

    pyHanko applies the policy too, but only says that "an algorithm" failed (a chain that is not
    trusted); the council needs to know which, and that the signature itself proves nothing.
    Asked of the policy itself, so this list and pyHanko's verdict never disagree. Certificates:
    the signer's and the others the CMS carries, except self-signed ones (a root's signature on
    itself proves nothing anyway: it is trusted because it is configured).
    """
    refused: list[str] = []

    def refuse(name: str) -> None:
        if name not in refused:
            refused.append(name)

    signer_info = _attempt(lambda: embedded.signer_info)
    certificate = _attempt(lambda: embedded.signer_cert)
    if signer_info is None:
        return ()
    digest = signer_info["digest_algorithm"]
    if not ALGORITHM_POLICY.digest_algorithm_allowed(digest, None):
        refuse(digest["algorithm"].native)
    mechanism = signer_info["signature_algorithm"]
    key = certificate.public_key if certificate is not None else None
    if not ALGORITHM_POLICY.signature_algorithm_allowed(mechanism, None, key):
        refuse(_mechanism_name(mechanism, key))
    others = _attempt(lambda: embedded.other_embedded_certs) or []
    for carried in [certificate, *others] if certificate is not None else others:
        if carried.self_signed == "no":
            algorithm = carried["signature_algorithm"]
            if not ALGORITHM_POLICY.signature_algorithm_allowed(algorithm, None, None):
                refuse(_mechanism_name(algorithm, None))
    return tuple(refused)


def _mechanism_name(algorithm: Any, key: Any) -> str:
    """"md5_rsa"; "rsa-512" when the algorithm is fine but the key too short."""
    name = str(algorithm["algorithm"].native)
    if key is not None and key.algorithm in ("rsa", "dsa") and ALGORITHM_POLICY.signature_algorithm_allowed(
        algorithm, None, None
    ):
        return f"{key.algorithm}-{key.bit_size}"
    return name


async def _validate_pkcs7_sha1(
    embedded: EmbeddedPdfSignature, context: ValidationContext, skip_diff: bool
) -> SignatureStatus:
    """Validate an /adbe.pkcs7.sha1 signature, which pyHanko refuses, as poppler's pdfsig does.

    In this older form (PDF 1.3, deprecated by PDF 2.0) the CMS does not sign the byte ranges
    detached: it encapsulates their SHA-1 digest as its content and signs that. So: the byte
    ranges' SHA-1 must be the encapsulated content, and the CMS must verify over it. The rest is
    pyHanko's own sequence for a detached signature (`async_validate_pdf_signature`), with the
    same policy, key usage and difference analysis.
    """
    embedded.compute_integrity_info(  # type: ignore[no-untyped-call]  # pyHanko leaves it untyped
        diff_policy=SIGNATURE_ADDITION_POLICY, skip_diff=skip_diff
    )
    status_kwargs = embedded.summarise_integrity_info()
    status_kwargs.update(
        await generic_cms.collect_timing_info(embedded.signer_info, context, raw_digest=embedded.compute_digest)
    )
    if "signer_reported_dt" not in status_kwargs:
        reported = embedded.self_reported_timestamp
        if reported is not None:
            status_kwargs["signer_reported_dt"] = reported
    # raw_digest=None: pyHanko digests the encapsulated content itself.
    status_kwargs = await generic_cms.cms_basic_validation(
        embedded.signed_data, raw_digest=None, validation_context=context, status_kwargs=status_kwargs,
        key_usage_settings=PdfSignatureStatus.default_usage_constraints(_SIGNING_KEY_USAGE),
    )
    content = embedded.signed_data["encap_content_info"]["content"]
    octets = isinstance(content, asn1_core.OctetString | asn1_core.ParsableOctetString)
    signed_digest = content.native if octets else None
    if signed_digest != embedded.compute_digest("sha1"):
        status_kwargs["intact"] = False  # the byte ranges are not what was signed
    timestamp = status_kwargs.get("timestamp_validity")
    status_kwargs.update(report_seed_value_validation(
        embedded, status_kwargs["validation_path"], timestamp is not None and timestamp.valid and timestamp.trusted
    ))
    status_kwargs.update(await generic_cms.collect_signer_attr_status(
        sd_attr_certificates=embedded.embedded_attr_certs, signer_cert=embedded.signer_cert,
        validation_context=None, sd_signed_attrs=embedded.signer_info["signed_attrs"],
    ))
    return PdfSignatureStatus(**status_kwargs)


def _timestamp_ok(status: SignatureStatus) -> bool:
    validity = getattr(status, "timestamp_validity", None)
    return validity is not None and bool(validity.intact) and bool(validity.valid)


def _integrity(status: SignatureStatus) -> Integrity:
    if not status.intact:
        return Integrity.DIGEST_MISMATCH
    if not status.valid:
        return Integrity.BAD_SIGNATURE
    return Integrity.INTACT


def _judge_trust(
    status: SignatureStatus,
    roots: tuple[x509.Certificate, ...] | None,
    certificate: x509.Certificate | None,
    moment: dt.datetime | None,
    moment_source: str,
) -> tuple[Trust, str]:
    if roots is None:
        return Trust.NO_ROOTS, "no trust roots configured"
    if not status.valid:
        return Trust.UNKNOWN, "chain not evaluated: the signature value does not verify"
    # In Vietnam time, whichever clock gave the moment: the same instant reads the same in every report.
    when = moment.astimezone(VIETNAM_TIME).isoformat() if moment is not None else "validation time"
    # The chain is judged on its own; whether the signed bytes changed is the integrity fact.
    if status.validation_path is not None and status.trust_problem_indic is None:
        return Trust.TRUSTED, f"chain valid at {when} ({moment_source})"
    if status.trust_problem_indic is None:
        return Trust.UNTRUSTED, f"no path to a configured root ({moment_source} {when})"
    return Trust.UNTRUSTED, f"{_trust_problem(status, roots, certificate, moment)} ({moment_source} {when})"


def _trust_problem(
    status: SignatureStatus,
    roots: tuple[x509.Certificate, ...],
    certificate: x509.Certificate | None,
    moment: dt.datetime | None,
) -> str:
    """Why the chain failed, in words: our own checks first, pyHanko's AdES indication last."""
    if certificate is not None and certificate.self_signed != "no" and all(
        root.sha256 != certificate.sha256 for root in roots
    ):
        return "self-signed certificate that is not a configured root"
    if certificate is not None and moment is not None:
        not_before = certificate.not_valid_before
        not_after = certificate.not_valid_after
        if moment > not_after:
            return f"certificate expired before signing (valid until {not_after.isoformat()})"
        if moment < not_before:
            return f"certificate not yet valid at signing (valid from {not_before.isoformat()})"
    indication = status.trust_problem_indic
    name = getattr(indication, "name", str(indication))
    return _TRUST_PROBLEMS.get(name, f"chain invalid at signing time ({name})")


_TRUST_PROBLEMS = {
    "NO_CERTIFICATE_CHAIN_FOUND": "no path to a configured root",
    "CHAIN_CONSTRAINTS_FAILURE": "certificate not allowed for signing (key usage or constraints)",
    "OUT_OF_BOUNDS_NO_POE": "certificate outside its validity period at signing",
    "CRYPTO_CONSTRAINTS_FAILURE": "weak or disallowed algorithm in the chain",
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "weak or disallowed algorithm in the chain",
    "REVOKED_NO_POE": "certificate revoked",
    "REVOKED_CA_NO_POE": "a CA certificate in the chain is revoked",
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": "chain invalid at signing time",
}


# --- signer identity -------------------------------------------------------------------------------


_SUBJECT_FIELDS = {
    "common_name": "common_name",
    "organization_name": "organization",
    "organizational_unit_name": "organizational_unit",
    "locality_name": "locality",
    "state_or_province_name": "state",
    "country_name": "country",
}


def _subject(certificate: x509.Certificate) -> SignerSubject:
    firsts: dict[str, str] = {}
    uids: list[str] = []
    try:
        for rdn in certificate.subject.chosen:
            for attribute in rdn:
                kind = attribute["type"].native
                value = str(attribute["value"].native).strip()
                if kind == "user_id":
                    uids.append(value)
                elif kind in _SUBJECT_FIELDS:
                    firsts.setdefault(_SUBJECT_FIELDS[kind], value)
    except Exception:  # a malformed name keeps what was read before the damage
        pass
    return SignerSubject(
        common_name=firsts.get("common_name"),
        organization=firsts.get("organization"),
        organizational_unit=firsts.get("organizational_unit"),
        locality=firsts.get("locality"),
        state=firsts.get("state"),
        country=firsts.get("country"),
        uids=tuple(uids),
        rfc4514=_rfc4514(certificate, issuer=False) or "",
    )


def _rfc4514(certificate: x509.Certificate, *, issuer: bool) -> str | None:
    try:
        loaded = crypto_x509.load_der_x509_certificate(certificate.dump())
        return (loaded.issuer if issuer else loaded.subject).rfc4514_string()
    except Exception:  # cryptography is stricter than asn1crypto: fall back to a readable form
        try:
            name = certificate.issuer if issuer else certificate.subject
            return str(name.human_friendly)
        except Exception:
            return None


_ORGANIZATION_UID = re.compile(r"^\s*(MST|MNS)\s*[:=]", re.IGNORECASE)
_PERSON_UID = re.compile(r"^\s*(CCCD|CMND|CMT)\s*[:=]", re.IGNORECASE)
# How names of bodies begin, lower case with diacritics ("ủy", not "uỷ": see `_lower`).
_BODY_PREFIXES = (
    "ủy ban nhân dân", "ubnd", "hđnd", "hội đồng nhân dân", "sở ", "phòng ", "văn phòng", "trường ",
    "ban ", "chi cục", "cục ", "tổng cục", "trung tâm", "bộ ", "công an", "đảng ủy", "huyện ủy", "tỉnh ủy",
    "thành ủy", "thị ủy", "mặt trận", "bệnh viện", "trạm y tế", "kho bạc", "bảo hiểm xã hội", "ngân hàng",
    "công ty", "tòa án", "viện kiểm sát", "viện ", "hội ", "đoàn thanh niên", "liên đoàn", "chi nhánh",
    "thanh tra", "bộ chỉ huy", "ban chỉ huy",
)
_BODY_WORDS = ("ủy ban", "nhân dân", "ubnd")
# Certificates often carry CNs without diacritics ("UBND XA CAO AN", "SO NOI VU TINH THAI BINH").
# Without diacritics some prefixes are also surnames: Bồ, Viên, Bàn, Trương, Hồ… so they are left out.
_AMBIGUOUS_WITHOUT_DIACRITICS = frozenset({"bo ", "vien ", "ban ", "truong ", "hoi "})
_SURNAMES = frozenset((
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
    "duong", "ly", "dao", "dinh", "truong", "luong", "mai", "trinh", "doan", "cao", "lam", "ha", "ta", "chau",
    "to", "thai", "vuong", "hua", "kieu", "quach", "la", "lai", "tang", "van", "chu", "trieu", "khuc", "giang",
    "nong", "lo", "luc", "ong", "than", "tu", "mac", "ton", "au", "lu", "diep", "kim", "khong", "thach", "quan",
    "tong", "ung", "ban", "bo", "vien",
))


def _signer_kind(subject: SignerSubject) -> SignerKind:
    """Best judgement from the subject: whose signature this is.

    The CN says most (Decree 30: the person's name, or the body's name): a CN naming a body or
    equal to O wins; then a personal UID (CCCD/CMND/CMT); then a CN shaped like a Vietnamese
    personal name; then a body's UID (MST/MNS), which staff certificates of a body also carry.
    """
    common_name = subject.common_name or ""
    if common_name and (_looks_like_body(common_name) or _same_name(common_name, subject.organization)):
        return SignerKind.ORGANIZATION
    if any(_PERSON_UID.match(uid) for uid in subject.uids):
        return SignerKind.PERSON
    if common_name and _looks_like_person(common_name):
        return SignerKind.PERSON
    if any(_ORGANIZATION_UID.match(uid) for uid in subject.uids):
        return SignerKind.ORGANIZATION
    return SignerKind.UNKNOWN


def _lower(text: str) -> str:
    """One spelling, lower case: `extractors.text.canonical` ("Uỷ ban" and "Ủy ban", Ð and Đ, NFC or NFD)."""
    return canonical(text).casefold()


def _fold(text: str) -> str:
    """`_lower` without diacritics: "Ủy ban Nhân dân" → "uy ban nhan dan"."""
    return strip_marks(_lower(text))


# …but they still begin bodies' names when the next word says so.
_UNAMBIGUOUS_WITHOUT_DIACRITICS = (
    "truong thpt", "truong thcs", "truong tieu hoc", "truong mam non", "truong mau giao", "truong dai hoc",
    "truong cao dang", "truong trung hoc", "truong trung cap", "truong chinh tri", "ban quan ly", "ban chi dao",
    "ban dan van", "ban tuyen giao", "hoi dong", "hoi lien hiep", "hoi nong dan", "hoi cuu chien binh",
    "vien nghien cuu", "bo tu phap", "bo noi vu", "bo tai chinh",
)
_FOLDED_BODY_PREFIXES = tuple(
    folded for folded in map(strip_marks, _BODY_PREFIXES) if folded not in _AMBIGUOUS_WITHOUT_DIACRITICS
) + _UNAMBIGUOUS_WITHOUT_DIACRITICS
_FOLDED_BODY_WORDS = tuple(map(strip_marks, _BODY_WORDS))


def _looks_like_body(common_name: str) -> bool:
    if common_name.isascii():
        text, prefixes, words = _fold(common_name), _FOLDED_BODY_PREFIXES, _FOLDED_BODY_WORDS
    else:
        text, prefixes, words = _lower(common_name), _BODY_PREFIXES, _BODY_WORDS
    padded = f" {text} "
    return (text + " ").startswith(prefixes) or any(f" {word} " in padded for word in words)


def _same_name(common_name: str, organization: str | None) -> bool:
    return organization is not None and _lower(common_name) == _lower(organization)


def _looks_like_person(common_name: str) -> bool:
    words = common_name.split()
    if not 2 <= len(words) <= 6 or not all(word.isalpha() and word[0].isupper() for word in words):
        return False
    folded = _fold(common_name).split()
    return folded[0] in _SURNAMES or any(word in ("van", "thi") for word in folded[1:-1])


# --- pages, names, fallbacks ------------------------------------------------------------------------


class _PageIndex:
    """Page numbers (1-based) of widgets, from the page tree read once on first use."""

    def __init__(self, reader: PdfFileReader) -> None:
        self._reader = reader
        self._pages: list[Any] | None = None
        self._by_reference: dict[Any, int] = {}

    def page_of(self, field: generic.DictionaryObject) -> int | None:
        try:
            widget_ref, widget = _widget_of(field)
            self._load()
            target = widget.raw_get("/P") if "/P" in widget else None
            if isinstance(target, generic.IndirectObject) and target.reference in self._by_reference:
                return self._by_reference[target.reference]
            if widget_ref is not None:  # no /P: find the page whose /Annots lists the widget
                for number, page in enumerate(self._pages or (), start=1):
                    annotations = entry(page, "/Annots")
                    if isinstance(annotations, generic.ArrayObject) and any(
                        isinstance(entry, generic.IndirectObject) and entry.reference == widget_ref
                        for entry in annotations
                    ):
                        return number
        except Exception:  # a broken page tree only costs the page number
            return None
        return None

    def _load(self) -> None:
        if self._pages is not None:
            return
        pages: list[Any] = []
        seen: set[Any] = set()

        def walk(node_ref: Any, depth: int) -> None:
            if depth > 64 or not isinstance(node_ref, generic.IndirectObject) or node_ref.reference in seen:
                return
            seen.add(node_ref.reference)
            node = _deref(node_ref)
            if not isinstance(node, generic.DictionaryObject):
                return
            if node.get("/Type") == "/Pages" or "/Kids" in node:
                kids = entry(node, "/Kids")
                for kid in kids if isinstance(kids, generic.ArrayObject) else ():
                    walk(kid, depth + 1)
            else:
                self._by_reference[node_ref.reference] = len(pages) + 1
                pages.append(node)

        walk(self._reader.root.raw_get("/Pages"), 0)
        self._pages = pages


def _widget_of(field: generic.DictionaryObject) -> tuple[Any, generic.DictionaryObject]:
    """The field's first widget annotation and its reference (None when merged into the field)."""
    kids = entry(field, "/Kids")
    if isinstance(kids, generic.ArrayObject) and len(kids) > 0:
        first = kids.raw_get(0)
        widget = first.get_object()
        if isinstance(widget, generic.DictionaryObject):
            return (first.reference if isinstance(first, generic.IndirectObject) else None), widget
    # Objects read from a file know their own reference; a merged field is its own widget.
    container = getattr(field, "container_ref", None)
    return (container if isinstance(container, generic.Reference) else None), field


def _deref(value: Any) -> Any:
    return value.get_object()


def _subfilter_of(field: generic.DictionaryObject) -> str | None:
    try:
        value = field["/V"].get("/SubFilter")
        return str(value) if value is not None else None
    except Exception:  # a damaged /V: the subfilter is simply unknown
        return None


def _unknown(
    name: str,
    page: int | None,
    subfilter: str | None,
    error: str,
    *,
    certificate: x509.Certificate | None = None,
    claimed: dt.datetime | None = None,
    stamped: dt.datetime | None = None,
    hash_algorithm: str | None = None,
) -> SignatureFacts:
    """A signature that could not be evaluated: everything unknown, never valid."""
    subject = _attempt(lambda: _subject(certificate)) if certificate is not None else None
    return SignatureFacts(
        field_name=name,
        page=page,
        subject=subject,
        signer_kind=_signer_kind(subject) if subject is not None else SignerKind.UNKNOWN,
        issuer=_rfc4514(certificate, issuer=True) if certificate is not None else None,
        signing_time=claimed,
        timestamp_time=stamped,
        hash_algorithm=hash_algorithm,
        subfilter=subfilter,
        integrity=Integrity.UNKNOWN,
        coverage=None,
        modification_level=None,
        trust=Trust.UNKNOWN,
        trust_detail="not evaluated: the signature could not be validated",
        revocation=_REVOCATION,
        error=error,
    )


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[")


def _unverifiable(
    path: Path, data: bytes, known_fields: Sequence[SignatureField] | None, error: str
) -> tuple[SignatureFacts, ...]:
    """Facts for a file pyHanko cannot open: one unknown signature per signed field we can see."""
    fields = list(known_fields) if known_fields is not None else _pypdf_fields(path)
    signed = [field for field in fields if field.signed]
    if signed:
        return tuple(_unknown(field.name, field.page, None, error) for field in signed)
    # Not even pypdf sees a field, yet signature dictionaries are there: name them by position.
    count = len(_BYTE_RANGE.findall(data))
    return tuple(_unknown(f"(signature {index})", None, None, error) for index in range(1, count + 1))


def _pypdf_fields(path: Path) -> list[SignatureField]:
    try:
        return signature_fields(PdfReader(path, strict=False))
    except Exception:  # pypdf cannot read it either
        return []


def _attempt(read: Any) -> Any:
    """Value of `read()`, or None when the damaged structure behind it raises."""
    try:
        return read()
    except Exception:
        return None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=VIETNAM_TIME)


def _coverage(status: SignatureStatus) -> Coverage | None:
    """pyHanko's coverage level as ours (the same names)."""
    level = status.coverage if isinstance(status, ModificationInfo) else None
    return Coverage[level.name] if level is not None else None


def _modification_level(status: SignatureStatus) -> ModificationLevel | None:
    """pyHanko's modification level as ours (the same names), before kiemchung's review of form fields."""
    level = status.modification_level if isinstance(status, ModificationInfo) else None
    return ModificationLevel[level.name] if level is not None else None


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


__all__ = ["TrustRoot", "verify_signatures"]
