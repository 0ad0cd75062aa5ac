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
- files are written to a temporary file beside the target and then renamed over it.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from criteria_map.models import CriterionAssessment, EvidenceItem, UnitAssessment
from extractors.models import VIETNAM_TIME, DocumentFacts, DocumentHeader, SignatureFacts, value_of
from pipeline import __version__
from pipeline.labels import Lang, date, has_label, label, number_and_symbol, rule_label, score
from validators.model import Finding, Outcome

# Labels pipeline/labels.py does not have yet: (Vietnamese, English).

SCORE_FORMAT = "0.0#"  # 2 -> "2,0", 1.25 -> "1,25" in Vietnamese Excel; "0.##" would show "2," for 2
COUNT_FORMAT = "0"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
TOP = Alignment(vertical="top")  # shared instances: building one per cell doubled the writing time
WRAP = Alignment(wrap_text=True, vertical="top")
ZERO_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")  # Excel's "light red"
MAX_WIDTH = 60  # characters; longer text wraps
MIN_WIDTH = 6
EXCEL_CELL_LIMIT = 32_767  # characters Excel accepts in one cell; more and it "repairs" the file
# What makes Excel (or LibreOffice) read typed text as a formula: OWASP CSV-injection guidance.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CellValue = str | int | float | bool | dt.date | None


@dataclass(frozen=True)
class Row:
    """One table row; `zeroes` fills it light red."""

    values: Sequence[CellValue]
    zeroes: bool = False


# --- styling helpers, shared with the batch summary


def put(cell: Cell, value: CellValue, lang: Lang = Lang.VI) -> None:
    """Write a typed value: numbers and dates as such, yes/no as words, unknown as "—", text never as a formula."""
    if value is None:
        value = label("unknown", lang)
    if isinstance(value, bool):  # before int: bool is an int subclass
        value = label("yes" if value else "no", lang)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # XML cannot hold these control characters
        if len(text) > EXCEL_CELL_LIMIT:
            text = text[: EXCEL_CELL_LIMIT - 1] + "…"
        cell.value = text
        if text.startswith(FORMULA_TRIGGERS):
            # openpyxl turns a str starting with "=" into a formula: force a string cell. The quote
            # prefix keeps it text in Excel even after the user edits it, and is not shown.
            cell.data_type = "s"
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        cell.number_format = SCORE_FORMAT
    else:
        cell.number_format = COUNT_FORMAT


def write_table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Row],
    lang: Lang = Lang.VI,
    *,
    first_row: int = 1,
    main: bool = True,
) -> int:
    """Write a bold header and its rows from `first_row`; the main table also gets the freeze and the filter.

    Returns the last row written.
    """
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(first_row, column)
        put(cell, header, lang)
        cell.font = HEADER_FONT
    last = first_row
    for last, row in enumerate(rows, start=first_row + 1):
        for column, value in enumerate(row.values, start=1):
            cell = sheet.cell(last, column)
            put(cell, value, lang)
            if row.zeroes:
                cell.fill = ZERO_FILL
    if main:
        # A sheet has one auto-filter; it covers the table people sort and filter.
        sheet.freeze_panes = sheet.cell(first_row + 1, 1)
        sheet.auto_filter.ref = f"A{first_row}:{get_column_letter(len(headers))}{last}"
    return last


def fit_columns(sheet: Worksheet, from_row: int = 1) -> None:
    """Width from each column's longest line (from `from_row` down), capped; long or multi-line text wraps."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=from_row):
        for cell in row:
            if cell.value is None:
                continue
            lines = _shown(cell.value).split("\n")
            longest = max(len(line) for line in lines)
            bold = 1 if cell.font is not None and cell.font.b else 0
            widths[cell.column] = max(widths.get(cell.column, 0), longest + bold)
            cell.alignment = WRAP if len(lines) > 1 or longest > MAX_WIDTH else TOP
    for column, longest in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))


def _shown(value: object) -> str:
    """About what Excel displays, for widths: dates take 10 characters, scores their formatted text."""
    if isinstance(value, dt.datetime | dt.date):
        return "00/00/0000"
    if isinstance(value, float):
        return score(value)
    return str(value)


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save atomically: a temporary file in the same folder, then a rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx.part", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def new_workbook(first_sheet: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose first sheet is named `first_sheet`, stamped with the tool that made it."""
    workbook = Workbook()
    workbook.properties.creator = f"kiemchung {__version__}"
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new Workbook always starts with one worksheet
    sheet.title = first_sheet
    return workbook, sheet


# --- the unit workbook


def write_unit_workbook(unit: UnitAssessment, path: Path, lang: Lang = Lang.VI) -> None:
    """Write the unit's workbook to `path` (atomically)."""
    workbook, overview = new_workbook(label("overview", lang))
    _overview(overview, unit, lang)
    _criteria(workbook.create_sheet(label("criteria", lang)), unit, lang)
    _documents(workbook.create_sheet(label("documents", lang)), unit, lang)
    _findings(workbook.create_sheet(label("findings", lang)), unit, lang)
    if any(criterion.responsible for criterion in unit.criteria):
        _responsibilities(workbook.create_sheet(label("responsibilities", lang)), unit, lang)
    save_workbook(workbook, path)


def _lines(values: Iterable[str]) -> str:
    return "\n".join(values)


def _criteria_source(source: str, lang: Lang) -> str:
    return label(source, lang) if has_label(source) else source


def _overview(sheet: Worksheet, unit: UnitAssessment, lang: Lang) -> None:
    title = sheet.cell(1, 1)
    put(title, label("report_title", lang), lang)
    title.font = TITLE_FONT
    put(sheet.cell(2, 1), f"{label('generated_by', lang)} {__version__}", lang)
    totals = unit.totals
    zeroed = [c.code for c in unit.criteria if c.zeroed]
    none = label("none_found", lang)
    facts: list[tuple[str, CellValue]] = [
        ("unit", unit.unit),
        ("year", unit.year),
        ("period", f"{date(unit.period_start, lang)} – {date(unit.period_end, lang)}"),
        ("self_assessment", unit.self_assessment or none),
        ("criteria_source", _criteria_source(unit.criteria_source, lang)),
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
    first = 4
    for row, (key, value) in enumerate(facts, start=first):
        name = sheet.cell(row, 1)
        put(name, label(key, lang), lang)
        name.font = HEADER_FONT
        put(sheet.cell(row, 2), value, lang)
    row = first + len(facts) + 1

    heading = sheet.cell(row, 1)
    put(heading, label("counts_by_rule", lang), lang)
    heading.font = HEADER_FONT
    counts = Counter((f.code, f.rule, f.severity.value, f.zeroes) for _, _, f in unit.all_findings())
    rule_rows = [
        Row((code, rule_label(name, lang), label(severity, lang), zeroes, count), zeroes)
        for (code, name, severity, zeroes), count in sorted(counts.items())
    ]
    headers = [label(k, lang) for k in ("rule_code", "rule", "severity", "zeroes", "count")]
    row = write_table(sheet, headers, rule_rows, lang, first_row=row + 1, main=False) + 2

    heading = sheet.cell(row, 1)
    put(heading, label("fields", lang), lang)
    heading.font = HEADER_FONT
    field_rows = [
        Row((c.code, c.title or None, t.max_score, t.self_score, t.recommended_score, t.points_at_risk))
        for c, t in unit.field_totals()
    ]
    keys = ("code", "title", "max_score", "self_score", "recommended_score", "points_at_risk")
    write_table(sheet, [label(k, lang) for k in keys], field_rows, lang, first_row=row + 1, main=False)
    fit_columns(sheet, from_row=first)  # the title may overflow into empty cells; it should not widen column A


def _file_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _criteria(sheet: Worksheet, unit: UnitAssessment, lang: Lang) -> None:
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
            findings.append(f"{_file_name(path)}: {why}" if why else _file_name(path))
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
    write_table(sheet, [label(k, lang) for k in keys], rows, lang)
    fit_columns(sheet)


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
    def method(name: str) -> str:
        key = "title-match" if name == "title" else name
        try:
            return label(key, lang)
        except KeyError:
            return name

    return _lines(f"{match.code}: {method(match.method)}" for match in item.matches)


def _documents(sheet: Worksheet, unit: UnitAssessment, lang: Lang) -> None:
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
        header = item.facts.header
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
    write_table(sheet, [label(k, lang) for k in keys], rows, lang)
    fit_columns(sheet)


def _outcome(outcome: Outcome, lang: Lang) -> str:
    try:
        return label(outcome.value, lang)
    except KeyError:  # passed and not-applicable never become findings
        return outcome.value


def _findings(sheet: Worksheet, unit: UnitAssessment, lang: Lang) -> None:
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
                ),
                finding.zeroes,
            )
        )
    write_table(sheet, headers, rows, lang)
    fit_columns(sheet)


def _to_fix(criterion: CriterionAssessment, evidence: dict[str, EvidenceItem]) -> tuple[list[str], list[str]]:
    """What the person must fix: the criterion's own findings, then its documents' (file: message)."""
    messages = [finding.message for finding in criterion.findings]
    documents = []
    for path in criterion.evidence:
        item = evidence.get(path)
        if item is None or not item.findings:
            continue
        documents.append(path)
        messages += [f"{_file_name(path)}: {f.message}" for f in item.findings]
    return messages, documents


def _responsibilities(sheet: Worksheet, unit: UnitAssessment, lang: Lang) -> None:
    evidence = {item.path: item for item in unit.evidence}
    headers = [
        label("responsible", lang),
        label("code", lang),
        label("title", lang),
        label("recommended_score", lang),
        label("self_score", lang),
        label("to_fix", lang),
        label("documents_concerned", lang),
    ]
    rows = []
    for person, criteria in unit.responsibilities():
        for criterion in criteria:
            messages, documents = _to_fix(criterion, evidence)
            rows.append(
                Row(
                    (
                        person,
                        criterion.code,
                        criterion.title or None,
                        criterion.recommended_score,
                        criterion.self_score,
                        _lines(messages),
                        _lines(documents),
                    ),
                    criterion.zeroed,
                )
            )
    write_table(sheet, headers, rows, lang)
    fit_columns(sheet)


def finding_counts(findings: Iterable[Finding]) -> Counter[str]:
    """How many findings each rule code produced."""
    return Counter(finding.code for finding in findings)
