"""Build `DocumentFacts` and `RuleContext` from a YAML case, so cases read like documents."""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from kiemchung.extractors.models import (
    Citation,
    Column,
    Coverage,
    DocumentFacts,
    DocumentHeader,
    FileKind,
    Integrity,
    IssueDate,
    Located,
    ModificationLevel,
    OcrFacts,
    OcrStatus,
    OcrWord,
    PageImaging,
    ReadError,
    ReadProblem,
    SelfAssessmentTable,
    SignatureFacts,
    SignatureField,
    SignerKind,
    SignerSubject,
    Source,
    TextLine,
    Trust,
    Where,
)
from kiemchung.validators.model import (
    CitationCheck,
    CitationStatus,
    CriterionFacts,
    Rule,
    RuleContext,
    Sha1Policy,
    SubmittedDocument,
    UnitFacts,
)
from kiemchung.validators.registry import rule_by_key
from tests.context import rule_context

_TEXT_FIELDS = ("issuer", "number", "symbol", "type_name", "doc_type", "place", "subject", "signer_role",
                "signer_name")


def _located(value: Any, raw: str | None, source: str | None) -> Located[Any]:
    where = Where(Source(source or "page-text"), 1, "Signature2" if source == "signature-appearance" else None)
    return Located(value, raw if raw is not None else str(value), where)


def _date(value: Any) -> IssueDate:
    if isinstance(value, dt.date):
        return IssueDate(value.day, value.month, value.year)
    if isinstance(value, str):
        parsed = dt.date.fromisoformat(value)
        return IssueDate(parsed.day, parsed.month, parsed.year)
    return IssueDate(value.get("day"), value.get("month"), value.get("year"))


def _when(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))


E = TypeVar("E")


def _optional(vocabulary: Callable[[str], E], value: str | None) -> E | None:
    return None if value is None else vocabulary(value)


def _signature(index: int, spec: dict[str, Any]) -> SignatureFacts:
    """A verified signature; by default an intact, trusted person's signature."""
    subject = SignerSubject(spec.get("cn"), spec.get("o"), uids=tuple(spec.get("uids", ())),
                            rfc4514=f"CN={spec.get('cn')}")
    return SignatureFacts(
        field_name=spec.get("field", f"Signature{index + 1}"),
        page=1,
        subject=subject if spec.get("cn") or spec.get("o") else None,
        signer_kind=SignerKind(spec.get("kind", "person")),
        issuer="CN=KIEMCHUNG TEST CA",
        signing_time=_when(spec.get("signing_time", "2023-01-30T09:00:00")),
        timestamp_time=_when(spec.get("timestamp_time")),
        hash_algorithm=spec.get("hash_algorithm", "sha256"),
        subfilter="/ETSI.CAdES.detached",
        integrity=Integrity(spec.get("integrity", "intact")),
        coverage=_optional(Coverage, spec.get("coverage", "entire-file")),
        modification_level=_optional(ModificationLevel, spec.get("modification_level", "none")),
        trust=Trust(spec.get("trust", "trusted")),
        trust_detail=spec.get("trust_detail", "test"),
        revocation="not-checked",
        error=spec.get("error"),
        docmdp_permission=spec.get("docmdp_permission"),
        docmdp_ok=spec.get("docmdp_ok"),
        refused_algorithms=tuple(spec.get("refused_algorithms", ())),
    )


def _ocr(spec: dict[str, Any] | None) -> OcrFacts | None:
    """`ocr: {status, header, lines, detail}`; `header: true` makes every line header evidence.

    A line is its text, every word read at confidence 90, or `{text, words: {word: confidence}}`
    for the words OCR was less (or more) sure of.
    """
    if spec is None:
        return None
    lines = tuple(_ocr_line(row, line) for row, line in enumerate(spec.get("lines", ())))
    header = bool(spec.get("header", False))
    return OcrFacts(
        OcrStatus(spec.get("status", "read")),
        engine="tesseract test",
        lines=lines,
        confidence=90.0 if lines else None,
        header_found=header,
        header_evidence=tuple(line.text for line in lines) if header else (),
        detail=spec.get("detail", "test"),
    )


def _ocr_line(row: int, spec: str | dict[str, Any]) -> TextLine:
    text, scores = (spec, {}) if isinstance(spec, str) else (spec["text"], spec.get("words", {}))
    words = tuple(OcrWord(word, float(scores.get(word, 90.0))) for word in text.split())
    confidence = round(sum(word.confidence for word in words) / len(words), 1) if words else None
    return TextLine(text, 1, row, Column.FULL, Source.OCR, confidence=confidence, words=words)


def _imaging(doc: dict[str, Any]) -> tuple[PageImaging, ...]:
    """`imaging: [{coverage, visible, invisible}]`; an image file is one image-only page, as the reader says."""
    pages = doc.get("imaging")
    if pages is None and doc.get("kind") == "image":
        pages = [{"coverage": 1.0, "visible": 0}]
    return tuple(PageImaging(i + 1, float(p.get("coverage", 0.0)), int(p.get("visible", 2000)),
                             int(p.get("invisible", 0))) for i, p in enumerate(pages or ()))


def facts_from_case(case: dict[str, Any]) -> DocumentFacts:
    """`document:` keys are header fields; `<field>_raw` and `<field>_source` override provenance."""
    doc = case.get("document", {}) or {}
    fields: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if doc.get(name) is not None:
            fields[name] = _located(str(doc[name]), doc.get(f"{name}_raw"), doc.get(f"{name}_source"))
    if doc.get("date") is not None:
        fields["date"] = _located(_date(doc["date"]), doc.get("date_raw", str(doc["date"])), doc.get("date_source"))
    error = None
    if "read_error" in doc:
        spec = doc["read_error"]
        error = ReadError(ReadProblem(spec["problem"]), spec.get("detail", "test"), spec.get("actual_kind"))
    return DocumentFacts(
        kind=FileKind(doc.get("kind", "pdf")),
        size=int(doc.get("size", 1000)),
        sha256="0" * 64,
        read_error=error,
        page_count=doc.get("pages", 1),
        header=DocumentHeader(**fields),
        signature_fields=tuple(SignatureField(f["name"], 1, bool(f.get("signed", False)), "")
                               for f in doc.get("signature_fields", ())),
        signatures=tuple(_signature(i, spec) for i, spec in enumerate(doc.get("signatures", ()))),
        package_signatures=int(doc.get("package_signatures", 0)),
        imaging=_imaging(doc),
        ocr=_ocr(doc.get("ocr")),
    )


def context_from_case(case: dict[str, Any]) -> RuleContext:
    """`context:` may give `year`, or `period_start`/`period_end`, and `today`."""
    spec = case.get("context", {}) or {}
    year = int(spec.get("year", 2023))
    start = spec.get("period_start", dt.date(year, 1, 1))
    end = spec.get("period_end", dt.date(year, 12, 31))
    today = spec.get("today", dt.date(year + 1, 3, 1))
    settings: dict[str, Any] = {}  # what the case sets; the rest is defaults.toml's
    if "unsigned_exempt_issuers" in spec:
        settings["unsigned_exempt_issuers"] = tuple(spec["unsigned_exempt_issuers"])
    for name in ("max_days_to_sign", "signer_match_threshold"):
        if name in spec:
            settings[name] = int(spec[name])
    if "sha1" in spec:
        settings["sha1"] = Sha1Policy(spec["sha1"])
    return rule_context(start, end, today, **settings)


def _citation_check(spec: dict[str, Any]) -> CitationCheck:
    citation = Citation(spec["raw"], spec.get("type"), spec.get("number"), spec.get("symbol"),
                        dt.date.fromisoformat(spec["date"]) if spec.get("date") else None)
    other_date = spec.get("other_date")
    return CitationCheck(citation, CitationStatus(spec.get("status", "found")), spec.get("document"),
                         spec.get("other_symbol"), dt.date.fromisoformat(other_date) if other_date else None)


def criterion_facts_from_case(case: dict[str, Any]) -> CriterionFacts:
    """`criterion:` keys; `explanation` text is analysed by the real extractor."""
    spec = case.get("criterion", {}) or {}
    explanation = spec.get("explanation")
    if explanation is not None:
        from kiemchung.extractors.explanations import analyse_explanation
    return CriterionFacts(
        code=str(spec.get("code", "1.1")),
        title=spec.get("title", "Kế hoạch CCHC năm"),
        self_score=spec.get("self_score", 2.0),
        max_score=spec.get("max_score", 2.0),
        raw_self_score=str(spec.get("raw_self_score", spec.get("self_score", "2"))),
        explanation=None if explanation is None else analyse_explanation(str(explanation)),
        evidence_count=int(spec.get("evidence_count", 1)),
        citation_checks=tuple(_citation_check(c) for c in spec.get("citations", ())),
        has_children=bool(spec.get("has_children", False)),
        row_number=spec.get("row_number", 8),
    )


def unit_facts_from_case(case: dict[str, Any]) -> UnitFacts:
    """`unit:` keys: `self_assessment` path (null: none found), `read_error`, `ignored_tables`, `choice_reason`
    and `signed_without_roots`."""
    spec = case.get("unit", {}) or {}
    error = spec.get("read_error")
    table = SelfAssessmentTable(read_error=ReadError(ReadProblem(error["problem"]), error["detail"])) if error \
        else SelfAssessmentTable()
    return UnitFacts(
        spec.get("self_assessment"),
        table,
        tuple(spec.get("ignored_tables", ())),
        spec.get("choice_reason", ""),
        tuple(spec.get("signed_without_roots", ())),
    )


def documents_from_case(case: dict[str, Any]) -> tuple[SubmittedDocument, ...]:
    """`documents:` a unit's files for a document-set rule, each a `document:` mapping plus its own keys.

    `path` names the file (default `<n>.pdf`); files with the same `content` token have the same bytes
    (SHA-256), by default every file's content is its own; `number_year` is the year inside a number
    (`30/2018/QĐ-UBND`).
    """
    documents = []
    for index, spec in enumerate(case.get("documents", ())):
        path = str(spec.get("path", f"{index + 1}.pdf"))
        facts = facts_from_case({"document": spec})
        header = facts.header
        if spec.get("number_year") is not None:
            header = replace(header, number_year=_located(str(spec["number_year"]), None, None))
        digest = hashlib.sha256(str(spec.get("content", path)).encode("utf-8")).hexdigest()
        documents.append(SubmittedDocument(path, replace(facts, header=header, sha256=digest)))
    return tuple(documents)


def failure_from_case(case: dict[str, Any]) -> tuple[Rule, Exception | None]:
    """The rule an `internal-error` case is about, and the exception it raised (None: it answered)."""
    rule = rule_by_key(case["failing_rule"])
    assert rule is not None, case["failing_rule"]
    raised = case.get("raises")
    if raised is None:
        return rule, None
    kind = getattr(builtins, raised["type"])
    assert isinstance(kind, type) and issubclass(kind, Exception), raised["type"]
    return rule, kind(*raised.get("args", []))
