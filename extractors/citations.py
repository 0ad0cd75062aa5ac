"""Find documents cited in running text: "Kế hoạch số 11/KH-UBND ngày 30/01/2023".

Explanations, the "Tài liệu kiểm chứng" column of the self-assessment and document
bodies cite evidence by type word, number, symbol and date, in many spellings:

    Kế hoạch số 11/KH-UBND ngày 30/01/2023      KH 11/KH-UBND ngày 30/01/2023
    QĐ số 05/2023/QĐ-UBND ngày 15 tháng 3 năm 2023
    Báo cáo 25/BC-UBND, ngày 12/6/2023          Công văn số 120/UBND-VP ngày 05/6/2023
    Thông báo số 12a/TB-UBND                    số 11/KH-UBND        11/KH-UBND

One regular expression reads them all. Its anchor is `<number>/<symbol>`, where the
symbol must start with a capital letter and hold at least two: that is what tells a
citation from a fraction or ratio ("15/15 hồ sơ", "3/4 chỉ tiêu", "100/100") and from a
date ("30/01/2023"), and from a rate ("50/ngày"). The type word in front, "số" and the
date behind are optional.

The pattern runs over a copy of the text with the diacritics taken off one character
for one character (`_unmark`), so "ke hoach so", "Kế hoạch số" and "KẾ HOẠCH SỐ" match
alike and every offset still points into the NFC text the caller sees. The raw span, the
number and the symbol are always cut from that NFC text.

`doc_type` comes from the type word when there is one (an Appendix III name or
abbreviation, "Công văn"/"CV" -> "CV"); otherwise from the symbol's first part when that
is an Appendix III code ("11/KH-UBND" -> "KH"). A symbol whose first part is an issuer
("120/UBND-VP") has no type word to say it is a công văn, so its type stays None: the
citation alone cannot decide. Legal normative types outside Appendix III (Nghị định,
Thông tư, Luật) are recognised so the raw span covers them, and give None too. The year
of a legal normative document's number ("2023" in 05/2023/QĐ-UBND) stays in the raw span
only: `Citation` has no field for it.

Why a regular expression and not spaCy or dateparser: a citation is a fixed shape of
characters, not of words ("11/KH-UBND" is one token or five depending on the tokenizer), and
a date must be read exactly or not at all. dateparser 1.5 (Vietnamese, day first) fills what is
missing from today ("30/01" and "tháng 3" -> this year, "tháng 3/2023" -> 3 March 2023), reads
fractions as dates ("15/15 hồ sơ" -> 15 January 2015, "3/4 chỉ tiêu" -> 3 April), does not know
"quý I/2023", and takes 1-27 ms a text and 0.5 s to import (measured), against microseconds here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kiemchung.extractors.doctypes import CONG_VAN, TYPE_NAMES
from kiemchung.extractors.models import Citation
from kiemchung.extractors.text import fold, normalize


def _named_types() -> dict[str, str | None]:
    """Type words written out, folded (no diacritics, lower case) -> Appendix III code."""
    named: dict[str, str | None] = {fold(name): code for code, name in TYPE_NAMES.items()}
    named[fold("Công văn")] = CONG_VAN
    # Cited often, but not Appendix III types: matched so the raw span is whole, typed None.
    for word in ("Văn bản", "Nghị định", "Thông tư", "Thông tư liên tịch", "Luật", "Pháp lệnh"):
        named[fold(word)] = None
    return named


def _abbreviations() -> dict[str, str]:
    """Abbreviations as written -> code.

    Case matters here ("CT" is a type, "ct" is not), so abbreviations are matched
    case-sensitively; the upper-case spellings ("TTR") and the spellings without Đ ("QD") are
    accepted too, and an exact code wins a clash ("HD" is hướng dẫn, not HĐ).
    """
    abbreviations = {code: code for code in TYPE_NAMES}
    for code in TYPE_NAMES:
        for spelling in (code.upper(), code.replace("Đ", "D"), code.upper().replace("Đ", "D")):
            abbreviations.setdefault(spelling, code)
    abbreviations.setdefault(CONG_VAN, CONG_VAN)
    return abbreviations


_NAMED_TYPES = _named_types()
_ABBREVIATIONS = _abbreviations()


@lru_cache(maxsize=2048)
def _unmark_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in "Đđ":
        return "D" if ch == "Đ" else "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    # Keep characters that do not reduce to exactly one base character (Hangul, …) so that
    # the unmarked copy stays exactly as long as the text.
    return base if len(base) == 1 else ch


def _unmark(text: str) -> str:
    """`text` without diacritics, case kept, one character for one character (offsets preserved)."""
    return "".join(_unmark_char(ch) for ch in text)


def _alternation(words: list[str]) -> str:
    # Longest first so "thong tu lien tich" wins over "thong tu"; blanks inside a name may vary.
    return "|".join(r"[ \t]+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


_TYPE_NAMES_RE = _alternation(list(_NAMED_TYPES))
_TYPE_ABBR_RE = _alternation(sorted({_unmark(a) for a in _ABBREVIATIONS}))

# A calendar date in running text, on the unmarked copy: 30/01/2023, 30-01-2023, 30.01.2023
# (one separator throughout), or "30 tháng 01 năm 2023". Four-digit years only: a two-digit
# year is too easily something else.
_DATE_RE = (
    r"(?:(?P<day>\d{1,2})[ \t]*(?P<sep>[/.-])[ \t]*(?P<month>\d{1,2})[ \t]*(?P=sep)[ \t]*(?P<year>\d{4})"
    r"|(?P<wday>\d{1,2})[ \t]+(?i:thang)[ \t]+(?P<wmonth>\d{1,2})[ \t]*,?[ \t]+(?i:nam)[ \t]+(?P<wyear>\d{4}))"
    r"(?!\d)"
)

# Blanks inside one citation stay on one line ([ \t]), because cells list citations one per line;
# only after an explicit "ngày" may the date wrap onto the next line.
_CITATION = re.compile(
    # starts a word; a bare number also may not continue a decimal ("1.12/KH" holds no "12/KH")
    r"(?:(?<![\w/])(?=[^\W\d])|(?<![\w/.,])(?=\d))"
    # type word: a name ("Kế hoạch", any case) or an abbreviation ("KH", "QĐ", case as written)
    rf"(?:(?P<type>(?i:{_TYPE_NAMES_RE})|{_TYPE_ABBR_RE})(?![\w])(?:[ \t]*[:.][ \t]*|[ \t]+))?"
    r"(?:(?i:so)(?![\w])[ \t]*:?[ \t]*)?"  # "số", "Số:"
    # the number as written: "11", "05", and the suffixes the council zeroes ("12a", "12bis", "12.1")
    r"(?P<number>\d{1,5}(?:[A-Za-z]{1,3}|\.\d{1,2})?)"
    r"[ \t]?/[ \t]?"
    r"(?:(?P<number_year>(?:19|20)\d\d)[ \t]?/[ \t]?)?"  # legal normative documents: 05/2023/QĐ-UBND
    # the symbol: starts with a capital; parts joined by "-" (or "/" before a capital)
    r"(?P<symbol>[A-Z][A-Za-z0-9&]*(?:-[A-Za-z0-9&]+|/[A-Z][A-Za-z0-9&]*)*)"
    # the date: "ngày 30/01/2023", ", ngày 12/6/2023", " của UBND xã ngày …", "(30/01/2023)"
    r"(?:(?:[ \t]+(?i:cua)[ \t]+[^\n;,()]{1,40}?)?"
    r"(?:[ \t]*(?:,|(?P<paren>\())?[ \t]*(?:(?i:ngay)(?![\w])\s*)?)"
    rf"{_DATE_RE}(?(paren)\)?))?"
)


@dataclass(frozen=True)
class CitationMatch:
    """A citation and where it sits in the normalised text (`normalize(text)[start:end] == raw`)."""

    start: int
    end: int
    citation: Citation


def find_citations(text: str) -> tuple[Citation, ...]:
    """Every document cited in `text`, in reading order."""
    return tuple(m.citation for m in match_citations(text))


def match_citations(text: str) -> tuple[CitationMatch, ...]:
    """Every citation in `text` with its offsets into `normalize(text)`."""
    nfc = normalize(text)
    found: list[CitationMatch] = []
    for match in _CITATION.finditer(_unmark(nfc)):
        symbol = nfc[match.start("symbol") : match.end("symbol")]
        if sum(ch.isupper() for ch in symbol) < 2:
            continue  # "15/A", "2/Tr": one capital is not a document symbol
        type_word = nfc[match.start("type") : match.end("type")] if match.group("type") else None
        citation = Citation(
            raw=nfc[match.start() : match.end()],
            doc_type=_doc_type(type_word, symbol),
            number=nfc[match.start("number") : match.end("number")],
            symbol=symbol,
            date=_parse_date(match),
        )
        found.append(CitationMatch(match.start(), match.end(), citation))
    return tuple(found)


def _doc_type(type_word: str | None, symbol: str) -> str | None:
    """The type word decides when it names a type; else the symbol's first part, if it is a code."""
    if type_word is not None:
        code = _ABBREVIATIONS.get(type_word)
        if code is None:
            code = _NAMED_TYPES.get(fold(type_word))
        if code is not None:
            return code
    return _ABBREVIATIONS.get(re.split(r"[-/]", symbol, maxsplit=1)[0])


def _parse_date(match: re.Match[str]) -> dt.date | None:
    """The date a `_DATE_RE` match holds, or None when it has none or it does not exist (31/02)."""
    groups = match.groupdict()
    day, month, year = (groups.get("day"), groups.get("month"), groups.get("year"))
    if day is None:
        day, month, year = (groups.get("wday"), groups.get("wmonth"), groups.get("wyear"))
    if day is None or month is None or year is None:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
