"""Criterion codes read from folder names.

A folder names a criterion when its name starts with a code, optionally after a
label: "1.1", "1.1. Kế hoạch", "TC 1.2 - Báo cáo", "Tiêu chí 3.2.6", "TC1.2",
"Lĩnh vực 1". Each level of a code has one or two digits, so a year ("2023") or a
date ("30.01.2023") is never taken for a code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from kiemchung.extractors.text import fold

_LABELS = r"(?:tieu\s*chi\s*thanh\s*phan|tieu\s*chi|linh\s*vuc|tc|tctp|lv|muc|chi\s*so)"
_CODE = re.compile(rf"^(?:{_LABELS}\s*[.:_-]?\s*)?(?P<code>\d{{1,2}}(?:\.\d{{1,2}})*)(?:\.(?!\d))?(?=$|[^\d.])")


@lru_cache(maxsize=4096)  # every file in a folder asks again
def criterion_code(folder_name: str) -> str | None:
    """The criterion code a folder name starts with, or None."""
    match = _CODE.match(fold(folder_name))
    if match is None:
        return None
    return ".".join(str(int(level)) for level in match.group("code").split("."))


def criteria_for_path(folders: Sequence[str]) -> tuple[str, ...]:
    """The criterion of a file from its folders (outermost first): the deepest coded folder."""
    for name in reversed(folders):
        code = criterion_code(name)
        if code is not None:
            return (code,)
    return ()
