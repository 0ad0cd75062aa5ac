"""Document types and their abbreviations.

Administrative documents: Decree 30/2020/NĐ-CP, Appendix III. Legal normative documents
(Law on the Promulgation of Legal Documents) carry the year in their number
(`45/2026/NĐ-CP`); a consolidated text (văn bản hợp nhất) is numbered `46/VBHN-BQP` in its
closing authentication block. "CV" (công văn) is this tool's name for the document without a
type name, whose symbol starts with the issuer instead.
"""

from __future__ import annotations

import functools
import unicodedata

from kiemchung.extractors.text import canonical, fold

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
# Types outside Appendix III, as real documents carry them.
OTHER_TYPE_NAMES: dict[str, str] = {
    # Legal normative documents. A law's symbol names only its maker ("45/2019/QH14"), so its code
    # is no abbreviation; newer ordinances do the same ("02/2022/UBTVQH15").
    "Luật": "LUẬT",
    "PL": "PHÁP LỆNH",
    "L": "LỆNH",
    "NĐ": "NGHỊ ĐỊNH",
    "TT": "THÔNG TƯ",
    "TTLT": "THÔNG TƯ LIÊN TỊCH",
    "NQLT": "NGHỊ QUYẾT LIÊN TỊCH",
    "VBHN": "VĂN BẢN HỢP NHẤT",  # a consolidated text: numbered in its closing authentication block
    # Outside both tables, common in provincial offices: the cover note of a file sent up for signing.
    "PT": "PHIẾU TRÌNH",
}
KNOWN_TYPE_NAMES: dict[str, str] = TYPE_NAMES | OTHER_TYPE_NAMES
# Types whose symbol may name only the body that passed them, without the type's abbreviation.
SYMBOL_WITHOUT_TYPE = frozenset({"Luật", "PL"})
CONG_VAN = "CV"

_BY_FOLDED_NAME = {fold(name): code for code, name in KNOWN_TYPE_NAMES.items()}
# Longest names first so "BẢN THỎA THUẬN" wins over a shorter prefix.
_NAMES_LONGEST_FIRST = sorted(_BY_FOLDED_NAME, key=len, reverse=True)


def type_for_abbreviation(abbreviation: str) -> str | None:
    """The type code for a symbol's first part, or None when it is not one."""
    return abbreviation if abbreviation in KNOWN_TYPE_NAMES else None


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
            line, KNOWN_TYPE_NAMES[_BY_FOLDED_NAME[name]]
        ):
            return _BY_FOLDED_NAME[name]
    return None


@functools.lru_cache(maxsize=4096)
def type_for_name(line: str) -> str | None:
    """The code of a line that is a type name and nothing else ("NGHỊ ĐỊNH", "THÔNG TƯ LIÊN TỊCH").

    Decree 30 sets the type name on a line of its own under the header; a capital subject line
    that merely starts with a type's words ("QUY ĐỊNH QUẢN LÝ …") is not one.
    """
    code = type_for_title(line)
    return code if code is not None and fold(line) == fold(KNOWN_TYPE_NAMES[code]) else None


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
    return sorted(ch for ch in unicodedata.normalize("NFD", canonical(word).lower()) if unicodedata.combining(ch))
