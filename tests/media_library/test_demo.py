"""The demo loader: three episodes with captions in five languages, a comic of eight panels
in five, reach for the reports; loading twice adds nothing."""

import pytest

from media_library import demo
from media_library.models import (
    Caption,
    ComicPage,
    ComicPrint,
    EpisodePage,
    ReachEvent,
    SeriesPage,
    VideoItem,
)
from tests.media_library.factories import tiny_clip

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_is_complete(monkeypatch, home_page):
    # The real loader draws 12-second 720p films; a one-second clip keeps the test quick.
    monkeypatch.setattr(
        demo,
        "_generate_episode_video",
        lambda path, episode: tiny_clip(path, seconds=1, size="320x180"),
    )
    demo.load()
    counts = {
        model.__name__: model.objects.count()
        for model in (VideoItem, Caption, EpisodePage, SeriesPage, ComicPage, ComicPrint)
    }
    reach = ReachEvent.objects.count()

    demo.load()

    assert counts == {
        "VideoItem": 3,
        "Caption": 15,  # each episode's captions in en, vi, ar, km and bn
        "EpisodePage": 15,  # three episodes in English, Vietnamese, Arabic, Khmer and Bengali
        "SeriesPage": 5,
        "ComicPage": 5,
        "ComicPrint": 5,
    }
    assert all(v.status == VideoItem.Status.READY for v in VideoItem.objects.all())
    assert {
        model.__name__: model.objects.count()
        for model in (VideoItem, Caption, EpisodePage, SeriesPage, ComicPage, ComicPrint)
    } == counts
    assert ReachEvent.objects.count() == reach > 0
    khmer = ComicPage.objects.get(locale__language_code="km")
    assert khmer.panels.count() == 8
    assert khmer.panels.order_by("sort_order").first().text.startswith("ម៉ៃ")
    arabic = EpisodePage.objects.get(locale__language_code="ar", number=2)
    assert arabic.quiz[0].value["question"].startswith("في يوم العمل")
    bengali = ComicPage.objects.get(locale__language_code="bn")
    assert bengali.panels.order_by("sort_order").first().text.startswith("মাই")
