"""Test-session settings: runs keep their result cache in a throwaway folder, never the user's."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="kiemchung-test-cache-")
