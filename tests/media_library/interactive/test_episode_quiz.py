"""An episode's short quiz can be an H5P exercise: the page loads the player only then,
and any signed-in viewer's answers reach the learning records (awareness media need no
enrolment); visitors without an account can still watch, but record nothing."""

import json
import uuid

import pytest

from lms.records.models import Statement
from tests.accounts.factories import UserFactory
from tests.media_library.factories import episode_page, series_page
from tests.media_library.interactive.factories import h5p_content

pytestmark = pytest.mark.django_db

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture
def content():
    return h5p_content()


@pytest.fixture
def episode(home_page, content):
    series = series_page(home_page)
    return episode_page(series, quiz=[("h5p", {"content": content, "title": "Overtime quiz"})])


def completion(content):
    return [
        {
            "id": str(uuid.uuid4()),
            "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
            "object": {"id": "http://127.0.0.1/x", "definition": {"name": {"en-US": "q"}}},
            "result": {"score": {"min": 0, "max": 2, "raw": 2, "scaled": 1}, "success": True},
        }
    ]


def post(client, content, page):
    return client.post(
        f"/api/interactive/h5p/{content.uuid}/statements?page={page.pk}",
        json.dumps(completion(content)),
        content_type="application/json",
    )


def test_the_episode_page_loads_the_player_only_for_an_h5p_quiz(client, episode, home_page):
    html = client.get(episode.url).content.decode()
    assert "js/interactive/player.js" in html
    assert "css/interactive.css" in html
    plain = episode_page(episode.get_parent().specific, number=2)
    assert "js/interactive/player.js" not in client.get(plain.url).content.decode()


def test_a_signed_in_viewer_records_their_quiz_answers(client, content, episode):
    worker = UserFactory(roles=["worker"])
    client.force_login(worker)
    response = post(client, content, episode)
    assert response.status_code == 200, response.content
    assert Statement.objects.get().actor == worker


def test_visitors_without_an_account_record_nothing(client, content, episode):
    assert post(client, content, episode).status_code in (401, 403)
    assert Statement.objects.count() == 0
