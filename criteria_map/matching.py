"""Tie evidence files to criteria, in the order of trust the council would use.

1. Folder: the deepest ancestor folder named with a criterion code ("1.1", "TC 1.2 - …"), or the
   file's own name when it starts with one ("TLKC 4.1 - Quyết định….pdf").
2. Citation: a document cited in a criterion's explanation or evidence column ("Kế hoạch số
   11/KH-UBND ngày 30/01/2023") that has the same number and symbol.
3. Title: for files still unmatched, fuzzy matching (rapidfuzz, without diacritics, abbreviations
   spelled out) of the document's type name and subject, or its file name, against the criteria's
   titles and keywords; accepted with enough confidence and margin over the runner-up.

A file may support several criteria. Citations that match no document, or match one whose date or
symbol differs, are reported as citation checks for the rules to judge.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

from kiemchung.criteria_map.folders import criteria_for_path, criterion_code
from kiemchung.extractors.models import Citation, DocumentFacts
from kiemchung.extractors.text import fold, fold_spelled_out
from kiemchung.validators.identity import number_key, symbol_key
from kiemchung.validators.model import CitationCheck, CitationStatus

TITLE_MIN_SCORE = 70.0  # below this a title match is a guess
TITLE_MIN_MARGIN = 6.0  # the best criterion must beat the runner-up by this much

_FILE_LABEL = re.compile(r"^(?:tlkc|tai lieu kiem chung)\s*[.:_-]?\s*", re.IGNORECASE)


class MatchMethod(StrEnum):
    """How a file was tied to a criterion, in the order of trust above."""

    FOLDER = "folder"
    FILE_NAME = "file-name"
    CITATION = "citation"
    TITLE = "title"


@dataclass(frozen=True)
class Match:
    """Why a file supports a criterion."""

    code: str
    method: MatchMethod
    confidence: float  # 100 for folder, file name and citation; the fuzzy score for a title
    margin: float | None  # title matches: lead over the runner-up criterion
    detail: str  # the folder, the citation or the text matched


@dataclass(frozen=True)
class CriterionTarget:
    """What matching needs to know of a criterion."""

    code: str
    title: str
    keywords: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()  # cited in its explanation and evidence columns
    is_leaf: bool = True


def match_evidence(
    documents: Mapping[str, DocumentFacts], targets: Sequence[CriterionTarget]
) -> tuple[dict[str, tuple[Match, ...]], dict[str, tuple[CitationCheck, ...]]]:
    """Matches per file path, and the citation checks per criterion code."""
    matches: dict[str, list[Match]] = {path: _by_location(path) for path in documents}
    numbered = _by_number(documents)
    checks: dict[str, tuple[CitationCheck, ...]] = {}
    for target in targets:
        target_checks = []
        for citation in target.citations:
            check = _resolve(citation, numbered)
            target_checks.append(check)
            if check.document is not None and check.status is not CitationStatus.NOT_FOUND:
                found = matches[check.document]
                if all(m.code != target.code for m in found):
                    found.append(Match(target.code, MatchMethod.CITATION, 100.0, None, citation.raw))
        checks[target.code] = tuple(target_checks)
    unmatched = [path for path, found in matches.items() if not found]
    leaves = [_Leaf.of(target) for target in targets if target.is_leaf] if unmatched else []
    for path in unmatched:
        title = _by_title(path, documents[path], leaves) if leaves else None
        if title is not None:
            matches[path].append(title)
    return {path: tuple(found) for path, found in matches.items()}, checks


def _by_location(path: str) -> list[Match]:
    parts = path.split("/")
    folder_codes = criteria_for_path(parts[:-1])
    if folder_codes:
        folder = next(p for p in reversed(parts[:-1]) if criterion_code(p) == folder_codes[0])
        return [Match(folder_codes[0], MatchMethod.FOLDER, 100.0, None, folder)]
    code = _file_name_code(parts[-1])
    return [Match(code, MatchMethod.FILE_NAME, 100.0, None, parts[-1])] if code else []


def _file_name_code(name: str) -> str | None:
    """A code leading a file name: "TLKC 4.1 - …", "1.2 Báo cáo…"; not "26-TB-UBND.docx"."""
    folded = fold(name)
    unlabelled = _FILE_LABEL.sub("", folded)
    code = criterion_code(unlabelled)
    # A bare leading number is usually the document's own number, not a criterion.
    return code if code is not None and ("." in code or unlabelled != folded) else None


def location_codes(path: str) -> tuple[str, ...]:
    """The criterion the file's folders or own name give, if any."""
    return tuple(match.code for match in _by_location(path))


@dataclass(frozen=True)
class _Numbered:
    """A document as citations look it up: its path, symbol and date."""

    path: str
    symbol: str | None
    date: dt.date | None


def _by_number(documents: Mapping[str, DocumentFacts]) -> dict[str, list[_Numbered]]:
    """The documents that have a number, by the number as compared, in the given order."""
    numbered: dict[str, list[_Numbered]] = {}
    for path, facts in documents.items():
        header = facts.header
        if header.number is not None:
            symbol = header.symbol.value if header.symbol else None
            date = header.date.value.as_date() if header.date else None
            numbered.setdefault(number_key(header.number.value), []).append(_Numbered(path, symbol, date))
    return numbered


def _same_symbol(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and symbol_key(a) == symbol_key(b)


def _resolve(citation: Citation, numbered: Mapping[str, Sequence[_Numbered]]) -> CitationCheck:
    """Find the cited document: same number and symbol; report what differs."""
    best: tuple[int, CitationCheck] | None = None
    candidates = numbered.get(number_key(citation.number), ()) if citation.number is not None else ()
    for document in candidates:
        symbol = None
        if citation.symbol and not _same_symbol(citation.symbol, document.symbol):
            symbol = document.symbol or "?"
        date = document.date if citation.date and document.date and citation.date != document.date else None
        differing = (symbol is not None) + (date is not None)
        if differing == 2:
            continue  # only the number agrees: another document
        if best is None or 2 - differing > best[0]:
            status = CitationStatus.MISMATCH if differing else CitationStatus.FOUND
            best = (2 - differing, CitationCheck(citation, status, document.path, symbol, date))
    return best[1] if best is not None else CitationCheck(citation, CitationStatus.NOT_FOUND, None)


def _document_text(path: str, facts: DocumentFacts) -> str:
    header = facts.header
    parts = [p.value for p in (header.type_name, header.subject) if p is not None and p.value]
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return " ".join(parts) if parts else stem


@dataclass(frozen=True)
class _Leaf:
    """A leaf criterion with its title and keywords folded once for every file matched by title."""

    target: CriterionTarget
    title: str
    keywords: tuple[str, ...]

    @classmethod
    def of(cls, target: CriterionTarget) -> _Leaf:
        return cls(target, fold_spelled_out(target.title), tuple(fold_spelled_out(k) for k in target.keywords))


def _score(text: str, leaf: _Leaf, doc_type: str | None) -> float:
    scores = [fuzz.token_set_ratio(leaf.title, text)]
    scores += [fuzz.partial_ratio(keyword, text) for keyword in leaf.keywords]
    bonus = 5.0 if doc_type is not None and doc_type in leaf.target.document_types else 0.0
    return min(100.0, max(scores) + bonus)


def _by_title(path: str, facts: DocumentFacts, leaves: Sequence[_Leaf]) -> Match | None:
    text = fold_spelled_out(_document_text(path, facts))
    if not text.strip():
        return None
    doc_type = facts.header.doc_type.value if facts.header.doc_type else None
    ranked = sorted(((_score(text, t, doc_type), t) for t in leaves), key=lambda pair: pair[0], reverse=True)
    best_score, best = ranked[0]
    margin = best_score - ranked[1][0] if len(ranked) > 1 else best_score
    if best_score < TITLE_MIN_SCORE or margin < TITLE_MIN_MARGIN:
        return None
    text = _document_text(path, facts)
    return Match(best.target.code, MatchMethod.TITLE, round(best_score, 1), round(margin, 1), text)
