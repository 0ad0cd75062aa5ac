"""The council's paper record as Word documents: `report.docx` per unit and `summary.docx` for a batch.

A unit's document is the council's "kết quả kiểm tra tài liệu kiểm chứng" in the Decree 30 layout
(`pipeline.reports.word_layout`): the header with the council's name and the motto, blanks for the number and the
date (the council numbers and dates it when it issues it), the title, then
  I.  general information: the unit, the period, the day of the check and the settings used (criteria,
      trust roots, exempt issuers, the SHA-1 policy, the tool's version);
  II. results: totals, points per field, and the criteria proposed to score 0 with why and in which file;
then the closing note, the recipients and the signature block; an appendix in landscape lists every finding.
The batch document ranks the units by recommended total (self, recommended and at-risk points, zeroed
criteria, and one column per field), in landscape.

Wording, numbers (1,5 điểm) and dates (30/01/2023) come from `pipeline.labels`. Word lets the council
complete the blanks, edit and print; LibreOffice opens the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx.document import Document
from docx.shared import Length, Mm

from kiemchung import __version__
from kiemchung.criteria_map.criteria import code_key
from kiemchung.criteria_map.models import CriteriaSource, CriterionAssessment, EvidenceItem, Totals, UnitAssessment
from kiemchung.criteria_map.ranking import batch_fields, ranked
from kiemchung.pipeline.config import Config
from kiemchung.pipeline.labels import Lang, date, label, rule_label, score, waiver_note
from kiemchung.pipeline.reports.word_layout import (
    LANDSCAPE_TEXT,
    PORTRAIT_TEXT,
    SMALL_SIZE,
    TITLE_SIZE,
    add_row,
    add_run,
    closing,
    grid_table,
    landscape_section,
    letterhead,
    new_document,
    paragraph,
    save,
)
from kiemchung.validators.model import Sha1Policy

UNIT_DOCUMENT = "report.docx"
BATCH_DOCUMENT = "summary.docx"
_LANGUAGE = {Lang.VI: "vi-VN", Lang.EN: "en-US"}
_ROMAN = ("I", "II", "III")
_BLANK = "……………………"


@dataclass(frozen=True)
class CheckRecord:
    """What a document records besides the results: the day of the check, the settings used, and the council."""

    checked_on: dt.date
    lang: Lang = Lang.VI
    criteria_file: str | None = None  # the criteria set's file name
    trust_roots: tuple[str, ...] = ()  # trust-root file or folder names
    exempt_issuers: tuple[str, ...] = ()
    sha1: Sha1Policy = Sha1Policy.ACCEPT
    issuer: tuple[str, ...] = ()  # the council's name, parent body first
    place: str = ""

    @classmethod
    def of(cls, config: Config, today: dt.date | None = None) -> CheckRecord:
        return cls(
            checked_on=today or dt.date.today(),
            lang=config.lang,
            criteria_file=config.criteria_file.name if config.criteria_file else None,
            trust_roots=tuple(path.name for path in config.trust_roots),
            exempt_issuers=config.unsigned_exempt_issuers,
            sha1=config.sha1,
            issuer=config.issuer,
            place=config.place,
        )


# --------------------------------------------------------------------------------------------- shared


def _t(key: str, record: CheckRecord, **values: object) -> str:
    return label(key, record.lang, **values)


def _points(value: float | None, lang: Lang) -> str:
    """1,5 điểm; "—" alone when unknown."""
    return score(value, lang) if value is None else f"{score(value, lang)} {label('points', lang)}"


def _issuer(record: CheckRecord) -> tuple[str, ...]:
    return record.issuer or (_BLANK, _t("docx_council", record))


def _start(record: CheckRecord, *, landscape: bool, title: str, subject: str) -> Document:
    """A new document with the decree's header, the title and the subject line."""
    document = new_document(
        landscape=landscape,
        language=_LANGUAGE[record.lang],
        title=title,
        author=f"kiemchung {__version__}",
        created=dt.datetime.combine(record.checked_on, dt.time()),
    )
    width = LANDSCAPE_TEXT if landscape else PORTRAIT_TEXT
    place = _t("docx_place_date", record, place=record.place or _BLANK, year=record.checked_on.year)
    motto = (_t("docx_nation", record), _t("docx_slogan", record))
    letterhead(document, _issuer(record), motto, _t("docx_number", record), place, width)
    paragraph(document, after=6)
    paragraph(document, title, bold=True, size=TITLE_SIZE, center=True, after=0, keep_with_next=True)
    paragraph(document, subject, bold=True, size=TITLE_SIZE, center=True, after=12, keep_with_next=True)
    return document


def _heading(document: Document, text: str) -> None:
    paragraph(document, text, bold=True, after=6, keep_with_next=True)


def _fact(document: Document, name: str, value: str, *, bold: bool = False) -> None:
    """ "- Name: value", the first line indented as body text is."""
    line = paragraph(document, f"- {name}: ", indent=True, after=3)
    add_run(line, value, bold=bold)


def _settings(record: CheckRecord, criteria_source: CriteriaSource | None) -> list[tuple[str, str]]:
    """The settings the check was made with, as (label, value) lines."""
    lang = record.lang
    criteria = []
    if criteria_source:
        criteria.append(label(criteria_source, lang))
    if record.criteria_file:
        criteria.append(record.criteria_file)
    lines = [(_t("criteria_source", record), ", ".join(criteria))] if criteria else []
    roots = ", ".join(record.trust_roots) or _t("docx_no_trust_roots", record)
    exempt = "; ".join(record.exempt_issuers) or _t("none_found", record)
    return [
        *lines,
        (_t("docx_trust_roots", record), roots),
        (_t("docx_exempt", record), exempt),
        (_t("docx_sha1", record), _t(f"sha1-{record.sha1.value}", record)),
        (_t("docx_tool", record), _t("docx_tool_version", record, version=__version__)),
    ]


def _end(document: Document, record: CheckRecord, recipients: Sequence[str], width: Length) -> None:
    body = _issuer(record)[-1]
    signer = (_t("docx_on_behalf", record, body=body), _t("docx_chair", record))
    listed = [*recipients, _t("docx_members", record), _t("docx_archive", record)]
    closing(document, _t("docx_recipients", record), listed, signer, _t("docx_sign_note", record), width)


# ------------------------------------------------------------------------------------------ unit document


def write_unit_document(unit: UnitAssessment, path: Path, record: CheckRecord) -> None:
    """Write one unit's report.docx (atomically)."""
    lang = record.lang
    title = _t("docx_title", record, year=unit.year)
    document = _start(record, landscape=False, title=title, subject=_t("docx_unit_subject", record, unit=unit.unit))
    _heading(document, f"{_ROMAN[0]}. {_t('docx_general', record)}")
    general = [
        (_t("unit", record), unit.unit),
        (_t("period", record), f"{date(unit.period_start, lang)} – {date(unit.period_end, lang)}"),
        (_t("docx_check_date", record), date(record.checked_on, lang)),
        (_t("self_assessment", record), unit.self_assessment or _t("none_found", record)),
        *_settings(record, unit.criteria_source),
        (_t("files", record), str(len(unit.evidence))),
        (_t("docx_criteria_count", record), str(len(unit.criteria))),
    ]
    for name, value in general:
        _fact(document, name, value)
    _heading(document, f"{_ROMAN[1]}. {_t('docx_results', record)}")
    sections = [_totals, _fields, _zeroed] if unit.field_totals() else [_totals, _zeroed]
    for number, section in enumerate(sections, start=1):
        section(document, unit, record, number)
    closing_note = f"{_t('docx_closing_note', record)} {_t('docx_see_appendix', record)}"
    paragraph(document, closing_note, indent=True, keep_with_next=True)
    _end(document, record, [f"- {unit.unit};"], PORTRAIT_TEXT)
    _appendix(document, unit, record)
    save(document, path)


def _totals(document: Document, unit: UnitAssessment, record: CheckRecord, number: int) -> None:
    lang, totals = record.lang, unit.totals
    _heading(document, f"{number}. {_t('docx_totals', record)}")
    zeroed = sum(criterion.zeroed for criterion in unit.criteria)
    zeroing = sum(item.zeroes for item in unit.evidence)
    _fact(document, _t("self_total", record), _points(totals.self_score, lang))
    _fact(document, _t("recommended_total", record), _points(totals.recommended_score, lang), bold=True)
    _fact(document, _t("max_total", record), _points(totals.max_score, lang))
    _fact(document, _t("points_at_risk", record), _points(totals.points_at_risk, lang), bold=True)
    _fact(document, _t("zeroed_criteria", record), f"{zeroed}/{len(unit.criteria)}")
    _fact(document, _t("zeroing_files", record), f"{zeroing}/{len(unit.evidence)}")


_SCORE_COLUMNS = frozenset({2, 3, 4, 5})


def _fields(document: Document, unit: UnitAssessment, record: CheckRecord, number: int) -> None:
    lang = record.lang
    _heading(document, f"{number}. {_t('docx_fields', record)}")
    keys = ("code", "field", "max_score", "self_score", "recommended_score", "points_at_risk")
    table = grid_table(document, [_t(k, record) for k in keys], [Mm(w) for w in (14, 67, 21, 21, 21, 21)])
    fields = sorted(unit.field_totals(), key=lambda pair: code_key(pair[0].code))
    for field, totals in fields:
        add_row(table, [field.code, field.title or "", *_scores(totals, lang)], numeric=_SCORE_COLUMNS)
    add_row(table, ["", _t("docx_totals", record), *_scores(unit.totals, lang)], numeric=_SCORE_COLUMNS, bold=True)
    paragraph(document, after=0)


def _scores(totals: Totals, lang: Lang) -> list[str]:
    values = (totals.max_score, totals.self_score, totals.recommended_score, totals.points_at_risk)
    return [score(value, lang) for value in values]


def zero_causes(
    criterion: CriterionAssessment, evidence: Mapping[str, EvidenceItem], lang: Lang = Lang.VI
) -> list[tuple[str, str]]:
    """Why a zeroed criterion scores 0, as (file or place, reasons): each document that zeroes it, then the
    criterion's own zeroing findings (about its row of the self-assessment)."""
    causes = []
    for path in criterion.zeroed_by:
        item = evidence.get(path)
        reasons = [rule_label(f.rule, lang) for f in item.findings if f.zeroes] if item else []
        causes.append((path, "; ".join(dict.fromkeys(reasons))))
    own = [rule_label(f.rule, lang) for f in criterion.findings if f.zeroes]
    if own:
        row = criterion.row_number
        where = label("src_row", lang, n=row) if row is not None else label("self-assessment", lang)
        causes.append((where, "; ".join(dict.fromkeys(own))))
    return causes


def _zeroed(document: Document, unit: UnitAssessment, record: CheckRecord, number: int) -> None:
    """One row per cause; a criterion with several causes spans them (its number, code, title and score merged)."""
    lang = record.lang
    _heading(document, f"{number}. {_t('docx_zeroed', record)}")
    zeroed = sorted((c for c in unit.criteria if c.zeroed), key=lambda c: code_key(c.code))
    if not zeroed:
        paragraph(document, _t("docx_no_zeroed", record), indent=True)
        return
    keys = ("docx_row_number", "code", "title", "self_score", "docx_zero_reason", "docx_zero_where")
    table = grid_table(document, [_t(k, record) for k in keys], [Mm(w) for w in (10, 15, 40, 18, 37, 45)])
    evidence = {item.path: item for item in unit.evidence}
    for index, criterion in enumerate(zeroed, start=1):
        causes = zero_causes(criterion, evidence, lang)
        spanned = frozenset(range(4)) if len(causes) > 1 else frozenset()
        for row, (where, reasons) in enumerate(causes):
            about = [str(index), criterion.code, criterion.title or "", score(criterion.self_score, lang)]
            values: list[str | None] = [*(about if row == 0 else [None] * 4), reasons, where]
            add_row(table, values, numeric=frozenset({3}), merge_down=spanned if row == 0 else frozenset())
    paragraph(document, after=0)


def _appendix(document: Document, unit: UnitAssessment, record: CheckRecord) -> None:
    """Every finding, in landscape: where, which rule, how serious, whether it zeroes, what it says and the proof."""
    landscape_section(document)
    lang = record.lang
    paragraph(document, _t("docx_appendix", record), bold=True, size=TITLE_SIZE, center=True, after=0)
    paragraph(document, _t("docx_appendix_title", record), bold=True, size=TITLE_SIZE, center=True, after=0)
    note = _t("docx_appendix_note", record, unit=unit.unit, date=date(record.checked_on, lang))
    paragraph(document, note, italic=True, center=True, after=12)
    findings = unit.all_findings()
    if not findings:
        paragraph(document, _t("no_findings", record), indent=True)
        return
    keys = ("docx_row_number", "scope", "where", "rule_code", "rule", "severity", "zeroes", "message", "proof")
    widths = [Mm(w) for w in (10, 18, 47, 18, 35, 17, 15, 60, 32)]
    table = grid_table(document, [_t(k, record) for k in keys], widths, size=SMALL_SIZE)
    for index, (scope, where, finding) in enumerate(findings, start=1):
        proof = finding.proof
        shown = [proof.text] if proof and proof.text else []
        if proof and proof.page is not None:
            shown.append(f"({_t('page', record).lower()} {proof.page})")
        place = where if scope != "unit" else unit.self_assessment
        add_row(
            table,
            [
                str(index),
                _t(f"scope_{scope}", record),
                place or _t("unknown", record),
                finding.code,
                rule_label(finding.rule, lang),
                _t(finding.severity.value, record),
                _t("yes" if finding.zeroes else "no", record),
                [finding.message, *filter(None, [waiver_note(finding.waived, lang)])],
                shown,
            ],
            size=SMALL_SIZE,
        )


# ----------------------------------------------------------------------------------------- batch document


def write_batch_document(units: Sequence[UnitAssessment], path: Path, record: CheckRecord) -> None:
    """Write the batch's summary.docx (atomically): the ranking of the units, in landscape."""
    lang = record.lang
    years = sorted({unit.year for unit in units}) or [record.checked_on.year]
    title = _t("docx_title", record, year=", ".join(map(str, years)))
    subject = _t("docx_batch_subject", record, n=len(units))
    document = _start(record, landscape=True, title=title, subject=subject)
    _heading(document, f"{_ROMAN[0]}. {_t('docx_general', record)}")
    sources = sorted({unit.criteria_source for unit in units})
    periods = sorted({(unit.period_start, unit.period_end) for unit in units})
    shown = "; ".join(f"{date(start, lang)} – {date(end, lang)}" for start, end in periods)
    general = [
        *([(_t("period", record), shown)] if shown else []),
        (_t("docx_check_date", record), date(record.checked_on, lang)),
        (_t("all_units_total", record), str(len(units))),
        *_settings(record, sources[0] if len(sources) == 1 else None),
    ]
    for name, value in general:
        _fact(document, name, value)
    _heading(document, f"{_ROMAN[1]}. {_t('docx_ranking', record)}")
    fields = batch_fields(units)
    keys = ("docx_rank", "unit", "self_total", "recommended_total", "points_at_risk", "zeroed_count")
    headers = [_t(k, record) for k in keys] + [_t("docx_field_column", record, code=f.code) for f in fields]
    fixed: list[Length] = [Mm(w) for w in (14, 52, 22, 22, 22, 20)]
    rest = LANDSCAPE_TEXT - sum(fixed)
    if fields:
        widths = fixed + [Length(rest // len(fields))] * len(fields)
    else:  # the unit's name takes the room
        widths = [fixed[0], Length(fixed[1] + rest), *fixed[2:]]
    table = grid_table(document, headers, widths, size=SMALL_SIZE)
    numeric = frozenset(range(2, len(headers)))
    for rank, unit in ranked(units):
        totals, by_field = unit.totals, {field.code: totals for field, totals in unit.field_totals()}
        zeroed = sum(criterion.zeroed for criterion in unit.criteria)
        per_field = [score(by_field[f.code].recommended_score if f.code in by_field else None, lang) for f in fields]
        add_row(
            table,
            [
                str(rank) if rank is not None else _t("unknown", record),
                unit.unit,
                score(totals.self_score, lang),
                score(totals.recommended_score, lang),
                score(totals.points_at_risk, lang),
                str(zeroed),
                *per_field,
            ],
            size=SMALL_SIZE,
            numeric=numeric,
        )
    legend = "; ".join(
        f"{_t('docx_field_column', record, code=f.code)}" + (f" – {f.title}" if f.title else "") for f in fields
    )
    paragraph(document, after=0)
    paragraph(document, _t("docx_ranking_note", record, fields=legend or _t("none_found", record)), italic=True)
    paragraph(document, _t("docx_closing_note", record), indent=True, keep_with_next=True)
    _end(document, record, [_t("docx_units_recipient", record)], LANDSCAPE_TEXT)
    save(document, path)
