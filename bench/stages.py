"""Benchmark: where one PDF's reading time goes, stage by stage, in one process.

Run from the repository root:  .venv/bin/python bench/stages.py [FOLDER] [--limit N]

FOLDER defaults to bench/data/batch (made by bench/batch.py), else samples/batch. For the first N
readable PDFs (default 200) it times, in CPU milliseconds per PDF, each stage `read_document` runs:
opening and charging the content budget, the layout text of the first and last page, the signature
widgets with their appearance text, the header parser, page imaging and pyHanko's verification. OCR
is left out (bench/batch.py times it with the whole run). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiemchung.extractors import pdf as pdf_extractor
from kiemchung.extractors import pdfium_text
from kiemchung.extractors.header import parse_header
from kiemchung.extractors.signatures import verify_signatures
from kiemchung.extractors.trust import load_trust_roots

ROOT = Path(__file__).resolve().parent.parent


def default_folder() -> Path:
    generated = ROOT / "bench" / "data" / "batch"
    return generated if generated.is_dir() else ROOT / "samples" / "batch"


def read_in_stages(path: Path, roots: list[Any], spent: dict[str, float]) -> None:
    """The steps of `extractors.reader._read_pdf`, each timed into `spent`."""

    def timed(stage: str, action: Callable[[], Any]) -> Any:
        started = time.process_time()
        result = action()
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - started
        return result

    with pdf_extractor.reading_limits():
        reader = timed("open, content budget", lambda: pdf_extractor.open_pdf(path))
        pages = reader.pages
        budget = pdf_extractor.ContentBudget()
        count = len(pages)

        def charge() -> None:
            for index in sorted({0, count - 1} | set(range(min(count, 3)))):
                budget.charge_page(pages[index], index + 1)

        timed("open, content budget", charge)

        def text() -> list[Any]:
            with pdfium_text.opened(path) as document:
                ends = {0, count - 1}
                read = {i: pdfium_text.read_page(document, i, imaging=i == 0) for i in ends} if document else {}
            lines = []
            for index, page in sorted(read.items()):
                layout = pdfium_text.layout_text(page.chars) if page is not None else None
                lines += pdf_extractor.page_lines(pages[index], index + 1, text=layout)
            return lines

        lines = timed("PDFium pages (layout text and imaging), first and last", text)
        fields = timed("signature widgets and appearance text", lambda: pdf_extractor.signature_fields(reader, budget))
        timed("header parser", lambda: parse_header(lines, pdf_extractor.appearance_lines(fields)))
        if fields:
            timed("pyHanko verification", lambda: verify_signatures(path, roots, known_fields=fields))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=default_folder())
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    trust = args.folder.parent / "trust" / "test-root.pem"
    roots = load_trust_roots([trust]) if trust.exists() else []
    spent: dict[str, float] = {}
    done = 0
    for path in sorted(args.folder.rglob("*.pdf")):
        if done == args.limit:
            break
        try:
            read_in_stages(path, roots, spent)
        except Exception:  # broken samples are the reader's business, not this timing's
            continue
        done += 1
    total = sum(spent.values())
    print(f"{done} PDFs under {args.folder}; CPU time per PDF\n")
    print("| stage | ms per PDF | share |")
    print("|---|---:|---:|")
    for stage, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"| {stage} | {1000 * seconds / done:.1f} | {100 * seconds / total:.0f} % |")
    print(f"| all | {1000 * total / done:.1f} | |")


if __name__ == "__main__":
    main()
