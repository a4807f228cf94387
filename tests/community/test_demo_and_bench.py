"""The demo content and the benchmark data set: built once, safe to build again, and the
pages they feed answer."""

import pytest
from django.test import Client

from community.models import Community, Flag, ModerationAction, Post, Thread
from lms.accounts.demo import DEMO_PASSWORD
from lms.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_loads_the_communities_twice_without_duplicates():
    from community import demo
    from lms.portal import demo as portal_demo

    portal_demo.load()
    demo.load()
    counts = (Community.objects.count(), Thread.objects.count(), Post.objects.count())
    demo.load()
    assert (Community.objects.count(), Thread.objects.count(), Post.objects.count()) == counts
    assert set(Community.objects.values_list("language", flat=True)) == {"vi", "ar", "en"}
    assert Community.objects.get(slug="certified-trainers").is_private
    questions = Thread.objects.filter(is_question=True)
    assert questions.filter(first_answer_at__isnull=True).exists()
    assert questions.filter(accepted_post__isnull=False).exists()
    assert Flag.objects.filter(status="open").count() >= 2
    assert ModerationAction.objects.filter(action="silence").exists()
    client = Client()
    assert client.get("/vi/community/viet-nam/").status_code == 200
    assert client.get("/ar/community/jordan/").status_code == 200
    assert client.get("/en/community/certified-trainers/").status_code == 404
    assert client.login(username="assessor", password=DEMO_PASSWORD)
    assert client.get("/en/community/certified-trainers/").status_code == 200
    # Moderation pages need a confirmed second factor, and then refuse a non-moderator.
    moderation = client.get("/en/community/jordan-en/moderation/")
    assert moderation.status_code == 302
    assert "/accounts/2fa/" in moderation["Location"]
    from tests.conftest import confirm_second_factor

    confirm_second_factor(client, User.objects.get(username="assessor"))
    assert client.get("/en/community/jordan-en/moderation/").status_code == 403


def test_bench_data_set_builds_once_and_its_pages_answer():
    from bench.scenarios import community as scenario

    scenario.prepare()
    scenario.prepare()
    long_thread = Thread.objects.get(title=scenario.LONG_TITLE)
    assert long_thread.posts.count() == scenario.POSTS
    assert Thread.objects.filter(community__slug=scenario.SLUG).count() == scenario.THREADS
    client = Client()
    client.login(username=scenario.READER, password="bench-password-2026")
    for item in scenario.scenarios():
        if item.method == "GET":
            assert client.get(item.path).status_code == item.expect_status, item.name
    reply = next(s for s in scenario.scenarios() if s.method == "POST")
    client.login(username=scenario.POSTER, password="bench-password-2026")
    body, content_type = reply.body(1)
    response = client.post(reply.path, body, content_type=content_type)
    assert response.status_code == reply.expect_status
