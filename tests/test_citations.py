"""Citations in running text: every spelling units use, and the numbers that are not citations."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiemchung.extractors.citations import find_citations, match_citations
from kiemchung.extractors.doctypes import TYPE_NAMES
from kiemchung.extractors.models import Citation
from kiemchung.extractors.text import normalize

D = dt.date

# text -> the one citation expected in it: (raw, doc_type, number, symbol, date)
SINGLE = [
    ("Kế hoạch số 11/KH-UBND ngày 30/01/2023", ("Kế hoạch số 11/KH-UBND ngày 30/01/2023", "KH", "11", "KH-UBND",
                                                 D(2023, 1, 30))),
    ("KH 11/KH-UBND ngày 30/01/2023", ("KH 11/KH-UBND ngày 30/01/2023", "KH", "11", "KH-UBND", D(2023, 1, 30))),
    ("Căn cứ Quyết định số 134/QĐ-UBND ngày 01/3/2024 của UBND huyện;",
     ("Quyết định số 134/QĐ-UBND ngày 01/3/2024", "QĐ", "134", "QĐ-UBND", D(2024, 3, 1))),
    ("QĐ số 05/2023/QĐ-UBND ngày 15 tháng 3 năm 2023",
     ("QĐ số 05/2023/QĐ-UBND ngày 15 tháng 3 năm 2023", "QĐ", "05", "QĐ-UBND", D(2023, 3, 15))),
    ("Báo cáo 25/BC-UBND, ngày 12/6/2023", ("Báo cáo 25/BC-UBND, ngày 12/6/2023", "BC", "25", "BC-UBND",
                                           D(2023, 6, 12))),
    ("Công văn số 120/UBND-VP ngày 05/6/2023",
     ("Công văn số 120/UBND-VP ngày 05/6/2023", "CV", "120", "UBND-VP", D(2023, 6, 5))),
    ("CV số 45/UBND ngày 05/6/2023", ("CV số 45/UBND ngày 05/6/2023", "CV", "45", "UBND", D(2023, 6, 5))),
    ("Thông báo số 12a/TB-UBND.", ("Thông báo số 12a/TB-UBND", "TB", "12a", "TB-UBND", None)),
    ("TB số 12a/TB-UBND", ("TB số 12a/TB-UBND", "TB", "12a", "TB-UBND", None)),
    ("theo số 11/KH-UBND", ("số 11/KH-UBND", "KH", "11", "KH-UBND", None)),
    ("11/KH-UBND", ("11/KH-UBND", "KH", "11", "KH-UBND", None)),
    ("Số: 11/KH-UBND", ("Số: 11/KH-UBND", "KH", "11", "KH-UBND", None)),
    # date spellings
    ("Kế hoạch số 11/KH-UBND ngày 30-01-2023", ("Kế hoạch số 11/KH-UBND ngày 30-01-2023", "KH", "11", "KH-UBND",
                                                 D(2023, 1, 30))),
    ("Kế hoạch số 11/KH-UBND ngày 30.01.2023", ("Kế hoạch số 11/KH-UBND ngày 30.01.2023", "KH", "11", "KH-UBND",
                                                 D(2023, 1, 30))),
    ("Kế hoạch số 11/KH-UBND ngày 30 tháng 01 năm 2023",
     ("Kế hoạch số 11/KH-UBND ngày 30 tháng 01 năm 2023", "KH", "11", "KH-UBND", D(2023, 1, 30))),
    ("Quyết định số 134/QĐ-UBND ngày 1/3/2024", ("Quyết định số 134/QĐ-UBND ngày 1/3/2024", "QĐ", "134", "QĐ-UBND",
                                                  D(2024, 3, 1))),
    ("Kế hoạch số 11/KH-UBND (30/01/2023)", ("Kế hoạch số 11/KH-UBND (30/01/2023)", "KH", "11", "KH-UBND",
                                             D(2023, 1, 30))),
    ("Kế hoạch số 11/KH-UBND (ngày 30/01/2023)",
     ("Kế hoạch số 11/KH-UBND (ngày 30/01/2023)", "KH", "11", "KH-UBND", D(2023, 1, 30))),
    ("Kế hoạch số 11/KH-UBND, 30/01/2023", ("Kế hoạch số 11/KH-UBND, 30/01/2023", "KH", "11", "KH-UBND",
                                            D(2023, 1, 30))),
    ("Quyết định số 134/QĐ-UBND của UBND huyện ngày 01/3/2024",
     ("Quyết định số 134/QĐ-UBND của UBND huyện ngày 01/3/2024", "QĐ", "134", "QĐ-UBND", D(2024, 3, 1))),
    ("Kế hoạch số 11/KH-UBND ngày\n30/01/2023", ("Kế hoạch số 11/KH-UBND ngày\n30/01/2023", "KH", "11", "KH-UBND",
                                                  D(2023, 1, 30))),
    # an impossible date is kept in the raw span but gives no date
    ("Tờ trình số 3/TTr-UBND ngày 31/02/2023", ("Tờ trình số 3/TTr-UBND ngày 31/02/2023", "TTr", "3", "TTr-UBND",
                                                None)),
    # type words: case, no diacritics, Đ as U+00D0, abbreviations without Đ
    ("KẾ HOẠCH SỐ 11/KH-UBND", ("KẾ HOẠCH SỐ 11/KH-UBND", "KH", "11", "KH-UBND", None)),
    ("ke hoach so 11/KH-UBND ngay 30/01/2023", ("ke hoach so 11/KH-UBND ngay 30/01/2023", "KH", "11", "KH-UBND",
                                                D(2023, 1, 30))),
    ("Quyết định số 5/QÐ-UBND", ("Quyết định số 5/QĐ-UBND", "QĐ", "5", "QĐ-UBND", None)),
    ("QD số 8/QĐ-TTg", ("QD số 8/QĐ-TTg", "QĐ", "8", "QĐ-TTg", None)),
    ("Biên bản số 02/BB-UBND", ("Biên bản số 02/BB-UBND", "BB", "02", "BB-UBND", None)),
    ("Hướng dẫn số 03/HD-SNV", ("Hướng dẫn số 03/HD-SNV", "HD", "03", "HD-SNV", None)),
    ("Hợp đồng số 7/HĐ-UBND", ("Hợp đồng số 7/HĐ-UBND", "HĐ", "7", "HĐ-UBND", None)),
    ("Chương trình số 4/CTr-UBND", ("Chương trình số 4/CTr-UBND", "CTr", "4", "CTr-UBND", None)),
    ("Giấy mời số 15/GM-UBND", ("Giấy mời số 15/GM-UBND", "GM", "15", "GM-UBND", None)),
    ("1.Kế hoạch số 11/KH-UBND", ("Kế hoạch số 11/KH-UBND", "KH", "11", "KH-UBND", None)),
    ("a)Báo cáo số 25/BC-UBND", ("Báo cáo số 25/BC-UBND", "BC", "25", "BC-UBND", None)),
    # the type word decides over the symbol; without one, the symbol's first part decides
    ("Kế hoạch số 11/QĐ-UBND", ("Kế hoạch số 11/QĐ-UBND", "KH", "11", "QĐ-UBND", None)),
    ("số 120/UBND-VP", ("số 120/UBND-VP", None, "120", "UBND-VP", None)),
    ("Văn bản số 10/SNV-CCHC&PC", ("Văn bản số 10/SNV-CCHC&PC", None, "10", "SNV-CCHC&PC", None)),
    ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ",
     ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020", None, "30", "NĐ-CP", D(2020, 3, 5))),
    ("Thông tư số 01/2023/TT-VPCP", ("Thông tư số 01/2023/TT-VPCP", None, "01", "TT-VPCP", None)),
    # numbers with the suffixes the council zeroes are kept as written
    ("Kế hoạch số 12.1/KH-UBND", ("Kế hoạch số 12.1/KH-UBND", "KH", "12.1", "KH-UBND", None)),
    ("Kế hoạch số 12bis/KH-UBND", ("Kế hoạch số 12bis/KH-UBND", "KH", "12bis", "KH-UBND", None)),
]


@pytest.mark.parametrize(("text", "expected"), SINGLE, ids=[t for t, _ in SINGLE])
def test_single_citation(text: str, expected: tuple[str, str | None, str, str, dt.date | None]) -> None:
    assert find_citations(text) == (Citation(*expected),)


@pytest.mark.parametrize(
    "text",
    [
        "15/15 hồ sơ giải quyết đúng hạn",
        "đạt 100/100",
        "ngày 30/01/2023",
        "30/01/2023",
        "3/4 chỉ tiêu",
        "2/2 cuộc kiểm tra",
        "bình quân 50/ngày",
        "phương án 15/A",
        "tháng 6/2023",
        "Tiêu chí 1.1; 1.5.1; 8.4.1.1",
        "Đạt 1,5/2 điểm",
        "1,12/KH-UBND",  # a decimal is no document number
        "Kế hoạch\nsố",
        "và/hoặc",
        "",
        "Số:    /KH-UBND",
    ],
)
def test_not_a_citation(text: str) -> None:
    assert find_citations(text) == ()


def test_several_in_one_cell() -> None:
    cell = (
        "- Kế hoạch số 11/KH-UBND ngày 30/01/2023;\n"
        "- Báo cáo 25/BC-UBND, ngày 12/6/2023\n"
        "-Quyết định số 134/QĐ-UBND ngày 01/3/2024; Thông báo số 12a/TB-UBND"
    )
    found = find_citations(cell)
    assert [(c.doc_type, c.number, c.symbol, c.date) for c in found] == [
        ("KH", "11", "KH-UBND", D(2023, 1, 30)),
        ("BC", "25", "BC-UBND", D(2023, 6, 12)),
        ("QĐ", "134", "QĐ-UBND", D(2024, 3, 1)),
        ("TB", "12a", "TB-UBND", None),
    ]


def test_a_date_on_the_next_line_without_ngay_belongs_to_nobody() -> None:
    found = find_citations("11/KH-UBND\n30/01/2023")
    assert found == (Citation("11/KH-UBND", "KH", "11", "KH-UBND", None),)


def test_nfd_input_gives_nfc_raw() -> None:
    text = unicodedata.normalize("NFD", "Quyết định số 134/QĐ-UBND ngày 01 tháng 3 năm 2024")
    (citation,) = find_citations(text)
    assert citation == Citation(
        "Quyết định số 134/QĐ-UBND ngày 01 tháng 3 năm 2024", "QĐ", "134", "QĐ-UBND", D(2024, 3, 1)
    )


def test_offsets_point_into_the_normalised_text() -> None:
    text = unicodedata.normalize("NFD", "Theo Kế hoạch số 11/KH-UBND và Báo cáo số 25/BC-UBND.")
    nfc = normalize(text)
    for match in match_citations(text):
        assert nfc[match.start : match.end] == match.citation.raw


_SYMBOL_PART = st.from_regex(r"[A-ZĐ][A-ZĐa-z&]{1,5}", fullmatch=True)
_SYMBOLS = st.builds(
    lambda first, rest: "-".join([first, *rest]),
    st.sampled_from([*sorted(TYPE_NAMES), "UBND", "SNV"]),
    st.lists(_SYMBOL_PART, min_size=1, max_size=2),
)
_NUMBERS = st.builds(
    lambda n, width, suffix: f"{n:0{width}d}{suffix}",
    st.integers(1, 9999),
    st.sampled_from([1, 2]),
    st.sampled_from(["", "", "", "a", "b", "bis"]),
)


@given(_NUMBERS, _SYMBOLS, st.dates(D(1900, 1, 1), D(2099, 12, 31)))
def test_any_plan_citation_reads_back(number: str, symbol: str, date: dt.date) -> None:
    text = f"Kế hoạch số {number}/{symbol} ngày {date:%d/%m/%Y}"
    assert find_citations(text) == (Citation(text, "KH", number, symbol, date),)


@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for citation in find_citations(text):
        assert citation.raw in normalize(text)
