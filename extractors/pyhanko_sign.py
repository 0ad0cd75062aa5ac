"""pyHanko's `sign` package registered without its signing API, which kiemchung never uses.

`pyhanko/sign/__init__.py` only re-exports the signing API: `pyhanko.sign.signers`, which imports the
timestamp clients and, through them, aiohttp, whose import builds TLS contexts from the system's CA
bundle. That was 0.3 s of every cold run's serial start, before the reading workers fork (a tenth of a
`--no-ocr` run over ../shared/real-documents; bench/RESULTS.md). The modules kiemchung reads with
(`validation`, `diff_analysis`, `fields`, `general`) import what they need themselves, so the package is
registered here with its search path, as the import system would, but without running that file.

Nothing that does use the signing API notices: a submodule asked of the package is imported as usual
(`from pyhanko.sign import signers`), and any other name (`from pyhanko.sign import SimpleSigner`) runs
the package's own `__init__` then, once. When pyHanko's `sign` was imported before this runs, nothing
changes.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType

_PACKAGE = "pyhanko.sign"


def register_without_signing_api() -> None:
    """Register `pyhanko.sign` with its `__init__` deferred to the first name asked of it."""
    if _PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader
    lock = threading.Lock()

    def on_first_use(name: str) -> object:
        if importlib.util.find_spec(f"{_PACKAGE}.{name}") is not None:
            return importlib.import_module(f"{_PACKAGE}.{name}")
        with lock:
            if package.__dict__.pop("__getattr__", None) is not None:
                loader.exec_module(package)  # the package's own __init__: the signing API
        return _attribute(package, name)

    package.__getattr__ = on_first_use  # type: ignore[method-assign]
    sys.modules[_PACKAGE] = package
    parent, _, child = _PACKAGE.rpartition(".")
    setattr(sys.modules[parent], child, package)  # as the import system binds a loaded submodule


def _attribute(package: ModuleType, name: str) -> object:
    try:
        return package.__dict__[name]
    except KeyError:
        raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}") from None
