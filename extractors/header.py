"""Find the Decree 30 header and signature block in a document's lines.

Works on `TextLine`s from any extractor (PDF layout text, Word tables, signature
appearances). It never relies on the order in which the two header columns come
out: the number, the date and the type name are found by their own shape, and
the issuer is "the capital lines above the number that are not the national motto".
The document's own number and date are the ones in the header zone (above the type name and
before the body starts), never a number or date cited in a sentence of the body; a consolidated
text (VBHN) carries them in its closing authentication block instead.

Real pages add what is not the header: a receiving office's "CÔNG VĂN ĐẾN / Số … Ngày …" stamp
over it, a signed copy's "SAO Y; <body>; <date>" line. Those never give the issuer, number or
date. Text is compared in one spelling (`extractors.text.canonical`: "CỘNG HOÀ" is "CỘNG HÒA").
Layout text splits a row into many segments ("Số:" | "545 /HD-BTV"); neighbouring segments of one
column are read as one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from kiemchung.extractors.doctypes import CONG_VAN, type_for_abbreviation, type_for_name, type_for_title
from kiemchung.extractors.models import Column, DocumentHeader, IssueDate, Located, TextLine, Where
from kiemchung.extractors.text import canonical, squash, unify_tones

# "Số: 11/KH-UBND", "Số:11/KH-UBND", "Số 11/KH-UBND", "Số: 30/2018/QĐ-UBND", "Số:    /KH-UBND",
# "Luật số: 45/2019/QH14", an office's internal "Số: 09-01/26/PT-PNC" (the year in two digits);
# the Party's and mass organisations' "Số 156-CV/TĐTN": the type after a dash.
NUMBER_LINE = re.compile(
    r"(?:^|(?<=\s))(?:(?:Luật|Pháp lệnh|Lệnh)\s+số|Số)\s*[:.]?\s*(?P<number>[^/\n]{0,14}?)"
    r"(?:\s*-\s*(?P<party_type>[A-ZĐ][A-Za-zĐ]{1,5}))?\s*/\s*"
    r"(?:(?P<year>(?:19|20)?\d\d)\s*/\s*(?=[^\W\d_]))?(?P<symbol>[^\s/,;]+(?:/[^\s/,;]+)*)"
)
# An appendix issued with its document carries the document's number: "(Ban hành kèm theo Quyết định
# số 1187/QĐ-BNV ngày 15 tháng 10 năm 2025 của Bộ Nội vụ)"; the clerk stamps its blanks as the document's.
_KEM_THEO = r"[Kk]èm\s+theo\s+(?:\S+\s+){1,4}?số"
APPENDIX_OF = re.compile(
    _KEM_THEO + r"\s*(?P<number>[^/\s]{0,14}?)\s*/\s*(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?(?P<symbol>[^\s/,;)]+)"
)
# The same words up to "số", where the parent's number is stamped over a blank and the text breaks the line.
_ATTACHED_TO = re.compile(_KEM_THEO + r"\b")
# The signing service's issuance stamp states the number and when it was stamped, which is the issue date:
# "Số: 2061/QĐ-UBND  Thời gian ký: 2026-05-13T14:41:57+07:00", "Số: 2775/SNV-CCHC&VTLT; 10/11/2025; 11:00:27;".
_ISSUED_AT = (
    re.compile(r"Thời\s*gian\s*ký\s*:?\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"Thời\s*gian\s*ký\s*:?\s*(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})"),
    re.compile(r";\s*(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\s*;"),
)


class _Needing:
    """A pattern searched only in text that holds the words it cannot match without.

    The dates' optional place before "ngày" makes Python's regex engine try up to 60 characters at every
    position of a line (30 µs a Word paragraph, the most of reading a .docx's header); `in` rules out a
    line without those words at once, with the same answer.
    """

    def __init__(self, words: tuple[str, ...], pattern: re.Pattern[str]) -> None:
        self.words = words
        self.pattern = pattern

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if all(word in text for word in self.words) else None


# "Cao An, ngày 30 tháng 01 năm 2023"; every part may be blank in a draft.
DATE_WORDS = _Needing(("gày", "tháng", "năm"), re.compile(
    r"(?:(?P<place>[^,\n]{2,60}?)\s*,\s*)?[Nn]gày\s*(?P<day>[\d.…_ ]*?)\s*tháng\s*(?P<month>[\d.…_ ]*?)"
    r"\s*năm\s*(?P<year>\d{4}|[.…_ ]*)"
))
# "Hà Nội, ngày 30/01/2023"
DATE_NUMERIC = _Needing(("gày",), re.compile(
    r"(?:(?P<place>[^,\n]{2,60}?)\s*,\s*)?[Nn]gày\s*(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})"
    r"\s*[/.-]\s*(?P<year>\d{4})"
))
_BODY_START = re.compile(
    r"^(Căn cứ|Thực hiện|Kính gửi|Theo đề nghị|Xét đề nghị|Hôm nay|Vào hồi|Thời gian|I\.|1\.)", re.IGNORECASE
)
# The national motto, in `canonical` spelling; the Party's and the Youth Union's stand in its place.
_MOTTO = (
    re.compile(r"CỘNG\s*HÒA\s*XÃ\s*HỘI\s*CHỦ\s*NGHĨA(?:\s*VIỆT\s*NAM)?", re.IGNORECASE),
    re.compile(r"Độc\s*lập\s*-?\s*Tự\s*do\s*-?\s*Hạnh\s*phúc", re.IGNORECASE),
    re.compile(r"ĐẢNG\s*CỘNG\s*SẢN\s*VIỆT\s*NAM"),
    re.compile(r"ĐOÀN\s*(?:TNCS|THANH\s*NIÊN\s*CỘNG\s*SẢN)\s*HỒ\s*CHÍ\s*MINH"),
)
# What a receiving office stamps over the header ("CÔNG VĂN ĐẾN", "ĐẾN Số: 4707 Ngày 13/03/2025",
# "Số đến", "CỔNG TTĐT ĐẾN"), and the text of a signed digitised copy's stamp ("SAO Y; <body>; …").
_INCOMING = re.compile(r"^(?:\S+\s+){0,3}ĐẾN\b(?!\s+(?:NĂM|NGÀY)\b)")  # capitals only: "liên quan đến" is text
_INCOMING_WORDS = re.compile(r"\b(?:Số|Ngày|Giờ)\s+đến\b|^Chuyển\s*:|^Lưu\s+hồ\s+sơ\s+số", re.IGNORECASE)
_INCOMING_FIELD = re.compile(r"^(?:Số|Ngày|Giờ|Chuyển|Lưu)\b|^[\d\s/.:…_-]+$", re.IGNORECASE)
_COPY_STAMP = re.compile(r"^(?:SAO\s*Y|TRÍCH\s*SAO|SAO\s*LỤC)\s*;", re.IGNORECASE)
_STAMP_ROWS = 3  # a stamp's fields sit on the rows just under its "ĐẾN" line
# The closing block of a consolidated text, which holds its number and date.
_CONSOLIDATION = re.compile(r"XÁC\s*THỰC\s*VĂN\s*BẢN\s*HỢP\s*NHẤT", re.IGNORECASE)
_CONSOLIDATION_ROWS = 12
_RULE_LINE = re.compile(r"^[\s\-_=*.·•—]+$")
_SUBJECT_PREFIX = re.compile(r"^V/v\b\.?\s*", re.IGNORECASE)
# The authority line of a signature block ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH") or the title under it.
_ROLE_WORDS = re.compile(
    r"\b(TM|KT|TL|TUQ|Q|T/M|K/T)\.|CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|BÍ THƯ|CHÁNH|THỦ TRƯỞNG|THƯ KÝ|CHỦ TRÌ|"
    r"CHỦ NHIỆM|CÔNG CHỨC|NGƯỜI LẬP|NGƯỜI KÝ|ỦY VIÊN|PHÓ|THỦ TƯỚNG|TỔNG|CỤC TRƯỞNG|CHÁNH VĂN PHÒNG"
)
_NOT_A_NAME = re.compile(r"đã ký|ký tên|ghi rõ|đóng dấu|nơi nhận|lưu:", re.IGNORECASE)
# Academic and military or police titles written before a signer's name; the name is what follows.
_NAME_TITLES = re.compile(
    r"^(?:(?:GS|PGS|TS|TSKH|ThS|Ths|BS|BSCKII|BSCKI|DS|KS|CN|LS|NCS)\s*\.\s*)+|"
    r"^(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy|uý)\s+"
)
# Where an appendix begins: what follows belongs to it, not to the document's signature block.
# "PHỤ LỤC …", "(Ban hành kèm theo Quyết định số …)"; "(Kèm theo dự thảo …)" in the text is no appendix.
_APPENDIX = re.compile(
    r"^(?:PHỤ\s*LỤC\b|(?:\(\s*(?:Ban\s+hành\s+)?[Kk]|Ban\s+hành\s+k|K)èm\s+theo\s+(?:\S+\s+){1,4}số\b)"
)
_HEADER_LINES = 30  # the header never runs deeper than this on page 1
_SUBJECT_LINES = 4
_CUT_SYLLABLE = re.compile(r"(?<=[^\W\d_]) +(?=[^\W\d_])")
_SENTENCE = 7  # words: a line this long that is no name is running text, not a signature block's
_NAME_ROWS = 12  # rows between a signature block's last title line and the name (the signature's room)


@dataclass(frozen=True)
class _Match:
    line: TextLine
    match: re.Match[str]


def parse_header(lines: Sequence[TextLine], appearances: Sequence[TextLine] = ()) -> DocumentHeader:
    """Read the header fields from a document's lines and its signature appearances.

    `appearances` are the lines of visible signature stamps: where the body leaves
    the number or date blank, a number or date stamped there is the document's own.
    """
    first_page, zone = _first_page(lines)
    number_hit = _own_number(zone) or _first(APPENDIX_OF, zone)
    closing = _consolidation_block(lines)
    if closing is not None and (number_hit is None or _is_blank_number(number_hit.match.group("number"))):
        number_hit = _first(NUMBER_LINE, closing) or number_hit
    type_line = _type_line(zone, number_hit)
    number, symbol, number_year = _number_fields(number_hit, appearances)
    date, place = _date_fields(zone, appearances, closing)
    type_name = _located(type_line, squash(type_line.text)) if type_line else None
    return DocumentHeader(
        issuer=_issuer(zone, number_hit if number_hit is not None and number_hit.line in zone else None),
        number=number,
        symbol=symbol,
        number_year=number_year,
        type_name=type_name,
        doc_type=_doc_type(symbol, type_name, zone),
        place=place,
        date=date,
        subject=_subject(first_page, zone, type_line),
        **_signer(lines, zone),
    )


def is_attachment(lines: Sequence[TextLine]) -> bool:
    """Whether the first page is headed as an attachment to another document ("Phụ lục 2 … (Kèm theo Công
    văn số 12094/BNV-CCHC …)"): no number of its own, the parent's named instead. An attachment has no
    signature block of its own: the parent document is signed."""
    zone = _first_page(lines)[1]
    return _own_number(zone) is None and _first(_ATTACHED_TO, zone) is not None


def _first_page(lines: Sequence[TextLine]) -> tuple[list[TextLine], list[TextLine]]:
    """The first page's lines without stamps and motto, and its header zone."""
    # The lowest page number once, not once per line: a long Word document has 10⁵ lines.
    top_page = min((ln.page for ln in lines), default=1)
    first_page = _joined(_without_motto(_without_stamps([line for line in lines if line.page == top_page])))
    return first_page, _header_zone(first_page)


def _own_number(zone: Sequence[TextLine]) -> _Match | None:
    return _first(NUMBER_LINE, zone) or _first(NUMBER_LINE, _rows(zone))


def has_signature_block(lines: Sequence[TextLine]) -> bool:
    """Whether `lines` already hold a signature block: a reader can stop adding pages."""
    top_page = min((ln.page for ln in lines), default=1)
    zone = _header_zone(_joined([line for line in lines if line.page == top_page]))
    return _signer(lines, zone)["signer_name"] is not None


def is_copy_stamp(text: str) -> bool:
    """A signed digitised copy's stamp line: "SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 06/01/2026; 16:42:26; +07:00"."""
    return bool(_COPY_STAMP.match(canonical(text)))


def _without_stamps(page: Sequence[TextLine]) -> list[TextLine]:
    """Page lines without a receiving office's stamp or a signed copy's stamp line.

    An incoming stamp is a small box: the receiving body's name, a line with "ĐẾN", and the number
    and date it was received under, on the next rows of the same column.
    """
    dropped: set[int] = set()
    for index, line in enumerate(page):
        text = canonical(line.text)
        if is_copy_stamp(text):
            dropped.add(index)
            continue
        if not (_INCOMING.match(text) or _INCOMING_WORDS.search(text)):
            continue
        dropped.add(index)
        above = [i for i, other in enumerate(page) if other.column is line.column and 0 < line.row - other.row <= 2]
        if above and _INCOMING.match(text):  # the receiving body's name: the nearest line above (OCR may skip a row)
            nearest = max(above, key=lambda i: page[i].row)
            if _is_capitals(page[nearest].text):
                dropped.add(nearest)
        for other_index, other in enumerate(page):
            if other.column is not line.column or other_index in dropped:
                continue
            field = _INCOMING_FIELD.match(canonical(other.text)) and not NUMBER_LINE.search(squash(other.text))
            if 0 < other.row - line.row <= _STAMP_ROWS and field:
                dropped.add(other_index)
    return [line for index, line in enumerate(page) if index not in dropped]


def _without_motto(page: Sequence[TextLine]) -> list[TextLine]:
    """Page lines with the motto taken out, wherever layout text cut it ("CỘNG HOÀ" | "XÃ HỘI CHỦ NGHĨA")."""
    by_row: dict[int, list[TextLine]] = {}
    for line in page:
        by_row.setdefault(line.row, []).append(line)
    kept: list[TextLine] = []
    for line in page:
        row = by_row[line.row]
        if row[0] is not line:
            continue
        kept.extend(_row_without_motto(row))
    return kept


def _row_without_motto(row: list[TextLine]) -> list[TextLine]:
    texts = [squash(line.text) for line in row]
    joined = " ".join(texts)
    covered = [False] * len(joined)
    unified = unify_tones(joined)  # keeps the length: offsets found in it hold in `joined`
    for motto in _MOTTO:
        for match in motto.finditer(unified):
            covered[match.start() : match.end()] = [True] * (match.end() - match.start())
    if not any(covered):
        return row
    kept: list[TextLine] = []
    start = 0
    for line, text in zip(row, texts, strict=True):
        rest = squash("".join(ch if not covered[start + i] else " " for i, ch in enumerate(text)))
        start += len(text) + 1
        if rest.strip(" -"):
            kept.append(line if rest == text else replace(line, text=rest))
    return kept


def _joined(page: Sequence[TextLine]) -> list[TextLine]:
    """Neighbouring segments of one row and column as one line ("Số:" + "545 /HD-BTV")."""
    joined: list[TextLine] = []
    for line in page:
        last = joined[-1] if joined else None
        if last is not None and last.row == line.row and last.page == line.page and last.column is line.column:
            joined[-1] = replace(last, text=f"{squash(last.text)} {squash(line.text)}")
        else:
            joined.append(line)
    return joined


def _rows(lines: Sequence[TextLine]) -> list[TextLine]:
    """Each row's segments as one line, for a field the layout split across columns ("ngày" | "23 tháng 3")."""
    rows: list[TextLine] = []
    for line in lines:
        last = rows[-1] if rows else None
        if last is not None and last.row == line.row and last.page == line.page:
            rows[-1] = replace(last, text=f"{squash(last.text)} {squash(line.text)}")
        else:
            rows.append(line)
    return rows


def _header_zone(page: Sequence[TextLine]) -> list[TextLine]:
    """Lines of page 1 above the body: up to the first body line, at most `_HEADER_LINES` rows."""
    zone: list[TextLine] = []
    title_seen = False
    for line in page:
        if line.row >= _HEADER_LINES:
            break
        text = squash(line.text)
        if _BODY_START.match(text) and (title_seen or line.column is not Column.RIGHT):
            break
        title_seen = title_seen or type_for_title(text) is not None
        zone.append(line)
    return zone


def _consolidation_block(lines: Sequence[TextLine]) -> list[TextLine] | None:
    """The lines of a consolidated text's closing "XÁC THỰC VĂN BẢN HỢP NHẤT" block, if it has one."""
    for index in range(len(lines) - 1, -1, -1):
        anchor = lines[index]
        if _CONSOLIDATION.search(canonical(anchor.text)):
            after = [ln for ln in lines[index + 1 :]
                     if ln.page == anchor.page and ln.row - anchor.row <= _CONSOLIDATION_ROWS]
            return _joined(after)
    return None


def _type_line(zone: Sequence[TextLine], number_hit: _Match | None) -> TextLine | None:
    """The type name's own line under the header; else the first capital line under the number.

    Only that title line names the type: a capital subject line further down that starts with
    a type's words ("QUY ĐỊNH QUẢN LÝ …" under "NGHỊ ĐỊNH") does not.
    """
    exact = next((ln for ln in zone if type_for_name(squash(ln.text))), None)
    if exact is not None:
        return exact
    below = [ln for ln in zone if (number_hit is None or ln.row > number_hit.line.row) and not _find_date([ln])]
    title = below[0] if below else None
    return title if title is not None and _is_capitals(title.text) and type_for_title(squash(title.text)) else None


def _first(pattern: re.Pattern[str] | _Needing, lines: Iterable[TextLine]) -> _Match | None:
    for line in lines:
        match = pattern.search(squash(line.text))
        if match:
            return _Match(line, match)
    return None


def _where(line: TextLine) -> Where:
    return Where(line.source, line.page, line.field_name)


def _located(line: TextLine, value: str, raw: str | None = None) -> Located[str]:
    return Located(value, squash(raw if raw is not None else line.text), _where(line))


def _is_blank_number(text: str) -> bool:
    return not text.strip(" .…_-")


def _number_fields(
    hit: _Match | None, appearances: Sequence[TextLine]
) -> tuple[Located[str] | None, Located[str] | None, Located[str] | None]:
    stamped = _first(NUMBER_LINE, appearances) or _first(APPENDIX_OF, appearances)
    if hit is None and stamped is None:
        return None, None, None
    body_number = "" if hit is None else hit.match.group("number")
    use = stamped if stamped is not None and _is_blank_number(body_number) else hit
    assert use is not None
    number = use.match.group("number").strip()
    number_value = "" if _is_blank_number(number) else number
    number_field = _located(use.line, number_value, use.match.group(0))
    symbol_hit = hit if hit is not None else use
    symbol_text = symbol_hit.match.groupdict().get("symbol")
    party_type = symbol_hit.match.groupdict().get("party_type")
    if symbol_text and party_type:  # "Số 156-CV/TĐTN": the symbol is "CV/TĐTN"
        symbol_text = f"{party_type}/{symbol_text}"
    symbol = _located(symbol_hit.line, symbol_text.strip("."), symbol_hit.match.group(0)) if symbol_text else None
    year = symbol_hit.match.groupdict().get("year")
    return number_field, symbol, (_located(symbol_hit.line, year) if year else None)


def _parse_date(match: re.Match[str]) -> IssueDate:
    def part(name: str) -> int | None:
        digits = re.sub(r"\D", "", match.group(name) or "")
        return int(digits) if digits else None

    return IssueDate(part("day"), part("month"), part("year"))


def _find_date(lines: Sequence[TextLine]) -> _Match | None:
    return _first(DATE_WORDS, lines) or _first(DATE_NUMERIC, lines)


# Words of a sentence: a date after them is cited ("Thông tư số 86/2016/TT-BTC ngày 20 tháng 6 năm 2016").
_SENTENCE_WORDS = re.compile(r"\b(?:số|của|theo|tại|về|và|căn cứ|thực hiện|kèm)\b|[/\d;]", re.IGNORECASE)


def _header_date(lines: Sequence[TextLine]) -> _Match | None:
    """The first place-and-date of the header's shape: only a place name, a number line or the motto before it."""
    for line in lines:
        text = squash(line.text)
        for pattern in (DATE_WORDS, DATE_NUMERIC):
            match = pattern.search(text)
            if match is None:
                continue
            before = text[: match.start()] + " " + (match.group("place") or "")
            before = NUMBER_LINE.sub(" ", before)
            for motto in _MOTTO:
                before = motto.sub(" ", unify_tones(before))
            if not _SENTENCE_WORDS.search(before) and len(before.split()) <= 8:
                return _Match(line, match)
    return None


def _date_fields(
    zone: Sequence[TextLine], appearances: Sequence[TextLine], closing: Sequence[TextLine] | None = None
) -> tuple[Located[IssueDate] | None, Located[str] | None]:
    hit = _header_date(zone) or _header_date(_rows(zone))
    if closing is not None and (hit is None or _parse_date(hit.match).as_date() is None):
        hit = _header_date(closing) or hit
    stamped = _find_date(appearances) or _issued_at(appearances)
    use = hit
    if stamped is not None and (hit is None or _parse_date(hit.match).as_date() is None):
        use = stamped
    if use is None:
        return None, None
    date = Located(_parse_date(use.match), use.match.group(0).strip(), _where(use.line))
    place_hit = hit if hit is not None and hit.match.group("place") else use
    place_text = _clean_place(place_hit.match.groupdict().get("place") or "")
    place = _located(place_hit.line, place_text) if place_text else None
    return date, place


def _issued_at(appearances: Sequence[TextLine]) -> _Match | None:
    """The signing time of a stamp that also states the document's number: the issuance stamp.

    A signing time alone ("Ký bởi … Thời gian ký …" under a person's signature) is no issue date.
    """
    issuing = {line.field_name for line in appearances if NUMBER_LINE.search(squash(line.text))}
    for pattern in _ISSUED_AT:
        found = _first(pattern, (line for line in appearances if line.field_name in issuing))
        if found is not None:
            return found
    return None


def _clean_place(text: str) -> str:
    """The place name before ", ngày": drop a number interleaved in front of it."""
    text = NUMBER_LINE.sub("", squash(text))
    for motto in _MOTTO:
        text = motto.sub("", text)
    words = text.strip(" -").split()
    return " ".join(words[-6:])


def _strip_motto(text: str) -> str:
    for motto in _MOTTO:
        text = motto.sub(" ", text)
    return squash(text)


def _is_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and not any(ch.islower() for ch in letters)


def _issuer(zone: Sequence[TextLine], number_hit: _Match | None) -> Located[str] | None:
    """Capital lines above the number line, left column first, motto and rules removed."""
    if number_hit is None:
        above = [ln for ln in zone if not type_for_title(ln.text)]
        above = above[: next((i for i, ln in enumerate(above) if _find_date([ln])), len(above))]
    else:
        above = [ln for ln in zone if ln.row < number_hit.line.row]
        if number_hit.line.column is Column.LEFT:
            above = [ln for ln in above if ln.column is not Column.RIGHT]
    parts: list[str] = []
    raws: list[str] = []
    first: TextLine | None = None
    for line in above:
        text = _strip_motto(line.text)
        if not text or _RULE_LINE.match(text) or _find_date([line]) or not _is_capitals(text):
            continue
        first = first or line
        parts.append(text)
        raws.append(squash(line.text))
    if first is None:
        return None
    return Located(" ".join(parts), "\n".join(raws), _where(first))


def _doc_type(
    symbol: Located[str] | None, type_name: Located[str] | None, zone: Sequence[TextLine]
) -> Located[str] | None:
    if symbol is not None:
        code = type_for_abbreviation(symbol.value.split("-")[0])
        if code:
            return Located(code, symbol.raw, symbol.where)
    if type_name is not None:
        code = type_for_title(type_name.value)
        if code:
            return Located(code, type_name.raw, type_name.where)
    if symbol is not None and (type_name is None or any(_SUBJECT_PREFIX.match(squash(ln.text)) for ln in zone)):
        return Located(CONG_VAN, symbol.raw, symbol.where)
    return None


def _subject(page: Sequence[TextLine], zone: Sequence[TextLine], type_line: TextLine | None) -> Located[str] | None:
    """The title under the type name, or the "V/v …" lines under the number of a công văn.

    The title runs on consecutive rows; a gap, a rule or the first body line ends it.
    """
    vv = next((ln for ln in zone if _SUBJECT_PREFIX.match(squash(ln.text))), None)
    start = type_line if type_line is not None else vv
    if start is None:
        return None
    parts = [] if type_line is not None else [_SUBJECT_PREFIX.sub("", squash(start.text))]
    previous_row = start.row
    for line in page:
        if line.row <= start.row or (vv is not None and type_line is None and line.column is not vv.column):
            continue
        text = squash(line.text)
        if line.row > previous_row + 1 or len(parts) >= _SUBJECT_LINES:
            break
        # The first title line may well start like a body line ("Thực hiện nhiệm vụ…").
        starts_body = bool(_BODY_START.match(text)) and bool(parts)
        if not text or _RULE_LINE.match(text) or starts_body or _find_date([line]):
            break
        parts.append(text)
        previous_row = line.row
    subject = " ".join(p for p in parts if p)
    return Located(subject, subject, _where(start)) if subject else None


def _is_name(text: str) -> bool:
    words = text.split()
    return (
        2 <= len(words) <= 6
        and not _NOT_A_NAME.search(text)
        and all(w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words if w.isalpha())
        and all(w.isalpha() for w in words)
    )


def _name(text: str) -> str | None:
    """The signer's name in a line, titles before it dropped ("GS.TS. Nguyễn Văn A" -> "Nguyễn Văn A").

    Layout text may cut a name inside a syllable ("Trần H" | "ữu Tu ấn"): every syllable of a
    Vietnamese name starts with a capital, so a piece starting in lower case continues the last.
    """
    text = _NAME_TITLES.sub("", squash(text))
    text = _CUT_SYLLABLE.sub(lambda m: "" if m.string[m.end()].islower() else " ", text)
    return text if _is_name(text) else None


def _signer(lines: Sequence[TextLine], zone: Sequence[TextLine]) -> dict[str, Located[str] | None]:
    """Role and name from the signature block: its title lines, then a name within `_NAME_ROWS` rows.

    The block is the first one after the header and before any appendix: the pages of appendices
    after it, and their own headers, belong to something else.
    """
    end_of_zone = _header_end(zone)
    top_page = min((ln.page for ln in lines), default=1)
    body = _joined([ln for ln in lines if ln.page > top_page or ln.row > end_of_zone])
    appendix = next((i for i, ln in enumerate(body) if _APPENDIX.match(squash(ln.text))), len(body))
    body = body[:appendix]
    for index, line in enumerate(body):
        if line.column is Column.LEFT or not _is_role(line.text):
            continue
        roles = [line]
        for candidate in body[index + 1 :]:
            gap = candidate.row - roles[-1].row if candidate.page == line.page else 1
            if gap > _NAME_ROWS:
                break
            if candidate.column is Column.LEFT or not any(ch.isalpha() for ch in candidate.text):
                continue
            if _header_date([candidate]) or NUMBER_LINE.search(squash(candidate.text)):
                continue  # a consolidated text's closing block sets its number and date beside the title
            if _is_role(candidate.text) and gap <= 1 and candidate.page == roles[-1].page:
                roles.append(candidate)
                continue
            # a name may come out cut in two segments of its row ("Hồ Ngọc" | "Phong Hải")
            row_text = " ".join(ln.text for ln in body if ln.page == candidate.page and ln.row == candidate.row
                                and ln.column is not Column.LEFT)
            name = _name(row_text) or _name(candidate.text)
            if name is not None:
                role_text = " / ".join(squash(ln.text) for ln in roles)
                return {
                    "signer_role": Located(role_text, "\n".join(squash(ln.text) for ln in roles), _where(roles[0])),
                    "signer_name": _located(candidate, name),
                }
            if len(candidate.text.split()) >= _SENTENCE and not _is_capitals(candidate.text):
                break  # a sentence: the capital line was a title in the text, not a signature block
    return {"signer_role": None, "signer_name": None}


def _header_end(zone: Sequence[TextLine]) -> int:
    """The last row of the header's own fields (number, date, type name); the signature block is below it.

    Not the zone's end: a page without a recognised first body line has its whole top in the zone.
    """
    rows = [ln.row for ln in zone if NUMBER_LINE.search(squash(ln.text)) or _find_date([ln]) or type_for_title(ln.text)]
    return max(rows, default=-1)


def _is_role(text: str) -> bool:
    return _is_capitals(text) and bool(_ROLE_WORDS.search(canonical(text)))
