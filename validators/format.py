"""Vietnamese formatting for messages: dates as 30/01/2023, quoted extracted text."""

from __future__ import annotations

import datetime as dt


def vn_date(value: dt.date) -> str:
    """30/01/2023: the convention of Vietnamese administrative writing."""
    return value.strftime("%d/%m/%Y")


def quoted(text: str) -> str:
    """Extracted text as shown to the council, in Vietnamese quotation marks."""
    return f"“{text}”"


def vn_score(value: float) -> str:
    """1,5 and 2: scores with a decimal comma and no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
