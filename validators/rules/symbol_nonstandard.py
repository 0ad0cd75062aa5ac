"""Rule `symbol-nonstandard`: a symbol that does not follow Decree 30."""

from __future__ import annotations

import re

from kiemchung.extractors.doctypes import KNOWN_TYPE_NAMES, SYMBOL_WITHOUT_TYPE, type_for_title
from kiemchung.extractors.models import DocumentFacts
from kiemchung.validators.format import quoted
from kiemchung.validators.model import (
    NOT_APPLICABLE,
    PASSED,
    DocumentRule,
    Outcome,
    Proof,
    RuleContext,
    Severity,
    Verdict,
)

# <type or issuer abbreviation>-<issuer or unit>[-<unit>…]; parts may join codes with "&" or "." and
# name a unit in parentheses ("TTr-CAT(PC04)").
_PART = r"[A-ZĐ0-9][A-ZĐ0-9&.]*(?:\([A-ZĐ0-9&.-]+\))?"
_WELL_FORMED = re.compile(rf"^[A-ZĐ][A-Za-zĐđ]*(?:-{_PART})+$")
# The Party and mass organisations join the number to the type with a dash and put a slash after it
# ("Số 156-CV/TĐTN-BCTĐ&TTN"): the slash is theirs only where the number is written that way.
_PARTY_FORM = re.compile(rf"^[A-ZĐ][A-Za-zĐđ]*/{_PART}(?:-{_PART})*$")
_PARTY_NUMBER = re.compile(r"\d\s*-\s*[A-ZĐ][A-Za-zĐđ]*/")
# A law's or ordinance's symbol may name only the body that passed it: "QH14", "UBTVQH15".
_MAKER_ONLY = re.compile(r"^[A-ZĐ]+\d*$")


class SymbolNonstandard(DocumentRule):
    """The symbol after the number is malformed or contradicts the document type.

    What it checks: that the symbol has the Decree 30 shape `<type>-<issuer>`
    (`KH-UBND`, `QĐ-UBND`, `SNV-CCHC&PC`, `TTr-CAT(PC04)`), or the Party's `<type>/<issuer>`
    after a number joined with a dash (`156-CV/TĐTN-BCTĐ&TTN`), that a typed document's symbol starts with its type's
    abbreviation (a KẾ HOẠCH carries `KH-…`, a NGHỊ ĐỊNH `NĐ-…`), and that a document
    without a type name (a công văn) has an issuer-style symbol (`UBND-VP`). A law
    may carry only its maker (`QH14`).

    Why it matters: a wrong symbol hints at a document drafted outside the
    office's register. Real symbols also use codes outside the table, so this is
    a warning for the council to look at, not a zero.

    Example: `Số: 11/KH/UBND` (slash instead of hyphen) and a KẾ HOẠCH numbered
    `11/BC-UBND` warn; `11/KH-UBND` passes.
    """

    code = "KC205"
    name = "symbol-nonstandard"
    title = "Ký hiệu văn bản không đúng thể thức"
    action = (
        "Đối chiếu ký hiệu với Nghị định 30/2020/NĐ-CP (chữ viết tắt tên loại văn bản/chữ viết tắt tên cơ "
        "quan) và ghi đúng thể thức ở văn bản sau."
    )
    action_en = (
        "Check the symbol against Decree 30/2020 (type abbreviation/issuer abbreviation) and write it "
        "correctly in later documents."
    )
    guide = """Kiểm tra gì: ký hiệu có dạng `<loại văn bản>-<cơ quan>` theo Nghị định 30/2020/NĐ-CP (`KH-UBND`,
    `QĐ-UBND`, `SNV-CCHC&PC`, `TTr-CAT(PC04)`), hoặc dạng `<loại văn bản>/<cơ quan>` của văn bản Đảng đứng sau số có
    gạch nối (`156-CV/TĐTN-BCTĐ&TTN`); ký hiệu của văn bản có tên loại bắt đầu bằng chữ viết tắt của tên loại đó (KẾ
    HOẠCH mang ký hiệu `KH-…`, NGHỊ ĐỊNH mang `NĐ-…`); và văn bản không có tên loại (công văn) có ký hiệu theo tên
    cơ quan (`UBND-VP`). Luật có thể chỉ mang ký hiệu của cơ quan ban hành (`QH14`).

    Vì sao quan trọng: ký hiệu sai gợi ý văn bản được soạn ngoài sổ đăng ký văn bản của cơ quan. Ký hiệu thực tế
    cũng dùng những mã không có trong bảng, nên đây là cảnh báo để Hội đồng thẩm định xem xét, không làm 0 điểm.

    Ví dụ: `Số: 11/KH/UBND` (gạch chéo thay cho gạch nối) và một KẾ HOẠCH mang số `11/BC-UBND` bị cảnh báo;
    `11/KH-UBND` đạt.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        symbol = facts.header.symbol
        if symbol is None:
            return NOT_APPLICABLE
        value = symbol.value
        type_name = facts.header.type_name
        expected = type_for_title(type_name.value) if type_name is not None else None
        if expected in SYMBOL_WITHOUT_TYPE and _MAKER_ONLY.match(value):
            return PASSED
        party = _PARTY_FORM.match(value) and _PARTY_NUMBER.search(symbol.raw)
        if not (_WELL_FORMED.match(value) or party):
            return Verdict(
                Outcome.FAILED,
                f"Ký hiệu {quoted(value)} không đúng dạng “<loại văn bản>-<cơ quan>” (ví dụ KH-UBND).",
                Proof.of(symbol),
            )
        prefix = re.split(r"[-/]", value, maxsplit=1)[0]
        if expected is not None and expected not in SYMBOL_WITHOUT_TYPE and prefix != expected:
            return Verdict(
                Outcome.FAILED,
                f"Văn bản là {KNOWN_TYPE_NAMES[expected]} nhưng ký hiệu {quoted(value)} "
                f"không bắt đầu bằng {quoted(expected + '-')}.",
                Proof.of(symbol),
            )
        return PASSED
