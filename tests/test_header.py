"""Header parsing on the text shapes real PDFs and Word files produce."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from kiemchung.extractors.doctypes import TYPE_NAMES, type_for_title
from kiemchung.extractors.header import is_attachment, parse_header
from kiemchung.extractors.models import Column, Source, TextLine
from kiemchung.extractors.pdf import layout_lines

LAYOUT = """\
ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    XÃ CAO AN                           Độc lập - Tự do - Hạnh phúc
 Số: {number}/KH-UBND                      Cao An, ngày {date}

                               KẾ HOẠCH
      Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023

Căn cứ Kế hoạch số 12a/KH-UBND ngày 05/01/2023 của UBND huyện về cải cách hành chính;
Số 14b/KH-UBND là kế hoạch khác được nhắc đến trong thân văn bản.
Nơi nhận:                                             TM. ỦY BAN NHÂN DÂN
- UBND huyện;                                               CHỦ TỊCH
- Lưu: VT.
                                                          Nguyễn Văn An
"""


def pdf_lines(text: str) -> list[TextLine]:
    return layout_lines(text, 1, Source.PAGE_TEXT)


def plain_lines(text: str) -> list[TextLine]:
    """Plain extraction: no columns, rows in whatever order the content stream had."""
    return [TextLine(t, 1, i, Column.FULL, Source.PAGE_TEXT) for i, t in enumerate(text.splitlines()) if t.strip()]


def stamp(*texts: str) -> list[TextLine]:
    return [TextLine(t, 1, i, Column.FULL, Source.SIGNATURE_APPEARANCE, "Signature2") for i, t in enumerate(texts)]


def test_two_column_header_gives_every_field() -> None:
    header = parse_header(pdf_lines(LAYOUT.format(number="11", date="30 tháng 01 năm 2023")))
    assert header.number is not None and header.number.value == "11"
    assert header.number.raw == "Số: 11/KH-UBND"
    assert header.symbol is not None and header.symbol.value == "KH-UBND"
    assert header.doc_type is not None and header.doc_type.value == "KH"
    assert header.type_name is not None and header.type_name.value == "KẾ HOẠCH"
    assert header.issuer is not None and header.issuer.value == "ỦY BAN NHÂN DÂN XÃ CAO AN"
    assert header.place is not None and header.place.value == "Cao An"
    assert header.date is not None and header.date.value.as_date() == dt.date(2023, 1, 30)
    assert header.subject is not None
    assert header.subject.value == "Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023"
    assert header.signer_name is not None and header.signer_name.value == "Nguyễn Văn An"
    assert header.signer_role is not None and header.signer_role.value == "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"


@pytest.mark.parametrize("line", ["Số: 11/KH-UBND", "Số:11/KH-UBND", "Số 11/KH-UBND", "Số : 11 / KH-UBND"])
def test_number_line_variants(line: str) -> None:
    header = parse_header(plain_lines(f"ỦY BAN NHÂN DÂN\nXÃ CAO AN\n{line}\nKẾ HOẠCH\nVề việc thử"))
    assert header.number is not None and header.number.value == "11"
    assert header.symbol is not None and header.symbol.value == "KH-UBND"


@pytest.mark.parametrize("number", ["12a", "12 a", "12.1", "12B"])
def test_suffixed_numbers_are_kept_as_written(number: str) -> None:
    header = parse_header(pdf_lines(LAYOUT.format(number=number, date="30 tháng 01 năm 2023")))
    assert header.number is not None and header.number.value == number


def test_body_citation_is_not_the_documents_number() -> None:
    header = parse_header(pdf_lines(LAYOUT.format(number="15", date="30 tháng 01 năm 2023")))
    assert header.number is not None and header.number.value == "15"


def test_blank_header_number_does_not_borrow_a_body_citation() -> None:
    header = parse_header(pdf_lines(LAYOUT.format(number="     ", date="30 tháng 01 năm 2023")))
    assert header.number is not None and header.number.value == ""
    assert header.symbol is not None and header.symbol.value == "KH-UBND"


def test_number_stamped_in_signature_appearance_counts() -> None:
    lines = pdf_lines(LAYOUT.format(number="     ", date="30 tháng 01 năm 2023"))
    header = parse_header(lines, stamp("Số: 11/KH-UBND"))
    assert header.number is not None and header.number.value == "11"
    assert header.number.where.source is Source.SIGNATURE_APPEARANCE
    assert header.number.where.field_name == "Signature2"


def test_a_bare_number_is_not_guessed_into_the_blank() -> None:
    # Which blank a bare number fills is decided by where it sits (extractors.stamps), never by order here.
    header = parse_header(pdf_lines(LAYOUT.format(number="   ", date="30 tháng 01 năm 2023")), stamp("11"))
    assert header.number is not None and header.number.value == ""


def test_stamp_does_not_override_a_printed_number() -> None:
    header = parse_header(pdf_lines(LAYOUT.format(number="12a", date="30 tháng 01 năm 2023")), stamp("Số: 11/KH-UBND"))
    assert header.number is not None and header.number.value == "12a"


def test_blank_date_is_partial_and_stamp_completes_it() -> None:
    blank = LAYOUT.format(number="11", date="     tháng     năm 2024")
    header = parse_header(pdf_lines(blank))
    assert header.date is not None and header.date.value.year == 2024 and header.date.value.day is None
    stamped = parse_header(pdf_lines(blank), stamp("Ký bởi: Ủy ban nhân dân xã Cao An", "ngày 15 tháng 03 năm 2024"))
    assert stamped.date is not None and stamped.date.value.as_date() == dt.date(2024, 3, 15)


def test_signing_time_in_a_stamp_is_not_an_issue_date() -> None:
    header = parse_header(pdf_lines(LAYOUT.format(number="11", date="     tháng     năm 2024")),
                          stamp("Thời gian ký: 15/03/2024 08:15:00 +07:00"))
    assert header.date is not None and header.date.value.as_date() is None


def test_interleaved_plain_text() -> None:
    text = ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ CAO AN Độc lập - Tự do - Hạnh phúc\n"
            "Số: 11/KH-UBND Cao An, ngày 30 tháng 01 năm 2023\nKẾ HOẠCH\nCải thiện chỉ số CCHC năm 2023\n"
            "Căn cứ Kế hoạch số 12a/KH-UBND ngày 05/01/2023;")
    header = parse_header(plain_lines(text))
    assert header.issuer is not None and header.issuer.value == "ỦY BAN NHÂN DÂN XÃ CAO AN"
    assert header.number is not None and header.number.value == "11"
    assert header.place is not None and header.place.value == "Cao An"
    assert header.date is not None and header.date.value.as_date() == dt.date(2023, 1, 30)


def test_right_column_first() -> None:
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nCao An, ngày 30 tháng 01 năm 2023\n"
            "ỦY BAN NHÂN DÂN\nXÃ CAO AN\nSố: 11/KH-UBND\nKẾ HOẠCH\nCải thiện chỉ số CCHC năm 2023")
    header = parse_header(plain_lines(text))
    assert header.issuer is not None and header.issuer.value == "ỦY BAN NHÂN DÂN XÃ CAO AN"
    assert header.number is not None and header.number.value == "11"
    assert header.date is not None and header.date.value.as_date() == dt.date(2023, 1, 30)
    assert header.subject is not None and header.subject.value == "Cải thiện chỉ số CCHC năm 2023"


def test_cong_van_with_subject_under_the_number() -> None:
    text = """\
ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
   XÃ TÂN LẬP                          Độc lập - Tự do - Hạnh phúc
 Số: 25/UBND-VP                    Tân Lập, ngày 05 tháng 6 năm 2023
V/v triển khai dịch vụ công
trực tuyến toàn trình

                 Kính gửi: Các ban, ngành, đoàn thể xã.
"""
    header = parse_header(pdf_lines(text))
    assert header.doc_type is not None and header.doc_type.value == "CV"
    assert header.symbol is not None and header.symbol.value == "UBND-VP"
    assert header.subject is not None and header.subject.value == "triển khai dịch vụ công trực tuyến toàn trình"
    assert header.date is not None and header.date.value.as_date() == dt.date(2023, 6, 5)


def test_legal_normative_number_with_year() -> None:
    text = "ỦY BAN NHÂN DÂN\nHUYỆN AN PHÚ\nSố: 05/2023/QĐ-UBND\nQUYẾT ĐỊNH\nBan hành quy chế"
    header = parse_header(plain_lines(text))
    assert header.number is not None and header.number.value == "05"
    assert header.number_year is not None and header.number_year.value == "2023"
    assert header.symbol is not None and header.symbol.value == "QĐ-UBND"
    assert header.doc_type is not None and header.doc_type.value == "QĐ"


def test_numeric_date_form() -> None:
    header = parse_header(plain_lines("SỞ NỘI VỤ\nSố: 11/BC-SNV\nHà Nội, ngày 30/01/2023\nBÁO CÁO\nKết quả CCHC"))
    assert header.date is not None and header.date.value.as_date() == dt.date(2023, 1, 30)
    assert header.place is not None and header.place.value == "Hà Nội"


def test_nfd_text_and_eth_lookalike_are_normalised() -> None:
    from kiemchung.extractors.text import normalize

    text = unicodedata.normalize("NFD", "ỦY BAN NHÂN DÂN\nXÃ CAO AN\nSố: 11/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc thử")
    header = parse_header(plain_lines(normalize(text.replace("Đ", "\u00d0"))))
    assert header.symbol is not None and header.symbol.value == "QĐ-UBND"
    assert header.doc_type is not None and header.doc_type.value == "QĐ"


def test_deputy_signs_on_behalf() -> None:
    text = LAYOUT.format(number="11", date="30 tháng 01 năm 2023").replace(
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH       ").replace("CHỦ TỊCH\n", "PHÓ CHỦ TỊCH\n", 1)
    header = parse_header(pdf_lines(text))
    assert header.signer_role is not None and header.signer_role.value == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert header.signer_name is not None and header.signer_name.value == "Nguyễn Văn An"


def test_text_without_a_header_finds_nothing_invented() -> None:
    header = parse_header(plain_lines("Danh sách cán bộ tham gia tập huấn\n1. Nguyễn Văn A\n2. Trần Thị B"))
    assert header.number is None and header.date is None and header.issuer is None and header.symbol is None


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("PHƯƠNG ÁN", "PA"),
        ("PHƯỜNG AN PHÚ", None),  # a ward in the issuer's name folds like the type name
        ("PHUONG AN PHAT TRIEN", "PA"),  # text that lost its marks is still read
        ("BẢN THOẢ THUẬN", "BTT"),  # the tone may sit on either vowel
        ("KE HOẠCH CẢI CÁCH", "KH"),  # OCR dropped one mark
    ],
)
def test_type_name_needs_its_own_diacritics(line: str, code: str | None) -> None:
    assert type_for_title(line) == code


# --- real documents' spellings and shapes, built from TextLines -----------------------------------

def row_lines(*rows: tuple[tuple[str, Column], ...], page: int = 1, first_row: int = 0) -> list[TextLine]:
    """Layout-like lines: each row a few segments, each in its column."""
    return [TextLine(text, page, first_row + number, column, Source.PAGE_TEXT)
            for number, row in enumerate(rows) for text, column in row]


L, R, F = Column.LEFT, Column.RIGHT, Column.FULL


@pytest.mark.parametrize(
    ("written", "canonical_form"),
    [
        ("CỘNG HOÀ", "CỘNG HÒA"),
        ("Sở Văn Hoá", "Sở Văn Hóa"),
        ("thuỷ lợi", "thủy lợi"),
        ("sức khoẻ", "sức khỏe"),
        ("UỶ BAN", "ỦY BAN"),
        ("hoạ sĩ", "họa sĩ"),
        ("quý, quỷ", "quý, quỷ"),  # "qu" is a consonant: the mark stays on y
        ("hoàn thành, thuyết", "hoàn thành, thuyết"),  # the syllable goes on: nothing moves
        (unicodedata.normalize("NFD", "Hoà Bình"), "Hòa Bình"),
        ("\u00d0ỒNG  NAI", "ĐỒNG NAI"),
    ],
)
def test_canonical_spelling(written: str, canonical_form: str) -> None:
    from kiemchung.extractors.text import canonical

    assert canonical(written) == canonical_form


MOTTO_SHAPES = {
    "old tones, one segment": (("ỦY BAN NHÂN DÂN", L), ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", R)),
    "cut in three segments": (("ỦY BAN NHÂN DÂN", L), ("CỘNG HOÀ", L), ("XÃ HỘI CHỦ NGHĨA", F), ("VIỆT NAM", R)),
    "issuer and motto in one segment": (("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", F),),
    "decomposed with an Eth": ((unicodedata.normalize("NFD", "ỦY BAN NHÂN DÂN"), L),
                               (unicodedata.normalize("NFD", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"), R)),
}


@pytest.mark.parametrize("first_row", MOTTO_SHAPES.values(), ids=MOTTO_SHAPES.keys())
def test_motto_is_never_part_of_the_issuer(first_row: tuple[tuple[str, Column], ...]) -> None:
    header = parse_header(row_lines(
        first_row,
        (("PHƯỜNG HẠ LONG", L), ("Độc lập - Tự do - Hạnh phúc", R)),
        (("Số: 08/TB-UBND", L), ("Hạ Long, ngày 11 tháng 02 năm 2025", R)),
        (("THÔNG BÁO", F),),
    ))
    assert header.issuer is not None and header.issuer.value == "ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG"
    assert header.doc_type is not None and header.doc_type.value == "TB"


@pytest.mark.parametrize(
    ("issuer", "motto", "number_line", "number", "symbol"),
    [
        ("BCH ĐOÀN HUYỆN TAM NÔNG", "ĐOÀN TNCS HỒ CHÍ MINH", "Số: 41-CV/HĐTN", "41", "CV/HĐTN"),
        ("HUYỆN ỦY VĨNH THẠNH", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 318 - BC/HU", "318", "BC/HU"),
        ("SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 1502/SNV-CCHC&VTLT", "1502", "SNV-CCHC&VTLT"),
        ("CÔNG AN TỈNH BẢO LỘC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 77/TTr-CAT(PV01)", "77", "TTr-CAT(PV01)"),
        ("Số:", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "64 /KH-SNN", "64", "KH-SNN"),  # "Số:" cut from its number
    ],
)
def test_symbols_and_party_formats(issuer: str, motto: str, number_line: str, number: str, symbol: str) -> None:
    if issuer == "Số:":  # the number's two segments on one row of the left column
        rows = ((("SỞ NÔNG NGHIỆP", L), (motto, R)), (("Số:", L), (number_line, L), ("ngày 03 tháng 3 năm 2025", R)))
    else:
        rows = (((issuer, L), (motto, R)), ((number_line, L), ("Hà Tiên, ngày 03 tháng 3 năm 2025", R)))
    header = parse_header(row_lines(*rows))
    assert header.number is not None and header.number.value == number
    assert header.symbol is not None and header.symbol.value == symbol
    assert header.issuer is not None and motto not in header.issuer.value


@pytest.mark.parametrize(
    ("number_line", "title", "code", "year"),
    [
        ("Số: 118/2025/NĐ-CP", "NGHỊ ĐỊNH", "NĐ", "2025"),
        ("Số: 09/2024/TT-BNV", "THÔNG TƯ", "TT", "2024"),
        ("Số: 02/2023/TTLT-BTC-BNV", "THÔNG TƯ LIÊN TỊCH", "TTLT", "2023"),
        ("Số: 15/2025/NQ-HĐND", "NGHỊ QUYẾT", "NQ", "2025"),
        ("Luật số: 20/2023/QH15", "LUẬT", "Luật", "2023"),
        ("Số: 01/2022/UBTVQH15", "PHÁP LỆNH", "PL", "2022"),
        ("Số: 04/CT-UBND", "CHỈ THỊ", "CT", None),
        ("Số: 31/2025/QĐ-UBND", "QUYẾT ĐỊNH", "QĐ", "2025"),
    ],
)
def test_legal_normative_types(number_line: str, title: str, code: str, year: str | None) -> None:
    header = parse_header(row_lines(
        (("ỦY BAN NHÂN DÂN", L), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", R)),
        ((number_line, L), ("Hà Nội, ngày 09 tháng 6 năm 2025", R)),
        ((title, F),),
        (("QUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU", F),),  # a capital subject starting with a type's words
    ))
    assert header.doc_type is not None and header.doc_type.value == code
    assert header.type_name is not None and header.type_name.value == title
    assert (header.number_year.value if header.number_year else None) == year


@pytest.mark.parametrize("code", sorted(TYPE_NAMES))
def test_every_decree_30_type_is_known_by_its_title(code: str) -> None:
    header = parse_header(row_lines((("SỞ TƯ PHÁP", L),), (("Số: 05/ABC-STP", L),), ((TYPE_NAMES[code], F),)))
    assert header.doc_type is not None and header.doc_type.value == code


def test_capital_line_below_the_subject_is_not_the_type() -> None:
    header = parse_header(row_lines(
        (("SỞ XÂY DỰNG", L),), (("Số: 12/SXD-VP", L),), (("V/v góp ý dự thảo", L),), (("QUY ĐỊNH CHUNG", F),),
    ))
    assert header.type_name is None
    assert header.doc_type is not None and header.doc_type.value == "CV"


@pytest.mark.parametrize(
    "body_line",
    [
        "Thông tư số 86/2016/TT-BTC ngày 20 tháng 6 năm 2016 của Bộ Tài chính",
        "theo Công văn số 12/SNV-VP, ngày 05/3/2025 của Sở Nội vụ",
        "được sửa đổi bởi Nghị định số 07/2024/NĐ-CP ngày 30 tháng 01 năm 2024.",
    ],
)
def test_date_of_a_cited_document_is_not_the_issue_date(body_line: str) -> None:
    header = parse_header(row_lines(
        (("BỘ TÀI CHÍNH", L), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", R)),
        (("Số: 41/VBHN-BTC", L),),
        (("THÔNG TƯ", F),),
        ((body_line, F),),
    ))
    assert header.date is None


STAMPS = {
    "incoming box": ((("VĂN PHÒNG CHÍNH PHỦ", L),), (("CÔNG VĂN ĐẾN", L),), (("Số: 915", L),),
                     (("Ngày: 13/03/2025", L),)),
    "incoming line": ((("ĐẾN Số: 4707 Ngày 13/03/2025", L),),),
    "receiving portal": ((("CỔNG TTĐT ĐẾN", L),), (("Số đến: 88", L),), (("Ngày đến: 13/03/2025", L),)),
    "signed copy": ((("SAO Y; CÔNG AN TỈNH NAM SƠN; 06/01/2026; 16:42:26; +07:00", F),),),
}


@pytest.mark.parametrize("stamp_rows", STAMPS.values(), ids=STAMPS.keys())
def test_stamps_give_no_issuer_number_or_date(stamp_rows: tuple[tuple[tuple[str, Column], ...], ...]) -> None:
    header = parse_header(row_lines(
        *stamp_rows,
        (("UBND TỈNH NAM SƠN", L), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", R)),
        (("SỞ XÂY DỰNG", L), ("Độc lập - Tự do - Hạnh phúc", R)),
        (("Số:      /SXD-VP", L), ("Nam Sơn, ngày      tháng 3 năm 2025", R)),
        (("V/v góp ý dự thảo", L),),
    ))
    assert header.issuer is not None and header.issuer.value == "UBND TỈNH NAM SƠN SỞ XÂY DỰNG"
    assert header.number is not None and header.number.value == ""
    assert header.symbol is not None and header.symbol.value == "SXD-VP"
    assert header.date is not None and header.date.value.day is None and header.date.value.month == 3


def test_consolidated_text_takes_number_and_date_from_its_closing_block() -> None:
    lines = row_lines((("BỘ NÔNG NGHIỆP", L), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", R)), (("THÔNG TƯ", F),),
                      (("Quy định về kiểm dịch", F),))
    lines += row_lines(
        (("Điều 5. Hiệu lực thi hành", F),), (("XÁC THỰC VĂN BẢN HỢP NHẤT", R),),
        (("BỘ NÔNG NGHIỆP", L), ("KT. BỘ TRƯỞNG", R)), (("Số: 17/VBHN-BNN", L), ("THỨ TRƯỞNG", R)),
        (("Hà Nội, ngày 04 tháng 5 năm 2026", L),), (), (("Lê Thị Hồng Vân", R),), page=9,
    )
    header = parse_header(lines)
    assert header.number is not None and header.number.value == "17"
    assert header.symbol is not None and header.symbol.value == "VBHN-BNN"
    assert header.doc_type is not None and header.doc_type.value == "VBHN"
    assert header.date is not None and header.date.value.as_date() == dt.date(2026, 5, 4)
    assert header.issuer is not None and header.issuer.value == "BỘ NÔNG NGHIỆP"
    assert header.signer_name is not None and header.signer_name.value == "Lê Thị Hồng Vân"


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("GS.TS. Trần Văn Hùng", "Trần Văn Hùng"),
        ("PGS. TS. Lê Thu Hà", "Lê Thu Hà"),
        ("ThS. Đặng Quốc Việt", "Đặng Quốc Việt"),
        ("Thượng tướng Hoàng Minh Sơn", "Hoàng Minh Sơn"),
        ("Đại tá Phùng Văn Lực", "Phùng Văn Lực"),
        ("Ngô H ữu Th ắng", "Ngô Hữu Thắng"),  # layout text cut inside syllables
    ],
)
def test_signer_titles_are_not_part_of_the_name(written: str, name: str) -> None:
    lines = row_lines((("SỞ Y TẾ", L),), (("Số: 12/BC-SYT", L),), (("BÁO CÁO", F),))
    lines += row_lines((("Nơi nhận:", L), ("KT. GIÁM ĐỐC", R)), (("- Như trên;", L), ("PHÓ GIÁM ĐỐC", R)), (), (),
                       ((written, R),), first_row=20)
    header = parse_header(lines)
    assert header.signer_name is not None and header.signer_name.value == name
    assert header.signer_role is not None and header.signer_role.value == "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"


def test_signer_is_the_block_before_the_appendices() -> None:
    lines = row_lines((("SỞ Y TẾ", L),), (("Số: 12/BC-SYT", L),), (("BÁO CÁO", F),))
    lines += row_lines((("Nơi nhận:", L), ("GIÁM ĐỐC", R)), (("- Lưu: VT.", L),), (), (("Mai Xuân Trường", R),),
                       page=2)
    for page in (3, 4):
        lines += row_lines((("PHỤ LỤC", F),), (("(Kèm theo Báo cáo số 12/BC-SYT ngày 05/3/2025)", F),),
                           (("NGƯỜI LẬP BIỂU", R),), (), (("Tạ Thu Hằng", R),), page=page)
    header = parse_header(lines)
    assert header.signer_name is not None and header.signer_name.value == "Mai Xuân Trường"
    assert header.signer_name.where.page == 2


def test_authority_line_in_the_text_is_no_signature_block() -> None:
    lines = row_lines((("ỦY BAN NHÂN DÂN", L),), (("Số: 77/QĐ-UBND", L),), (("QUYẾT ĐỊNH", F),),
                      (("Về việc phê duyệt", F),), (("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ", F),),
                      (("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", F),))
    lines += row_lines((("Nơi nhận:", L), ("CHỦ TỊCH", R)), (), (("Bế Văn Đàn", R),), page=2)
    header = parse_header(lines)
    assert header.signer_role is not None and header.signer_role.value == "CHỦ TỊCH"
    assert header.signer_name is not None and header.signer_name.value == "Bế Văn Đàn"


def test_an_appendix_takes_the_number_of_the_document_it_was_issued_with() -> None:
    header = parse_header(pdf_lines("Phụ lục 2\n(Kèm theo Công văn số 417/SNV-CCHC ngày 03/4/2024 của Sở Nội vụ)"))
    assert header.number is not None and header.number.value == "417"
    assert header.symbol is not None and header.symbol.value == "SNV-CCHC"


def test_an_issuance_stamp_gives_its_time_but_a_person_s_signing_time_does_not() -> None:
    blank = pdf_lines(LAYOUT.format(number="   ", date="     tháng     năm    "))
    issued = parse_header(blank, stamp("Số: 2061/QĐ-UBND", "Thời gian ký: 2026-05-13T14:41:57+07:00"))
    assert issued.date is not None and issued.date.value.as_date() == dt.date(2026, 5, 13)
    listed = parse_header(blank, stamp("Số: 2775/SNV-CCHC&VTLT; 10/11/2025; 11:00:27;"))
    assert listed.date is not None and listed.date.value.as_date() == dt.date(2025, 11, 10)
    person = parse_header(blank, stamp("Ký bởi: Nguyễn Văn An", "Thời gian ký: 2026-05-13T14:41:57+07:00"))
    assert person.date is None or person.date.value.as_date() is None


def test_a_two_digit_year_between_number_and_symbol_is_the_year_not_the_symbol() -> None:
    header = parse_header(pdf_lines(LAYOUT.replace("{number}/KH-UBND", "{number}/26/PT-NC").format(
        number="02-02", date="03 tháng 02 năm 2026")))
    assert header.symbol is not None and header.symbol.value == "PT-NC"
    assert header.number_year is not None and header.number_year.value == "26"


def test_an_incoming_stamp_s_body_name_two_rows_above_its_den_line_is_no_issuer() -> None:
    # OCR puts rows where it sees lines: the stamp's body name may sit two rows above "CÔNG VĂN ĐẾN".
    lines = [
        TextLine("BỘ NỘI VỤ", 1, 0, Column.LEFT, Source.OCR),
        TextLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1, 0, Column.RIGHT, Source.OCR),
        TextLine("Độc lập - Tự do - Hạnh phúc", 1, 1, Column.RIGHT, Source.OCR),
        TextLine("CÔNG VĂN ĐẾN", 1, 2, Column.LEFT, Source.OCR),
        TextLine("THÔNG TƯ", 1, 5, Column.FULL, Source.OCR),
    ]
    assert parse_header(lines).issuer is None


@pytest.mark.parametrize(
    "page",
    [
        "Phụ lục 2\nHƯỚNG DẪN CHẤM ĐIỂM\n(Kèm theo Công văn số\n/BNV-CCHC ngày / /2025 của Bộ Nội vụ)\nSTT Tên TC",
        "Bảng 2\nCHỈ SỐ CẢI CÁCH HÀNH CHÍNH\n(Ban hành kèm theo Quyết định số 1187/QĐ-BNV ngày 15/10/2025)\nSTT",
    ],
)
def test_an_attachment_names_its_parent_and_has_no_number_of_its_own(page: str) -> None:
    assert is_attachment(plain_lines(page))


def test_a_document_with_its_own_number_is_no_attachment_whatever_it_cites() -> None:
    page = (
        "ỦY BAN NHÂN DÂN XÃ CAO AN\nSố: 15/KH-UBND\nKẾ HOẠCH\nThực hiện nhiệm vụ ban hành kèm theo Quyết định số"
        "\n12/QĐ-UBND ngày 02/01/2023"
    )
    assert not is_attachment(plain_lines(page))
