"""The bench serves the site from the packages a release installs (`uv sync --no-dev`), not
from the development environment running it (decision 0634)."""

import subprocess

from bench import run


def test_the_site_is_served_from_the_production_packages(monkeypatch):
    monkeypatch.delenv("BENCH_SITE_ENV", raising=False)
    assert run.site_environment() == "production"
    monkeypatch.setattr(run, "SITE_ENVIRONMENT", "production")
    gunicorn = run.site_gunicorn_executable()
    assert gunicorn == str(run.SITE_VENV / "bin" / "gunicorn")
    python = run.SITE_VENV / "bin" / "python"
    probe = (
        "import importlib.util as u\n"
        "print(' '.join(n for n in ('django', 'wagtail', 'gunicorn', 'psycopg', 'redis', "
        "'pytest', 'pygments', 'yaml', 'ruff', 'hypothesis', 'factory') if u.find_spec(n)))"
    )
    found = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == ["django", "wagtail", "gunicorn", "psycopg", "redis"]


def test_the_development_environment_on_request(monkeypatch):
    monkeypatch.setenv("BENCH_SITE_ENV", "development")
    assert run.site_environment() == "development"
    monkeypatch.setattr(run, "SITE_ENVIRONMENT", "development")
    assert run.site_gunicorn_executable() != str(run.SITE_VENV / "bin" / "gunicorn")
