"""Find the units under PATH and each unit's files, without following links, and say what was found.

A unit is recognised by what it holds: a self-assessment table at its top (`pipeline.table_choice`
names it), or criterion folders ("1.1", "TC 1.2 - …", "Lĩnh vực 1"). With `--layout auto` the tree
is searched at any depth (province → district → commune): a folder holding a table is a unit; a
folder whose subfolders hold units is a container; a folder with criterion folders (and no units
below) is a unit. Beside units:
- a sibling folder holding neither is a unit too (table-less, or empty: "no evidence submitted"),
  with a warning: at that level the folders are units;
- loose files (a guidance PDF, `provenance.tsv`, a README) are files outside any unit, listed.
When nothing is recognised, the subfolders holding files are the units (PATH itself when it holds
only loose files), with a warning. `--layout unit` takes PATH as one unit, `--layout batch` each
immediate subfolder; files beside them are listed as outside any unit.

A folder inside a unit that holds its own self-assessment table (and is not a criterion folder) is
a unit of its own, with a warning. A table given apart from the evidence (`check --self-assessment`,
a table uploaded beside the evidence on the web) is the self-assessment of the one unit found; the
tables in its folder are then left aside, named by `self-assessment-choice`. Names are compared NFC:
unit folders or files whose names differ only in Unicode normalisation (NFC/NFD) are all kept, under
distinct names ("Xã A (2)").
Paths are reported NFC with "/" separators, relative to the unit folder.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from kiemchung.criteria_map import criterion_code
from kiemchung.extractors.models import ReadError, ReadProblem
from kiemchung.extractors.sniff import is_system_file
from kiemchung.pipeline.archives import SEPARATOR, WorkFolder, is_archive, open_archive
from kiemchung.pipeline.config import Layout
from kiemchung.pipeline.errors import UsageError
from kiemchung.pipeline.messages import both
from kiemchung.pipeline.table_choice import choose_table, named_like_table


@dataclass(frozen=True)
class UnitFolder:
    name: str  # NFC, unique in the run: the path from PATH ("Huyện A/Xã B"), or PATH's own name
    root: Path
    self_assessment: Path | None
    files: tuple[Path, ...]  # every other file and every link (archive members: their copies), in report order
    ignored_tables: tuple[Path, ...] = ()  # other self-assessment tables, not read
    table_reason: str = ""  # why `self_assessment` was chosen over `ignored_tables` (Vietnamese)
    # Report paths that the file's place alone does not give: archive members ("a.zip!/b.pdf"), names
    # told apart after NFC.
    labels: Mapping[Path, str] = field(default_factory=dict, compare=False, repr=False)
    unopened: tuple[tuple[str, ReadError], ...] = ()  # archives and members not unpacked, by report path

    def relative(self, path: Path) -> str:
        """The report path of a file: NFC, "/"-separated, relative to the unit folder."""
        return self.labels.get(path) or nfc(path.relative_to(self.root).as_posix())

    @property
    def submitted(self) -> bool:
        """Whether the unit sent anything to judge: a self-assessment table and at least one file."""
        return self.self_assessment is not None and bool(self.files or self.unopened)


@dataclass(frozen=True)
class Tree:
    """PATH as read: its units, the files outside any unit, and what was ambiguous (Vietnamese)."""

    root: Path
    units: tuple[UnitFolder, ...]
    outside: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    given: Path | None = None  # the archive given as PATH, when `root` is where it was unpacked

    @property
    def shown_root(self) -> Path:
        return self.given or self.root

    def relative(self, path: Path) -> str:
        """A path as shown to the user: NFC, relative to PATH ("." for PATH itself)."""
        return nfc(path.relative_to(self.root).as_posix()) if path != self.root else nfc(self.root.name)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class _Found:
    units: list[UnitFolder] = field(default_factory=list)
    outside: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    is_unit: bool = False  # the folder searched is itself a unit (not a container)

    def add(self, other: _Found) -> None:
        self.units += other.units
        self.outside += other.outside
        self.warnings += other.warnings


def discover(path: Path, layout: Layout, work: WorkFolder | None = None, table: Path | None = None) -> Tree:
    """The units under PATH (PATH itself when it is one) and the files outside them.

    With a work folder, archives are unpacked into it (members are evidence; PATH may be an archive);
    without one, an archive is a file like any other. With a `table`, PATH must hold one unit, whose
    self-assessment it is.
    """
    if table is not None and not table.is_file():
        raise UsageError(*both("table_missing", path=table))
    given, unpacking = None, list[str]()
    if path.is_file() and is_archive(path) and work is not None:
        given, (path, unpacking) = path, _unpack_path(path, work)
    elif not path.is_dir():
        raise UsageError(*both("not_a_folder", path=path))
    if layout is Layout.UNIT:
        found = _unit(path, work)
    elif layout is Layout.BATCH:
        found = _batch(path, work)
    else:
        found = _search(path, work)
        if not found.units:
            found = _fallback(path, work)
    units = _distinct_names(path, found)
    if table is not None:
        units = [_given_table(units, table)]
    outside = sorted(found.outside, key=lambda f: nfc(f.relative_to(path).as_posix()))
    return Tree(path, tuple(units), tuple(outside), (*unpacking, *found.warnings), given)


def _given_table(units: list[UnitFolder], table: Path) -> UnitFolder:
    """The one unit, with `table` as its self-assessment (reported under its file name) and the tables
    found in its folder left aside."""
    if len(units) != 1:
        raise UsageError(*both("table_one_unit", n=len(units), names=", ".join(unit.name for unit in units)))
    unit = units[0]
    found = tuple(path for path in (unit.self_assessment, *unit.ignored_tables) if path is not None)
    reason = "bảng tự đánh giá được nộp riêng" if found else ""
    return replace(unit, self_assessment=table, ignored_tables=found, table_reason=reason,
                   labels={**unit.labels, table: nfc(table.name)})


def _unpack_path(archive: Path, work: WorkFolder) -> tuple[Path, list[str]]:
    """An archive given as PATH, unpacked as the folder tree it holds (inside the work folder), and a
    warning for each member that could not be unpacked (it has no unit to be reported in)."""
    opened = open_archive(archive, work.path())
    root = work.path() / "tree" / nfc(archive.name)
    root.mkdir(parents=True)
    problems = [(nfc(archive.name), opened.problem)] if opened.problem else []
    for member in opened.members:
        target = root / member.name  # names that leave the archive are never copied
        try:
            if member.copy is None:
                raise OSError(member.problem.detail if member.problem else "not unpacked")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(member.copy, target)
        except OSError as error:
            problems.append((member.name, member.problem or ReadError(ReadProblem.CORRUPT, str(error))))
    warnings = [
        f"Tệp nén «{nfc(archive.name)}»: không giải nén được «{name}» ({problem.problem.value}: {problem.detail})."
        for name, problem in problems
    ]
    return root, warnings


def _batch(root: Path, work: WorkFolder | None) -> _Found:
    subfolders, loose = _entries(root)
    if not subfolders:
        raise UsageError(*both("nothing_found", path=root))
    found = _Found(outside=loose)
    for folder in subfolders:
        found.add(_unit(folder, work))
    return found


def _search(folder: Path, work: WorkFolder | None) -> _Found:
    """Units at any depth under `folder`, by what they hold."""
    if _holds_table(folder):
        return _unit(folder, work)
    subfolders, loose = _entries(folder)
    below = [(sub, _search(sub, work)) for sub in subfolders]
    if not any(found.units for _, found in below):
        if any(criterion_code(nfc(sub.name)) is not None for sub in subfolders):
            return _unit(folder, work)
        return _Found(outside=loose + [f for _, found in below for f in found.outside])
    result = _Found(outside=loose)
    units_here = any(found.is_unit for _, found in below)
    for sub, found in below:
        if found.units or not units_here:
            result.add(found)
            continue
        # A folder beside units that holds neither a table nor criterion folders: a unit that sent little.
        result.add(_unit(sub, work))
        result.warnings.append(
            f"Thư mục «{nfc(sub.name)}» không có bảng tự đánh giá hay thư mục tiêu chí nhưng nằm cùng cấp "
            "với các đơn vị: được đọc là một đơn vị (chưa nộp đủ minh chứng)."
        )
    return result


def _fallback(root: Path, work: WorkFolder | None) -> _Found:
    """Nothing recognised: the subfolders holding files are the units, else PATH itself."""
    subfolders, loose = _entries(root)
    holding = [sub for sub in subfolders if any(_files_under(sub))]
    if not holding:
        if not loose:
            raise UsageError(*both("nothing_found", path=root))
        found = _unit(root, work)
        found.warnings.append(
            "Không thấy bảng tự đánh giá hay thư mục tiêu chí nào: cả thư mục được đọc là một đơn vị."
        )
        return found
    found = _Found(outside=loose)
    for sub in holding:
        found.add(_unit(sub, work))
    names = ", ".join(f"«{nfc(sub.name)}»" for sub in holding)
    message = f"Không thấy bảng tự đánh giá hay thư mục tiêu chí nào: mỗi thư mục con ({names}) được đọc là một đơn vị"
    if loose:
        message += (
            f"; {len(loose)} tệp ở thư mục gốc không thuộc đơn vị nào "
            "(nếu cả thư mục là một đơn vị, chạy lại với --layout unit)"
        )
    found.warnings.append(message + ".")
    return found


def _entries(folder: Path) -> tuple[list[Path], list[Path]]:
    """A folder's visible subfolders (links aside) and its other entries (files, links), NFC order."""
    try:
        children = sorted(folder.iterdir(), key=lambda p: nfc(p.name))
    except OSError:
        return [], [folder]
    subfolders = [p for p in children if not p.name.startswith(".") and p.is_dir() and not _is_link(p)]
    loose = [p for p in children if p not in subfolders and not _litter(p)]
    return subfolders, loose


def _litter(path: Path) -> bool:
    """Hidden entries and OS litter beside units: not worth listing as outside any unit."""
    return path.name.startswith(".") or is_system_file(path.name)


def _files_under(folder: Path) -> Iterable[Path]:
    for base, _, filenames in os.walk(folder, followlinks=False):
        yield from (Path(base) / name for name in filenames if not _litter(Path(name)))


def _holds_table(folder: Path) -> bool:
    try:
        return any(named_like_table(entry) and not _is_link(entry) for entry in folder.iterdir())
    except OSError:
        return False


def _unit(root: Path, work: WorkFolder | None) -> _Found:
    """The unit at `root`, and any unit folder nested in it (a subfolder with its own table)."""
    files: list[Path] = []
    nested: list[Path] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False, onerror=partial(_unlisted, files=files)):
        base = Path(folder)
        kept = []
        for name in dirnames:
            sub = base / name
            if _is_link(sub):
                files.append(sub)
            elif criterion_code(nfc(name)) is None and _holds_table(sub):
                nested.append(sub)
            else:
                kept.append(name)
        dirnames[:] = kept
        files.extend(base / name for name in filenames)
    choice = choose_table([f for f in files if f.parent == root and not _is_link(f)])
    set_aside = {choice.table, *choice.ignored}
    wanted = {f: nfc(f.relative_to(root).as_posix()) for f in files if f not in set_aside}
    unopened: list[tuple[str, ReadError]] = []
    if work is not None:
        for archive in [f for f in wanted if is_archive(f) and not _is_link(f)]:
            unopened += _unpacked(archive, wanted.pop(archive), work, wanted)
    evidence = sorted(wanted, key=lambda f: wanted[f])
    changed, collided = _distinct(wanted, files=True)
    labels = {f: changed.get(f, label) for f, label in wanted.items() if not f.is_relative_to(root) or f in changed}
    found = _Found(is_unit=True)
    found.units.append(
        UnitFolder(nfc(root.name), root, choice.table, tuple(evidence), choice.ignored, choice.reason, labels,
                   tuple(sorted(unopened)))
    )
    for group in collided:
        found.warnings.append(f"Trong «{nfc(root.name)}», {_twins(group)}")
    for sub in nested:
        found.add(_unit(sub, work))
        found.warnings.append(
            f"Thư mục «{nfc(sub.relative_to(root).as_posix())}» trong đơn vị «{nfc(root.name)}» có bảng tự đánh giá "
            "riêng: được đọc là một đơn vị riêng, không phải minh chứng."
        )
    return found


def _unpacked(archive: Path, label: str, work: WorkFolder, wanted: dict[Path, str]) -> list[tuple[str, ReadError]]:
    """An archive's members joined to `wanted` (copy -> "a.zip!/member" path); returns what was not unpacked."""
    opened = open_archive(archive, work.path())
    unopened = [(label, opened.problem)] if opened.problem else []
    for member in opened.members:
        shown = f"{label}{SEPARATOR}{member.name}"
        if member.copy is not None:
            wanted[member.copy] = shown
        else:
            unopened.append((shown, member.problem or ReadError(ReadProblem.CORRUPT, "")))
    if not opened.members and not opened.problem:
        unopened.append((label, ReadError(ReadProblem.EMPTY, "an archive without files")))
    return unopened


def _distinct_names(path: Path, found: _Found) -> list[UnitFolder]:
    """Each unit named by its path from PATH, names that collide after NFC told apart."""
    units = found.units
    names, collided = _distinct({u.root: nfc(_from(path, u.root)) for u in units}, files=False)
    for group in collided:
        found.warnings.append(_twins(group, folders=True))
    named = [
        UnitFolder(names.get(u.root, nfc(_from(path, u.root))), u.root, u.self_assessment, u.files,
                   u.ignored_tables, u.table_reason, u.labels, u.unopened)
        for u in units
    ]
    return sorted(named, key=lambda u: u.name)


def _from(path: Path, root: Path) -> str:
    return root.relative_to(path).as_posix() if root != path else root.name


def _distinct(wanted: Mapping[Path, str], *, files: bool) -> tuple[dict[Path, str], list[list[tuple[Path, str]]]]:
    """Labels made unique: where several paths want one label, the NFC-named path keeps it and the
    others get " (2)", " (3)"…; returns only the labels that changed, and each group that collided."""
    by_label: dict[str, list[Path]] = {}
    for path, label in wanted.items():
        by_label.setdefault(label, []).append(path)
    changed: dict[Path, str] = {}
    groups = []
    taken = set(wanted.values())
    for label, paths in by_label.items():
        if len(paths) < 2:
            continue
        paths.sort(key=lambda p: (nfc(p.name) != p.name, p.as_posix()))
        group = [(paths[0], label)]
        for index, path in enumerate(paths[1:], start=2):
            candidate = _numbered(label, index, files)
            while candidate in taken:
                index += 1
                candidate = _numbered(label, index, files)
            taken.add(candidate)
            changed[path] = candidate
            group.append((path, candidate))
        groups.append(group)
    return changed, groups


def _numbered(label: str, index: int, file: bool) -> str:
    """A folder: "Xã A" -> "Xã A (2)"; a file keeps its extension: "1.1/QĐ.pdf" -> "1.1/QĐ (2).pdf"."""
    head, _, last = label.rpartition("/")
    stem, dot, suffix = last.rpartition(".")
    numbered = f"{stem} ({index}).{suffix}" if file and dot and stem else f"{last} ({index})"
    return f"{head}/{numbered}" if head else numbered


def _twins(group: list[tuple[Path, str]], *, folders: bool = False) -> str:
    """The warning for names that differ only in Unicode normalisation."""
    what = "thư mục đơn vị" if folders else "tệp"
    shown = ", ".join(f"«{label}»" for _, label in group)
    message = (
        f"{len(group)} {what} có tên chỉ khác nhau ở cách mã hoá Unicode (NFC/NFD): "
        f"báo cáo riêng từng {what}: {shown}."
    )
    return message[0].upper() + message[1:] if folders else message


def _is_link(path: Path) -> bool:
    """Whether a path is a link (listed, never followed).

    A path the system cannot even stat (ENAMETOOLONG past PATH_MAX) is not taken for a link: walking
    into it fails and `_unlisted` reports it once as an entry of its own.
    """
    try:
        return path.is_symlink()
    except OSError:
        return False


def _unlisted(error: OSError, files: list[Path]) -> None:
    """A folder that cannot be listed is reported as an entry of its own."""
    if error.filename:
        files.append(Path(error.filename))
