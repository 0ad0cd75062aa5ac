"""Extractors: read evidence files and return typed facts. They never judge.

`read_document(path)` is the single entry point; everything it returns is a frozen
dataclass from `extractors.models`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiemchung.extractors.models import DocumentFacts
from kiemchung.extractors.pyhanko_sign import register_without_signing_api

if TYPE_CHECKING:
    from kiemchung.extractors.reader import read_document

__all__ = ["DocumentFacts", "read_document"]

register_without_signing_api()  # before any extractor imports pyHanko's validation: see that module


def __getattr__(name: str) -> Any:
    """`read_document` on first use: the reading stack (pyHanko, pypdf) takes about a second to
    import, which a run that finds every file in its cache never needs."""
    if name == "read_document":
        from kiemchung.extractors.reader import read_document

        return read_document
    raise AttributeError(f"module 'extractors' has no attribute {name!r}")
