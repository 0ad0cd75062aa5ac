"""Legacy Vietnamese encodings (TCVN3 and VNI): found span by span and turned into Unicode NFC.

Before Unicode, Vietnamese Word files were typed in 8-bit fonts whose glyphs sit at Latin-1 code
points. Word and PDF keep those code points, so without the font the text reads as garbage:
TCVN3 (ABC, fonts ".VnTime", ".VnArial") gives "Hµ Néi" for "Hà Nội", VNI ("VNI-Times") gives
"Vieät Nam" for "Việt Nam". Old templates keep such a header over a body retyped in Unicode, so a
document is judged span by span (a Word run group, a PDF column segment), never as a whole.

Tables, and where they come from:
- TCVN3: the TCVN 5712:1993 code table, its VN3 set, which the ABC fonts implement: the 67
  lower-case letters and Ă Â Ê Ô Ơ Ư Đ at 0xA1-0xFE (`_TCVN3_CODES`, checked against glibc's
  TCVN5712-1 converter). VN1's toned capitals (in C0, C1 and the gaps of 0xA1-0xFF) and the
  combining tone marks at 0xB0-0xB4 are left out: VN3 fonts have no glyphs there, and ° ² ³ ´ in
  the same places are ordinary symbols of Unicode text. Capitals come from upper-case fonts
  (".VnTimeH"), which draw capitals at the lower-case code points: the bytes alone say "lower
  case", so a span is upper-cased only when its font's name says so (`FontHint.upper`); without
  the name it is decoded in lower case, as the bytes say.
- VNI: VNI Software's published VNI-Windows table (cross-checked with the one of the xvnkb
  keyboard driver): a base letter followed by a modifier code point for the mark ("a" + "ù" = á,
  "e" + "ä" = ệ), single code points for i's tones, ơ, ư, ỵ and đ, and capitals at the
  upper-case code points of both (`_vni_table`).

Detection is statistical, per span (`detect`). A span can only be legacy text when it holds
nothing beyond the Windows-1252 range (as every 8-bit font's text does, and Unicode Vietnamese
seldom does past a word or two) and every letter in it has a code in the encoding (Unicode "Hà"
has an "à" that TCVN3 does not use and that VNI only uses after a vowel). Of the words the
decoding changes, all but one in ten or so must then spell Vietnamese syllables or capital
acronyms ("QĐ"). Without a font hint, at least one of them must also hold a marker: a code point
no Vietnamese Unicode text uses (TCVN3's "µ", "¸", "§"; VNI's "ä", "ø", "ñ"), inside a word rather
than standing alone, as "×" or "© 2023" do. A font whose name is TCVN3's or VNI's (`font_hint`)
waives that last test for its own encoding, so "Sè:" in ".VnTime" is "Số:", while the same
characters in another font stay as they are.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby


class LegacyEncoding(StrEnum):
    """The 8-bit Vietnamese encodings this module reads."""

    TCVN3 = "tcvn3"
    VNI = "vni"


@dataclass(frozen=True)
class FontHint:
    """What a font's name says about the text drawn in it."""

    encoding: LegacyEncoding
    upper: bool = False  # ".VnTimeH" and kin: capitals drawn at the lower-case code points


# --- tables ----------------------------------------------------------------------------------------

# TCVN 5712:1993, VN3: the code points 0xA1-0xFE (written as the Latin-1 characters Word and PDFs show)
# and, position by position, the letters they stand for. The gaps (0xAF, 0xBA, 0xBF-0xC5, …) are VN1's.
_TCVN3_CODES = "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ"
_TCVN3_LETTERS = "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
_TCVN3_DECODE = dict(zip(_TCVN3_CODES, _TCVN3_LETTERS, strict=True))

_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc, huyền, hỏi, ngã, nặng: VNI's keys 1-5
_VNI_TONE = "ùøûõï"  # the five tones after a, e, o, u, y, ơ, ư
_VNI_CIRCUMFLEX = "âáàåãä"  # â ê ô: no tone, then the five tones
_VNI_BREVE = "êéèúüë"  # ă: no tone, then the five tones
_VNI_I = "íìæóò"  # i with the five tones, one code point each


def _compose(*parts: str) -> str:
    return unicodedata.normalize("NFC", "".join(parts))


def _vni_table() -> dict[str, str]:
    """VNI code strings and the letters they stand for, both cases."""
    lower = {"ñ": "đ", "ô": "ơ", "ö": "ư", "î": "ỵ"}
    lower.update({key: _compose("i", tone) for key, tone in zip(_VNI_I, _TONES, strict=True)})
    for base, letter in (*((vowel, vowel) for vowel in "aeouy"), ("ô", "ơ"), ("ö", "ư")):
        lower.update({base + key: _compose(letter, tone) for key, tone in zip(_VNI_TONE, _TONES, strict=True)})
    for vowel in "aeo":
        lower.update(
            {
                vowel + key: _compose(vowel, "\u0302", tone)
                for key, tone in zip(_VNI_CIRCUMFLEX, ("", *_TONES), strict=True)
            }
        )
    lower.update(
        {"a" + key: _compose("a", "\u0306", tone) for key, tone in zip(_VNI_BREVE, ("", *_TONES), strict=True)}
    )
    return lower | {code.upper(): letter.upper() for code, letter in lower.items()}


_VNI_DECODE = _vni_table()
_VIETNAMESE_LETTERS = frozenset(_VNI_DECODE.values()) | frozenset(string.ascii_letters)


def _encoder(table: Mapping[str, str]) -> dict[str, str]:
    """Letter to code; where a letter has two codes (VNI's ỵ: "î" and "yï") the shorter one."""
    return {letter: code for code, letter in sorted(table.items(), key=lambda item: -len(item[0]))}


# --- codecs ----------------------------------------------------------------------------------------

_VNI_BASES = "aeouyôöAEOUYÔÖ"
_VNI_MODIFIERS = "".join(sorted({code[1] for code in _VNI_DECODE if len(code) == 2}))
_VNI_SINGLES = "".join(sorted({code for code in _VNI_DECODE if len(code) == 1} - set(_VNI_BASES)))
_VNI_TOKEN = re.compile(f"[{_VNI_BASES}][{_VNI_MODIFIERS}]?|[{_VNI_SINGLES}]")  # a letter's code string
# A modifier with no vowel before it: Unicode text has them ("Hà", "cá"), VNI text never does.
_VNI_STRAY = re.compile(f"(?<![{_VNI_BASES}])[{_VNI_MODIFIERS}]")


def _decode_vni(text: str) -> str:
    def letter(match: re.Match[str]) -> str:
        code = match[0]
        return _VNI_DECODE.get(code) or "".join(_VNI_DECODE.get(ch, ch) for ch in code)

    return _VNI_TOKEN.sub(letter, text)


_TCVN3_TRANSLATION = str.maketrans(_TCVN3_DECODE)


def _decode_tcvn3(text: str) -> str:
    return text.translate(_TCVN3_TRANSLATION)


@dataclass(frozen=True)
class _Codec:
    decode: Callable[[str], str]
    encode: Mapping[str, str]
    codes: frozenset[str]  # the characters its letters' codes are made of
    markers: frozenset[str]  # of those, the ones Vietnamese Unicode text never holds
    stray: re.Pattern[str] | None = None  # characters that are codes only in some places

    def foreign(self, text: str) -> bool:
        """Whether `text` holds a letter the encoding has no code for (or a code out of place)."""
        if any(ch.isalpha() and not ch.isascii() and ch not in self.codes for ch in text):
            return True
        return self.stray is not None and self.stray.search(text) is not None


_CODECS = {
    LegacyEncoding.TCVN3: _Codec(
        _decode_tcvn3,
        _encoder(_TCVN3_DECODE),
        frozenset(_TCVN3_CODES),
        # Ð is no marker: PDFs write Đ with it (see extractors.text).
        frozenset(_TCVN3_CODES) - _VIETNAMESE_LETTERS - {"Ð"},
    ),
    LegacyEncoding.VNI: _Codec(
        _decode_vni,
        _encoder(_VNI_DECODE),
        frozenset(_VNI_MODIFIERS + _VNI_SINGLES + _VNI_BASES),
        frozenset(_VNI_MODIFIERS + _VNI_SINGLES + _VNI_BASES) - _VIETNAMESE_LETTERS,
        _VNI_STRAY,
    ),
}
_ANY_MARKER = re.compile(
    "[" + re.escape("".join(sorted(_CODECS[LegacyEncoding.TCVN3].markers | _CODECS[LegacyEncoding.VNI].markers))) + "]"
)
# What an 8-bit font's text can hold: Latin-1 and Windows-1252's punctuation in 0x80-0x9F (“ ” – …).
_BEYOND_CP1252 = re.compile("[^\x00-\xff" + re.escape(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")) + "]")


def decode(text: str, encoding: LegacyEncoding, *, upper: bool = False) -> str:
    """`text` read as `encoding` (no questions asked), NFC; `upper` for an upper-case TCVN3 font."""
    decoded = _CODECS[encoding].decode(text)
    return unicodedata.normalize("NFC", decoded.upper() if upper else decoded)


def encode(text: str, encoding: LegacyEncoding) -> str:
    """Unicode `text` as `encoding`'s code points, written as the Latin-1 characters Word shows.

    TCVN3 has no toned capitals: `ValueError` names the first one. Text for an upper-case font
    (".VnTimeH") is encoded from its lower case.
    """
    table = _CODECS[encoding].encode
    codes = []
    for ch in unicodedata.normalize("NFC", text):
        if ch not in table and ch in _VIETNAMESE_LETTERS and not ch.isascii():
            raise ValueError(f"{encoding} has no code for {ch!r}: use an upper-case font and lower-case text")
        codes.append(table.get(ch, ch))
    return "".join(codes)


# --- font names ------------------------------------------------------------------------------------

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")  # "ABCDEF+.VnTimeH": a PDF's embedded subset
_STYLE_SUFFIX = re.compile(r"(?:[-\s]+(?:Bold|Italic|BoldItalic|Oblique|Regular))+$", re.IGNORECASE)
_TCVN3_FAMILY = re.compile(r"\.[Vv][Nn]|Vn[A-Z]")  # ".VnTime", ".VnArial NarrowH", "VnTimeH"


def font_hint(name: str | None) -> FontHint | None:
    """What a font name says: ".VnTime" (TCVN3), ".VnTimeH" (TCVN3, capitals), "VNI-Times" (VNI).

    Takes a Word font name or a PDF /BaseFont ("ABCDEF+.VnTimeH,Bold", "VNI-Times-Bold").
    """
    if not name:
        return None
    family = _STYLE_SUFFIX.sub("", _SUBSET_PREFIX.sub("", name.lstrip("/")).split(",")[0]).strip()
    if family[:3].lower() == "vni":
        return FontHint(LegacyEncoding.VNI)
    if _TCVN3_FAMILY.match(family):
        return FontHint(LegacyEncoding.TCVN3, upper=family.endswith("H"))
    return None


def majority_hint(words: Iterable[str], hints: Mapping[str, FontHint]) -> FontHint | None:
    """The hint most of `words` carry in `hints` (words drawn in a named font), None if none does."""
    votes = Counter(hints[word] for word in words if word in hints)
    return votes.most_common(1)[0][0] if votes else None


# --- detection -------------------------------------------------------------------------------------

_TONE_MARKS = frozenset(_TONES)
_VOWELS = frozenset("aăâeêioôơuưy")
# A Vietnamese syllable without its tone: initial consonant, vowel nucleus (glides included), final.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?:iêu|yêu|uôi|ươi|ươu|uya|uyê|uyu|uây|oai|oao|oay|oeo|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|"
    r"ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê|[aăâeêioôơuưy])"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_LETTERS = re.compile(r"[^\W\d_]+")
_MANY_LETTERS = 3  # a marker opening a word this long counts; "µm" and "ñy" alone do not


def _is_vietnamese_word(word: str) -> bool:
    """A syllable Vietnamese spelling allows (one tone mark at most), or a capital acronym without
    vowels ("QĐ", "HĐND")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    toneless = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    if len(decomposed) - len(toneless) > 1:
        return False
    bare = unicodedata.normalize("NFC", toneless)
    return _SYLLABLE.fullmatch(bare) is not None or (word.isupper() and not _VOWELS & set(bare))


_ACRONYM = 6  # letters: a capital word this short may be an acronym ("UBND", "CCHC", "HĐND")
_LEGIBLE = 0.7  # of the words: past this share of Vietnamese syllables or acronyms a line reads as Vietnamese


def reads_as_vietnamese(text: str) -> bool:
    """Whether most words of `text` spell Vietnamese syllables (or short capital acronyms).

    An OCR text layer made by a phone-scan app can be garbage ("UYTANNHANOAN TINHLAMDONG",
    "Vd viQc cho ph6p"): what it says is no fact about the page. Digits and punctuation are not words.
    """
    words = _LETTERS.findall(text)
    if not words:
        return True
    good = sum(bool(_is_vietnamese_word(word)) or (word.isupper() and len(word) <= _ACRONYM) for word in words)
    return bool(good >= _LEGIBLE * len(words))


def may_be_legacy(text: str) -> bool:
    """Whether `text` holds any TCVN3 or VNI marker: without one (and no font hint) nothing is legacy."""
    return _ANY_MARKER.search(text) is not None


@dataclass(frozen=True)
class _Verdict:
    encoding: LegacyEncoding
    evidence: int  # changed words holding a marker inside them
    valid: int  # changed words that spell Vietnamese


def _verdict(text: str, encoding: LegacyEncoding, hinted: bool) -> _Verdict | None:
    """`text` judged as `encoding`: None unless it reads as Vietnamese (and, unhinted, holds a marker)."""
    codec = _CODECS[encoding]
    if codec.foreign(text):
        return None
    valid = invalid = evidence = 0
    for word in text.split():
        decoded = codec.decode(word)
        if decoded == word:
            continue
        if all(_is_vietnamese_word(run) for run in _LETTERS.findall(decoded) if not run.isascii()):
            valid += 1
            evidence += _has_inner_marker(word, codec)
        else:
            invalid += 1
    if valid == 0 or invalid * 10 > valid or not (hinted or evidence):
        return None
    return _Verdict(encoding, evidence, valid)


def _has_inner_marker(word: str, codec: _Codec) -> bool:
    """A marker after a letter, or opening a word of several letters: a lone "×" or "µm" is a symbol."""
    lettery = [ch.isalpha() or ch in codec.codes for ch in word]
    many = sum(lettery) >= _MANY_LETTERS
    return any(ch in codec.markers and (many or (i > 0 and lettery[i - 1])) for i, ch in enumerate(word))


def detect(text: str, hint: FontHint | None = None) -> LegacyEncoding | None:
    """The legacy encoding `text` is in, or None for Unicode (and for anything in doubt)."""
    if text.isascii() or _BEYOND_CP1252.search(text):
        return None
    if hint is not None and (verdict := _verdict(text, hint.encoding, hinted=True)):
        return verdict.encoding
    if not may_be_legacy(text):
        return None
    verdicts = [v for encoding in LegacyEncoding if (v := _verdict(text, encoding, hinted=False))]
    verdicts.sort(key=lambda v: (v.evidence, v.valid), reverse=True)
    if len(verdicts) > 1 and (verdicts[0].evidence, verdicts[0].valid) == (verdicts[1].evidence, verdicts[1].valid):
        return None  # as much for one as for the other: no evidence either way
    return verdicts[0].encoding if verdicts else None


def to_unicode(text: str, hint: FontHint | None = None) -> str:
    """`text` decoded when `detect` finds it legacy (upper-cased when the hint says so), else unchanged."""
    encoding = detect(text, hint)
    if encoding is None:
        return text
    return decode(text, encoding, upper=hint is not None and hint.upper and hint.encoding is encoding)


def runs_to_unicode(runs: Sequence[tuple[str, FontHint | None]]) -> str:
    """A paragraph's runs (text, font hint) joined in Unicode.

    Runs in a row whose fonts name the same encoding (or none) are one span, judged together:
    a run is often a single letter where the formatting changes. Each run of a legacy span is then
    decoded in its own font's case.
    """
    parts: list[str] = []
    for encoding, group in groupby(runs, key=lambda run: run[1].encoding if run[1] else None):
        parts.extend(_span_to_unicode(list(group), encoding))
    return "".join(parts)


def _span_to_unicode(span: list[tuple[str, FontHint | None]], encoding: LegacyEncoding | None) -> list[str]:
    text = "".join(run_text for run_text, _ in span)
    found = detect(text, FontHint(encoding) if encoding else None)
    if found is None:
        return [text]
    if found is not encoding or not any(hint and hint.upper for _, hint in span):
        return [decode(text, found)]  # whole, so that a VNI letter split across two runs still decodes
    return [decode(run_text, found, upper=bool(hint and hint.upper)) for run_text, hint in span]
