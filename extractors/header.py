"""Find the Decree 30 header and signature block in a document's lines.

Works on `TextLine`s from any extractor (PDF layout text, Word tables, signature
appearances). It never relies on the order in which the two header columns come
out: the number, the date and the type name are found by their own shape, and
the issuer is "the capital lines above the number that are not the national motto".
The document's own number is the one in the header zone (above the type name and
before the body starts), never a number cited in the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.doctypes import CONG_VAN, type_for_abbreviation, type_for_title
from extractors.models import Column, DocumentHeader, IssueDate, Located, TextLine, Where
from extractors.text import squash

# "Số: 11/KH-UBND", "Số:11/KH-UBND", "Số 11/KH-UBND", "Số: 30/2018/QĐ-UBND", "Số:    /KH-UBND"
NUMBER_LINE = re.compile(
    r"(?:^|(?<=\s))Số\s*[:.]?\s*(?P<number>[^/\n]{0,14}?)\s*/\s*"
    r"(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?(?P<symbol>[^\s/,;]+(?:/[^\s/,;]+)*)"
)
# "Cao An, ngày 30 tháng 01 năm 2023"; every part may be blank in a draft.
DATE_WORDS = re.compile(
    r"(?:(?P<place>[^,\n]{2,60}?)\s*,\s*)?[Nn]gày\s*(?P<day>[\d.…_ ]*?)\s*tháng\s*(?P<month>[\d.…_ ]*?)"
    r"\s*năm\s*(?P<year>\d{4}|[.…_ ]*)"
)
# "Hà Nội, ngày 30/01/2023"
DATE_NUMERIC = re.compile(
    r"(?:(?P<place>[^,\n]{2,60}?)\s*,\s*)?[Nn]gày\s*(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})"
    r"\s*[/.-]\s*(?P<year>\d{4})"
)
_BODY_START = re.compile(
    r"^(Căn cứ|Thực hiện|Kính gửi|Theo đề nghị|Xét đề nghị|Hôm nay|Vào hồi|Thời gian|I\.|1\.)", re.IGNORECASE
)
_MOTTO = (
    re.compile(r"CỘNG\s*HÒA\s*XÃ\s*HỘI\s*CHỦ\s*NGHĨA\s*VIỆT\s*NAM", re.IGNORECASE),
    re.compile(r"Độc\s*lập\s*-\s*Tự\s*do\s*-\s*Hạnh\s*phúc", re.IGNORECASE),
)
_RULE_LINE = re.compile(r"^[\s\-_=*.·•—]+$")
_SUBJECT_PREFIX = re.compile(r"^V/v\b\.?\s*", re.IGNORECASE)
_ROLE_WORDS = re.compile(
    r"\b(TM|KT|TL|TUQ|Q|T/M|K/T)\.|CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|BÍ THƯ|CHÁNH|THỦ TRƯỞNG|THƯ KÝ|CHỦ TRÌ|"
    r"CHỦ NHIỆM|CÔNG CHỨC|NGƯỜI LẬP|NGƯỜI KÝ|ỦY VIÊN|PHÓ"
)
_NOT_A_NAME = re.compile(r"đã ký|ký tên|ghi rõ|đóng dấu|nơi nhận|lưu:", re.IGNORECASE)
_HEADER_LINES = 30  # the header never runs deeper than this on page 1
_SUBJECT_LINES = 4
_SIGNATURE_WINDOW = 40  # the signature block sits in the last lines of the document


@dataclass(frozen=True)
class _Match:
    line: TextLine
    match: re.Match[str]


def parse_header(lines: Sequence[TextLine], appearances: Sequence[TextLine] = ()) -> DocumentHeader:
    """Read the header fields from a document's lines and its signature appearances.

    `appearances` are the lines of visible signature stamps: where the body leaves
    the number or date blank, a number or date stamped there is the document's own.
    """
    # The lowest page number once, not once per line: a long Word document has 10⁵ lines.
    top_page = min((ln.page for ln in lines), default=1)
    first_page = [line for line in lines if line.page == top_page]
    zone = _header_zone(first_page)
    number_hit = _first(NUMBER_LINE, zone)
    type_line = next((ln for ln in zone if type_for_title(ln.text)), None)
    number, symbol, number_year = _number_fields(number_hit, appearances)
    date, place = _date_fields(zone, appearances)
    type_name = _located(type_line, squash(type_line.text)) if type_line else None
    return DocumentHeader(
        issuer=_issuer(zone, number_hit),
        number=number,
        symbol=symbol,
        number_year=number_year,
        type_name=type_name,
        doc_type=_doc_type(symbol, type_name, zone),
        place=place,
        date=date,
        subject=_subject(first_page, zone, type_line),
        **_signer(lines),
    )


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


def _first(pattern: re.Pattern[str], lines: Iterable[TextLine]) -> _Match | None:
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
    stamped = _first(NUMBER_LINE, appearances)
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
    symbol = _located(symbol_hit.line, symbol_text.strip(".")) if symbol_text else None
    year = symbol_hit.match.groupdict().get("year")
    return number_field, symbol, (_located(symbol_hit.line, year) if year else None)


def _parse_date(match: re.Match[str]) -> IssueDate:
    def part(name: str) -> int | None:
        digits = re.sub(r"\D", "", match.group(name) or "")
        return int(digits) if digits else None

    return IssueDate(part("day"), part("month"), part("year"))


def _find_date(lines: Sequence[TextLine]) -> _Match | None:
    return _first(DATE_WORDS, lines) or _first(DATE_NUMERIC, lines)


def _date_fields(
    zone: Sequence[TextLine], appearances: Sequence[TextLine]
) -> tuple[Located[IssueDate] | None, Located[str] | None]:
    hit = _find_date(zone)
    stamped = _find_date(appearances)
    use = hit
    if stamped is not None and (hit is None or _parse_date(hit.match).as_date() is None):
        use = stamped
    if use is None:
        return None, None
    date = Located(_parse_date(use.match), use.match.group(0).strip(), _where(use.line))
    place_hit = hit if hit is not None and hit.match.group("place") else use
    place_text = _clean_place(place_hit.match.group("place") or "")
    place = _located(place_hit.line, place_text) if place_text else None
    return date, place


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


def _signer(lines: Sequence[TextLine]) -> dict[str, Located[str] | None]:
    """Role and name from the signature block: the last name line under a role line."""
    tail = [ln for ln in lines[-_SIGNATURE_WINDOW:] if ln.column is not Column.LEFT]
    for index in range(len(tail) - 1, -1, -1):
        name_line = tail[index]
        if not _is_name(squash(name_line.text)):
            continue
        roles = [ln for ln in tail[max(0, index - 6) : index] if _is_capitals(ln.text) and
                 _ROLE_WORDS.search(squash(ln.text))]
        if not roles:
            continue
        role_lines = _contiguous_tail(roles)
        role_text = " / ".join(squash(ln.text) for ln in role_lines)
        return {
            "signer_role": Located(role_text, "\n".join(squash(ln.text) for ln in role_lines),
                                   _where(role_lines[0])),
            "signer_name": _located(name_line, squash(name_line.text)),
        }
    return {"signer_role": None, "signer_name": None}


def _contiguous_tail(roles: list[TextLine]) -> list[TextLine]:
    """The last run of role lines on consecutive rows ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH")."""
    run = [roles[-1]]
    for line in reversed(roles[:-1]):
        if line.page == run[0].page and run[0].row - line.row <= 1:
            run.insert(0, line)
        else:
            break
    return run
