"""Production-like settings for `make bench`: DEBUG off, gunicorn, the manifest static
storage, persistent connections; a database of its own (a SQLite file under var/bench/, or
``DATABASE_URL`` so CI can point it at PostgreSQL); Redis for cache and sessions when
``REDIS_URL`` is set, local memory otherwise; Celery eager. Only these settings install the
query-count middleware and the bench's own content page type (``bench.pages``)."""

import secrets

from .base import *
from .base import BASE_DIR, DATABASE_PREPARE_THRESHOLD, env

BENCH_DIR = Path(env("BENCH_DIR", default=str(BASE_DIR / "var" / "bench")))
BENCH_DIR.mkdir(parents=True, exist_ok=True)


def _bench_secret_key() -> str:
    """A random key made once and kept in var/bench/, so every gunicorn worker and every
    task process signs sessions and CSRF tokens with the same key."""
    from_env = env("DJANGO_SECRET_KEY", default="")
    if from_env:
        return from_env
    key_file = BENCH_DIR / "secret_key"
    if not key_file.exists():
        candidate = BENCH_DIR / f"secret_key.{secrets.token_hex(4)}"
        candidate.write_text(secrets.token_urlsafe(64))
        candidate.replace(key_file)
    return key_file.read_text().strip()


DEBUG = False
SECRET_KEY = _bench_secret_key()
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

DATABASES["default"] = env.db("DATABASE_URL", default=f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
# As production (lms.settings.base). BENCH_CONN_HEALTH_CHECKS=0 turns the check off for the
# site and its peers alike (bench/peer_site/peer_settings.py), to measure what it costs.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("BENCH_CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # As production: the person's query prepared on each connection (decision 0126). The
    # peers get the same option (bench/peer_site/peer_settings.py).
    DATABASES["default"]["OPTIONS"] = {"prepare_threshold": DATABASE_PREPARE_THRESHOLD}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Sessions live where production keeps them when Redis is there; local memory is private
# to one gunicorn worker, so without Redis they stay in the database.
if REDIS_URL:
    SESSION_ENGINE = "lms.accounts.sessions"

STATIC_ROOT = str(BENCH_DIR / "static")
if not REDIS_URL:  # the page cache of the bench's own database, shared by its workers
    CACHES["pages"]["LOCATION"] = str(BENCH_DIR / "page-cache")
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
MEDIA_ROOT = str(BENCH_DIR / "media")
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8110"

CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

INSTALLED_APPS = [*INSTALLED_APPS, "bench.pages"]
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]

LOGGING["root"]["level"] = env("DJANGO_LOG_LEVEL", default="WARNING")
