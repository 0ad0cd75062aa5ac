"""The evidence tree is only ever read: same bytes, names and times after a run; links are not followed;
archives are unpacked elsewhere (a member named to leave the archive writes nowhere)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from kiemchung.pipeline.cli import main
from samples.archives import write_rar, write_zip_entries
from tests.test_end_to_end import BATCH, MANIFEST, tree_state


def test_a_run_changes_nothing_and_does_not_follow_links(tmp_path: Path) -> None:
    unit_name = MANIFEST["units"][0]["folder"]
    evidence = tmp_path / "evidence"
    unit = evidence / unit_name
    shutil.copytree(BATCH / unit_name, unit, symlinks=True)
    outside = tmp_path / "outside"
    (outside / "secret").mkdir(parents=True)
    (outside / "secret" / "Bí mật.pdf").write_bytes(next(unit.rglob("*.pdf")).read_bytes())
    os.symlink(outside / "secret", unit / "1.1" / "thư mục liên kết")
    os.symlink(outside / "secret" / "Bí mật.pdf", unit / "1.1" / "tệp liên kết.pdf")
    pdf = next(unit.rglob("*.pdf")).read_bytes()
    write_rar(unit / "1.1" / "Hồ sơ.rar", {"Kế hoạch 11.pdf": pdf})
    write_zip_entries(unit / "1.1" / "Thoát.zip", {"../../../../outside/secret/Ghi đè.pdf": (b"written", 0o100644)})
    before = tree_state(evidence)
    outside_before = tree_state(outside)

    assert main(["check", str(evidence), "--year", "2023", "--out", str(tmp_path / "out")]) == 0

    assert tree_state(evidence) == before, "the evidence tree changed"
    assert tree_state(outside) == outside_before
    report = json.loads((tmp_path / "out" / unit_name / "report.json").read_text("utf-8"))
    by_path = {e["path"]: e for e in report["evidence"]}
    for link in ("1.1/thư mục liên kết", "1.1/tệp liên kết.pdf"):
        assert by_path[link]["read_error"]["problem"] == "link"
        assert [f["rule"] for f in by_path[link]["findings"]] == ["unreadable"]
    assert not any("Bí mật" in path for path in by_path), "a link was followed out of the unit"
    assert by_path["1.1/Hồ sơ.rar!/Kế hoạch 11.pdf"]["read_error"] is None
    assert by_path["1.1/Thoát.zip!/outside/secret/Ghi đè.pdf"]["read_error"]["problem"] == "unsafe"
    assert not list((tmp_path / "out").glob(".kiemchung-archives-*")), "unpacked members were left behind"
