"""Settings of the bench's peer project: wagtail-lms and a bare Wagtail page, served the
way the bench serves the site (DEBUG off, persistent connections, the same database engine,
Redis for cache and sessions when the bench has it)."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

PEER_DIR = Path(os.environ.get("PEER_DIR", Path(__file__).resolve().parents[2] / "var/bench/peer"))
SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "bench-peer-secret-only-on-loopback")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "peer_pages",
    "wagtail_lms",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "bench.middleware.QueryCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "peer_wsgi.application"


OFF = {"0", "false", "off", "no"}
PREPARED_OFF = os.environ.get("DJANGO_DB_PREPARED_STATEMENTS", "1").lower() in OFF


def _database(url: str | None) -> dict:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(PEER_DIR / "peer.sqlite3")}
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # The site's option (lms.settings.base, decision 0126): psycopg prepares queries run
        # through a server-binding cursor. wagtail-lms, like Django, binds on the client, so
        # it prepares none; the setting is the same for both all the same.
        "OPTIONS": {"prepare_threshold": None if PREPARED_OFF else 5},
    }


# The site's bench settings check a persistent connection before each request's first query
# (CONN_HEALTH_CHECKS, as in production: a connection the server dropped is replaced
# instead of failing the request); the peer does the same, a round trip each request.
HEALTH_CHECKS = os.environ.get("BENCH_CONN_HEALTH_CHECKS", "1").lower() not in OFF
DATABASES = {
    "default": {
        **_database(os.environ.get("PEER_DATABASE_URL")),
        "CONN_MAX_AGE": None,
        "CONN_HEALTH_CHECKS": HEALTH_CHECKS,
    }
}
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = str(PEER_DIR / "static")
MEDIA_ROOT = str(PEER_DIR / "media")
MEDIA_URL = "/media/"
WAGTAIL_SITE_NAME = "bench peer"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
