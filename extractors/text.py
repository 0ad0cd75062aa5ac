"""Text normalisation shared by every extractor and matcher.

PDFs hand out Vietnamese in either Unicode form (NFC or NFD) and write Đ as
U+0110 or as the look-alike U+00D0 (Icelandic Eth); Word adds non-breaking and
zero-width spaces. Everything downstream compares NFC text with one Đ.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LOOKALIKES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð (Eth) used for Đ by some fonts
        "\u00f0": "\u0111",  # ð for đ
        "\u00a0": " ",  # no-break space
        "\u2007": " ",
        "\u202f": " ",
        "\u200b": None,  # zero-width space
        "\ufeff": None,  # byte-order mark
        "\u00ad": None,  # soft hyphen
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
    }
)

_LOOKALIKE = re.compile("[" + "".join(map(chr, _LOOKALIKES)) + "]")
_SPACES = re.compile(r"[ \t\f\v]+")


def normalize(text: str) -> str:
    """NFC, one Đ, plain spaces and hyphens; line breaks are kept."""
    # Called on every line many times over: the checks are C-fast, the conversions are not.
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return unicodedata.normalize("NFC", text.translate(_LOOKALIKES)) if _LOOKALIKE.search(text) else text


# Where the tone mark sits in "oa", "oe" and "uy" ending a syllable: the older spelling puts it on
# the second vowel (hoà, khoẻ, thuỷ, uỷ), the newer on the first (hòa, khỏe, thủy, ủy). Both are
# the same word; comparisons use the newer, which Decree 30's own templates and most texts use.
# "qu" is a consonant ("quý" keeps its mark on y); a following letter means the syllable goes on
# ("hoàn", "thuyết" keep theirs).
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_OLD_TONE_PLACEMENT = re.compile(
    rf"(?<![qQ])(?P<first>[oO](?=[aAeE])|[uU](?=[yY]))(?P<second>[aAeEyY])"
    rf"(?P<tone>[{_TONES}])(?![\w{_TONES}\u0302\u0306\u031b])"
)

# What the old placement looks like in NFC text ("oà", "uỷ"): without one, there is nothing to move.
_OLD_TONE_CANDIDATE = re.compile(
    "[oOuU][" + "".join(unicodedata.normalize("NFC", vowel + tone) for vowel in "aAeEyY" for tone in _TONES) + "]"
)


# The header parser looks at each line many times over, in each of its passes: the spellings of the
# lines of a few documents are kept rather than made again (a third of its time on Word files).
@lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """`normalize` plus runs of blanks folded to one space and the ends trimmed."""
    return _SPACES.sub(" ", normalize(text)).strip()


def unify_tones(text: str) -> str:
    """`normalize`, with the tone of "oa", "oe", "uy" on the first vowel ("CỘNG HOÀ" -> "CỘNG HÒA").

    The length of NFC text is kept, so offsets found in one spelling hold in the other.
    """
    text = normalize(text)
    if not _OLD_TONE_CANDIDATE.search(text):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_TONE_PLACEMENT.sub(
        lambda m: f"{m['first']}{m['tone']}{m['second']}", decomposed
    )
    return unicodedata.normalize("NFC", moved)


@lru_cache(maxsize=8192)
def canonical(text: str) -> str:
    """The one spelling texts are compared in: `squash` and `unify_tones`, case kept.

    NFC or NFD, Đ or its look-alike Ð, "hoà" or "hòa", any run of blanks: the same words give the
    same string. Lower-case it (`str.casefold`) for a comparison that ignores case too.
    """
    return unify_tones(squash(text))


def strip_marks(text: str) -> str:
    """The same text without diacritics, spacing and case kept ("Ủy ban " -> "Uy ban ")."""
    decomposed = unicodedata.normalize("NFD", normalize(text).replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower case without diacritics, blanks folded, for fuzzy comparison ("Ủy  ban" -> "uy ban")."""
    return strip_marks(squash(text)).lower()


# Abbreviations administrative writing uses for the same words, spelled out after folding.
_ABBREVIATIONS = (
    (re.compile(r"\bubnd\b"), "uy ban nhan dan"),
    (re.compile(r"\bhdnd\b"), "hoi dong nhan dan"),
    (re.compile(r"\bcchc\b"), "cai cach hanh chinh"),
    (re.compile(r"\btthc\b"), "thu tuc hanh chinh"),
    (re.compile(r"\bqppl\b"), "quy pham phap luat"),
    (re.compile(r"\bcbcc\b"), "can bo cong chuc"),
    (re.compile(r"\bktxh\b"), "kinh te xa hoi"),
    (re.compile(r"\btp\b"), "thanh pho"),
    (re.compile(r"\btt\b"), "thi tran"),
)


def fold_spelled_out(text: str) -> str:
    """`fold`, then the field's abbreviations spelled out ("UBND xã" -> "uy ban nhan dan xa")."""
    folded = fold(text)
    for pattern, words in _ABBREVIATIONS:
        folded = pattern.sub(words, folded)
    return folded
