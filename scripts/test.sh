#!/usr/bin/env bash
# Install kiemchung with its development tools and system packages, then lint and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# System packages: DejaVu fonts for the sample generator's Vietnamese PDFs; Chromium to render
# report.html as a council member's browser would, with its driver (Debian's chromium-driver, built with it, so
# they always match) for the web service's browser tests; Tesseract with its Vietnamese model for OCR of
# scans and pictures (the tests of each are skipped without it); poppler's pdfsig, the reference
# the signature benchmark compares with; LibreOffice Writer and Calc (no GUI) to print the Word reports
# and the workbooks to PDF and count their pages, with Liberation Serif, which has Times New Roman's
# metrics, so pages break as in Word; PostgreSQL, the web service's database server beside its default SQLite.
need=()
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
# grep without -q reads to the end: an early exit would fail the pipe under pipefail.
if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>&1 | grep -x vie >/dev/null; then
    need+=(tesseract-ocr tesseract-ocr-vie)
fi
command -v pdfsig >/dev/null || need+=(poppler-utils)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
scripts/setup.sh dev
.venv/bin/ruff check .
scripts/typecheck.sh
# The web service's tests run once more on a real PostgreSQL server (tests/test_web_postgres.py).
source scripts/postgres.sh
trap stop_postgres EXIT
# pytest exits 5 when it collects nothing: that fails this script too.
.venv/bin/python -m pytest -q "$@"
