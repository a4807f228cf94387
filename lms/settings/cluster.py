"""The cluster on one machine (`make cluster`, site/deploy/cluster.sh): two gunicorn app
servers behind nginx on the loopback, sharing PostgreSQL (a database of its own), Redis
(cache, sessions, page cache, broker, task results) and one media folder, with a separate
Celery worker and beat. Production's choices (site/deploy/README.md) except HTTPS, which
the loopback does not have; every process of the cluster reads these same settings.

Defaults come from the environment cluster.sh sets (CLUSTER_DIR, CLUSTER_PORT, ...), so
that a test can start a second cluster beside the first with other names."""

import os
import secrets
from pathlib import Path

_BASE_DIR = Path(__file__).resolve().parent.parent.parent
CLUSTER_DIR = Path(os.environ.get("CLUSTER_DIR", _BASE_DIR / "var" / "cluster"))
CLUSTER_PORT = int(os.environ.get("CLUSTER_PORT", "8200"))
# Keys in Redis and the Celery queue carry the cluster's name, so a second cluster (the
# test's) never reads the first one's cache or takes its tasks.
CLUSTER_NAME = os.environ.get("CLUSTER_NAME", "cluster")
_SHARED = CLUSTER_DIR / "shared"  # the media store every process reads and writes


def _secret_key() -> str:
    """One secret for every process of the cluster, made on first use."""
    path = CLUSTER_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


_ORIGIN = f"http://127.0.0.1:{CLUSTER_PORT}"
for _name, _value in {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lms_cluster",
    "REDIS_URL": "redis://127.0.0.1:6379/8",
    "DJANGO_MEDIA_ROOT": str(_SHARED / "media"),
    "DJANGO_PRIVATE_MEDIA_ROOT": str(_SHARED / "private"),
    # nginx sends private files (X-Accel-Redirect) from the shared folder.
    "DJANGO_PRIVATE_MEDIA_ACCEL_PREFIX": "/_private/",
    "INTERACTIVE_ROOT": str(_SHARED / "interactive"),
    "DJANGO_STATIC_ROOT": str(CLUSTER_DIR / "static"),
    "PAGE_CACHE_DIR": str(CLUSTER_DIR / "page-cache"),  # unused: Redis holds the page cache
    "WAGTAILADMIN_BASE_URL": _ORIGIN,
    "CERTIFICATION_PUBLIC_BASE_URL": _ORIGIN,
    "RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_CSRF_TRUSTED_ORIGINS": _ORIGIN,
}.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])
os.environ.setdefault("CELERY_RESULT_BACKEND", os.environ["REDIS_URL"])

from .base import *  # noqa: E402
from .base import env  # noqa: E402

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or _secret_key()
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
SESSION_ENGINE = "lms.accounts.sessions"
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(CLUSTER_DIR / "mail")
LOGGING["root"]["level"] = env("DJANGO_LOG_LEVEL", default="WARNING")
CACHES["default"]["KEY_PREFIX"] = CLUSTER_NAME
CACHES["pages"]["KEY_PREFIX"] = f"{CLUSTER_NAME}-pages"
CELERY_TASK_DEFAULT_QUEUE = CLUSTER_NAME
CELERY_BEAT_SCHEDULE_FILENAME = str(CLUSTER_DIR / "run" / "celerybeat-schedule")

if env.bool("CLUSTER_BENCH", default=False):  # driven by `bench/run.py --target`
    INSTALLED_APPS = [*INSTALLED_APPS, "bench.pages"]
    MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
