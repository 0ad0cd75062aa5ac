#!/usr/bin/env bash
# Install kiemchung and check the bundled sample batch; reports go to ./kiemchung-report/<unit>/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/kiemchung check samples/batch --year 2023 --out kiemchung-report \
    --trust-root samples/trust/test-root.pem --criteria criteria_map/sample-commune.yaml \
    --assignments criteria_map/sample-assignments.csv "$@"
echo "Báo cáo: $(pwd)/kiemchung-report/index.html (mỗi đơn vị: <đơn vị>/report.html, report.docx, report.xlsx, report.json; summary.docx cho cả đợt)"
