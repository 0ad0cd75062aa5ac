"""The tree as read, for the user: which units were found under PATH, which files belong to none,
and what was ambiguous. Printed before reading starts (a few lines, in the run's language), written as
`OUT/tree.json` (every run) and shown as a section of `OUT/index.html`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kiemchung.pipeline.atomic import write_text
from kiemchung.pipeline.discovery import Tree
from kiemchung.pipeline.labels import Lang
from kiemchung.pipeline.messages import text

_SHOWN = 8  # names listed on the terminal before "…"


@dataclass(frozen=True)
class TreeUnit:
    name: str  # the unit's name in the reports, and its output folder
    folder: str  # relative to PATH, NFC ("." for PATH itself)
    self_assessment: str | None
    ignored_tables: tuple[str, ...]
    files: int


@dataclass(frozen=True)
class TreeReport:
    """Plain strings only: what the reports show of the tree."""

    root: str
    units: tuple[TreeUnit, ...]
    outside: tuple[str, ...]  # files outside any unit, relative to PATH
    warnings: tuple[str, ...]


def tree_report(tree: Tree) -> TreeReport:
    units = tuple(
        TreeUnit(
            unit.name,
            tree.relative(unit.root) if unit.root != tree.root else ".",
            unit.relative(unit.self_assessment) if unit.self_assessment else None,
            tuple(unit.relative(path) for path in unit.ignored_tables),
            len(unit.files),
        )
        for unit in tree.units
    )
    return TreeReport(str(tree.shown_root), units, tuple(tree.relative(path) for path in tree.outside), tree.warnings)


def tree_lines(tree: Tree, lang: Lang = Lang.VI) -> list[str]:
    """What the terminal shows before reading: units found, files outside them, warnings."""
    report = tree_report(tree)
    names = [unit.name for unit in report.units]
    lines = [text("tree_read", lang, root=report.root, n=len(names), names=_listed(names))]
    if report.outside:
        lines.append(text("tree_outside", lang, n=len(report.outside), names=_listed(list(report.outside))))
    lines += [text("tree_warning", lang, warning=warning) for warning in report.warnings]
    return lines


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (f", … (+{len(names) - _SHOWN})" if len(names) > _SHOWN else "")


def write_tree(report: TreeReport, path: Path) -> None:
    """OUT/tree.json, written atomically."""
    data = {
        "root": report.root,
        "units": [
            {
                "name": unit.name,
                "folder": unit.folder,
                "self_assessment": unit.self_assessment,
                "ignored_tables": list(unit.ignored_tables),
                "files": unit.files,
            }
            for unit in report.units
        ],
        "outside_units": list(report.outside),
        "warnings": list(report.warnings),
    }
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
