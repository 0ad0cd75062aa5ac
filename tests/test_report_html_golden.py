"""The web reports against stored renderings: a change to what report.html or index.html shows must be deliberate.

A fixed, hand-built unit that reaches every part of the pages (zeroed and sound criteria three levels deep,
a field with findings of its own, criteria outside any field, signatures in every state, pictures, a file
that could not be read, files tied to no criterion, responsibilities, the folder tree) is rendered and
compared with `tests/fixtures/html/*.html` by DOM: both are parsed with lxml, and only whitespace that no
browser shows is left out of the comparison (whitespace-only text between block-level elements), so the
templates may be laid out freely while every visible character, element and attribute must stay.

After a deliberate change to the pages, write the stored renderings again and review the diff:
    KIEMCHUNG_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report_html_golden.py
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from kiemchung import __version__
from kiemchung.criteria_map.matching import Match
from kiemchung.criteria_map.models import CriterionAssessment, EvidenceItem, Totals, UnitAssessment
from kiemchung.extractors.models import (
    VIETNAM_TIME,
    Column,
    DocumentFacts,
    DocumentHeader,
    ExplanationFacts,
    FileKind,
    Integrity,
    IssueDate,
    Located,
    OcrFacts,
    OcrStatus,
    ReadError,
    ReadProblem,
    SignatureFacts,
    SignatureField,
    SignerKind,
    SignerSubject,
    Source,
    TextLine,
    Trust,
    Where,
)
from kiemchung.pipeline.labels import Lang
from kiemchung.pipeline.reports.html import render_batch_index, render_unit_page
from kiemchung.pipeline.reports.tree import TreeReport
from kiemchung.validators.model import Finding, Outcome, Proof, ProofKind, Severity

GOLDEN = Path(__file__).parent / "fixtures" / "html"
VERSION = "VERSION"  # the stored pages say this instead of the version that rendered them
MARKUP = "<b>\"ngoặc\" & 'nháy'</b>"  # text that must reach the page as text


# --------------------------------------------------------------------------------------- the fixed unit


def _at(value: str, page: int = 1) -> Located[str]:
    return Located(value, value, Where(Source.PAGE_TEXT, page))


def _header(number: str, symbol: str, day: int, subject: str) -> DocumentHeader:
    return DocumentHeader(
        issuer=_at("ỦY BAN NHÂN DÂN XÃ MẪU"),
        number=_at(number),
        symbol=_at(symbol),
        type_name=_at("KẾ HOẠCH"),
        date=Located(IssueDate(day, 3, 2023), f"Mẫu, ngày {day} tháng 3 năm 2023", Where(Source.PAGE_TEXT, 1)),
        subject=_at(subject),
        signer_role=_at("CHỦ TỊCH"),
        signer_name=_at("Nguyễn Văn An"),
    )


def _signature(name: str, kind: SignerKind, integrity: Integrity, trust: Trust, when: dt.datetime) -> SignatureFacts:
    return SignatureFacts(
        field_name=name,
        page=1,
        subject=SignerSubject("Nguyễn Văn An" if kind is SignerKind.PERSON else "UBND xã Mẫu", None),
        signer_kind=kind,
        issuer="CN=Test CA",
        signing_time=when,
        timestamp_time=None,
        hash_algorithm="sha256" if integrity is Integrity.INTACT else None,
        subfilter="/adbe.pkcs7.detached",
        integrity=integrity,
        coverage="entire-file",
        modification_level="none",
        trust=trust,
        trust_detail="",
        revocation="not-checked",
    )


def _facts(kind: FileKind, **read: Any) -> DocumentFacts:
    return DocumentFacts(kind, 1000, "0" * 64, **read)


def _ocr_line(text: str) -> TextLine:
    return TextLine(text, 1, 0, Column.FULL, Source.OCR, confidence=91.0)


def sample_unit(name: str = "UBND xã Mẫu") -> UnitAssessment:
    """One unit that reaches every branch of the unit page."""
    signed = "1.1/11-KH-UBND.pdf"
    zeroing = "1.2/12.1-BC-UBND.pdf"
    photo, paper, unknown = "2.1/hội nghị.jpg", "2.1/47-BC-UBND.jpg", "2.1/scan.png"
    broken, loose, litter = "2.1/hỏng.pdf", f"khác/{MARKUP}.docx", "Thumbs.db"
    number_suffix = Finding(
        "number-suffix",
        "KC201",
        Severity.ERROR,
        True,
        Outcome.FAILED,
        "Số văn bản “12.1” có hậu tố “.1”",
        Proof("Số: 12.1/BC-UBND", 1, ProofKind.PAGE_TEXT),
    )
    undecided = Finding(
        "signature-untrusted",
        "KC304",
        Severity.WARNING,
        False,
        Outcome.INDETERMINATE,
        "Không xác định được chứng thư",
        Proof("CN=Test CA", None, ProofKind.SIGNATURE, "Signature2"),
    )
    evidence = (
        EvidenceItem(
            signed,
            _facts(
                FileKind.PDF,
                header=_header("11", "KH-UBND", 30, MARKUP),
                signature_fields=(SignatureField("Signature3", 1, False, ""),),
                signatures=(
                    _signature(
                        "Signature1",
                        SignerKind.PERSON,
                        Integrity.INTACT,
                        Trust.TRUSTED,
                        dt.datetime(2023, 3, 22, 2, 1, 19, tzinfo=dt.UTC),
                    ),
                    _signature(
                        "Signature2",
                        SignerKind.ORGANIZATION,
                        Integrity.DIGEST_MISMATCH,
                        Trust.UNKNOWN,
                        dt.datetime(2023, 3, 22, 9, 1, 19),
                    ),
                ),
            ),
            (undecided,),
            (Match("1.1", "folder", 100, None, "1.1"), Match("1.1", "title", 91.5, 12.0, "Kế hoạch CCHC")),
        ),
        EvidenceItem(
            zeroing,
            _facts(FileKind.PDF, header=_header("12.1", "BC-UBND", 5, "Báo cáo CCHC")),
            (number_suffix,),
            (Match("1.2", "file-name", 100, None, "12.1"),),
        ),
        EvidenceItem(
            photo,
            _facts(FileKind.IMAGE, ocr=OcrFacts(OcrStatus.READ, confidence=40.0)),
            (),
            (Match("2.1", "folder", 100, None, "2.1"),),
        ),
        EvidenceItem(
            paper,
            _facts(
                FileKind.IMAGE,
                header=DocumentHeader(number=Located("47", "47", Where(Source.OCR, 1))),
                ocr=OcrFacts(
                    OcrStatus.READ,
                    lines=(_ocr_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),),
                    confidence=88.6,
                    header_found=True,
                ),
            ),
            (),
            (Match("2.1", "citation", 100, None, "47/BC-UBND"),),
        ),
        EvidenceItem(
            unknown,
            _facts(FileKind.IMAGE, ocr=OcrFacts(OcrStatus.DISABLED)),
            (),
            (Match("2.1", "folder", 100, None, "2.1"),),
        ),
        EvidenceItem(
            broken,
            _facts(FileKind.PDF, read_error=ReadError(ReadProblem.EMPTY, "0 bytes")),
            (Finding("unreadable", "KC001", Severity.ERROR, True, Outcome.FAILED, "Tệp rỗng", Proof("", None)),),
            (Match("2.1", "folder", 100, None, "2.1"),),
        ),
        EvidenceItem(loose, _facts(FileKind.DOCX, header=_header("3", "TB-UBND", 1, "Thông báo")), ()),
        EvidenceItem(litter, _facts(FileKind.SYSTEM), ()),
    )
    explanation = ExplanationFacts(f"Đã thực hiện.\n  {MARKUP}", (), (), (), (), ())
    criteria = (
        CriterionAssessment(
            "1",
            (),
            (),
            (),
            "Công tác chỉ đạo",
            children=("1.1", "1.2"),
            self_score=3.5,
            max_score=4.0,
            children_recommended=1.5,
            responsible=("Văn phòng",),
        ),
        CriterionAssessment(
            "1.1",
            (signed,),
            (),
            (),
            "Kế hoạch CCHC",
            parent="1",
            children=("1.1.1",),
            self_score=1.5,
            max_score=1.5,
            children_recommended=1.5,
            explanation=explanation,
            evidence_text="Kế hoạch số 11/KH-UBND",
            responsible=("Văn phòng", MARKUP),
        ),
        CriterionAssessment("1.1.1", (), (), (), "Ban hành đúng hạn", parent="1.1", self_score=1.5, max_score=1.5),
        CriterionAssessment(
            "1.2",
            (zeroing,),
            (
                Finding(
                    "vague-explanation",
                    "KC401",
                    Severity.WARNING,
                    False,
                    Outcome.FAILED,
                    "Giải trình chung chung",
                    Proof("Đã thực hiện", None, ProofKind.ROW, "9"),
                ),
            ),
            (zeroing,),
            "Báo cáo CCHC",
            parent="1",
            self_score=2.0,
            max_score=2.5,
            explanation=ExplanationFacts("  ", (), (), (), (), ()),
            responsible=("Văn phòng", "Tư pháp"),
        ),
        CriterionAssessment(
            "2",
            (),
            (
                Finding(
                    "score-over-max",
                    "KC402",
                    Severity.ERROR,
                    True,
                    Outcome.FAILED,
                    "Điểm tự chấm vượt điểm tối đa",
                    Proof("9", None, ProofKind.ROW, "20"),
                ),
            ),
            (),
            "",
            children=("2.1",),
            self_score=9.0,
            max_score=3.0,
        ),
        CriterionAssessment(
            "2.1", (photo, paper, unknown, broken), (), (broken,), "Ảnh", parent="2", self_score=1.0, max_score=1.0
        ),
        CriterionAssessment("7.1", (), (), (), "", parent="7", self_score=None, max_score=2.0),
    )
    unit_findings = (
        Finding(
            "missing-table", "KC100", Severity.INFO, False, Outcome.FAILED, "Thiếu bảng",
            Proof("x", None, ProofKind.CONFIG),
        ),
        Finding(
            "loose-files", "KC101", Severity.WARNING, False, Outcome.FAILED, "Tệp lạc",
            Proof("", 2, ProofKind.UNIT_EVIDENCE),
        ),
    )
    return UnitAssessment(
        name,
        2023,
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        "bảng tự chấm.xlsx",
        evidence,
        criteria,
        unit_findings,
        Totals(12.5, 1.5, 7.0),
        "self-assessment",
    )


def sample_batch() -> tuple[list[UnitAssessment], TreeReport]:
    """The sample unit, one that sent nothing and one whose scores are unknown, and a tree with strays."""
    units = [
        sample_unit(),
        UnitAssessment(
            "UBND xã Trống",
            2023,
            dt.date(2023, 1, 1),
            dt.date(2023, 12, 31),
            None,
            (),
            (),
            totals=Totals(None, None, None),
        ),
        UnitAssessment(
            f"UBND phường có tên rất dài để cắt bớt trên biểu đồ {MARKUP}",
            2023,
            dt.date(2023, 1, 1),
            dt.date(2023, 12, 31),
            "bảng.xlsx",
            (EvidenceItem("a.pdf", _facts(FileKind.PDF), ()),),
            (),
            totals=Totals(4.0, 3.0, 5.0),
        ),
    ]
    tree = TreeReport("lô", (), ("lạc chỗ.pdf", MARKUP), ("Hai bảng tự đánh giá trong một thư mục", MARKUP))
    return units, tree


def pages() -> dict[str, str]:
    """Each stored page's name and its rendering now."""
    unit = sample_unit()
    units, tree = sample_batch()
    links = {"report.json": "report.json", "Tổng hợp": "../index.html", "Báo cáo Excel": "báo cáo.xlsx"}
    rendered = {
        "unit.vi.html": render_unit_page(unit, Lang.VI, links),
        "unit.en.html": render_unit_page(unit, Lang.EN),
        "index.vi.html": render_batch_index(units, Lang.VI, tree),
        "index.en.html": render_batch_index(units, Lang.EN),
    }
    return {name: page.replace(__version__, VERSION) for name, page in rendered.items()}


assert VIETNAM_TIME.utcoffset(None) == dt.timedelta(hours=7)  # Signature1's time is shown as 09:01:19 (UTC+7)


# --------------------------------------------------------------------------------------------- the DOM

# Elements that are laid out as blocks by the reports' style sheet: whitespace between them is never shown.
_BLOCK_TAGS = (
    "html head body meta title style div main header footer nav section article details summary p h1 h2 h3 h4 h5 "
    "ul ol li dl dt dd table caption thead tbody tr th td blockquote svg g"
)
BLOCKS = frozenset(_BLOCK_TAGS.split())
SVG_GROUPS = frozenset({"svg", "g"})  # SVG shows text only inside <text>


def canonical(page: str) -> list[object]:
    """The page as nested lists: the doctype, then (tag, sorted attributes, children), text kept verbatim
    except whitespace-only text whose neighbours are blocks (or the start or end of their parent) or that
    sits directly in an SVG group."""
    document = lxml.html.document_fromstring(page)
    return [document.getroottree().docinfo.doctype, _node(document)]


def _node(element: lxml.html.HtmlElement) -> tuple[str, list[tuple[str, str]], list[object]]:
    parts: list[object] = []  # text and elements in document order
    if element.text:
        parts.append(element.text)
    for child in element:
        parts.append(child)
        if child.tail:
            parts.append(child.tail)
    children: list[object] = []
    for index, part in enumerate(parts):
        if isinstance(part, str):
            before = parts[index - 1] if index > 0 else None
            after = parts[index + 1] if index + 1 < len(parts) else None
            shown = element.tag not in SVG_GROUPS and not (_is_block(before) and _is_block(after))
            if part.strip() or shown:
                children.append(part)
        else:
            children.append(_node(part))
    return str(element.tag), sorted(element.attrib.items()), children


def _is_block(part: object) -> bool:
    """None (the start or end of the parent) counts as a block edge."""
    return part is None or (not isinstance(part, str) and str(getattr(part, "tag", "")) in BLOCKS)


# ---------------------------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("name", ["unit.vi.html", "unit.en.html", "index.vi.html", "index.en.html"])
def test_page_is_as_stored(name: str) -> None:
    page = pages()[name]
    stored = GOLDEN / name
    if os.environ.get("KIEMCHUNG_WRITE_GOLDEN"):
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(page, "utf-8")
    assert canonical(page) == canonical(stored.read_text("utf-8")), f"{name} differs from {stored}"


def test_the_comparison_sees_visible_changes() -> None:
    """Whitespace between blocks is free; a space inside a line, an attribute or a character is not."""
    page = (GOLDEN / "unit.vi.html").read_text("utf-8")
    assert canonical(page.replace("<main>", "<main>\n   ")) == canonical(page)
    assert canonical(page.replace("</li><li", "</li>\n<li", 1)) == canonical(page)
    for changed in (
        page.replace('<span class="path">', ' <span class="path">', 1),
        page.replace('class="badge zero"', 'class="zero badge"', 1),
        page.replace("Nguyễn Văn An", "Nguyen Van An", 1),
        page.replace(' open data-path="', ' data-path="', 1),
    ):
        assert changed != page and canonical(changed) != canonical(page)


def test_sample_reaches_every_part_of_the_pages() -> None:
    """The sample must keep showing what the comparison is meant to guard."""
    unit, index = pages()["unit.vi.html"], pages()["index.vi.html"]
    for part in (
        'class="notice"',  # OCR off
        'class="badge sev-warning"',
        'class="badge undecided"',
        'class="criterion depth-2"',
        'id="field-other"',
        "Không đọc được",
        'class="people"',
        'id="unmatched"',
        "(UTC+7)",
        'class="signatures"',
        "&lt;b&gt;",
    ):
        assert part in unit, part
    for part in ('id="tree"', 'class="unit-bar"', "…</text>", "&lt;b&gt;"):
        assert part in index, part
