"""Django started on a data folder: what `kiemchung serve`, `kiemchung user add` and the tests share.

The settings module reads the folder from the environment (`KIEMCHUNG_DATA`), so it is set before Django
imports it; Django is imported here only, so that `kiemchung check` never loads it.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_VARIABLE = "KIEMCHUNG_DATA"
SETTINGS_MODULE = "kiemchung.web.settings"


def start_django(data: Path, *, migrate: bool = True) -> None:
    """Point the settings at `data`, set Django up and bring the database's tables up to date."""
    import django
    from django.core.management import call_command

    os.environ[DATA_VARIABLE] = str(data.resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    django.setup()
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
