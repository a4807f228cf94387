"""A thread's page kept for a signed-in member's session (community/kept_pages.py, decision
0304): served again in at most three queries, only to the same session, with valid CSRF
tokens and a fresh reply token, never with messages, and every write that changes what the
reader sees shown on their next request."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Membership, Notification, Reaction, Thread
from lms.accounts.services import user_roles_set
from lms.learner_page_cache import HIT_HEADER
from tests.accounts.factories import UserFactory
from tests.community.factories import member, thread_of_many_posts, trusted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("learner_pages_kept")]


def url(name, *args):
    return reverse(f"community:{name}", args=args)


def thread_url(thread):
    return url("thread", thread.community.slug, thread.pk)


def kept(client, address) -> str:
    """The page once it comes from the kept copy (the first answer sets the CSRF cookie and
    moves the reading position, a later one is kept, the next is served from it)."""
    for _attempt in range(4):
        response = client.get(address)
        assert response.status_code == 200
        if response.get(HIT_HEADER) == "hit":
            return response.content.decode()
    raise AssertionError(f"{address} was never served from the kept pages")


def fresh(client, address) -> str:
    """The next answer. It may come from a kept copy only when the state it shows is one
    seen before (a silence lifted, a thread no longer watched): the key is that state."""
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def _thread_of(size, community):
    authors = [trusted(UserFactory(display_name=f"Author {n}")) for n in range(5)]
    return thread_of_many_posts(size, community, authors=authors, title="Kept thread")


@pytest.fixture
def thread(community):
    return _thread_of(3, community)


@pytest.fixture
def reader(client, community):
    person = member(community, UserFactory(display_name="Reader Rosa"))
    client.force_login(person)
    return person


def _post(thread, number):
    return thread.posts.get(number=number)


def _reaction_buttons(page, number):
    article = page.split(f'id="post-{number}"', 1)[1].split("</article>", 1)[0]
    return re.findall(r'aria-pressed="(true|false)">(\w+) (\d+)<', article)


# --- what is served, and to whom ---------------------------------------------------------


@pytest.mark.parametrize("size", [20, 200])
def test_a_kept_thread_page_costs_three_queries_at_most_whatever_the_thread_size(
    client, community, reader, size, django_assert_max_num_queries
):
    thread = _thread_of(size, community)
    kept(client, thread_url(thread))
    # The session, the reader, the thread with the reader's state in it.
    with django_assert_max_num_queries(3):
        response = client.get(thread_url(thread))
    assert response[HIT_HEADER] == "hit"
    assert response.content.decode().count('class="post-body"') == 20
    # The page rendered afresh stays within the page budget too.
    Reaction.objects.create(post=_post(thread, 2), user=UserFactory(), kind="like")
    with django_assert_max_num_queries(10):
        response = client.get(thread_url(thread))
    assert response.get(HIT_HEADER) == "miss"


def test_the_page_is_private_for_the_browser_whether_kept_or_not(client, thread, reader):
    first = client.get(thread_url(thread))
    kept(client, thread_url(thread))
    again = client.get(thread_url(thread))
    for response in (first, again):
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


def test_another_person_or_a_new_session_never_gets_the_kept_page(client, community, thread):
    rosa = member(community, UserFactory(display_name="Rosa"))
    client.force_login(rosa)
    kept(client, thread_url(thread))
    other = Client()
    other.force_login(member(community, UserFactory(display_name="Other")))
    assert other.get(thread_url(thread)).get(HIT_HEADER) != "hit"
    second_session = Client()
    second_session.force_login(rosa)
    assert second_session.get(thread_url(thread)).get(HIT_HEADER) != "hit"
    # Each is served their own page, never Rosa's.
    other_page = kept(other, thread_url(thread))
    assert "Stop watching" not in other_page
    assert "/en/community/posts/" in other_page


def test_the_csrf_token_in_a_kept_page_is_accepted_and_each_reply_form_has_its_own_token(
    community, thread
):
    rosa = member(community, UserFactory())
    client = Client(enforce_csrf_checks=True)
    client.force_login(rosa)
    page = kept(client, thread_url(thread))
    again = kept(client, thread_url(thread))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    client_ids = [
        re.search(r'name="client_id" value="([^"]+)"', body).group(1) for body in (page, again)
    ]
    assert client_ids[0] != client_ids[1]
    response = client.post(
        thread_url(thread),
        {
            "source": "Answered from a kept page",
            "client_id": client_ids[0],
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert thread.posts.filter(text__contains="Answered from a kept page").count() == 1
    # A second reply from the other kept copy is a new post, not a retry of the first.
    client.post(
        thread_url(thread),
        {"source": "And a second one", "client_id": client_ids[1], "csrfmiddlewaretoken": token},
    )
    assert thread.posts.filter(text__contains="And a second one").count() == 1


def test_messages_are_never_kept(client, thread, reader):
    kept(client, thread_url(thread))
    # A message left by another request (the silenced reader's refused reply).
    Membership.objects.filter(user=reader).update(
        silenced_until=timezone.now() + dt.timedelta(hours=1)
    )
    response = client.post(thread_url(thread), {"source": "Refused"})
    assert response.status_code == 302
    page = fresh(client, thread_url(thread))
    assert "You may read but not post until" in page
    # Shown once: the page kept later is one without it.
    assert "You may read but not post until" not in kept(client, thread_url(thread))


def test_staff_and_anonymous_visitors_get_no_kept_page(client, thread):
    client.force_login(UserFactory(is_staff=True))
    for _attempt in range(3):
        assert client.get(thread_url(thread)).get(HIT_HEADER) is None
    client.logout()
    for _attempt in range(3):
        assert client.get(thread_url(thread)).get(HIT_HEADER) is None


# --- every write seen on the next request -------------------------------------------------


def test_a_new_reply_by_another_member_shows_on_the_next_request(client, community, thread, reader):
    kept(client, thread_url(thread))
    services.post_create(
        author=member(community, UserFactory()), thread=thread, source="A fresh reply arrives"
    )
    assert "A fresh reply arrives" in fresh(client, thread_url(thread))


def test_an_edit_shows_on_the_next_request(client, thread, reader):
    kept(client, thread_url(thread))
    post = _post(thread, 2)
    services.post_edit(editor=post.author, post=post, source="Edited text of post two")
    assert "Edited text of post two" in fresh(client, thread_url(thread))


def test_a_moderator_hide_and_show_appear_on_the_next_request(client, community, thread, reader):
    moderator = member(community, UserFactory(), role=Membership.Role.MODERATOR)
    kept(client, thread_url(thread))
    post = _post(thread, 2)
    services.post_hide(moderator=moderator, post=post, reason="Off topic")
    assert "Post 2" not in fresh(client, thread_url(thread))
    assert "Post 2" not in kept(client, thread_url(thread))
    services.post_show(moderator=moderator, post=_post(thread, 2))
    assert "Post 2" in fresh(client, thread_url(thread))


def test_reactions_by_me_and_by_others_show_on_the_next_request(client, community, thread, reader):
    kept(client, thread_url(thread))
    post = _post(thread, 2)
    services.reaction_toggle(user=member(community, UserFactory()), post=post, kind="like")
    assert ("false", "Like", "1") in _reaction_buttons(fresh(client, thread_url(thread)), 2)
    kept(client, thread_url(thread))
    response = client.post(url("post_react", post.pk), {"kind": "like"})
    assert response.status_code == 302
    assert ("true", "Like", "2") in _reaction_buttons(fresh(client, thread_url(thread)), 2)
    kept(client, thread_url(thread))
    # Taken back by a queryset delete inside the service.
    services.reaction_toggle(user=reader, post=post, kind="like")
    assert ("false", "Like", "1") in _reaction_buttons(fresh(client, thread_url(thread)), 2)


def test_watching_and_no_longer_watching_show_on_the_next_request(client, thread, reader):
    assert "Watch this thread" in kept(client, thread_url(thread))
    services.subscription_set(user=reader, watching=True, thread=thread)
    assert "Stop watching" in fresh(client, thread_url(thread))
    kept(client, thread_url(thread))
    services.subscription_set(user=reader, watching=False, thread=thread)
    assert "Watch this thread" in fresh(client, thread_url(thread))


def test_membership_removed_silenced_and_made_moderator_show_on_the_next_request(
    client, private_community
):
    reader = member(private_community, UserFactory())
    moderator = member(private_community, UserFactory(), role=Membership.Role.MODERATOR)
    thread = _thread_of(3, private_community)
    client.force_login(reader)
    assert 'id="reply-heading"' in kept(client, thread_url(thread))
    services.member_silence(
        community=private_community,
        user=reader,
        by=moderator,
        until=timezone.now() + dt.timedelta(days=1),
    )
    assert 'id="reply-heading"' not in fresh(client, thread_url(thread))
    kept(client, thread_url(thread))
    services.member_silence(community=private_community, user=reader, by=moderator, until=None)
    assert 'id="reply-heading"' in fresh(client, thread_url(thread))
    kept(client, thread_url(thread))
    Membership.objects.filter(user=reader).update(role=Membership.Role.MODERATOR)
    assert "Hide thread" in fresh(client, thread_url(thread))
    kept(client, thread_url(thread))
    services.membership_remove(community=private_community, user=reader, by=moderator)
    assert client.get(thread_url(thread)).status_code == 404


def test_a_silenced_member_sees_the_reply_form_again_when_the_silence_ends(
    client, community, thread, reader
):
    from freezegun import freeze_time

    until = timezone.now() + dt.timedelta(minutes=30)
    Membership.objects.filter(user=reader).update(silenced_until=until)
    assert 'id="reply-heading"' not in kept(client, thread_url(thread))
    with freeze_time(until + dt.timedelta(seconds=1)):
        assert 'id="reply-heading"' in fresh(client, thread_url(thread))


def test_a_new_name_and_a_new_role_of_an_author_show_on_the_next_request(client, thread, reader):
    author = _post(thread, 2).author
    kept(client, thread_url(thread))
    author.display_name = "Renamed Ruth"
    author.save()
    assert "Renamed Ruth" in fresh(client, thread_url(thread))
    kept(client, thread_url(thread))
    user_roles_set(user=author, roles=["trainer"])
    assert "Trainer" in fresh(client, thread_url(thread))


def test_an_erased_author_is_no_longer_named_on_the_next_request(client, thread, reader):
    from lms.privacy.erasure import person_erase

    author = _post(thread, 2).author
    name = author.display_name
    assert name in kept(client, thread_url(thread))
    person_erase(person=author, pseudonym="erased-4711")
    assert name not in fresh(client, thread_url(thread))


def test_a_notification_and_notifications_read_show_on_the_next_request(
    client, community, thread, reader
):
    kept(client, thread_url(thread))
    Notification.objects.bulk_create(
        [Notification(recipient=reader, kind=Notification.Kind.REPLY, thread=thread)]
    )
    assert 'class="badge">1<' in fresh(client, thread_url(thread))
    kept(client, thread_url(thread))
    Notification.objects.filter(recipient=reader).update(read_at=timezone.now())
    assert 'class="badge">' not in fresh(client, thread_url(thread))


def test_a_locked_renamed_or_moved_thread_shows_on_the_next_request(
    client, community, thread, reader
):
    kept(client, thread_url(thread))
    Thread.objects.filter(pk=thread.pk).update(title="Renamed by an update", is_locked=True)
    page = fresh(client, thread_url(thread))
    assert "Renamed by an update" in page
    assert "Locked: no new replies" in page
    kept(client, thread_url(thread))
    community.name = "Renamed community"
    community.save()
    assert "Renamed community" in fresh(client, thread_url(thread))


def test_the_reader_reading_further_is_kept_under_the_new_position(client, community, reader):
    thread = _thread_of(25, community)
    page_one = client.get(thread_url(thread)).content.decode()
    assert "tag-new" in page_one
    # Page 1 read: the next answer no longer marks its posts new, and is then kept.
    assert "tag-new" not in kept(client, thread_url(thread))
    assert "tag-new" in fresh(client, thread_url(thread) + "?page=2")


def test_a_language_change_is_another_page(client, thread, reader):
    kept(client, thread_url(thread))
    vietnamese = client.get(thread_url(thread).replace("/en/", "/vi/", 1))
    assert vietnamese.get(HIT_HEADER) != "hit"
    assert vietnamese.content.decode() != kept(client, thread_url(thread))
