#!/usr/bin/env bash
# Create .venv and install kiemchung into it. Usage: scripts/setup.sh [extras], e.g. "dev".
# Safe to re-run: pip skips what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
# System packages are installed when missing and possible: apt, as root or with password-less sudo.
# apt_install PACKAGE... succeeds when one apt-get install of them did.
apt_install() {
    local sudo=none
    if [ "$(id -u)" = 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo -n"
    fi
    [ "$sudo" != none ] && command -v apt-get >/dev/null 2>&1 && $sudo apt-get update -qq \
        && $sudo apt-get install -y -qq "$@" >/dev/null 2>&1
}
# OCR of scans and pictures needs Tesseract with its Vietnamese model; without it kiemchung runs without
# OCR and its reports say so. grep without -q reads to the end: an early exit would fail the pipe (pipefail).
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>&1 | grep -x vie >/dev/null; then
    if apt_install tesseract-ocr tesseract-ocr-vie; then
        echo "Installed Tesseract OCR with its Vietnamese model."
    else
        echo "Tesseract OCR with its Vietnamese model is not installed and could not be installed here" \
            "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-vie): OCR of scans and pictures will be off." >&2
    fi
fi
# Archives sent as evidence (.zip, .rar, .7z) are read by libarchive (Debian: libarchive13, libarchive13t64
# from trixie on; most systems have it already). Without it, archives are reported as not opened.
if ! ldconfig -p 2>/dev/null | grep 'libarchive\.so\.13' >/dev/null; then
    if apt_install libarchive13 || apt_install libarchive13t64; then
        echo "Installed libarchive (archives: .zip, .rar, .7z)."
    else
        echo "libarchive is not installed and could not be installed here (Debian/Ubuntu: apt-get install" \
            "libarchive13): archives sent as evidence will be reported as not opened." >&2
    fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -n "$extras" ]; then
    .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[$extras]"
else
    .venv/bin/python -m pip install --quiet -c constraints.txt -e .
fi
