"""Imports made without the collector (`pipeline.startup`): off inside the block, what was made frozen
after, and the collector left as it was found."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from kiemchung.pipeline.startup import uncollected


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # the test process's own objects back in reach


@pytest.mark.usefixtures("unfrozen")
def test_the_collector_is_off_inside_and_what_was_made_is_frozen_after() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with uncollected():
        assert not gc.isenabled()
        made = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)


@pytest.mark.usefixtures("unfrozen")
def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    try:
        with uncollected():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_command_runs_with_the_collector_on() -> None:
    """The entry imports the command uncollected, then runs it with the collector back on."""
    code = (
        "import gc, sys\n"
        "import kiemchung.pipeline.cli as cli\n"
        "cli.main = lambda: print(gc.isenabled(), gc.get_freeze_count() > 10000) or 0\n"
        "from kiemchung.pipeline.startup import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
