"""Legacy Vietnamese encodings (TCVN3, VNI): the tables, span-by-span detection, the generated DOCX
and PDF files read through `read_document`, and no conversion of any Unicode text the samples hold."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from kiemchung.extractors import docx as docx_extractor
from kiemchung.extractors import pdf as pdf_extractor
from kiemchung.extractors import read_document
from kiemchung.extractors.errors import ReadFailure
from kiemchung.extractors.legacy import (
    FontHint,
    LegacyEncoding,
    decode,
    detect,
    encode,
    font_hint,
    runs_to_unicode,
    to_unicode,
)
from kiemchung.extractors.models import Column, Source
from samples.catalog import TEMPLATES, body_for, make_units
from samples.documents import DocSpec
from samples.legacy import TCVN3_PLAN, VNI_REPORT, LegacyPart, write_legacy_docx, write_legacy_pdf

TCVN3, VNI = LegacyEncoding.TCVN3, LegacyEncoding.VNI
VNTIME, VNTIME_H, VNI_TIMES = FontHint(TCVN3), FontHint(TCVN3, upper=True), FontHint(VNI)
BATCH = Path(__file__).resolve().parent.parent / "samples" / "batch"
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def vietnamese_letters() -> list[str]:
    """Every letter of the alphabet with every tone, both cases: 12 vowels x 6 tones, and d, đ."""
    lower = [unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in _TONES]
    lower += ["đ", *"bcdghklmnpqrstvx"]
    return lower + [letter.upper() for letter in lower]


# --- tables ----------------------------------------------------------------------------------------


def test_the_alphabet_has_134_letters_beyond_ascii() -> None:
    assert len({letter for letter in vietnamese_letters() if not letter.isascii()}) == 134


@pytest.mark.parametrize("letter", vietnamese_letters())
def test_vni_round_trips_every_letter(letter: str) -> None:
    assert decode(encode(letter, VNI), VNI) == letter


@pytest.mark.parametrize("letter", vietnamese_letters())
def test_tcvn3_round_trips_every_letter_capitals_through_the_upper_case_font(letter: str) -> None:
    if letter.islower() or letter in "ĂÂÊÔƠƯĐ" or letter.isascii():
        assert decode(encode(letter, TCVN3), TCVN3) == letter
    else:  # VN3 has no toned capitals: ".VnTimeH" draws them at the lower-case code points
        with pytest.raises(ValueError, match="no code"):
            encode(letter, TCVN3)
        assert decode(encode(letter.lower(), TCVN3), TCVN3, upper=True) == letter


def test_codes_are_the_published_ones() -> None:
    assert encode("Hà Nội", TCVN3) == "Hµ Néi"
    assert encode("Báo cáo", TCVN3) == "B¸o c¸o"
    assert encode("nước", TCVN3) == "n\xadíc"
    assert encode("Việt Nam", VNI) == "Vieät Nam"
    assert encode("Độc lập - Tự do - Hạnh phúc", VNI) == "Ñoäc laäp - Töï do - Haïnh phuùc"
    assert encode("CỘNG HÒA", VNI) == "COÄNG HOØA"
    assert encode("ỵ", VNI) == "î"  # also "yï": the shorter code is written


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv not installed")
def test_tcvn3_agrees_with_glibc_tcvn5712() -> None:
    lower = [letter for letter in vietnamese_letters() if letter.islower() and not letter.isascii()]
    letters = lower + list("ĂÂÊÔƠƯĐ")
    codes = "".join(encode(letter, TCVN3) for letter in letters).encode("latin-1")
    converted = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=codes, capture_output=True, check=False
    )
    if converted.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    assert unicodedata.normalize("NFC", converted.stdout.decode()) == "".join(letters)


# --- detection per span ----------------------------------------------------------------------------

SENTENCE = "Ủy ban nhân dân xã Cao An báo cáo kết quả thực hiện nhiệm vụ năm 2023 đạt yêu cầu"


@pytest.mark.parametrize("encoding", list(LegacyEncoding))
def test_a_legacy_sentence_is_found_without_a_font(encoding: LegacyEncoding) -> None:
    text = SENTENCE.lower() if encoding is TCVN3 else SENTENCE
    coded = encode(text, encoding)
    assert detect(coded) is encoding
    assert to_unicode(coded) == text


def test_capitals_need_the_font_name() -> None:
    coded = encode("ủy ban nhân dân", TCVN3)  # what ".VnTimeH" text holds for "ỦY BAN NHÂN DÂN"
    assert to_unicode(coded) == "ủy ban nhân dân"  # the bytes say lower case
    assert to_unicode(coded, VNTIME_H) == "ỦY BAN NHÂN DÂN"


def test_a_span_without_a_marker_needs_the_font_name() -> None:
    """ "Sè" is as good Vietnamese as "Số": only the font tells TCVN3 from Unicode."""
    assert to_unicode("Sè: 12/KH-UBND") == "Sè: 12/KH-UBND"
    assert to_unicode("Sè: 12/KH-UBND", VNTIME) == "Số: 12/KH-UBND"
    assert to_unicode("Soá: 12/BC-UBND", VNI_TIMES) == "Số: 12/BC-UBND"


def test_a_font_name_alone_converts_nothing() -> None:
    for text in ("Số: 12/QĐ-UBND", "Hà Nội, ngày 05 tháng 01 năm 2024", "UBND", "Kế hoạch 12"):
        assert to_unicode(text, VNTIME) == text
        assert to_unicode(text, VNTIME_H) == text
        assert to_unicode(text, VNI_TIMES) == text


def test_word_runs_are_judged_by_span_each_in_its_font_case() -> None:
    runs = [("ñ", VNTIME_H), ("y ban nh©n d©n x· ", VNTIME), ("Cao An", None), (" - Hà Nội", None)]
    assert runs_to_unicode(runs) == "Ủy ban nhân dân xã Cao An - Hà Nội"
    assert runs_to_unicode([("Sè: ", VNTIME), ("12/QĐ-UBND", None)]) == "Số: 12/QĐ-UBND"
    assert runs_to_unicode([("Vie", VNI_TIMES), ("ät Nam", VNI_TIMES)]) == "Việt Nam"  # a letter split in two runs


def test_pdf_segments_of_one_row_are_judged_each_on_its_own() -> None:
    legacy = "ñy ban nh©n d©n            Hà Nội, ngày 05 tháng 01 năm 2024\n    Vieät Nam         Việt Nam\n"
    unicode = "ủy ban nhân dân            Hà Nội, ngày 05 tháng 01 năm 2024\n    Việt Nam          Việt Nam\n"
    converted = pdf_extractor.legacy_to_unicode(legacy, {})
    assert converted.splitlines()[0] == unicode.splitlines()[0]
    assert converted.split() == unicode.split()
    # Each converted segment keeps its place, so the columns come out as the Unicode text's do.
    columns = [(line.text, line.column) for line in pdf_extractor.layout_lines(converted, 1, Source.PAGE_TEXT)]
    assert columns == [(line.text, line.column) for line in pdf_extractor.layout_lines(unicode, 1, Source.PAGE_TEXT)]
    assert ("Hà Nội, ngày 05 tháng 01 năm 2024", Column.RIGHT) in columns


def test_pdf_segments_take_the_font_most_of_their_words_are_drawn_in() -> None:
    hints = {"Sè:": VNTIME, "ñy": VNTIME_H, "ban": VNTIME_H, "nh©n": VNTIME_H, "d©n": VNTIME_H}
    text = "ñy ban nh©n d©n        Sè: 11/KH-UBND\n"
    assert pdf_extractor.legacy_to_unicode(text, hints) == "ỦY BAN NHÂN DÂN        Số: 11/KH-UBND\n"


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        (".VnTime", VNTIME),
        (".VnTimeH", VNTIME_H),
        ("ABCDEF+.VnTimeH,Bold", VNTIME_H),
        (".VnArial NarrowH", VNTIME_H),
        ("/AAAAAA+.VnTime-Bold", VNTIME),
        ("VnTimeH", VNTIME_H),
        ("VNI-Times", VNI_TIMES),
        ("VNI-Helve-Bold", VNI_TIMES),
        ("Times New Roman", None),
        ("DejaVuSerif", None),
        ("ABCDEF+TimesNewRomanPS-BoldMT", None),
        ("", None),
        (None, None),
    ],
)
def test_font_names(name: str | None, hint: FontHint | None) -> None:
    assert font_hint(name) == hint


def _set_fonts(properties: BaseOxmlElement, **names: str) -> None:
    fonts = properties.get_or_add_rFonts()
    for attribute, name in names.items():
        fonts.set(qn(f"w:{attribute}"), name)


def test_word_runs_take_their_font_from_the_run_the_styles_or_the_defaults(tmp_path: Path) -> None:
    """Word draws code points past ASCII in the w:hAnsi font; a run without a font has its style's."""
    document = docx.Document()
    heading = document.styles.add_style("LegacyHeading", WD_STYLE_TYPE.PARAGRAPH)
    base = document.styles.add_style("LegacyBase", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = base
    _set_fonts(base.element.get_or_add_rPr(), ascii=".VnTimeH", hAnsi=".VnTimeH")
    first, second = (document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH) for name in ("Loop1", "Loop2"))
    first.base_style, second.base_style = second, first  # a crafted basedOn loop, without a font
    run = document.add_paragraph().add_run("Sè: 11/KH-UBND")
    _set_fonts(run._r.get_or_add_rPr(), ascii="Times New Roman", hAnsi=".VnTime")
    document.add_paragraph("kÕ ho¹ch", style="LegacyHeading")
    document.add_paragraph("Sè: 11/KH-UBND")  # Normal style, no legacy font: left as it is
    document.add_paragraph("Sè: 11/KH-UBND", style="Loop1")  # the loop ends, and so does the search
    path = tmp_path / "fonts.docx"
    document.save(str(path))
    lines = [line.text for line in docx_extractor.document_lines(docx_extractor.open_docx(path))]
    assert lines == ["Số: 11/KH-UBND", "KẾ HOẠCH", "Sè: 11/KH-UBND", "Sè: 11/KH-UBND"]


# --- generated files, read as the tool reads them --------------------------------------------------

Writer = Callable[..., None]
PARTS: tuple[LegacyPart, ...] = ("all", "header")
CASES = [
    (name, spec, encoding, part, writer)
    for name, spec, encoding in (("tcvn3", TCVN3_PLAN, TCVN3), ("vni", VNI_REPORT, VNI))
    for part in PARTS
    for writer in (write_legacy_docx, write_legacy_pdf)
]


@pytest.fixture(scope="module")
def legacy_files(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, Path]:
    folder = tmp_path_factory.mktemp("legacy")
    files = {}
    for name, spec, encoding, part, writer in CASES:
        suffix = ".docx" if writer is write_legacy_docx else ".pdf"
        path = folder / f"{name}-{part}{suffix}"
        writer(spec, path, encoding, part=part)
        files[path.name] = path
    return files


@pytest.mark.parametrize(
    ("name", "spec", "encoding", "part", "writer"),
    CASES,
    ids=[f"{c[0]}-{c[3]}-{'docx' if c[4] is write_legacy_docx else 'pdf'}" for c in CASES],
)
def test_generated_file_gives_the_header_in_unicode(
    legacy_files: Mapping[str, Path],
    name: str,
    spec: DocSpec,
    encoding: LegacyEncoding,
    part: LegacyPart,
    writer: Writer,
) -> None:
    path = legacy_files[f"{name}-{part}{'.docx' if writer is write_legacy_docx else '.pdf'}"]
    header = read_document(path).header
    assert header.issuer is not None and header.issuer.value == spec.issuer_full
    assert header.number is not None and header.number.value == spec.number
    assert header.number.raw == f"Số: {spec.number}/{spec.symbol}"  # what the user is shown: Unicode
    assert header.symbol is not None and header.symbol.value == spec.symbol
    assert header.date is not None and isinstance(spec.date, dt.date)
    assert header.date.value.as_date() == spec.date
    assert header.place is not None and header.place.value == spec.place
    assert header.type_name is not None and header.type_name.value == spec.type_name
    assert header.doc_type is not None and header.doc_type.value == spec.symbol.split("-")[0]
    assert header.subject is not None and header.subject.value == spec.subject
    assert header.signer_name is not None and header.signer_name.value == spec.signer_name


def test_the_generated_files_really_hold_legacy_text(legacy_files: Mapping[str, Path]) -> None:
    page = PdfReader(legacy_files["tcvn3-header.pdf"]).pages[0]
    text = page.extract_text(extraction_mode="layout")
    assert "Sè: 11/KH-UBND" in text and "Cao An, ngµy 30 th¸ng 01 n¨m 2023" in text
    assert "Căn cứ Kế hoạch" in text  # the body is Unicode
    fonts: set[str] = set()
    page.extract_text(visitor_text=lambda _text, _cm, _tm, font, _size: fonts.add(str(font and font["/BaseFont"])))
    assert any(name.endswith("+.VnTimeH") for name in fonts) and any(name.endswith("+.VnTime") for name in fonts)
    document = docx.Document(str(legacy_files["vni-header.docx"]))
    cell = document.tables[0].rows[0].cells[0]
    assert "UÛY BAN NHAÂN DAÂN" in cell.text
    assert {run.font.name for p in cell.paragraphs for run in p.runs if run.text} == {"VNI-Times"}


def test_mixed_file_keeps_its_unicode_body(legacy_files: Mapping[str, Path]) -> None:
    body = TCVN3_PLAN.body[1]  # "Ủy ban nhân dân xã Cao An ban hành Kế hoạch …", Unicode under a TCVN3 header
    pdf_lines = pdf_extractor.page_lines(PdfReader(legacy_files["tcvn3-header.pdf"]).pages[0], 1)
    first_line = next(line.text for line in pdf_lines if line.text.startswith("Ủy ban nhân dân"))
    assert len(first_line) > 40 and body.startswith(first_line)  # wrapped on the page
    docx_lines = docx_extractor.document_lines(docx.Document(str(legacy_files["tcvn3-header.docx"])))
    assert body in [line.text for line in docx_lines]


# --- no conversion of Unicode text ------------------------------------------------------------------

# Unicode text that shares code points with TCVN3 or VNI: Vietnamese in Latin-1 letters, old-style
# tone placement ("hoà", "oà" is VNI's ồ), Western names and words, symbols, units.
TRICKY = (
    "Số: 12/QĐ-UBND",
    "Hà Nội",
    "hoà",
    "Hoà Bình",
    "khoá",
    "Cà Mau",
    "có các",
    "Ý kiến",
    "tôi là",
    "Bà",
    "Ông",
    "ÐOÀN",
    "Ðà Nẵng",
    "café",
    "résumé",
    "naïve",
    "Müller",
    "España",
    "Straße",
    "Ångström",
    "São Tomé",
    "Zürich",
    "© 2023 Microsoft®",
    "2 × 3 = 6",
    "5 µm",
    "25°C",
    "m²",
    "½ ngày",
    "§ 5",
    "« trích »",
    "¿Qué?",
    "• mục 1",
    "Điều 1.",
    "Nơi nhận:",
    "- Lưu: VT.",
    "TM. ỦY BAN NHÂN DÂN",
    "Nguyễn Văn An",
    "Số:      /KH-UBND",
)


def _segments(text: str) -> Iterator[str]:
    """Every line of `text`, and every column segment of it, as the PDF reader splits them."""
    for row in text.splitlines():
        if row.strip():
            yield row.strip()
            yield from (piece.strip() for piece in pdf_extractor._COLUMN_GAP.split(row) if piece.strip())


def _assert_unconverted(texts: list[str]) -> None:
    converted = {text: to_unicode(text) for text in texts if detect(text) is not None}
    assert not converted


def test_no_conversion_of_tricky_unicode() -> None:
    _assert_unconverted([*TRICKY, *(word for text in TRICKY for word in text.split())])


def test_no_conversion_of_any_generated_text() -> None:
    """Everything the batch generator and the legacy samples write in Unicode, line by line and word by word."""
    lines: list[str] = []
    for unit in make_units(24):
        lines += [unit.folder, unit.organization_name, unit.issuer, unit.chairman, unit.vice_chairman, unit.district]
        for template in TEMPLATES:
            lines += [template.subject, template.type_name or "", *body_for(template, unit, dt.date(2023, 3, 5))]
    for spec in (TCVN3_PLAN, VNI_REPORT):
        lines += [spec.issuer_full, spec.number_line, spec.date_line, spec.subject, *spec.body, *spec.signer_lines]
    _assert_unconverted([*lines, *(word for line in lines for word in line.split())])


def legacy_sample_files() -> set[Path]:
    """The batch's files whose header is typed in a legacy encoding on purpose (the manifest names them)."""
    manifest = json.loads((BATCH.parent / "manifest.json").read_text(encoding="utf-8"))
    wanted = {
        f"{unit['folder']}/{entry['path']}"
        for unit in manifest["units"]
        for entry in unit["files"]
        if entry["facts"].get("legacy_encoding")
    }
    found = {
        path for path in BATCH.rglob("*") if unicodedata.normalize("NFC", path.relative_to(BATCH).as_posix()) in wanted
    }
    assert len(found) == len(wanted)
    return found


def test_no_conversion_of_any_line_in_the_sample_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page and every signature stamp of every PDF, every paragraph of every DOCX in samples/batch
    (but the legacy-encoded samples)."""
    raw_texts: list[str] = []
    legacy = legacy_sample_files()

    def record(text: str, hints: Mapping[str, FontHint]) -> str:
        assert not hints  # no sample names a legacy font
        raw_texts.append(text)
        return text

    monkeypatch.setattr(pdf_extractor, "legacy_to_unicode", record)  # what the PDF reader would convert
    pdfs = sorted(path for path in BATCH.rglob("*.pdf") if path not in legacy)
    read = 0
    for path in pdfs:
        try:
            reader = pdf_extractor.open_pdf(path)
            for number, page in enumerate(reader.pages, start=1):
                pdf_extractor.page_lines(page, number)
            pdf_extractor.signature_fields(reader)
            read += 1
        except ReadFailure:
            continue  # the broken samples
    paragraphs = 0
    for path in sorted(path for path in BATCH.rglob("*.docx") if path not in legacy):
        try:
            document = docx_extractor.open_docx(path)
        except ReadFailure:
            continue  # a PDF named .docx
        for element in document.element.body.iter(qn("w:p")):
            raw_texts.append(Paragraph(element, document).text)
            paragraphs += 1
    assert read >= 30 and paragraphs >= 200
    segments = [segment for text in raw_texts for segment in _segments(text)]
    assert len(segments) > 2000
    _assert_unconverted(segments)
