"""Archives (.zip, .rar, .7z) sent as evidence: each member is evidence in its own right.

An archive is read with libarchive (one reader for the three formats; RAR 4 and 5 included) and
its members are copied, block by block, into a private work folder of the run (never into the
evidence tree): they are then read like any file, by the same jobs and cache. What is not copied
is a member with a problem, reported for what it is:
- a name that leaves the archive (absolute, `..`, a drive letter) or a link: `unsafe` / `link`;
- an encrypted member (or archive): `encrypted`;
- more than MAX_MEMBERS members, a member over MAX_MEMBER_BYTES, more than MAX_TOTAL_BYTES in all, or
  more than MAX_RATIO times the archive's size once past RATIO_FLOOR bytes (a "zip bomb"): `unsafe`,
  and the rest of the archive is not read;
- an archive inside an archive is opened down to MAX_DEPTH levels; one deeper is `unsafe`.
Member names are decoded from the bytes stored: UTF-8 when they are valid UTF-8 (the zip UTF-8 flag,
7z, RAR), else the legacy code page that yields Vietnamese (CP1258, Windows-1252, CP437). Limits are
documented in SECURITY.md.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kiemchung.extractors.models import ReadError, ReadProblem

ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z")
MAX_DEPTH = 2  # a unit's archive (1) may hold archives (2); an archive at level 3 is not opened
MAX_MEMBERS = 5_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 32 * 1024 * 1024  # small archives of text compress far better than 100:1; that is no bomb
_BLOCK = 1024 * 1024  # bytes asked of libarchive per call (its default, a page, costs 2x the time in calls)
SEPARATOR = "!/"  # "Hồ sơ.zip!/Kế hoạch 11.pdf": a member as the reports name it

# Letters only Vietnamese uses (beyond ASCII): what a right decoding of a Vietnamese name yields.
_VIETNAMESE = set(
    "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
)
_LEGACY = ("cp1258", "cp1252", "cp437")


@dataclass(frozen=True)
class Member:
    """One member: its path inside the archive (nested ones as "a.zip!/b.pdf") and its copy, or its problem."""

    name: str  # NFC, "/"-separated
    copy: Path | None  # None when not copied (see `problem`)
    problem: ReadError | None = None


@dataclass(frozen=True)
class Opened:
    """An archive's members; `problem` when the archive itself could not be read (to the end)."""

    members: tuple[Member, ...]
    problem: ReadError | None = None


class _Limit(Exception):
    """A size limit was reached while copying: the rest of the archive is not read."""


class WorkFolder:
    """The run's private folder for unpacked members: made on first use, removed at the end of the run."""

    def __init__(self, parent: Path) -> None:
        self._parent = parent
        self._path: Path | None = None

    def path(self) -> Path:
        if self._path is None:
            self._parent.mkdir(parents=True, exist_ok=True)
            self._path = Path(tempfile.mkdtemp(prefix=".kiemchung-archives-", dir=self._parent))
        return self._path

    def remove(self) -> None:
        if self._path is not None:
            shutil.rmtree(self._path, ignore_errors=True)
            self._path = None


def is_archive(path: Path) -> bool:
    return path.suffix.lower() in ARCHIVE_SUFFIXES


def open_archive(archive: Path, workdir: Path, depth: int = 1) -> Opened:
    """Copy the archive's members into a new folder under `workdir`; never raises for a bad archive."""
    try:
        import libarchive  # the system library is looked up on import
    except (ImportError, OSError) as missing:
        return Opened((), ReadError(ReadProblem.UNSUPPORTED, f"libarchive is not installed: {missing}", "archive"))
    target = Path(tempfile.mkdtemp(prefix="a", dir=workdir))
    members: list[Member] = []
    try:
        size = archive.stat().st_size
        with libarchive.file_reader(str(archive)) as entries:
            for member in _members(entries, target, size, depth, workdir):
                members.append(member)
    except _Limit as limit:
        return Opened(tuple(members), ReadError(ReadProblem.UNSAFE, str(limit)))
    except (libarchive.ArchiveError, OSError) as error:
        return Opened(tuple(members), _error(error))
    return Opened(tuple(members))


def _members(entries: Iterator[Any], target: Path, size: int, depth: int, workdir: Path) -> Iterator[Member]:
    """Each entry copied or refused (entries: libarchive's, read in order, each once)."""
    from libarchive import ArchiveError

    total = 0
    for index, entry in enumerate(entries):
        if entry.isdir:
            continue
        if index >= MAX_MEMBERS:
            raise _Limit(f"more than {MAX_MEMBERS} members; the rest is not read")
        name = member_name(entry)
        problem = _refused(entry, name)
        if problem is not None:
            yield Member(_shown(name), None, problem)
            continue
        copy = target / str(index) / _file_name(name)
        copy.parent.mkdir()
        try:
            total = _copy(entry, copy, total, size)
        except ArchiveError as error:
            copy.unlink(missing_ok=True)
            yield Member(name, None, _error(error))
            continue
        except _Limit:
            copy.unlink(missing_ok=True)
            raise
        if not is_archive(copy):
            yield Member(name, copy)
        elif depth >= MAX_DEPTH:
            yield Member(name, None, ReadError(ReadProblem.UNSAFE, f"an archive nested deeper than {MAX_DEPTH} levels"))
        else:
            yield from _nested(name, open_archive(copy, workdir, depth + 1))


def _nested(name: str, opened: Opened) -> Iterator[Member]:
    for member in opened.members:
        yield Member(f"{name}{SEPARATOR}{member.name}", member.copy, member.problem)
    if opened.problem is not None:
        yield Member(name, None, opened.problem)


def _copy(entry: Any, copy: Path, total: int, size: int) -> int:
    """Write one member's data block by block, within the limits; returns the archive's running total."""
    written = 0
    with copy.open("wb") as out:
        for block in entry.get_blocks(_BLOCK):
            written += len(block)
            total += len(block)
            if written > MAX_MEMBER_BYTES:
                raise _Limit(f"a member over {MAX_MEMBER_BYTES} bytes once unpacked")
            if total > MAX_TOTAL_BYTES:
                raise _Limit(f"over {MAX_TOTAL_BYTES} bytes unpacked in all")
            if total > RATIO_FLOOR and total > MAX_RATIO * max(size, 1):
                raise _Limit(f"unpacks to over {MAX_RATIO} times its size ({size} bytes)")
            out.write(block)
    return total


def _refused(entry: Any, name: str) -> ReadError | None:
    if entry.issym or entry.islnk:
        return ReadError(ReadProblem.LINK, f"a link in the archive, to {entry.linkpath!r}; not followed")
    if not entry.isreg:
        return ReadError(ReadProblem.UNSAFE, "a device, pipe or socket entry")
    if leaves_folder(name):
        return ReadError(ReadProblem.UNSAFE, f"a name that leaves the archive: {name!r}")
    return None


def leaves_folder(name: str) -> bool:
    """Whether a "/"-separated name (`normal_name`'s) would be placed outside the folder it is unpacked in:
    absolute, `..`, a drive letter. The one rule for archive members and for the files of a folder uploaded
    to the web service."""
    parts = PurePosixPath(name).parts
    return name.startswith("/") or ".." in parts or bool(parts and parts[0].endswith(":"))


def _error(error: Exception) -> ReadError:
    text = str(error)
    if "ncrypt" in text or "assphrase" in text:
        return ReadError(ReadProblem.ENCRYPTED, text)
    return ReadError(ReadProblem.CORRUPT, text)


def member_name(entry: Any) -> str:
    """The member's path as its writer meant it: NFC, "/"-separated. The stored bytes are decoded here, not
    by libarchive, whose guess depends on the process's locale."""
    from libarchive import ffi

    raw = ffi.entry_pathname(entry._entry_p)
    return normal_name(decode_name(raw) if raw is not None else (ffi.entry_pathname_w(entry._entry_p) or ""))


def normal_name(name: str) -> str:
    """A stored path as the check names it: NFC, "/"-separated, without a "/" at either end."""
    return unicodedata.normalize("NFC", name.replace("\\", "/")).strip("/")


def decode_name(raw: bytes) -> str:
    """Bytes of a stored name: UTF-8 when valid, else the legacy code page giving the most Vietnamese letters."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [raw.decode(codec, errors="replace") for codec in _LEGACY]
    return unicodedata.normalize("NFC", max(candidates, key=_vietnamese_score))  # ties: the first, CP1258


def _vietnamese_score(decoded: str) -> int:
    """How Vietnamese a decoded name looks: its Vietnamese letters, tone marks that composed with their
    letter (CP1258 stores "ế" as "ê" and a combining acute: a wrong code page never composes), less
    what a name does not hold (symbols, box drawing, a no-break space, a mark left alone)."""
    name = unicodedata.normalize("NFC", decoded)
    letters = sum(char in _VIETNAMESE for char in name)
    composed = len(decoded) - len(name)
    odd = sum(not (char.isalnum() or char == " " or char in "._-()[]&,+'/") or unicodedata.combining(char) > 0
              for char in name)
    return 2 * letters + 2 * composed - 3 * odd


def _file_name(name: str) -> str:
    """The copy's file name: the member's own last part (its extension decides how it is read), bounded."""
    last = PurePosixPath(name).name.replace("\x00", "") or "member"
    if len(last.encode()) <= 200:
        return last
    suffix = PurePosixPath(last).suffix[:16]
    return last.encode()[: 200 - len(suffix.encode())].decode(errors="ignore") + suffix


def _shown(name: str) -> str:
    """A refused name as the report shows it: no leading "/" or ".." (it stays readable, never a path used)."""
    return "/".join(part for part in PurePosixPath(name).parts if part not in ("/", "..")) or "?"
