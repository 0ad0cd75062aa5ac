"""Benchmark: the real documents of ../shared/real-documents, beside poppler, with and without OCR.

Run from the repository root:  .venv/bin/python bench/real_documents.py [--rounds 3] [--folder DIR]
It measures the code of the tree it lives in (PYTHONPATH), as bench/batch.py does, whose timing
helpers it uses.

1. CPU time per file: every file read once in this process with `read_document` (OCR off, the
   trust roots of ../shared/trust-roots), the slowest listed; the target is under 1 s each.
2. Wall time, in `--rounds` interleaved rounds, on the whole folder (`--layout batch`, no cache, the
   trust roots, reports as JSON only: poppler writes none), the tree byte-compiled first as an
   install leaves it:
   (a) `kiemchung check --no-ocr`, which does what the baseline does;
   (b) `kiemchung check` with OCR (the default), whose extra time is the scans' OCR;
   (c) the baseline: `pdfsig` then `pdftotext -l 2` for every PDF, one process after the other.
3. Prints a Markdown report for bench/RESULTS.md: each round's seconds and ratios, the best of each,
   and OCR's share of (b).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from batch import ROOT, baseline, compile_tree, timed

sys.path.insert(0, str(ROOT))  # `extractors` of this tree, for the in-process CPU times

SHARED = ROOT.parent / "shared"
PERIOD = '[period]\nyear = 2026\nstart = "2000-01-01"\nend = "2026-12-31"\n'  # every real date is in period


def cpu_per_file(folder: Path, roots: Path) -> list[tuple[float, Path]]:
    from kiemchung.extractors.reader import read_document

    times = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        started = time.process_time()
        read_document(path, trust_roots=(roots,), ocr=False)
        times.append((time.process_time() - started, path))
    return sorted(times, reverse=True)


def check(folder: Path, out: Path, config: Path, roots: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "kiemchung", "check", str(folder), "--layout", "batch", "--config", str(config),
            "--out", str(out), "--trust-root", str(roots), "--no-cache", "--quiet", "--format", "json", *options]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=SHARED / "real-documents")
    parser.add_argument("--roots", type=Path, default=SHARED / "trust-roots")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = [path for path in args.folder.rglob("*") if path.is_file()]
    pdfs = sorted(path for path in files if path.suffix.lower() == ".pdf")
    compile_tree()
    cpu = cpu_per_file(args.folder, args.roots)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="kiemchung-bench-real-") as scratch:
        work = Path(scratch)
        config = work / "period.toml"
        config.write_text(PERIOD, "utf-8")
        for index in range(max(1, args.rounds)):
            no_ocr = timed(check(args.folder, work / f"no-ocr-{index}", config, args.roots, "--no-ocr"))
            ocr = timed(check(args.folder, work / f"ocr-{index}", config, args.roots))
            rounds.append((no_ocr.seconds, ocr.seconds, baseline(pdfs)))
    print(f"{len(files)} files ({len(pdfs)} PDFs) in {args.folder.name}; {len(rounds)} rounds\n")
    print("CPU per file (read_document, OCR off), slowest five:\n")
    print("| CPU s | file |\n|---:|---|")
    for seconds, path in cpu[:5]:
        print(f"| {seconds:.2f} | {path.relative_to(args.folder)} |")
    print(f"\nAll {len(cpu)} files: {sum(s for s, _ in cpu):.1f} s of CPU; over 1 s: {sum(s > 1 for s, _ in cpu)}\n")
    print("| round | --no-ocr s | with OCR s | poppler s | --no-ocr / poppler | with OCR / poppler | OCR share |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for number, (no_ocr, ocr, poppler) in enumerate(rounds, start=1):
        print(f"| {number} | {no_ocr:.1f} | {ocr:.1f} | {poppler:.1f} | {no_ocr / poppler:.2f} | "
              f"{ocr / poppler:.2f} | {max(0.0, ocr - no_ocr) / ocr:.0%} |")
    best = [min(column) for column in zip(*rounds, strict=True)]
    print(f"| best | {best[0]:.1f} | {best[1]:.1f} | {best[2]:.1f} | {best[0] / best[2]:.2f} | "
          f"{best[1] / best[2]:.2f} | {max(0.0, best[1] - best[0]) / best[1]:.0%} |")


if __name__ == "__main__":
    main()
