"""The one file-hash helper: the reader hashes what it reads, and the run hashes files to find their
cached facts, with the same function so the two can never disagree."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> tuple[int, str]:
    """The size and the SHA-256 (hex) of a file's bytes, read once; `OSError` when it cannot be read."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256")
        return handle.tell(), digest.hexdigest()
