"""The Word documents (report.docx, summary.docx), opened back with python-docx and converted by LibreOffice.

The sample batch is judged once for the module by the real pipeline, with the sample criteria set and a
config that names the council; the documents checked are the ones the run wrote. A small hand-built unit
carries text XML cannot hold.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table

from kiemchung.criteria_map.models import CriterionAssessment, EvidenceItem, Totals, UnitAssessment
from kiemchung.criteria_map.ranking import ranked
from kiemchung.extractors.models import DocumentFacts, FileKind
from kiemchung.pipeline.config import Config, load_config
from kiemchung.pipeline.labels import Lang
from kiemchung.pipeline.reports.word import (
    BATCH_DOCUMENT,
    UNIT_DOCUMENT,
    CheckRecord,
    write_batch_document,
    write_unit_document,
)
from kiemchung.pipeline.run import check
from kiemchung.validators.format import vn_score
from kiemchung.validators.model import Finding, Outcome, Proof, ProofKind, Severity
from kiemchung.validators.registry import rule_by_key
from tests.english import english_words
from tests.office import NO_SOFFICE, SOFFICE, page_sizes, to_pdf

ROOT = Path(__file__).parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BATCH = ROOT / "samples" / "batch"
COMMUNE = "UBND xã Cao An"
ISSUER = ("UBND TỈNH MẪU", "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC")
@dataclass(frozen=True)
class Run:
    units: dict[str, UnitAssessment]
    out: Path
    config: Config


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("docx")
    settings = base / "hội đồng.toml"
    settings.write_text(f'[report]\nissuer = ["{ISSUER[0]}", "{ISSUER[1]}"]\nplace = "Mẫu"\n', "utf-8")
    config = load_config(
        settings,
        year=2023,
        trust_roots=(ROOT / "samples" / "trust" / "test-root.pem",),
        criteria_file=ROOT / "criteria_map" / "sample-commune.yaml",
        formats="json,docx",
    )
    out = base / "out"
    units = {unit.unit: unit for unit in check(BATCH, config, out, progress="quiet").units}
    return Run(units, out, config)


def commune(run: Run) -> tuple[UnitAssessment, Document]:
    return run.units[COMMUNE], docx.Document(str(run.out / COMMUNE / UNIT_DOCUMENT))


def mm(length: Length | None) -> int:
    """A length in whole millimetres (Word stores twentieths of a point)."""
    assert length is not None
    return round(length.mm)


def texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_with(document: Document, first_header: str, header: str) -> Table:
    (found,) = [t for t in document.tables if t.rows[0].cells[0].text == first_header and header in texts(t)[0]]
    return found


def all_text(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------------- layout


def test_the_run_writes_both_documents(run: Run) -> None:
    out = run.out
    for unit in run.units:
        assert (out / unit / UNIT_DOCUMENT).stat().st_size > 0
    assert (out / BATCH_DOCUMENT).stat().st_size > 0
    assert not list(out.rglob(".kiemchung-*"))  # no temporary file left (pipeline.atomic)


def test_header_is_the_decree_30_table(run: Run) -> None:
    _, document = commune(run)
    header = document.tables[0]
    assert texts(header) == [
        # each column ends with the short line drawn under it: an empty paragraph with a bottom border
        ["\n".join([*ISSUER, ""]), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"],
        ["Số: ……/……", f"Mẫu, ngày …… tháng …… năm {dt.date.today().year}"],
    ]
    body = header.rows[0].cells[0].paragraphs
    assert [bool(run.bold) for p in body[:2] for run in p.runs] == [False, True]  # the council itself in bold
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and {b.get(qn("w:val")) for b in borders} == {"nil"}
    assert header.rows[1].cells[1].paragraphs[0].runs[0].italic


def test_title_subject_and_page(run: Run) -> None:
    _, document = commune(run)
    bold_centred = [p.text for p in document.paragraphs if p.runs and p.runs[0].bold and p.alignment == 1]
    assert bold_centred[:2] == [
        "KẾT QUẢ KIỂM TRA TÀI LIỆU KIỂM CHỨNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023",
        f"Đơn vị: {COMMUNE}",
    ]
    body, appendix = document.sections
    assert (mm(body.page_width), mm(body.page_height)) == (210, 297)
    assert (mm(appendix.page_width), mm(appendix.page_height)) == (297, 210)
    for section in document.sections:
        assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
        assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    fonts = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None and fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 13
    assert document.core_properties.language == "vi-VN"


def test_signature_block_and_recipients(run: Run) -> None:
    _, document = commune(run)
    recipients, signature = document.tables[-2].rows[0].cells  # the last table before the appendix's
    assert [p.text for p in recipients.paragraphs] == [
        "Nơi nhận:",
        f"- {COMMUNE};",
        "- Thành viên Hội đồng;",
        "- Lưu: VT.",
    ]
    lines = [p.text for p in signature.paragraphs]
    assert lines == [f"TM. {ISSUER[1]}", "CHỦ TỊCH", "(Ký, ghi rõ họ tên)", *[""] * 5]  # then room to sign


# The schema's order of the children of the properties this module writes (ECMA-376 part 1). Word refuses a
# file whose elements are out of order; LibreOffice does not mind, so its conversion cannot tell.
SCHEMA_ORDER = {
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook",
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em "
    "lang eastAsianLayout specVanish oMath",
}


def test_elements_are_in_the_schema_order(run: Run) -> None:
    order = {f"{{{W}}}{tag}": names.split() for tag, names in SCHEMA_ORDER.items()}
    for path in [run.out / COMMUNE / UNIT_DOCUMENT, run.out / BATCH_DOCUMENT]:
        document = docx.Document(str(path))
        for root in (document.element, document.styles.element, document.sections[0].header._element):
            for parent in root.iter(*order):
                names = [child.tag.rpartition("}")[2] for child in parent]
                known = order[parent.tag]
                ranks = [known.index(name) for name in names]
                assert ranks == sorted(ranks), (path.name, parent.tag, names)


# ---------------------------------------------------------------------------------------------- content


def test_general_information_and_totals_in_vietnamese_formats(run: Run) -> None:
    unit, document = commune(run)
    lines = [p.text for p in document.paragraphs]
    totals = unit.totals
    assert totals.self_score is not None and totals.recommended_score is not None and totals.max_score is not None
    today = dt.date.today()
    for expected in (
        f"- Đơn vị: {COMMUNE}",
        "- Kỳ đánh giá: 01/01/2023 – 31/12/2023",
        f"- Ngày kiểm tra: {today.day:02d}/{today.month:02d}/{today.year}",
        "- Nguồn danh mục tiêu chí: bộ tiêu chí của tỉnh, sample-commune.yaml",
        "- Chứng thư số gốc tin cậy: test-root.pem",
        "- Chữ ký số dùng hàm băm SHA-1: chấp nhận",
        f"- Tổng điểm tự đánh giá: {vn_score(totals.self_score)} điểm",
        f"- Tổng điểm đề xuất: {vn_score(totals.recommended_score)} điểm",
        f"- Tổng điểm tối đa: {vn_score(totals.max_score)} điểm",
        f"- Số tiêu chí: {len(unit.criteria)}",
    ):
        assert expected in lines
    assert any(re.fullmatch(r"- Công cụ kiểm tra: kiemchung phiên bản \d+\.\d+\.\d+", line) for line in lines)
    fields = texts(table_with(document, "Mã", "Lĩnh vực"))
    shown = (totals.max_score, totals.self_score, totals.recommended_score, totals.points_at_risk or 0.0)
    assert fields[-1][1:] == ["Tổng điểm", *map(vn_score, shown)]
    assert any("," in cell for row in fields for cell in row[2:])  # 3,5: a decimal comma
    assert not any("." in cell for row in fields for cell in row[2:])


def title(rule: str) -> str:
    """A rule's Vietnamese title, as the council reads it."""
    found = rule_by_key(rule)
    assert found is not None
    return found.title


def test_zero_table_matches_the_assessment(run: Run) -> None:
    unit, document = commune(run)
    rows = texts(table_with(document, "TT", "Lý do bị 0 điểm"))
    assert rows[0] == ["TT", "Mã", "Tiêu chí", "Điểm tự đánh giá", "Lý do bị 0 điểm", "Tệp hoặc vị trí"]
    zeroed = [c for c in unit.criteria if c.zeroed]
    assert zeroed
    by_code: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_code.setdefault(row[1], []).append(row)
    assert list(by_code) == [c.code for c in zeroed]  # the sample's codes are in order as listed
    evidence = {item.path: item for item in unit.evidence}
    for number, criterion in enumerate(zeroed, start=1):
        found = by_code[criterion.code]
        assert {row[0] for row in found} == {str(number)}  # merged: every row of the criterion shows its number
        assert {row[3] for row in found} == {vn_score(criterion.self_score or 0.0)}
        places = {row[5]: row[4] for row in found}
        for path in criterion.zeroed_by:
            titles = {title(f.rule) for f in evidence[path].findings if f.zeroes}
            assert set(places[path].split("; ")) == titles
        own = {title(f.rule) for f in criterion.findings if f.zeroes}
        if own:
            assert set(places[f"dòng {criterion.row_number} của bảng tự đánh giá"].split("; ")) == own
        assert len(found) == len(criterion.zeroed_by) + bool(own)


def test_appendix_lists_every_finding(run: Run) -> None:
    unit, document = commune(run)
    rows = texts(table_with(document, "TT", "Mã quy tắc"))
    findings = unit.all_findings()
    assert len(rows) - 1 == len(findings)
    for row, (_, _, finding) in zip(rows[1:], findings, strict=True):
        assert row[3] == finding.code and row[7] == finding.message
        assert row[6] == ("Có" if finding.zeroes else "Không")
    assert "PHỤ LỤC" in [p.text for p in document.paragraphs]


def test_no_english_in_the_vietnamese_documents(run: Run, tmp_path: Path) -> None:
    out = run.out
    for path in [*out.glob(f"*/{UNIT_DOCUMENT}"), out / BATCH_DOCUMENT]:
        leaked = english_words(all_text(docx.Document(str(path))))
        assert not leaked, (path.name, sorted(leaked))
    # The list does catch English: the same unit with English labels.
    unit, _ = commune(run)
    english = tmp_path / "en.docx"
    write_unit_document(unit, english, replace(CheckRecord.of(run.config), lang=Lang.EN))
    assert len(english_words(all_text(docx.Document(str(english))))) > 10
    assert "SOCIALIST REPUBLIC OF VIET NAM" in all_text(docx.Document(str(english)))


def test_batch_ranks_units_with_field_columns(run: Run) -> None:
    out, units = run.out, run.units
    document = docx.Document(str(out / BATCH_DOCUMENT))
    assert mm(document.sections[0].page_width) == 297  # landscape: one column per field
    rows = texts(table_with(document, "Xếp hạng", "Đơn vị"))
    fields = sorted({f.code for unit in units.values() for f, _ in unit.field_totals()}, key=int)
    assert rows[0] == [
        "Xếp hạng",
        "Đơn vị",
        "Tổng điểm tự đánh giá",
        "Tổng điểm đề xuất",
        "Điểm có nguy cơ bị trừ",
        "Số tiêu chí bị 0 điểm",
        *(f"LV {code}" for code in fields),
    ]
    recommended = [units[row[1]].totals.recommended_score or 0.0 for row in rows[1:]]
    assert recommended == sorted(recommended, reverse=True) and len(rows) == 1 + len(units)
    for row in rows[1:]:
        unit = units[row[1]]
        assert row[2:5] == [
            vn_score(v or 0.0)
            for v in (unit.totals.self_score, unit.totals.recommended_score, unit.totals.points_at_risk)
        ]
        assert row[5] == str(sum(c.zeroed for c in unit.criteria))
        by_field = {f.code: t.recommended_score for f, t in unit.field_totals()}
        assert row[6:] == [vn_score(by_field[code] or 0.0) for code in fields]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]


# ---------------------------------------------------------------------------------------- small units


def small_unit(name: str, recommended: float | None, *, findings: tuple[Finding, ...] = ()) -> UnitAssessment:
    facts = DocumentFacts(kind=FileKind.PDF, size=10, sha256="0" * 64)
    criterion = CriterionAssessment("1.1", ("a.pdf",), (), ("a.pdf",) if findings else (), "Kế hoạch", self_score=2)
    return UnitAssessment(
        name,
        2023,
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        None,
        (EvidenceItem("a.pdf", facts, findings),),
        (criterion,),
        totals=Totals(2.0, recommended, 2.0),
    )


def test_ranking_shares_ranks_and_puts_unknown_last() -> None:
    units = [small_unit("B", 5.5), small_unit("A", 7.0), small_unit("C", 5.5), small_unit("D", None)]
    assert [(rank, unit.unit) for rank, unit in ranked(units)] == [(1, "A"), (2, "B"), (2, "C"), (None, "D")]


def test_text_xml_cannot_hold_is_replaced_and_markup_stays_text(tmp_path: Path) -> None:
    message = 'Tệp <b>"hỏng"</b> & \x00\x07 lỗi'
    proof = Proof("a\x1bb\nc", 2, ProofKind.PAGE_TEXT)
    finding = Finding("number-suffix", "KC201", Severity.ERROR, True, Outcome.FAILED, message, proof)
    unit = small_unit("UBND <xã> & \x0b", 0.0, findings=(finding,))
    path = tmp_path / "report.docx"
    write_unit_document(unit, path, CheckRecord(dt.date(2024, 3, 5)))
    document = docx.Document(str(path))
    (row,) = texts(table_with(document, "TT", "Mã quy tắc"))[1:]
    assert row[7] == 'Tệp <b>"hỏng"</b> & \ufffd\ufffd lỗi'
    assert row[8] == "a\ufffdb\nc\n(trang 2)"
    assert "Đơn vị: UBND <xã> & \ufffd" in [p.text for p in document.paragraphs]
    assert "- Ngày kiểm tra: 05/03/2024" in [p.text for p in document.paragraphs]
    assert texts(document.tables[0])[0][0] == "……………………\nHỘI ĐỒNG THẨM ĐỊNH\n"  # no council configured


def test_a_findings_diagnostic_stays_out_of_the_document(tmp_path: Path) -> None:
    """A library's words (English) is the finding's `detail`, for report.json; the message says it in Vietnamese."""
    diagnostic = "encrypted: an open password is required"
    message = "Tệp PDF được đặt mật khẩu mở; Hội đồng không mở được để kiểm tra."
    finding = Finding("unreadable", "KC101", Severity.ERROR, True, Outcome.FAILED, message, detail=diagnostic)
    path = tmp_path / "report.docx"
    write_unit_document(small_unit("UBND xã Khóa", 0.0, findings=(finding,)), path, CheckRecord(dt.date(2024, 3, 5)))
    document = docx.Document(str(path))
    (row,) = texts(table_with(document, "TT", "Mã quy tắc"))[1:]
    assert (row[7], row[8]) == (message, "")
    assert "password" not in all_text(document)


def test_a_unit_without_zeroed_criteria_or_findings(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    write_unit_document(small_unit("UBND xã Sạch", 2.0), path, CheckRecord(dt.date(2024, 3, 5)))
    lines = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "Không có tiêu chí nào bị đề xuất 0 điểm." in lines and "Không có phát hiện." in lines
    batch = tmp_path / "summary.docx"
    write_batch_document([], batch, CheckRecord(dt.date(2024, 3, 5)))
    assert texts(table_with(docx.Document(str(batch)), "Xếp hạng", "Đơn vị"))[1:] == []


# ------------------------------------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_libreoffice_prints_the_commune_report_on_a_few_pages(run: Run, tmp_path: Path) -> None:
    out = run.out
    pdf = to_pdf(out / COMMUNE / UNIT_DOCUMENT, tmp_path)
    pages = [page.extract_text() for page in pdf.pages]
    appendix = next(number for number, text in enumerate(pages) if "PHỤ LỤC" in text)
    assert 1 <= appendix <= 6, f"{appendix} pages before the appendix"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0] and COMMUNE in pages[0]
    sizes = page_sizes(pdf)
    assert set(sizes[:appendix]) == {(595, 842)} and set(sizes[appendix:]) == {(842, 595)}  # A4, then landscape


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_libreoffice_prints_the_batch_summary(run: Run, tmp_path: Path) -> None:
    out, units = run.out, run.units
    pdf = to_pdf(out / BATCH_DOCUMENT, tmp_path)
    assert len(pdf.pages) <= 2
    text = "".join(page.extract_text() for page in pdf.pages)
    assert all(name in text for name in units) and "XẾP HẠNG CÁC ĐƠN VỊ" in text
