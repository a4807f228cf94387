"""The community under load: a thread of 200 posts read by a signed-in member, the
community's thread list (120 threads), the forum index, posting a reply, and search.

prepare() makes (once) a public community with 120 threads of 3 to 12 posts each, one
thread of BENCH_COMMUNITY_POSTS (default 200) posts by a dozen authors, a second thread
that the reply scenario writes into (so the 200-post thread stays the same size), and
two people: a reader and a poster (a moderator, so posting rate limits do not apply).
"""

import os
from urllib.parse import urlencode

from bench.harness import PASSWORD, HttpScenario

POSTS = int(os.environ.get("BENCH_COMMUNITY_POSTS", 200))
THREADS = 120
SLUG = "bench-practice"
READER = "bench.community.reader"
POSTER = "bench.community.poster"
LONG_TITLE = "Bench: how do you run fire drills on the night shift?"
REPLY_TITLE = "Bench: the thread replies are written into"
WORDS = [
    "overtime",
    "wages",
    "fire",
    "drill",
    "dormitory",
    "chemicals",
    "labels",
    "supervisor",
    "coaching",
    "feedback",
    "committee",
    "grievance",
    "maternity",
    "leave",
    "heat",
    "stress",
    "ventilation",
    "contracts",
    "piece",
    "rate",
]


def _text(number: int) -> str:
    picked = [WORDS[(number * 7 + k * 3) % len(WORDS)] for k in range(12)]
    return (
        f"Post {number}: in our factory we discussed {' and '.join(picked[:3])}. "
        f"The committee agreed on {picked[3]} and {picked[4]}; the supervisor will report "
        f"back on {picked[5]} next month. " + " ".join(picked[6:])
    )


def _person(username, display_name):
    from lms.accounts.models import User
    from lms.accounts.services import user_create
    from lms.taxonomy.models import Country

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            password=PASSWORD,
            display_name=display_name,
            roles=["trainer"],
            country=Country.objects.canonical().get(code="vn"),
        )
    return user


def prepare() -> None:
    from django.db import transaction
    from django.utils import timezone

    from community.models import Category, Community, Membership, Post, Thread

    reader = _person(READER, "Bench reader")
    poster = _person(POSTER, "Bench poster")
    authors = [_person(f"bench.community.author{n:02d}", f"Bench author {n}") for n in range(12)]
    with transaction.atomic():
        community, _created = Community.objects.get_or_create(
            slug=SLUG,
            defaults={"name": "Bench community of practice", "language": "en"},
        )
        category, _created = Category.objects.get_or_create(
            community=community, slug="questions", defaults={"name": "Questions"}
        )
        Membership.objects.get_or_create(community=community, user=reader)
        Membership.objects.update_or_create(
            community=community, user=poster, defaults={"role": Membership.Role.MODERATOR}
        )
        if Thread.objects.filter(community=community).exists():
            return
        now = timezone.now()
        specs = [(LONG_TITLE, POSTS), (REPLY_TITLE, 1)] + [
            (f"Bench thread {n}: {WORDS[n % len(WORDS)]} in practice", 3 + n % 10)
            for n in range(THREADS - 2)
        ]
        threads = Thread.objects.bulk_create(
            Thread(
                community=community,
                category=category,
                title=title,
                author=authors[n % len(authors)],
                is_question=n % 3 == 0,
                post_count=count,
                created_at=now - timezone.timedelta(days=n),
                last_post_at=now - timezone.timedelta(hours=n),
            )
            for n, (title, count) in enumerate(specs)
        )
        posts = []
        for thread in threads:
            for number in range(1, thread.post_count + 1):
                text = _text(thread.pk * 1000 + number)
                posts.append(
                    Post(
                        thread=thread,
                        community=community,
                        number=number,
                        author=authors[(thread.pk + number) % len(authors)],
                        source=text,
                        html=f"<p>{text}</p>",
                        text=text,
                        created_at=thread.created_at + timezone.timedelta(minutes=number),
                    )
                )
        Post.objects.bulk_create(posts, batch_size=1000)


def _thread_path(title: str) -> str:
    from community.models import Thread

    thread = Thread.objects.get(community__slug=SLUG, title=title)
    return f"/en/community/{SLUG}/t/{thread.pk}/"


def _reply_body(number: int) -> tuple[bytes, str]:
    body = urlencode(
        {
            "source": f"Bench reply {number}: we ran the drill at 2am, everyone out in 4 minutes.",
            "client_id": f"bench-reply-{os.getpid()}-{number}",
        }
    )
    return body.encode(), "application/x-www-form-urlencoded"


def scenarios() -> list[HttpScenario]:
    reply_path = _thread_path(REPLY_TITLE)
    return [
        HttpScenario(
            "community.thread.200-posts",
            _thread_path(LONG_TITLE),
            login=READER,
            measure_weight=True,
            requests=200,
        ),
        HttpScenario("community.threads", f"/en/community/{SLUG}/", login=READER, requests=200),
        HttpScenario("community.index", "/en/community/", requests=200),
        HttpScenario(
            "community.reply",
            reply_path,
            method="POST",
            login=POSTER,
            body=_reply_body,
            requests=100,
            concurrency=2,
            expect_status=302,
        ),
        HttpScenario("community.search", "/en/community/search/?q=fire+drill", requests=200),
    ]
