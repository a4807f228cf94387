"""Production settings: `check --deploy` passes with the sample environment, and the
settings refuse to start without what a deployment must decide."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "site" / "deploy" / "production.env.example"


def sample_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    for line in SAMPLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_the_sample_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=sample_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must name"),
        ("REDIS_URL", "REDIS_URL must point"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = sample_environment()
    del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_short_secret_key():
    env = sample_environment() | {"DJANGO_SECRET_KEY": "too-short"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_keeps_connections_open_and_uses_redis_for_cache_and_sessions():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['CONN_MAX_AGE'], s.SESSION_ENGINE,"
        " s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, s.DEBUG)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=sample_environment())
    assert result.returncode == 0, result.stderr
    conn_max_age, sessions, cache, broker, debug = result.stdout.split()
    assert int(conn_max_age) > 0
    assert sessions == "lms.accounts.sessions"  # Django's cache sessions (decision 0630)
    assert "redis" in cache.lower()
    assert broker.startswith("redis://")
    assert debug == "False"


@pytest.mark.parametrize(("switch", "threshold"), [(None, "5"), ("0", "None")])
def test_production_prepares_the_persons_query_unless_a_pooler_forbids_it(switch, threshold):
    """Decision 0126: psycopg prepares what server-binding cursors run (the signed-in
    person's query); DJANGO_DB_PREPARED_STATEMENTS=0 for a pooler that keeps none."""
    env = sample_environment()
    if switch is not None:
        env["DJANGO_DB_PREPARED_STATEMENTS"] = switch
    code = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert f"'prepare_threshold': {threshold}" in result.stdout


def test_without_a_broker_tasks_run_eagerly():
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.dev"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER)",
        env=env,
    )
    assert result.stdout.strip() == "True", result.stderr


def test_every_environment_variable_the_settings_read_is_in_the_readme():
    import re

    names = set()
    for module in (ROOT / "lms" / "settings").glob("*.py"):
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', module.read_text()))
    readme = (ROOT / "README.md").read_text()
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
