"""Typed facts that extractors hand to validators.

Every extracted field keeps the raw text it came from and where it was found
(`Located`), so a report can show the council *why* a rule fired. All classes are
frozen: facts cross package boundaries and are never edited on the way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")  # one time zone for the whole country


class FileKind(StrEnum):
    """What a file really is, judged from its bytes and its name."""

    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"  # Word 97-2003, the binary format
    IMAGE = "image"  # a picture file (.jpg, .png, .tif): a photo, or a scan or photo of a paper document
    SYSTEM = "system"  # operating-system litter (.DS_Store, Thumbs.db, ~$ lock files)
    OTHER = "other"


class ReadProblem(StrEnum):
    """Why a file could not be read. Values are stable: reports and rules use them."""

    EMPTY = "empty"
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    WRONG_CONTENT = "wrong-content"
    UNSUPPORTED = "unsupported"
    NO_ACCESS = "no-access"
    LINK = "link"
    UNSAFE = "unsafe"  # an archive member not unpacked: a name leaving the archive, a bomb, nested too deep
    NO_HEADER = "no-header"  # a table whose header row cannot be found
    TIMEOUT = "timeout"  # reading took longer than the run's per-file limit
    CRASHED = "crashed"  # the process reading it died (a crash in a library, out of memory)


@dataclass(frozen=True)
class ReadError:
    """A file that could not be read, with the technical detail for developers."""

    problem: ReadProblem
    detail: str
    actual_kind: str | None = None  # for WRONG_CONTENT: what the bytes really are


class Column(StrEnum):
    """Where a line sits on the page: the header is two columns side by side."""

    LEFT = "left"
    RIGHT = "right"
    FULL = "full"


class Source(StrEnum):
    """Which part of the file a fact was read from."""

    PAGE_TEXT = "page-text"
    SIGNATURE_APPEARANCE = "signature-appearance"
    DOCX_TABLE = "docx-table"  # a table of a Word file, .docx or .doc
    DOCX_BODY = "docx-body"
    OCR = "ocr"  # recognised by OCR in the image of a scanned page or an image file


@dataclass(frozen=True)
class OcrWord:
    """One word as OCR read it, and how sure OCR was of it."""

    text: str
    confidence: float  # 0-100 as Tesseract reports it


@dataclass(frozen=True)
class TextLine:
    """One line (or one column segment of a line) of a document, in reading order."""

    text: str
    page: int  # 1-based
    row: int  # visual row on its page, 0 at the top; segments of one row share it
    column: Column
    source: Source
    field_name: str | None = None  # the signature field whose appearance holds the line
    confidence: float | None = None  # OCR lines only: mean word confidence, 0-100 as Tesseract reports it
    # OCR lines only: the words as read, each with its confidence, so the tokens of one field (the
    # digits of a number, the day of a date) are judged by their own confidence, not the line's mean.
    words: tuple[OcrWord, ...] = ()


@dataclass(frozen=True)
class Where:
    """Provenance of an extracted value."""

    source: Source
    page: int | None
    field_name: str | None = None  # the signature field, for SIGNATURE_APPEARANCE


@dataclass(frozen=True)
class Located(Generic[T]):
    """A value together with the raw text it was read from and where."""

    value: T
    raw: str
    where: Where


def value_of(located: Located[str] | None) -> str | None:
    """A located text's value, None when absent or blank."""
    return located.value if located is not None and located.value else None


@dataclass(frozen=True)
class IssueDate:
    """The place-and-date line's date; any part may be blank in a draft."""

    day: int | None
    month: int | None
    year: int | None

    def as_date(self) -> dt.date | None:
        """The calendar date, or None when a part is blank or the date does not exist."""
        if self.day is None or self.month is None or self.year is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class DocumentHeader:
    """The Decree 30 header and signature block; None where the document has none."""

    issuer: Located[str] | None = None
    number: Located[str] | None = None  # as written: "11", "05", "12a"; "" when left blank
    symbol: Located[str] | None = None  # "KH-UBND"
    number_year: Located[str] | None = None  # "2018" in "30/2018/QĐ-UBND"
    type_name: Located[str] | None = None  # the printed type name, "KẾ HOẠCH"
    doc_type: Located[str] | None = None  # Appendix III abbreviation, "CV" for a công văn
    place: Located[str] | None = None
    date: Located[IssueDate] | None = None
    subject: Located[str] | None = None
    signer_role: Located[str] | None = None
    signer_name: Located[str] | None = None


@dataclass(frozen=True)
class SignatureField:
    """A signature form field as found in the file (verification is separate)."""

    name: str
    page: int | None
    signed: bool
    appearance_text: str
    rect: tuple[float, float, float, float] | None = None  # the widget on its page: left, bottom, right, top


class SignerKind(StrEnum):
    """Whose signature it is, judged from the certificate subject."""

    PERSON = "person"  # CN is a person's name; UID usually CCCD:/CMND:
    ORGANIZATION = "organization"  # CN is the body's name; UID usually MST:/MNS:
    UNKNOWN = "unknown"


class Integrity(StrEnum):
    """Whether the signed bytes and the signature value check out."""

    INTACT = "intact"
    DIGEST_MISMATCH = "digest-mismatch"  # the signed bytes were changed
    BAD_SIGNATURE = "bad-signature"  # the signature value does not verify
    UNKNOWN = "unknown"  # could not be evaluated (malformed, unsupported); never a pass


class Trust(StrEnum):
    """Whether the signer's certificate chains to a configured root at signing time."""

    TRUSTED = "trusted"
    UNTRUSTED = "untrusted"  # no path to a root, or the chain was invalid at signing time
    NO_ROOTS = "no-roots"  # nothing to check against: no trust roots configured
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SignerSubject:
    """The signer certificate's subject, with the Vietnamese UID prefixes kept (MST:, CCCD:)."""

    common_name: str | None
    organization: str | None
    organizational_unit: str | None = None
    locality: str | None = None
    state: str | None = None
    country: str | None = None
    uids: tuple[str, ...] = ()
    rfc4514: str = ""


class Coverage(StrEnum):
    """How much of the file a signature's byte range covers (pyHanko's `SignatureCoverageLevel`)."""

    UNCLEAR = "unclear"
    CONTIGUOUS_BLOCK_FROM_START = "contiguous-block-from-start"
    ENTIRE_REVISION = "entire-revision"  # the revision it signed: later revisions were appended
    ENTIRE_FILE = "entire-file"


class ModificationLevel(StrEnum):
    """What changed after a signature (pyHanko's `ModificationLevel`, after kiemchung's own review of
    form fields: a field filled behind the signers' backs is OTHER)."""

    NONE = "none"
    LTA_UPDATES = "lta-updates"  # a document timestamp, validation data
    FORM_FILLING = "form-filling"  # later signatures filling their own fields
    ANNOTATIONS = "annotations"
    OTHER = "other"


class TimeSource(StrEnum):
    """Which time a signature was judged at (`SignatureFacts.moment`)."""

    TIMESTAMP = "timestamp"  # a verified signature timestamp token
    CLAIMED = "claimed"  # the signer's own time (CMS signingTime)
    PDF_M = "pdf-m"  # /M: the CMS signing time is whole hours off it, a local time labelled UTC


@dataclass(frozen=True)
class SignatureFacts:
    """One embedded PDF signature as verified offline by pyHanko."""

    field_name: str
    page: int | None
    subject: SignerSubject | None
    signer_kind: SignerKind
    issuer: str | None  # the certificate issuer's RFC 4514 name
    signing_time: dt.datetime | None  # claimed by the signer (CMS signingTime, else the PDF's /M)
    timestamp_time: dt.datetime | None  # from a signature timestamp token, when there is one
    hash_algorithm: str | None  # the message digest: "sha256", "sha1", "md5"
    subfilter: str | None  # /adbe.pkcs7.detached, /ETSI.CAdES.detached, …
    integrity: Integrity
    coverage: Coverage | None
    modification_level: ModificationLevel | None  # what changed after this signature
    trust: Trust
    trust_detail: str  # why, in English, for developers and the report's detail column
    revocation: str  # "not-checked" unless CRLs were supplied
    error: str | None = None  # what pyHanko could not do, if anything
    # A certification signature (DocMDP, or a field lock's /P): the changes it permits afterwards,
    # 1 none, 2 form filling and signing, 3 also annotations; None for an approval signature.
    docmdp_permission: int | None = None
    # Whether what changed after it is within that permission; None when not certifying or unknown.
    docmdp_ok: bool | None = None
    pdf_signing_time: dt.datetime | None = None  # the signature dictionary's /M
    # Which time the signature was judged at, `moment`. None: not said; the timestamp if there is
    # one, else `signing_time`.
    time_source: TimeSource | None = None
    # Algorithms of the signature or its certificates that verification refuses as broken ("md5",
    # "md5_rsa", "rsa-512"): such a signature proves nothing even when it verifies.
    refused_algorithms: tuple[str, ...] = ()

    @property
    def moment(self) -> dt.datetime | None:
        """When it was signed: the time `time_source` names (the timestamp, else the signer's time)."""
        if self.time_source is TimeSource.PDF_M:
            return self.pdf_signing_time
        if self.time_source is TimeSource.CLAIMED:
            return self.signing_time
        return self.timestamp_time or self.signing_time


@dataclass(frozen=True)
class PageImaging:
    """How a page is made: how much of it one image covers, and its visible and invisible text."""

    page: int
    largest_image_coverage: float  # 0..1 of the page area
    visible_chars: int
    invisible_chars: int  # text render mode 3: the OCR layer of a scan


class OcrStatus(StrEnum):
    """Whether the header of a scanned page or an image file was read by OCR. Values are stable."""

    READ = "read"  # Tesseract ran on the header region of page 1
    DISABLED = "disabled"  # the run was told not to OCR
    UNAVAILABLE = "unavailable"  # Tesseract or its Vietnamese model is not installed
    FAILED = "failed"  # no page image could be taken, or Tesseract failed or timed out


@dataclass(frozen=True)
class OcrFacts:
    """What OCR read from the top of page 1 of a scan or an image file, or why it read nothing.

    Only the header region is read: the facts the council cites (issuer, number and symbol, place
    and date, type and title) sit there. `header_found` says whether those lines look like the
    header of an administrative document (national motto, a "Số:" line, a type name with a date),
    which is what tells a photographed or scanned paper document from a photo of an event.
    """

    status: OcrStatus
    engine: str = ""  # `extractors.ocr.engine_version()`: program, version and model
    page: int = 1
    lines: tuple[TextLine, ...] = ()  # the lines kept, `Source.OCR`, each with its confidence
    confidence: float | None = None  # mean word confidence of `lines`, 0-100; None when nothing was read
    header_found: bool = False
    header_evidence: tuple[str, ...] = ()  # the lines that mark a document header, as read
    detail: str = ""  # for developers: why OCR failed, or the size and resolution of the region read


@dataclass(frozen=True)
class DocumentFacts:
    """Everything read from one evidence file."""

    kind: FileKind
    size: int
    sha256: str
    read_error: ReadError | None = None
    page_count: int | None = None
    header: DocumentHeader = field(default_factory=DocumentHeader)
    signature_fields: tuple[SignatureField, ...] = ()
    signatures: tuple[SignatureFacts, ...] = ()
    package_signatures: int = 0  # signatures inside a Word file (.docx package or .doc), counted, not verified
    # What the file's extension says it is, when its content is another kind that was read.
    named_kind: FileKind | None = None
    imaging: tuple[PageImaging, ...] = ()  # the first pages, for scan detection
    ocr: OcrFacts | None = None  # None when no page needed OCR (a born-digital file, a scan with a text layer)


@dataclass(frozen=True)
class Citation:
    """A document cited in running text: "Kế hoạch số 11/KH-UBND ngày 30/01/2023"."""

    raw: str
    doc_type: str | None  # Appendix III code from the type word ("Kế hoạch" -> "KH"), "CV" for "Công văn"
    number: str | None  # as written: "11", "12a"
    symbol: str | None  # "KH-UBND"
    date: dt.date | None


@dataclass(frozen=True)
class ExplanationFacts:
    """What an explanation (giải trình) states, found by transparent rule-based matching.

    Each tuple holds the matched text spans, so a finding can quote what was (or was not) there.
    """

    text: str
    figures: tuple[str, ...]  # quantities: "100%", "15/15 hồ sơ", "03 cuộc kiểm tra", "đạt 98,5%"
    results: tuple[str, ...]  # result statements: "hoàn thành 100%", "đạt tỷ lệ", "kết quả: …"
    pointers: tuple[str, ...]  # where in the evidence: "trang 2", "mục II", "phụ lục 1", "điểm a khoản 1"
    citations: tuple[Citation, ...]  # documents cited by number/symbol/date
    generic_phrases: tuple[str, ...]  # boilerplate: "Đã thực hiện đầy đủ", "Hoàn thành tốt nhiệm vụ"


@dataclass(frozen=True)
class AssessmentRow:
    """One row of the unit's self-assessment table, values as read plus their raw cells."""

    row_number: int  # 1-based row in the sheet or table, as the unit sees it
    code: str | None  # "1.1"; a field row's Roman numeral becomes its number ("I" -> "1")
    title: str
    max_score: float | None
    self_score: float | None
    explanation: str  # giải trình / thuyết minh
    evidence_text: str  # the "Tài liệu kiểm chứng" column
    raw_max_score: str = ""
    raw_self_score: str = ""
    is_field: bool = False  # a field (lĩnh vực) heading row: "I | CÔNG TÁC CHỈ ĐẠO… | 10"
    analysis: ExplanationFacts | None = None  # the explanation analysed when the table is read
    evidence_citations: tuple[Citation, ...] = ()  # documents the evidence column cites


@dataclass(frozen=True)
class SelfAssessmentTable:
    """The unit's self-assessment (bảng tự đánh giá), or why it could not be read."""

    rows: tuple[AssessmentRow, ...] = ()
    header_row: int | None = None  # 1-based
    columns: tuple[tuple[str, str], ...] = ()  # (role, header text as written), e.g. ("self_score", "Điểm tự chấm")
    total_self_score: float | None = None  # from the total row, when the table has one
    total_max_score: float | None = None
    read_error: ReadError | None = None
