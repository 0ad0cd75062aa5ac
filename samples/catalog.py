"""Who submits and what they submit: the sample units and the evidence document templates.

Units are commune/ward People's Committees (the three reference units, then generated ones with
unique names). Templates are the kinds of evidence documents filed under a criterion, with realistic
Vietnamese subjects and body text (``Căn cứ ...`` citations, numbered tasks, figures).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from samples.documents import format_vn_date

ASSESSMENT_YEAR = 2023
PROVINCE = "Thái Bình"


# --- units -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A commune or ward People's Committee submitting evidence."""

    index: int
    kind: Literal["xã", "phường"]
    place: str
    district: str
    chairman: str
    vice_chairman: str
    cccd: str
    mst: str

    @property
    def folder(self) -> str:
        return f"UBND {self.kind} {self.place}"

    @property
    def issuer(self) -> str:
        """Second header line, bold: ``XÃ CAO AN``."""
        return f"{self.kind} {self.place}".upper()

    @property
    def organization_name(self) -> str:
        """Certificate CN of the organisation: ``Ủy ban nhân dân xã Cao An``."""
        return f"Ủy ban nhân dân {self.kind} {self.place}"

    @property
    def short_name(self) -> str:
        return f"UBND {self.kind} {self.place}"

    @property
    def key(self) -> str:
        return f"u{self.index:03d}"

    def identity_key(self, role: str) -> str:
        return f"{self.key}/{role}"


_DEFAULT_UNITS = (
    ("xã", "Cao An", "huyện Kiến Xương", "Nguyễn Văn An", "Trần Văn Bình"),
    ("xã", "Tân Lập", "huyện Kiến Xương", "Trần Thị Bình", "Phạm Văn Dũng"),
    ("phường", "Hòa Bình", "thành phố Thái Bình", "Lê Hoàng Cường", "Vũ Thị Mai"),
)
_SYLLABLES_1 = ("Tân", "Hòa", "Phú", "Bình", "Đông", "Tây", "Nam", "Bắc", "Quang", "Minh", "Hưng", "Thạch",
                "Vĩnh", "An", "Thanh", "Hồng", "Đại", "Xuân", "Trung", "Yên")
_SYLLABLES_2 = ("Lập", "Bình", "Thịnh", "An", "Hòa", "Lộc", "Phong", "Sơn", "Thành", "Tiến", "Hưng", "Lợi",
                "Phú", "Mỹ", "Đức", "Hải", "Lạc", "Long", "Xuân", "Quý")
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
_MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc")
_GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương",
          "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Yến")
_DISTRICTS = ("huyện Kiến Xương", "huyện Vũ Thư", "huyện Tiền Hải", "thành phố Thái Bình")


def make_units(count: int, seed: int = 0) -> tuple[Unit, ...]:
    """The three reference units, then generated ones with unique place names."""
    rng = random.Random(f"units:{seed}")
    names = [(a, b) for a in _SYLLABLES_1 for b in _SYLLABLES_2 if a != b]
    rng.shuffle(names)
    taken = {place for _, place, *_ in _DEFAULT_UNITS}
    units: list[Unit] = []
    for i in range(count):
        if i < len(_DEFAULT_UNITS):
            kind, place, district, chairman, vice = _DEFAULT_UNITS[i]
        else:
            place = ""
            while not place or place in taken:
                first, second = names.pop()
                place = f"{first} {second}"
            taken.add(place)
            kind = "phường" if i % 4 == 3 else "xã"
            district = "thành phố Thái Bình" if kind == "phường" else rng.choice(_DISTRICTS[:3])
            chairman = f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
            vice = chairman
            while vice == chairman:
                vice = f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
        units.append(
            Unit(
                index=i,
                kind=kind,  # type: ignore[arg-type]
                place=place,
                district=district,
                chairman=chairman,
                vice_chairman=vice,
                cccd=f"00108{5 + i % 5}{12345 + 7919 * i:06d}",  # unit 0: CCCD:001085012345
                mst=f"{123456789 + 1000003 * i:010d}",  # unit 0: MST:0123456789
            )
        )
    return tuple(units)



# --- document templates ----------------------------------------------------------------------------

Kind = Literal["kh", "bc", "qd", "qppl", "tb", "bb", "tt", "cv"]


@dataclass(frozen=True)
class Template:
    """A kind of evidence document for one criterion."""

    key: str
    criterion: str
    kind: Kind
    type_name: str | None
    type_abbr: str
    subject: str
    month: int
    folder_title: str
    points: tuple[str, ...]
    """Template-specific body lines (tasks, results, articles)."""


TEMPLATES: tuple[Template, ...] = (
    Template("kh-cchc", "1.1", "kh", "KẾ HOẠCH", "KH",
             "Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023", 1, "Kế hoạch CCHC",
             ("Cải cách thể chế: rà soát, kiểm tra văn bản quy phạm pháp luật do HĐND, UBND xã ban hành.",
              "Cải cách thủ tục hành chính: niêm yết công khai 100% thủ tục hành chính; tỷ lệ hồ sơ giải "
              "quyết đúng hạn đạt trên 98%.",
              "Chính quyền số: 100% văn bản đi được ký số, trừ văn bản mật.")),
    Template("bc-cchc-q1", "1.2", "bc", "BÁO CÁO", "BC",
             "Kết quả thực hiện công tác cải cách hành chính quý I năm 2023", 3, "Báo cáo CCHC",
             ("Tiếp nhận 412 hồ sơ thủ tục hành chính, đã giải quyết đúng hạn 409 hồ sơ (đạt 99,3%).",
              "Ban hành 03 văn bản chỉ đạo, điều hành về cải cách hành chính.")),
    Template("bc-cchc-6t", "1.2", "bc", "BÁO CÁO", "BC",
             "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2023", 6, "Báo cáo CCHC",
             ("Tiếp nhận 845 hồ sơ, giải quyết đúng hạn 840 hồ sơ (đạt 99,4%), 05 hồ sơ đang giải quyết.",
              "Thực hiện 06/06 nhiệm vụ cải cách hành chính đề ra trong Kế hoạch năm.")),
    Template("kh-kiem-tra", "1.3", "kh", "KẾ HOẠCH", "KH",
             "Tự kiểm tra công tác cải cách hành chính năm 2023", 2, "Kiểm tra CCHC",
             ("Kiểm tra việc niêm yết, công khai thủ tục hành chính tại Bộ phận Một cửa.",
              "Kiểm tra việc chấp hành giờ giấc làm việc và văn hóa công sở.")),
    Template("bc-kiem-tra", "1.3", "bc", "BÁO CÁO", "BC",
             "Kết quả tự kiểm tra công tác cải cách hành chính năm 2023", 10, "Kiểm tra CCHC",
             ("Đã kiểm tra 04/04 bộ phận chuyên môn, phát hiện 02 tồn tại và đã khắc phục xong.",
              "100% công chức chấp hành tốt nội quy, quy chế làm việc.")),
    Template("kh-tuyen-truyen", "1.4", "kh", "KẾ HOẠCH", "KH",
             "Tuyên truyền cải cách hành chính năm 2023", 2, "Tuyên truyền CCHC",
             ("Tuyên truyền trên hệ thống loa truyền thanh xã ít nhất 02 lần/tháng.",
              "Tổ chức 01 cuộc thi tìm hiểu về cải cách hành chính trong đoàn viên, thanh niên.")),
    Template("qd-sang-kien", "1.5", "qd", "QUYẾT ĐỊNH", "QĐ",
             "Công nhận sáng kiến, giải pháp cải cách hành chính năm 2023", 11, "Sáng kiến CCHC",
             ("Công nhận 02 sáng kiến, giải pháp cải cách hành chính năm 2023 (có danh sách kèm theo).",)),
    Template("qd-qppl", "2.1", "qppl", "QUYẾT ĐỊNH", "QĐ",
             "Ban hành Quy chế quản lý, sử dụng nhà văn hóa thôn trên địa bàn xã", 3, "Văn bản QPPL",
             ("Ban hành kèm theo Quyết định này Quy chế quản lý, sử dụng nhà văn hóa thôn.",)),
    Template("bc-ra-soat", "2.2", "bc", "BÁO CÁO", "BC",
             "Kết quả tự kiểm tra, rà soát văn bản quy phạm pháp luật năm 2023", 11, "Rà soát văn bản",
             ("Rà soát 12 văn bản quy phạm pháp luật do HĐND, UBND xã ban hành; 10 văn bản còn hiệu lực.",
              "Kiến nghị bãi bỏ 02 văn bản không còn phù hợp.")),
    Template("tb-tthc", "3.1", "tb", "THÔNG BÁO", "TB",
             "Niêm yết công khai thủ tục hành chính thuộc thẩm quyền giải quyết của UBND xã", 4,
             "Công khai TTHC",
             ("Niêm yết 128 thủ tục hành chính tại Bộ phận Tiếp nhận và Trả kết quả.",
              "Công khai số điện thoại đường dây nóng tiếp nhận phản ánh, kiến nghị.")),
    Template("bc-tthc", "3.2.1", "bc", "BÁO CÁO", "BC",
             "Tình hình, kết quả giải quyết thủ tục hành chính quý II năm 2023", 6, "Giải quyết TTHC",
             ("Tổng số hồ sơ tiếp nhận: 433; giải quyết đúng hạn: 431 (đạt 99,5%); trễ hạn: 02.",
              "Đã gửi thư xin lỗi đối với 02/02 hồ sơ trễ hạn.")),
    Template("bc-pakn", "3.2.6", "bc", "BÁO CÁO", "BC",
             "Kết quả tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức năm 2023", 12,
             "Phản ánh, kiến nghị",
             ("Tiếp nhận 07 phản ánh, kiến nghị; đã xử lý 07/07 (đạt 100%), đúng thời hạn.",)),
    Template("qd-quy-che", "4.1", "qd", "QUYẾT ĐỊNH", "QĐ",
             "Ban hành Quy chế làm việc của Ủy ban nhân dân xã nhiệm kỳ 2021-2026", 1, "Quy chế làm việc",
             ("Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân xã.",)),
    Template("kh-dan-chu", "4.2", "kh", "KẾ HOẠCH", "KH",
             "Thực hiện dân chủ ở cơ sở năm 2023", 2, "Dân chủ cơ sở",
             ("Công khai các nội dung theo quy định của Luật Thực hiện dân chủ ở cơ sở năm 2022.",
              "Tổ chức hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân ít nhất 01 lần/năm.")),
    Template("bb-danh-gia", "5.2", "bb", "BIÊN BẢN", "BB",
             "Họp đánh giá, xếp loại chất lượng cán bộ, công chức năm 2023", 12, "Đánh giá CBCC",
             ("Kết quả: 05 đồng chí hoàn thành xuất sắc nhiệm vụ, 14 đồng chí hoàn thành tốt nhiệm vụ.",)),
    Template("tb-ky-luat", "5.3", "tb", "THÔNG BÁO", "TB",
             "Kết quả kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính quý III năm 2023", 9,
             "Kỷ luật kỷ cương",
             ("Qua kiểm tra 19/19 cán bộ, công chức, không có trường hợp vi phạm.",)),
    Template("bc-ngan-sach", "6.1", "bc", "BÁO CÁO", "BC",
             "Công khai dự toán ngân sách xã năm 2023", 1, "Công khai ngân sách",
             ("Tổng thu ngân sách xã: 8.452 triệu đồng; tổng chi ngân sách xã: 8.452 triệu đồng.",)),
    Template("tt-quyet-toan", "6.2", "tt", "TỜ TRÌNH", "TTr",
             "Đề nghị phê chuẩn quyết toán ngân sách xã năm 2022", 7, "Quyết toán ngân sách",
             ("Tổng thu ngân sách năm 2022: 9.120 triệu đồng, đạt 107,9% dự toán.",)),
    Template("kh-cds", "7.1", "kh", "KẾ HOẠCH", "KH",
             "Chuyển đổi số xã năm 2023", 3, "Chuyển đổi số",
             ("100% cán bộ, công chức được cấp và sử dụng chữ ký số cá nhân.",
              "Tỷ lệ hồ sơ thủ tục hành chính được số hóa đạt trên 80%.")),
    Template("cv-chu-ky-so", "7.2", "cv", None, "",
             "đăng ký bổ sung chứng thư số cho công chức", 5, "Chữ ký số",
             ("UBND xã đề nghị cấp bổ sung 03 chứng thư số cá nhân cho công chức mới tuyển dụng.",)),
    Template("bc-ktxh", "8.1", "bc", "BÁO CÁO", "BC",
             "Tình hình kinh tế - xã hội 6 tháng đầu năm, nhiệm vụ 6 tháng cuối năm 2023", 6, "Kinh tế - xã hội",
             ("Thu ngân sách 6 tháng ước đạt 4.650 triệu đồng, bằng 55% dự toán.",
              "Tỷ lệ hộ nghèo giảm còn 1,8%.")),
)
TEMPLATE_BY_KEY: Mapping[str, Template] = {t.key: t for t in TEMPLATES}
# Templates used for ordinary good documents, in rotation (công văn and QPPL are special cases).
GOOD_ROTATION = tuple(t.key for t in TEMPLATES if t.kind not in ("cv", "qppl"))


def district_citation(unit: Unit) -> str:
    return (f"Kế hoạch số 215/KH-UBND ngày 28/12/2022 của UBND {unit.district} về cải cách hành chính "
            f"năm {ASSESSMENT_YEAR}")


def body_for(template: Template, unit: Unit, when: date | None, *, citation: str | None = None) -> tuple[str, ...]:
    """Realistic body paragraphs. ``citation`` replaces the usual "Căn cứ ..." source document."""
    source = citation or district_citation(unit)
    subject = template.subject[0].lower() + template.subject[1:]
    points = tuple(f"{i}. {p}" for i, p in enumerate(template.points, start=1))
    if template.kind == "kh":
        return (
            f"Căn cứ {source};",
            f"Ủy ban nhân dân {unit.kind} {unit.place} ban hành Kế hoạch {subject} như sau:",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "Xác định rõ nhiệm vụ, thời hạn hoàn thành và trách nhiệm của từng bộ phận, công chức; "
            "gắn kết quả thực hiện với đánh giá, xếp loại cuối năm.",
            "II. NHIỆM VỤ TRỌNG TÂM",
            *points,
            "III. TỔ CHỨC THỰC HIỆN",
            "Giao công chức Văn phòng - Thống kê tham mưu theo dõi, đôn đốc và tổng hợp báo cáo kết quả "
            "thực hiện Kế hoạch này.",
        )
    if template.kind == "bc":
        return (
            f"Thực hiện {source}, Ủy ban nhân dân {unit.kind} {unit.place} báo cáo như sau:",
            "I. KẾT QUẢ THỰC HIỆN",
            *points,
            "II. TỒN TẠI, HẠN CHẾ",
            "Việc thanh toán trực tuyến phí, lệ phí còn thấp; một số hồ sơ bổ sung nhiều lần.",
            "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
            "Tiếp tục đẩy mạnh cải cách thủ tục hành chính, nâng cao chất lượng phục vụ người dân.",
        )
    if template.kind in ("qd", "qppl"):
        authority = (f"ỦY BAN NHÂN DÂN {unit.issuer}" if template.kind == "qppl"
                     else f"CHỦ TỊCH ỦY BAN NHÂN DÂN {unit.issuer}")
        legal_basis = ("Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;"
                       if template.kind == "qppl"
                       else "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;")
        return (
            authority,
            legal_basis,
            f"Căn cứ {source};",
            "Theo đề nghị của công chức Văn phòng - Thống kê.",
            "QUYẾT ĐỊNH:",
            f"Điều 1. {template.points[0]}",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
            "Điều 3. Công chức Văn phòng - Thống kê và các cá nhân có liên quan chịu trách nhiệm thi hành "
            "Quyết định này.",
        )
    if template.kind == "tb":
        return (
            f"Thực hiện {source}, Ủy ban nhân dân {unit.kind} {unit.place} thông báo như sau:",
            *points,
            "Ủy ban nhân dân thông báo để các tổ chức, cá nhân biết và thực hiện.",
        )
    if template.kind == "bb":
        day = format_vn_date(when) if when else "cùng ngày"
        return (
            f"Hôm nay, vào hồi 14 giờ 00 phút, {day}, tại Hội trường Ủy ban nhân dân {unit.kind} "
            f"{unit.place}, tiến hành họp {subject}.",
            "I. THÀNH PHẦN THAM DỰ",
            "Chủ trì: đồng chí Chủ tịch UBND; thư ký: công chức Văn phòng - Thống kê; 19 cán bộ, công chức.",
            "II. NỘI DUNG",
            *points,
            "Biên bản kết thúc vào hồi 16 giờ 30 phút cùng ngày, đã thông qua cho các thành viên dự họp "
            "cùng nghe và nhất trí.",
        )
    # tờ trình / công văn
    return (
        f"Thực hiện {source}, Ủy ban nhân dân {unit.kind} {unit.place} trân trọng đề nghị như sau:",
        *template.points,
        "Kính đề nghị xem xét, giải quyết./.",
    )
