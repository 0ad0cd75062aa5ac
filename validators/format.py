"""Vietnamese formatting for messages: dates as 30/01/2023, quoted extracted text."""

from __future__ import annotations

import datetime as dt


def vn_date(value: dt.date) -> str:
    """30/01/2023: the convention of Vietnamese administrative writing."""
    return value.strftime("%d/%m/%Y")


def quoted(text: str) -> str:
    """Extracted text as shown to the council, in Vietnamese quotation marks."""
    return f"“{text}”"
