"""Rule `symbol-nonstandard`: a symbol that does not follow Decree 30."""

from __future__ import annotations

import re

from extractors.doctypes import TYPE_NAMES, type_for_title
from extractors.models import DocumentFacts
from validators.format import quoted
from validators.model import NOT_APPLICABLE, PASSED, DocumentRule, Outcome, Proof, RuleContext, Severity, Verdict

# <type or issuer abbreviation>-<issuer or unit>[-<unit>…]; parts may join codes with "&" or ".".
_WELL_FORMED = re.compile(r"^[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ0-9][A-ZĐ0-9&.]*)+$")


class SymbolNonstandard(DocumentRule):
    """The symbol after the number is malformed or contradicts the document type.

    What it checks: that the symbol has the Decree 30 shape `<type>-<issuer>`
    (`KH-UBND`, `QĐ-UBND`, `SNV-CCHC&PC`), that a typed document's symbol starts
    with its type's Appendix III abbreviation (a KẾ HOẠCH carries `KH-…`), and that
    a document without a type name (a công văn) has an issuer-style symbol
    (`UBND-VP`).

    Why it matters: a wrong symbol hints at a document drafted outside the
    office's register. Real symbols also use codes outside the table, so this is
    a warning for the council to look at, not a zero.

    Example: `Số: 11/KH/UBND` (slash instead of hyphen) and a KẾ HOẠCH numbered
    `11/BC-UBND` warn; `11/KH-UBND` passes.
    """

    code = "KC205"
    name = "symbol-nonstandard"
    title = "Ký hiệu văn bản không đúng thể thức"
    severity = Severity.WARNING
    zeroes = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        symbol = facts.header.symbol
        if symbol is None:
            return NOT_APPLICABLE
        value = symbol.value
        if not _WELL_FORMED.match(value):
            return Verdict(
                Outcome.FAILED,
                f"Ký hiệu {quoted(value)} không đúng dạng “<loại văn bản>-<cơ quan>” (ví dụ KH-UBND).",
                Proof.of(symbol),
            )
        type_name = facts.header.type_name
        expected = type_for_title(type_name.value) if type_name is not None else None
        prefix = value.split("-")[0]
        if expected is not None and prefix != expected:
            return Verdict(
                Outcome.FAILED,
                f"Văn bản là {TYPE_NAMES[expected]} nhưng ký hiệu {quoted(value)} "
                f"không bắt đầu bằng {quoted(expected + '-')}.",
                Proof.of(symbol),
            )
        return PASSED
