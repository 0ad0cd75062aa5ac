"""Born-digital PDFs of the header shapes real documents have and `samples.documents` does not draw.

Each sample is a few pages of rows, each row a few cells placed in the header's left or right column
or centred, drawn with the fonts and margins of `samples.documents`: the old tone placement of the
Government's templates ("CỘNG HOÀ"), a legal normative document with the year in its number, a
consolidated text (VBHN) numbered in its closing authentication block, a receiving office's stamp over
the header, pages of appendices after the signature block, and a signer with academic titles.
Names, bodies and numbers are made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas as rl_canvas

from samples.documents import (
    LEFT_COL,
    MARGIN_LEFT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT_COL,
    FontStyle,
    register_fonts,
)

Place = Literal["left", "right", "centre", "body"]
_ROW_HEIGHT = 16.0
_SIZE = 12.0


@dataclass(frozen=True)
class Cell:
    text: str
    place: Place = "body"
    style: FontStyle = "regular"


Row = tuple[Cell, ...]


@dataclass(frozen=True)
class HeaderSample:
    """A document as rows of cells per page, and what its header says."""

    name: str
    pages: tuple[tuple[Row, ...], ...]
    expected: dict[str, str]  # DocumentHeader field -> value (the date as ISO 8601)


def _header(issuer: tuple[str, ...], number: str, date: str, motto: str = "CỘNG HÒA") -> tuple[Row, ...]:
    """The two header columns: issuer and number on the left, motto and place-date on the right."""
    right = (f"{motto} XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    rows: list[Row] = []
    for index in range(max(len(issuer), 2)):
        cells = []
        if index < len(issuer):
            cells.append(Cell(issuer[index], "left", "bold" if index else "regular"))
        if index < len(right):
            cells.append(Cell(right[index], "right", "bold"))
        rows.append(tuple(cells))
    rows.append((Cell(number, "left"), Cell(date, "right", "italic")) if number else (Cell(date, "right", "italic"),))
    return tuple(rows)


def _block(*lines: str, name: str) -> tuple[Row, ...]:
    """A signature block: recipients on the left, titles, the signature's room and the name on the right."""
    rows: list[Row] = [(Cell("Nơi nhận:", "left", "bolditalic"), Cell(lines[0], "right", "bold"))]
    rows += [(Cell(line, "right", "bold"),) for line in lines[1:]]
    rows += [(Cell("- Như trên;", "left"),), (Cell("- Lưu: VT.", "left"),), (), (), ()]
    rows.append((Cell(name, "right", "bold"),))
    return tuple(rows)


def _body(*paragraphs: str) -> tuple[Row, ...]:
    return tuple((Cell(text),) for text in paragraphs)


SAMPLES: tuple[HeaderSample, ...] = (
    HeaderSample(
        "cong-hoa-old-tones",
        ((
            *_header(("ỦY BAN NHÂN DÂN", "XÃ ĐÔNG SƠN"), "Số: 27/KH-UBND", "Đông Sơn, ngày 14 tháng 3 năm 2025",
                     motto="CỘNG HOÀ"),
            (Cell("KẾ HOẠCH", "centre", "bold"),),
            (Cell("Tuyên truyền cải cách hành chính năm 2025", "centre", "bold"),),
            *_body("Căn cứ Quyết định số 15/QĐ-UBND ngày 05/01/2025 của UBND huyện;",
                   "Ủy ban nhân dân xã ban hành Kế hoạch tuyên truyền như sau."),
            *_block("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", name="Lương Văn Thuỷ"),
        ),),
        {"issuer": "ỦY BAN NHÂN DÂN XÃ ĐÔNG SƠN", "number": "27", "symbol": "KH-UBND", "doc_type": "KH",
         "date": "2025-03-14", "signer_name": "Lương Văn Thuỷ"},
    ),
    HeaderSample(
        "decree-year-in-number",
        ((
            *_header(("CHÍNH PHỦ",), "Số: 118/2025/NĐ-CP", "Hà Nội, ngày 09 tháng 6 năm 2025", motto="CỘNG HOÀ"),
            (Cell("NGHỊ ĐỊNH", "centre", "bold"),),
            (Cell("QUY ĐỊNH VỀ THỰC HIỆN THỦ TỤC HÀNH CHÍNH", "centre", "bold"),),
            (Cell("THEO CƠ CHẾ MỘT CỬA", "centre", "bold"),),
            *_body("Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
                   "Chính phủ ban hành Nghị định quy định về thủ tục hành chính."),
            *_block("TM. CHÍNH PHỦ", "KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", name="Trần Quốc Bảo"),
        ),),
        {"issuer": "CHÍNH PHỦ", "number": "118", "number_year": "2025", "symbol": "NĐ-CP", "doc_type": "NĐ",
         "type_name": "NGHỊ ĐỊNH", "date": "2025-06-09", "signer_name": "Trần Quốc Bảo"},
    ),
    HeaderSample(
        "consolidated-text",
        (
            (
                *_header(("BỘ TƯ PHÁP",), "", ""),
                (Cell("THÔNG TƯ", "centre", "bold"),),
                (Cell("Hướng dẫn công tác hộ tịch", "centre", "bold"),),
                *_body("Thông tư số 04/2020/TT-BTP ngày 28 tháng 5 năm 2020 của Bộ trưởng Bộ Tư pháp",
                       "được sửa đổi, bổ sung bởi Thông tư số 03/2023/TT-BTP ngày 02 tháng 8 năm 2023."),
            ),
            _body("Điều 1. Phạm vi điều chỉnh", "Thông tư này hướng dẫn công tác hộ tịch."),
            (
                *_body("Điều 2. Hiệu lực thi hành", "Thông tư này có hiệu lực kể từ ngày ký."),
                (Cell("XÁC THỰC VĂN BẢN HỢP NHẤT", "right", "bold"),),
                (Cell("BỘ TƯ PHÁP", "left", "bold"), Cell("BỘ TRƯỞNG", "right", "bold")),
                (Cell("Số: 12/VBHN-BTP", "left"),),
                (Cell("Hà Nội, ngày 20 tháng 8 năm 2025", "left", "italic"),),
                (), (), (),
                (Cell("Nguyễn Hải Đăng", "right", "bold"),),
            ),
        ),
        {"issuer": "BỘ TƯ PHÁP", "number": "12", "symbol": "VBHN-BTP", "doc_type": "VBHN", "date": "2025-08-20",
         "signer_name": "Nguyễn Hải Đăng"},
    ),
    HeaderSample(
        "incoming-stamp-over-header",
        ((
            (Cell("SỞ NỘI VỤ TỈNH HÀ TIÊN", "left", "bold"),),
            (Cell("CÔNG VĂN ĐẾN", "left", "bold"),),
            (Cell("Số: 4521", "left"),),
            (Cell("Ngày 17/4/2025", "left"),),
            (Cell("ĐẾN Số: 4707 Ngày 18/04/2025", "right"),),
            *_header(("ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ"), "Số: 33/UBND-VP", "Tân Phú, ngày      tháng 4 năm 2025"),
            (Cell("V/v báo cáo kết quả cải cách hành chính quý I", "left"),),
            *_body("Kính gửi: Sở Nội vụ.",
                   "Thực hiện Công văn số 120/SNV-CCHC ngày 02 tháng 4 năm 2025 của Sở Nội vụ,"),
            *_block("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", name="Đinh Thị Ngọc Lan"),
        ),),
        {"issuer": "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "number": "33", "symbol": "UBND-VP", "doc_type": "CV",
         "signer_name": "Đinh Thị Ngọc Lan"},
    ),
    HeaderSample(
        "appendices-after-the-signature",
        (
            (
                *_header(("UBND HUYỆN MỸ LỘC", "PHÒNG NỘI VỤ"), "Số: 09/BC-PNV", "Mỹ Lộc, ngày 02 tháng 12 năm 2025"),
                (Cell("BÁO CÁO", "centre", "bold"),),
                (Cell("Kết quả kiểm tra công vụ năm 2025", "centre", "bold"),),
                *_body("I. KẾT QUẢ", "Phòng Nội vụ đã kiểm tra 12 cơ quan, đơn vị trong năm."),
            ),
            (
                *_body("II. KIẾN NGHỊ", "Đề nghị các cơ quan khắc phục các tồn tại đã nêu./."),
                *_block("TRƯỞNG PHÒNG", name="Vũ Minh Khôi"),
            ),
            (
                (Cell("PHỤ LỤC I", "centre", "bold"),),
                (Cell("(Kèm theo Báo cáo số 09/BC-PNV ngày 02/12/2025)", "centre", "italic"),),
                *_body("STT Cơ quan Kết quả", "1 Văn phòng HĐND và UBND Đạt"),
                (Cell("NGƯỜI LẬP BIỂU", "right", "bold"),),
                (), (),
                (Cell("Hà Thu Trang", "right", "bold"),),
            ),
            (
                (Cell("PHỤ LỤC II", "centre", "bold"),),
                *_body("STT Cơ quan Tồn tại", "1 Trạm Y tế Chưa niêm yết thủ tục"),
                (Cell("NGƯỜI LẬP BIỂU", "right", "bold"),),
                (), (),
                (Cell("Hà Thu Trang", "right", "bold"),),
            ),
        ),
        {"number": "09", "symbol": "BC-PNV", "signer_name": "Vũ Minh Khôi", "signer_role": "TRƯỞNG PHÒNG"},
    ),
    HeaderSample(
        "academic-titles-signer",
        ((
            *_header(("ĐẠI HỌC VÙNG CAO", "TRƯỜNG ĐẠI HỌC NÔNG LÂM"), "Số: 210/QĐ-ĐHNL",
                     "Tây Sơn, ngày 06 tháng 10 năm 2025"),
            (Cell("QUYẾT ĐỊNH", "centre", "bold"),),
            (Cell("Về việc thành lập Tổ kiểm tra nội bộ", "centre", "bold"),),
            *_body("Căn cứ Luật Giáo dục đại học ngày 18 tháng 6 năm 2012;", "Điều 1. Thành lập Tổ kiểm tra."),
            *_block("HIỆU TRƯỞNG", name="GS.TS. Phan Văn Tín"),
        ),),
        {"number": "210", "symbol": "QĐ-ĐHNL", "date": "2025-10-06", "signer_name": "Phan Văn Tín"},
    ),
)


def write_header_pdf(sample: HeaderSample, path: Path) -> None:
    """Draw `sample` on A4 pages: left and right cells in the header columns, centred and body cells across."""
    fonts = register_fonts()
    canvas = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(sample.name)
    for page in sample.pages:
        y = PAGE_HEIGHT - MARGIN_TOP
        for row in page:
            for cell in row:
                canvas.setFont(fonts["bold" if "bold" in cell.style else "regular"], _SIZE)
                if cell.place == "left":
                    canvas.drawCentredString(sum(LEFT_COL) / 2, y, cell.text)
                elif cell.place == "right":
                    canvas.drawCentredString(sum(RIGHT_COL) / 2, y, cell.text)
                elif cell.place == "centre":
                    canvas.drawCentredString(PAGE_WIDTH / 2, y, cell.text)
                else:
                    canvas.drawString(MARGIN_LEFT, y, cell.text)
            y -= _ROW_HEIGHT
        canvas.showPage()
    canvas.save()


def write_all(folder: Path) -> list[Path]:
    """Every sample as `<name>.pdf` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for sample in SAMPLES:
        path = folder / f"{sample.name}.pdf"
        write_header_pdf(sample, path)
        paths.append(path)
    return paths
