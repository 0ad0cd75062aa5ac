"""The workbook of one unit (`.xlsx`) for council members who work in Excel.

Sheets: overview, criteria, documents, findings and, when the unit has an assignment table,
responsibilities. Every header and value label comes from `pipeline.labels` (Vietnamese by
default).

Conventions kept throughout (the batch summary reuses the helpers, so they live in one place):
- numbers are number cells (scores with `SCORE_FORMAT`; Excel shows the decimal comma of the
  user's locale), dates are date cells shown as dd/mm/yyyy, unknown values show "—";
- text is always text: a string that Excel would read as a formula ("=", "+", "-", "@", tab,
  CR first) is stored as a string cell with the quote-prefix style, so it shows exactly as
  extracted and stays text even when a user edits the cell;
- the header row is bold and frozen with an auto-filter; widths fit the content, capped;
- rows that cost a criterion its points are filled light red;
- every sheet prints on A4 (landscape when it is wide), fitted to the page width, its table's header
  row repeated on each page, page numbers in the footer; rows with wrapped text are as tall as it;
- files are written to a temporary file beside the target and then renamed over it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kiemchung import __version__
from kiemchung.criteria_map.matching import MatchMethod
from kiemchung.criteria_map.models import CriterionAssessment, EvidenceItem, UnitAssessment
from kiemchung.extractors.models import VIETNAM_TIME, DocumentFacts, DocumentHeader, SignatureFacts, value_of
from kiemchung.pipeline.atomic import write_file
from kiemchung.pipeline.labels import (
    Lang,
    date,
    file_name,
    label,
    number_and_symbol,
    rule_label,
    score,
    task_text,
    waiver_note,
)
from kiemchung.pipeline.reports.cells import FORMULA_TRIGGERS, CellValue, Percent
from kiemchung.validators.model import Outcome
from kiemchung.validators.scans import believed_header

SCORE_FORMAT = "0.0#"  # 2 -> "2,0", 1.25 -> "1,25" in Vietnamese Excel; "0.##" would show "2," for 2
PERCENT_FORMAT = "0.0%"  # 0.855 -> "85,5%"
COUNT_FORMAT = "0"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
TOP = Alignment(vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
ZERO_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")  # Excel's "light red"
MAX_WIDTH = 60  # characters; longer text wraps
MIN_WIDTH = 6
EXCEL_CELL_LIMIT = 32_767  # characters Excel accepts in one cell; more and it "repairs" the file
# What makes Excel (or LibreOffice) read typed text as a formula: OWASP CSV-injection guidance.

@dataclass(frozen=True)
class Row:
    """One table row; `zeroes` fills it light red."""

    values: Sequence[CellValue]
    zeroes: bool = False


@dataclass(frozen=True)
class Bold:
    """A value shown in bold: table headers, labels and headings."""

    value: CellValue
    font: ClassVar[Font] = HEADER_FONT


class Title(Bold):
    """A sheet's title: bold and larger."""

    font: ClassVar[Font] = TITLE_FONT


# How a cell looks: (bold kind, light red fill, alignment, number format, quote prefix). The alignment is
# None for cells left out of the column fitting, else whether the text wraps.
_Look = tuple[type[Bold] | None, bool, bool | None, str | None, bool]

# --- writing helpers, shared with the batch summary


class Book:
    """A workbook written sheet by sheet and row by row, each cell once with its final style.

    openpyxl registers a font, fill or alignment in the workbook each time one is assigned to a cell,
    hashing it field by field; assigned per cell, that was most of the time a unit's workbook took.
    Here each look a cell can have is registered once per workbook and shared by the cells that have it.
    """

    def __init__(self, lang: Lang = Lang.VI) -> None:
        self.workbook = Workbook()
        self.workbook.properties.creator = f"kiemchung {__version__}"
        self.lang = lang
        self._sheets: list[Sheet] = []
        self._looks: dict[_Look, StyleArray] = {}

    def sheet(self, title: str) -> Sheet:
        """A new sheet after the others (the first one asked for is the workbook's own first sheet)."""
        if self._sheets:
            worksheet = self.workbook.create_sheet(title)
        else:
            worksheet = self.workbook.active
            assert isinstance(worksheet, Worksheet)  # a new Workbook always starts with one worksheet
            worksheet.title = title
        self._sheets.append(Sheet(self, worksheet))
        return self._sheets[-1]

    def style(self, look: _Look) -> StyleArray:
        """The workbook's style indices for a look, registered the first time it is used."""
        style = self._looks.get(look)
        if style is None:
            bold, zeroes, wrap, number_format, quoted = look
            scratch = Cell(self._sheets[0].worksheet)  # never placed in a sheet: it only carries the style
            if bold is not None:
                scratch.font = bold.font
            if zeroes:
                scratch.fill = ZERO_FILL
            if wrap is not None:
                scratch.alignment = WRAP if wrap else TOP
            if number_format is not None:
                scratch.number_format = number_format
            scratch.quotePrefix = quoted
            style = self._looks[look] = scratch._style  # openpyxl keeps a cell's style indices there
        return style

    def save(self, path: Path) -> None:
        """Fit every sheet's columns, set it up for printing and save atomically (`pipeline.atomic`), so
        readers never see half a file."""
        for sheet in self._sheets:
            sheet.fit_columns()
            sheet.set_up_printing()
        write_file(path, self.workbook.save)


class Sheet:
    """One worksheet, written top to bottom with `append` and `table`."""

    def __init__(self, book: Book, worksheet: Worksheet) -> None:
        self.book = book
        self.worksheet = worksheet
        self.last_row = 0  # the rows written so far
        self._widths: dict[int, int] = {}  # column -> longest line shown in it, plus one when bold
        self._wrapped: dict[int, list[tuple[int, str]]] = {}  # row -> (column, text) of its wrapping cells

    def append(
        self, values: Iterable[CellValue | Bold] = (), *, zeroes: bool = False, fit: bool = True, heading: bool = False
    ) -> None:
        """Write the next row (no values: a blank row), light red when `zeroes`.

        Values are typed (see `_typed`). A fitted row counts for the column widths and is aligned to
        the top, wrapping values that have several lines or are longer than a column may be. A
        `heading` row (a table's header) wraps every cell at its spaces, so a long heading over short
        numbers does not widen its column.
        """
        cells = []
        for column, value in enumerate(values, start=1):
            bold = None
            if isinstance(value, Bold):
                bold, value = type(value), value.value
            shown, number_format, quoted = _typed(value, self.book.lang)
            wrap = None
            if fit:
                text = _shown(shown)
                several = "\n" in text
                if heading:  # a heading wraps at its spaces: it asks the column for its longest word only
                    longest = max(map(len, text.split()), default=0)
                else:
                    longest = max(map(len, text.split("\n"))) if several else len(text)
                self._widths[column] = max(self._widths.get(column, 0), longest + (bold is not None))
                wrap = heading or several or longest > MAX_WIDTH
                if wrap:
                    self._wrapped.setdefault(self.last_row + 1, []).append((column, text))
            cell = Cell(
                self.worksheet, value=shown, style_array=self.book.style((bold, zeroes, wrap, number_format, quoted))
            )
            if quoted:
                # openpyxl turns a str starting with "=" into a formula: force a string cell. The quote
                # prefix keeps it text in Excel even after the user edits it, and is not shown.
                cell.data_type = "s"
            cells.append(cell)
        self.worksheet.append(cells)
        self.last_row += 1

    def table(self, headers: Sequence[str], rows: Iterable[Row], *, main: bool = True) -> None:
        """A bold header and its rows; the main table also gets the freeze and the filter."""
        first = self.last_row + 1
        self.append([Bold(header) for header in headers], heading=True)
        for row in rows:
            self.append(row.values, zeroes=row.zeroes)
        if main:
            # A sheet has one auto-filter; it covers the table people sort and filter. Its header row is
            # printed again at the top of every page.
            self.worksheet.freeze_panes = self.worksheet.cell(first + 1, 1)
            self.worksheet.auto_filter.ref = f"A{first}:{get_column_letter(len(headers))}{self.last_row}"
            self.worksheet.print_title_rows = f"{first}:{first}"

    def set_up_printing(self) -> None:
        """A4, landscape when the columns are wider than an upright page, fitted to the page width and as
        many pages long as it takes, the written cells as the print area, "Trang 2/5" in the footer (the
        spreadsheet fills in &P and &N when it prints)."""
        worksheet = self.worksheet
        setup = worksheet.page_setup
        wide = sum(self._column_width(column) for column in self._widths) > _UPRIGHT_WIDTH
        setup.orientation = "landscape" if wide else "portrait"
        setup.paperSize = worksheet.PAPERSIZE_A4
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0  # 0: no limit on the number of pages down
        worksheet.print_options.horizontalCentered = True
        worksheet.page_margins.left = worksheet.page_margins.right = 0.4  # inches
        worksheet.page_margins.top = worksheet.page_margins.bottom = 0.6
        worksheet.oddFooter.center.text = label("page_footer", self.book.lang)
        if self.last_row:
            worksheet.print_area = f"A1:{get_column_letter(worksheet.max_column)}{self.last_row}"

    def fit_columns(self) -> None:
        """Width from each column's longest line, capped (longer text wraps); a row holding wrapped text as
        tall as its lines, which neither Excel nor LibreOffice works out for a file it opens."""
        for column in self._widths:
            self.worksheet.column_dimensions[get_column_letter(column)].width = self._column_width(column)
        for row, cells in self._wrapped.items():
            lines = max(_wrapped_lines(text, self._column_width(column) - 1) for column, text in cells)
            if lines > 1:
                self.worksheet.row_dimensions[row].height = _LINE_HEIGHT * lines

    def _column_width(self, column: int) -> int:
        return min(MAX_WIDTH, max(MIN_WIDTH, self._widths.get(column, 0) + 2))


_UPRIGHT_WIDTH = 110  # characters of column width an upright A4 page shows legibly (about 0.8 of full size)
_LINE_HEIGHT = 15  # points: one line of the default 11 pt font


def _wrapped_lines(text: str, width: int) -> int:
    """About how many lines `text` takes in a column `width` characters wide, wrapped at spaces."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            if used and used + 1 + len(word) > width:
                lines += 1
                used = len(word)
            else:
                used += len(word) + (1 if used else 0)
    return lines


def _typed(value: CellValue, lang: Lang) -> tuple[str | int | float | dt.date, str | None, bool]:
    """What a cell holds, its number format and whether it needs the quote prefix: numbers and dates as
    such, yes/no as words, unknown as "—", text never as a formula."""
    if value is None:
        value = label("unknown", lang)
    if isinstance(value, bool):  # before int: bool is an int subclass
        value = label("yes" if value else "no", lang)
    if isinstance(value, str):
        # XML cannot hold these control characters; the cheap test spares most text the expression.
        text = value if value.isprintable() else ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if len(text) > EXCEL_CELL_LIMIT:
            text = text[: EXCEL_CELL_LIMIT - 1] + "…"
        return text, None, text.startswith(FORMULA_TRIGGERS)
    if isinstance(value, dt.date):
        return value, DATE_FORMAT, False
    if isinstance(value, Percent):
        return value, PERCENT_FORMAT, False
    return value, SCORE_FORMAT if isinstance(value, float) else COUNT_FORMAT, False


def _shown(value: object) -> str:
    """About what Excel displays, for widths: dates take 10 characters, scores their formatted text."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):  # datetimes too
        return "00/00/0000"
    if isinstance(value, Percent):
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return score(value)
    return str(value)


# --- the unit workbook


def write_unit_workbook(unit: UnitAssessment, path: Path, lang: Lang = Lang.VI) -> None:
    """Write the unit's workbook to `path` (atomically)."""
    book = Book(lang)
    _overview(book.sheet(label("overview", lang)), unit, lang)
    _criteria(book.sheet(label("criteria", lang)), unit, lang)
    _documents(book.sheet(label("documents", lang)), unit, lang)
    _findings(book.sheet(label("findings", lang)), unit, lang)
    if any(criterion.responsible for criterion in unit.criteria):
        _responsibilities(book.sheet(label("responsibilities", lang)), unit, lang)
    book.save(path)


def _lines(values: Iterable[str]) -> str:
    return "\n".join(values)


def _overview(sheet: Sheet, unit: UnitAssessment, lang: Lang) -> None:
    # The title may overflow into empty cells; it should not widen column A.
    sheet.append([Title(label("report_title", lang))], fit=False)
    sheet.append([f"{label('generated_by', lang)} {__version__}"], fit=False)
    sheet.append()
    totals = unit.totals
    zeroed = [c.code for c in unit.criteria if c.zeroed]
    none = label("none_found", lang)
    facts: list[tuple[str, CellValue]] = [
        ("unit", unit.unit),
        ("year", unit.year),
        ("period", f"{date(unit.period_start, lang)} – {date(unit.period_end, lang)}"),
        ("self_assessment", unit.self_assessment or none),
        ("criteria_source", label(unit.criteria_source, lang)),
        ("self_total", totals.self_score),
        ("recommended_total", totals.recommended_score),
        ("max_total", totals.max_score),
        ("points_at_risk", totals.points_at_risk),
        ("files", len(unit.evidence)),
        ("zeroing_files", sum(item.zeroes for item in unit.evidence)),
        ("zeroed_criteria", ", ".join(zeroed) or none),
        ("unmatched_evidence", _lines(unit.unmatched) or none),
        ("unit_findings", _lines(f.message for f in unit.findings) or none),
    ]
    for key, value in facts:
        sheet.append([Bold(label(key, lang)), value])
    sheet.append()
    sheet.append([Bold(label("counts_by_rule", lang))])
    counts = Counter((f.code, f.rule, f.severity.value, f.zeroes) for _, _, f in unit.all_findings())
    rule_rows = [
        Row((code, rule_label(name, lang), label(severity, lang), zeroes, count), zeroes)
        for (code, name, severity, zeroes), count in sorted(counts.items())
    ]
    headers = [label(k, lang) for k in ("rule_code", "rule", "severity", "zeroes", "count")]
    sheet.table(headers, rule_rows, main=False)
    sheet.append()
    sheet.append([Bold(label("fields", lang))])
    field_rows = [
        Row((c.code, c.title or None, t.max_score, t.self_score, t.recommended_score, t.points_at_risk))
        for c, t in unit.field_totals()
    ]
    keys = ("code", "title", "max_score", "self_score", "recommended_score", "points_at_risk")
    sheet.table([label(k, lang) for k in keys], field_rows, main=False)


def _criteria(sheet: Sheet, unit: UnitAssessment, lang: Lang) -> None:
    evidence = {item.path: item for item in unit.evidence}
    keys = (
        "code",
        "title",
        "max_score",
        "self_score",
        "recommended_score",
        "points_at_risk",
        "zeroed",
        "findings",
        "explanation",
        "responsible",
        "evidence",
    )
    rows = []
    for criterion in unit.criteria:
        findings = [f.message for f in criterion.findings]
        for path in criterion.zeroed_by:  # name the documents that cost the criterion its points, and why
            item = evidence.get(path)
            why = ", ".join(rule_label(f.rule, lang) for f in item.findings if f.zeroes) if item else ""
            findings.append(f"{file_name(path)}: {why}" if why else file_name(path))
        rows.append(
            Row(
                (
                    criterion.code,
                    criterion.title or None,
                    criterion.max_score,
                    criterion.self_score,
                    criterion.recommended_score,
                    criterion.points_at_risk,
                    criterion.zeroed,
                    _lines(findings),
                    criterion.explanation.text if criterion.explanation else None,
                    _lines(criterion.responsible),
                    _lines(criterion.evidence),
                ),
                criterion.zeroed,
            )
        )
    sheet.table([label(k, lang) for k in keys], rows)


def _signer(header: DocumentHeader) -> str | None:
    name, role = value_of(header.signer_name), value_of(header.signer_role)
    if name and role:
        return f"{name} ({role})"
    return name or role


def _status(value: str, lang: Lang) -> str:
    return label("unknown-status" if value == "unknown" else value, lang)


def _signature_line(signature: SignatureFacts, lang: Lang) -> str:
    """ "CN (O) – intact/trusted – dd/mm/yyyy": who, whether it holds, and the day it was signed."""
    subject = signature.subject
    name = (subject.common_name if subject else None) or signature.field_name
    organization = subject.organization if subject else None
    who = f"{name} ({organization})" if organization and organization != name else name
    moment = signature.moment
    day = None
    if moment is not None:
        day = (moment.astimezone(VIETNAM_TIME) if moment.tzinfo is not None else moment).date()
    status = f"{_status(signature.integrity.value, lang)}/{_status(signature.trust.value, lang)}"
    return f"{who} – {status} – {date(day, lang)}"


def _signatures(facts: DocumentFacts, lang: Lang) -> str:
    lines = [_signature_line(signature, lang) for signature in facts.signatures]
    verified = {signature.field_name for signature in facts.signatures}
    lines += [
        f"{field.name}: {label('empty_signature_field', lang)}"
        for field in facts.signature_fields
        if field.name not in verified and not field.signed
    ]
    return _lines(lines)


def _matched_by(item: EvidenceItem, lang: Lang) -> str:
    def method(name: MatchMethod) -> str:
        return label("title-match" if name is MatchMethod.TITLE else name, lang)

    return _lines(f"{match.code}: {method(match.method)}" for match in item.matches)


def _documents(sheet: Sheet, unit: UnitAssessment, lang: Lang) -> None:
    keys = (
        "path",
        "criteria",
        "matched_by",
        "number_symbol",
        "doc_type",
        "issue_date",
        "issuer",
        "subject",
        "signer",
        "signatures",
        "findings",
        "zeroes",
    )
    rows = []
    for item in unit.evidence:
        header = believed_header(item.facts)
        rows.append(
            Row(
                (
                    item.path,
                    ", ".join(item.criteria),
                    _matched_by(item, lang),
                    number_and_symbol(header, blank=""),
                    value_of(header.type_name) or value_of(header.doc_type),
                    header.date.value.as_date() if header.date is not None else None,
                    value_of(header.issuer),
                    value_of(header.subject),
                    _signer(header),
                    _signatures(item.facts, lang),
                    _lines(rule_label(f.rule, lang) for f in item.findings),
                    item.zeroes,
                ),
                item.zeroes,
            )
        )
    sheet.table([label(k, lang) for k in keys], rows)


def _outcome(outcome: Outcome, lang: Lang) -> str:
    try:
        return label(outcome.value, lang)
    except KeyError:  # passed and not-applicable never become findings
        return outcome.value


def _findings(sheet: Sheet, unit: UnitAssessment, lang: Lang) -> None:
    headers = [
        label("scope", lang),
        label("where", lang),
        label("rule_code", lang),
        label("rule", lang),
        label("severity", lang),
        label("zeroes", lang),
        label("outcome", lang),
        label("message", lang),
        label("proof", lang),
        label("page", lang),
        label("waiver", lang),
    ]
    rows = []
    for scope, where, finding in unit.all_findings():
        proof = finding.proof
        rows.append(
            Row(
                (
                    label(f"scope_{scope}", lang),
                    where if scope != "unit" else unit.self_assessment,
                    finding.code,
                    rule_label(finding.rule, lang),
                    label(finding.severity.value, lang),
                    finding.zeroes,
                    _outcome(finding.outcome, lang),
                    finding.message,
                    proof.text if proof else None,
                    proof.page if proof else None,
                    waiver_note(finding.waived, lang),
                ),
                finding.zeroes,
            )
        )
    sheet.table(headers, rows)


def _to_fix(criterion: CriterionAssessment, evidence: dict[str, EvidenceItem]) -> tuple[list[str], list[str]]:
    """What is wrong, waived findings aside: the criterion's own findings, then its documents' (file: message)."""
    messages = [finding.message for finding in criterion.findings if finding.waived is None]
    documents = []
    for path in criterion.evidence:
        item = evidence.get(path)
        open_findings = [finding for finding in item.findings if finding.waived is None] if item else []
        if not open_findings:
            continue
        documents.append(path)
        messages += [f"{file_name(path)}: {f.message}" for f in open_findings]
    return messages, documents


def _responsibilities(sheet: Sheet, unit: UnitAssessment, lang: Lang) -> None:
    evidence = {item.path: item for item in unit.evidence}
    headers = [
        label("responsible", lang),
        label("code", lang),
        label("title", lang),
        label("recommended_score", lang),
        label("self_score", lang),
        label("to_do", lang),
        label("to_fix", lang),
        label("documents_concerned", lang),
    ]
    rows = []
    for person, criteria in unit.responsibilities():
        for criterion in criteria:
            messages, documents = _to_fix(criterion, evidence)
            tasks = [task_text(task, lang) for task in unit.tasks(criterion)]
            rows.append(
                Row(
                    (
                        person,
                        criterion.code,
                        criterion.title or None,
                        criterion.recommended_score,
                        criterion.self_score,
                        _lines(tasks),
                        _lines(messages),
                        _lines(documents),
                    ),
                    criterion.zeroed,
                )
            )
    sheet.table(headers, rows)


