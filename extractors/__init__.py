"""Extractors: read evidence files and return typed facts. They never judge.

`read_document(path)` is the single entry point; everything it returns is a frozen
dataclass from `extractors.models`.
"""

from extractors.models import DocumentFacts
from extractors.reader import read_document

__all__ = ["DocumentFacts", "read_document"]
