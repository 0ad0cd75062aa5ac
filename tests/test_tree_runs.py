"""Runs on the shapes submissions really take: a province tree with stray files, twin NFC/NFD unit
folders, a unit with two self-assessment tables, an empty unit. The units are the generated sample
units (real PDFs, a real workbook); the checks are on what the run writes and prints."""

from __future__ import annotations

import csv
import json
import os
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from kiemchung.pipeline.cli import main
from tests.test_end_to_end import BATCH, MANIFEST, tree_state

UNITS = [unit["folder"] for unit in MANIFEST["units"]]


def _report(out: Path, name: str) -> dict[str, Any]:
    return dict(json.loads((out / name / "report.json").read_text("utf-8")))


def _summary(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_a_province_tree_with_stray_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    province = tmp_path / "Tỉnh Lâm Đồng"
    shutil.copytree(BATCH / UNITS[0], province / "Huyện Bảo Lâm" / UNITS[0])
    shutil.copytree(BATCH / UNITS[1], province / "Huyện Bảo Lâm" / UNITS[1])
    shutil.copytree(BATCH / UNITS[2], province / "Thành phố Đà Lạt" / UNITS[2])
    (province / "Thành phố Đà Lạt" / "UBND phường 12").mkdir()  # a unit that sent nothing
    guidance = next((BATCH / UNITS[0]).rglob("*.pdf")).read_bytes()
    (province / "Hướng dẫn chấm điểm.pdf").write_bytes(guidance)
    (province / "provenance.tsv").write_text("file\trepo\n", "utf-8")
    before = tree_state(province)
    out = tmp_path / "out"

    assert main(["check", str(province), "--year", "2023", "--out", str(out), "--format", "json,html"]) == 0

    assert tree_state(province) == before
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(f"Đã đọc {province}: 4 đơn vị (Huyện Bảo Lâm/{UNITS[0]}, ")
    assert printed[1] == "2 tệp không thuộc đơn vị nào: Hướng dẫn chấm điểm.pdf, provenance.tsv."
    assert printed[2].startswith("Cảnh báo: Thư mục «UBND phường 12» không có bảng tự đánh giá")
    names = [f"Huyện Bảo Lâm/{UNITS[0]}", f"Huyện Bảo Lâm/{UNITS[1]}", "Thành phố Đà Lạt/UBND phường 12",
             f"Thành phố Đà Lạt/{UNITS[2]}"]
    for name in names:
        assert _report(out, name)["unit"] == name
        page = (out / name / "report.html").read_text("utf-8")
        assert 'href="../../index.html"' in page and (out / name / "../../index.html").resolve().exists()
    rows = _summary(out)
    assert rows[0]["Đơn vị"] == "Thành phố Đà Lạt/UBND phường 12"
    assert rows[0]["Tình trạng hồ sơ"] == "Chưa nộp minh chứng"
    assert [row["Tình trạng hồ sơ"] for row in rows[1:]] == ["Đã nộp"] * 3
    tree = json.loads((out / "tree.json").read_text("utf-8"))
    assert [unit["name"] for unit in tree["units"]] == names
    assert tree["outside_units"] == ["Hướng dẫn chấm điểm.pdf", "provenance.tsv"]
    index = (out / "index.html").read_text("utf-8")
    assert "Thư mục đã đọc" in index and "provenance.tsv" in index
    assert index.index("UBND phường 12") < index.index(UNITS[0])  # no evidence submitted: first


def test_twin_nfc_nfd_unit_folders_are_both_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    composed = unicodedata.normalize("NFC", UNITS[0])
    decomposed = unicodedata.normalize("NFD", UNITS[0])
    evidence = tmp_path / "evidence"
    shutil.copytree(BATCH / UNITS[0], evidence / composed)
    shutil.copytree(BATCH / UNITS[1], evidence / decomposed)  # another unit's files under the twin name
    assert len(os.listdir(evidence)) == 2
    out = tmp_path / "out"

    assert main(["check", str(evidence), "--year", "2023", "--out", str(out), "--format", "json"]) == 0

    first, second = _report(out, composed), _report(out, f"{composed} (2)")
    assert (first["unit"], second["unit"]) == (composed, f"{composed} (2)")
    assert {e["path"] for e in first["evidence"]} != {e["path"] for e in second["evidence"]}
    assert sorted(row["Đơn vị"] for row in _summary(out)) == [composed, f"{composed} (2)"]
    assert "NFC/NFD" in capsys.readouterr().out


def test_two_self_assessment_tables_the_old_one_is_named_not_read(tmp_path: Path) -> None:
    unit = tmp_path / UNITS[0]
    shutil.copytree(BATCH / UNITS[0], unit)
    (table,) = [p for p in unit.iterdir() if p.suffix == ".xlsx"]
    old = table.with_name(f"{table.stem} (bản cũ).xlsx")
    old.write_bytes(b"not even a workbook")  # were it read, the unit would have no scores
    os.utime(old, (table.stat().st_mtime + 3600,) * 2)  # and it is the newer file
    out = tmp_path / "out"

    assert main(["check", str(unit), "--year", "2023", "--out", str(out), "--format", "json", "--quiet"]) == 0

    report = _report(out, UNITS[0])
    assert report["self_assessment"]["path"] == table.name
    (finding,) = [f for f in report["findings"] if f["rule"] == "self-assessment-choice"]
    assert table.name in finding["message"] and old.name in finding["message"]
    assert not any(f["rule"] == "self-assessment-unreadable" for f in report["findings"])
    assert old.name not in {e["path"] for e in report["evidence"]}
