"""Word (.docx) text as header lines, read with python-docx.

Body paragraphs and tables are walked in document order and laid out as lines by
`extractors.word_lines`, as the .doc reader's are. Paragraphs typed in a legacy encoding
(TCVN3, VNI) are turned into Unicode run group by run group, helped by the fonts the runs
are drawn in (see `extractors.legacy`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kiemchung.extractors import legacy
from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.models import ReadProblem, TextLine
from kiemchung.extractors.sniff import check_zip_directory
from kiemchung.extractors.word_lines import add_paragraph, add_table, head_and_tail, table_rows

# Limits checked before python-docx or openpyxl inflates anything (a zip bomb stops here). Sizes are
# the ones the zip directory declares; `zipfile` never inflates a member past its declared size (it
# stops there and the CRC check fails), so a directory that lies about sizes gets no further.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all members together; images may make up most of it
MAX_COMPRESSION_RATIO = 200  # text XML deflates 5-20x, images hardly at all; zeros 1000x
# XML parts become lxml trees or Python strings at roughly 10x their size: a 6 MiB document.xml
# costs python-docx about 70 MiB. A 500-page Word document has a document.xml of 5-15 MiB.
MAX_XML_PART_BYTES = 32 * 1024 * 1024
MAX_XML_BYTES = 48 * 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_BLOCK_TAGS = frozenset({qn("w:p"), qn("w:tbl")})
_CHUNK = 1024 * 1024
# ECMA-376 Part 2, M1.18: package XML shall not use DTD declarations and a reader shall treat one as an
# error (a DTD is how XML external entities and entity-expansion bombs get in). M1.17 allows only
# UTF-8 and UTF-16; UTF-32 is searched too so that no encoding libxml2 detects by itself slips past.
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_MARKER_OVERLAP = max(len(marker) for marker in _DTD_MARKERS) - 1


def package_signatures(path: Path) -> int:
    """How many XML digital signatures the Word package carries (`_xmlsignatures/sig*.xml`)."""
    with zipfile.ZipFile(path) as archive:
        return sum(1 for name in archive.namelist() if name.startswith("_xmlsignatures/sig") and name.endswith(".xml"))


def check_archive(path: Path) -> None:
    """Sanity checks on an Office zip package before python-docx or openpyxl parses it.

    In order, so that nothing is inflated before the cheap checks pass: the directory's size (see
    `check_zip_directory`), the declared sizes and compression ratio, then one streaming pass over
    every member that verifies its CRC and refuses any XML part that declares a DTD.
    """
    check_zip_directory(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_declared_sizes(infos)
            for info in infos:
                _check_member(archive, info)
    except ReadFailure:
        raise
    except Exception as error:  # BadZipFile, OSError, EOFError, ValueError, … on crafted archives
        detail = f"not a readable zip archive: {type(error).__name__}: {error}"
        raise ReadFailure(ReadProblem.CORRUPT, detail) from error


def _check_declared_sizes(infos: list[zipfile.ZipInfo]) -> None:
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise ReadFailure(
            ReadProblem.CORRUPT,
            f"archive inflates to {total} bytes (ratio {total / packed:.0f}; limits {MAX_UNCOMPRESSED_BYTES} "
            f"bytes, ratio {MAX_COMPRESSION_RATIO}): a zip bomb, not opened",
        )
    xml = [info for info in infos if _is_xml(info.filename)]
    largest = max(xml, key=lambda info: info.file_size, default=None)
    if largest is not None and largest.file_size > MAX_XML_PART_BYTES:
        raise ReadFailure(
            ReadProblem.CORRUPT,
            f"XML part {largest.filename} inflates to {largest.file_size} bytes (limit {MAX_XML_PART_BYTES})",
        )
    xml_total = sum(info.file_size for info in xml)
    if xml_total > MAX_XML_BYTES:
        raise ReadFailure(ReadProblem.CORRUPT, f"XML parts inflate to {xml_total} bytes (limit {MAX_XML_BYTES})")


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one member in chunks (zipfile checks its CRC at the end); scan XML parts for a DTD."""
    scan = _is_xml(info.filename)
    tail = b""
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                if scan:
                    window = tail + chunk
                    if any(marker in window for marker in _DTD_MARKERS):
                        raise ReadFailure(
                            ReadProblem.CORRUPT,
                            f"XML part {info.filename} declares a DTD (<!DOCTYPE or <!ENTITY), which Office files "
                            "never contain (ECMA-376-2 M1.18): refused unparsed, as external entities and "
                            "entity expansion come in that way",
                        )
                    tail = window[-_MARKER_OVERLAP:]
    except ReadFailure:
        raise
    except Exception as error:  # bad CRC, bad deflate data, encrypted or unknown compression method
        raise ReadFailure(
            ReadProblem.CORRUPT, f"damaged archive member {info.filename}: {type(error).__name__}: {error}"
        ) from error


def _is_xml(name: str) -> bool:
    return name.lower().endswith(_XML_SUFFIXES)


def open_docx(path: Path) -> Document:
    """Open a .docx after checking its archive is sane."""
    check_archive(path)
    try:
        return docx.Document(str(path))
    except Exception as error:  # python-docx raises many kinds on damaged packages
        raise ReadFailure(ReadProblem.CORRUPT, f"python-docx: {error}") from error


def document_lines(document: Document) -> list[TextLine]:
    """Paragraphs and table cells, in order, as lines with rows and columns.

    Only the head and tail blocks are read (`extractors.word_lines`): python-docx takes about a second
    per MiB of text, so a long document's middle would cost time and tell nothing.
    """
    blocks = [element for element in document.element.body.iterchildren() if element.tag in _BLOCK_TAGS]
    fonts = _RunFonts(document)
    lines: list[TextLine] = []
    row = 0
    for element in head_and_tail(blocks):
        if element.tag == qn("w:p"):
            row = add_paragraph(lines, fonts.paragraph_text(Paragraph(element, document)), row)
        else:
            table = Table(element, document)
            rows = [[[fonts.paragraph_text(paragraph) for paragraph in cell.paragraphs]
                     for cell in _distinct_cells(table_row.cells)] for table_row in table_rows(list(table.rows))]
            row = add_table(lines, rows, row)
    return lines


class _RunFonts:
    """The fonts a Word document's runs are drawn in, as far as TCVN3 and VNI go.

    A run's font is its own `w:rFonts`, else its character style's, else its paragraph style's (or
    the default paragraph style's), else the document default, each style followed up its `w:basedOn`
    chain. `w:hAnsi` comes before `w:ascii`: Word draws the characters past ASCII, where the legacy
    code points are, in the hAnsi font. A document naming no legacy font anywhere skips all this.
    """

    def __init__(self, document: Document) -> None:
        styles = document.styles.element
        # By id, built here: python-docx's get_by_id puts the id into an XPath expression unescaped.
        self._styles = {str(style.get(qn("w:styleId"))): style for style in styles.iterchildren(qn("w:style"))}
        self._default_paragraph_style = next(
            (
                style_id
                for style_id, style in self._styles.items()
                if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true")
            ),
            None,
        )
        self._document_default = _named_font(styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"))
        self._style_fonts: dict[str, str | None] = {}
        self.any_legacy = _names_legacy_font(document.element, styles)

    def paragraph_text(self, paragraph: Paragraph) -> str:
        """The paragraph's text (as `paragraph.text`) with its legacy spans in Unicode."""
        runs = _runs(paragraph._p)
        text = "".join(map(_run_text, runs))
        if text.isascii():
            return text
        if not self.any_legacy:
            return legacy.to_unicode(text)
        paragraph_style = _style_id(paragraph._p.find(qn("w:pPr")), "w:pStyle") or self._default_paragraph_style
        return legacy.runs_to_unicode(
            [(_run_text(run), legacy.font_hint(self._run_font(run, paragraph_style))) for run in runs]
        )

    def _run_font(self, run: BaseOxmlElement, paragraph_style: str | None) -> str | None:
        properties = run.find(qn("w:rPr"))
        return (
            _named_font(properties)
            or self._style_font(_style_id(properties, "w:rStyle"))
            or self._style_font(paragraph_style)
            or self._document_default
        )

    def _style_font(self, style_id: str | None) -> str | None:
        if style_id is None:
            return None
        if style_id not in self._style_fonts:
            font: str | None = None
            seen: set[str] = set()
            current: str | None = style_id
            while font is None and current is not None and current not in seen and current in self._styles:
                seen.add(current)  # a basedOn loop in a crafted file ends here
                style = self._styles[current]
                font = _named_font(style.find(qn("w:rPr")))
                current = _style_id(style, "w:basedOn")
            self._style_fonts[style_id] = font
        return self._style_fonts[style_id]


_HANSI, _ASCII = qn("w:hAnsi"), qn("w:ascii")  # Word draws characters past ASCII in the hAnsi font
_RUN, _HYPERLINK, _TEXT, _BREAK, _BREAK_TYPE = qn("w:r"), qn("w:hyperlink"), qn("w:t"), qn("w:br"), qn("w:type")
# What python-docx's `Run.text` makes of a run's other content (`w:br` depends on its type).
_RUN_CONTENT = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}


def _runs(paragraph: BaseOxmlElement) -> list[BaseOxmlElement]:
    """The runs `Paragraph.text` joins: the paragraph's own and its hyperlinks', in order."""
    runs = []
    for child in paragraph:
        if child.tag == _RUN:
            runs.append(child)
        elif child.tag == _HYPERLINK:
            runs += [run for run in child if run.tag == _RUN]
    return runs


def _run_text(run: BaseOxmlElement) -> str:
    """`Run.text` read off the element directly: python-docx's XPath per run was half of reading a .docx."""
    parts = []
    for item in run:
        tag = item.tag
        if tag == _TEXT:
            parts.append(item.text or "")
        elif tag == _BREAK:
            parts.append("\n" if item.get(_BREAK_TYPE, "textWrapping") == "textWrapping" else "")
        else:
            parts.append(_RUN_CONTENT.get(tag, ""))
    return "".join(parts)


def _names_legacy_font(*roots: BaseOxmlElement) -> bool:
    """Whether any `w:rFonts` under `roots` names a TCVN3 or VNI font; each distinct name is judged once
    and nothing is collected, as a crafted body may hold half a million of them."""
    judged: set[str] = set()
    for root in roots:
        for fonts in root.iter(qn("w:rFonts")):
            for name in (fonts.get(_HANSI), fonts.get(_ASCII)):
                if name and name not in judged:
                    judged.add(name)
                    if legacy.font_hint(name):
                        return True
    return False


def _named_font(properties: BaseOxmlElement | None) -> str | None:
    fonts = properties.find(qn("w:rFonts")) if properties is not None else None
    if fonts is None:
        return None
    name = fonts.get(_HANSI) or fonts.get(_ASCII)
    return str(name) if name else None


def _style_id(parent: BaseOxmlElement | None, tag: str) -> str | None:
    """`@w:val` of `parent`'s child `tag` (`w:pStyle`, `w:rStyle`, `w:basedOn`)."""
    child = parent.find(qn(tag)) if parent is not None else None
    value = child.get(qn("w:val")) if child is not None else None
    return str(value) if value else None


def _distinct_cells(cells: tuple[_Cell, ...] | list[_Cell]) -> list[_Cell]:
    """python-docx repeats a merged cell once per grid column it spans."""
    seen: set[int] = set()
    distinct = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            distinct.append(cell)
    return distinct
