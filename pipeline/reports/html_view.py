"""What a unit's web page shows, as plain data for the templates in `templates/`: no markup here.

Each view says what to show and in which order, with every number, date and data-dependent word already
formatted (`pipeline.labels`); the fixed wording of the pages comes from the templates' `t(key)`. All text
here is plain: the templates escape it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from kiemchung.criteria_map.criteria import code_key
from kiemchung.criteria_map.models import CriterionAssessment, EvidenceItem, Totals, UnitAssessment
from kiemchung.extractors.models import VIETNAM_TIME, DocumentFacts, FileKind, OcrStatus, SignatureFacts, value_of
from kiemchung.pipeline.labels import (
    Lang,
    date,
    digest_name,
    file_name,
    has_label,
    label,
    number_and_symbol,
    rule_label,
    score,
    task_text,
    waiver_note,
)
from kiemchung.validators.format import vn_score
from kiemchung.validators.model import Finding, Outcome, Proof, ProofKind
from kiemchung.validators.scans import believed_header, is_photo

# Where the list of criteria came from -> its label; "self-assessment" is named by the table's own label.
_SOURCES = {"criteria-file": "criteria-file", "folders": "folders", "self-assessment": "self_assessment"}


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Scores:
    """A unit's or a field's sums, formatted."""

    self_score: str
    recommended_score: str
    max_score: str
    at_risk: str  # with its unit: "1,5 điểm"


@dataclass(frozen=True)
class FindingView:
    """One finding: the rule's title and message, then the file, page and the text that proves it."""

    rule: str
    code: str
    severity: str  # the class suffix: error, warning, info
    severity_text: str
    zeroes: bool
    undecided: bool
    title: str
    message: str
    path: str | None
    page: str | None
    proof: str | None
    where: str | None  # where the proof was read, in words
    waiver: str | None  # "đã miễn": why and by whom, when the council waived it


@dataclass(frozen=True)
class SignatureRow:
    field: str
    signer: str
    kind: str
    integrity: str
    intact: bool
    trust: str
    digest: str
    when: str


@dataclass(frozen=True)
class DocumentView:
    """One evidence file: header facts, signatures and findings (zeroing first); open when it has findings."""

    path: str
    zeroes: bool
    number: str | None
    issued: str | None
    facts: tuple[tuple[str, str], ...]  # (label, value)
    has_signatures: bool  # signatures or signature fields: the table, else "no signatures"
    signatures: tuple[SignatureRow, ...]
    empty_fields: tuple[str, ...]
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class CriterionView:
    code: str
    anchor: str
    title: str
    depth: int
    zeroed: bool
    max_score: str
    self_score: str
    recommended_score: str
    sum_of_children: bool
    zeroed_by: tuple[tuple[str, str], ...]  # (path, anchor of its document under this criterion)
    zeroing_rules: tuple[tuple[str, str], ...]  # (rule title, code)
    responsible: str
    explanation: str | None  # None: not shown (a field without one); "" shown as "no explanation"
    evidence_text: str
    findings: tuple[FindingView, ...]
    documents: tuple[tuple[str, DocumentView], ...] | None  # (anchor, document); None: not shown


@dataclass(frozen=True)
class FieldView:
    """A field with its criteria; `code` None for the criteria whose field is unknown."""

    code: str | None
    anchor: str
    heading: str  # "1. Công tác chỉ đạo"
    zeroed: int
    totals: Scores | None
    criteria: tuple[CriterionView, ...]


@dataclass(frozen=True)
class PersonRow:
    code: str
    anchor: str
    title: str
    zeroed: bool
    self_score: str
    recommended_score: str
    tasks: tuple[str, ...]  # what to do (`labels.task_text`), what would lift a zero first
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PersonView:
    name: str
    anchor: str
    criteria: tuple[PersonRow, ...]
    documents: tuple[tuple[bool, str, str], ...]  # (zeroes, path, rules that fired)


@dataclass(frozen=True)
class UnitView:
    name: str
    title: str
    year: int
    period: str
    links: tuple[Link, ...]
    ocr_notice: str | None
    totals: Scores  # each with its unit: "1,5 điểm"
    facts: tuple[tuple[str, str, bool], ...]  # (label, value, value is a path)
    zeroed: tuple[tuple[str, str], ...]  # (code, anchor)
    rule_counts: tuple[tuple[str, str, str, int], ...]  # (rule title, code, zeroes yes/no, count)
    findings: tuple[FindingView, ...]
    unmatched: tuple[str, ...]
    unmatched_documents: tuple[DocumentView, ...]
    fields: tuple[FieldView, ...]
    people: tuple[PersonView, ...]


def _href(target: str) -> str:
    """A link that stays on disk: relative, no scheme, path segments percent-encoded (Vietnamese, spaces)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        raise ValueError(f"report links must be relative paths, got {target!r}")
    return quote(target, safe="/#?&=%.-_~")


def _anchor(prefix: str, code: str) -> str:
    """A valid id from a code that comes from the unit's own table."""
    return f"{prefix}-{re.sub(r'[^0-9A-Za-z._-]', '_', code)}"


def points(value: float | None, lang: Lang) -> str:
    """1,5 điểm; "—" alone when unknown."""
    return score(value, lang) if value is None else f"{score(value, lang)} {label('points', lang)}"


# --------------------------------------------------------------------------------------------- findings


def _source(proof: Proof, lang: Lang) -> str | None:
    """Where the proof was read, in words: "dòng 9 của bảng tự đánh giá", "chữ ký số “Signature1”"."""
    kind, detail = proof.kind, proof.detail
    if kind is None:
        return None
    if kind is ProofKind.ROW and detail:
        return label("src_row", lang, n=detail)
    if kind is ProofKind.SIGNATURE and detail:
        return label("src_signature", lang, n=detail)
    if kind is ProofKind.SIGNATURE_APPEARANCE:
        return label("src_appearance", lang, n=detail or "")
    known = {
        ProofKind.PAGE_TEXT: "src_page_text",
        ProofKind.DOCX_TABLE: "src_docx_table",
        ProofKind.DOCX_BODY: "src_docx_body",
        ProofKind.SIGNATURES: "src_signatures",
        ProofKind.SIGNATURE_FIELD: "src_signature_field",
        ProofKind.PAGE_IMAGING: "src_page_imaging",
        ProofKind.CONFIG: "src_config",
        ProofKind.OCR: "src_ocr",
        ProofKind.UNIT_EVIDENCE: "src_unit_evidence",
    }
    return label(known[kind], lang) if kind in known and detail is None else proof.source


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Zeroing findings first, then by severity, then by rule code: what costs points leads."""
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: (not f.zeroes, rank.get(f.severity.value, 3), f.code))


def _findings(findings: Iterable[Finding], path: str | None, lang: Lang) -> tuple[FindingView, ...]:
    views = []
    for finding in _ordered(findings):
        proof = finding.proof
        views.append(
            FindingView(
                rule=finding.rule,
                code=finding.code,
                severity=finding.severity.value,
                severity_text=label(finding.severity.value, lang),
                zeroes=finding.zeroes,
                undecided=finding.outcome is Outcome.INDETERMINATE,
                title=rule_label(finding.rule, lang),
                message=finding.message,
                path=path or None,
                page=str(proof.page) if proof is not None and proof.page is not None else None,
                proof=proof.text if proof is not None and proof.text else None,
                where=_source(proof, lang) if proof is not None else None,
                waiver=waiver_note(finding.waived, lang) or None,
            )
        )
    return tuple(views)


# -------------------------------------------------------------------------------------------- documents


def _moment(moment: dt.datetime | None, lang: Lang) -> str:
    """A signing time in Vietnam's time (UTC+7), as the signature stamps print it: 22/03/2023 09:01:19."""
    if moment is None:
        return label("unknown", lang)
    if moment.tzinfo is None:  # no zone recorded: show it as written rather than guess
        return moment.strftime("%d/%m/%Y %H:%M:%S")
    return moment.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y %H:%M:%S") + " (UTC+7)"


def _state(value: str, lang: Lang) -> str:
    """A signature's kind, integrity or trust in words; a value this module does not know is shown as is."""
    if value == "unknown":
        return label("undetermined", lang)
    return label(value, lang) if has_label(value) else value


def _signature(sig: SignatureFacts, lang: Lang) -> SignatureRow:
    subject = sig.subject
    return SignatureRow(
        field=sig.field_name,
        signer=subject.common_name if subject is not None and subject.common_name else label("unknown", lang),
        kind=_state(sig.signer_kind.value, lang),
        integrity=_state(sig.integrity.value, lang),
        intact=sig.integrity.value == "intact",
        trust=_state(sig.trust.value, lang),
        digest=digest_name(sig.hash_algorithm) or label("unknown", lang),
        when=_moment(sig.moment, lang),
    )


def _picture_kind(facts: DocumentFacts) -> str:
    """A picture file as the council sees it: a photo (listed, not evidence to judge), a picture of a
    paper document, or, without OCR, a picture whose content is not known."""
    if is_photo(facts):
        return "image_photo"
    return "image_paper" if facts.ocr is not None and facts.ocr.header_found else "image_unknown"


def _document(item: EvidenceItem, lang: Lang) -> DocumentView:
    facts = item.facts
    header = believed_header(facts)
    issued = header.date.value.as_date() if header.date is not None else None
    number = number_and_symbol(header)
    unknown = label("unknown", lang)
    rows: list[tuple[str, str]] = [
        ("number_symbol", number or unknown),
        ("doc_type", value_of(header.type_name) or value_of(header.doc_type) or unknown),
        ("issue_date", date(issued, lang) if issued else (header.date.raw if header.date else unknown)),
        ("issuer", value_of(header.issuer) or unknown),
        ("subject", value_of(header.subject) or unknown),
        ("signer", " – ".join(p for p in (value_of(header.signer_role), value_of(header.signer_name)) if p) or unknown),
    ]
    if facts.kind is FileKind.IMAGE:
        rows.insert(0, ("file_kind", label(_picture_kind(facts), lang)))
    if facts.ocr is not None and facts.ocr.status is OcrStatus.READ and facts.ocr.confidence is not None:
        rows.append(("read_by_ocr", label("ocr_confidence", lang, n=vn_score(round(facts.ocr.confidence)))))
    if facts.read_error is not None:
        # Nothing was read: a column of dashes would hide the one fact that matters.
        rows = [("read_error", label(f"read-{facts.read_error.problem.value}", lang))]
    if item.matches:
        methods = (
            f"{m.code}: {label('title-match' if m.method == 'title' else m.method, lang)} ({m.detail})"
            for m in item.matches
        )
        rows.append(("matched_by", "; ".join(methods)))
    verified = {sig.field_name for sig in facts.signatures}
    return DocumentView(
        path=item.path,
        zeroes=item.zeroes,
        number=number,
        issued=date(issued, lang) if issued else None,
        facts=tuple((label(key, lang), value) for key, value in rows),
        has_signatures=bool(facts.signatures or facts.signature_fields),
        signatures=tuple(_signature(sig, lang) for sig in facts.signatures),
        empty_fields=tuple(field.name for field in facts.signature_fields if field.name not in verified),
        findings=_findings(item.findings, None, lang),  # shown inside the document's own block: no path again
    )


# --------------------------------------------------------------------------------------------- criteria


def _depth(criterion: CriterionAssessment) -> int:
    return criterion.code.count(".")


def _doc_anchor(criterion: CriterionAssessment, path: str) -> str:
    """A document shows under each criterion it supports: its id is per criterion."""
    index = criterion.evidence.index(path) if path in criterion.evidence else 0
    return _anchor("tc", criterion.code) + f"-doc{index}"


def _criterion(
    criterion: CriterionAssessment,
    documents: Mapping[str, DocumentView],
    evidence: Mapping[str, EvidenceItem],
    lang: Lang,
) -> CriterionView:
    """A criterion: scores, the 0 mark and why, who answers for it, the explanation, findings and documents."""
    shown: tuple[tuple[str, DocumentView], ...] | None = None
    if not criterion.children or criterion.evidence:
        items = sorted(
            (evidence[path] for path in criterion.evidence if path in evidence),
            key=lambda item: (not item.zeroes, not item.findings, item.path),
        )
        shown = tuple((_doc_anchor(criterion, item.path), documents[item.path]) for item in items)
    explanation = None
    if criterion.parent is not None or criterion.explanation is not None:
        text = criterion.explanation.text if criterion.explanation is not None else ""
        explanation = text if text.strip() else ""
    return CriterionView(
        code=criterion.code,
        anchor=_anchor("tc", criterion.code),
        title=criterion.title or "",
        depth=_depth(criterion),
        zeroed=criterion.zeroed,
        max_score=score(criterion.max_score, lang),
        self_score=score(criterion.self_score, lang),
        recommended_score=score(criterion.recommended_score, lang),
        sum_of_children=bool(criterion.children) and not criterion.zeroed,
        zeroed_by=tuple((path, _doc_anchor(criterion, path)) for path in criterion.zeroed_by),
        zeroing_rules=tuple((rule_label(f.rule, lang), f.code) for f in _ordered(criterion.findings) if f.zeroes),
        responsible="; ".join(criterion.responsible),
        explanation=explanation,
        evidence_text=criterion.evidence_text if criterion.evidence_text.strip() else "",
        findings=_findings(criterion.findings, None, lang),
        documents=shown,
    )


def _field_groups(
    unit: UnitAssessment,
) -> list[tuple[CriterionAssessment | None, Totals | None, list[CriterionAssessment]]]:
    """Each field with its sub-criteria in code order; criteria whose field is unknown come last, fieldless."""
    by_code = {c.code: c for c in unit.criteria}
    groups: list[tuple[CriterionAssessment | None, Totals | None, list[CriterionAssessment]]] = []
    placed: set[str] = set()
    for field, totals in sorted(unit.field_totals(), key=lambda pair: code_key(pair[0].code)):
        members: list[CriterionAssessment] = []
        stack = [field.code]
        while stack:  # walk the tree through `children`, so a deeper criterion follows its parent
            code = stack.pop()
            if code != field.code and code in by_code:
                members.append(by_code[code])
            children = by_code[code].children if code in by_code else ()
            stack.extend(sorted(children, key=code_key, reverse=True))
        placed |= {field.code, *(m.code for m in members)}
        groups.append((field, totals, members))
    rest = [c for c in unit.criteria if c.code not in placed]
    if rest:
        groups.append((None, None, sorted(rest, key=lambda c: code_key(c.code))))
    return groups


def _fields(
    unit: UnitAssessment, documents: Mapping[str, DocumentView], evidence: Mapping[str, EvidenceItem], lang: Lang
) -> tuple[FieldView, ...]:
    views = []
    for field, totals, members in _field_groups(unit):
        zeroed = sum(c.zeroed for c in members)
        code, field_anchor, heading, numbers = None, "field-other", label("criteria", lang), None
        if field is not None:
            totals = totals or Totals(None, None, None)
            numbers = Scores(
                score(totals.self_score, lang),
                score(totals.recommended_score, lang),
                score(totals.max_score, lang),
                points(totals.points_at_risk, lang),
            )
            # "1. Công tác chỉ đạo…", or just "1" when the criteria come from folder names and have no title.
            code, field_anchor = field.code, _anchor("field", field.code)
            heading = f"{field.code}. {field.title}" if field.title else field.code
            # A field row can carry findings of its own (a score over the maximum, a vague explanation).
            if field.findings or field.zeroed:
                members = [field, *members]
        criteria = tuple(_criterion(c, documents, evidence, lang) for c in members)
        views.append(FieldView(code, field_anchor, heading, zeroed, numbers, criteria))
    return tuple(views)


# ------------------------------------------------------------------------------------------ responsible


def _rule_names(findings: Iterable[Finding], lang: Lang) -> str:
    """The rules that fired, zeroing ones first, each once."""
    return "; ".join(dict.fromkeys(rule_label(f.rule, lang) for f in _ordered(findings)))


def _people(unit: UnitAssessment, evidence: Mapping[str, EvidenceItem], lang: Lang) -> tuple[PersonView, ...]:
    """Per person or body: the criteria to review (zeroed or with open findings), what to do about each, and
    the documents to fix. Waived findings ask nothing of anyone."""
    views = []
    for number, (person, criteria) in enumerate(unit.responsibilities(), start=1):
        rows = []
        documents: dict[str, tuple[EvidenceItem, list[Finding]]] = {}
        for criterion in criteria:
            flagged = [(evidence[p], _open(evidence[p].findings)) for p in criterion.evidence if p in evidence]
            flagged = [(item, findings) for item, findings in flagged if findings]
            documents.update({item.path: (item, findings) for item, findings in flagged})
            reasons = [rule_label(f.rule, lang) for f in _ordered(_open(criterion.findings))]
            # Documents by file name only: their full paths and every finding are listed below the table.
            reasons += [f"{file_name(item.path)}: {_rule_names(findings, lang)}" for item, findings in flagged]
            rows.append(
                PersonRow(
                    code=criterion.code,
                    anchor=_anchor("tc", criterion.code),
                    title=criterion.title or "",
                    zeroed=criterion.zeroed,
                    self_score=score(criterion.self_score, lang),
                    recommended_score=score(criterion.recommended_score, lang),
                    tasks=tuple(task_text(task, lang) for task in unit.tasks(criterion)),
                    reasons=tuple(reasons),
                )
            )
        docs = sorted(documents.values(), key=lambda pair: (not pair[0].zeroes, pair[0].path))
        views.append(
            PersonView(
                name=person,
                anchor=f"person-{number}",
                criteria=tuple(rows),
                documents=tuple((item.zeroes, item.path, _rule_names(findings, lang)) for item, findings in docs),
            )
        )
    return tuple(views)


def _open(findings: Iterable[Finding]) -> list[Finding]:
    """The findings not waived by the council."""
    return [finding for finding in findings if finding.waived is None]


# ------------------------------------------------------------------------------------------------- unit


def _ocr_notice(unit: UnitAssessment, lang: Lang) -> str | None:
    """Say so when scans or pictures went unread because OCR was off or not installed."""
    unread = {item.facts.ocr.status for item in unit.evidence if item.facts.ocr is not None}
    reasons = [
        label(f"ocr-{status.value}", lang) for status in (OcrStatus.DISABLED, OcrStatus.UNAVAILABLE) if status in unread
    ]
    return label("ocr_off_notice", lang, reason="; ".join(reasons)) if reasons else None


def _rule_counts(unit: UnitAssessment, lang: Lang) -> tuple[tuple[str, str, str, int], ...]:
    found = [finding for _, _, finding in unit.all_findings()]
    counts = Counter(f.rule for f in found)
    first = {f.rule: f for f in reversed(found)}
    ordered = sorted(counts, key=lambda rule: (not first[rule].zeroes, -counts[rule], first[rule].code))
    return tuple(
        (
            rule_label(rule, lang),
            first[rule].code,
            label("yes" if any(f.zeroes for f in found if f.rule == rule) else "no", lang),
            counts[rule],
        )
        for rule in ordered
    )


def unit_view(unit: UnitAssessment, lang: Lang, links: Mapping[str, str] | None) -> UnitView:
    """Everything report.html shows of one unit."""
    evidence = {item.path: item for item in unit.evidence}
    documents = {item.path: _document(item, lang) for item in unit.evidence}  # shown under each criterion
    totals = unit.totals
    zeroed = [c for c in unit.criteria if c.zeroed]
    period = f"{date(unit.period_start, lang)} – {date(unit.period_end, lang)}"
    source = unit.criteria_source
    facts = (
        (label("unit", lang), unit.unit, False),
        (label("year", lang), str(unit.year), False),
        (label("period", lang), period, False),
        (label("self_assessment", lang), unit.self_assessment or "—", unit.self_assessment is not None),
        (label("criteria_source", lang), label(_SOURCES[source], lang) if source in _SOURCES else source, False),
        (label("files", lang), str(len(unit.evidence)), False),
        (label("zeroing_files", lang), str(sum(item.zeroes for item in unit.evidence)), False),
        (label("zeroed_criteria", lang), f"{len(zeroed)} / {len(unit.criteria)}", False),
    )
    return UnitView(
        name=unit.unit,
        title=f"{unit.unit} — {label('report_title', lang)} {unit.year}",
        year=unit.year,
        period=period,
        links=tuple(Link(text, _href(target)) for text, target in (links or {}).items()),
        ocr_notice=_ocr_notice(unit, lang),
        totals=Scores(
            points(totals.self_score, lang),
            points(totals.recommended_score, lang),
            points(totals.max_score, lang),
            points(totals.points_at_risk, lang),
        ),
        facts=facts,
        zeroed=tuple((c.code, _anchor("tc", c.code)) for c in zeroed),
        rule_counts=_rule_counts(unit, lang),
        findings=_findings(unit.findings, unit.self_assessment, lang),
        unmatched=unit.unmatched,
        unmatched_documents=tuple(documents[path] for path in unit.unmatched if path in documents),
        fields=_fields(unit, documents, evidence, lang),
        people=_people(unit, evidence, lang),
    )
