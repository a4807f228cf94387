"""What a web worker loads at start: the libraries only some requests or tasks need
(spreadsheets, calendars, JSON-LD signing, Celery, multibase status lists, signed xAPI
statements, phone numbers, people imports, HTML cleaning, WebAuthn) are imported where they are
used, and Django Ninja's schemas build their validators when first used, so every gunicorn
worker does not hold them (issue 14: a worker's memory)."""

import ast
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
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
    "fido2",  # allauth's WebAuthn, which the site does not offer (decision 0618)
    # fido2 loads cryptography's Rust bindings (the megabytes); redis-py imports the bare
    # package, two small modules, to learn whether it is installed.
    "cryptography.hazmat",
    "lxml",  # Beautiful Soup's lxml builder (decision 0618)
    # Django Ninja: the buyers' API, loaded by its first call (decision 0636) and no longer
    # by Wagtail's unrouted v3 API (decision 0635).
    "ninja",
]


def _fresh_worker_prints(probe: str, **environment: str):
    """What ``probe``, run in a new process with the test settings, printed last (JSON)."""
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", **environment},
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


def test_the_master_loads_what_every_worker_uses_before_the_fork():
    """gunicorn preloads ``lms.wsgi`` in its master (decision 0611): loading it also loads the
    public URLconf (without Wagtail's admin, decision 0633) with the default language's
    reverse-lookup table, the template engines with
    their tag libraries and the cache's client (redis-py), so the workers forked after share
    them instead of each building its own on its first requests (decision 0631), and every
    app's Wagtail hooks, which the first page served asks for (decision 0638). It opens no
    database or Redis connection and starts no thread: a forked worker must not share one."""
    probe = (
        "import json, sys, threading\n"
        "from django.conf import settings\n"
        "from lms.wsgi import application\n"
        "from django.db import connections\n"
        "from django.template import engines\n"
        "from django.urls import get_resolver\n"
        "from django.utils.translation import trans_real\n"
        "from django.apps import apps\n"
        "from django.utils.module_loading import module_has_submodule\n"
        "resolver = get_resolver('lms.urls_public')\n"
        "print(json.dumps({\n"
        "    'urlconf': 'lms.urls_public' in sys.modules,\n"
        "    'admin_urlconf': [name for name in (settings.ROOT_URLCONF, 'wagtail.admin.urls')\n"
        "        if name in sys.modules],\n"
        "    'reverse_tables': sorted(resolver._reverse_dict),\n"
        "    'engines': sorted(engines._engines),\n"
        "    'redis': 'redis' in sys.modules,\n"
        "    'hooks': [app.name for app in apps.get_app_configs()\n"
        "        if module_has_submodule(app.module, 'wagtail_hooks')\n"
        "        and f'{app.name}.wagtail_hooks' not in sys.modules],\n"
        "    'cache_backend': settings.CACHES['default']['BACKEND'],\n"
        "    'language_active': getattr(trans_real._active, 'value', None) is not None,\n"
        "    'connections': [c.alias for c in connections.all(initialized_only=True)\n"
        "        if c.connection is not None],\n"
        "    'threads': threading.active_count()}))\n"
    )
    # REDIS_URL gives the production cache (django-redis); nothing connects to it.
    found = _fresh_worker_prints(probe, REDIS_URL="redis://127.0.0.1:9/0")
    assert found == {
        "urlconf": True,
        "admin_urlconf": [],
        "reverse_tables": ["en"],
        "engines": ["django"],
        "redis": True,
        "hooks": [],  # no app whose wagtail_hooks module is not loaded
        "cache_backend": "django_redis.cache.RedisCache",
        "language_active": False,
        "connections": [],
        "threads": 1,
    }


def _database_for_a_fresh_process(tmp_path) -> dict:
    """The test database, for a new process: SQLite's in-memory one copied to a file (its
    migrated rows; the test's own are not committed), PostgreSQL's by name (the probe rolls
    its writes back)."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        import sqlite3

        # serialize() reads the pages once and fails on a lock; backup() from a shared-cache
        # database waits, forever if another test's connection keeps a lock.
        try:
            pages = connection.connection.serialize()
        except sqlite3.Error as error:
            pytest.skip(f"the test database could not be copied: {error}")
        copy = tmp_path / "fresh.sqlite3"
        loaded, target = sqlite3.connect(":memory:"), sqlite3.connect(copy)
        loaded.deserialize(pages)
        loaded.backup(target)
        loaded.close()
        target.close()
        return {"DATABASE_URL": f"sqlite:///{copy}"}
    database = connection.settings_dict
    return {
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or ''}"
            f":{database['PORT'] or 5432}/{database['NAME']}"
        )
    }


@pytest.mark.django_db
def test_public_requests_never_import_the_admins_urlconf(tmp_path):
    """A worker serving visitors and learners resolves and reverses with the public URLconf
    (decision 0633): loading the site, the sign-in page, a learner's pages in two languages
    and a 404 leave Wagtail's admin URLconf unimported, and the buyers' API with Django Ninja
    (decision 0636); a request under /admin/ imports the admin's URLconf."""
    probe = (
        "import json, sys\n"
        "from lms.wsgi import application\n"
        "from django.db import transaction\n"
        "from django.test import Client\n"
        "from lms.accounts.services import user_create\n"
        "admin = 'wagtail.admin.urls'\n"
        "late = (admin, 'compliance.api', 'ninja')\n"
        "def loaded(): return [name for name in late if name in sys.modules]\n"
        "seen, pages = {'start': loaded()}, {}\n"
        "with transaction.atomic():\n"
        "    client = Client()\n"
        "    pages['/en/accounts/login/'] = client.get('/en/accounts/login/').status_code\n"
        "    client.force_login(user_create(username='fresh-learner', password='x9!kq'))\n"
        "    for path in ('/en/my/', '/vi/my/', '/en/no-such-place/'):\n"
        "        pages[path] = client.get(path).status_code\n"
        "    seen['learner'] = loaded()\n"
        "    pages['/admin/'] = Client().get('/admin/').status_code\n"
        "    seen['admin'] = admin in sys.modules\n"
        "    transaction.set_rollback(True)\n"
        "print(json.dumps({'pages': pages, 'seen': seen}))\n"
    )
    found = _fresh_worker_prints(probe, **_database_for_a_fresh_process(tmp_path))
    assert found == {
        "pages": {
            "/en/accounts/login/": 200,
            "/en/my/": 200,
            "/vi/my/": 200,
            "/en/no-such-place/": 404,
            "/admin/": 302,
        },
        "seen": {"start": [], "learner": [], "admin": True},
    }


def test_a_worker_serving_one_language_builds_that_language_alone():
    """The language switcher of an application view (the sign-in page) gives every
    language's address without activating each language: activating one loads its
    catalogues and builds Django's reverse-lookup tables for it (about 2 MB a language)."""
    probe = (
        "import json\n"
        "from lms.wsgi import application\n"
        "from django.test import RequestFactory\n"
        "from django.urls import get_resolver, set_urlconf\n"
        "from django.utils import translation\n"
        "from django.utils.translation import trans_real\n"
        "from lms.portal.templatetags.portal_tags import language_switcher\n"
        "translation.activate('en')\n"
        "set_urlconf('lms.urls_public')\n"  # a visitor's request (lms.urlconfs)
        "request = RequestFactory().get('/en/accounts/login/?next=/en/learn/')\n"
        "links = language_switcher({'request': request})['links']\n"
        "print(json.dumps({'links': [link['url'] for link in links],\n"
        "    'catalogues': sorted(trans_real._translations),\n"
        "    'reverse_tables': sorted(get_resolver('lms.urls_public')._reverse_dict)}))\n"
    )
    found = _fresh_worker_prints(probe)
    assert found["links"] == [
        f"/{code}/accounts/login/?next=/en/learn/" for code, _name in settings.LANGUAGES
    ]
    assert found["catalogues"] == ["en"]
    assert found["reverse_tables"] == ["en"]


@pytest.mark.parametrize(
    "first_use",
    ["resolve('/api/v1/suppliers')", "reverse('buyer_api_v1:openapi-json')"],
)
def test_the_buyers_api_is_loaded_by_its_first_use_and_builds_its_schemas_then(first_use):
    """The buyers' API (Django Ninja) is not loaded with the site, the public URLconf and its
    reverse-lookup table (``lms.lazy_urls``, decision 0636); resolving one of its paths or
    reversing one of its names loads it. (Pydantic is loaded: Wagtail's hooks, loaded
    before the fork, import its admin's page actions, which use it.) Its schemas are
    deferred (``lms.ninja_schemas``, decision 0624): none has built its validator when the
    API is loaded, and one is built when first used, by four threads at once."""
    probe = (
        "import json, sys, threading\n"
        "from lms.wsgi import application\n"
        "from django.urls import resolve, reverse, set_urlconf\n"
        "set_urlconf('lms.urls_public')\n"
        "resolve('/en/')\n"
        "reverse('robots_txt')\n"
        "names = ('ninja', 'compliance.api', 'compliance.api_routes')\n"
        "at_start = [name for name in names if name in sys.modules]\n"
        f"{first_use}\n"
        "after_first_use = [name for name in names if name in sys.modules]\n"
        "match = resolve('/api/v1/suppliers')\n"
        "openapi = reverse('buyer_api_v1:openapi-json')\n"
        "from compliance import api as buyers_api\n"
        "buyers = [buyers_api.Supplier, buyers_api.SupplierPage, buyers_api.Paging]\n"
        "built_when_loaded = [s.__name__ for s in buyers if s.__pydantic_complete__]\n"
        "supplier = {'id': 7, 'name': 'N', 'legal_name': 'L', 'country': 'VN', 'sector': None,\n"
        "    'shared': ['assessments'], 'plan': {'actions': 3, 'done': 1, 'overdue': 0}}\n"
        "validated = []\n"
        "def validate():\n"
        "    page = buyers_api.SupplierPage.model_validate(\n"
        "        {'count': 1, 'page': 1, 'page_size': 50, 'results': [supplier]})\n"
        "    validated.append(page.results[0].plan.done)\n"
        "threads = [threading.Thread(target=validate) for _ in range(4)]\n"
        "[thread.start() for thread in threads]\n"
        "[thread.join() for thread in threads]\n"
        "print(json.dumps({'at_start': at_start, 'after_first_use': after_first_use,\n"
        "    'namespace': match.namespace, 'openapi': openapi,\n"
        "    'built_when_loaded': built_when_loaded, 'validated': validated}))\n"
    )
    found = _fresh_worker_prints(probe)
    assert found["at_start"] == []
    assert found["after_first_use"] == ["ninja", "compliance.api", "compliance.api_routes"]
    assert found["namespace"] == "buyer_api_v1"
    assert found["openapi"] == "/api/v1/openapi.json"
    assert found["built_when_loaded"] == []
    assert found["validated"] == [1, 1, 1, 1]


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


def test_the_heaps_free_pages_go_back_to_the_kernel():
    """``release_free_heap`` (site/deploy/heap.py, decision 0637) returns the free pages in
    the middle of glibc's heap, which ``free()`` keeps resident: in a new process, 48 MB
    allocated in 1 KB blocks and freed but for one block in fifty stay resident until it
    runs."""
    probe = textwrap.dedent(
        """
        import json, runpy
        heap = runpy.run_path("site/deploy/heap.py")
        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
        blocks = [bytes(1000) for _ in range(48_000)]
        kept = blocks[::50]
        del blocks
        before = rss()
        released = heap["release_free_heap"]()
        print(json.dumps({"released": released, "before": before, "after": rss(),
            "kept": len(kept)}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["released"] is True
    assert found["before"] - found["after"] > 30, found


@pytest.mark.parametrize("config", ["site/deploy/gunicorn.conf.py", "bench/server_settings.py"])
def test_gunicorn_masters_release_the_free_heap_before_each_fork(config, monkeypatch):
    """Production's gunicorn settings and the bench's (the site's and its peers' servers)
    freeze the collector's objects and release the heap's free pages before each fork."""
    import gc
    import runpy

    monkeypatch.delenv("BENCH_PRELOAD", raising=False)
    settings_namespace = runpy.run_path(str(BASE_DIR / config))
    assert settings_namespace["preload_app"] is True
    released = []
    settings_namespace["_heap"]["release_free_heap"] = lambda: released.append(True)
    frozen_before = gc.get_freeze_count()
    try:
        settings_namespace["pre_fork"](None, None)
        assert gc.get_freeze_count() > frozen_before
    finally:
        gc.unfreeze()
    assert released == [True]


def test_a_sign_in_with_an_authenticator_app_runs_without_webauthn():
    """The login stage, the second-factor views and ``Authenticator.wrap()`` import allauth's
    WebAuthn module; its code (fido2, cryptography) runs only when a WebAuthn name is read.
    An authenticator-app code is still checked by allauth's own TOTP class, which still
    refuses a wrong code and a code used twice."""
    probe = (
        "import json, sys\n"
        "from lms.wsgi import application\n"
        "from django.urls import resolve\n"
        "resolve('/en/')\n"
        "from allauth.account.adapter import get_adapter\n"
        "from allauth.utils import import_attribute\n"
        "stages = [import_attribute(path) for path in get_adapter().get_login_stages()]\n"
        "from allauth.mfa.models import Authenticator\n"
        "from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value\n"
        "from allauth.mfa.utils import encrypt\n"
        "import time\n"
        "secret = 'JBSWY3DPEHPK3PXP'\n"
        "totp = Authenticator(type=Authenticator.Type.TOTP, user_id=1,\n"
        "    data={'secret': encrypt(secret)}).wrap()\n"
        "code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))\n"
        "wrong = str((int(code) + 1) % 1000000).zfill(6)\n"
        "checked = [type(totp).__name__, totp.validate_code(wrong), totp.validate_code(code),\n"
        "    totp.validate_code(code)]\n"
        "heavy = ('fido2', 'cryptography.hazmat')\n"
        "before = sorted(name for name in heavy if name in sys.modules)\n"
        "from allauth.mfa.webauthn.internal import auth\n"
        "webauthn = Authenticator(type=Authenticator.Type.WEBAUTHN, data={}).wrap()\n"
        "print(json.dumps({'stages': [stage.__name__ for stage in stages], 'checked': checked,\n"
        "    'before': before, 'webauthn': isinstance(webauthn, auth.WebAuthn),\n"
        "    'fido2_after': 'fido2' in sys.modules}))\n"
    )
    found = _fresh_worker_prints(probe)
    assert "AuthenticateStage" in found["stages"]
    assert found["checked"] == ["TOTP", False, True, False]
    assert found["before"] == []
    assert found["webauthn"] is True  # allauth's own wrapper, its module run on first use
    assert found["fido2_after"] is True


def test_authenticators_wrap_as_allauth_wraps_them():
    from allauth.mfa.models import Authenticator

    from lms.accounts import webauthn_on_demand

    webauthn_on_demand.wrap_authenticators_without_webauthn()  # idempotent
    allauth_wrap = Authenticator.wrap.allauth_wrap
    assert not getattr(allauth_wrap, "wraps_without_webauthn", False)
    for kind in Authenticator.Type:
        authenticator = Authenticator(type=kind, data={})
        assert type(authenticator.wrap()) is type(allauth_wrap(authenticator)), kind


def test_a_module_run_on_first_use_runs_once_while_threads_read_it(tmp_path, monkeypatch):
    """Threads that read a name while the module's code runs wait for it, and the code
    runs once; a module whose code fails is run again on the next read."""
    from lms.accounts import webauthn_on_demand

    (tmp_path / "slow_to_run.py").write_text(
        textwrap.dedent(
            """
            import time
            import builtins
            builtins.slow_to_run_count = getattr(builtins, "slow_to_run_count", 0) + 1
            time.sleep(0.2)
            ANSWER = 42
            """
        )
    )
    (tmp_path / "fails_once.py").write_text(
        textwrap.dedent(
            """
            import builtins
            builtins.fails_once_tries = getattr(builtins, "fails_once_tries", 0) + 1
            if builtins.fails_once_tries == 1:
                raise RuntimeError("first run")
            ANSWER = 7
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = webauthn_on_demand._RunOnFirstUseFinder(["slow_to_run", "fails_once"])
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    for name in ("slow_to_run", "fails_once"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import builtins

    import fails_once
    import slow_to_run

    assert not hasattr(builtins, "slow_to_run_count")  # imported, not run
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(slow_to_run.ANSWER)) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
        time.sleep(0.01)
    for thread in threads:
        thread.join()
    assert answers == [42, 42, 42, 42]
    assert builtins.slow_to_run_count == 1
    with pytest.raises(RuntimeError):
        getattr(fails_once, "ANSWER")  # noqa: B009
    assert fails_once.ANSWER == 7
    with pytest.raises(AttributeError):
        getattr(slow_to_run, "MISSING")  # noqa: B009
    del builtins.slow_to_run_count, builtins.fails_once_tries


def _parsers_named(path: Path) -> list[str | None]:
    """The parser each ``BeautifulSoup(...)`` call in ``path`` names (None: none named)."""
    named = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        called = getattr(function, "id", None) or getattr(function, "attr", None)
        if called != "BeautifulSoup":
            continue
        arguments = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "features")]
        parser = arguments[0] if arguments else None
        named.append(parser.value if isinstance(parser, ast.Constant) else None)
    return named


def test_every_beautiful_soup_call_names_a_parser_other_than_lxml():
    """bs4's lxml builder is marked absent (``lms/__init__.py``): a call naming "lxml", or
    none (bs4 would pick lxml when it is there), would parse differently or fail."""
    import bs4
    import wagtail
    import wagtail_localize

    roots = [Path(wagtail.__file__).parent, Path(wagtail_localize.__file__).parent]
    roots += [BASE_DIR / room for room in ("lms", "courses", "certification", "community")]
    roots += [BASE_DIR / room for room in ("compliance", "media_library")]
    found = {}
    for root in roots:
        for path in root.rglob("*.py"):
            if "tests" in path.relative_to(root).parts:
                continue
            for parser in _parsers_named(path):
                found.setdefault(parser, []).append(str(path))
    assert set(found) == {"html.parser"}, found
    assert "lxml" not in bs4.builder.builder_registry.builders_for_feature
    assert bs4.BeautifulSoup("<p>a<b>b</p>", "html.parser").get_text() == "ab"
