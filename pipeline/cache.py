"""The result cache: what reading a file gave, kept in SQLite and found again by content.

A key is the SHA-256 of everything the result depends on: the file's bytes (their SHA-256), the
code (`code_fingerprint`: the installed kiemchung sources and the versions of the libraries that
read files) and the settings that change what is read (trust roots, OCR). A changed file, a new
version or other settings give another key, so an entry is never stale, only unused; entries not
used for `_KEEP_DAYS` are dropped when the cache is opened.

Values are pickled Python objects written by this program into a folder that only its user can
write (created 0700). Deleting the folder, or the file in it, is always safe: the next run reads
everything again. A cache that cannot be opened (damaged, read-only, locked) turns itself off with a
warning and the run goes on without it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import json
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import kiemchung

CACHE_FILE = "kiemchung-cache.sqlite3"
_KEEP_DAYS = 60
_COMMIT_EVERY = 200  # puts per transaction: a killed run keeps most of what it read
# Libraries whose output ends up in the cached facts: a new version may read a file differently.
_READING_LIBRARIES = ("pypdf", "pyhanko", "pyhanko-certvalidator", "asn1crypto", "python-docx", "openpyxl", "spacy",
                      "olefile", "xlrd")
_PACKAGES = ("kiemchung.pipeline", "kiemchung.extractors", "kiemchung.validators", "kiemchung.criteria_map")
_SOURCE_SUFFIXES = (".py", ".toml", ".yaml", ".json")


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/kiemchung, else ~/.cache/kiemchung."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kiemchung"


def digest(*parts: str | bytes) -> str:
    """SHA-256 over the parts, each length-prefixed so that ("ab", "c") differs from ("a", "bc")."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def canonical(value: Any) -> str:
    """A text that is the same in every process for equal settings: dataclasses as sorted JSON, sets
    sorted (their `repr` follows the per-process string hash), paths, dates and enums as text."""
    plain = dataclasses.asdict(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else value
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(map(str, value))
    return str(value)


@cache
def code_fingerprint() -> str:
    """The running code: every source file of its packages and the reading libraries' versions.

    Hashing the sources (a few hundred kilobytes, milliseconds) rather than trusting the version
    number keeps a developer's cache honest between two edits of the same version.
    """
    parts: list[str | bytes] = [kiemchung.__version__, sys.version]
    for name in _READING_LIBRARIES:
        try:
            parts.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    for package in _PACKAGES:
        root = Path(importlib.import_module(package).__file__ or "").parent
        for source in sorted(root.rglob("*")):
            if source.suffix in _SOURCE_SUFFIXES and "__pycache__" not in source.parts:
                parts += [source.relative_to(root).as_posix(), source.read_bytes()]
    return digest(*parts)


class ResultCache:
    """A key-value store of pickled results; see the module docstring. `None` folder: no cache."""

    def __init__(self, folder: Path | None, warn: Callable[[str], None] = print) -> None:
        self._db: sqlite3.Connection | None = None
        self._uncommitted = 0
        if folder is None:
            return
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            db = sqlite3.connect(folder / CACHE_FILE, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL, used REAL)")
            db.execute("DELETE FROM results WHERE used < ?", (time.time() - _KEEP_DAYS * 86_400,))
            db.commit()
            self._db = db
        except (OSError, sqlite3.Error) as error:
            warn(f"kiemchung: the cache in {folder} cannot be used ({error}); every file is read again")

    def get(self, key: str) -> Any | None:
        """The stored value, or None (absent, or unreadable: then it is simply read again)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            value = pickle.loads(row[0]) if row else None
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            value = None
        if value is not None:
            self._execute("UPDATE results SET used = ? WHERE key = ?", (time.time(), key))
        return value

    def put(self, key: str, value: Any) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._execute("INSERT OR REPLACE INTO results (key, value, used) VALUES (?, ?, ?)", (key, payload, time.time()))

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.commit()
            self._db.close()
            self._db = None

    def _execute(self, statement: str, values: tuple[Any, ...]) -> None:
        if self._db is None:
            return
        try:
            self._db.execute(statement, values)
            self._uncommitted += 1
            if self._uncommitted >= _COMMIT_EVERY:
                self._db.commit()
                self._uncommitted = 0
        except sqlite3.Error:
            pass  # a full disk or a locked file costs a re-read next time, never the run
