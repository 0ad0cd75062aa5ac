"""The human reports as web pages: `report.html` for one unit and `index.html` for a batch.

Every page is one self-contained file: inline CSS, no script, no font or image fetched, and a
Content-Security-Policy that forbids anything else, so a council member can open it offline or
attach it to an e-mail. Everything that comes from the unit (file names, document text, the
self-assessment's explanations, certificate names) is hostile input: the pages are built with a
small element builder (`_el`) that escapes every plain `str` it is given, so forgetting to escape
shows up as visible `&lt;` in the page, never as markup. Only `_Html` values built here pass
through unescaped.

Wording, numbers and dates come from `pipeline.labels`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TypeAlias
from urllib.parse import quote, urlsplit

from criteria_map.criteria import code_key
from criteria_map.models import CriterionAssessment, EvidenceItem, Totals, UnitAssessment
from extractors.models import VIETNAM_TIME, DocumentFacts, FileKind, OcrStatus, SignatureFacts, value_of
from pipeline import __version__
from pipeline.atomic import write_text
from pipeline.labels import Lang, date, digest_name, has_label, label, number_and_symbol, rule_label, score
from pipeline.reports.tree import TreeReport
from validators.format import vn_score
from validators.model import Finding, Outcome, Proof, ProofKind
from validators.scans import believed_header, is_photo

PAGE_NAME = "report.html"
INDEX_NAME = "index.html"
# Nothing may be fetched: inline styles only, images only as data: URIs (none are used today).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


# Where the list of criteria came from -> its label; "self-assessment" is named by the table's own label.
_SOURCES = {"criteria-file": "criteria-file", "folders": "folders", "self-assessment": "self_assessment"}

_STYLE = """
:root { --ink:#1b1b1b; --muted:#4a4a4a; --line:#c9c9c9; --soft:#f4f4f2; --zero:#a4161a; --zero-bg:#fdecec;
  --warn:#7a4a00; --warn-bg:#fff4d6; --ok:#1d5e20; --link:#0b4fb3; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5; font-size: 16px;
  font-family: "Segoe UI", "Noto Sans", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
.page { max-width: 1120px; margin: 0 auto; padding: 24px 32px 48px; }
a { color: var(--link); }
a:focus-visible, summary:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
h1 { font-size: 1.9rem; margin: .1em 0 .2em; line-height: 1.25; }
h2 { font-size: 1.45rem; margin: 1.8em 0 .6em; padding-bottom: .2em; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.2rem; margin: 1.4em 0 .5em; }
h4 { font-size: 1.05rem; margin: 0; }
p { margin: .4em 0; }
code { font-family: "Cascadia Mono", Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: .9em; }
/* File names stay in the text font: monospace fonts often lack Vietnamese stacked diacritics. */
.path { overflow-wrap: anywhere; color: #2b2b2b; }
.eyebrow { color: var(--muted); margin: 0; font-size: .95rem; }
.meta { color: var(--muted); margin: 0; }
.notice { background: var(--warn-bg); color: var(--warn); border-left: 4px solid var(--warn); padding: .5em .8em; }
nav.links { margin: .6em 0 0; display: flex; gap: 1.2em; flex-wrap: wrap; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin: 1.2em 0; padding: 0; }
.cards div { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--soft); }
.cards dt { font-size: .9rem; color: var(--muted); }
.cards dd { margin: 0; font-size: 1.6rem; font-weight: 700; }
.cards .risk { border: 2px solid var(--zero); background: var(--zero-bg); }
.cards .risk dd { color: var(--zero); }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 16px; margin: .5em 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: .95rem; }
caption { text-align: left; font-weight: 700; padding: 0 0 .3em; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
td ul { margin: 0; padding-left: 1.1em; }
th.code { white-space: nowrap; }
table.units th[scope="row"] { min-width: 14em; }
thead th { background: var(--soft); }
td.bad { color: var(--zero); font-weight: 700; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.when { white-space: nowrap; }
tr.zeroed td, tr.zeroed th { background: var(--zero-bg); }
.depth-2 > th { padding-left: 24px; } .depth-3 > th { padding-left: 40px; } .depth-4 > th { padding-left: 56px; }
.badge { display: inline-block; padding: 0 .45em; border-radius: 4px; font-size: .85rem; font-weight: 700;
  border: 1.5px solid currentColor; white-space: nowrap; vertical-align: baseline; }
.badge.zero { color: #fff; background: var(--zero); border-color: var(--zero); }
.badge.sev-error { color: var(--zero); }
.badge.sev-warning, .badge.undecided { color: var(--warn); background: var(--warn-bg); }
.badge.sev-info { color: var(--muted); }
.toc ol { columns: 2; margin: .3em 0; }
section.field { margin-top: 2em; }
article.criterion { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px;
  padding: 12px 16px; margin: 14px 0; }
article.criterion.zeroed { border-left-color: var(--zero); }
article.criterion.depth-2 { margin-left: 20px; } article.criterion.depth-3 { margin-left: 40px; }
.criterion header { display: flex; gap: .6em; align-items: baseline; flex-wrap: wrap; }
.criterion .code { font-weight: 700; }
.scores { color: var(--muted); margin: .3em 0; }
.scores b { color: var(--ink); }
.why { color: var(--zero); font-weight: 700; margin: .4em 0 .2em; }
.why + ul { margin-top: 0; }
blockquote { margin: .3em 0; padding: .3em .8em; border-left: 3px solid var(--line); background: var(--soft);
  white-space: pre-wrap; overflow-wrap: anywhere; }
ul.findings { list-style: none; padding: 0; margin: .4em 0; }
li.finding { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; margin: 6px 0; }
li.finding.zeroing { border-color: var(--zero); border-width: 1.5px; }
.finding .head { display: flex; gap: .5em; flex-wrap: wrap; align-items: baseline; margin: 0; }
.finding .rule-code { color: var(--muted); font-size: .85rem; }
.finding dl.facts { font-size: .92rem; }
q.proof { quotes: "“" "”"; background: #fff3b0; padding: 0 .2em; overflow-wrap: anywhere; white-space: pre-wrap; }
details.document { border: 1px solid var(--line); border-radius: 4px; margin: 8px 0; }
details.document > summary { cursor: pointer; padding: 6px 10px; background: var(--soft); }
details.document.zeroing > summary { background: var(--zero-bg); }
details.document > .body { padding: 6px 12px 8px; }
details.document[open] > summary { border-bottom: 1px solid var(--line); }
summary .path { font-weight: 600; }
h5 { font-size: 1rem; margin: .8em 0 .2em; }
footer { margin-top: 3em; color: var(--muted); font-size: .9rem; border-top: 1px solid var(--line); padding-top: .6em; }
svg.chart { width: 100%; height: auto; max-width: 1000px; display: block; margin: .5em 0 1em; }
svg.chart text { font-family: inherit; font-size: 14px; fill: #1b1b1b; }
svg.chart .bar { fill: #a4161a; }
svg.chart .axis { stroke: #1b1b1b; stroke-width: 1; }
@media (max-width: 760px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } .toc ol { columns: 1; } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  nav.links, .toc { display: none; }
  a { color: inherit; text-decoration: none; }
  section.field, section.people, h2#criteria { break-before: page; }
  h2#criteria + section.field { break-before: auto; }  /* the heading already started the page */
  li.finding, tr, .cards div { break-inside: avoid; }
  h2, h3, h4, h5 { break-after: avoid; }
  /* Everything is on paper: show the content of closed <details> too. */
  details::details-content { content-visibility: visible; display: contents; }
  details > summary { list-style: none; }
  details > summary::-webkit-details-marker { display: none; }
  /* The badges say it in words; ink, not fills, carries the mark. */
  .badge.zero { color: #000; background: none; border: 2px solid #000; }
  .cards div, thead th, tr.zeroed td, tr.zeroed th, blockquote, q.proof, details > summary { background: none; }
  article.criterion.zeroed { border-left: 6px double #000; }
}
"""


class _Html(str):
    """Markup built by this module: safe to emit as is. Any other `str` is text and gets escaped."""

    __slots__ = ()

    def __add__(self, other: str) -> _Html:
        return _Html(str.__add__(self, _text(other)))

    def __radd__(self, other: str) -> _Html:
        return _Html(str.__add__(_text(other), self))


_Child: TypeAlias = "str | int | Iterable[_Child] | None"  # text, markup, nothing, or a sequence of them


def _escaped(value: object) -> str:
    """Escape text (quotes too: it may land in an attribute); markup passes."""
    return value if isinstance(value, _Html) else html.escape(str(value), quote=True)


def _text(value: object) -> _Html:
    """Text escaped, or markup, as markup."""
    return value if isinstance(value, _Html) else _Html(_escaped(value))


def _join(children: Iterable[_Child]) -> _Html:
    parts: list[str] = []
    _collect(children, parts)
    return _Html("".join(parts))


def _collect(children: Iterable[_Child], parts: list[str]) -> None:
    """Append the children to `parts`: markup as is, text escaped, sequences flattened, None left out.

    One list per element, however deeply its children nest: joining each nested sequence on its own
    copied the same text once per level.
    """
    for child in children:
        if isinstance(child, _Html):  # most children: tested first
            parts.append(child)
        elif isinstance(child, str | int):
            parts.append(_escaped(child))
        elif child is not None:
            _collect(child, parts)


_SELF_CLOSING = frozenset({"rect", "line"})  # SVG shapes without children


def _el(tag: str, *children: _Child, **attrs: str | int | float | bool | None) -> _Html:
    """`<tag attrs>children</tag>`; attribute names: `class_` → class, `aria_label` → aria-label."""
    parts = [f"<{tag}"]
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        key = name.rstrip("_").replace("_", "-")
        parts.append(f" {key}" if value is True else f' {key}="{_escaped(value)}"')
    if tag == "meta":  # the only HTML void element built here
        parts.append(">")
    elif tag in _SELF_CLOSING and not children:
        parts.append("/>")
    else:
        parts.append(">")
        _collect(children, parts)
        parts.append(f"</{tag}>")
    return _Html("".join(parts))


def _t(key: str, lang: Lang, **values: str) -> str:
    return label(key, lang, **values)


def _points(value: float | None, lang: Lang) -> str:
    """1,5 điểm; "—" alone when unknown."""
    return score(value, lang) if value is None else f"{score(value, lang)} {_t('points', lang)}"


def _anchor(prefix: str, code: str) -> str:
    """A valid id from a code that comes from the unit's own table."""
    return f"{prefix}-{re.sub(r'[^0-9A-Za-z._-]', '_', code)}"


def _href(target: str) -> str:
    """A link that stays on disk: relative, no scheme, path segments percent-encoded (Vietnamese, spaces)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        raise ValueError(f"report links must be relative paths, got {target!r}")
    return quote(target, safe="/#?&=%.-_~")


def _document(title: str, lang: Lang, body: Iterable[_Child], *, description: str = "") -> _Html:
    """The page around `body`: UTF-8, the CSP that forbids fetching anything, and the inline style sheet."""
    head = _el(
        "head",
        _Html('<meta charset="utf-8">'),
        _el("meta", name="viewport", content="width=device-width, initial-scale=1"),
        _el("meta", http_equiv="Content-Security-Policy", content=CSP),
        _el("meta", name="referrer", content="no-referrer"),
        _el("meta", name="color-scheme", content="light"),
        _el("meta", name="generator", content=f"kiemchung {__version__}"),
        _el("meta", name="description", content=description) if description else None,
        _el("title", title),
        _el("style", _Html(_STYLE)),
    )
    return _Html("<!DOCTYPE html>\n") + _el(
        "html", head, _el("body", _el("div", *body, class_="page")), lang=lang.value
    )


# --------------------------------------------------------------------------------------------- findings


def _source(proof: Proof, lang: Lang) -> str | None:
    """Where the proof was read, in words: "dòng 9 của bảng tự đánh giá", "chữ ký số “Signature1”"."""
    kind, detail = proof.kind, proof.detail
    if kind is None:
        return None
    if kind is ProofKind.ROW and detail:
        return _t("src_row", lang, n=detail)
    if kind is ProofKind.SIGNATURE and detail:
        return _t("src_signature", lang, n=detail)
    if kind is ProofKind.SIGNATURE_APPEARANCE:
        return _t("src_appearance", lang, n=detail or "")
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
    return _t(known[kind], lang) if kind in known and detail is None else proof.source


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Zeroing findings first, then by severity, then by rule code: what costs points leads."""
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: (not f.zeroes, rank.get(f.severity.value, 3), f.code))


def _finding(finding: Finding, path: str | None, lang: Lang) -> _Html:
    """One finding: the rule's plain-language title and message, then the file, page and the text that proves it."""
    proof = finding.proof
    facts: list[_Html] = []
    if path:
        facts += [_el("dt", _t("path", lang)), _el("dd", _el("span", path, class_="path"))]
    if proof is not None:
        if proof.page is not None:
            facts += [_el("dt", _t("page", lang)), _el("dd", str(proof.page))]
        if proof.text:
            facts += [_el("dt", _t("proof", lang)), _el("dd", _el("q", proof.text, class_="proof"))]
        where = _source(proof, lang)
        if where:
            facts += [_el("dt", _t("where", lang)), _el("dd", where)]
    head = _el(
        "p",
        _el("span", _t("zeroes_badge", lang), class_="badge zero") if finding.zeroes else None,
        _el("span", _t(finding.severity.value, lang), class_=f"badge sev-{finding.severity.value}"),
        _el("span", _t("indeterminate", lang), class_="badge undecided")
        if finding.outcome is Outcome.INDETERMINATE
        else None,
        _el("strong", rule_label(finding.rule, lang)),
        _el("span", f"{finding.code} · {finding.rule}", class_="rule-code"),
        class_="head",
    )
    return _el(
        "li",
        head,
        _el("p", finding.message, class_="message"),
        _el("dl", facts, class_="facts") if facts else None,
        class_="finding zeroing" if finding.zeroes else "finding",
        data_rule=finding.rule,
        data_code=finding.code,
    )


def _findings(findings: Iterable[Finding], path: str | None, lang: Lang) -> _Html:
    ordered = _ordered(findings)
    if not ordered:
        return _el("p", _t("no_findings", lang), class_="meta")
    return _el("ul", (_finding(f, path, lang) for f in ordered), class_="findings")


# -------------------------------------------------------------------------------------------- documents


def _signature_rows(facts: DocumentFacts, lang: Lang) -> _Html:
    if not facts.signatures and not facts.signature_fields:
        return _el("p", _t("no_signatures", lang), class_="meta")
    heads = ("field_name", "signer_cn", "signer_kind", "integrity", "trust", "hash_algorithm", "signing_time")
    rows = [_signature_row(sig, lang) for sig in facts.signatures]
    verified = {sig.field_name for sig in facts.signatures}
    for empty in (f for f in facts.signature_fields if f.name not in verified):
        rows.append(
            _el(
                "tr",
                _el("th", empty.name, scope="row"),
                _el("td", _t("empty_field", lang), colspan=len(heads) - 1),
            )
        )
    return _el(
        "table",
        _el("caption", _t("signatures", lang)),
        _el("thead", _el("tr", (_el("th", _t(key, lang), scope="col") for key in heads))),
        _el("tbody", rows),
        class_="signatures",
    )


def _signature_row(sig: SignatureFacts, lang: Lang) -> _Html:
    subject = sig.subject
    cn = subject.common_name if subject is not None and subject.common_name else _t("unknown", lang)
    when = _moment(sig.moment, lang)

    return _el(
        "tr",
        _el("th", sig.field_name, scope="row"),
        _el("td", cn),
        _el("td", _state(sig.signer_kind.value, lang)),
        _el("td", _state(sig.integrity.value, lang), class_="bad" if sig.integrity.value != "intact" else None),
        _el("td", _state(sig.trust.value, lang)),
        _el("td", digest_name(sig.hash_algorithm) or _t("unknown", lang)),
        _el("td", when, class_="when"),
    )


def _moment(moment: dt.datetime | None, lang: Lang) -> str:
    """A signing time in Vietnam's time (UTC+7), as the signature stamps print it: 22/03/2023 09:01:19."""
    if moment is None:
        return _t("unknown", lang)
    if moment.tzinfo is None:  # no zone recorded: show it as written rather than guess
        return moment.strftime("%d/%m/%Y %H:%M:%S")
    return moment.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y %H:%M:%S") + " (UTC+7)"


def _state(value: str, lang: Lang) -> str:
    """A signature's kind, integrity or trust in words; a value this module does not know is shown as is."""
    if value == "unknown":
        return _t("undetermined", lang)
    return _t(value, lang) if has_label(value) else value


def _picture_kind(facts: DocumentFacts) -> str:
    """A picture file as the council sees it: a photo (listed, not evidence to judge), a picture of a
    paper document, or, without OCR, a picture whose content is not known."""
    if is_photo(facts):
        return "image_photo"
    return "image_paper" if facts.ocr is not None and facts.ocr.header_found else "image_unknown"


def _document_block(item: EvidenceItem, lang: Lang) -> _Html:
    """One evidence file: header facts, signatures, findings (zeroing first); open when it has findings."""
    facts = item.facts
    header = believed_header(facts)
    issued = header.date.value.as_date() if header.date is not None else None
    number = number_and_symbol(header)
    unknown = _t("unknown", lang)
    rows: list[tuple[str, _Child]] = [
        ("number_symbol", number or unknown),
        ("doc_type", value_of(header.type_name) or value_of(header.doc_type) or unknown),
        ("issue_date", date(issued, lang) if issued else (header.date.raw if header.date else unknown)),
        ("issuer", value_of(header.issuer) or unknown),
        ("subject", value_of(header.subject) or unknown),
        ("signer", " – ".join(p for p in (value_of(header.signer_role), value_of(header.signer_name)) if p) or unknown),
    ]
    if facts.kind is FileKind.IMAGE:
        rows.insert(0, ("file_kind", _t(_picture_kind(facts), lang)))
    if facts.ocr is not None and facts.ocr.status is OcrStatus.READ and facts.ocr.confidence is not None:
        rows.append(("read_by_ocr", _t("ocr_confidence", lang, n=vn_score(round(facts.ocr.confidence)))))
    if facts.read_error is not None:
        # Nothing was read: a column of dashes would hide the one fact that matters.
        rows = [("read_error", f"{facts.read_error.problem.value}: {facts.read_error.detail}")]
    if item.matches:
        methods = (
            f"{m.code}: {_t('title-match' if m.method == 'title' else m.method, lang)} ({m.detail})"
            for m in item.matches
        )
        rows.append(("matched_by", "; ".join(methods)))
    dl = _el("dl", ((_el("dt", _t(key, lang)), _el("dd", value)) for key, value in rows), class_="facts")
    summary = _el(
        "summary",
        _el("span", _t("zeroes_badge", lang), class_="badge zero") if item.zeroes else None,
        " ",
        _el("span", item.path, class_="path"),
        f" — {number}" if number else None,
        f", {date(issued, lang)}" if issued else None,
    )
    return _el(
        "details",
        summary,
        _el(
            "div",
            dl,
            _signature_rows(facts, lang),
            _el("h5", _t("findings", lang)),
            _findings(item.findings, item.path, lang),
            class_="body",
        ),
        class_="document zeroing" if item.zeroes else "document",
        open=bool(item.findings),
        data_path=item.path,
    )


# --------------------------------------------------------------------------------------------- criteria


def _depth(criterion: CriterionAssessment) -> int:
    return criterion.code.count(".")


def _zero_badge(lang: Lang) -> _Html:
    return _el("span", _t("zero_badge", lang), class_="badge zero", title=_t("zeroed", lang))


def _criterion_block(criterion: CriterionAssessment, evidence: Mapping[str, EvidenceItem], lang: Lang) -> _Html:
    """A criterion: scores, the 0 mark and why, who answers for it, the explanation, findings and documents."""
    depth = _depth(criterion)
    scores = _el(
        "p",
        f"{_t('max_score', lang)}: ",
        _el("b", score(criterion.max_score, lang)),
        " · ",
        f"{_t('self_score', lang)}: ",
        _el("b", score(criterion.self_score, lang)),
        " · ",
        f"{_t('recommended_score', lang)}: ",
        _el("b", score(criterion.recommended_score, lang)),
        f" ({_t('sum_of_children', lang)})" if criterion.children and not criterion.zeroed else None,
        class_="scores",
    )
    why: list[_Html] = []
    if criterion.zeroed:
        reasons = [
            _el(
                "li",
                _el("a", path, href=f"#{_doc_anchor(criterion, path)}", class_="path"),
                f" — {_t('zeroed_by_file', lang)}",
            )
            for path in criterion.zeroed_by
        ]
        reasons += [
            _el("li", rule_label(f.rule, lang), f" ({f.code})") for f in _ordered(criterion.findings) if f.zeroes
        ]
        why = [_el("p", _t("zeroed_because", lang), class_="why"), _el("ul", reasons)]
    body: list[_Child] = [scores, why]
    if criterion.responsible:
        body.append(_el("p", _el("strong", f"{_t('responsible', lang)}: "), "; ".join(criterion.responsible)))
    if criterion.parent is not None or criterion.explanation is not None:
        text = criterion.explanation.text if criterion.explanation is not None else ""
        body += [
            _el("h5", _t("explanation", lang)),
            _el("blockquote", text) if text.strip() else _el("p", _t("no_explanation", lang), class_="meta"),
        ]
    if criterion.evidence_text.strip():
        body += [_el("h5", _t("evidence_text", lang)), _el("blockquote", criterion.evidence_text)]
    if criterion.findings:
        body += [_el("h5", _t("findings", lang)), _findings(criterion.findings, None, lang)]
    if not criterion.children or criterion.evidence:
        documents = [evidence[path] for path in criterion.evidence if path in evidence]
        documents.sort(key=lambda item: (not item.zeroes, not item.findings, item.path))
        body.append(_el("h5", f"{_t('evidence', lang)} ({len(documents)})"))
        body.append(
            [_el("div", _document_block(item, lang), id=_doc_anchor(criterion, item.path)) for item in documents]
            if documents
            else _el("p", _t("no_documents", lang), class_="meta")
        )
    heading = _el(
        "header",
        _el("h4", _el("span", criterion.code, class_="code"), " ", criterion.title or ""),
        _zero_badge(lang) if criterion.zeroed else None,
    )
    return _el(
        "article",
        heading,
        body,
        id=_anchor("tc", criterion.code),
        class_=f"criterion depth-{depth}" + (" zeroed" if criterion.zeroed else ""),
        data_code=criterion.code,
        data_zeroed="true" if criterion.zeroed else "false",
    )


def _doc_anchor(criterion: CriterionAssessment, path: str) -> str:
    """A document shows under each criterion it supports: its id is per criterion."""
    index = criterion.evidence.index(path) if path in criterion.evidence else 0
    return _anchor("tc", criterion.code) + f"-doc{index}"


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


def _field_table(field: CriterionAssessment | None, members: Sequence[CriterionAssessment], lang: Lang) -> _Html:
    heads = ("code", "title", "max_score", "self_score", "recommended_score", "zeroed")
    rows = []
    for criterion in members:
        zeroed = criterion.zeroed
        rows.append(
            _el(
                "tr",
                _el(
                    "th", _el("a", criterion.code, href=f"#{_anchor('tc', criterion.code)}"), scope="row", class_="code"
                ),
                _el("td", criterion.title or ""),
                _el("td", score(criterion.max_score, lang), class_="num"),
                _el("td", score(criterion.self_score, lang), class_="num"),
                _el("td", score(criterion.recommended_score, lang), class_="num"),
                _el("td", _zero_badge(lang) if zeroed else ""),
                class_=f"depth-{_depth(criterion)}" + (" zeroed" if zeroed else ""),
            )
        )
    caption = (
        f"{_t('criteria', lang)} — {_t('field', lang)} {field.code}" if field is not None else _t("criteria", lang)
    )
    return _el(
        "table",
        _el("caption", caption),
        _el(
            "thead",
            _el(
                "tr",
                (_el("th", _t(key, lang), scope="col", class_="num" if "score" in key else None) for key in heads),
            ),
        ),
        _el("tbody", rows),
        class_="field-criteria",
    )


def _numbered(field: CriterionAssessment) -> str:
    """ "1. Công tác chỉ đạo…", or just "1" when the criteria come from folder names and have no title."""
    return f"{field.code}. {field.title}" if field.title else field.code


def _field_section(
    field: CriterionAssessment | None,
    totals: Totals | None,
    members: Sequence[CriterionAssessment],
    evidence: Mapping[str, EvidenceItem],
    lang: Lang,
) -> _Html:
    if field is None:
        heading = _el("h3", _t("criteria", lang), id="field-other")
        head: list[_Child] = [heading]
    else:
        heading = _el("h3", f"{_t('field', lang)} {_numbered(field)}", id=_anchor("field", field.code))
        summary = _el(
            "p",
            f"{_t('field_total', lang)}: {_t('self_score', lang)} ",
            _el("b", score(totals.self_score if totals else None, lang)),
            f" · {_t('recommended_score', lang)} ",
            _el("b", score(totals.recommended_score if totals else None, lang)),
            f" · {_t('max_score', lang)} ",
            _el("b", score(totals.max_score if totals else None, lang)),
            f" · {_t('points_at_risk', lang)} ",
            _el("b", _points(totals.points_at_risk if totals else None, lang)),
            class_="scores",
        )
        head = [heading, summary]
        # A field row can carry findings of its own (a score over the maximum, a vague explanation).
        if field.findings or field.zeroed:
            members = [field, *members]
    return _el(
        "section",
        head,
        _field_table(field, members, lang),
        (_criterion_block(c, evidence, lang) for c in members),
        class_="field",
        aria_labelledby=_anchor("field", field.code) if field is not None else "field-other",
    )


# --------------------------------------------------------------------------------------------- summary


def _summary(unit: UnitAssessment, evidence: Mapping[str, EvidenceItem], lang: Lang) -> _Html:
    totals = unit.totals
    zeroed = [c for c in unit.criteria if c.zeroed]
    cards = _el(
        "dl",
        _el("div", _el("dt", _t("self_total", lang)), _el("dd", _points(totals.self_score, lang))),
        _el("div", _el("dt", _t("recommended_total", lang)), _el("dd", _points(totals.recommended_score, lang))),
        _el(
            "div",
            _el("dt", _t("points_at_risk", lang)),
            _el("dd", _points(totals.points_at_risk, lang)),
            class_="risk",
        ),
        _el("div", _el("dt", _t("max_total", lang)), _el("dd", _points(totals.max_score, lang))),
        class_="cards",
    )
    source = unit.criteria_source
    facts = [
        ("unit", unit.unit),
        ("year", str(unit.year)),
        ("period", f"{date(unit.period_start, lang)} – {date(unit.period_end, lang)}"),
        ("self_assessment", _el("span", unit.self_assessment, class_="path") if unit.self_assessment else "—"),
        ("criteria_source", _t(_SOURCES[source], lang) if source in _SOURCES else source),
        ("files", str(len(unit.evidence))),
        ("zeroing_files", str(sum(item.zeroes for item in unit.evidence))),
        ("zeroed_criteria", f"{len(zeroed)} / {len(unit.criteria)}"),
    ]
    details = _el("dl", ((_el("dt", _t(k, lang)), _el("dd", v)) for k, v in facts), class_="facts")
    zeroed_list = _el(
        "p",
        _el("strong", f"{_t('zeroed_criteria', lang)}: "),
        _join_links((_el("a", c.code, href=f"#{_anchor('tc', c.code)}", class_="zeroed-link") for c in zeroed), ", ")
        if zeroed
        else _t("none_found", lang),
    )
    return _el(
        "section",
        _el("h2", _t("overview", lang), id="overview"),
        cards,
        details,
        zeroed_list,
        _rule_counts(unit, lang),
        _el("h3", _t("unit_findings", lang), id="unit-findings"),
        _findings(unit.findings, unit.self_assessment, lang),
        _unmatched(unit, evidence, lang),
        aria_labelledby="overview",
    )


def _join_links(links: Iterable[_Html], separator: str) -> _Html:
    return _Html(_text(separator).join(links))


def _rule_counts(unit: UnitAssessment, lang: Lang) -> _Html:
    found = [finding for _, _, finding in unit.all_findings()]
    counts = Counter(f.rule for f in found)
    if not counts:
        return _el("p", _el("strong", f"{_t('counts_by_rule', lang)}: "), _t("none_found", lang))
    first = {f.rule: f for f in reversed(found)}
    ordered = sorted(counts, key=lambda rule: (not first[rule].zeroes, -counts[rule], first[rule].code))
    rows = [
        _el(
            "tr",
            _el("th", rule_label(rule, lang), scope="row"),
            _el("td", first[rule].code),
            _el("td", _t("yes", lang) if any(f.zeroes for f in found if f.rule == rule) else _t("no", lang)),
            _el("td", str(counts[rule]), class_="num"),
        )
        for rule in ordered
    ]
    heads = ("rule", "rule_code", "zeroes", "count")
    return _el(
        "table",
        _el("caption", _t("counts_by_rule", lang)),
        _el(
            "thead",
            _el("tr", (_el("th", _t(k, lang), scope="col", class_="num" if k == "count" else None) for k in heads)),
        ),
        _el("tbody", rows),
        class_="rule-counts",
    )


def _unmatched(unit: UnitAssessment, evidence: Mapping[str, EvidenceItem], lang: Lang) -> _Html:
    paths = unit.unmatched
    heading = _el("h3", f"{_t('unmatched_evidence', lang)} ({len(paths)})", id="unmatched")
    if not paths:
        return _join([heading, _el("p", _t("none_found", lang), class_="meta")])
    return _join(
        [
            heading,
            _el("ul", (_el("li", _el("span", p, class_="path")) for p in paths), class_="unmatched"),
            (_document_block(evidence[p], lang) for p in paths if p in evidence),
        ]
    )


def _contents(
    groups: Sequence[tuple[CriterionAssessment | None, Totals | None, list[CriterionAssessment]]],
    has_people: bool,
    lang: Lang,
) -> _Html:
    items = [_el("li", _el("a", _t("overview", lang), href="#overview"))]
    for field, _totals, members in groups:
        zeroed = sum(c.zeroed for c in members)
        if field is None:
            items.append(_el("li", _el("a", _t("criteria", lang), href="#field-other")))
            continue
        items.append(
            _el(
                "li",
                _el("a", _numbered(field), href=f"#{_anchor('field', field.code)}"),
                f" — {_t('n_zeroed', lang, n=str(zeroed))}" if zeroed else None,
            )
        )
    if has_people:
        items.append(_el("li", _el("a", _t("responsibilities", lang), href="#people")))
    return _el(
        "nav",
        _el("h2", _t("contents", lang), id="contents"),
        _el("ol", items),
        class_="toc",
        aria_labelledby="contents",
    )


# ------------------------------------------------------------------------------------------ responsible


def _rule_names(findings: Iterable[Finding], lang: Lang) -> str:
    """The rules that fired, zeroing ones first, each once."""
    return "; ".join(dict.fromkeys(rule_label(f.rule, lang) for f in _ordered(findings)))


def _people(unit: UnitAssessment, evidence: Mapping[str, EvidenceItem], lang: Lang) -> _Html | None:
    """Per person or body: the criteria to review (zeroed or with findings) and the documents to fix."""
    people = unit.responsibilities()
    if not people:
        return None
    sections = []
    for number, (person, criteria) in enumerate(people, start=1):
        heads = ("code", "title", "self_score", "recommended_score", "reasons")
        rows = []
        documents: dict[str, EvidenceItem] = {}
        for criterion in criteria:
            flagged = [evidence[p] for p in criterion.evidence if p in evidence and evidence[p].findings]
            documents.update({item.path: item for item in flagged})
            reasons = [rule_label(f.rule, lang) for f in _ordered(criterion.findings)]
            # Documents by file name only: their full paths and every finding are listed below the table.
            reasons += [f"{item.path.rsplit('/', 1)[-1]}: {_rule_names(item.findings, lang)}" for item in flagged]
            rows.append(
                _el(
                    "tr",
                    _el(
                        "th",
                        _el("a", criterion.code, href=f"#{_anchor('tc', criterion.code)}"),
                        scope="row",
                        class_="code",
                    ),
                    _el("td", criterion.title or "", " ", _zero_badge(lang) if criterion.zeroed else None),
                    _el("td", score(criterion.self_score, lang), class_="num"),
                    _el("td", score(criterion.recommended_score, lang), class_="num"),
                    _el("td", _el("ul", (_el("li", r) for r in reasons)) if reasons else "—"),
                    class_="zeroed" if criterion.zeroed else None,
                )
            )
        table = _el(
            "table",
            _el("caption", _t("criteria_to_fix", lang)),
            _el("thead", _el("tr", (_el("th", _t(k, lang), scope="col") for k in heads))),
            _el("tbody", rows),
        )
        docs = sorted(documents.values(), key=lambda item: (not item.zeroes, item.path))
        doc_list = _el(
            "ul",
            (
                _el(
                    "li",
                    _el("span", _t("zeroes_badge", lang), class_="badge zero") if item.zeroes else None,
                    " ",
                    _el("span", item.path, class_="path"),
                    ": ",
                    _rule_names(item.findings, lang),
                )
                for item in docs
            ),
        )
        person_id = f"person-{number}"
        sections.append(
            _el(
                "section",
                _el("h3", person, id=person_id),
                table,
                _el("h4", _t("documents_to_fix", lang)) if docs else None,
                doc_list if docs else None,
                class_="person",
                aria_labelledby=person_id,
            )
        )
    return _el(
        "section",
        _el("h2", _t("responsibilities", lang), id="people"),
        _el("p", _t("people_intro", lang)),
        sections,
        class_="people",
        aria_labelledby="people",
    )


# ------------------------------------------------------------------------------------------------ pages


def render_unit_page(unit: UnitAssessment, lang: Lang = Lang.VI, links: Mapping[str, str] | None = None) -> str:
    """The HTML of one unit's report (see write_unit_page)."""
    evidence = {item.path: item for item in unit.evidence}
    groups = _field_groups(unit)
    people = _people(unit, evidence, lang)
    nav = (
        _el(
            "nav",
            (_el("a", text, href=_href(target)) for text, target in links.items()),
            class_="links",
            aria_label="links",
        )
        if links
        else None
    )
    header = _el(
        "header",
        _el("p", _t("report_title", lang), class_="eyebrow"),
        _el("h1", unit.unit),
        _el(
            "p",
            f"{_t('year', lang)} {unit.year} · {_t('period', lang)}: "
            f"{date(unit.period_start, lang)} – {date(unit.period_end, lang)}",
            class_="meta",
        ),
        nav,
    )
    main = _el(
        "main",
        _ocr_notice(unit, lang),
        _summary(unit, evidence, lang),
        _contents(groups, people is not None, lang),
        _el("h2", _t("criteria", lang), id="criteria"),
        (_field_section(field, totals, members, evidence, lang) for field, totals, members in groups),
        people,
    )
    footer = _el("footer", f"{_t('generated_by', lang)} {__version__}")
    title = f"{unit.unit} — {_t('report_title', lang)} {unit.year}"
    return _document(title, lang, [header, main, footer], description=title)


def _ocr_notice(unit: UnitAssessment, lang: Lang) -> str | None:
    """Say so when scans or pictures went unread because OCR was off or not installed."""
    unread = {item.facts.ocr.status for item in unit.evidence if item.facts.ocr is not None}
    reasons = [
        _t(f"ocr-{status.value}", lang) for status in (OcrStatus.DISABLED, OcrStatus.UNAVAILABLE) if status in unread
    ]
    return _el("p", _t("ocr_off_notice", lang, reason="; ".join(reasons)), class_="notice") if reasons else None


def write_unit_page(
    unit: UnitAssessment, path: Path, lang: Lang = Lang.VI, links: Mapping[str, str] | None = None
) -> None:
    """Write one unit's self-contained report.html (UTF-8) atomically.

    `links` maps a visible label to a path relative to the page (e.g. {"report.json": "report.json",
    "Tổng hợp": "../index.html"}); they are shown under the title. Absolute URLs are refused: the
    page must work offline.
    """
    write_text(path, render_unit_page(unit, lang, links))


# ------------------------------------------------------------------------------------------------ index


def _risk_key(unit: UnitAssessment) -> tuple[bool, bool, float, str]:
    """A unit that submitted nothing to judge first, then by points at risk (unknown last)."""
    risk = unit.totals.points_at_risk
    return (unit.submitted, risk is None, -(risk or 0.0), unit.unit)


def unit_href(unit: UnitAssessment) -> str:
    """The index's link to a unit's page: `<unit folder>/report.html`, percent-encoded ("/" kept: nested units)."""
    return f"{quote(unit.unit, safe='/')}/{PAGE_NAME}"


def _chart(units: Sequence[UnitAssessment], lang: Lang) -> _Html:
    """Horizontal bars of points at risk, one per unit, labelled; plain SVG, no script."""
    label_width, bar_area, row, top = 330, 560, 34, 10
    width = label_width + bar_area + 90
    height = top * 2 + row * len(units)
    largest = max((u.totals.points_at_risk or 0.0 for u in units), default=0.0) or 1.0
    bars = []
    for index, unit in enumerate(units):
        risk = unit.totals.points_at_risk
        y = top + index * row
        length = round(bar_area * (risk or 0.0) / largest, 1)
        name = unit.unit if len(unit.unit) <= 40 else unit.unit[:39] + "…"
        bars.append(
            _el(
                "g",
                _el("title", f"{unit.unit}: {_points(risk, lang)}"),
                _el("text", name, x=label_width - 10, y=y + row / 2 + 5, text_anchor="end"),
                _el("rect", class_="bar", x=label_width, y=y + 6, width=length, height=row - 12),
                _el("text", _points(risk, lang), x=label_width + length + 8, y=y + row / 2 + 5),
                class_="unit-bar",
            )
        )
    axis = _el("line", class_="axis", x1=label_width, y1=top, x2=label_width, y2=height - top)
    title = _t("chart_points_at_risk", lang)
    return _el(
        "svg",
        _el("title", title, id="chart-title"),
        bars,
        axis,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        role="img",
        aria_labelledby="chart-title",
        class_="chart",
    )


def _tree_section(tree: TreeReport, lang: Lang) -> _Html | None:
    """Files outside any unit and what was ambiguous in the folder tree; nothing when all is plain."""
    if not tree.outside and not tree.warnings:
        return None
    parts: list[_Child] = [_el("h2", _t("tree_as_read", lang), id="tree")]
    if tree.warnings:
        parts.append(_el("ul", (_el("li", warning, class_="warning") for warning in tree.warnings)))
    if tree.outside:
        parts.append(_el("p", _t("outside_units", lang, n=str(len(tree.outside)))))
        parts.append(_el("ul", (_el("li", _el("span", path, class_="path")) for path in tree.outside)))
    return _el("section", parts, aria_labelledby="tree")


def render_batch_index(units: Sequence[UnitAssessment], lang: Lang = Lang.VI, tree: TreeReport | None = None) -> str:
    """The HTML of the batch index (see write_batch_index)."""
    ordered = sorted(units, key=_risk_key)
    heads = ("unit", "self_total", "recommended_total", "points_at_risk", "zeroed_criteria")
    rows = []
    for unit in ordered:
        zeroed = [c.code for c in unit.criteria if c.zeroed]
        totals = unit.totals
        rows.append(
            _el(
                "tr",
                _el("th", _el("a", unit.unit, href=unit_href(unit)), scope="row"),
                _el("td", score(totals.self_score, lang), class_="num"),
                _el("td", score(totals.recommended_score, lang), class_="num"),
                _el(
                    "td",
                    _el("strong", score(totals.points_at_risk, lang) if unit.submitted else _t("not_submitted", lang)),
                    class_="num",
                ),
                _el(
                    "td",
                    _el("strong", str(len(zeroed))),
                    _el("span", f" ({', '.join(zeroed)})", class_="meta") if zeroed else None,
                ),
                data_unit=unit.unit,
            )
        )
    table = _el(
        "table",
        _el(
            "thead",
            _el(
                "tr",
                (
                    _el(
                        "th", _t(k, lang), scope="col", class_="num" if k != "unit" and k != "zeroed_criteria" else None
                    )
                    for k in heads
                ),
            ),
        ),
        _el("tbody", rows),
        class_="units",
        aria_labelledby="units",
    )
    years = sorted({u.year for u in units})
    title = _t("summary_title", lang) + (f" {', '.join(map(str, years))}" if years else "")
    body: list[_Child] = [
        _el(
            "header",
            _el("p", _t("report_title", lang), class_="eyebrow"),
            _el("h1", title),
            _el("p", f"{_t('all_units_total', lang)}: {len(units)}. {_t('sorted_by_risk', lang)}", class_="meta"),
        ),
    ]
    if units:
        body.append(
            _el(
                "main",
                _el(
                    "section",
                    _el("h2", _t("chart_points_at_risk", lang), id="chart"),
                    _chart(ordered, lang),
                    aria_labelledby="chart",
                ),
                _el("section", _el("h2", _t("units", lang), id="units"), table, aria_labelledby="units"),
                _tree_section(tree, lang) if tree else None,
            )
        )
    else:
        body.append(_el("main", _el("p", _t("no_units", lang))))
    body.append(_el("footer", f"{_t('generated_by', lang)} {__version__}"))
    return _document(title, lang, body, description=title)


def write_batch_index(
    units: Sequence[UnitAssessment], out_dir: Path, lang: Lang = Lang.VI, tree: TreeReport | None = None
) -> None:
    """Write OUT/index.html: every unit's page linked, a table and a bar chart of points at risk, and the
    files the folder tree held outside any unit."""
    write_text(out_dir / INDEX_NAME, render_batch_index(units, lang, tree))
