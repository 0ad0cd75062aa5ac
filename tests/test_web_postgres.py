"""The web service's tests once more, on a real PostgreSQL server.

`scripts/test.sh` starts a throwaway cluster (`scripts/postgres.sh`) and sets KIEMCHUNG_TEST_DATABASE_URL. Django
is set up once per process, and this session's already uses SQLite, so the web tests run in a pytest of their own
with DATABASE_URL pointing at a database made for them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("KIEMCHUNG_TEST_DATABASE_URL")
WEB_TESTS = (
    "tests/test_web.py",
    "tests/test_web_rounds.py",
    "tests/test_web_review.py",
    "tests/test_web_api.py",
    "tests/test_web_upload.py",
    "tests/test_web_queue.py",
)


@pytest.mark.skipif(not SERVER, reason="no PostgreSQL server: scripts/test.sh starts one (scripts/postgres.sh)")
def test_the_web_service_on_postgresql() -> None:
    import psycopg

    assert SERVER is not None
    name = f"kiemchung_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    database = f"{SERVER.rsplit('/', 1)[0]}/{name}"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *WEB_TESTS],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database}, capture_output=True, text=True, timeout=1800,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in summary and "skipped" not in summary, summary
    with psycopg.connect(database) as connection:  # the service's tables were there, not in a SQLite file
        tables = {row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"web_unit", "web_submission", "web_auditentry", "auth_user"} <= tables
