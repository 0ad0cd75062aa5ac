"""Django settings of the web service, built from its data folder and a few environment variables.

- `KIEMCHUNG_DATA` (set by `kiemchung serve --data DIR`): the folder that holds everything the service keeps:
  `kiemchung.sqlite3`, `archives/` (uploads, named by their SHA-256), `reports/` (one folder per submission),
  `static/` (the package's style sheets and scripts, collected at start), `secret-key` (made on first start,
  readable by its owner only; never committed).
- `DATABASE_URL`: `postgresql://user:password@host:5432/name` uses PostgreSQL (the `postgres` extra installs
  its driver) instead of the SQLite file.
- `KIEMCHUNG_ALLOWED_HOSTS`: host names the service answers to, comma-separated (default: this machine's
  loopback names; `kiemchung serve --host` adds its own).
- `KIEMCHUNG_HTTPS=1`: behind an HTTPS proxy, cookies are sent over HTTPS only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kiemchung.pipeline.archives import MAX_MEMBERS

DATA = Path(os.environ["KIEMCHUNG_DATA"])
ARCHIVES = DATA / "archives"
REPORTS = DATA / "reports"
for _folder in (ARCHIVES, REPORTS, DATA / "tmp"):
    _folder.mkdir(parents=True, exist_ok=True)
DATA.chmod(0o700)  # the database, the evidence and the secret key: for the service's account only


def _secret_key(data: Path) -> str:
    """The key signing sessions and CSRF tokens: made once into the data folder, readable by its owner only."""
    path = data / "secret-key"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text("ascii").strip()


def database(url: str | None, data: Path) -> dict[str, Any]:
    """Django's database settings: PostgreSQL from a `postgresql://` URL, else the SQLite file in `data`."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": data / "kiemchung.sqlite3"}
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL: only postgresql:// is supported, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


SECRET_KEY = _secret_key(DATA)
DEBUG = False
ALLOWED_HOSTS = os.environ.get("KIEMCHUNG_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "kiemchung.web.apps.AdminConfig",  # Django's admin, its login limited (kiemchung.web.logins)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kiemchung.web.apps.WebConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # answers /static/ before the rest: no session, no database
    "kiemchung.web.headers.SecurityHeaders",
    "kiemchung.web.uploads.RefuseOversizedBodies",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "kiemchung.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # `{% load scores %}`: a module of the package rather than a templatetags package of its own
            "libraries": {"scores": "kiemchung.web.filters"},
        },
    }
]
DATABASES = {"default": database(os.environ.get("DATABASE_URL"), DATA)}
# One process serves every request (waitress's threads): the login counter (web/logins.py) lives in its memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# The package's own style sheets and scripts (and the admin's), collected into DATA/static when the service
# starts (`web.boot`) under names carrying a hash of their content, and served by WhiteNoise from there: cached by
# browsers for good (`immutable`), gzip when the browser takes it, no CDN. WhiteNoise lists that folder once at
# start and serves nothing else: no upload, report or file added later is ever served as a static file.
STATIC_URL = "/static/"
STATIC_ROOT = DATA / "static"
STORAGES = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "units"
LOGOUT_REDIRECT_URL = "login"

# Sessions last a working day, and end with the browser.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kiemchung.web.views.csrf_failure"  # in Vietnamese, not Django's English page
_HTTPS = os.environ.get("KIEMCHUNG_HTTPS") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # the report page is framed by the submission page, never by another site

# Uploads: every file goes to a temporary file of its own in DATA/tmp, closed once written, never into memory;
# the size cap is checked on the request's length before anything is read (kiemchung.web.uploads). A folder sends
# one part per file: as many as an archive may hold members, with the archive and table fields; Django refuses
# a request with more (answered in Vietnamese by views.bad_request).
FILE_UPLOAD_HANDLERS = ["kiemchung.web.uploads.ReceivedFiles"]
DATA_UPLOAD_MAX_NUMBER_FILES = MAX_MEMBERS + 2
FILE_UPLOAD_TEMP_DIR = str(DATA / "tmp")
KIEMCHUNG_MAX_UPLOAD_BYTES = int(os.environ.get("KIEMCHUNG_MAX_UPLOAD_BYTES", 1024 * 1024 * 1024))
KIEMCHUNG_MAX_WAITING = 3  # submissions of one unit queued or being read at once
# submissions the worker checks in one run (one process, one pool of readers); the rest wait for the next run
KIEMCHUNG_CHECK_TOGETHER = 50
KIEMCHUNG_LOGIN_ATTEMPTS = 5  # failed logins per name and per address (the pages' and the admin's) …
KIEMCHUNG_LOGIN_WINDOW = 15 * 60  # … within this many seconds, before logins are refused for the rest of it

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
