"""WebVTT captions: validation, uploads, serving."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from media_library.captions import CaptionError, parse_webvtt, render_webvtt
from media_library.models import Caption
from tests.media_library.factories import VideoFactory, ready_video

GOOD = """WEBVTT

1
00:00:01.000 --> 00:00:03.500 align:start
<v Lan>Every night? I have to collect my son.

00:04.000 --> 00:07.000
Overtime must be <i>voluntary</i>.
"""


def test_a_good_file_gives_its_cues():
    cues = parse_webvtt(GOOD)
    assert [(c.start, c.end) for c in cues] == [(1.0, 3.5), (4.0, 7.0)]
    assert cues[0].identifier == "1"
    assert cues[0].settings == "align:start"
    assert parse_webvtt(render_webvtt(cues)) == cues


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("00:01.000 --> 00:02.000\nHello\n", "must start with the word WEBVTT"),
        ("WEBVTT\n\n00:01,000 --> 00:02,000\nHello\n", "timing must look like"),
        ("WEBVTT\n\n00:03.000 --> 00:02.000\nHello\n", "must end after it starts"),
        (
            "WEBVTT\n\n00:05.000 --> 00:06.000\nB\n\n00:01.000 --> 00:02.000\nA\n",
            "in order of their start time",
        ),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<script>alert(1)</script>\n", "only WebVTT tags"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n", "has no text"),
        ("WEBVTT\n\nNOTE nothing here\n", "has no cues"),
        ("WEBVTT\n\n00:61.000 --> 00:62.000\nHi\n", "below 60"),
    ],
)
def test_broken_files_are_refused_with_the_line_named(text, message):
    with pytest.raises(CaptionError) as error:
        parse_webvtt(text)
    assert message in error.value.message


def test_cues_after_the_end_of_the_video_are_refused():
    with pytest.raises(CaptionError, match="after the video ends"):
        parse_webvtt("WEBVTT\n\n01:00.000 --> 01:02.000\nLate\n", duration=10)


@pytest.mark.django_db
def test_an_uploaded_file_replaces_the_text_when_valid():
    caption = Caption(
        video=VideoFactory(),
        language="vi",
        upload=SimpleUploadedFile("vi.vtt", GOOD.encode("utf-8-sig")),
    )
    caption.full_clean()
    assert caption.vtt.startswith("WEBVTT")


@pytest.mark.django_db
def test_an_invalid_upload_is_refused_on_the_upload_field():
    caption = Caption(
        video=VideoFactory(),
        language="vi",
        upload=SimpleUploadedFile("vi.vtt", b"1\n00:00:01,000 --> 00:00:02,000\nSRT, not VTT\n"),
    )
    with pytest.raises(ValidationError) as error:
        caption.full_clean()
    assert "upload" in error.value.message_dict


@pytest.mark.django_db
def test_a_caption_must_have_text_or_a_file():
    with pytest.raises(ValidationError) as error:
        Caption(video=VideoFactory(), language="ar", vtt="  ").full_clean()
    assert "vtt" in error.value.message_dict


@pytest.mark.django_db
def test_errors_are_translated(settings):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(CaptionError) as error:
        parse_webvtt("no header")
    assert "WEBVTT" in error.value.message
    assert error.value.message != "A WebVTT file must start with the word WEBVTT."


@pytest.mark.django_db
def test_captions_are_served_as_webvtt(client):
    video = ready_video(captions=("en", "ar"))
    response = client.get(f"/api/media/videos/{video.pk}/captions/ar.vtt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    assert response.content.decode().startswith("WEBVTT")
    assert client.get(f"/api/media/videos/{video.pk}/captions/vi.vtt").status_code == 404


@pytest.mark.django_db
def test_captions_longer_than_a_processed_video_are_refused():
    video = ready_video(captions=())  # sixty seconds long
    late = "WEBVTT\n\n05:00.000 --> 05:02.000\nToo late\n"
    with pytest.raises(ValidationError) as error:
        Caption(video=video, language="vi", vtt=late).full_clean()
    assert "after the video ends" in str(error.value)


@pytest.mark.django_db
def test_only_vtt_files_are_accepted_as_captions():
    caption = Caption(
        video=VideoFactory(),
        language="vi",
        upload=SimpleUploadedFile("page.html", GOOD.encode()),
    )
    with pytest.raises(ValidationError) as error:
        caption.full_clean()
    assert "upload" in error.value.message_dict
