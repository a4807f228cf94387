"""The community pages: who sees what (private communities are invisible to outsiders in
lists, search, notifications and direct addresses), posting without JavaScript, bad input,
retried requests, moderation pages per role, query budgets at two data sizes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community import fragments, selectors, services
from community.models import Attachment, Flag, MemberProfile, Membership, Notification, Post, Thread
from lms.accounts.services import user_roles_set
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.community.factories import (
    CategoryFactory,
    CommunityFactory,
    member,
    thread_of_many_posts,
    thread_with_posts,
    trusted,
)
from tests.hostile_html import HOSTILE_INPUTS
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def url(name, *args, **kwargs):
    return reverse(f"community:{name}", args=args, kwargs=kwargs)


def thread_url(thread):
    return url("thread", thread.community.slug, thread.pk)


@pytest.fixture
def private_thread(private_community):
    author = trusted(member(private_community))
    return services.thread_create(
        author=author,
        community=private_community,
        title="Assessor calibration notes",
        source="Calibration secrets for certified trainers.",
    )


# --- privacy ---------------------------------------------------------------------------------


def test_private_community_is_invisible_to_outsiders_everywhere(client, private_thread, community):
    outsider = UserFactory()
    post = private_thread.posts.get()
    for who in (None, outsider):
        client.logout()
        if who:
            client.force_login(who)
        index = client.get(url("index"))
        assert "Certified trainers" not in index.content.decode()
        assert client.get(url("community", "certified-trainers")).status_code == 404
        assert client.get(thread_url(private_thread)).status_code == 404
        assert client.get(url("post", post.pk)).status_code == 404
        assert client.get(url("post_history", post.pk)).status_code == 404
        found = client.get(url("search"), {"q": "calibration"})
        assert "Calibration secrets" not in found.content.decode()
    client.force_login(outsider)
    assert client.post(url("post_react", post.pk), {"kind": "like"}).status_code == 404
    assert client.post(url("post_flag", post.pk), {"reason": "spam"}).status_code == 404
    assert client.post(url("join", "certified-trainers")).status_code == 404


def test_feeds_carry_public_threads_only(client, private_thread, community):
    services.thread_create(
        author=trusted(UserFactory()),
        community=community,
        title="Public fire drill notes",
        source="Every six months.",
    )
    feed = client.get(url("feed")).content.decode()
    assert "Public fire drill notes" in feed
    assert "Assessor calibration" not in feed
    assert (
        "Public fire drill notes"
        in client.get(url("community_feed", community.slug)).content.decode()
    )
    client.force_login(member(private_thread.community))
    assert client.get(url("community_feed", private_thread.community.slug)).status_code == 404


def test_members_and_staff_of_its_country_see_a_private_community(client, private_thread):
    community = private_thread.community
    community.country = country("vn")
    community.save()
    for who in (member(community), country_staff("vn"), global_admin()):
        client.force_login(who)
        assert client.get(thread_url(private_thread)).status_code == 200
        assert (
            "Calibration secrets"
            in client.get(url("search"), {"q": "calibration"}).content.decode()
        )
    client.force_login(country_staff("jo"))
    assert client.get(thread_url(private_thread)).status_code == 404


def test_notifications_from_a_community_you_left_disappear(client, private_thread):
    insider = member(private_thread.community)
    Notification.objects.create(
        recipient=insider, kind="thread", thread=private_thread, post=private_thread.posts.get()
    )
    client.force_login(insider)
    assert "Assessor calibration notes" in client.get(url("notifications")).content.decode()
    Membership.objects.filter(user=insider).delete()
    assert "Assessor calibration notes" not in client.get(url("notifications")).content.decode()


def test_attachments_of_private_posts_are_refused_to_outsiders(client, private_community, settings):
    author = trusted(member(private_community))
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3)).save(buffer, "PNG")
    client.force_login(author)
    response = client.post(
        url("thread_create", private_community.slug),
        {
            "title": "Photo of the flip chart",
            "source": "See attached",
            "attachments": [SimpleUploadedFile("chart.png", buffer.getvalue(), "image/png")],
            "client_id": "x1",
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    file_url = reverse("community_files:attachment", args=[attachment.token, attachment.name])
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(UserFactory())
    assert client.get(file_url).status_code == 404
    client.logout()
    assert client.get(file_url).status_code == 404


# --- writing ---------------------------------------------------------------------------------


def test_anyone_signed_in_can_start_a_thread_and_reply_without_javascript(client, community):
    author = trusted(UserFactory())
    client.force_login(author)
    response = client.get(url("thread_create", community.slug))
    assert 'name="client_id"' in response.content.decode()
    response = client.post(
        url("thread_create", community.slug),
        {
            "title": "Rest breaks on night shift",
            "source": "How long?\n\nAnd how often?",
            "is_question": "on",
            "client_id": "t-1",
        },
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread_url(thread)
    assert thread.is_question
    assert thread.posts.get().html == "<p>How long?</p>\n<p>And how often?</p>"
    replier = trusted(UserFactory())
    client.force_login(replier)
    response = client.post(thread_url(thread), {"source": "30 minutes.", "client_id": "r-1"})
    assert response.status_code == 302
    assert response["Location"].endswith("#post-2")
    # The phone lost the answer and sends it again: still one reply.
    client.post(thread_url(thread), {"source": "30 minutes.", "client_id": "r-1"})
    assert thread.posts.count() == 2


def test_a_silenced_member_is_told_why_their_reply_was_refused(client, community):
    import datetime as dt

    from django.utils import timezone

    thread = thread_with_posts(community=community, count=1)
    noisy = member(community, silenced_until=timezone.now() + dt.timedelta(days=1))
    client.force_login(noisy)
    response = client.post(thread_url(thread), {"source": "again", "client_id": "s"}, follow=True)
    assert "You may read but not post until" in response.content.decode()
    assert thread.posts.count() == 1


def test_bad_input_is_explained_and_kept(client, community):
    client.force_login(trusted(UserFactory()))
    response = client.post(
        url("thread_create", community.slug),
        {"title": "Hi", "source": "Some long text", "client_id": "c"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "at least 5 characters" in body
    assert "Some long text" in body
    response = client.post(
        url("thread_create", community.slug),
        {
            "title": "Bad file attached",
            "source": "x",
            "client_id": "d",
            "attachments": [SimpleUploadedFile("virus.exe", b"MZ....", "application/octet-stream")],
        },
    )
    assert response.status_code == 200
    assert "is not a kind of file accepted here" in response.content.decode()
    response = client.post(
        url("thread_create", community.slug),
        {
            "title": "Fake picture attached",
            "source": "x",
            "client_id": "e",
            "attachments": [SimpleUploadedFile("photo.png", b"<svg onload=alert(1)>", "image/png")],
        },
    )
    assert "not a picture" in response.content.decode()
    assert not Thread.objects.exists()


def test_the_vietnamese_form_shows_vietnamese_errors(client, community):
    client.force_login(trusted(UserFactory()))
    response = client.post(
        f"/vi/community/{community.slug}/new/", {"title": "", "source": "", "client_id": "v"}
    )
    assert response.status_code == 200
    assert "This field is required" not in response.content.decode()


def test_anonymous_visitors_read_public_threads_but_must_sign_in_to_write(client, community):
    thread = thread_with_posts(community=community, count=2)
    assert client.get(thread_url(thread)).status_code == 200
    response = client.post(thread_url(thread), {"source": "anon"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(url("thread_create", community.slug)).status_code == 302
    assert thread.posts.count() == 2


def test_quote_prefills_the_reply(client, community):
    thread = thread_with_posts(community=community, count=2)
    quoted = thread.posts.get(number=2)
    client.force_login(trusted(UserFactory()))
    body = client.get(thread_url(thread), {"quote": quoted.pk}).content.decode()
    assert "&lt;blockquote cite=&quot;post-2&quot;&gt;" in body


def test_reading_a_thread_marks_it_read(client, community):
    thread = thread_with_posts(community=community, count=3)
    reader = UserFactory()
    client.force_login(reader)
    body = client.get(url("community", community.slug)).content.decode()
    assert "3 new" in body
    client.get(thread_url(thread))
    assert "3 new" not in client.get(url("community", community.slug)).content.decode()


def test_new_posts_link_jumps_to_the_first_unread_post(client, community):
    thread = thread_with_posts(community=community, count=60)
    reader = UserFactory()
    services.read_position_update(user=reader, thread=thread, number=55)
    client.force_login(reader)
    listing = client.get(url("community", community.slug)).content.decode()
    assert "?from=56" in listing
    response = client.get(thread_url(thread), {"from": "56"})
    page = 55 // selectors.POSTS_PER_PAGE + 1  # 55 posts before it
    assert response["Location"] == thread_url(thread) + f"?page={page}#post-56"


def test_a_profile_shows_organisation_only_when_its_owner_is_listed(client):
    from tests.accounts.factories import OrganisationFactory

    worker = UserFactory(organisation=OrganisationFactory(name="Saigon Garment Co."))
    assert "Saigon Garment Co." not in client.get(url("person", worker.pk)).content.decode()
    MemberProfile.objects.create(user=worker, listed_in_directory=True)
    assert "Saigon Garment Co." in client.get(url("person", worker.pk)).content.decode()


def test_only_the_asker_sees_accept_and_accepting_works(client, community):
    asker = trusted(UserFactory())
    thread = services.thread_create(
        author=asker,
        community=community,
        title="Which fire extinguisher?",
        source="?",
        is_question=True,
    )
    answer = services.post_create(author=trusted(UserFactory()), thread=thread, source="CO2")
    client.force_login(UserFactory())
    assert "Mark as the answer" not in client.get(thread_url(thread)).content.decode()
    assert client.post(url("post_accept", answer.pk)).status_code == 302
    thread.refresh_from_db()
    assert thread.accepted_post is None
    client.force_login(asker)
    assert "Mark as the answer" in client.get(thread_url(thread)).content.decode()
    client.post(url("post_accept", answer.pk))
    thread.refresh_from_db()
    assert thread.accepted_post == answer


def test_editing_someone_elses_post_is_forbidden(client, community):
    thread = thread_with_posts(community=community, count=1)
    post = thread.posts.get()
    client.force_login(UserFactory())
    assert client.get(url("post_edit", post.pk)).status_code == 403
    client.force_login(thread.author)
    response = client.post(
        url("post_edit", post.pk), {"source": "Edited text", "title": "Edited title here"}
    )
    assert response.status_code == 302
    assert "Edited text" in client.get(url("post_history", post.pk)).content.decode()


# --- moderation ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["moderation", "members", "audit"])
def test_moderation_pages_are_for_moderators_and_staff(client, community, page, totp_for):
    community.country = country("vn")
    community.save()
    address = url(page, community.slug)
    assert client.get(address).status_code == 302  # to sign in
    client.force_login(totp_for(member(community)))
    assert client.get(address).status_code == 403
    client.force_login(totp_for(country_staff("jo")))
    assert client.get(address).status_code == 403
    for allowed in (member(community, role="moderator"), country_staff("vn"), global_admin()):
        client.force_login(totp_for(allowed))
        assert client.get(address).status_code == 200


def test_a_moderator_works_the_review_queue(client, community, totp_for):
    thread = thread_with_posts(community=community, count=2)
    spam = thread.posts.get(number=2)
    reporter = UserFactory()
    client.force_login(totp_for(reporter))
    response = client.post(url("post_flag", spam.pk), {"reason": "spam", "note": "Advert"})
    assert response.status_code == 302
    assert Flag.objects.count() == 1
    moderator = member(community, role="moderator")
    client.force_login(totp_for(moderator))
    queue = client.get(url("moderation", community.slug)).content.decode()
    assert "Advert" in queue
    assert "Spam or advertising" in queue
    client.post(url("post_moderate", spam.pk, "hide"), {"reason": "Advertising"})
    spam.refresh_from_db()
    assert spam.is_hidden
    assert "Advertising" in client.get(url("audit", community.slug)).content.decode()
    client.force_login(totp_for(reporter))
    assert spam.text not in client.get(thread_url(thread)).content.decode()
    assert client.get(url("post", spam.pk)).status_code == 404


def test_moderators_see_and_approve_requests_to_join(client, totp_for):
    community = CommunityFactory(join_policy="approval")
    applicant = UserFactory()
    client.force_login(totp_for(applicant))
    client.post(url("join", community.slug))
    assert Membership.objects.get(user=applicant).status == "pending"
    moderator = member(community, role="moderator")
    client.force_login(totp_for(moderator))
    assert "1 asking to join" in client.get(url("community", community.slug)).content.decode()
    client.post(url("members", community.slug), {"action": "approve", "user": applicant.pk})
    assert Membership.objects.get(user=applicant).status == "active"


def test_a_member_cannot_use_moderator_actions(client, community, totp_for):
    thread = thread_with_posts(community=community, count=2)
    post = thread.posts.get(number=2)
    client.force_login(totp_for(member(community)))
    assert client.post(url("post_moderate", post.pk, "hide")).status_code == 403
    client.post(url("thread_moderate", community.slug, thread.pk), {"action": "lock"})
    thread.refresh_from_db()
    assert not thread.is_locked
    assert client.post(url("members", community.slug), {"action": "silence"}).status_code == 403


def test_moderators_lock_pin_silence_and_move_through_the_pages(client, community, totp_for):
    other = CommunityFactory(name="Elsewhere")
    moderator = member(community, role="moderator")
    member(other, moderator, role="moderator")
    category = CategoryFactory(community=other)
    thread = thread_with_posts(community=community, count=1)
    noisy = member(community)
    client.force_login(totp_for(moderator))
    client.post(url("thread_moderate", community.slug, thread.pk), {"action": "lock"})
    client.post(url("thread_moderate", community.slug, thread.pk), {"action": "pin"})
    client.post(
        url("members", community.slug),
        {
            "action": "silence",
            "silence-username": noisy.username,
            "silence-days": "7",
            "silence-reason": "Insults",
        },
    )
    response = client.post(
        url("thread_move", community.slug, thread.pk), {"target": f"{other.pk}:{category.pk}"}
    )
    thread.refresh_from_db()
    assert response.status_code == 302
    assert thread.is_locked
    assert thread.is_pinned
    assert thread.community == other
    assert thread.category == category
    assert Membership.objects.get(community=community, user=noisy).is_silenced


# --- search, directory, messages, unsubscribe -----------------------------------------------


def test_directory_lists_people_who_chose_it_without_email_addresses(client):
    mentor = UserFactory(email="mentor.secret@example.org", country=country("jo"))
    MemberProfile.objects.create(
        user=mentor, listed_in_directory=True, offers_mentoring=True, languages=["ar", "en"]
    )
    hidden = UserFactory()
    MemberProfile.objects.create(user=hidden, listed_in_directory=False)
    body = client.get(url("directory")).content.decode()
    assert str(mentor) in body
    assert str(hidden) not in body
    assert "mentor.secret@example.org" not in body
    assert (
        str(mentor)
        in client.get(url("directory"), {"language": "ar", "country": "jo"}).content.decode()
    )
    assert str(mentor) not in client.get(url("directory"), {"language": "vi"}).content.decode()
    person = client.get(url("person", mentor.pk)).content.decode()
    assert "mentor.secret@example.org" not in person


def test_contacting_a_mentor_through_the_site(client, django_capture_on_commit_callbacks):
    mentor = UserFactory()
    MemberProfile.objects.create(user=mentor, listed_in_directory=True)
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("person", mentor.pk), {"subject": "Supervisor training", "body": "Hello!"}
        )
    assert response.status_code == 302
    message = mentor.community_received_messages.get()
    client.force_login(mentor)
    assert "Hello!" in client.get(url("message", message.pk)).content.decode()
    client.force_login(UserFactory())
    assert client.get(url("message", message.pk)).status_code == 404


def test_one_click_unsubscribe_works_without_signing_in(client, community):
    thread = thread_with_posts(community=community, count=1)
    token = services.unsubscribe_token(user=thread.author)
    page = client.get(url("unsubscribe", token))
    assert page.status_code == 200
    assert "<form" in page.content.decode()
    assert services.profile_for(user=thread.author).email_frequency == "daily"
    csrf_client = type(client)(enforce_csrf_checks=True)
    assert csrf_client.post(url("unsubscribe", token)).status_code == 200
    assert services.profile_for(user=thread.author).email_frequency == "never"
    assert client.post(url("unsubscribe", "forged")).status_code == 400


def test_search_page_filters_by_community_and_language(client, community):
    author = trusted(UserFactory())
    services.thread_create(
        author=author, community=community, title="Chemical labels", source="GHS"
    )
    vi = CommunityFactory(language="vi", slug="vn-practice")
    services.thread_create(author=author, community=vi, title="Nhãn hóa chất GHS", source="GHS")
    assert client.get(url("search"), {"q": "GHS"}).context["results"].page.paginator.count == 2
    assert (
        client.get(url("search"), {"q": "GHS", "language": "vi"})
        .context["results"]
        .page.paginator.count
        == 1
    )
    assert (
        client.get(url("search"), {"q": "GHS", "community": "vn-practice"})
        .context["results"]
        .page.paginator.count
        == 1
    )


# --- hostile content on the pages -------------------------------------------------------------


def test_hostile_posts_are_shown_harmless_on_every_page_that_shows_them(client, community):
    author = trusted(UserFactory(roles=["trainer"]))
    thread = services.thread_create(
        author=author,
        community=community,
        title="<script>alert(1)</script>\u202eevil title",
        source="Collected hostile inputs follow.",
    )
    for n, hostile in enumerate(h.replace("\x00", "") for h in HOSTILE_INPUTS):
        Post.objects.create(
            thread=thread,
            community=community,
            number=n + 2,
            author=author,
            source=hostile,
            html=hostile,
            text=hostile[:200],  # stored raw on purpose: pages must clean on output
        )
    Thread.objects.filter(pk=thread.pk).update(post_count=len(HOSTILE_INPUTS) + 1)
    client.force_login(member(community, role="moderator"))
    from tests.test_sanitizer import problems_in

    for page in range(1, 3):
        body = client.get(thread_url(thread), {"page": page}).content.decode()
        posts = body.split('<div class="posts"', 1)[1].split('<section class="reply"', 1)[0]
        bodies = [
            chunk.split("</div>", 1)[0].split(">", 1)[1]
            for chunk in posts.split('class="post-body" dir="auto"')[1:]
        ]
        assert bodies
        for html in bodies:
            assert problems_in(html) == []
        assert "<script>alert" not in body
        assert "\u202e" not in body
    for flagged in Post.objects.filter(thread=thread)[:5]:
        Flag.objects.create(post=flagged, reporter=UserFactory(), reason="spam")
    queue = client.get(url("moderation", community.slug)).content.decode()
    assert "<script>alert" not in queue
    assert "onerror=" not in queue
    results = client.get(url("search"), {"q": "alert"}).content.decode()
    assert "<script>alert" not in results


# --- query budgets ---------------------------------------------------------------------------


def _thread_of(size, community):
    authors = [trusted(UserFactory(roles=["trainer"])) for _ in range(5)]
    return thread_of_many_posts(size, community, authors=authors, title="Budget thread")


@pytest.mark.parametrize("size", [20, 200])
def test_thread_page_query_count_does_not_grow_with_posts(
    client, community, size, django_assert_max_num_queries
):
    thread = _thread_of(size, community)
    reader = UserFactory()
    client.force_login(reader)
    client.get(thread_url(thread))
    # Issue 14: session, the reader with their role codes (decision 0031), thread with
    # community and the reader's position, membership, count, posts, attachments, authors'
    # roles, own reactions, unread notices.
    with django_assert_max_num_queries(10):
        response = client.get(thread_url(thread), {"page": 1})
    assert response.status_code == 200
    assert response.content.decode().count('class="post-body"') == min(
        size, selectors.POSTS_PER_PAGE
    )


@pytest.mark.parametrize("size", [10, 100])
def test_community_index_query_count_does_not_grow_with_threads(
    client, community, size, django_assert_max_num_queries
):
    author = UserFactory()
    category = CategoryFactory(community=community)
    Thread.objects.bulk_create(
        Thread(
            community=community, category=category, title=f"Thread {n}", author=author, post_count=1
        )
        for n in range(size)
    )
    client.force_login(UserFactory())
    client.get(url("index"))  # warm the per-process caches (locales, sites)
    # Issue 14: ten at most, whatever the number of threads.
    with django_assert_max_num_queries(10):
        assert client.get(url("community", community.slug)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(url("index")).status_code == 200


def test_an_edited_post_shows_its_new_text_on_the_next_request(client, community):
    """The thread page remembers each post's cleaned HTML (lms.sanitizer.sanitize_html_cached)
    by its text, so an edit is never hidden behind the old version."""
    thread = thread_with_posts(community=community, count=3)
    post = thread.posts.get(number=2)
    reader = UserFactory()
    client.force_login(reader)
    before = client.get(thread_url(thread)).content.decode()
    services.post_edit(editor=post.author, post=post, source="Evacuation maps are updated.")
    after = client.get(thread_url(thread)).content.decode()
    assert "Evacuation maps are" not in before
    assert "Evacuation maps are updated." in after
    assert after.count('class="post-body"') == 3


def test_a_post_hidden_by_a_moderator_shows_as_hidden_on_the_next_request(client, community):
    thread = thread_with_posts(community=community, count=2)
    post = thread.posts.get(number=2)
    moderator = member(community, role=Membership.Role.MODERATOR)
    client.force_login(moderator)
    assert (
        "This post is hidden by a moderator." not in client.get(thread_url(thread)).content.decode()
    )
    services.post_hide(moderator=moderator, post=post, reason="Off topic")
    body = client.get(thread_url(thread)).content.decode()
    assert "This post is hidden by a moderator." in body
    assert "Off topic" in body
    assert f'action="{url("post_moderate", post.pk, "show")}"' in body
    client.force_login(UserFactory())
    assert post.html not in client.get(thread_url(thread)).content.decode()
    # Shown again: the notice goes, every reader sees the post, the moderator may hide it.
    services.post_show(moderator=moderator, post=post)
    assert post.html in client.get(thread_url(thread)).content.decode()
    client.force_login(moderator)
    body = client.get(thread_url(thread)).content.decode()
    assert "This post is hidden by a moderator." not in body
    assert f'action="{url("post_moderate", post.pk, "hide")}"' in body


def _article(body, number):
    article = body[body.index(f'id="post-{number}"') :]
    return article[: article.index("</article>")]


def test_each_post_is_rendered_once_for_all_its_readers(client, community):
    """The part of a post that is the same for everyone (community.fragments) is rendered
    on the first request only; each reader still gets their own buttons and state."""
    thread = thread_with_posts(community=community, count=3)
    post = thread.posts.get(number=2)
    post_author_url = thread_url(thread)
    client.force_login(post.author)
    misses = fragments._render.cache_info().misses
    own = client.get(post_author_url).content.decode()
    assert fragments._render.cache_info().misses == misses + 3
    client.force_login(UserFactory())
    other = client.get(post_author_url).content.decode()
    assert fragments._render.cache_info().misses == misses + 3
    assert f'href="{url("post_edit", post.pk)}"' in _article(own, 2)
    assert f'href="{url("post_flag", post.pk)}"' not in _article(own, 2)
    assert f'href="{url("post_edit", post.pk)}"' not in _article(other, 2)
    assert f'href="{url("post_flag", post.pk)}"' in _article(other, 2)
    assert 'class="tag tag-new"' in _article(other, 2)


def test_a_renamed_author_and_a_new_role_show_on_the_next_request(client, community):
    thread = thread_with_posts(community=community, count=2)
    first = thread.posts.get(number=1)
    reply = thread.posts.get(number=2)
    Post.objects.filter(pk=reply.pk).update(reply_to=first)
    client.force_login(UserFactory())
    before = client.get(thread_url(thread)).content.decode()
    author = first.author
    author.display_name = "Nguyen Thi Lan"
    author.save(update_fields=["display_name"])
    user_roles_set(user=author, roles=["trainer"])
    after = client.get(thread_url(thread)).content.decode()
    assert "Nguyen Thi Lan" not in before
    assert '<span class="role">Trainer</span>' not in _article(before, 1)
    assert "<bdi>Nguyen Thi Lan</bdi>" in _article(after, 1)
    assert '<span class="role">Trainer</span>' in _article(after, 1)
    assert "In reply to Nguyen Thi Lan (#1)" in _article(after, 2)


def test_an_erased_author_is_no_longer_named_on_the_next_request(client, community):
    from lms.privacy.erasure import person_erase

    thread = thread_with_posts(community=community, count=2)
    author = thread.posts.get(number=2).author
    name = author.display_name
    client.force_login(UserFactory())
    assert f"<bdi>{name}</bdi>" in client.get(thread_url(thread)).content.decode()
    person_erase(person=author, pseudonym="erased-7f3a")
    article = _article(client.get(thread_url(thread)).content.decode(), 2)
    assert name not in article
    assert "<bdi>Community member</bdi>" in article


def test_a_post_reads_in_the_language_of_the_page_asked_for(client, community):
    thread = thread_with_posts(community=community, count=2)
    post = thread.posts.get(number=2)
    services.post_edit(editor=post.author, post=post, source="Exits are marked.")
    path = thread_url(thread).removeprefix("/en/")
    client.force_login(UserFactory())
    english = _article(client.get(f"/en/{path}").content.decode(), 2)
    vietnamese = _article(client.get(f"/vi/{path}").content.decode(), 2)
    arabic_page = client.get(f"/ar/{path}").content.decode()
    assert ">edited</a>" in english
    assert ">đã sửa</a>" in vietnamese
    assert f'href="/vi/community/posts/{post.pk}/history/"' in vietnamese
    assert f'action="/vi/community/posts/{post.pk}/react/"' in vietnamese
    assert 'dir="rtl"' in arabic_page
    assert ">عُدّلت</a>" in _article(arabic_page, 2)


def test_each_reaction_button_sends_its_kind_and_shows_whether_it_is_pressed(client, community):
    thread = thread_with_posts(community=community, count=2)
    post = thread.posts.get(number=2)
    reader = member(community)
    services.reaction_toggle(user=reader, post=post, kind="thanks")
    client.force_login(reader)
    body = client.get(thread_url(thread)).content.decode()
    article = body[body.index('id="post-2"') :]
    article = article[: article.index("</article>")]
    assert article.count(f'action="{url("post_react", post.pk)}"') == 1
    assert 'name="kind" value="thanks" class="reaction" aria-pressed="true"' in article
    assert 'name="kind" value="like" class="reaction" aria-pressed="false"' in article
    response = client.post(url("post_react", post.pk), {"kind": "like", "next": thread_url(thread)})
    assert response.status_code == 302
    assert post.reactions.filter(user=reader, kind="like").exists()
