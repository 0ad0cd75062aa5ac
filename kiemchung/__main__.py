"""`python -m kiemchung` is the same as the `kiemchung` command."""

from kiemchung.pipeline.startup import run

run()
