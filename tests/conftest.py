"""Fixtures every room's tests share."""

import json

import pytest

# The rows the migrations load (locales, taxonomy, roles, the home page), captured once so
# that tests which truncate tables (live-server and other transactional tests) get them back.
_BASE_DATA: dict[str, str] = {}


@pytest.fixture(scope="session")
def _migrated_template(request):
    """The migrated SQLite database this run copies, and whether it was there to copy
    (tests/sqlite_template.py); None when this run applies the migrations itself."""
    from tests.sqlite_template import MigratedTemplate

    template = MigratedTemplate.for_default_database(request.config)
    if template is None:
        return None
    return template, template.restore_or_claim()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, _migrated_template):
    """The in-memory test database starts as a copy of the migrated template, when there is
    one, before Django creates and migrates it."""


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _migrated_template):
    from django.db import connections

    with django_db_blocker.unblock():
        if _migrated_template is not None:
            template, restored = _migrated_template
            if restored:
                template.done()
            else:
                template.save(connections["default"])
        for alias in connections:
            rows = json.loads(connections[alias].creation.serialize_db_to_string())
            # Content types first: saving other rows may look them up (and create them).
            rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
            _BASE_DATA[alias] = json.dumps(rows)


@pytest.fixture(scope="session", autouse=True)
def _urlconf_loaded():
    """Load the URLconf before any test. A test that first reverses a URL inside freezegun's
    ``freeze_time`` would otherwise build the API's pydantic schemas while ``datetime.date``
    is freezegun's stand-in, which pydantic refuses (a test run alone failed that way)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every module the URLconf names)


@pytest.fixture(autouse=True)
def _base_data_restored(request):
    """Django's own serialized rollback relies on an attribute of the connection object,
    which Playwright's greenlets do not see; this restores the migrations' rows itself
    whenever a transactional test starts on an emptied database."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.db import connections
    from wagtail.models import Locale

    if not Locale.objects.exists():
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        # The flush re-created these (post_migrate); the snapshot has them with its own ids.
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        for alias, data in _BASE_DATA.items():
            connections[alias].creation.deserialize_db_from_string(data)


@pytest.fixture(autouse=True)
def _live_server_gated(request, _base_data_restored):
    """On in-memory SQLite, the live server's requests and the test's queries take turns on
    their shared connection, and no request outlives its test (tests/live_server_gate.py).
    Set up after the database fixtures, so that its wait runs before their flush."""
    if "live_server" not in request.fixturenames:
        yield
        return
    from tests.live_server_gate import gate_for

    gate = gate_for(request.getfixturevalue("live_server"))
    yield
    if gate is None:
        return
    if not gate.wait_until_idle():
        pytest.fail("A request to the live server was still running 30 s after the test.")
    if problems := gate.left_in_a_transaction():
        pytest.fail(f"The test left the shared database connection in a transaction: {problems}")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes uploads into its own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the one before it activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits, cached fragments, locales and the learners' kept record access
    (courses.record_access, in the page cache's store) never leak from one test into the
    next: SQLite gives a rolled-back test's ids to the next one's rows."""
    from tests.first_request import forget_what_processes_keep

    forget_what_processes_keep(course_structures=False)
    yield
    forget_what_processes_keep(course_structures=False)


@pytest.fixture
def home_page(db):
    from lms.portal.models import HomePage

    return HomePage.objects.get(locale__language_code="en")


def confirm_second_factor(client, user):
    """Mark the client's session as confirmed with a second factor, as allauth's sign-in
    step does after a correct authenticator code."""
    from types import SimpleNamespace

    from allauth.account.internal.flows.login import record_authentication

    session = client.session
    record_authentication(SimpleNamespace(session=session), user, "mfa", type="totp")
    session.save()


@pytest.fixture(autouse=True)
def _force_login_completes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a complete sign-in: for a person with TOTP it
    includes the code step, as allauth's sign-in would. Tests of sessions without that step
    sign in with ``client.login`` or through the real forms."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from allauth.mfa.models import Authenticator

        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            confirm_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def second_factor_for_everyone(monkeypatch, totp_for):
    """For tests about who may do what rather than about the second factor: every
    ``force_login`` is a complete sign-in with an authenticator (tests of the second factor
    itself are in tests/accounts/test_two_factor.py and test_url_walk.py)."""
    from django.test.client import ClientMixin

    complete_sign_in = ClientMixin.force_login

    def force_login(self, user, backend=None):
        totp_for(user)
        complete_sign_in(self, user, backend)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def totp_for():
    """Give a user a TOTP authenticator, as staff must have before using the admin."""

    def give(user):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
        )
        return user

    return give


@pytest.fixture
def package_storage(settings, tmp_path):
    """H5P, SCORM and cmi5 packages unpacked into the test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "interactive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "packages")},
        },
    }


@pytest.fixture
def learner_pages_kept(settings):
    """Signed-in learners' and members' pages kept per session (decision 0608), which the
    test settings leave off, from an empty store."""
    from django.core.cache import caches

    settings.LEARNER_PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    yield
    caches["pages"].clear()
