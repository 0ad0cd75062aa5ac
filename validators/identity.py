"""When two evidence files are the same document, and when two documents share one number.

The two document-set rules read one classification of each pair of files, made here, so a pair
falls to at most one of them:

- the same document twice (`duplicate-document`): identical bytes; or the same issuer, number,
  symbol and date with nothing else differing; or an unsigned scan of a signed original with the
  same number, symbol and date;
- one number given to two documents (`number-reused`): the same issuer, number and symbol in the
  same year, but a different type name, subject or date.

Numbers compare without leading zeros or blanks ("05" is "5"); symbols without case, diacritics or
blanks ("qđ-ubnd" is "QĐ-UBND"); issuers the same way with the usual abbreviations spelled out
("UBND xã Cao An" is "ỦY BAN NHÂN DÂN XÃ CAO AN"). When the issuer, year or date of one of a pair
is unknown the answer is "maybe", never "no": the rules turn it into an indeterminate finding.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import combinations

from kiemchung.extractors.models import DocumentFacts, Integrity, value_of
from kiemchung.extractors.text import fold, fold_spelled_out
from kiemchung.validators.format import quoted, vn_date
from kiemchung.validators.scans import believed_header, is_scan
from kiemchung.validators.signatures import signed

_BLANKS = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")
_YEAR = re.compile(r"^\d{4}$")

# Why a pair is only "maybe", for the council.
_UNKNOWN_ISSUER = "chưa xác định được hai văn bản có cùng cơ quan ban hành hay không"
_UNKNOWN_YEAR = "chưa xác định được năm ban hành của một trong hai văn bản"
_UNKNOWN_DATE = "chưa xác định được hai văn bản có cùng ngày ban hành hay không"
_OCR = "chữ của bản scan là chữ nhận dạng (OCR), có thể đọc sai"


class Relation(StrEnum):
    """How two files of a unit relate."""

    SAME_CONTENT = "same-content"  # identical bytes
    SAME_DOCUMENT = "same-document"  # same issuer, number, symbol and date; nothing else differs
    PAPER_COPY = "paper-copy"  # an unsigned scan and a signed original with the same number, symbol and date
    MAYBE_SAME_DOCUMENT = "maybe-same-document"  # nothing differs, but one's issuer or full date is unknown
    NUMBER_REUSED = "number-reused"  # same issuer, number, symbol and year; type name, subject or date differ
    MAYBE_NUMBER_REUSED = "maybe-number-reused"  # as above, but one's issuer or year is unknown


@dataclass(frozen=True)
class Difference:
    """A header field on which two documents disagree, with both values as read (Vietnamese field name)."""

    field: str  # "trích yếu", "tên loại văn bản", "ngày ban hành"
    first: str
    second: str

    def flipped(self) -> Difference:
        return Difference(self.field, self.second, self.first)


@dataclass(frozen=True)
class Pair:
    """Two related files, by index into the documents compared; `first` < `second`."""

    first: int
    second: int
    relation: Relation
    differences: tuple[Difference, ...] = ()  # first's value, then second's
    unknown: tuple[str, ...] = ()  # why it is only "maybe", Vietnamese: "không rõ cơ quan ban hành của …"

    def other(self, index: int) -> int:
        return self.second if index == self.first else self.first

    def differences_from(self, index: int) -> tuple[Difference, ...]:
        """The differences with `index`'s value first."""
        return self.differences if index == self.first else tuple(d.flipped() for d in self.differences)


def number_key(number: str) -> str:
    """A number as compared: no blanks, lower case, no leading zeros ("05" -> "5", "12 A" -> "12a")."""
    return _BLANKS.sub("", number).lower().lstrip("0") or "0"


# The keys below are asked again for each file of a unit by both document-set rules, and for each
# citation by matching; folding is the expensive part, so they are remembered.


@lru_cache(maxsize=4096)
def symbol_key(symbol: str) -> str:
    """A symbol as compared: folded, without blanks ("QĐ - UBND" -> "qd-ubnd")."""
    return _BLANKS.sub("", fold(symbol))


@lru_cache(maxsize=4096)
def issuer_key(issuer: str) -> str:
    """An issuer as compared: folded, abbreviations spelled out, words only ("UBND xã Cao An")."""
    return " ".join(_NOT_WORD.sub(" ", fold_spelled_out(issuer)).split())


@lru_cache(maxsize=4096)
def _text_key(text: str) -> str:
    """Subjects and type names: folded letters and digits only, so line breaks and punctuation don't count."""
    return _NOT_WORD.sub("", fold(text)).replace("_", "")


def intact_signed(facts: DocumentFacts) -> bool:
    """Whether any signer's signature over the file checks out (trust is another rule's business)."""
    return any(signature.integrity is Integrity.INTACT for signature in signed(facts))


@dataclass(frozen=True)
class _Profile:
    """What the comparison needs of one file, computed once."""

    facts: DocumentFacts
    sha256: str
    number: str | None
    symbol: str | None
    issuer: str | None
    year: int | None
    date: dt.date | None
    type_name: str | None
    subject: str | None
    scan: bool
    signed: bool

    @property
    def paper_copy(self) -> bool:
        """A scan of paper with no intact signature: the council's "ký bản giấy sau đó quét lên"."""
        return self.scan and not self.signed

    @property
    def original(self) -> bool:
        """A born-digital file with an intact signature."""
        return self.signed and not self.scan


def issue_year(facts: DocumentFacts) -> int | None:
    """The year the number belongs to: the one inside it (`30/2018/QĐ-UBND`), else the date's."""
    header = believed_header(facts)
    number_year = value_of(header.number_year)
    if number_year and _YEAR.match(number_year):
        return int(number_year)
    date = header.date
    return date.value.year if date is not None else None


def _profile(facts: DocumentFacts) -> _Profile:
    header = believed_header(facts)
    number, symbol, issuer = value_of(header.number), value_of(header.symbol), value_of(header.issuer)
    issue = header.date.value if header.date is not None else None
    type_name, subject = value_of(header.type_name), value_of(header.subject)
    return _Profile(
        facts=facts,
        sha256=facts.sha256,
        number=number_key(number) if number else None,
        symbol=symbol_key(symbol) if symbol else None,
        issuer=(issuer_key(issuer) or None) if issuer else None,
        year=issue_year(facts),
        date=issue.as_date() if issue else None,
        type_name=(_text_key(type_name) or None) if type_name else None,
        subject=(_text_key(subject) or None) if subject else None,
        scan=is_scan(facts),
        signed=intact_signed(facts),
    )


def _same_issuer(a: str | None, b: str | None) -> bool | None:
    """True, False, or None when one is unknown or one is the other with a parent body's line in front."""
    if a is None or b is None:
        return None
    if a == b:
        return True
    if f" {a}".endswith(f" {b}") or f" {b}".endswith(f" {a}"):
        return None  # "UBND huyện X UBND xã Y" and "UBND xã Y": the parent line was read on one only
    return False


def _differences(a: _Profile, b: _Profile, *, content: bool) -> tuple[Difference, ...]:
    """Fields known on both that disagree: the date always, type name and subject when `content`."""
    found = []
    if a.date is not None and b.date is not None and a.date != b.date:
        found.append(Difference("ngày ban hành", vn_date(a.date), vn_date(b.date)))
    if content:
        header_a, header_b = believed_header(a.facts), believed_header(b.facts)
        for name, key_a, key_b, located_a, located_b in (
            ("tên loại văn bản", a.type_name, b.type_name, header_a.type_name, header_b.type_name),
            ("trích yếu", a.subject, b.subject, header_a.subject, header_b.subject),
        ):
            if key_a is not None and key_b is not None and key_a != key_b and located_a and located_b:
                found.append(Difference(name, quoted(located_a.value), quoted(located_b.value)))
    return tuple(found)


def _relate(a: _Profile, b: _Profile) -> tuple[Relation, tuple[Difference, ...], tuple[str, ...]] | None:
    if a.sha256 and a.sha256 == b.sha256:
        return Relation.SAME_CONTENT, (), ()
    if a.number is None or a.symbol is None or (a.number, a.symbol) != (b.number, b.symbol):
        return None
    if a.year is not None and b.year is not None and a.year != b.year:
        return None  # numbering restarts every year
    same_date = a.date is not None and a.date == b.date
    if same_date and ((a.paper_copy and b.original) or (b.paper_copy and a.original)):
        return Relation.PAPER_COPY, (), ()  # the scan's issuer and words are OCR at best: number and date decide
    issuer = _same_issuer(a.issuer, b.issuer)
    if issuer is False:
        return None  # every commune has its own 11/KH-UBND
    unknown = [] if issuer else [_UNKNOWN_ISSUER]
    scan = a.scan or b.scan
    # An OCR layer misreads words: a scan dated the same day is not "different" by its subject.
    differences = _differences(a, b, content=not (same_date and scan))
    if differences:
        if a.year is None or b.year is None:
            unknown.append(_UNKNOWN_YEAR)
        if scan:
            unknown.append(_OCR)
        relation = Relation.MAYBE_NUMBER_REUSED if unknown else Relation.NUMBER_REUSED
        return relation, differences, tuple(unknown)
    if not same_date:
        unknown.append(_UNKNOWN_DATE)
    return (Relation.MAYBE_SAME_DOCUMENT if unknown else Relation.SAME_DOCUMENT), (), tuple(unknown)


def related_pairs(documents: Sequence[DocumentFacts]) -> tuple[Pair, ...]:
    """Every pair of related files among `documents`, by index, in order.

    Only files sharing a content hash or a number and symbol are compared, so a unit's hundreds of
    files cost one pass plus their few collisions.
    """
    profiles = [_profile(facts) for facts in documents]
    buckets: dict[tuple[str, ...], list[int]] = {}
    for index, profile in enumerate(profiles):
        if profile.sha256:
            buckets.setdefault(("content", profile.sha256), []).append(index)
        if profile.number is not None and profile.symbol is not None:
            buckets.setdefault(("number", profile.number, profile.symbol), []).append(index)
    candidates = sorted({pair for members in buckets.values() for pair in combinations(members, 2)})
    pairs = []
    for first, second in candidates:
        related = _relate(profiles[first], profiles[second])
        if related is not None:
            pairs.append(Pair(first, second, *related))
    return tuple(pairs)
