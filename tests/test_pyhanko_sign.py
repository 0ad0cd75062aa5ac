"""pyHanko's `sign` package without its signing API (`extractors.pyhanko_sign`): reading never imports the
signers or aiohttp, and code that does sign still finds everything where pyHanko puts it.

Each check runs in a fresh interpreter: the test process itself has long imported pyHanko's signers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIGNED = next((ROOT / "samples" / "batch").rglob("*.signed.pdf"))


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_reading_a_signed_pdf_imports_neither_the_signers_nor_aiohttp() -> None:
    out = _run(
        "import sys\n"
        "from pathlib import Path\n"
        "from kiemchung.extractors.reader import read_document\n"
        f"facts = read_document(Path({str(SIGNED)!r}))\n"
        "print(len(facts.signatures) > 0, {str(s.integrity) for s in facts.signatures})\n"
        "print(sorted(name for name in ('aiohttp', 'pyhanko.sign.signers', 'pyhanko.sign.timestamps')"
        " if name in sys.modules))\n"
    )
    assert out.splitlines() == ["True {'intact'}", "[]"]


def test_the_signing_api_is_still_there_when_asked_for() -> None:
    out = _run(
        "import kiemchung.extractors.reader\n"
        "from pyhanko.sign import signers\n"  # a submodule: imported on its own
        "print(signers.__name__)\n"
        "from pyhanko.sign import SimpleSigner, PdfSignatureMetadata\n"  # re-exports: the package's __init__ runs
        "print(SimpleSigner is signers.SimpleSigner, PdfSignatureMetadata.__module__)\n"
        "import pyhanko.sign\n"
        "try:\n"
        "    pyhanko.sign.no_such_name\n"
        "except AttributeError as error:\n"
        "    print(error)\n"
    )
    assert out.splitlines() == [
        "pyhanko.sign.signers",
        "True pyhanko.sign.signers.pdf_signer",
        "module 'pyhanko.sign' has no attribute 'no_such_name'",
    ]


def test_a_package_imported_before_is_left_as_it_is() -> None:
    out = _run(
        "import pyhanko.sign, sys\n"
        "before = sys.modules['pyhanko.sign']\n"
        "import kiemchung.extractors.reader\n"
        "print(sys.modules['pyhanko.sign'] is before, hasattr(before, 'SimpleSigner'))\n"
    )
    assert out == "True True"
