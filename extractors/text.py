"""Text normalisation shared by every extractor and matcher.

PDFs hand out Vietnamese in either Unicode form (NFC or NFD) and write Đ as
U+0110 or as the look-alike U+00D0 (Icelandic Eth); Word adds non-breaking and
zero-width spaces. Everything downstream compares NFC text with one Đ.
"""

from __future__ import annotations

import re
import unicodedata

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

_SPACES = re.compile(r"[ \t\f\v]+")


def normalize(text: str) -> str:
    """NFC, one Đ, plain spaces and hyphens; line breaks are kept."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).translate(_LOOKALIKES))


def squash(text: str) -> str:
    """`normalize` plus runs of blanks folded to one space and the ends trimmed."""
    return _SPACES.sub(" ", normalize(text)).strip()


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
