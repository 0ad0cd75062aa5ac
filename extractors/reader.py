"""`read_document`: one evidence file in, `DocumentFacts` out, never an exception.

Steps: refuse links, skip OS litter, hash the bytes, sniff what the content is, then hand over
to the PDF, Word (.docx, .doc) or image extractor. A file whose content is another readable kind
than its extension says (a .docx saved as ".doc") is read by its content, and `named_kind` keeps
what the name said; one that holds no readable kind (HTML or JSON named ".pdf") is wrong content.
Anything an extractor cannot read becomes a `ReadError` fact for the `unreadable` rule to judge.

A page with no text of its own — the first page of a scan without an OCR layer, or an image
file — has the header region of its page 1 read by OCR (`extractors.ocr`); the fields parsed from
it say `Source.OCR`. OCR that is turned off or not installed is recorded, never an error.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields, replace
from pathlib import Path

from asn1crypto.x509 import Certificate
from pypdf import PageObject
from pypdf.errors import LimitReachedError

from kiemchung.extractors import docx as docx_extractor
from kiemchung.extractors import legacy, pdfium_text, word97
from kiemchung.extractors import ocr as ocr_extractor
from kiemchung.extractors import pdf as pdf_extractor
from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.hashing import file_sha256
from kiemchung.extractors.header import has_signature_block, is_attachment, is_copy_stamp, parse_header
from kiemchung.extractors.imaging import VISIBLE_TEXT_CHARS, is_image_page
from kiemchung.extractors.models import (
    DocumentFacts,
    DocumentHeader,
    FileKind,
    OcrFacts,
    OcrStatus,
    PageImaging,
    ReadError,
    ReadProblem,
    TextLine,
)
from kiemchung.extractors.signatures import verify_signatures
from kiemchung.extractors.sniff import is_system_file, kind_for_name, sniff
from kiemchung.extractors.stamps import is_stamp, stamped_lines
from kiemchung.extractors.trust import TrustRootError, load_trust_roots

_IMAGED_PAGES = 3  # pages looked at for scan detection
_TEXT_PAGES = 12  # pages read from the start, at most, looking for the signature block (5-30 ms each)


def read_document(path: Path, *, trust_roots: tuple[Path, ...] = (), ocr: bool = True) -> DocumentFacts:
    """Read one evidence file; a file that cannot be read yields facts with `read_error` set.

    `trust_roots` (certificate files or folders) are what PDF signatures are verified against;
    a bad root raises `TrustRootError`, a configuration error rather than a fact about the file.
    `ocr=False` skips OCR of scans and images (recorded as `OcrStatus.DISABLED`).
    """
    roots = load_trust_roots(trust_roots)  # cached: checks every file's version, parses changed ones
    try:
        # lstat can fail too: a path longer than PATH_MAX (ENAMETOOLONG), a folder gone meanwhile.
        if path.is_symlink():
            return _failed(FileKind.OTHER, 0, "", ReadFailure(ReadProblem.LINK, "symbolic links are not followed"))
        if path.is_dir():
            return _failed(FileKind.OTHER, 0, "", ReadFailure(ReadProblem.NO_ACCESS, "folder cannot be listed"))
        if not stat.S_ISREG(path.lstat().st_mode):  # a named pipe blocks the first read forever; a device never ends
            detail = "not a regular file (a named pipe, socket or device)"
            return _failed(FileKind.OTHER, 0, "", ReadFailure(ReadProblem.UNSUPPORTED, detail, "unknown"))
    except OSError as error:
        return _failed(FileKind.OTHER, 0, "", ReadFailure(ReadProblem.NO_ACCESS, f"cannot reach the file: {error}"))
    if is_system_file(path.name):
        return DocumentFacts(kind=FileKind.SYSTEM, size=_size(path), sha256="")
    try:
        size, digest = file_sha256(path)
    except PermissionError as error:
        return _failed(FileKind.OTHER, 0, "", ReadFailure(ReadProblem.NO_ACCESS, str(error)))
    except OSError as error:
        return _failed(FileKind.OTHER, 0, "", ReadFailure(ReadProblem.CORRUPT, str(error)))
    kind = kind_for_name(path)
    if size == 0:
        return _failed(kind, size, digest, ReadFailure(ReadProblem.EMPTY, "zero bytes"))
    try:
        actual = sniff(path)
        if kind is FileKind.OTHER:
            raise ReadFailure(ReadProblem.UNSUPPORTED, f"unsupported file type {path.suffix or '(none)'}", actual)
        content = _CONTENT_KINDS.get(actual)
        if content is None:
            raise ReadFailure(ReadProblem.WRONG_CONTENT, f"named {kind.value} but holds {actual}", actual)
        # Read by what it holds: a .docx saved as ".doc", a .doc renamed ".docx", a PDF named ".doc".
        facts = _read_by_kind(path, content, size, digest, roots, ocr)
        return facts if content is kind else replace(facts, named_kind=kind)
    except ReadFailure as failure:
        return _failed(kind, size, digest, failure)
    except TrustRootError:
        raise
    except PermissionError as error:  # readable for hashing, then not: the permissions changed meanwhile
        return _failed(kind, size, digest, ReadFailure(ReadProblem.NO_ACCESS, str(error)))
    except RecursionError as error:  # pypdf resolves some references recursively: an object naming itself
        detail = f"reference loop or nesting too deep (RecursionError: {error})"
        return _failed(kind, size, digest, ReadFailure(ReadProblem.CORRUPT, detail))
    except MemoryError as error:
        return _failed(kind, size, digest, ReadFailure(ReadProblem.CORRUPT, f"MemoryError: {error}"))
    except LimitReachedError as error:
        return _failed(kind, size, digest, ReadFailure(ReadProblem.CORRUPT, pdf_extractor.limit_detail(error)))
    except Exception as error:  # a damaged file must never stop the batch
        return _failed(kind, size, digest, ReadFailure(ReadProblem.CORRUPT, f"{type(error).__name__}: {error}"))


# The content kinds (`extractors.sniff`) that are read, and what they are read as.
_CONTENT_KINDS = {"pdf": FileKind.PDF, "docx": FileKind.DOCX, "ole": FileKind.DOC, "image": FileKind.IMAGE}


def _read_by_kind(path: Path, kind: FileKind, size: int, digest: str, roots: list[Certificate],
                  ocr: bool) -> DocumentFacts:
    if kind is FileKind.PDF:
        return _read_pdf(path, size, digest, roots, ocr)
    if kind is FileKind.IMAGE:
        return _read_image(path, size, digest, ocr)
    if kind is FileKind.DOC:
        return _read_doc(path, size, digest)
    return _read_docx(path, size, digest)


def _read_pdf(path: Path, size: int, digest: str, roots: list[Certificate], ocr: bool) -> DocumentFacts:
    with pdf_extractor.reading_limits(), pdfium_text.opened(path) as document:  # pypdf's limits, tightened
        reader = pdf_extractor.open_pdf(path)
        pages = reader.pages
        count = len(pages)
        # Charge every page that will be interpreted (first, last, and the first ones imaged) before
        # pypdf or the imaging walk decodes anything; see `ContentBudget`.
        budget = pdf_extractor.ContentBudget()
        for index in sorted({0, count - 1} | set(range(min(count, _IMAGED_PAGES)))):
            budget.charge_page(pages[index], index + 1)

        loaded: dict[int, pdfium_text.PageRead | None] = {}

        def pdfium_page(index: int) -> pdfium_text.PageRead | None:
            """Each page loaded by PDFium once, for its text and its imaging alike."""
            if index not in loaded:
                imaged = index < _IMAGED_PAGES
                loaded[index] = pdfium_text.read_page(document, index, imaging=imaged) if document is not None else None
            return loaded[index]

        def page_chars(index: int) -> list[pdfium_text.Char] | None:
            page = pdfium_page(index)
            return page.chars if page is not None else None

        def page_lines(index: int) -> list[TextLine]:
            chars = page_chars(index)
            text = pdfium_text.layout_text(chars) if chars is not None else None
            return pdf_extractor.page_lines(pages[index], index + 1, text=text)

        lines = page_lines(0)
        signature_fields = pdf_extractor.signature_fields(reader, budget)
        # The last page is read whatever happens: a consolidated text closes there, a long one signs there.
        last = page_lines(count - 1) if count > 1 else []
        if not is_attachment(lines):  # an attachment's parent document is the one signed
            signed = {field.page for field in signature_fields if field.signed and field.page is not None}
            lines += _pages_to_signature(pages, budget, lines, last, signed, page_lines)
        lines += last
        imaged = (pdfium_page(index) for index in range(min(count, _IMAGED_PAGES)))
        imaging = _copy_stamps_aside(tuple(page.imaging for page in imaged if page and page.imaging), lines)
        # Stamps that show only a number are placed where they sit (last: it flattens pages in memory);
        # widgets that say what they are, read as text.
        stamped = stamped_lines(document, signature_fields, page_chars) if document is not None else []
        appearances = stamped + pdf_extractor.appearance_lines([f for f in signature_fields if not is_stamp(f)])
        header = parse_header(_legible(lines, imaging), appearances)
        ocr_facts = None
        if _needs_ocr(imaging):
            ocr_facts = ocr_extractor.ocr_pdf_page(path, 1) if ocr else _ocr_disabled()
            header = _with_ocr_header(header, ocr_facts, appearances)
        # pyHanko only finds signatures through the AcroForm: without one (and no widget) there is none.
        has_form = signature_fields or "/AcroForm" in reader.root_object
        signatures = verify_signatures(path, roots, known_fields=signature_fields) if has_form else ()
        return DocumentFacts(
            kind=FileKind.PDF, size=size, sha256=digest, page_count=count, header=header,
            signature_fields=tuple(signature_fields), signatures=signatures, imaging=imaging, ocr=ocr_facts,
        )


def _pages_to_signature(pages: Sequence[PageObject], budget: pdf_extractor.ContentBudget, first: list[TextLine],
                        last: list[TextLine], signed: set[int],
                        page_lines: Callable[[int], list[TextLine]]) -> list[TextLine]:
    """Lines of the pages between the first and the last that hold the signature block, when neither
    of those holds it (most documents sign on their last page: nothing more is read then).

    The block is looked for on the page of the first signed widget after page 1 and on the page
    before it (the leader signs over the block; the issuing stamps sit on page 1), then on pages 2,
    3, … up to `_TEXT_PAGES`: reading stops at the block (pages of appendices follow it), and before
    a page that would overrun the content budget (a page not read is no finding).
    """
    if has_signature_block([*first, *last]):
        return []
    widget = min((page for page in signed if page > 1), default=0)  # 1-based, 0 for none
    near = [index for index in (widget - 2, widget - 1) if 0 < index < len(pages) - 1]
    read: dict[int, list[TextLine]] = {}
    for indices in (near, range(1, min(len(pages) - 1, _TEXT_PAGES))):
        if _read_until_block(indices, pages, budget, first, page_lines, read):
            break
    return [line for index in sorted(read) for line in read[index]]


def _read_until_block(indices: Iterable[int], pages: Sequence[PageObject], budget: pdf_extractor.ContentBudget,
                      first: list[TextLine], page_lines: Callable[[int], list[TextLine]],
                      read: dict[int, list[TextLine]]) -> bool:
    """Read the pages `indices` in turn into `read` (a page already there is not read again) until a
    signature block shows: whether reading is over (the block found, or the content budget spent).

    A block may run over a page break: the first page (for the header) and the last two pages count.
    """
    recent: list[list[TextLine]] = []
    for index in indices:
        if index not in read:
            trial = pdf_extractor.ContentBudget(budget.limit - budget.spent)
            try:
                trial.charge_page(pages[index], index + 1)
            except ReadFailure:
                return True
            budget.spent += trial.spent
            read[index] = page_lines(index)
        recent = [*recent[-1:], read[index]]
        if has_signature_block([*first, *(line for page in recent for line in page)]):
            return True
    return False


def _copy_stamps_aside(imaging: tuple[PageImaging, ...], lines: list[TextLine]) -> tuple[PageImaging, ...]:
    """A page whose only text is a copy stamp ("SAO Y; <body>; <date>") counts as text-free: the
    certifying body stamps that line onto the scan it signs, and it does not make the paper born-digital."""
    stamped = {line.page for line in lines if is_copy_stamp(line.text)}
    only_stamp = {page for page in stamped if all(is_copy_stamp(line.text) for line in lines if line.page == page)}
    return tuple(replace(page, visible_chars=0) if page.page in only_stamp else page for page in imaging)


def _legible(lines: list[TextLine], imaging: tuple[PageImaging, ...]) -> list[TextLine]:
    """The lines, less those of a scanned page's own OCR layer that do not read as Vietnamese.

    A phone-scan app's layer can be garbage ("UYTANNHANOAN TINHLAMDONG"): read as the header, it
    would state an issuer the page does not show. Such a page's fields are left unread instead.
    """
    layered = {page.page for page in imaging if is_image_page(page) and page.invisible_chars > page.visible_chars}
    if not layered:
        return lines
    return [line for line in lines if line.page not in layered or legacy.reads_as_vietnamese(line.text)]


def _needs_ocr(imaging: tuple[PageImaging, ...]) -> bool:
    """Page 1 is one image with no text layer: nothing on it can be read but by OCR.

    A scan with an invisible OCR layer already has its text read from the layer.
    """
    first = imaging[0] if imaging else None
    return (
        first is not None
        and first.page == 1
        and is_image_page(first)
        and first.visible_chars + first.invisible_chars < VISIBLE_TEXT_CHARS
    )


def _with_ocr_header(header: DocumentHeader, facts: OcrFacts, appearances: list[TextLine]) -> DocumentHeader:
    """The header OCR read, the file's own text filling what OCR lacks (a signer on a last text page).

    Lines that do not make a document header are not parsed: a photo's stray words are no issuer.
    """
    if not facts.header_found:
        return header
    read = parse_header(list(facts.lines), appearances)
    return replace(read, **{f.name: getattr(header, f.name) for f in fields(read) if getattr(read, f.name) is None})


def _ocr_disabled() -> OcrFacts:
    return OcrFacts(OcrStatus.DISABLED, detail="OCR turned off for this run")


def _read_image(path: Path, size: int, digest: str, ocr: bool) -> DocumentFacts:
    """An image file: one picture of a page (the first frame of a multi-page TIFF) and its OCR'd header.

    Decoded even without OCR, so a damaged image is reported whether or not OCR runs.
    """
    page_image, frames = ocr_extractor.read_image_file(path)
    ocr_facts = ocr_extractor.ocr_header(page_image, 1) if ocr else _ocr_disabled()
    return DocumentFacts(
        kind=FileKind.IMAGE, size=size, sha256=digest, page_count=frames,
        header=_with_ocr_header(DocumentHeader(), ocr_facts, []), ocr=ocr_facts,
        # The picture is the whole page and holds no text layer: the same facts a scanned PDF page gives.
        imaging=(PageImaging(page=1, largest_image_coverage=1.0, visible_chars=0, invisible_chars=0),),
    )


def _read_docx(path: Path, size: int, digest: str) -> DocumentFacts:
    document = docx_extractor.open_docx(path)
    header = parse_header(docx_extractor.document_lines(document))
    return DocumentFacts(kind=FileKind.DOCX, size=size, sha256=digest, header=header,
                         package_signatures=docx_extractor.package_signatures(path))


def _read_doc(path: Path, size: int, digest: str) -> DocumentFacts:
    document = word97.read_word97(path)
    return DocumentFacts(kind=FileKind.DOC, size=size, sha256=digest, header=parse_header(document.lines),
                         package_signatures=document.signatures)


def _failed(kind: FileKind, size: int, digest: str, failure: ReadFailure) -> DocumentFacts:
    error = ReadError(failure.problem, failure.detail, failure.actual_kind)
    return DocumentFacts(kind=kind, size=size, sha256=digest, read_error=error, header=DocumentHeader())


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
