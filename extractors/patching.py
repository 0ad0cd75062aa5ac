"""Where kiemchung puts its own function in place of a library's: only on the releases it was checked on.

A replacement reaches into a library's internals (a module global, a class attribute), whose meaning
can change in any release. Each one names the release series it was written for and tested with;
on any other the library's own code is left in place, which is slower but correct, and a warning
says which replacement was left out and why.
"""

from __future__ import annotations

import warnings
from importlib.metadata import PackageNotFoundError, version


def checked(distribution: str, series: tuple[str, ...], replacement: str) -> bool:
    """Whether the installed `distribution` belongs to one of `series` ("0.38" covers 0.38.x)."""
    try:
        installed = version(distribution)
    except PackageNotFoundError:
        installed = "unknown"
    if any(installed == known or installed.startswith(f"{known}.") for known in series):
        return True
    warnings.warn(
        f"{distribution} {installed} is not a release {replacement} was checked on "
        f"({', '.join(series)}): the library's own code is used (slower, same results)",
        RuntimeWarning,
        stacklevel=2,
    )
    return False
