"""Header parsing on the text shapes real PDFs and Word files produce."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from extractors.doctypes import type_for_title
from extractors.header import parse_header
from extractors.models import Column, Source, TextLine
from extractors.pdf import layout_lines

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
    from extractors.text import normalize

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
