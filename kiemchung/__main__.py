"""`python -m kiemchung` is the same as the `kiemchung` command."""

from kiemchung.pipeline.cli import run

run()
