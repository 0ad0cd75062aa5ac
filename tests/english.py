"""The English words that must not reach what a Vietnamese user reads, shared by the report and CLI tests.

The list is the labels' and messages' English wording and the libraries' error texts; none of its
words is Vietnamese or a part of the samples' file names (which hold ".signed.pdf"). What the unit's
own files say (their names, a signature field "Signature1", a quote between “ and ”) is the user's
text, not ours: a test names it in `own` and it is taken out before the words are looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ENGLISH = frozenset(
    {
        "the",
        "and",
        "of",
        "with",
        "without",
        "not",
        "is",
        "are",
        "was",
        "for",
        "from",
        "file",
        "files",
        "signature",
        "signatures",
        "criterion",
        "criteria",
        "points",
        "score",
        "report",
        "unit",
        "units",
        "finding",
        "findings",
        "none",
        "unknown",
        "yes",
        "error",
        "warning",
        "could",
        "decide",
        "page",
        "trusted",
        "untrusted",
        "configured",
        "password",
        "encrypted",
        "marker",
        "missing",
        "invalid",
        "found",
        "total",
        "totals",
        "field",
        "fields",
        "rank",
        "appendix",
        "council",
        "date",
        "number",
        "issuer",
        "summary",
        "results",
        "checked",
        "version",
        "recipients",
        "archive",
        "chair",
        "usage",
        "options",
        "arguments",
        "show",
        "help",
        "exit",
        "required",
        "folder",
        "where",
    }
)

_QUOTED = re.compile(r"“[^”]*”")


def english_words(text: str, own: Iterable[str] = ()) -> set[str]:
    """The words of ENGLISH in `text`, once the strings in `own` and every “quote” are taken out."""
    for value in sorted({value for value in own if value}, key=len, reverse=True):
        text = text.replace(value, " ")
    text = _QUOTED.sub(" ", text)
    return {word.lower() for word in re.findall(r"[A-Za-z]+", text)} & ENGLISH
