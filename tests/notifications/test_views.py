"""The notices page and the choices page: a person's own only, in a constant number of
queries; the unread count in the header."""

import pytest
from django.urls import reverse

from lms.notifications.models import Channel, Notification, Preference
from tests.accounts.factories import UserFactory
from tests.notifications.conftest import TEST_KIND
from tests.notifications.factories import notice

pytestmark = pytest.mark.django_db

LIST = "/en/notifications/"
PREFERENCES = "/en/notifications/preferences/"


def test_the_pages_have_their_addresses():
    assert reverse("notifications:list") == LIST
    assert reverse("notifications:preferences") == PREFERENCES


@pytest.mark.parametrize("url", [LIST, PREFERENCES])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_person_sees_their_own_notices_only(client):
    me, other = UserFactory(), UserFactory()
    notice(me, 1)
    Notification.objects.filter(recipient=me).update(subject="Mine to read")
    notice(other, 2)
    Notification.objects.filter(recipient=other).update(subject="Somebody else's")
    client.force_login(me)
    page = client.get(LIST).content.decode()
    assert "Mine to read" in page
    assert "Somebody else" not in page


def test_nobody_may_open_another_persons_notice(client):
    me, other = UserFactory(), UserFactory()
    theirs = notice(other, 1)
    client.force_login(me)
    response = client.post(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notice_marks_it_read_and_follows_its_link(client):
    me = UserFactory()
    mine = notice(me, 1)
    client.force_login(me)
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/en/my/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_link_to_another_site_is_not_followed(client):
    me = UserFactory()
    mine = notice(me, 1)
    Notification.objects.filter(pk=mine.pk).update(link="https://evil.example/")
    client.force_login(me)
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response["Location"] == LIST


def test_opening_needs_a_post(client):
    me = UserFactory()
    mine = notice(me, 1)
    client.force_login(me)
    assert client.get(reverse("notifications:open", args=[mine.pk])).status_code == 405


def test_the_header_counts_unread_notices_until_they_are_read(
    client, django_capture_on_commit_callbacks
):
    me = UserFactory()
    notice(me, 1)
    notice(me, 2)
    client.force_login(me)
    page = client.get("/en/my/").content.decode()
    assert 'class="unread-count"' in page
    assert "</span> 2</span>" in page
    response = client.post(LIST, follow=True)
    assert "All notices are marked as read." in response.content.decode()
    assert 'class="unread-count"' not in client.get("/en/my/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notice(me, 3)
    assert "</span> 1</span>" in client.get("/en/my/").content.decode()


def test_the_header_count_comes_with_the_person_however_cold_the_cache(client):
    """Decision 0629: the person's query counts their unread notices, so a page asks no
    count of its own, the shared cache empty or not; marking notices read in a request
    drops the count held for it, so a page it renders afterwards counts again."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.accounts.backends import user_with_role_codes
    from lms.notifications.selectors import unread_count
    from lms.notifications.services import notifications_mark_read

    me = UserFactory()
    notice(me, 1)
    notice(me, 2)
    client.force_login(me)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/en/my/").content.decode()
    assert "</span> 2</span>" in page
    counts = [q for q in captured.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1, counts
    assert 'FROM "accounts_user"' in counts[0]["sql"]
    loaded = user_with_role_codes(me.pk)
    assert loaded.unread_on_site == 2
    notifications_mark_read(user=loaded, ids=[Notification.objects.filter(recipient=me)[0].pk])
    assert unread_count(user=loaded) == 1


@pytest.mark.parametrize("size", [3, 60])
def test_the_notices_page_costs_the_same_queries_for_few_or_many(
    client, size, django_assert_max_num_queries
):
    me = UserFactory()
    for n in range(size):
        notice(me, n)
    client.force_login(me)
    client.get(LIST)  # warm the per-process caches (locales, sites)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.content.decode().count('class="notice-item') == min(size, 30)


def test_the_choices_page_shows_each_kind_and_channel_and_saves_them(client):
    me = UserFactory(phone="+84901234567")
    client.force_login(me)
    page = client.get(PREFERENCES).content.decode()
    assert f'value="{TEST_KIND}:email"' in page
    assert "Greeting" in page
    response = client.post(PREFERENCES, {"on": [f"{TEST_KIND}:site", f"{TEST_KIND}:sms"]})
    assert response.status_code == 302
    choices = dict(
        Preference.objects.filter(user=me, kind=TEST_KIND).values_list("channel", "enabled")
    )
    assert choices == {Channel.SITE: True, Channel.EMAIL: False, Channel.SMS: True}
    page = client.get(PREFERENCES).content.decode()
    assert f'value="{TEST_KIND}:email"\n' in page or "checked" in page


@pytest.mark.parametrize("size", [1, 2])
def test_the_choices_page_costs_the_same_queries_however_many_choices(
    client, size, django_assert_max_num_queries
):
    me = UserFactory()
    client.force_login(me)
    client.get(PREFERENCES)
    for n in range(size):
        client.post(PREFERENCES, {"on": [f"{TEST_KIND}:site"] * n})
    with django_assert_max_num_queries(8):
        assert client.get(PREFERENCES).status_code == 200
