"""The paper layout of an administrative document (Decree 30/2020/NĐ-CP, Appendix I), built with python-docx.

What the decree asks and this module does: A4; margins 20 mm top and bottom, 30 mm left, 15 mm right
(the decree's lower bounds, 20-25 / 30-35 / 15-20 mm, which leave the most room for tables); Times New
Roman 13 pt for the body, 14 pt for the title; single line spacing with 6 pt between paragraphs; page
numbers centred in the top margin from the second page on. The header is a borderless two-column table:
the issuing body on the left (parent body upright, the body itself bold, a short line under it) and the
national motto on the right (a line under "Độc lập - Tự do - Hạnh phúc"); below them the number and the
place and date. At the end, a borderless table puts the recipients ("Nơi nhận:") on the left and the
signature block on the right.

This module knows the layout, not the content: `pipeline.reports.word` fills it. Text from the evidence
can hold characters XML cannot carry; every string goes through `_clean` before it reaches the document.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kiemchung.pipeline.atomic import write_file

FONT = "Times New Roman"
BODY_SIZE = Pt(13)
TITLE_SIZE = Pt(14)
TABLE_SIZE = Pt(12)
SMALL_SIZE = Pt(11)  # the recipients' list, and wide tables in landscape
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(20), Mm(20), Mm(30), Mm(15)
PORTRAIT_TEXT = Mm(210 - 30 - 15)  # the width between the margins
LANDSCAPE_TEXT = Mm(297 - 30 - 15)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can state
# What follows an element in its parent, in the schema's order (ECMA-376 part 1): Word refuses a file whose
# elements are out of order, so an element python-docx has no property for is inserted before these.
_AFTER_PAGE_NUMBERING = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter",
    "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip
_AFTER_TABLE_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")

# Characters XML 1.0 cannot hold (C0 controls but tab, LF, CR; lone surrogates; U+FFFE and U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Container = Document | _Cell
Cell = str | Sequence[str] | None  # a line, lines, or the continuation of the cell above


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def new_document(*, landscape: bool, language: str, title: str, author: str, created: dt.datetime) -> Document:
    """An empty A4 document in Times New Roman, its text marked as `language` (e.g. "vi-VN") for the spelling
    checker, with page numbers from the second page."""
    document = docx.Document()
    package = document.part.package
    for key, relation in list(package.rels.items()):
        if relation.reltype == RT.THUMBNAIL:  # python-docx's template's picture of an empty page, not of this one
            del package.rels[key]
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None  # python-docx's own template has them
    run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert run_defaults is not None
    for child in run_defaults.findall(qn("w:rFonts")) + run_defaults.findall(qn("w:lang")):
        run_defaults.remove(child)
    # Explicit fonts for every script: the template's theme fonts (Calibri) would win over a style's name.
    run_defaults.insert(0, _element("w:rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT))
    run_defaults.append(_element("w:lang", val=language, eastAsia=language))
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    section = document.sections[0]
    set_page(section, landscape=landscape)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number._p.append(_page_field())
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = author
    properties.language = language
    properties.comments = ""
    properties.created = properties.modified = created
    properties.revision = 1
    return document


def save(document: Document, path: Path) -> None:
    """Write atomically (`pipeline.atomic`) and reproducibly: the same document gives the same bytes, as the
    other reports do. python-docx stamps each member of the zip with the current time; they are written again
    with a fixed one."""
    written = io.BytesIO()
    document.save(written)

    def write(target: Path) -> None:
        with zipfile.ZipFile(written) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
            for member in source.infolist():
                stamped = zipfile.ZipInfo(member.filename, date_time=_ZIP_TIME)
                copy.writestr(stamped, source.read(member), compress_type=zipfile.ZIP_DEFLATED)

    write_file(path, write)


def set_page(section: Section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance = Mm(10)


def landscape_section(document: Document) -> None:
    """Start a new page in landscape, numbered from 1 as the decree numbers an appendix (shown from its second page)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    set_page(section, landscape=True)
    section._sectPr.insert_element_before(_element("w:pgNumType", start="1"), *_AFTER_PAGE_NUMBERING)


def paragraph(
    container: Container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: Length | None = None,
    center: bool = False,
    after: float | None = None,
    indent: bool = False,
    keep_with_next: bool = False,
) -> Paragraph:
    """A paragraph of one run; `after` is the space below it in points; `indent` indents its first line 1 cm."""
    added = container.add_paragraph()
    if text:
        add_run(added, text, bold=bold, italic=italic, size=size)
    _format(added, center=center, after=after, indent=indent, keep_with_next=keep_with_next)
    return added


def add_run(
    target: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: Length | None = None
) -> None:
    run = target.add_run(_clean(text))
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size


def _format(target: Paragraph, *, center: bool, after: float | None, indent: bool, keep_with_next: bool) -> None:
    layout = target.paragraph_format
    if center:
        target.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if after is not None:
        layout.space_after = Pt(after)
    if indent:
        layout.first_line_indent = Mm(10)
    if keep_with_next:
        layout.keep_with_next = True


def cell_lines(
    cell: _Cell,
    lines: Sequence[str],
    *,
    bold: bool = False,
    italic: bool = False,
    size: Length | None = None,
    center: bool = False,
    right: bool = False,
) -> None:
    """Fill a cell with one paragraph per line (its first, empty paragraph reused), no space between them."""
    for index, line in enumerate(lines or [""]):
        target = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        if line:
            add_run(target, line, bold=bold, italic=italic, size=size)
        _format(target, center=center, after=0, indent=False, keep_with_next=False)
        if right:
            target.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def short_line(cell: _Cell, width: Length, length: Length) -> None:
    """A centred horizontal line `length` long under the cell's text, as the decree draws under the body's
    name and under the motto: the bottom border of a tiny empty paragraph, indented to that length."""
    line = cell.add_paragraph()
    borders = _element("w:pBdr")
    borders.append(_element("w:bottom", val="single", sz="6", space="1", color="000000"))
    # First into the empty properties: python-docx then places spacing and indents after it, as the schema
    # orders them (Word refuses a file whose elements are out of order).
    line._p.get_or_add_pPr().append(borders)
    layout = line.paragraph_format
    side = Length(max(0, (width - length) // 2))
    layout.left_indent = layout.right_indent = side
    layout.space_after = Pt(0)
    layout.line_spacing = Pt(2)


def borderless_table(document: Document, rows: int, widths: Sequence[Length]) -> Table:
    """A layout table: no borders, fixed column widths, rows that never split across pages."""
    table = _table(document, rows, widths)
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="nil"))
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TABLE_BORDERS)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(_element("w:cantSplit"))
    return table


def grid_table(
    document: Document, headers: Sequence[str], widths: Sequence[Length], *, size: Length = TABLE_SIZE
) -> Table:
    """A ruled table with a bold header row that repeats at the top of every page it runs onto."""
    table = _table(document, 0, widths)
    table.style = document.styles["Table Grid"]
    add_row(table, headers, size=size, bold=True, header=True)
    return table


def add_row(
    table: Table,
    values: Sequence[Cell],
    *,
    size: Length = TABLE_SIZE,
    numeric: frozenset[int] = frozenset(),
    bold: bool = False,
    merge_down: frozenset[int] = frozenset(),
    header: bool = False,
) -> None:
    """Append a row that never splits across pages; columns in `numeric` are aligned right, a header's centred.

    A value is a line, a list of lines (one paragraph each), or None: the cell continues the one above it
    (a vertical merge, begun by the row that lists that column in `merge_down`). The row is written as XML
    in one piece: python-docx's per-property calls cost about a millisecond a cell, seconds for a unit.
    """
    widths = [Length(column.w or 0) for column in table._tbl.tblGrid.gridCol_lst]
    cells = []
    for column, (value, width) in enumerate(zip(values, widths, strict=True)):
        merge = '<w:vMerge w:val="restart"/>' if column in merge_down else "<w:vMerge/>" if value is None else ""
        lines = [] if value is None else [value] if isinstance(value, str) else list(value)
        align = "center" if header else "right" if column in numeric else None
        paragraphs = "".join(_paragraph_xml(line, size, bold=bold, align=align) for line in lines or [""])
        cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width.twips}" w:type="dxa"/>{merge}</w:tcPr>{paragraphs}</w:tc>')
    flags = "<w:cantSplit/><w:tblHeader/>" if header else "<w:cantSplit/>"
    table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}><w:trPr>{flags}</w:trPr>{''.join(cells)}</w:tr>"))


def _paragraph_xml(text: str, size: Length, *, bold: bool, align: str | None) -> str:
    """A paragraph of one run as WordprocessingML: no space after, `text`'s line breaks kept."""
    justify = f'<w:jc w:val="{align}"/>' if align else ""
    half_points = round(size.pt * 2)
    run_properties = ("<w:b/>" if bold else "") + f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    pieces = [f'<w:t xml:space="preserve">{escape(piece)}</w:t>' for piece in _clean(text).split("\n")]
    return (
        f'<w:p><w:pPr><w:spacing w:after="0"/>{justify}</w:pPr>'
        f"<w:r><w:rPr>{run_properties}</w:rPr>{'<w:br/>'.join(pieces)}</w:r></w:p>"
    )


def _table(document: Document, rows: int, widths: Sequence[Length]) -> Table:
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads each cell's width, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def letterhead(
    document: Document,
    issuer: Sequence[str],
    motto: tuple[str, str],
    number_line: str,
    date_line: str,
    width: Length,
) -> None:
    """The decree's header: issuing body | motto, then number | place and date."""
    widths = (Length(int(width * 0.4)), Length(width - int(width * 0.4)))
    table = borderless_table(document, 2, widths)
    body, nation = table.rows[0].cells
    cell_lines(body, issuer[:-1], size=TABLE_SIZE, center=True)
    if len(issuer) > 1:
        body.add_paragraph()
    last = body.paragraphs[-1]
    add_run(last, issuer[-1], bold=True, size=TABLE_SIZE)
    _format(last, center=True, after=0, indent=False, keep_with_next=False)
    short_line(body, widths[0], Mm(25))
    cell_lines(nation, [motto[0]], bold=True, size=TABLE_SIZE, center=True)
    nation.add_paragraph()
    slogan = nation.paragraphs[-1]
    add_run(slogan, motto[1], bold=True, size=BODY_SIZE)
    _format(slogan, center=True, after=0, indent=False, keep_with_next=False)
    short_line(nation, widths[1], Mm(60))
    number, place = table.rows[1].cells
    cell_lines(number, [number_line], center=True)
    cell_lines(place, [date_line], italic=True, center=True)
    for cell in (number, place):
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def closing(
    document: Document,
    recipients_title: str,
    recipients: Sequence[str],
    signer: Sequence[str],
    sign_note: str,
    width: Length,
) -> None:
    """Recipients on the left ("Nơi nhận:" bold italic, the list in 11 pt), the signature block on the right
    (the role in bold capitals, the note in italics, then room to sign)."""
    paragraph(document, after=0, keep_with_next=True)  # the closing stays on the page of the text it closes
    widths = (Length(int(width * 0.45)), Length(width - int(width * 0.45)))
    left, right = borderless_table(document, 1, widths).rows[0].cells
    cell_lines(left, [recipients_title], bold=True, italic=True, size=TABLE_SIZE)
    for line in recipients:
        added = left.add_paragraph()
        add_run(added, line, size=SMALL_SIZE)
        _format(added, center=False, after=0, indent=False, keep_with_next=False)
    cell_lines(right, list(signer), bold=True, center=True)
    note = right.add_paragraph()
    add_run(note, sign_note, italic=True)
    _format(note, center=True, after=0, indent=False, keep_with_next=False)
    for _ in range(5):  # room for the signature and the seal
        _format(right.add_paragraph(), center=False, after=0, indent=False, keep_with_next=False)


def _page_field() -> BaseOxmlElement:
    """A PAGE field: the page's number, filled in by Word or LibreOffice."""
    field = _element("w:fldSimple", instr="PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    return field


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element
