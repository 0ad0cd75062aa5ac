"""Library replacements are made only on the releases they were checked on; elsewhere the library's own
code runs, and a warning says so. The signatures are the same either way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiemchung.extractors.patching import checked

SAMPLES = Path(__file__).parent.parent / "samples"

_SCRIPT = """
import importlib.metadata, sys, warnings
real = importlib.metadata.version
if sys.argv[1] == "unknown":
    importlib.metadata.version = lambda name: "99.0" if name.lower() == "pyhanko" else real(name)
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    from pathlib import Path
    from pyhanko.pdf_utils import generic
    from kiemchung.extractors import signatures
    from asn1crypto import x509
facts = signatures.verify_signatures(Path(sys.argv[2]), [Path(sys.argv[3])])
print(generic.read_hex_string_from_stream is signatures._read_hex_string_fast,
      hasattr(x509.Name.__eq__, "__wrapped__"), len([w for w in caught if "99.0" in str(w.message)]),
      [(f.integrity.value, f.trust.value) for f in facts])
"""


def _run(version: str) -> list[str]:
    signed = sorted((SAMPLES / "batch").rglob("*.signed.pdf"))[0]
    root = SAMPLES / "trust" / "test-root.pem"
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, version, str(signed), str(root)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip().split(" ", 3)


def test_replacements_are_made_on_the_release_they_were_checked_on() -> None:
    hex_reader, memos, warned, _ = _run("installed")
    assert (hex_reader, memos, warned) == ("True", "True", "0")


def test_an_unknown_release_keeps_the_library_code_says_so_and_gives_the_same_verdicts() -> None:
    hex_reader, memos, warned, verdicts = _run("unknown")
    assert (hex_reader, memos) == ("False", "False")
    assert int(warned) == 2  # the hex-string reader and the certificate memos
    assert verdicts == _run("installed")[3]


def test_checked_matches_a_release_series_not_a_prefix() -> None:
    with pytest.warns(RuntimeWarning, match="not a release"):
        assert not checked("pyyaml", ("6.1",), "a test replacement")
    assert checked("pyyaml", (".".join(__import__("yaml").__version__.split(".")[:2]),), "a test replacement")
