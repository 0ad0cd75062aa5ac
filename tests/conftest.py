"""Test-session settings (runs keep their result cache in a throwaway folder, never the user's) and the
signature-attack workbench shared by the tests that need it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from samples.attacks import Workbench, build_workbench
from samples.pki import build_test_pki, default_profiles


def pytest_configure(config: pytest.Config) -> None:
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="kiemchung-test-cache-")


@pytest.fixture(scope="session")
def attack_bench(tmp_path_factory: pytest.TempPathFactory) -> Workbench:
    """A plan signed for real by the person and then the organisation, and the means to attack it
    (`samples.attacks`): built once for the signature-attack and revision tests."""
    return build_workbench(tmp_path_factory.mktemp("attacks"), build_test_pki(default_profiles()))


@pytest.fixture(scope="session")
def attack_root(attack_bench: Workbench) -> Path:
    """The workbench's test root certificate, as a trust-root file."""
    return attack_bench.pki.write_trust_root(attack_bench.folder / "trust" / "root.pem")
