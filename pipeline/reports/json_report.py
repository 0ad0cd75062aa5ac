"""The machine-readable report of one unit: `report.json`, described by schema/report.schema.json.

Field names here are a public contract. Unknown values are null, never invented;
dates are ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from kiemchung import __version__
from kiemchung.criteria_map.models import CriterionAssessment, EvidenceItem, Totals, UnitAssessment
from kiemchung.extractors.models import DocumentFacts, DocumentHeader, OcrFacts, SignatureFacts, value_of
from kiemchung.pipeline.atomic import write_text
from kiemchung.validators.model import Finding
from kiemchung.validators.scans import believed_header

SCHEMA_PATH = Path(__file__).parent.parent / "schema" / "report.schema.json"
_PROVENANCE_FIELDS = (
    "issuer",
    "number",
    "symbol",
    "doc_type",
    "place",
    "date",
    "subject",
    "signer_role",
    "signer_name",
)


def unit_report(unit: UnitAssessment) -> dict[str, Any]:
    """The JSON-ready report of one unit."""
    findings = [finding for _, _, finding in unit.all_findings()]
    return {
        "unit": unit.unit,
        "year": unit.year,
        "period": {"start": unit.period_start.isoformat(), "end": unit.period_end.isoformat()},
        "tool": {"name": "kiemchung", "version": __version__},
        "self_assessment": {"path": unit.self_assessment} if unit.self_assessment else None,
        "criteria_source": unit.criteria_source,
        "summary": {
            "files": len(unit.evidence),
            "criteria": len(unit.criteria),
            "zeroing_files": sum(item.zeroes for item in unit.evidence),
            "zeroed_criteria": [c.code for c in unit.criteria if c.zeroed],
            "findings_by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
            **_totals(unit.totals),
            "fields": [{"code": c.code, "title": c.title or None, **_totals(t)} for c, t in unit.field_totals()],
        },
        "findings": [_finding(finding) for finding in unit.findings],
        "unmatched_evidence": list(unit.unmatched),
        "evidence": [_evidence(item) for item in unit.evidence],
        "criteria": [_criterion(criterion) for criterion in unit.criteria],
    }


def _totals(totals: Totals) -> dict[str, float | None]:
    return {
        "self_score": totals.self_score,
        "recommended_score": totals.recommended_score,
        "max_score": totals.max_score,
        "points_at_risk": totals.points_at_risk,
    }


def write_report(unit: UnitAssessment, path: Path) -> None:
    """Write report.json (UTF-8, readable Vietnamese) atomically."""
    write_text(path, json.dumps(unit_report(unit), ensure_ascii=False, indent=2) + "\n")


def _evidence(item: EvidenceItem) -> dict[str, Any]:
    facts = item.facts
    error = facts.read_error
    return {
        "path": item.path,
        "sha256": facts.sha256 or None,
        "size": facts.size,
        "kind": facts.kind.value,
        "named_as": facts.named_kind,
        "pages": facts.page_count,
        "criteria": list(item.criteria),
        "matches": [
            {
                "criterion": m.code,
                "method": m.method,
                "confidence": m.confidence,
                "margin": m.margin,
                "detail": m.detail,
            }
            for m in item.matches
        ],
        "read_error": {"problem": error.problem.value, "detail": error.detail} if error else None,
        "document": _document(believed_header(facts)),
        "extracted": _provenance(believed_header(facts)),
        "signatures": _signatures(facts),
        "ocr": _ocr(facts.ocr),
        "findings": [_finding(finding) for finding in item.findings],
        "zeroes": item.zeroes,
    }


def _ocr(ocr: OcrFacts | None) -> dict[str, Any] | None:
    """How the header of a scan or picture was read by OCR; null for files that needed none."""
    if ocr is None:
        return None
    return {
        "status": ocr.status.value,
        "engine": ocr.engine or None,
        "confidence": round(ocr.confidence, 1) if ocr.confidence is not None else None,
        "header_found": ocr.header_found,
        "lines": [line.text for line in ocr.lines],
    }


def _signatures(facts: DocumentFacts) -> list[dict[str, Any]]:
    """Verified signatures with the text their stamps show, then any empty signature boxes."""
    appearances = {f.name: f.appearance_text or None for f in facts.signature_fields}
    rows = [_signature(sig, appearances.get(sig.field_name)) for sig in facts.signatures]
    verified = {sig.field_name for sig in facts.signatures}
    rows += [
        _signature(None, f.appearance_text or None, f.name, f.page)
        for f in facts.signature_fields
        if f.name not in verified
    ]
    return rows


def _signature(
    sig: SignatureFacts | None, appearance: str | None, field: str = "", page: int | None = None
) -> dict[str, Any]:
    subject = sig.subject if sig is not None else None
    return {
        "field": sig.field_name if sig else field,
        "page": sig.page if sig else page,
        "signed": sig is not None,
        "signer": None
        if subject is None
        else {
            "cn": subject.common_name,
            "o": subject.organization,
            "ou": subject.organizational_unit,
            "l": subject.locality,
            "st": subject.state,
            "c": subject.country,
            "uids": list(subject.uids),
            "rfc4514": subject.rfc4514,
        },
        "signer_kind": sig.signer_kind.value if sig else None,
        "issuer": sig.issuer if sig else None,
        "signing_time": _time(sig.signing_time if sig else None),
        "pdf_signing_time": _time(sig.pdf_signing_time if sig else None),
        "timestamp_time": _time(sig.timestamp_time if sig else None),
        "time_source": sig.time_source if sig else None,
        "judged_at": _time(sig.moment if sig else None),
        "hash_algorithm": sig.hash_algorithm if sig else None,
        "refused_algorithms": list(sig.refused_algorithms) if sig else [],
        "subfilter": sig.subfilter if sig else None,
        "integrity": sig.integrity.value if sig else None,
        "coverage": sig.coverage if sig else None,
        "modification_level": sig.modification_level if sig else None,
        "trust": sig.trust.value if sig else None,
        "trust_detail": sig.trust_detail if sig else None,
        "revocation": sig.revocation if sig else None,
        "error": sig.error if sig else None,
        "appearance_text": appearance,
    }


def _time(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _document(header: DocumentHeader) -> dict[str, Any]:
    date = header.date.value.as_date() if header.date is not None else None
    return {
        "number": value_of(header.number),
        "symbol": value_of(header.symbol),
        "type": value_of(header.doc_type),
        "type_name": value_of(header.type_name),
        "date": date.isoformat() if date else None,
        "issuer": value_of(header.issuer),
        "place": value_of(header.place),
        "subject": value_of(header.subject),
        "signer": value_of(header.signer_name),
        "signer_role": value_of(header.signer_role),
    }


def _provenance(header: DocumentHeader) -> dict[str, Any]:
    """For each field found: the raw text it was read from and where."""
    result = {}
    for name in _PROVENANCE_FIELDS:
        located = getattr(header, name)
        if located is not None:
            where = located.where
            result[name] = {
                "raw": located.raw,
                "source": where.source.value,
                "page": where.page,
                "signature_field": where.field_name,
            }
    return result


def _finding(finding: Finding) -> dict[str, Any]:
    proof = finding.proof
    return {
        "rule": finding.rule,
        "code": finding.code,
        "severity": finding.severity.value,
        "zeroes": finding.zeroes,
        "outcome": finding.outcome.value,
        "message": finding.message,
        "proof": {"text": proof.text, "page": proof.page, "source": proof.source} if proof else None,
        "detail": finding.detail or None,
        "waived": _waived(finding),
    }


def _waived(finding: Finding) -> dict[str, Any] | None:
    waived = finding.waived
    if waived is None:
        return None
    return {
        "reason": waived.reason,
        "who": waived.who,
        "date": waived.date.isoformat() if waived.date else None,
        "source": waived.source,
        "zeroed": waived.zeroed,
    }


def _criterion(criterion: CriterionAssessment) -> dict[str, Any]:
    explanation = criterion.explanation
    return {
        "code": criterion.code,
        "title": criterion.title or None,
        "parent": criterion.parent,
        "self_score": criterion.self_score,
        "max_score": criterion.max_score,
        "recommended_score": criterion.recommended_score,
        "points_at_risk": criterion.points_at_risk,
        "zeroed": criterion.zeroed,
        "row": criterion.row_number,
        "explanation": None
        if explanation is None
        else {
            "text": explanation.text,
            "figures": list(explanation.figures),
            "results": list(explanation.results),
            "pointers": list(explanation.pointers),
            "citations": [c.raw for c in explanation.citations],
        },
        "evidence_text": criterion.evidence_text or None,
        "citations": [
            {
                "text": check.citation.raw,
                "status": check.status.value,
                "document": check.document,
                "differences": list(check.differences),
            }
            for check in criterion.citation_checks
        ],
        "responsible": list(criterion.responsible),
        "evidence": list(criterion.evidence),
        "zeroed_by": list(criterion.zeroed_by),
        "findings": [_finding(finding) for finding in criterion.findings],
    }
