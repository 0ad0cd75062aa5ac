"""What a spreadsheet cell may hold, and what a spreadsheet would run: shared by the workbooks and the CSV."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from kiemchung.validators.model import Finding

# Text starting with one of these is run as a formula by Excel and LibreOffice (OWASP: CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CellValue = str | int | float | bool | dt.date | None


class Percent(float):
    """A share shown as a percentage: 0.855 is 85,5 % in a workbook and 85.5 in a CSV (its header says "%")."""


def finding_counts(findings: Iterable[Finding]) -> Counter[str]:
    """How many open findings each rule code produced: a finding the council waived is no longer one to count
    (the reports still show it, marked "Đã miễn")."""
    return Counter(finding.code for finding in findings if finding.waived is None)
