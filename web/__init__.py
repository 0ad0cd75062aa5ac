"""kiemchung's web service: units upload their evidence and see the CLI's report, the council sees every unit.

A Django project in one app (label `web`), served by `kiemchung serve` (`kiemchung.web.serve`). Everything it
keeps lives under one data folder (`--data DIR`): the database, the uploaded archives, the reports and the
secret key. Checking runs the CLI's own `kiemchung.pipeline.run.check_together` in a child process
(`kiemchung.web.job`), started by a background worker (`kiemchung.web.worker`) that takes the queued submissions
from the database, all of them in one run.
"""
