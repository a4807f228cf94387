"""The real ffmpeg pipeline on tiny clips generated in the test."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from media_library import services, transcoding
from media_library.models import AudioTrack, VideoItem, VideoRendition
from media_library.validators import validate_audio_upload, validate_video_upload

pytestmark = pytest.mark.django_db


def _upload(path: Path) -> VideoItem:
    with open(path, "rb") as handle:
        return services.video_create(title="Tiny", master=File(handle, name=path.name))


def test_upload_makes_every_rendition_with_the_right_size_and_duration(
    tiny_mp4, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        video = _upload(tiny_mp4)
    video.refresh_from_db()

    assert video.status == VideoItem.Status.READY, video.error
    assert video.duration == pytest.approx(1.5, abs=0.15)
    assert (video.width, video.height) == (640, 360)
    assert video.poster.storage.exists(video.poster.name)
    renditions = {r.profile: r for r in video.renditions.all()}
    assert set(renditions) == {"low", "medium", "high", "audio"}
    # 240p from 360p; medium is the source size; high is never upscaled past the master.
    assert (renditions["low"].width, renditions["low"].height) == (426, 240)
    assert renditions["medium"].height == 360
    assert renditions["high"].height == 360
    assert renditions["audio"].height is None
    for rendition in renditions.values():
        probe = transcoding.probe(Path(rendition.file.path))
        assert probe.duration == pytest.approx(1.5, abs=0.2)
        assert rendition.size == Path(rendition.file.path).stat().st_size > 0
        assert rendition.duration == pytest.approx(1.5, abs=0.2)
    assert renditions["audio"].size < renditions["low"].size
    assert not transcoding.probe(Path(renditions["audio"].file.path)).has_video
    assert transcoding.probe(Path(renditions["low"].file.path)).has_audio


def test_low_rendition_keeps_to_its_bit_rate(clip_dir, django_capture_on_commit_callbacks):
    from tests.media_library.factories import tiny_clip

    busy = tiny_clip(clip_dir / "busy.mp4", seconds=2, size="1280x720")
    with django_capture_on_commit_callbacks(execute=True):
        video = _upload(busy)
    renditions = {r.profile: r for r in video.renditions.all()}
    assert renditions["high"].height == 720
    # A capped bit rate: about 150 kbit/s of video and 32 of sound, with room for headers.
    assert renditions["low"].bitrate < 400_000
    assert renditions["low"].size < renditions["medium"].size < renditions["high"].size


def test_running_the_task_again_makes_nothing_twice(tiny_mp4, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        video = _upload(tiny_mp4)
    before = {(r.pk, r.file.name, r.size) for r in video.renditions.all()}

    again = services.video_process(video_id=video.pk)

    assert again.made == []
    assert {(r.pk, r.file.name, r.size) for r in video.renditions.all()} == before
    assert VideoRendition.objects.filter(video=video).count() == 4


def test_a_forced_rerun_reuses_up_to_date_renditions(tiny_mp4, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        video = _upload(tiny_mp4)
    names = sorted(r.file.name for r in video.renditions.all())
    VideoItem.objects.filter(pk=video.pk).update(processed_checksum="")

    outcome = services.video_process(video_id=video.pk)

    assert outcome.status == VideoItem.Status.READY
    assert outcome.made == []
    assert sorted(r.file.name for r in video.renditions.all()) == names
    video.refresh_from_db()
    files = list(Path(video.poster.path).parent.iterdir())
    assert len([f for f in files if f.name.startswith("low")]) == 1


def test_a_dubbed_soundtrack_gets_its_own_renditions(
    tiny_mp4, tone_m4a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        video = _upload(tiny_mp4)
    with open(tone_m4a, "rb") as handle:
        AudioTrack.objects.create(video=video, language="vi", file=File(handle, name="vi.m4a"))
    video.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.video_process_enqueue(video=video)

    languages = sorted(video.renditions.values_list("profile", "language"))
    assert ("low", "vi") in languages
    assert ("audio", "vi") in languages
    assert len(languages) == 8


def test_a_broken_master_fails_with_its_error_shown(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42 but nothing else")
    video = VideoItem(title="Broken")
    with open(broken, "rb") as handle:
        video.master.save("broken.mp4", File(handle), save=False)
    video.save()

    outcome = services.video_process(video_id=video.pk)

    video.refresh_from_db()
    assert outcome.status == video.status == VideoItem.Status.FAILED
    assert video.error
    assert not video.renditions.exists()


def test_a_silent_master_gets_video_renditions_but_no_audio_only(
    silent_mp4, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        video = _upload(silent_mp4)
    assert video.renditions.filter(profile="audio").exists() is False
    assert video.renditions.filter(profile="low").exists()


def test_uploads_are_checked_for_real_media(tiny_mp4, tone_m4a):
    with pytest.raises(ValidationError) as error:
        validate_video_upload(SimpleUploadedFile("talk.mp4", b"plain text, not a video"))
    assert error.value.code == "unreadable"
    with pytest.raises(ValidationError) as error:
        validate_video_upload(SimpleUploadedFile("talk.exe", b"MZ"))
    assert error.value.code == "extension"
    with pytest.raises(ValidationError) as error:
        validate_video_upload(SimpleUploadedFile("tone.mp4", tone_m4a.read_bytes()))
    assert error.value.code == "no_video"
    validate_video_upload(SimpleUploadedFile("tiny.mp4", tiny_mp4.read_bytes()))
    validate_audio_upload(SimpleUploadedFile("tone.m4a", tone_m4a.read_bytes()))


def test_uploads_over_the_limit_are_refused(settings, tiny_mp4):
    settings.MEDIA_VIDEO_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        validate_video_upload(SimpleUploadedFile("tiny.mp4", tiny_mp4.read_bytes()))
    assert error.value.code == "too_large"


def test_deleting_a_video_removes_its_files(tiny_mp4, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        video = _upload(tiny_mp4)
    video.refresh_from_db()
    folder = Path(video.poster.path).parent
    assert any(folder.iterdir())

    with django_capture_on_commit_callbacks(execute=True):
        video.delete()

    assert [p for p in folder.rglob("*") if p.is_file()] == []


def test_an_upright_phone_video_keeps_its_shape(clip_dir, django_capture_on_commit_callbacks):
    from tests.media_library.factories import tiny_clip

    upright = tiny_clip(clip_dir / "upright.mp4", seconds=1, size="360x640")
    with django_capture_on_commit_callbacks(execute=True):
        video = _upload(upright)
    renditions = {r.profile: r for r in video.renditions.all()}
    assert (renditions["low"].width, renditions["low"].height) == (240, 426)
    assert (renditions["medium"].width, renditions["medium"].height) == (360, 640)
