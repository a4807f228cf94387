"""Decision 0031: the signed-in person's role codes come with the person, in one query, and
sessions signed in through the backends' former names stay signed in."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.accounts.backends import user_with_role_codes
from lms.accounts.models import Role
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_person_and_their_role_codes_are_one_query(django_assert_num_queries):
    person = UserFactory(roles=["trainer", "worker"])
    with django_assert_num_queries(1):
        loaded = user_with_role_codes(person.pk)
        assert loaded.has_role(Role.Code.TRAINER)
        assert not loaded.has_role(Role.Code.COUNTRY_STAFF)
    assert loaded.role_codes() == {"trainer", "worker"}


def test_a_person_without_roles_has_none(django_assert_num_queries):
    person = UserFactory(roles=[])
    with django_assert_num_queries(1):
        assert user_with_role_codes(person.pk).role_codes() == frozenset()
    assert user_with_role_codes(person.pk + 1000) is None


def test_a_page_asks_no_role_query_for_the_signed_in_person(client):
    client.force_login(UserFactory(roles=["worker"]))
    client.get("/en/my/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/en/my/").status_code == 200
    assert not [q for q in captured.captured_queries if 'FROM "accounts_role"' in q["sql"]]


def test_a_role_granted_counts_on_the_next_request(client):
    person = UserFactory(roles=["worker"])
    client.force_login(person)
    assert client.get("/en/my/").context["is_trainer"] is False
    person.roles.add(Role.objects.get(code=Role.Code.TRAINER))
    assert client.get("/en/my/").context["is_trainer"] is True


@pytest.mark.parametrize(
    "former",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
def test_a_session_signed_in_before_the_rename_stays_signed_in(client, former):
    person = UserFactory(roles=["worker"])
    client.force_login(person, backend=former)
    assert client.session[BACKEND_SESSION_KEY] == former
    response = client.get("/en/my/")
    assert response.status_code == 200
    assert response.context["user"] == person
    assert client.session[BACKEND_SESSION_KEY].startswith("lms.accounts.backends.")


def test_a_deactivated_person_is_signed_out(client):
    person = UserFactory(roles=["worker"])
    client.force_login(person)
    person.is_active = False
    person.save()
    assert client.get("/en/my/").status_code == 302


# --- the query composed once per connection (decision 0038) -------------------------------


def _field_values(person):
    return {f.attname: getattr(person, f.attname) for f in type(person)._meta.concrete_fields}


def test_the_person_loaded_is_the_one_the_queryset_loads(django_assert_num_queries):
    from wagtail.users.models import UserProfile

    from lms.accounts.backends import _users_with_role_codes

    person = UserFactory(roles=["trainer"], preferred_language="fr")
    UserProfile.objects.create(user=person, preferred_language="ar", current_time_zone="UTC")
    from_queryset = _users_with_role_codes().get(pk=person.pk)
    user_with_role_codes(person.pk)  # composed on the first load
    with django_assert_num_queries(1):
        loaded = user_with_role_codes(person.pk)
        # The profile came with the join; the timestamps with their time zone, as the ORM's.
        assert loaded.wagtail_userprofile.preferred_language == "ar"
    assert _field_values(loaded) == _field_values(from_queryset)
    assert loaded.date_joined.tzinfo is not None
    assert loaded.role_code_list == "trainer"
    assert loaded._state.adding is False
    assert loaded._state.db == "default"


def test_a_person_without_a_profile_costs_no_second_query(django_assert_num_queries):
    from wagtail.users.models import UserProfile

    person = UserFactory(roles=[])
    user_with_role_codes(person.pk)
    with django_assert_num_queries(1):
        loaded = user_with_role_codes(person.pk)
        with pytest.raises(UserProfile.DoesNotExist):
            loaded.wagtail_userprofile  # noqa: B018 (the join said there is none)


def test_the_query_is_composed_once_per_connection(monkeypatch):
    from lms.accounts import backends

    first = UserFactory(roles=["worker"])
    second = UserFactory(roles=["trainer"])
    backends.user_with_role_codes(first.pk)
    composed = []
    real = backends._users_with_role_codes
    monkeypatch.setattr(backends, "_users_with_role_codes", lambda: composed.append(1) or real())
    assert backends.user_with_role_codes(second.pk).role_codes() == {"trainer"}
    assert backends.user_with_role_codes(first.pk).role_codes() == {"worker"}
    assert composed == []


def test_an_id_of_another_shape_is_read_as_the_orm_reads_it():
    person = UserFactory(roles=["worker"])
    assert user_with_role_codes(str(person.pk)).pk == person.pk
    with pytest.raises((TypeError, ValueError)):
        user_with_role_codes("not a number")


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_the_persons_query_is_prepared_on_the_connection_and_still_counted():
    """Decision 0126: after a few requests the database runs the person's query without
    planning it again; each run is still one query in Django's log, with its SQL, and
    what it reads is today's (a role granted in between counts)."""
    person = UserFactory(roles=["worker"])
    with CaptureQueriesContext(connection) as captured:
        loaded = [user_with_role_codes(person.pk) for _ in range(6)]

    assert [p for p in _prepared_statements() if "role_code_list" in p]
    assert len(captured.captured_queries) == 6
    assert all('FROM "accounts_user"' in q["sql"] for q in captured.captured_queries)
    assert {p.role_codes() for p in loaded} == {frozenset({"worker"})}
    person.roles.add(Role.objects.get(code=Role.Code.TRAINER))
    assert user_with_role_codes(person.pk).role_codes() == {"worker", "trainer"}
    assert user_with_role_codes(person.pk + 1000) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_nothing_is_prepared_when_prepared_statements_are_off(monkeypatch):
    """DJANGO_DB_PREPARED_STATEMENTS=0 (a pooler that keeps none): psycopg's threshold is
    None, and the person's query is then planned each time, as Django's own queries are."""
    person = UserFactory(roles=["worker"])
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)

    for _ in range(6):
        assert user_with_role_codes(person.pk).role_codes() == {"worker"}

    assert not [p for p in _prepared_statements() if "role_code_list" in p]
