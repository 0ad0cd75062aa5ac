"""Page imaging facts (image coverage, visible and invisible text) on real and hand-built PDFs.

The sample documents come from `samples.documents`; the odd cases (inline images, forms, broken
streams, composite fonts) are small PDFs written byte by byte here, so each shows one thing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiemchung.extractors.models import PageImaging
from kiemchung.extractors.pdfium_text import opened, read_page
from samples.documents import DocSpec, write_pdf, write_scan_pdf

SPEC = DocSpec(
    date=date(2023, 1, 30),
    type_name="KẾ HOẠCH",
    subject="Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023",
    body=tuple(
        f"Nội dung thứ {i}: rà soát, đánh giá kết quả thực hiện nhiệm vụ cải cách hành chính của năm trước."
        for i in range(1, 7)
    ),
)


def _imaging(path: Path, pages: int = 3) -> tuple[PageImaging, ...]:
    """How the first `pages` pages are made, as the reader learns it from the pages PDFium loads."""
    with opened(path) as document:
        assert document is not None
        read = (read_page(document, index, imaging=True) for index in range(min(pages, len(document))))
        return tuple(page.imaging for page in read if page is not None and page.imaging is not None)


# --- sample documents ------------------------------------------------------------------------------


def test_born_digital_page_has_text_and_no_image(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    write_pdf(SPEC, path, pages=2)
    first, second = _imaging(path)
    assert (first.page, second.page) == (1, 2)
    assert first.largest_image_coverage < 0.01
    assert first.visible_chars > 100 and first.invisible_chars == 0
    assert second.visible_chars > 0


def test_scan_is_one_page_sized_image_without_text(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    write_scan_pdf(SPEC, path, ocr_layer=False)
    (page,) = _imaging(path)
    assert page.largest_image_coverage > 0.9
    assert page.visible_chars == 0 and page.invisible_chars == 0


def test_scan_with_ocr_layer_has_only_invisible_text(tmp_path: Path) -> None:
    path = tmp_path / "scan-ocr.pdf"
    write_scan_pdf(SPEC, path, ocr_layer=True)
    (page,) = _imaging(path)
    assert page.largest_image_coverage > 0.9
    assert page.invisible_chars > 50 and page.visible_chars == 0


def test_report_with_a_photo_is_not_a_scan(tmp_path: Path) -> None:
    path = tmp_path / "photo.pdf"
    spec = DocSpec(date=date(2023, 5, 2), type_name="BÁO CÁO", subject="Kết quả hội nghị", body=SPEC.body,
                   picture_caption="Hội nghị triển khai công tác cải cách hành chính năm 2023")
    write_pdf(spec, path)
    first = _imaging(path)[0]
    assert 0.01 < first.largest_image_coverage < 0.5
    assert first.visible_chars > 100


def test_only_the_first_pages_are_read(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    write_pdf(SPEC, path, pages=2)
    assert len(_imaging(path, pages=1)) == 1


# --- hand-built pages --------------------------------------------------------------------------------


def _pdf(path: Path, content: bytes, resources: bytes = b"<< >>", extra: dict[int, bytes] | None = None,
         media_box: bytes = b"[0 0 595 842]") -> Path:
    """A one-page PDF whose page draws `content`; `extra` adds objects 5.. (forms, images, fonts)."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox " + media_box + b" /Resources " + resources
        + b" /Contents 4 0 R >>",
        4: _stream(b"", content),
    }
    objects.update(extra or {})
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (max(objects) + 1)
    for number in range(1, max(objects) + 1):
        out += b"%010d 00000 n \n" % offsets.get(number, 0)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (max(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


_IMAGE = _stream(b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                 b"/BitsPerComponent 8", b"\x00\xff\xff\x00")
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_COMPOSITE_FONT = b"<< /Type /Font /Subtype /Type0 /BaseFont /Dummy /Encoding /Identity-H /DescendantFonts [7 0 R] >>"
_CID_FONT = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Dummy /FontDescriptor 8 0 R "
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>")
_DESCRIPTOR = (b"<< /Type /FontDescriptor /FontName /Dummy /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
               b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>")


def _facts(path: Path) -> tuple[float, int, int]:
    (page,) = _imaging(path)
    return page.largest_image_coverage, page.visible_chars, page.invisible_chars


def test_image_xobject_scaled_by_the_ctm(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "half.pdf", b"q 595 0 0 421 0 0 cm /Im0 Do Q",
                b"<< /XObject << /Im0 5 0 R >> >>", {5: _IMAGE})
    coverage, _, _ = _facts(path)
    assert coverage == pytest.approx(0.5, abs=0.01)


def test_q_and_Q_restore_the_ctm(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "restored.pdf", b"q 595 0 0 842 0 0 cm Q /Im0 Do",
                b"<< /XObject << /Im0 5 0 R >> >>", {5: _IMAGE})
    coverage, _, _ = _facts(path)
    assert coverage < 0.001  # drawn in the 1x1 unit square once the scaling was popped


def test_image_inside_a_form_xobject_uses_the_form_matrix(tmp_path: Path) -> None:
    form = _stream(b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Matrix [595 0 0 842 0 0] "
                   b"/Resources << /XObject << /Im0 6 0 R >> >>", b"/Im0 Do")
    path = _pdf(tmp_path / "form.pdf", b"/Fm0 Do", b"<< /XObject << /Fm0 5 0 R >> >>", {5: form, 6: _IMAGE})
    coverage, _, _ = _facts(path)
    assert coverage == pytest.approx(1.0, abs=0.001)


def test_image_partly_off_the_page_counts_only_the_visible_part(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "off.pdf", b"q 1190 0 0 842 -595 0 cm /Im0 Do Q",
                b"<< /XObject << /Im0 5 0 R >> >>", {5: _IMAGE})
    coverage, _, _ = _facts(path)
    assert coverage == pytest.approx(1.0, abs=0.001)


def test_inline_image_is_measured_and_its_data_skipped(tmp_path: Path) -> None:
    # The binary data holds bytes that look like operators and strings: none may be counted.
    data = b"BT (x) Tj ET ( \xff\x00"
    content = (b"q 595 0 0 842 0 0 cm BI /W 17 /H 1 /BPC 8 /CS /G ID " + data + b" EI Q "
               b"BT /F1 12 Tf 72 72 Td (after) Tj ET")
    path = _pdf(tmp_path / "inline.pdf", content, b"<< /Font << /F1 5 0 R >> >>", {5: _FONT})
    coverage, visible, invisible = _facts(path)
    assert coverage == pytest.approx(1.0, abs=0.001)
    assert (visible, invisible) == (5, 0)


@pytest.mark.parametrize(
    ("content", "visible", "invisible"),
    [
        (b"BT /F1 12 Tf 3 Tr (hidden text) Tj ET", 0, len("hiddentext")),  # the OCR layer of a scan
        (b"BT /F1 12 Tf 7 Tr [(cl) 120 (ip)] TJ ET", 0, len("clip")),  # clip only: never painted
        (b"BT /F1 12 Tf q 3 Tr (hidden) Tj Q ET BT /F1 12 Tf (shown) Tj ET", len("shown"), len("hidden")),
        (b"BT /F1 12 Tf 0 Tr (shown) Tj T* (line) ' 1 2 (more) \" ET", len("shownlinemore"), 0),
    ],
)
def test_render_modes_3_and_7_are_invisible_and_Q_restores_the_mode(
    tmp_path: Path, content: bytes, visible: int, invisible: int
) -> None:
    path = _pdf(tmp_path / "modes.pdf", content, b"<< /Font << /F1 5 0 R >> >>", {5: _FONT})
    assert _facts(path)[1:] == (visible, invisible)


def test_string_escapes_nesting_and_hex_count_the_characters_they_show(tmp_path: Path) -> None:
    content = b"BT /F1 12 Tf (a\\(b\\)c) Tj (a(b)c) Tj (\\101\\n\\\\) Tj (con\\\ntinued) Tj <414243> Tj <4142 4> Tj ET"
    path = _pdf(tmp_path / "strings.pdf", content, b"<< /Font << /F1 5 0 R >> >>", {5: _FONT})
    _, visible, _ = _facts(path)
    assert visible == 5 + 5 + 2 + 9 + 3 + 3  # "A", newline, backslash: the newline is a blank


def test_composite_font_counts_a_character_per_two_byte_code(tmp_path: Path) -> None:
    content = b"BT /F1 12 Tf <00410042004300440045> Tj /F2 12 Tf (abc) Tj ET"
    path = _pdf(tmp_path / "type0.pdf", content, b"<< /Font << /F1 5 0 R /F2 6 0 R >> >>",
                {5: _COMPOSITE_FONT, 6: _FONT, 7: _CID_FONT, 8: _DESCRIPTOR})
    _, visible, _ = _facts(path)
    assert visible == 5 + 3


def test_marked_content_actual_text_is_the_text_counted(tmp_path: Path) -> None:
    # PDFium's text layer gives the ActualText in place of the glyphs it stands for ("kept" is drawn,
    # "ignored" is what the page says it shows): a page tagged so still shows text.
    content = b"/Span << /ActualText (ignored) /MCID 0 >> BDC BT /F1 12 Tf (kept) Tj ET EMC"
    path = _pdf(tmp_path / "marked.pdf", content, b"<< /Font << /F1 5 0 R >> >>", {5: _FONT})
    _, visible, _ = _facts(path)
    assert visible == len("ignored")


def test_form_that_draws_itself_does_not_loop(tmp_path: Path) -> None:
    form = _stream(b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /Fm0 5 0 R >> >>",
                   b"/Fm0 Do")
    path = _pdf(tmp_path / "loop.pdf", b"/Fm0 Do", b"<< /XObject << /Fm0 5 0 R >> >>", {5: form})
    assert _facts(path) == (0.0, 0, 0)


@pytest.mark.parametrize(
    "content",
    [
        b"BT /F1 12 Tf (unterminated",
        b"BT /F1 12 Tf (a(b Tj",
        b"q q q 1 0 0 cm Q Q Q Q Q ] >> ) } BI /W 1",
        b"\x00\xff\xfe garbage \x80 <zz> 1.2.3 cm /Im0 Do Tr Tf TJ",
        b"",
    ],
)
def test_broken_content_streams_never_raise(tmp_path: Path, content: bytes) -> None:
    path = _pdf(tmp_path / "broken.pdf", content, b"<< /Font << /F1 5 0 R >> /XObject << /Im0 6 0 R >> >>",
                {5: _FONT, 6: _IMAGE})
    (page,) = _imaging(path)
    assert page.page == 1


def test_text_before_the_damage_is_kept(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "partial.pdf", b"BT /F1 12 Tf (counted) Tj ET BT (never closed",
                b"<< /Font << /F1 5 0 R >> >>", {5: _FONT})
    _, visible, _ = _facts(path)
    assert visible == len("counted")


def test_undecodable_stream_and_missing_contents_give_zeros(tmp_path: Path) -> None:
    bad_filter = _pdf(tmp_path / "bad-filter.pdf", b"")
    data = bad_filter.read_bytes().replace(b"<<  /Length 0 >>", b"<< /Filter /FlateDecode /Length 0 >>")
    assert b"/FlateDecode" in data
    bad_filter.write_bytes(data)
    (page,) = _imaging(bad_filter)
    assert (page.largest_image_coverage, page.visible_chars) == (0.0, 0)

    no_contents = tmp_path / "no-contents.pdf"
    no_contents.write_bytes(_pdf(tmp_path / "tmp.pdf", b"").read_bytes().replace(b" /Contents 4 0 R", b""))
    (page,) = _imaging(no_contents)
    assert (page.largest_image_coverage, page.visible_chars, page.invisible_chars) == (0.0, 0, 0)


def test_zero_area_page_box_does_not_divide_by_zero(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "flat.pdf", b"q 595 0 0 842 0 0 cm /Im0 Do Q", b"<< /XObject << /Im0 5 0 R >> >>",
                {5: _IMAGE}, media_box=b"[0 0 595 0]")
    coverage, _, _ = _facts(path)
    assert coverage == 0.0
