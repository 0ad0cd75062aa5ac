"""Django started on a data folder: what `kiemchung serve`, `kiemchung user add`, a submission's check (to record
its progress) and the tests share.

The settings module reads the folder from the environment (`KIEMCHUNG_DATA`), so it is set before Django
imports it; Django is imported here only, so that `kiemchung check` never loads it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

DATA_VARIABLE = "KIEMCHUNG_DATA"
SETTINGS_MODULE = "kiemchung.web.settings"


def start_django(data: Path, *, prepare: bool = True) -> None:
    """Point the settings at `data`, set Django up and (`prepare`) bring the database's tables up to date and
    collect the static files into DATA/static (unchanged ones are skipped). A check's child process only
    connects: the server it belongs to has prepared both."""
    import django
    from django.core.management import call_command

    os.environ[DATA_VARIABLE] = str(data.resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    # Django sets the whole process's TZ to TIME_ZONE when it loads the settings. With USE_TZ it converts
    # through zoneinfo and never needs that; the reading code sharing the process (the tests, the worker's
    # parent) must not see its local time change under it.
    zone = os.environ.get("TZ")
    django.setup()
    if zone is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = zone
    if hasattr(time, "tzset"):  # not on Windows, where Django does not change it either
        time.tzset()
    if prepare:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
