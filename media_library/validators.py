"""Upload checks: the extension, the size, and that ffprobe finds real media inside."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from media_library.transcoding import TranscodeError, probe

VIDEO_EXTENSIONS = {"mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "3gp"}
AUDIO_EXTENSIONS = {"m4a", "aac", "mp3", "ogg", "opus", "wav", "flac"}


@contextmanager
def local_copy(file):
    """A path on disk for an uploaded file, wherever Django keeps it."""
    path = getattr(file, "temporary_file_path", None) or getattr(
        getattr(file, "file", None), "temporary_file_path", None
    )
    if callable(path):
        yield Path(path())
        return
    suffix = Path(file.name or "upload").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        file.seek(0)
        for chunk in file.chunks():
            handle.write(chunk)
        handle.flush()
        file.seek(0)
        yield Path(handle.name)


def _is_new_upload(value) -> bool:
    return not getattr(value, "_committed", True) or not hasattr(value, "_committed")


def _check(value, *, extensions, max_bytes, need_video):
    if not _is_new_upload(value):
        return
    extension = Path(value.name or "").suffix.lower().lstrip(".")
    if extension not in extensions:
        raise ValidationError(
            _("Upload a file ending in one of: %(extensions)s."),
            code="extension",
            params={"extensions": ", ".join(sorted(extensions))},
        )
    if value.size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(value.size), "limit": filesizeformat(max_bytes)},
        )
    try:
        with local_copy(value) as path:
            found = probe(path)
    except TranscodeError:
        raise ValidationError(
            _("This file could not be read as audio or video."), code="unreadable"
        ) from None
    if need_video and not found.has_video:
        raise ValidationError(_("This file has no video in it."), code="no_video")
    if not need_video and not found.has_audio:
        raise ValidationError(_("This file has no sound in it."), code="no_audio")
    if found.duration <= 0:
        raise ValidationError(_("This file has no length."), code="empty")


def validate_video_upload(value):
    _check(
        value,
        extensions=VIDEO_EXTENSIONS,
        max_bytes=settings.MEDIA_VIDEO_MAX_UPLOAD_BYTES,
        need_video=True,
    )


def validate_audio_upload(value):
    _check(
        value,
        extensions=AUDIO_EXTENSIONS,
        max_bytes=settings.MEDIA_AUDIO_MAX_UPLOAD_BYTES,
        need_video=False,
    )
