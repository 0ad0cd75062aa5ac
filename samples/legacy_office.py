"""Word 97-2003 (.doc) and Excel 97-2003 (.xls) fixtures, written by a real writer: LibreOffice.

The project's own writers make a .docx or .xlsx; LibreOffice headless converts it to the binary
format, as a unit's office software would save it. The results are small and committed under
`tests/fixtures/legacy-office/`, so tests (and CI) never need LibreOffice; this script is how they
were made and how to make them again:

    apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui
    python -m samples.legacy_office            # rewrites tests/fixtures/legacy-office/

LibreOffice writes its own build and the conversion time into the files, so a rerun changes their
bytes, not what they say.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from kiemchung.extractors.legacy import LegacyEncoding
from samples.documents import DocSpec, write_docx
from samples.legacy import TCVN3_PLAN, write_legacy_docx
from samples.self_assessment import SelfAssessment, build_self_assessment, write_self_assessment_xlsx

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "legacy-office"

# A plan whose header sits in Word's borderless two-column table, its number and date filled in.
PLAN = DocSpec(
    date=date(2023, 1, 30),
    type_name="KẾ HOẠCH",
    subject="Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023",
    body=("Căn cứ Kế hoạch số 12a/KH-UBND ngày 05/01/2023 của UBND huyện về cải cách hành chính;",
          "UBND xã Cao An ban hành Kế hoạch cải thiện Chỉ số CCHC năm 2023 như sau:"),
    number="15",
)
EVIDENCE = {
    "1.1": ("Kế hoạch số 11/KH-UBND ngày 30/01/2023", "Kế hoạch số 15/KH-UBND ngày 06/02/2023"),
    "2.2": ("Báo cáo số 45/BC-UBND ngày 12/10/2023",),
    "7.2": ("Quyết định số 134/QĐ-UBND ngày 01/3/2023",),
}


def self_assessment() -> SelfAssessment:
    """The table written to `bang-tu-danh-gia.xls` (and, by tests, to an .xlsx to compare with)."""
    return build_self_assessment(unit_name="UBND xã Cao An", issuer_parent="UBND HUYỆN ĐÔNG SƠN",
                                 issuer="UBND XÃ CAO AN", year=2023, evidence=EVIDENCE, seed=7)


# Fixture name -> (the format LibreOffice converts to, how the source file is written).
FIXTURES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "ke-hoach-15.doc": ("doc:MS Word 97", lambda path: write_docx(PLAN, path.with_suffix(".docx"))),
    "ke-hoach-11-tcvn3.doc": (
        "doc:MS Word 97",
        lambda path: write_legacy_docx(TCVN3_PLAN, path.with_suffix(".docx"), LegacyEncoding.TCVN3),
    ),
    "bang-tu-danh-gia.xls": (
        "xls:MS Excel 97",
        lambda path: write_self_assessment_xlsx(self_assessment(), path.with_suffix(".xlsx")),
    ),
}


def convert(source: Path, target_format: str, out: Path) -> Path:
    """Convert `source` with LibreOffice headless into folder `out`; returns the written file."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as profile:  # a throwaway profile: no first-run state kept
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                        target_format, "--outdir", str(out), str(source)], check=True, capture_output=True,
                       timeout=300)
    return out / f"{source.stem}.{target_format.split(':')[0]}"


def main(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as work:
        for name, (target_format, write_source) in FIXTURES.items():
            source = Path(work) / name
            write_source(source)
            converted = convert(next(Path(work).glob(f"{source.stem}.*")), target_format, Path(work) / "out")
            written.append(Path(shutil.copyfile(converted, folder / name)))
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(path, path.stat().st_size)
