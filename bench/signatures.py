"""Benchmark: signature verification and scan detection per document, beside poppler's pdfsig.

Run from the repository root:  .venv/bin/python bench/signatures.py [FOLDER] [--repeat N]
FOLDER defaults to samples/batch. Every readable PDF under it is measured N times (default 5) and the
median is kept: verify_signatures (pyHanko, offline, against samples/trust/test-root.pem),
PDFium's read of page 1 (its text and scan-detection facts), the whole read_document, and `pdfsig FILE` as a subprocess
(poppler's own signature check, when installed). Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiemchung.extractors import read_document
from kiemchung.extractors.pdfium_text import opened, read_page
from kiemchung.extractors.signatures import verify_signatures
from kiemchung.extractors.trust import load_trust_roots

ROOT = Path(__file__).resolve().parent.parent


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def readable_pdfs(folder: Path) -> list[Path]:
    pdfs = []
    for path in sorted(folder.rglob("*.pdf")):
        facts = read_document(path)
        if facts.read_error is None:
            pdfs.append(path)
    return pdfs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "samples" / "batch")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    roots = load_trust_roots([ROOT / "samples" / "trust" / "test-root.pem"])
    root_paths = (ROOT / "samples" / "trust" / "test-root.pem",)
    pdfsig = shutil.which("pdfsig")
    pdfs = readable_pdfs(args.folder)
    rows: dict[str, list[float]] = {
        "verify_signatures": [], "PDFium page 1 (text, imaging)": [], "read_document (all)": [], "pdfsig (poppler)": []
    }
    signatures = 0
    for path in pdfs:
        signatures += len(verify_signatures(path, roots))
        rows["verify_signatures"].append(median_ms(lambda p=path: verify_signatures(p, roots), args.repeat))
        with opened(path) as document:
            if document is not None:
                first_page = median_ms(lambda d=document: read_page(d, 0, imaging=True), args.repeat)
                rows["PDFium page 1 (text, imaging)"].append(first_page)
        rows["read_document (all)"].append(
            median_ms(lambda p=path: read_document(p, trust_roots=root_paths), args.repeat))
        if pdfsig:
            rows["pdfsig (poppler)"].append(median_ms(
                lambda p=path: subprocess.run([pdfsig, str(p)], capture_output=True, check=False), args.repeat))
    print(f"{len(pdfs)} readable PDFs, {signatures} signatures, under {args.folder.relative_to(ROOT)}; "
          f"median of {args.repeat} runs per file; Python {platform.python_version()}, {platform.machine()}\n")
    print("| measure | mean ms/doc | median ms/doc | max ms/doc | total s |")
    print("|---|---:|---:|---:|---:|")
    for name, values in rows.items():
        if values:
            print(f"| {name} | {statistics.mean(values):.1f} | {statistics.median(values):.1f} | "
                  f"{max(values):.1f} | {sum(values) / 1000:.2f} |")
    if rows["pdfsig (poppler)"]:
        ratio = sum(rows["verify_signatures"]) / sum(rows["pdfsig (poppler)"])
        print(f"\nverify_signatures / pdfsig: {ratio:.2f}")


if __name__ == "__main__":
    main()
