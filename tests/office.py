"""LibreOffice headless, to print the Word and Excel reports to PDF as a council member's office suite would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_SOFFICE = (
    "LibreOffice is not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui; "
    "scripts/test.sh installs them)"
)
A4_LANDSCAPE = (842, 595)  # points


def to_pdf(document: Path, folder: Path) -> PdfReader:
    """Convert with LibreOffice headless, in a profile of its own (runs in parallel do not share one)."""
    assert SOFFICE is not None
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(document),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    return PdfReader(folder / f"{document.stem}.pdf")


def page_sizes(pdf: PdfReader) -> list[tuple[int, int]]:
    """Each page's size in whole points (595 x 842 is A4 upright)."""
    return [(round(float(page.mediabox.width)), round(float(page.mediabox.height))) for page in pdf.pages]
