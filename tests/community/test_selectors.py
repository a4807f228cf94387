"""Read-side queries: visibility, search, and the activity figures the reports room reads."""

import datetime as dt

import pytest
from django.utils import timezone

from community import selectors, services
from community.models import Post, Thread
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.community.factories import CommunityFactory, member, trusted
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def test_private_communities_are_visible_to_members_and_their_staff_only(
    community, private_community
):
    from django.contrib.auth.models import AnonymousUser

    private_community.country = country("vn")
    private_community.save()
    insider = member(private_community)
    seen = lambda user: set(selectors.communities_visible_to(user=user))  # noqa: E731
    assert seen(AnonymousUser()) == {community}
    assert seen(UserFactory()) == {community}
    assert seen(insider) == {community, private_community}
    assert seen(country_staff("vn")) == {community, private_community}
    assert seen(country_staff("jo")) == {community}
    assert seen(global_admin()) == {community, private_community}


def test_search_finds_words_in_posts_and_titles_the_person_may_see(community, private_community):
    author = trusted(member(private_community))
    services.thread_create(
        author=author,
        community=community,
        title="Fire drills in dormitories",
        source="Every six months, one at night.",
    )
    services.thread_create(
        author=author,
        community=private_community,
        title="Secret fire calibration",
        source="Observed fire drill checklist.",
    )
    outsider = UserFactory()
    found = selectors.search_posts(user=outsider, query="fire")
    assert [p.thread.title for p in found.page.object_list] == ["Fire drills in dormitories"]
    found = selectors.search_posts(user=author, query="fire")
    assert found.page.paginator.count == 2
    found = selectors.search_posts(user=author, query="night six")
    assert found.page.paginator.count == 1
    found = selectors.search_posts(user=author, query="fire", community=community)
    assert found.page.paginator.count == 1


def test_search_leaves_out_hidden_posts_and_filters_by_language(community):
    vietnamese = CommunityFactory(language="vi")
    author = trusted(UserFactory())
    thread = services.thread_create(
        author=author, community=community, title="Overtime limits", source="Overtime is capped."
    )
    services.thread_create(
        author=author, community=vietnamese, title="Giới hạn overtime", source="Làm thêm giờ."
    )
    reader = UserFactory()
    assert selectors.search_posts(user=reader, query="overtime").page.paginator.count == 2
    assert (
        selectors.search_posts(user=reader, query="overtime", language="vi").page.paginator.count
        == 1
    )
    Post.objects.filter(thread=thread).update(is_hidden=True)
    assert selectors.search_posts(user=reader, query="capped").page.paginator.count == 0


def test_a_long_query_is_cut_not_refused(community):
    result = selectors.search_posts(user=UserFactory(), query="word " * 500)
    assert result.was_cut
    assert len(result.query) == selectors.SEARCH_MAX_LENGTH


def make_question(community, asker, *, created, answer_after=None, answerer=None, accept=False):
    thread = services.thread_create(
        author=asker,
        community=community,
        title="A question about wages",
        source="Why?",
        is_question=True,
    )
    Thread.objects.filter(pk=thread.pk).update(created_at=created)
    Post.objects.filter(thread=thread).update(created_at=created)
    if answer_after is not None:
        answer = services.post_create(author=answerer, thread=thread, source="Because.")
        Post.objects.filter(pk=answer.pk).update(created_at=created + answer_after)
        Thread.objects.filter(pk=thread.pk).update(first_answer_at=created + answer_after)
        if accept:
            services.answer_accept(user=asker, post=answer)
    return thread


def test_activity_summary_counts_in_the_database(community, django_assert_max_num_queries):
    vn, jo = country("vn"), country("jo")
    now = timezone.now()
    asker = trusted(UserFactory(country=vn))
    helper = trusted(UserFactory(country=vn))
    jordanian = trusted(UserFactory(country=jo))
    make_question(
        community,
        asker,
        created=now - dt.timedelta(days=5),
        answer_after=dt.timedelta(hours=2),
        answerer=helper,
        accept=True,
    )
    make_question(
        community,
        asker,
        created=now - dt.timedelta(days=4),
        answer_after=dt.timedelta(hours=10),
        answerer=helper,
    )
    make_question(
        community,
        asker,
        created=now - dt.timedelta(days=3),
        answer_after=dt.timedelta(hours=6),
        answerer=jordanian,
    )
    make_question(community, asker, created=now - dt.timedelta(days=2))
    make_question(
        community,
        jordanian,
        created=now - dt.timedelta(days=40),
        answer_after=dt.timedelta(hours=1),
        answerer=asker,
    )
    with django_assert_max_num_queries(4):
        everything = selectors.activity_summary()
    assert everything["questions_asked"] == 5
    assert everything["questions_answered"] == 4
    assert everything["questions_with_accepted_answer"] == 1
    assert everything["active_members"] == 3
    # 1, 2, 6 and 10 hours: the median is the mean of the middle two.
    assert everything["median_time_to_first_answer"] == dt.timedelta(hours=4)
    recent = selectors.activity_summary(since=now - dt.timedelta(days=10))
    assert recent["questions_asked"] == 4
    assert recent["median_time_to_first_answer"] == dt.timedelta(hours=6)
    vietnam = selectors.activity_summary(since=now - dt.timedelta(days=10), country=vn)
    assert vietnam["questions_asked"] == 4
    assert vietnam["active_members"] == 2
    jordan = selectors.activity_summary(country=jo.pk, until=now - dt.timedelta(days=30))
    assert jordan["questions_asked"] == 1
    assert jordan["median_time_to_first_answer"] == dt.timedelta(hours=1)
    nothing = selectors.activity_summary(since=now + dt.timedelta(days=1))
    assert nothing == {
        "active_members": 0,
        "questions_asked": 0,
        "questions_answered": 0,
        "questions_with_accepted_answer": 0,
        "median_time_to_first_answer": None,
    }


def test_hidden_questions_do_not_count(community):
    thread = make_question(community, trusted(UserFactory()), created=timezone.now())
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)
    assert selectors.activity_summary()["questions_asked"] == 0


def test_thread_list_counts_unread_posts_per_reader(community):
    author = trusted(UserFactory())
    thread = services.thread_create(
        author=author, community=community, title="Unread tracking", source="One"
    )
    reader = UserFactory()
    for n in range(3):
        services.post_create(author=author, thread=thread, source=f"More {n}")
    assert selectors.threads_for(community=community, user=reader).get().unread == 4
    services.read_position_update(user=reader, thread=thread, number=3)
    assert selectors.threads_for(community=community, user=reader).get().unread == 1
    services.read_position_update(user=reader, thread=thread, number=1)
    assert selectors.threads_for(community=community, user=reader).get().unread == 1
    assert selectors.threads_for(community=community, user=author).get().unread == 0
