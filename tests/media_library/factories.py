"""Factories for the media library: tiny generated clips (ffmpeg lavfi, never downloads),
videos with or without real renditions, series, episodes and comics."""

import io
import subprocess
from pathlib import Path

import factory
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail_factories import ImageFactory

from media_library.models import (
    Caption,
    ComicPage,
    ComicPanel,
    EpisodePage,
    SeriesPage,
    VideoItem,
    VideoRendition,
)

VTT_EN = "WEBVTT\n\n00:00.000 --> 00:00.800\nHello\n"


def tiny_clip(path: Path, *, seconds=1.0, size="640x360", audio=True, video=True) -> Path:
    """A short test pattern with a tone, made by ffmpeg in a fraction of a second."""
    args = ["/usr/bin/ffmpeg", "-nostdin", "-y", "-v", "error"]
    if video:
        args += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=24:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    if video:
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac"]
    args += ["-t", str(seconds), str(path)]
    subprocess.run(args, check=True, capture_output=True, timeout=60)
    return path


def png_bytes(colour=(200, 30, 30), size=(96, 72)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


class VideoFactory(factory.django.DjangoModelFactory):
    """A video whose master is a stand-in file: for tests that do not transcode."""

    class Meta:
        model = VideoItem

    title = factory.Sequence(lambda n: f"Episode video {n}")
    master = factory.django.FileField(filename="master.mp4", data=b"not really a video")
    original_language = "en"


def ready_video(*, captions=("en",), profiles=("low", "medium", "high", "audio"), **kwargs):
    """A video marked ready, with small stand-in renditions, a poster and captions."""
    video = VideoFactory(**kwargs)
    heights = {"low": 240, "medium": 360, "high": 720, "audio": None}
    for index, profile in enumerate(profiles):
        extension = "m4a" if profile == "audio" else "mp4"
        rendition = VideoRendition(
            video=video,
            profile=profile,
            mime_type="audio/mp4" if profile == "audio" else "video/mp4",
            height=heights[profile],
            width=heights[profile] and heights[profile] * 16 // 9,
            size=(index + 1) * 1024 * 1024,
            duration=60,
            source_checksum="x",
        )
        rendition.file.save(f"{profile}.{extension}", ContentFile(b"0" * 64), save=False)
        rendition.save()
    video.poster.save("poster.jpg", ContentFile(png_bytes()), save=False)
    video.status = VideoItem.Status.READY
    video.duration = 60
    video.width, video.height = 1280, 720
    video.save()
    for language in captions:
        Caption.objects.create(video=video, language=language, vtt=VTT_EN)
    return video


def series_page(parent, *, title="Life on the Line", slug="life-on-the-line", **kwargs):
    series = SeriesPage(title=title, slug=slug, **kwargs)
    parent.add_child(instance=series)
    series.save_revision().publish()
    return series


def episode_page(series, *, number=1, video=None, **kwargs):
    kwargs.setdefault("title", f"Episode {number}")
    kwargs.setdefault("slug", f"episode-{number}")
    page = EpisodePage(number=number, video=video, synopsis="<p>Lan works late.</p>", **kwargs)
    series.add_child(instance=page)
    page.save_revision().publish()
    return page


def comic_page(parent, *, panels=2, slug="fire-safety", title="Fire safety", publish=True):
    comic = ComicPage(title=title, slug=slug, intro="A comic")
    comic.panels = [
        ComicPanel(
            image=ImageFactory(
                file=factory.django.ImageField(width=720, height=540, color="blue"),
                title=f"panel {index}",
            ),
            description=f"Drawing {index}",
            speaker="Mai",
            text=f"Panel text {index}",
            sort_order=index,
        )
        for index in range(1, panels + 1)
    ]
    parent.add_child(instance=comic)
    if publish:
        comic.save_revision().publish()
    return comic
