"""Settings for the test suite: fast hashing, in-memory email, eager Celery unless CI
points the suite at a real broker."""

from .base import *
from .base import Path, env

DEBUG = False
SECRET_KEY = "test-only-not-secret-8d2e7a"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LMS_SMS_BACKEND = "lms.notifications.sms.LocmemBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-media"))
WAGTAILADMIN_BASE_URL = "http://testserver"

# Tasks run eagerly in tests; the tests marked ``services`` switch to the real broker and
# worker that CI provides (see tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
STATIC_ROOT = str(BASE_DIR / "var" / "test-static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)

# Parallel test processes (pytest-xdist) each get a Redis database of their own: a test
# clears the cache, and must not empty another process's cache in the middle of its test.
_worker = env("PYTEST_XDIST_WORKER", default="")
if REDIS_URL and _worker.startswith("gw"):
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(REDIS_URL)
    _db = 8 + int(_worker[2:]) % 8
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))

# Tests render fresh pages; tests/test_page_cache.py switches the page cache on, in memory.
PAGE_CACHE_ENABLED = False
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
# Likewise a learner's kept pages: tests/test_learner_page_cache.py switches them on.
LEARNER_PAGE_CACHE_ENABLED = env.bool("LEARNER_PAGE_CACHE_ENABLED", default=False)
# Sites and locales kept until a test changes them (tests/conftest.py forgets them between
# tests), so a slow machine never adds a query in the middle of a query-budget test.
LOOKUP_CACHE_SECONDS = None
