"""Read-side queries of the community: what a person may see, thread lists with unread
counts, a thread's posts, search, notifications, the directory and activity figures.
Each returns a QuerySet (or a small dict) with its joins inside, so that a page's query
count does not grow with its rows."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from lms.accounts.selectors import country_scope

from .models import (
    Attachment,
    Community,
    DirectMessage,
    Flag,
    MemberProfile,
    Membership,
    ModerationAction,
    Notification,
    Post,
    Reaction,
    ReadPosition,
    Thread,
)

User = get_user_model()
THREADS_PER_PAGE = 30
# Twenty posts a page, as forums commonly show: a page costs CPU per post shown (issue 14),
# and a worker on a cheap phone scrolls less and downloads less.
POSTS_PER_PAGE = 20
SEARCH_MAX_LENGTH = 200


def communities_visible_to(*, user) -> QuerySet[Community]:
    """Public communities, plus private ones the person belongs to or runs as staff."""
    communities = Community.objects.select_related("country", "sector", "cluster")
    if not user.is_authenticated:
        return communities.filter(visibility=Community.Visibility.PUBLIC)
    scope = country_scope(user)
    if scope is None:
        return communities
    member = Membership.objects.filter(
        community=OuterRef("pk"), user=user, status=Membership.Status.ACTIVE
    )
    visible = Q(visibility=Community.Visibility.PUBLIC) | Q(Exists(member))
    if scope is not False:
        visible |= Q(country_id=scope)
    return communities.filter(visible)


def community_index(*, user, country=None, sector=None, cluster=None, language=None):
    """The communities list, each with its thread count and latest activity."""
    communities = communities_visible_to(user=user)
    if country:
        communities = communities.filter(Q(country__code=country) | Q(country__isnull=True))
    if sector:
        communities = communities.filter(sector__code=sector)
    if cluster:
        communities = communities.filter(cluster__code=cluster)
    if language:
        communities = communities.filter(language=language)
    threads = Thread.objects.filter(community=OuterRef("pk"), is_hidden=False)
    communities = communities.annotate(
        thread_count=Coalesce(
            Subquery(
                threads.order_by().values("community").annotate(c=Count("pk")).values("c"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        last_activity=Subquery(threads.order_by("-last_post_at").values("last_post_at")[:1]),
    )
    if user.is_authenticated:
        communities = communities.annotate(
            my_status=Subquery(
                Membership.objects.filter(community=OuterRef("pk"), user=user).values("status")[:1]
            )
        )
    return communities.order_by("country__name", "name")


def threads_for(*, community: Community, user, category=None, show_hidden=False, filter_=""):
    """A community's threads: pinned first, then by latest post; with the reader's unread
    count and the author, in one query."""
    threads = Thread.objects.filter(community=community).select_related(
        "author", "category", "accepted_post"
    )
    if not show_hidden:
        threads = threads.filter(is_hidden=False)
    if category is not None:
        threads = threads.filter(category=category)
    if filter_ == "unanswered":
        threads = threads.filter(is_question=True, first_answer_at__isnull=True)
    elif filter_ == "questions":
        threads = threads.filter(is_question=True)
    if user.is_authenticated:
        read = ReadPosition.objects.filter(thread=OuterRef("pk"), user=user).values(
            "last_read_number"
        )[:1]
        threads = threads.annotate(last_read=Subquery(read)).annotate(
            unread=Greatest(F("post_count") - Coalesce(F("last_read"), Value(0)), Value(0))
        )
    return threads.order_by("-is_pinned", "-last_post_at", "-pk")


def thread_page(*, thread: Thread, user, page_number, can_moderate: bool):
    """One page of a thread's posts, with authors (and their roles), reactions counted,
    the reader's own reactions, attachments and whether the post was edited."""
    posts = Post.objects.filter(thread=thread)
    if not can_moderate:
        posts = posts.filter(Q(is_hidden=False) | Q(author_id=user.pk or 0))
    # Counted without the joins the page itself needs.
    total = posts.count()
    posts = posts.select_related("author", "reply_to__author")
    counted = {
        f"{kind}_count": Count("reactions", filter=Q(reactions__kind=kind), distinct=True)
        for kind in Reaction.Kind.values
    }
    posts = posts.annotate(**counted)
    prefetches = [
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk")),
        "author__roles",
    ]
    if user.is_authenticated:
        prefetches.append(
            Prefetch(
                "reactions",
                queryset=Reaction.objects.filter(user=user),
                to_attr="my_reactions",
            )
        )
    posts = posts.prefetch_related(*prefetches).order_by("number")
    paginator = Paginator(posts, POSTS_PER_PAGE)
    paginator.count = total  # a cached_property: set, it is not computed again
    return paginator.get_page(page_number)


def page_of_post(*, post: Post, can_moderate: bool, user) -> int:
    earlier = Post.objects.filter(thread_id=post.thread_id, number__lt=post.number)
    if not can_moderate:
        earlier = earlier.filter(Q(is_hidden=False) | Q(author_id=user.pk or 0))
    return earlier.count() // POSTS_PER_PAGE + 1


@dataclass(frozen=True)
class SearchResults:
    query: str
    page: object
    was_cut: bool


def search_posts(*, user, query: str, community=None, language=None, page_number=None):
    """Posts the person may see that match ``query``: PostgreSQL full text (any language,
    'simple' configuration, ranked) in production, words matched one by one elsewhere."""
    from django.db import connection

    cleaned = " ".join(query.split())
    cut = cleaned[:SEARCH_MAX_LENGTH]
    visible = communities_visible_to(user=user)
    posts = Post.objects.filter(
        community__in=visible.values("pk"), is_hidden=False, thread__is_hidden=False
    ).select_related("thread", "community", "author")
    if community is not None:
        posts = posts.filter(community=community)
    if language:
        posts = posts.filter(community__language=language)
    if not cut:
        return SearchResults(cut, Paginator(posts.none(), 20).get_page(1), False)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        # The expressions match the GIN indexes made by migration 0002.
        search_query = SearchQuery(cut, search_type="websearch", config="simple")
        text_vector = SearchVector("text", config="simple")
        titled = Thread.objects.annotate(document=SearchVector("title", config="simple")).filter(
            document=search_query
        )
        posts = (
            posts.annotate(document=text_vector)
            .filter(Q(document=search_query) | Q(number=1, thread__in=titled.values("pk")))
            .annotate(rank=SearchRank(text_vector, search_query))
            .order_by("-rank", "-created_at")
        )
    else:
        for word in cut.split()[:10]:
            posts = posts.filter(Q(text__icontains=word) | Q(thread__title__icontains=word))
        posts = posts.order_by("-created_at")
    return SearchResults(cut, Paginator(posts, 20).get_page(page_number), len(cleaned) > len(cut))


def notifications_for(*, user) -> QuerySet[Notification]:
    visible = communities_visible_to(user=user).values("pk")
    return (
        Notification.objects.filter(recipient=user)
        .filter(Q(thread__isnull=True) | Q(thread__community__in=visible))
        .select_related("actor", "thread", "thread__community", "post", "message")
    )


def unread_notifications(*, user):
    """The person's unread notifications counted in a subquery, to be read with another row
    (the thread page reads it with the thread)."""
    unread = (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


def unread_notification_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def open_flags(*, community: Community) -> QuerySet[Post]:
    """The review queue: flagged posts, the most reported first, with their flags."""
    return (
        Post.objects.filter(community=community, flags__status=Flag.Status.OPEN)
        .annotate(open_flag_count=Count("flags", filter=Q(flags__status=Flag.Status.OPEN)))
        .select_related("author", "thread")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(status=Flag.Status.OPEN).select_related("reporter"),
                to_attr="open_flags",
            )
        )
        .order_by("-open_flag_count", "created_at")
    )


def audit_log(*, community: Community) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(community=community).select_related(
        "moderator", "target_user", "thread", "post"
    )


def members_of(*, community: Community) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(community=community)
        .select_related("user", "user__country")
        .order_by("status", "-role", "user__display_name", "user__username")
    )


def automatic_memberships(*, source: str, user=None) -> set[tuple[int, int]]:
    """(community id, user id) of the memberships granted automatically for ``source``
    (see ``services.membership_grant_automatic``), of one person or everyone. One query."""
    memberships = Membership.objects.filter(grant_source=source)
    if user is not None:
        memberships = memberships.filter(user=user)
    return set(memberships.values_list("community_id", "user_id"))


DIRECTORY_ROLES = ("trainer", "enterprise_advisor", "assessor", "supervisor", "manager")


def directory(*, user, country=None, language=None, expertise=None, mentors_only=False):
    """Mentors and peers who chose to be listed. Never exposes e-mail addresses."""
    profiles = (
        MemberProfile.objects.filter(listed_in_directory=True, user__is_active=True)
        .exclude(user_id=user.pk if user.is_authenticated else None)
        .select_related("user", "user__country", "user__organisation")
        .prefetch_related("expertise", "user__roles")
    )
    if country:
        profiles = profiles.filter(user__country__code=country)
    if language:
        if _json_contains():
            profiles = profiles.filter(languages__contains=[language])
        else:
            profiles = profiles.filter(languages__icontains=f'"{language}"')
    if expertise:
        profiles = profiles.filter(expertise__code=expertise)
    if mentors_only:
        profiles = profiles.filter(offers_mentoring=True)
    return profiles.order_by("-offers_mentoring", "user__display_name", "user__username").distinct()


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def inbox(*, user) -> QuerySet[DirectMessage]:
    return DirectMessage.objects.filter(Q(recipient=user) | Q(sender=user)).select_related(
        "sender", "recipient"
    )


def activity_summary(*, since=None, until=None, country=None, members=None) -> dict:
    """Community activity for the reports room, counted in the database.

    ``country`` (a Country or its id) limits to people of that country (the authors);
    ``members`` (people, e.g. a queryset of pks) narrows to those authors.
    Hidden posts and threads do not count. Returns ``active_members`` (distinct people
    who posted), ``questions_asked``, ``questions_answered`` (a reply from someone other
    than the asker), ``questions_with_accepted_answer`` and
    ``median_time_to_first_answer`` (a ``timedelta``, or ``None`` with no answers).
    """
    posts = Post.objects.filter(is_hidden=False, thread__is_hidden=False)
    questions = Thread.objects.filter(is_question=True, is_hidden=False)
    if since is not None:
        posts = posts.filter(created_at__gte=since)
        questions = questions.filter(created_at__gte=since)
    if until is not None:
        posts = posts.filter(created_at__lt=until)
        questions = questions.filter(created_at__lt=until)
    if country is not None:
        country_id = getattr(country, "pk", country)
        posts = posts.filter(author__country_id=country_id)
        questions = questions.filter(author__country_id=country_id)
    if members is not None:
        posts = posts.filter(author__in=members)
        questions = questions.filter(author__in=members)
    figures = questions.aggregate(
        asked=Count("pk"),
        answered=Count("pk", filter=Q(first_answer_at__isnull=False)),
        accepted=Count("pk", filter=Q(accepted_post__isnull=False)),
    )
    active = posts.values("author_id").distinct().count()
    waits = (
        questions.filter(first_answer_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(
                F("first_answer_at") - F("created_at"), output_field=DurationField()
            )
        )
        .order_by("wait")
        .values_list("wait", flat=True)
    )
    answered = figures["answered"]
    median = None
    if answered:
        # The middle row (or the two middle rows) picked by the database's own sort.
        middle = list(waits[(answered - 1) // 2 : answered // 2 + 1])
        median = sum(middle, dt.timedelta()) / len(middle)
    return {
        "active_members": active,
        "questions_asked": figures["asked"],
        "questions_answered": answered,
        "questions_with_accepted_answer": figures["accepted"],
        "median_time_to_first_answer": median,
    }


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)
