"""What an explanation (giải trình) states: figures, results, pointers, citations, boilerplate.

The council zeroes a criterion whose explanation "does not state the figures, the results,
or in which section/page of the evidence they are". This module only *finds* those things
and hands them over as `ExplanationFacts`; judging is the validators' job.

How it matches, so every finding can be explained:

* Text is normalised first (`extractors.text.normalize`: NFC, one Đ). `ExplanationFacts.text`
  is that normalised text and every reported span is a substring of it.
* Citations ("Báo cáo số 25/BC-UBND ngày 12/6/2023") come from `extractors.citations`.
* Everything else is spaCy rule-based matching over a blank tokenizer, `spacy.blank("xx")`
  (spaCy's multi-language class). Vietnamese writes one syllable per space-separated token, so
  a whitespace-and-punctuation tokenizer is exactly right and phrases match as syllable
  sequences. `spacy.blank("vi")` is out: it needs pyvi for word segmentation, and without pyvi
  it only splits on spaces, leaving "98,5%)," and "mục 2.1;" glued to punctuation. "en"
  tokenises the same but carries about 1,300 English exceptions that mean nothing here; "xx"
  keeps only the language-neutral ones. Two rules are added: "%" is split off a word glued to
  it ("100%TTHC"), and "đ"/"VNĐ" off an amount ("150.000.000đ").
* Two passes. A `PhraseMatcher` finds the vocabulary below (unit nouns, locator nouns, result
  words, boilerplate); unit, amount, score-verb and locator phrases become the doc's entities
  (UNIT, PAGE, SECTION, …). A `Matcher` with a dozen token patterns then finds the shapes:
  a number then one UNIT entity, a PAGE entity then a page number, and so on.
* Each syllable of a phrase matches its own lower case, or its form without diacritics when
  the text has none: "đạt" matches "Đạt", "ĐẠT" and "dat", but never "đất" (land). Folding
  both sides would have confused them.

The facets:

* figures: a number with "%" ("100%", "98,5 %", "100% TTHC"); a count or ratio with a unit
  noun from `UNIT_NOUNS` ("15 hồ sơ", "03 cuộc kiểm tra", "15/15 hồ sơ"); an amount
  ("150 triệu đồng"); a bare ratio a/b with a <= b and b < 1900 ("đúng hạn 15/15").
  Not figures: a number after "ngày/tháng/năm/quý" (dates and years), a number inside a
  citation or a pointer ("Điều 3 Quyết định …"), a criterion code ("1.1": a dotted number is
  a thousands group only with three digits), time units ("5 ngày"), and a score ("1,5 điểm",
  "Đạt 1,5/2 điểm"): restating the self-score proves nothing, so a score is reported among
  the generic phrases instead. Number words ("hai hội nghị") are not read.
* results: a result word from `RESULT_WORDS` ("đạt", "tỷ lệ", "hoàn thành", "đúng hạn",
  "giải quyết", …) that has a figure in the same clause (clauses end at ";", ".", "!", "?"
  and line breaks); the span runs from the word to its nearest figure, looked for first
  between the same commas, then in the whole clause; overlapping spans are joined. "ban hành"
  directly followed by a citation is a result too ("Ban hành Kế hoạch số 11/KH-UBND …"), but
  not "về việc ban hành Quy chế" in a cited decision's subject. A bare "Hoàn thành" states no
  result.
* pointers: a locator noun followed by its identifier: "trang 2", "tr.3", "trang 2-3",
  "mục II", "mục 2.1", "phần III", "điểm a", "khoản 1", "Điều 2", "phụ lục 1", "biểu số 02",
  "dòng 5", "bảng 1"; pieces that follow each other ("điểm a khoản 1 Điều 2") are one pointer.
* generic_phrases: boilerplate from `GENERIC_PHRASES` ("Đã thực hiện đầy đủ", "Tốt", …) and
  score restatements, except where the phrase is part of a result ("Hoàn thành 100% kế hoạch")
  or a citation, or is a longer ordinary word ("tốt nghiệp").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_suffix_regex, filter_spans

from kiemchung.extractors.citations import CitationMatch, match_citations
from kiemchung.extractors.models import ExplanationFacts
from kiemchung.extractors.text import fold, normalize

Pattern = list[dict[str, Any]]

# Nouns that make a bare number a count. Time units (ngày, tháng, năm, giờ) and "điểm" are left
# out on purpose: they give dates, durations and scores, not results. Longer entries win
# ("03 cuộc kiểm tra" over "03 cuộc").
UNIT_NOUNS = (
    "hồ sơ", "hồ sơ TTHC", "thủ tục", "thủ tục hành chính", "TTHC", "DVC", "dịch vụ công",
    "dịch vụ công trực tuyến", "văn bản", "văn bản QPPL", "quyết định", "kế hoạch", "báo cáo",
    "thông báo", "công văn", "chỉ thị", "nghị quyết", "cuộc", "cuộc kiểm tra", "cuộc họp",
    "cuộc thi", "đợt", "đợt kiểm tra", "lần", "lượt", "lượt người", "người", "cán bộ", "công chức",
    "viên chức", "CBCC", "CBCCVC", "cán bộ, công chức", "hội nghị", "lớp", "lớp tập huấn",
    "buổi", "buổi tuyên truyền", "tin", "tin bài", "bài", "bài viết", "tài liệu", "đơn", "đơn thư",
    "kiến nghị", "phản ánh", "ý kiến", "trường hợp", "vụ", "vụ việc", "cơ quan", "đơn vị", "xã",
    "phường", "thị trấn", "thôn", "tổ dân phố", "hộ", "hộ gia đình", "chỉ tiêu", "nhiệm vụ",
    "nội dung", "tiêu chí", "giao dịch", "tài khoản", "máy tính", "thiết bị", "điểm cầu", "tờ rơi",
    "pano", "khẩu hiệu", "cuốn", "bản", "sáng kiến", "mô hình", "thành viên", "doanh nghiệp",
)
CURRENCY_WORDS = ("đồng", "VNĐ", "VND", "đ")
SCALE_WORDS = ("nghìn", "ngàn", "triệu", "tỷ")
# Result words; they count only with a figure in the same clause (see module docstring).
RESULT_WORDS = (
    "đạt", "đạt tỷ lệ", "tỷ lệ", "hoàn thành", "kết quả", "đúng hạn", "trước hạn", "trễ hạn",
    "quá hạn", "giải quyết", "tiếp nhận", "ban hành", "tổ chức", "tổ chức được", "thực hiện được",
    "xử lý", "công khai", "số hóa", "cập nhật",
)
DOCUMENT_RESULT_WORDS = ("ban hành",)  # a result when its object is a cited document
GENERIC_PHRASES = (
    "Đã thực hiện đầy đủ", "Thực hiện đầy đủ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành tốt",
    "Thực hiện đúng quy định", "Thực hiện theo quy định", "Đã thực hiện", "Đạt yêu cầu",
    "Thực hiện nghiêm túc", "Đã triển khai thực hiện", "Triển khai thực hiện", "Có thực hiện",
    "Đảm bảo theo quy định", "Đảm bảo đúng quy định", "Đảm bảo", "Đúng quy định", "Hoàn thành",
    "Đã hoàn thành", "Thực hiện tốt", "Tốt",
)
# Ordinary words that merely contain a generic phrase.
NOT_GENERIC = ("tốt nghiệp",)
SCORE_VERBS = ("đạt", "tự chấm", "chấm", "tự đánh giá", "tự chấm điểm")
# Locator nouns and the identifiers they take.
PAGE_NOUNS = ("trang", "tr")
SECTION_NOUNS = (
    "mục", "tiểu mục", "phần", "chương", "điều", "khoản", "phụ lục", "biểu", "biểu mẫu", "mẫu",
    "bảng", "dòng",
)
LETTER_NOUNS = ("điểm",)  # "điểm a": a point of a clause
# Words before a number that make it a date or a year, not a figure ("năm 2023 cán bộ …").
# Document numbers need no entry: citations are masked before figures are read.
NOT_FIGURE_BEFORE = ("ngày", "tháng", "năm", "quý", "khóa", "giai đoạn")

_NOT_FIGURE_BEFORE_WORDS = frozenset({w.lower() for w in NOT_FIGURE_BEFORE} | {fold(w) for w in NOT_FIGURE_BEFORE})
_CLAUSE_ENDS = frozenset({";", ".", "!", "?"})

_INT = r"^\d{1,9}$"
_GROUPED = r"^\d{1,3}(?:\.\d{3})+$"  # 1.200, 150.000.000 (Vietnamese thousands separator)
_DECIMAL = r"^\d+,\d+$"  # 98,5
_PERCENT_NUMBER = r"^\d{1,3}(?:[.,]\d{1,2})?$"
_RATIO = r"^\d{1,5}/\d{1,5}$"
_SCORE_NUMBER = r"^\d{1,2}(?:[.,]\d{1,2})?(?:/\d{1,2}(?:[.,]\d{1,2})?)?$"
_PAGE_ID = r"^\d{1,4}(?:,\d{1,4})*$"
_SECTION_ID = r"^(?:\d{1,3}|[IVXLC]{1,7})(?:\.\d{1,3})*[a-z]?$"
_LETTER_ID = r"^[a-zđ]\.?$"
_PAGE_GLUED = r"(?i)^tr\.\d{1,4}$"  # "tr.3" is one token


def _regex(expression: str) -> dict[str, Any]:
    return {"TEXT": {"REGEX": expression}}


def _any_regex(*expressions: str) -> dict[str, Any]:
    return _regex("|".join(f"(?:{e})" for e in expressions))


def _word(text: str) -> dict[str, Any]:
    """One syllable: its lower case, or its unaccented form (the text may be typed without marks)."""
    return {"LOWER": {"IN": sorted({text.lower(), fold(text)})}}


# Vocabulary lists go to a PhraseMatcher (a hash lookup, whatever the list length). Their
# matches become the doc's entities (where two overlap, the longer wins: "03 điểm cầu" is a UNIT,
# not a LETTER locator), which is what the shape patterns see through ENT_TYPE: "a number, then
# a UNIT", "a PAGE noun, then a number".
_TAGGED_VOCABULARY: dict[str, tuple[str, ...]] = {
    "UNIT": UNIT_NOUNS,
    "SCALE": SCALE_WORDS,
    "CURRENCY": CURRENCY_WORDS,
    "SCORE_VERB": SCORE_VERBS,
    "PAGE": PAGE_NOUNS,
    "SECTION": SECTION_NOUNS,
    "LETTER": LETTER_NOUNS,
}
# Vocabulary whose matches are used as spans directly.
_SPAN_VOCABULARY: dict[str, tuple[str, ...]] = {
    "RESULT": RESULT_WORDS,
    "DOCUMENT_RESULT": DOCUMENT_RESULT_WORDS,
    "GENERIC": GENERIC_PHRASES,
    "NOT_GENERIC": NOT_GENERIC,
}


def _tagged(tag: str, optional: bool = False) -> Pattern:
    """Exactly one vocabulary phrase of that list (the entity's first token, then the rest)."""
    first: dict[str, Any] = {"ENT_TYPE": tag, "ENT_IOB": "B"}
    if optional:
        first["OP"] = "?"
    return [first, {"ENT_TYPE": tag, "ENT_IOB": "I", "OP": "*"}]


def _shape_patterns() -> dict[str, list[Pattern]]:
    """Token patterns over number shapes and vocabulary tags; the longest match wins later."""
    percent_number = _regex(_PERCENT_NUMBER)
    count = _any_regex(_INT, _GROUPED, _RATIO)
    amount = _any_regex(_INT, _GROUPED, _DECIMAL)
    so = {**_word("số"), "OP": "?"}
    joiner = {"LOWER": {"IN": ["-", ",", "đến", "den", "và", "va"]}}

    def locator(tag: str, identifier: str, *head_extra: dict[str, Any]) -> list[Pattern]:
        """`<noun> [số] <id>` and the range `<noun> [số] <id> (-|,|đến|và) <id>`."""
        head = [*_tagged(tag), *head_extra, so, _regex(identifier)]
        return [head, [*head, joiner, _regex(identifier)]]

    return {
        "PERCENT": [
            [percent_number, {"ORTH": "%"}, *_tagged("UNIT", optional=True)],  # "100%", "100% hồ sơ"
            [percent_number, _word("phần"), _word("trăm")],
        ],
        "COUNT": [[count, *_tagged("UNIT")]],  # "15 hồ sơ", "15/15 hồ sơ", "03 cuộc kiểm tra"
        "AMOUNT": [
            [amount, *_tagged("SCALE"), *_tagged("CURRENCY", optional=True)],  # "150 triệu", "1,2 tỷ đồng"
            [amount, *_tagged("CURRENCY")],  # "2.000.000 đồng", "150.000.000đ"
        ],
        "RATIO": [[_regex(_RATIO)]],  # "đúng hạn 15/15"; part-of-whole is checked afterwards
        "SCORE": [[*_tagged("SCORE_VERB", optional=True), _regex(_SCORE_NUMBER), _word("điểm")]],  # "Đạt 1,5 điểm"
        "POINTER": [
            *locator("PAGE", _PAGE_ID, {"ORTH": ".", "OP": "?"}),  # "trang 2", "tr. 3", "trang 2-3"
            [_regex(_PAGE_GLUED)],  # "tr.3"
            [_regex(_PAGE_GLUED), {"ORTH": "-"}, _regex(_PAGE_ID)],  # "tr.3-4"
            *locator("SECTION", _SECTION_ID),  # "mục II", "mục 2.1", "phụ lục số 01", "Điều 3"
            *locator("LETTER", _LETTER_ID),  # "điểm a"
        ],
    }


@dataclass(frozen=True)
class _Engine:
    nlp: Language
    vocabulary: PhraseMatcher
    shapes: Matcher


def load_engine() -> None:
    """Build the matching engine now, in this process (see `_engine`)."""
    _engine()


@cache
def _engine() -> _Engine:
    """The tokenizer and matchers, built on first use and kept for the process."""
    nlp = spacy.blank("xx")
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    # "100%TTHC" -> "100", "%", "TTHC"; "150.000.000đ" -> "150.000.000", "đ".
    tokenizer.infix_finditer = compile_infix_regex(
        [*(nlp.Defaults.infixes or ()), r"(?<=[0-9])%(?=[^\W\d_])"]
    ).finditer
    tokenizer.suffix_search = compile_suffix_regex(
        [*(nlp.Defaults.suffixes or ()), r"(?<=[0-9])(?:đ|VNĐ|VND)"]
    ).search
    vocabulary = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, phrases in [*_TAGGED_VOCABULARY.items(), *_SPAN_VOCABULARY.items()]:
        vocabulary.add(label, [doc for phrase in phrases for doc in _spellings(nlp, phrase)])
    shapes = Matcher(nlp.vocab)
    for label, patterns in _shape_patterns().items():
        shapes.add(label, patterns)
    return _Engine(nlp, vocabulary, shapes)


def _spellings(nlp: Language, phrase: str) -> list[Doc]:
    """The phrase with each syllable in lower case or without diacritics, in every combination.

    That is the same as matching syllable by syllable: a syllable typed without marks matches
    its marked form, a marked syllable matches only itself ("đất" is never "đạt").
    """
    options = [sorted({t.text.lower(), fold(t.text)}) for t in nlp.make_doc(phrase)]
    return [Doc(nlp.vocab, words=list(words)) for words in product(*options)]


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    """A matched span in character offsets of the normalised text."""

    start: int
    end: int
    label: str
    first_token: int
    last_token: int  # exclusive

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def analyse_explanation(text: str) -> ExplanationFacts:
    """Find the figures, results, pointers, citations and boilerplate an explanation states."""
    nfc = normalize(text)
    if not nfc.strip():
        return ExplanationFacts(nfc, (), (), (), (), ())
    citations = match_citations(nfc)
    engine = _engine()
    doc = engine.nlp.make_doc(nfc)
    by_label: dict[str, list[Span]] = {}
    tagged: list[Span] = []
    for match_id, start, end in engine.vocabulary(doc):
        label = engine.nlp.vocab.strings[match_id]
        span = Span(doc, start, end, label=match_id)
        (tagged if label in _TAGGED_VOCABULARY else by_label.setdefault(label, [])).append(span)
    doc.ents = filter_spans(tagged)
    for match_id, start, end in engine.shapes(doc):
        by_label.setdefault(engine.nlp.vocab.strings[match_id], []).append(Span(doc, start, end, label=match_id))

    def spans(*labels: str) -> list[_Hit]:
        found = [span for label in labels for span in by_label.get(label, [])]
        return [_hit(span) for span in filter_spans(found)]

    def outside_citations(hits: Iterable[_Hit]) -> list[_Hit]:
        return [h for h in hits if not any(h.overlaps(c.start, c.end) for c in citations)]

    pointers = _merge_adjacent(nfc, outside_citations(spans("POINTER")))
    quantities = [
        h
        for h in outside_citations(spans("PERCENT", "COUNT", "AMOUNT", "RATIO", "SCORE"))
        if not any(h.overlaps(p.start, p.end) for p in pointers) and _is_quantity(doc, h)
    ]
    figures = [h for h in quantities if h.label != "SCORE"]
    scores = [h for h in quantities if h.label == "SCORE"]
    keywords = [
        h for h in outside_citations(spans("RESULT")) if not any(h.overlaps(s.start, s.end) for s in scores)
    ]
    results = _results(doc, keywords, figures, spans("DOCUMENT_RESULT"), citations)
    not_generic = spans("NOT_GENERIC")
    generic = [
        h
        for h in outside_citations(spans("GENERIC"))
        if not any(h.overlaps(o.start, o.end) for o in [*not_generic, *results])
    ]
    return ExplanationFacts(
        text=nfc,
        figures=_texts(nfc, figures),
        results=_texts(nfc, results),
        pointers=_texts(nfc, pointers),
        citations=tuple(c.citation for c in citations),
        generic_phrases=_texts(nfc, sorted([*generic, *scores], key=lambda h: h.start)),
    )


def _hit(span: Span) -> _Hit:
    return _Hit(span.start_char, span.end_char, span.label_, span.start, span.end)


def _texts(text: str, hits: Iterable[_Hit]) -> tuple[str, ...]:
    return tuple(text[h.start : h.end] for h in hits)


def _is_quantity(doc: Doc, hit: _Hit) -> bool:
    """False for a number that is part of a date or a year, and for a ratio that is not part-of-whole."""
    if hit.first_token > 0:
        before = doc[hit.first_token - 1].lower_
        if before in _NOT_FIGURE_BEFORE_WORDS:
            return False
        if hit.first_token > 1 and f"{doc[hit.first_token - 2].lower_} {before}" in _NOT_FIGURE_BEFORE_WORDS:
            return False
    if hit.label == "RATIO":
        part, whole = (int(n) for n in doc[hit.first_token].text.split("/"))
        return part <= whole < 1900  # "30/6" is a day and month, "6/2023" a month and year
    return True


def _clauses(doc: Doc) -> tuple[list[int], list[int]]:
    """Clause and segment number of each token.

    A clause ends at ; . ! ? or a line break; a segment also ends at a comma.
    """
    clause, segment = 0, 0
    clauses: list[int] = []
    segments: list[int] = []
    for token in doc:
        clauses.append(clause)
        segments.append(segment)
        if token.text in _CLAUSE_ENDS or "\n" in token.text:
            clause += 1
            segment += 1
        elif token.text == ",":
            segment += 1
    return clauses, segments


def _results(
    doc: Doc,
    keywords: Sequence[_Hit],
    figures: Sequence[_Hit],
    document_keywords: Sequence[_Hit],
    citations: Sequence[CitationMatch],
) -> list[_Hit]:
    """Result words joined to their nearest figure in the clause, or "ban hành" to the cited document."""
    clause, segment = _clauses(doc)
    found: list[tuple[int, int]] = []
    for word in keywords:
        # The nearest figure between the same commas, else the nearest in the clause.
        candidates = [f for f in figures if segment[f.first_token] == segment[word.first_token]] or [
            f for f in figures if clause[f.first_token] == clause[word.first_token]
        ]
        if candidates:
            nearest = min(candidates, key=lambda f: _gap(word, f))
            found.append((min(word.start, nearest.start), max(word.end, nearest.end)))
    text = doc.text
    for word in document_keywords:
        cited = next((c for c in citations if c.start >= word.end and not text[word.end : c.start].strip()), None)
        if cited is not None:
            found.append((word.start, cited.end))
    return [_Hit(start, end, "RESULT", -1, -1) for start, end in _union(found)]


def _gap(a: _Hit, b: _Hit) -> int:
    return max(b.first_token - a.last_token, a.first_token - b.last_token, 0)


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _merge_adjacent(text: str, hits: Sequence[_Hit]) -> list[_Hit]:
    """Join pointer pieces separated only by blanks: "điểm a" "khoản 1" "Điều 2" -> one pointer."""
    merged: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: h.start):
        if merged and not text[merged[-1].end : hit.start].strip(" \t"):
            last = merged[-1]
            merged[-1] = _Hit(last.start, hit.end, last.label, last.first_token, hit.last_token)
        else:
            merged.append(hit)
    return merged
