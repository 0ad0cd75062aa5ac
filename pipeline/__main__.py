"""`python -m pipeline` is the same as the `kiemchung` command."""

from pipeline.cli import main

raise SystemExit(main())
