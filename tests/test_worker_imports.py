"""What a web worker loads at start: the libraries only some requests or tasks need
(spreadsheets, calendars, JSON-LD signing, Celery, multibase status lists, signed xAPI
statements, phone numbers, people imports, HTML cleaning) are imported where they are used, so every
gunicorn worker does not hold them (issue 14: a worker's memory)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
LOADED_LATE = [
    "celery",
    "kombu",
    "openpyxl",
    "numpy",
    "icalendar",
    "pyld",
    "multiformats",
    "joserfc",
    "phonenumbers",
    "tablib",
    "nh3",
]


def _fresh_worker_prints(probe: str):
    """What ``probe``, run in a new process with the test settings, printed last (JSON)."""
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_web_worker_starts_without_the_libraries_only_some_requests_need():
    probe = (
        "import json, sys\n"
        "from lms.wsgi import application\n"
        "from django.urls import resolve\n"
        "resolve('/en/')\n"  # the whole URLconf, every room's views
        f"print(json.dumps([name for name in {LOADED_LATE!r} if name in sys.modules]))\n"
    )
    assert _fresh_worker_prints(probe) == []


def test_a_worker_serving_one_language_builds_that_language_alone():
    """The language switcher of an application view (the sign-in page) gives every
    language's address without activating each language: activating one loads its
    catalogues and builds Django's reverse-lookup tables for it (about 2 MB a language)."""
    probe = (
        "import json\n"
        "from lms.wsgi import application\n"
        "from django.test import RequestFactory\n"
        "from django.urls import get_resolver\n"
        "from django.utils import translation\n"
        "from django.utils.translation import trans_real\n"
        "from lms.portal.templatetags.portal_tags import language_switcher\n"
        "translation.activate('en')\n"
        "request = RequestFactory().get('/en/accounts/login/?next=/en/learn/')\n"
        "links = language_switcher({'request': request})['links']\n"
        "print(json.dumps({'links': [link['url'] for link in links],\n"
        "    'catalogues': sorted(trans_real._translations),\n"
        "    'reverse_tables': sorted(get_resolver()._reverse_dict)}))\n"
    )
    found = _fresh_worker_prints(probe)
    assert found["links"] == [
        f"/{code}/accounts/login/?next=/en/learn/" for code, _name in settings.LANGUAGES
    ]
    assert found["catalogues"] == ["en"]
    assert found["reverse_tables"] == ["en"]


def test_small_counts_are_written_without_babel():
    """Counts under 1,000 (most of a page's numbers) take no CLDR data: Babel's global data
    with the root and English locales cost a worker about 6 MB (decision 0617)."""
    probe = (
        "import json, sys\n"
        "from lms.wsgi import application\n"
        "from django.template import Context, Template\n"
        "from django.utils import translation\n"
        "from lms.numerals import local_number\n"
        "translation.activate('en')\n"
        "html = Template('{% load numerals %}{{ n|localnumber }} {{ n|localcount }}')"
        ".render(Context({'n': 42}))\n"
        "small = [html, local_number(7, 'bn'), local_number(999, 'km')]\n"
        "loaded = 'babel' in sys.modules\n"
        "print(json.dumps({'small': small, 'babel': loaded, 'big': local_number(1234, 'en')}))\n"
    )
    found = _fresh_worker_prints(probe)
    assert found == {"small": ["42 42", "৭", "៩៩៩"], "babel": False, "big": "1,234"}


def test_the_beat_schedule_becomes_celery_schedules():
    from celery.schedules import crontab

    from lms.celery import app, beat_schedule

    schedule = beat_schedule(settings.CELERY_BEAT_SCHEDULE)
    weekly = schedule["community-weekly-digest"]["schedule"]
    assert weekly == crontab(minute=0, hour=6, day_of_week=1)
    assert schedule["courses-session-no-shows"]["schedule"] == crontab(minute=40)
    assert schedule["notifications-deliver-pending"]["schedule"] == 600
    assert app.conf.beat_schedule["community-weekly-digest"]["schedule"] == weekly


def test_every_scheduled_task_is_registered():
    from lms.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_both_servers_of_the_bench_and_the_web_service_run_with_two_malloc_arenas(monkeypatch):
    """glibc gives each thread of a gthread worker an arena of its own (up to eight a core),
    and each keeps memory its requests freed: two arenas a process held a worker about 20 MB
    smaller serving the bench's courses scenarios with four threads (decision 0617). The
    bench gives the site and its peer the same environment, so the comparison stays fair."""
    from bench import peers, run

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    environment = run.server_environment(2, 4)
    assert environment["MALLOC_ARENA_MAX"] == "2"
    assert peers._environment(environment)["MALLOC_ARENA_MAX"] == "2"
    monkeypatch.setenv("MALLOC_ARENA_MAX", "0")  # glibc's default, when asked for
    assert run.server_environment(2, 4)["MALLOC_ARENA_MAX"] == "0"

    service = (BASE_DIR / "site" / "deploy" / "lms-web.service").read_text()
    lines = [line.strip() for line in service.splitlines()]
    assert "Environment=MALLOC_ARENA_MAX=2" in lines
    # production.env, read after it, may still change it.
    assert lines.index("Environment=MALLOC_ARENA_MAX=2") < lines.index(
        "EnvironmentFile=/srv/lms/production.env"
    )
    cluster = (BASE_DIR / "site" / "deploy" / "cluster.sh").read_text()
    assert 'MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"' in cluster
