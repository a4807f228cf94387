"""Recordings of survey questions: which kinds and how large (checked by lms/uploads.py)."""

from django.conf import settings

from lms.uploads import UploadPolicy, validate_upload


def audio_policy() -> UploadPolicy:
    return UploadPolicy(
        extensions=frozenset({"mp3", "m4a"}),
        max_bytes=getattr(settings, "SURVEY_AUDIO_MAX_BYTES", 1024 * 1024),
    )


def validate_question_audio(file) -> None:
    validate_upload(file, policy=audio_policy())
