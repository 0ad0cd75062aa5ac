"""`python -m kiemchung` is the same as the `kiemchung` command."""

from kiemchung.pipeline.cli import main

raise SystemExit(main())
