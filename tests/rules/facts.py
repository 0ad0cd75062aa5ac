"""Build `DocumentFacts` and `RuleContext` from a YAML case, so cases read like documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from extractors.models import (
    DocumentFacts,
    DocumentHeader,
    FileKind,
    IssueDate,
    Located,
    ReadError,
    ReadProblem,
    Source,
    Where,
)
from validators.model import RuleContext

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
    )


def context_from_case(case: dict[str, Any]) -> RuleContext:
    """`context:` may give `year`, or `period_start`/`period_end`, and `today`."""
    spec = case.get("context", {}) or {}
    year = int(spec.get("year", 2023))
    start = spec.get("period_start", dt.date(year, 1, 1))
    end = spec.get("period_end", dt.date(year, 12, 31))
    today = spec.get("today", dt.date(year + 1, 3, 1))
    return RuleContext(start, end, today)
