"""Administrative document types and their abbreviations (Decree 30/2020/NĐ-CP, Appendix III).

The table is the decree's; "CV" (công văn) is this tool's name for the document
without a type name, whose symbol starts with the issuer instead.
"""

from __future__ import annotations

import functools
import unicodedata

from extractors.text import fold

# abbreviation -> printed type name (upper case, as on the document)
TYPE_NAMES: dict[str, str] = {
    "NQ": "NGHỊ QUYẾT",
    "QĐ": "QUYẾT ĐỊNH",
    "CT": "CHỈ THỊ",
    "QC": "QUY CHẾ",
    "QyĐ": "QUY ĐỊNH",
    "TC": "THÔNG CÁO",
    "TB": "THÔNG BÁO",
    "HD": "HƯỚNG DẪN",
    "CTr": "CHƯƠNG TRÌNH",
    "KH": "KẾ HOẠCH",
    "PA": "PHƯƠNG ÁN",
    "ĐA": "ĐỀ ÁN",
    "DA": "DỰ ÁN",
    "BC": "BÁO CÁO",
    "BB": "BIÊN BẢN",
    "TTr": "TỜ TRÌNH",
    "HĐ": "HỢP ĐỒNG",
    "CĐ": "CÔNG ĐIỆN",
    "BGN": "BẢN GHI NHỚ",
    "BTT": "BẢN THỎA THUẬN",
    "GUQ": "GIẤY ỦY QUYỀN",
    "GM": "GIẤY MỜI",
    "GGT": "GIẤY GIỚI THIỆU",
    "GNP": "GIẤY NGHỈ PHÉP",
    "PG": "PHIẾU GỬI",
    "PC": "PHIẾU CHUYỂN",
    "PB": "PHIẾU BÁO",
    "SY": "BẢN SAO Y",
    "TrS": "BẢN TRÍCH SAO",
    "SL": "BẢN SAO LỤC",
}
CONG_VAN = "CV"

_BY_FOLDED_NAME = {fold(name): code for code, name in TYPE_NAMES.items()}
# Longest names first so "BẢN THỎA THUẬN" wins over a shorter prefix.
_NAMES_LONGEST_FIRST = sorted(_BY_FOLDED_NAME, key=len, reverse=True)


def type_for_abbreviation(abbreviation: str) -> str | None:
    """The Appendix III code for a symbol's first part, or None when it is not one."""
    return abbreviation if abbreviation in TYPE_NAMES else None


@functools.lru_cache(maxsize=4096)  # header lines, OCR lines and the rules ask again for the same few titles
def type_for_title(line: str) -> str | None:
    """The code of a type-name line ("KẾ HOẠCH", "Thông báo kết luận …"), if the line is one.

    Only an all-capitals line counts: body text mentioning "kế hoạch" is not a title.
    """
    letters = [ch for ch in line if ch.isalpha()]
    if not letters or any(ch.islower() for ch in letters):
        return None
    folded = fold(line)
    for name in _NAMES_LONGEST_FIRST:
        if (folded == name or folded.startswith(name + " ")) and not _marks_differ(
            line, TYPE_NAMES[_BY_FOLDED_NAME[name]]
        ):
            return _BY_FOLDED_NAME[name]
    return None


def _marks_differ(line: str, type_name: str) -> bool:
    """Whether a word of the line carries other diacritics than the type name's word in its place.

    Folding forgives words that lost their marks (OCR, a font without Vietnamese letters) but not
    other marks: "PHƯỜNG AN PHÚ" is a ward, not "PHƯƠNG ÁN". Only which marks a word has counts,
    not where the tone sits ("THỎA" and "THOẢ" are one word).
    """
    for word, expected in zip(line.split(), type_name.split(), strict=False):
        marks = _marks(word)
        if marks and marks != _marks(expected):
            return True
    return False


def _marks(word: str) -> list[str]:
    return sorted(ch for ch in unicodedata.normalize("NFD", word.lower()) if unicodedata.combining(ch))
