"""`kiemchung serve`: migrate the database, start the background worker, serve the pages with waitress.

waitress is a production WSGI server in pure Python (it runs the same on the council's Windows machines as
on Linux) with a bounded pool of threads; the service is one process, which the worker thread shares.
"""

from __future__ import annotations

import os
from pathlib import Path

from waitress import serve as waitress_serve

from kiemchung.web.boot import start_django
from kiemchung.web.job import CheckSettings

THREADS = 8


def prepare(data: Path, check_settings: CheckSettings, host: str) -> object:
    """Django set up on `data` with its tables up to date, DATA/tmp emptied and the worker checking; returns the
    WSGI app."""
    check_settings.load()  # a wrong config or a missing year stops the server now, not at the first upload
    allowed = os.environ.get("KIEMCHUNG_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    if host not in ("0.0.0.0", "::"):
        os.environ["KIEMCHUNG_ALLOWED_HOSTS"] = f"{allowed},{host}"
    start_django(data)
    from django.core.wsgi import get_wsgi_application

    from kiemchung.web.uploads import remove_leftovers
    from kiemchung.web.worker import Worker

    remove_leftovers()  # before the first request: what is there, a killed server's requests left
    Worker(check_settings).start()
    return get_wsgi_application()


def serve(data: Path, host: str, port: int, check_settings: CheckSettings) -> None:
    """Serve until stopped (Ctrl-C)."""
    application = prepare(data, check_settings, host)
    from django.conf import settings

    print(f"kiemchung: http://{host}:{port}/ (dữ liệu: {data.resolve()})", flush=True)
    waitress_serve(application, host=host, port=port, threads=THREADS,
                   max_request_body_size=settings.KIEMCHUNG_MAX_UPLOAD_BYTES + 1024 * 1024)
