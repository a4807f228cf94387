"""Factories for communities, threads and posts. Posts made here skip the services (and so
notifications and rate limits); tests of behaviour go through the services."""

import factory

from community.models import Category, Community, MemberProfile, Membership, Post, Thread
from lms.sanitizer import sanitize_html
from tests.accounts.factories import UserFactory


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    language = "en"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"How do we plan overtime fairly, case {n}?")
    author = factory.SubFactory(UserFactory)
    post_count = 0


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    thread = factory.SubFactory(ThreadFactory)
    community = factory.LazyAttribute(lambda p: p.thread.community)
    author = factory.SubFactory(UserFactory)
    number = factory.LazyAttribute(lambda p: p.thread.post_count + 1)
    source = factory.Sequence(lambda n: f"Reply number {n} about working time.")
    html = factory.LazyAttribute(lambda p: sanitize_html(f"<p>{p.source}</p>"))
    text = factory.LazyAttribute(lambda p: p.source)

    @factory.post_generation
    def count(self, create, extracted, **kwargs):
        if create:
            Thread.objects.filter(pk=self.thread_id).update(post_count=self.number)
            self.thread.post_count = self.number


def thread_with_posts(*, community=None, count=1, author=None, **kwargs) -> Thread:
    thread = ThreadFactory(
        community=community or CommunityFactory(), author=author or UserFactory(), **kwargs
    )
    for number in range(1, count + 1):
        PostFactory(
            thread=thread, number=number, author=thread.author if number == 1 else UserFactory()
        )
    thread.refresh_from_db()
    return thread


def member(community, user=None, role=Membership.Role.MEMBER, **kwargs):
    user = user or UserFactory()
    Membership.objects.update_or_create(
        community=community, user=user, defaults={"role": role, **kwargs}
    )
    return user


def trusted(user):
    MemberProfile.objects.update_or_create(user=user, defaults={"is_trusted": True})
    return user


def thread_of_many_posts(size, community, *, authors, title="Long thread") -> Thread:
    """A thread of ``size`` posts written in one insert, by ``authors`` in turn (query
    budgets at two thread sizes)."""
    thread = Thread.objects.create(community=community, title=title, author=authors[0])
    Post.objects.bulk_create(
        Post(
            thread=thread,
            community=community,
            number=n,
            author=authors[n % len(authors)],
            source=f"Post {n}",
            html=f"<p>Post {n}</p>",
            text=f"Post {n}",
        )
        for n in range(1, size + 1)
    )
    Thread.objects.filter(pk=thread.pk).update(post_count=size)
    return thread
