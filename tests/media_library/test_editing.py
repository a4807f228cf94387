"""Editors create series, episodes and comics in the Wagtail admin."""

import pytest
from django.urls import reverse

from tests.accounts.factories import global_admin
from tests.media_library.factories import comic_page, episode_page, ready_video, series_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, totp_for):
    user = totp_for(global_admin())
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp"}]
    session.save()
    return user


@pytest.mark.parametrize("model", ["seriespage", "comicpage"])
def test_the_add_forms_open(client, editor, home_page, model):
    url = reverse("wagtailadmin_pages:add", args=["media_library", model, home_page.pk])
    assert client.get(url).status_code == 200


def test_the_edit_forms_open(client, editor, home_page):
    series = series_page(home_page)
    episode = episode_page(series, video=ready_video())
    comic = comic_page(home_page)
    for page in (series, episode, comic):
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


def test_episodes_only_live_in_a_series(home_page):
    from media_library.models import EpisodePage, SeriesPage

    assert EpisodePage.can_create_at(home_page) is False
    assert SeriesPage.can_create_at(home_page) is True
