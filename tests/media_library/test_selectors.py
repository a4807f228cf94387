"""The player's choices and the small display helpers."""

import pytest
from django.core.files.base import ContentFile

from media_library.models import VideoRendition
from media_library.selectors import player_for_video
from media_library.templatetags.media_tags import duration
from tests.media_library.factories import ready_video

pytestmark = pytest.mark.django_db


def _dub(video, language):
    for profile, height in (("low", 240), ("audio", None)):
        rendition = VideoRendition(
            video=video,
            profile=profile,
            language=language,
            mime_type="video/mp4" if height else "audio/mp4",
            height=height,
            size=10,
            source_checksum="x",
        )
        rendition.file.save(f"{profile}-{language}.mp4", ContentFile(b"0"), save=False)
        rendition.save()


def test_a_page_in_a_dubbed_language_plays_the_dubbed_soundtrack_without_forced_captions():
    video = ready_video(captions=("en", "vi"))
    _dub(video, "vi")

    vietnamese = player_for_video(video=video, language="vi")
    english = player_for_video(video=video, language="en")
    arabic = player_for_video(video=video, language="ar")

    assert {o.language for o in vietnamese.options} == {"vi"}
    assert vietnamese.default_caption == ""
    assert {o.language for o in english.options} == {""}
    assert english.default_caption == ""
    assert arabic.default_caption == ""  # no Arabic captions: none forced on
    assert [c.language for c in vietnamese.captions] == ["vi", "en"]


def test_captions_are_on_by_default_when_the_film_speaks_another_language():
    video = ready_video(captions=("en", "vi"))
    assert player_for_video(video=video, language="vi").default_caption == "vi"


def test_the_lightest_video_is_the_default_and_a_high_no_taller_than_medium_is_hidden():
    video = ready_video()
    VideoRendition.objects.filter(video=video, profile="high").update(height=360)
    player = player_for_video(video=video, language="en")
    assert player.default_option.profile == "low"
    assert [o.profile for o in player.options] == ["low", "medium", "audio"]


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (83.4, "1:23"), (3700, "1:01:40"), (None, "")]
)
def test_durations_read_like_a_clock(seconds, shown):
    assert duration(seconds) == shown
