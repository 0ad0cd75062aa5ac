"""Benchmark: a province-sized batch, cold and warm, beside poppler run once per file.

Run from the repository root:  .venv/bin/python bench/batch.py [--units 50] [--docs-per-unit 48] [--rounds 2]
It measures the code of the tree it lives in (PYTHONPATH), so `git worktree add` gives a stable copy
to measure while the working tree changes; the data is that tree's bench/data.

1. Builds (once; reused while its manifest matches) a synthetic batch with the samples generator:
   by default 50 units x 48 evidence files, about 2,300 of them signed PDFs, in bench/data/.
2. Times, on the same files, with the machine otherwise idle:
   (a) `kiemchung check` cold: an empty cache folder (OCR on, as by default where Tesseract is installed);
   (b) the same command warm: the cache as (a) left it;
   (a') cold again with --no-ocr, which does what the baseline does (poppler reads no scan);
   (c) the baseline: `pdfsig FILE` then `pdftotext -l 2 FILE -` for every PDF, one process after
       the other, as a council's shell loop would run them;
   (d) cold runs on the first units holding about 500, 1,000 and 2,000 files, for the scaling.
   (a), (a') and (c) are repeated `--rounds` times, one after the other: a shared machine's speed
   drifts by a tenth within minutes, and the first run alone reads the files from disk.
3. Prints a Markdown report for bench/RESULTS.md: documents per second of the best round of each
   run, the ratios of each round (its runs measured minutes apart) and of the best ones, and the
   peak memory of the whole process tree (the parent and its workers, their RSS summed, sampled
   every 50 ms from /proc), the highest of the rounds.

poppler-utils must be installed (`apt-get install poppler-utils`) for the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SCALING = (500, 1000, 2000)


@dataclass(frozen=True)
class Timing:
    seconds: float
    peak_tree_mib: float  # all processes of the run, RSS summed
    peak_process_mib: float  # the largest single process


@dataclass(frozen=True)
class Round:
    cold: Timing
    no_ocr: Timing
    poppler: float


def best(timings: Sequence[Timing]) -> Timing:
    """The fastest run, with the highest memory peaks of them all."""
    return Timing(
        min(timing.seconds for timing in timings),
        max(timing.peak_tree_mib for timing in timings),
        max(timing.peak_process_mib for timing in timings),
    )


def generate(units: int, docs_per_unit: int) -> Path:
    """The batch folder, generated unless bench/data already holds this size."""
    manifest = DATA / "manifest.json"
    if manifest.exists():
        recorded = json.loads(manifest.read_text("utf-8"))
        if len(recorded["units"]) == units and recorded.get("docs_per_unit") == docs_per_unit:
            return DATA / "batch"
    command = [
        sys.executable,
        "-m",
        "samples.generate",
        "--out",
        str(DATA / "batch"),
        "--units",
        str(units),
        "--docs-per-unit",
        str(docs_per_unit),
        "--jobs",
        str(os.cpu_count() or 1),
    ]
    subprocess.run(command, cwd=ROOT, check=True)
    recorded = json.loads(manifest.read_text("utf-8"))
    recorded["docs_per_unit"] = docs_per_unit
    manifest.write_text(json.dumps(recorded, ensure_ascii=False), "utf-8")
    return DATA / "batch"


def tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) of VmRSS in KiB over `pid` and its descendants: the children of each of its threads (a child
    started by a thread other than the main one, as `kiemchung serve`'s worker starts a check, is listed under
    that thread's task only)."""
    total = largest = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            children = [child for task in Path(f"/proc/{current}/task").iterdir() for child in _children(task)]
        except (OSError, ValueError):
            continue
        total += rss
        largest = max(largest, rss)
        stack += [int(child) for child in children]
    return total, largest


def _children(task: Path) -> list[str]:
    try:
        return (task / "children").read_text().split()
    except OSError:  # the thread has just ended
        return []


def compile_tree() -> None:
    """Byte-compile this tree's packages, as `pip install` does: the runs then measure an installed tool,
    not Python compiling kiemchung's modules again in every process (PYTHONDONTWRITEBYTECODE is set on
    some machines, which leaves a source checkout without any bytecode)."""
    names = ("kiemchung", "pipeline", "extractors", "validators", "criteria_map", "web")
    packages = [str(ROOT / name) for name in names]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True, stdout=subprocess.DEVNULL)


def timed(command: Sequence[str]) -> Timing:
    """Run a command, sampling its process tree's memory until it ends."""
    started = time.perf_counter()
    # The code of this tree, whatever else is installed: a worktree gives a stable copy to measure.
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, env=environment)
    peaks = [0, 0]

    def sample() -> None:
        while process.poll() is None:
            total, largest = tree_rss(process.pid)
            peaks[0], peaks[1] = max(peaks[0], total), max(peaks[1], largest)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if process.wait() not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    seconds = time.perf_counter() - started
    sampler.join()
    return Timing(seconds, peaks[0] / 1024, peaks[1] / 1024)


def kiemchung(batch: Path, out: Path, cache: Path, *options: str) -> list[str]:
    trust = DATA / "trust" / "test-root.pem"
    command = [sys.executable, "-m", "kiemchung", "check", str(batch), "--year", "2023", "--out", str(out)]
    return [*command, "--trust-root", str(trust), "--cache-dir", str(cache), "--quiet", *options]


def baseline(pdfs: Sequence[Path]) -> float:
    """Seconds for pdfsig and pdftotext -l 2 on every PDF, one process at a time."""
    if not shutil.which("pdfsig") or not shutil.which("pdftotext"):
        raise SystemExit("the baseline needs poppler-utils: apt-get install poppler-utils")
    started = time.perf_counter()
    for pdf in pdfs:
        subprocess.run(["pdfsig", str(pdf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["pdftotext", "-l", "2", str(pdf), "-"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def subset(batch: Path, files: int, into: Path) -> tuple[Path, int]:
    """The first units holding at least `files` files, hard-linked into a folder of their own."""
    count = 0
    into.mkdir(parents=True)
    for unit in sorted(path for path in batch.iterdir() if path.is_dir()):
        shutil.copytree(unit, into / unit.name, copy_function=os.link)
        count += sum(1 for path in unit.rglob("*") if path.is_file())
        if count >= files:
            break
    return into, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--docs-per-unit", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=2, help="times cold, cold --no-ocr and poppler run (default 2)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 500/1,000/2,000 runs")
    args = parser.parse_args()
    batch = generate(args.units, args.docs_per_unit)
    compile_tree()
    files = [path for path in batch.rglob("*") if path.is_file()]
    pdfs = sorted(path for path in files if path.suffix.lower() == ".pdf")
    with tempfile.TemporaryDirectory(prefix="kiemchung-bench-") as scratch:
        work = Path(scratch)
        rounds = []
        for index in range(max(1, args.rounds)):
            cold = timed(kiemchung(batch, work / f"cold-{index}", work / f"cache-{index}"))
            if index == 0:
                warm = timed(kiemchung(batch, work / "warm", work / "cache-0"))
            no_ocr = timed(kiemchung(batch, work / f"no-ocr-{index}", work / f"cache-no-ocr-{index}", "--no-ocr"))
            rounds.append(Round(cold, no_ocr, baseline(pdfs)))
        scaling = []
        if not args.no_scaling:
            for size in SCALING:
                folder, count = subset(batch, size, work / f"subset-{size}")
                out, cache = work / f"out-{size}", work / f"cache-{size}"
                scaling.append((count, timed(kiemchung(folder, out, cache, "--no-ocr"))))
    report(len(files), len(pdfs), rounds, warm, scaling)


def report(files: int, pdfs: int, rounds: list[Round], warm: Timing, scaling: list[tuple[int, Timing]]) -> None:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"{files} files ({pdfs} PDFs); {os.cpu_count()} cores ({cpu}); Python {platform.python_version()}; "
        f"best of {len(rounds)} rounds\n"
    )
    cold, no_ocr = best([each.cold for each in rounds]), best([each.no_ocr for each in rounds])
    poppler = min(each.poppler for each in rounds)
    runs = {"cold": cold, "warm": warm, "cold, --no-ocr": no_ocr}
    print("| run | seconds | files/s | peak memory, all processes | largest process |")
    print("|---|---:|---:|---:|---:|")
    for name, timing in runs.items():
        print(
            f"| kiemchung {name} | {timing.seconds:.1f} | {files / timing.seconds:.0f} | "
            f"{timing.peak_tree_mib:.0f} MiB | {timing.peak_process_mib:.0f} MiB |"
        )
    print(f"| poppler: pdfsig + pdftotext -l 2, per PDF | {poppler:.1f} | {pdfs / poppler:.0f} | | |")
    print(
        f"\ncold / poppler: {cold.seconds / poppler:.2f}; cold --no-ocr / poppler: {no_ocr.seconds / poppler:.2f} "
        f"(best runs); cold / warm: {rounds[0].cold.seconds / warm.seconds:.1f}x (round 1, whose cache warm reads)"
    )
    for number, each in enumerate(rounds, start=1):
        print(
            f"round {number}: cold {each.cold.seconds:.1f} s, --no-ocr {each.no_ocr.seconds:.1f} s, "
            f"poppler {each.poppler:.1f} s; cold / poppler {each.cold.seconds / each.poppler:.2f}, "
            f"--no-ocr / poppler {each.no_ocr.seconds / each.poppler:.2f}"
        )
    if scaling:
        print("\nScaling (cold, --no-ocr):\n")
        print("| files | seconds | ms per file | peak memory, all processes |")
        print("|---:|---:|---:|---:|")
        for count, timing in scaling:
            print(
                f"| {count} | {timing.seconds:.1f} | {1000 * timing.seconds / count:.1f} "
                f"| {timing.peak_tree_mib:.0f} MiB |"
            )


if __name__ == "__main__":
    main()
