"""Writing reports so that no reader, and no interrupted run, ever leaves or sees half of one.

- A file is written under a temporary name in its own folder, then renamed over the target with
  `os.replace`: one rename within one folder, atomic on Linux (rename(2)) and on Windows/NTFS
  (MoveFileEx with MOVEFILE_REPLACE_EXISTING).
- A folder of reports (a unit's) is built complete in a temporary sibling folder, then renamed into
  place. No system renames a folder over a non-empty one (Linux: ENOTEMPTY; Windows: never for
  folders), so an existing folder is first renamed aside, then the new one renamed in, then the old
  one removed: a reader sees the old folder, for an instant no folder, or the new one; never part of
  one. An error or Ctrl-C between the two renames puts the old folder back. On Windows a folder
  holding a file that is open (a report in Excel) cannot be renamed: that is an `OSError`, and the
  old folder stays as it was.
- Temporary names start with `.kiemchung-`; an error or Ctrl-C removes them. What a killed process
  (SIGKILL, a power cut) left behind is removed by `sweep` at the next run into the same folder, so
  two runs must not write into one folder at once.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMPORARY_PREFIX = ".kiemchung-"


def _temporary(folder: Path, kind: str) -> Path:
    return folder / f"{TEMPORARY_PREFIX}{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def write_file(path: Path, write: Callable[[Path], object]) -> None:
    """Write `path` atomically: `write` fills a temporary file beside it, which then replaces `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path.parent, "file")
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text to `path` atomically."""
    write_file(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


@contextmanager
def staged_folder(folder: Path) -> Iterator[Path]:
    """An empty temporary sibling of `folder` to fill; when the block ends without an error it replaces
    `folder` as a whole (see the module docstring). On an error or Ctrl-C it is removed, and `folder`
    is as it was."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = _temporary(folder.parent, "new")
    staging.mkdir()
    try:
        yield staging
        _swap(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, folder: Path) -> None:
    if not os.path.lexists(folder):
        os.replace(staging, folder)
        return
    old = _temporary(folder.parent, "old")
    os.replace(folder, old)
    try:
        os.replace(staging, folder)
    except BaseException:
        os.replace(old, folder)
        raise
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def sweep(folder: Path) -> None:
    """Remove the temporary files and folders an earlier, killed run left directly in `folder`."""
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name.startswith(TEMPORARY_PREFIX):
                _remove(entry)
