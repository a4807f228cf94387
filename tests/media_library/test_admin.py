"""Videos in the Wagtail admin: upload, status, "process again", and country scoping."""

import uuid

import pytest
from django.urls import reverse

from media_library.models import VideoItem
from tests.accounts.factories import (
    UserFactory,
    country_staff,
    global_admin,
    signed_in_with_second_factor,
)
from tests.media_library.factories import VideoFactory
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def denied(response) -> bool:
    """Wagtail answers a refused admin view with the dashboard, or a sign-in page."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (
            response["Location"] == "/admin/"
            or "/accounts/login/" in response["Location"]
            # the admin first asks for a second factor, before Wagtail's own refusal
            or "/accounts/2fa/" in response["Location"]
        )
    )


@pytest.fixture
def vn_video():
    return VideoFactory(title="Vietnam video", country=country("vn"))


@pytest.fixture
def jo_video():
    return VideoFactory(title="Jordan video", country=country("jo"))


def _staff(client, user, totp_for):
    return signed_in_with_second_factor(client, user)


def test_anonymous_visitors_are_sent_to_sign_in(client, vn_video):
    response = client.get(reverse("media_videos:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_worker_cannot_manage_videos(client, vn_video, totp_for):
    worker = UserFactory(roles=["worker"])
    client.force_login(worker)
    assert denied(client.get(reverse("media_videos:edit", args=[vn_video.pk])))
    assert denied(client.get(reverse("media_videos:index")))
    assert VideoItem.objects.get(pk=vn_video.pk).title == "Vietnam video"


def test_country_staff_see_and_edit_only_their_countrys_videos(
    client, vn_video, jo_video, totp_for
):
    _staff(client, country_staff("vn"), totp_for)

    listing = client.get(reverse("media_videos:index"))
    assert listing.status_code == 200
    assert b"Vietnam video" in listing.content
    assert b"Jordan video" not in listing.content
    assert client.get(reverse("media_videos:edit", args=[vn_video.pk])).status_code == 200
    assert denied(client.get(reverse("media_videos:edit", args=[jo_video.pk])))
    assert denied(client.post(reverse("media_videos:process", args=[jo_video.pk])))
    assert denied(client.post(reverse("media_videos:delete", args=[jo_video.pk])))
    assert VideoItem.objects.filter(pk=jo_video.pk).exists()


def test_global_staff_see_every_video(client, vn_video, jo_video, totp_for):
    _staff(client, global_admin(), totp_for)
    listing = client.get(reverse("media_videos:index"))
    assert b"Vietnam video" in listing.content
    assert b"Jordan video" in listing.content


def test_the_add_form_offers_country_staff_only_their_country(client, totp_for):
    _staff(client, country_staff("jo"), totp_for)
    response = client.get(reverse("media_videos:add"))
    assert response.status_code == 200
    choices = list(response.context["form"].fields["country"].queryset)
    assert choices == [country("jo")]


def test_uploading_a_video_in_the_admin_processes_it(
    client, tiny_mp4, totp_for, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _staff(client, global_admin(), totp_for)
    data = {
        "title": "Uploaded",
        "description": "",
        "country": "",
        "original_language": "vi",
        "master": SimpleUploadedFile("clip.mp4", tiny_mp4.read_bytes(), "video/mp4"),
        "captions-TOTAL_FORMS": "1",
        "captions-INITIAL_FORMS": "0",
        "captions-MIN_NUM_FORMS": "0",
        "captions-MAX_NUM_FORMS": "1000",
        "captions-0-language": "ar",
        "captions-0-vtt": "WEBVTT\n\n00:00.000 --> 00:01.000\nمرحبا\n",
        "captions-0-ORDER": "1",
        "audio_tracks-TOTAL_FORMS": "0",
        "audio_tracks-INITIAL_FORMS": "0",
        "audio_tracks-MIN_NUM_FORMS": "0",
        "audio_tracks-MAX_NUM_FORMS": "1000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("media_videos:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    video = VideoItem.objects.get(title="Uploaded")
    assert video.status == VideoItem.Status.READY
    assert video.captions.get().language == "ar"
    from media_library.services import reach_record

    reach_record(
        events=[
            {
                "id": str(uuid.uuid4()),
                "kind": "video",
                "item": video.pk,
                "language": "vi",
                "action": action,
            }
            for action in ("view", "view", "complete")
        ]
    )
    edit = client.get(reverse("media_videos:edit", args=[video.pk]))
    assert b"Ready" in edit.content
    assert b"Process again" in edit.content
    assert "Views: 2 · Watched to the end: 1" in edit.content.decode()


def test_a_bad_caption_in_the_admin_is_shown_and_the_input_kept(client, totp_for, vn_video):
    _staff(client, global_admin(), totp_for)
    data = {
        "title": "Still here",
        "description": "",
        "country": str(vn_video.country_id),
        "original_language": "en",
        "captions-TOTAL_FORMS": "1",
        "captions-INITIAL_FORMS": "0",
        "captions-MIN_NUM_FORMS": "0",
        "captions-MAX_NUM_FORMS": "1000",
        "captions-0-language": "vi",
        "captions-0-vtt": "00:01.000 --> 00:02.000\nno header",
        "captions-0-ORDER": "1",
        "audio_tracks-TOTAL_FORMS": "0",
        "audio_tracks-INITIAL_FORMS": "0",
        "audio_tracks-MIN_NUM_FORMS": "0",
        "audio_tracks-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("media_videos:edit", args=[vn_video.pk]), data)
    assert response.status_code == 200
    assert "WEBVTT" in response.content.decode()
    assert b"Still here" in response.content
    assert not vn_video.captions.exists()


def test_a_failed_video_shows_its_error_and_can_be_processed_again(
    client, totp_for, vn_video, django_capture_on_commit_callbacks
):
    VideoItem.objects.filter(pk=vn_video.pk).update(
        status=VideoItem.Status.FAILED, error="moov atom not found"
    )
    _staff(client, country_staff("vn"), totp_for)
    edit = client.get(reverse("media_videos:edit", args=[vn_video.pk]))
    assert b"moov atom not found" in edit.content

    assert client.get(reverse("media_videos:process", args=[vn_video.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("media_videos:process", args=[vn_video.pk]))
    assert response.status_code == 302
    # The stand-in master is not a video: processing fails again, with a fresh error.
    vn_video.refresh_from_db()
    assert vn_video.status == VideoItem.Status.FAILED
    assert vn_video.error != "moov atom not found"
