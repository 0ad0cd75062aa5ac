"""Benchmark: Word 97-2003 (.doc) reading, beside converting the same file with LibreOffice headless.

Run from the repository root:  .venv/bin/python bench/word97.py [FILE.doc ...] [--repeat N]
Files default to tests/fixtures/legacy-office/*.doc and the .doc files of ../shared/real-documents.
Each file is read N times (default 20) and the median kept: `read_word97` (text and layout), then
`parse_header` over its lines, then one `soffice --headless --convert-to docx` (when installed).
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiemchung.extractors.header import parse_header  # noqa: E402
from kiemchung.extractors.word97 import read_word97  # noqa: E402


def _median_ms(function: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _libreoffice_s(path: Path) -> str:
    soffice = shutil.which("soffice")
    if soffice is None:
        return "not installed"
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", out, str(path)],
                       capture_output=True, check=False, timeout=300)
        return f"{time.perf_counter() - started:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    files = args.files or [*sorted((ROOT / "tests" / "fixtures" / "legacy-office").glob("*.doc")),
                           *sorted((ROOT.parent / "shared" / "real-documents").rglob("*.doc"))]
    print("| file | KiB | read_word97 | parse_header | LibreOffice to .docx |\n|---|---|---|---|---|")
    for path in files:
        if path.read_bytes()[:4] != b"\xd0\xcf\x11\xe0":
            continue  # an OOXML file named .doc is read as .docx, not here
        lines = read_word97(path).lines
        read = _median_ms(lambda path=path: read_word97(path), args.repeat)
        parse = _median_ms(lambda lines=lines: parse_header(lines), args.repeat)
        print(f"| {path.name[:40]} | {path.stat().st_size // 1024} | {read:.1f} ms | {parse:.1f} ms "
              f"| {_libreoffice_s(path)} |")


if __name__ == "__main__":
    main()
