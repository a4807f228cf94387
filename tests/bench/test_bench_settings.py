"""The bench settings are production-like, keep one secret for every process, and the
bench's own page type has its migration. Each check runs in a fresh interpreter: the
settings under test are not the suite's."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SHOW_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "middleware": settings.MIDDLEWARE,
    "apps": settings.INSTALLED_APPS,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "database": settings.DATABASES["default"]["NAME"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
}))
"""


def run_with_bench_settings(tmp_path, *arguments, **extra_env):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SECRET_KEY", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="lms.settings.bench", BENCH_DIR=str(tmp_path), **extra_env)
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def bench_settings(tmp_path, **extra_env):
    output = run_with_bench_settings(tmp_path, "-c", SHOW_SETTINGS, **extra_env)
    return json.loads(output.strip().splitlines()[-1])


def test_bench_settings_are_production_like_on_their_own_database(tmp_path):
    settings = bench_settings(tmp_path)
    assert settings["debug"] is False
    assert settings["allowed_hosts"] == ["127.0.0.1", "localhost"]
    assert settings["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert settings["database"] == str(tmp_path / "bench.sqlite3")
    assert settings["conn_max_age"] > 0
    assert settings["eager"] is True
    assert settings["middleware"][0] == "bench.middleware.QueryCountMiddleware"
    assert "bench.pages" in settings["apps"]


def test_every_process_gets_the_same_generated_secret(tmp_path):
    first = bench_settings(tmp_path)["secret_key"]
    second = bench_settings(tmp_path)["secret_key"]
    assert first == second
    assert len(first) >= 50
    assert bench_settings(tmp_path / "elsewhere")["secret_key"] != first


def test_database_url_points_the_bench_elsewhere(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert bench_settings(tmp_path, DATABASE_URL=url)["database"] == str(tmp_path / "other.sqlite3")


def test_the_bench_page_type_has_its_migration(tmp_path):
    output = run_with_bench_settings(
        tmp_path, "manage.py", "makemigrations", "bench_pages", "--check", "--dry-run"
    )
    assert "No changes detected" in output
