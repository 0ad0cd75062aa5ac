"""Archives sent as evidence: .zip (UTF-8 and legacy code-page names), .7z and .rar members are evidence
in their own right; hostile archives are findings, never crashes; nothing is written beside the evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from kiemchung.pipeline.archives import MAX_DEPTH, WorkFolder, decode_name, open_archive
from kiemchung.pipeline.cli import main
from kiemchung.pipeline.config import Layout
from kiemchung.pipeline.discovery import discover
from samples.archives import cp1258_bytes, write_rar, write_with_libarchive, write_zip, write_zip_entries
from tests.test_end_to_end import BATCH, MANIFEST, tree_state

UNIT = MANIFEST["units"][0]["folder"]
NAMES = ["Hồ sơ/Kế hoạch 11.pdf", "Báo cáo tổng kết năm.pdf", "Quyết định số 05.pdf"]


def _pdfs() -> list[bytes]:
    return [path.read_bytes() for path in sorted((BATCH / UNIT).rglob("*.pdf"))[:3]]


def _members(names: list[str] = NAMES) -> dict[str, bytes]:
    return dict(zip(names, _pdfs(), strict=True))


WRITERS = {
    "zip-utf8": lambda path, members: write_zip(path.with_suffix(".zip"), members),
    "zip-cp1258": lambda path, members: write_zip(path.with_suffix(".zip"), members, "cp1258"),
    "7z": lambda path, members: write_with_libarchive(path.with_suffix(".7z"), members, "7zip"),
    "rar": lambda path, members: write_rar(path.with_suffix(".rar"), members),
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_members_are_evidence_named_right_and_placed_by_folder(kind: str, tmp_path: Path) -> None:
    unit = tmp_path / "u"
    shutil.copytree(BATCH / UNIT, unit)
    (unit / "1.1").mkdir(exist_ok=True)
    WRITERS[kind](unit / "1.1" / "Hồ sơ", _members())
    work = WorkFolder(tmp_path / "work")
    (found,) = discover(unit, Layout.UNIT, work).units
    shown = {found.relative(path): path for path in found.files}
    suffix = ".zip" if kind.startswith("zip") else f".{kind}"
    for name, data in _members().items():
        copy = shown[f"1.1/Hồ sơ{suffix}!/{name}"]
        assert copy.read_bytes() == data and not copy.is_relative_to(unit)
    assert not any(path.endswith(suffix) for path in shown)  # the archive itself is not evidence
    work.remove()
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").iterdir())


def test_legacy_names_are_decoded() -> None:
    for name in NAMES:
        assert decode_name(cp1258_bytes(name)) == name
        assert decode_name(name.encode("utf-8")) == name
    assert decode_name("Báo cáo.pdf".encode("cp437")) == "Báo cáo.pdf"
    assert decode_name("Rapport été.pdf".encode("cp1252")) == "Rapport été.pdf"


def test_a_cp437_zip_names_the_criterion_folder(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "a.zip", {"1.2. Báo cáo/Báo cáo.pdf": _pdfs()[0]}, "cp437")
    opened = open_archive(archive, tmp_path)
    assert [member.name for member in opened.members] == ["1.2. Báo cáo/Báo cáo.pdf"]


def _hostile(folder: Path) -> dict[str, str]:
    """Each hostile archive, and the read problem its members (or itself) must get."""
    pdf = _pdfs()[0]
    write_with_libarchive(folder / "mật khẩu.zip", {"Kế hoạch.pdf": pdf}, "zip", "zip:encryption=zipcrypt", "x")
    write_zip(folder / "bom.zip", {"Kế hoạch.pdf": pdf, "rỗng.bin": bytes(64 * 1024 * 1024)})
    write_zip_entries(folder / "thoát.zip", {"../../../tmp/Kế hoạch.pdf": (pdf, 0o100644),
                                             "liên kết.pdf": (b"/etc/passwd", 0o120777)})
    inner = write_zip(folder / "c.zip", {"Kế hoạch.pdf": pdf})
    for level in ("b", "a"):
        inner = write_zip(folder / f"{level}.zip", {inner.name: inner.read_bytes()})
    (folder / "c.zip").unlink()
    (folder / "b.zip").unlink()
    (folder / "hỏng.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40)
    write_zip(folder / "trống.zip", {})
    return {
        "mật khẩu.zip!/Kế hoạch.pdf": "encrypted",
        "bom.zip": "unsafe",
        "thoát.zip!/tmp/Kế hoạch.pdf": "unsafe",
        "thoát.zip!/liên kết.pdf": "link",
        "a.zip!/b.zip!/c.zip": "unsafe",
        "hỏng.rar": "corrupt",
        "trống.zip": "empty",
    }


def test_hostile_archives_are_findings_and_the_evidence_is_untouched(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    unit = evidence / UNIT
    shutil.copytree(BATCH / UNIT, unit)
    (unit / "1.1").mkdir(exist_ok=True)
    expected = {f"1.1/{path}": problem for path, problem in _hostile(unit / "1.1").items()}
    before = tree_state(evidence)
    out = tmp_path / "out"

    assert main(["check", str(evidence), "--year", "2023", "--out", str(out), "--format", "json", "--quiet"]) == 0

    assert tree_state(evidence) == before, "the evidence tree changed"
    assert not (tmp_path / "tmp" / "Kế hoạch.pdf").exists()
    assert not list(out.glob(".kiemchung-archives-*")), "the work folder was left behind"
    report: dict[str, Any] = json.loads((out / UNIT / "report.json").read_text("utf-8"))
    by_path = {entry["path"]: entry for entry in report["evidence"]}
    for path, problem in expected.items():
        assert by_path[path]["read_error"]["problem"] == problem, path
        assert [f["rule"] for f in by_path[path]["findings"]] == ["unreadable"], path
        assert "1.1" in by_path[path]["criteria"], path
    assert "1.1/bom.zip!/Kế hoạch.pdf" in by_path  # read before the limit was reached
    assert by_path["1.1/bom.zip!/Kế hoạch.pdf"]["read_error"] is None
    assert MAX_DEPTH == 2 and by_path["1.1/a.zip!/b.zip!/c.zip"]["read_error"]["detail"].startswith("an archive nested")


def test_a_member_is_read_like_the_file_it_holds(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    unit = evidence / UNIT
    shutil.copytree(BATCH / UNIT, unit)
    folder = next(path.parent for path in sorted(unit.rglob("*.pdf")) if path.parent != unit)
    original = sorted(folder.glob("*.pdf"))[0]
    write_rar(folder / "Hồ sơ.rar", {original.name: original.read_bytes()})
    out = tmp_path / "out"

    assert main(["check", str(evidence), "--year", "2023", "--out", str(out), "--format", "json", "--quiet"]) == 0

    report = json.loads((out / UNIT / "report.json").read_text("utf-8"))
    by_path = {entry["path"]: entry for entry in report["evidence"]}
    relative = original.relative_to(unit).as_posix()
    member = by_path[f"{folder.relative_to(unit).as_posix()}/Hồ sơ.rar!/{original.name}"]
    assert member["document"] == by_path[relative]["document"]
    assert member["criteria"] == by_path[relative]["criteria"]


def test_a_province_given_as_one_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members = {}
    for unit in MANIFEST["units"][:2]:
        for path in sorted((BATCH / unit["folder"]).rglob("*")):
            if path.is_file():
                members[f"Huyện Bảo Lâm/{unit['folder']}/{path.relative_to(BATCH / unit['folder']).as_posix()}"] = (
                    path.read_bytes()
                )
    members["Hướng dẫn.pdf"] = _pdfs()[0]
    archive = write_with_libarchive(tmp_path / "Tỉnh Lâm Đồng.7z", members, "7zip")
    out = tmp_path / "out"

    assert main(["check", str(archive), "--year", "2023", "--out", str(out), "--format", "json"]) == 0

    tree = json.loads((out / "tree.json").read_text("utf-8"))
    assert tree["root"] == str(archive)
    assert [unit["name"] for unit in tree["units"]] == [f"Huyện Bảo Lâm/{u['folder']}" for u in MANIFEST["units"][:2]]
    assert tree["outside_units"] == ["Hướng dẫn.pdf"]
    assert capsys.readouterr().out.startswith(f"Đã đọc {archive}: 2 đơn vị")
    assert not list(out.glob(".kiemchung-archives-*"))
