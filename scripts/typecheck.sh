#!/usr/bin/env bash
# mypy on the packages under the names they install as (kiemchung.pipeline, kiemchung.extractors, …).
# pyproject.toml maps the folders at the top of the repository into the kiemchung namespace, which
# the editable install's import hook follows and mypy cannot: it reads a tree of links instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=build/typecheck/kiemchung
rm -rf build/typecheck
mkdir -p "$tree"
for name in kiemchung/*.py; do ln -s "../../../$name" "$tree/$(basename "$name")"; done
for package in pipeline extractors validators criteria_map web; do ln -s "../../../$package" "$tree/$package"; done
MYPYPATH=build/typecheck .venv/bin/mypy -p kiemchung "$@"
