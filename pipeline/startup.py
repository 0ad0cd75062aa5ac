"""The `kiemchung` command's entry, and imports made without the cyclic garbage collector.

A check imports about 800 modules before its workers fork: the command itself, then the reading stack
(pyHanko, pypdf, python-docx): some 120,000 objects that live as long as the process. The collector
walked them again and again as they were made, about 0.1 s of that serial start (bench/RESULTS.md),
and found nothing to free. `uncollected()` turns it off for a block of such imports, then freezes what
is in memory, so that neither this process nor a worker forked from it walks those objects again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn


@contextmanager
def uncollected() -> Iterator[None]:
    """The collector off for the block; what is in memory after it frozen, and the collector as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def run() -> NoReturn:
    """The `kiemchung` command (and `python -m kiemchung`): `pipeline.cli.run`, imported uncollected."""
    with uncollected():
        from kiemchung.pipeline.cli import run as command
    command()
