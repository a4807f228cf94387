"""ffmpeg and ffprobe, wrapped: probe a file, encode one rendition, grab a poster frame.

The profiles are chosen for cheap Android phones on 2G/3G: H.264 (baseline for the lowest,
which every phone decodes in hardware) with AAC audio, capped bit rates so that a minute of
the low rendition is about 1.4 MB, and ``+faststart`` so playback starts before the file
has fully arrived. Nothing is ever upscaled.
"""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


class TranscodeError(Exception):
    pass


@dataclass(frozen=True)
class Profile:
    name: str
    height: int | None  # None: audio only
    video_kbps: int
    audio_kbps: int
    audio_channels: int
    audio_rate: int
    h264_profile: str = "main"
    max_fps: int = 30

    @property
    def extension(self):
        return "m4a" if self.height is None else "mp4"

    @property
    def mime_type(self):
        return "audio/mp4" if self.height is None else "video/mp4"


PROFILES = [
    # About 1.4 MB a minute: plays on EDGE/2G after a short wait, and on 3G at once.
    Profile("low", 240, 150, 32, 1, 22050, "baseline", 24),
    # About 3.4 MB a minute: 3G.
    Profile("medium", 360, 400, 48, 2, 44100, "main", 30),
    # About 9.7 MB a minute: Wi-Fi or 4G.
    Profile("high", 720, 1200, 96, 2, 44100, "high", 30),
    # About 0.25 MB a minute: listen when data is short; speech stays clear.
    Profile("audio", None, 0, 32, 1, 22050),
]
PROFILES_BY_NAME = {p.name: p for p in PROFILES}


def _run(args: list[str], *, timeout: int) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(  # noqa: S603 - fixed executables, arguments are not a shell line
            args, capture_output=True, timeout=timeout, check=True
        )
    except subprocess.CalledProcessError as error:
        tail = error.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise TranscodeError(" ".join(tail) or f"{Path(args[0]).name} failed") from error
    except subprocess.TimeoutExpired as error:
        raise TranscodeError(f"{Path(args[0]).name} took longer than {timeout} s") from error
    except FileNotFoundError as error:
        raise TranscodeError(f"{args[0]} is not installed") from error


@dataclass(frozen=True)
class Probe:
    duration: float
    width: int | None
    height: int | None
    has_video: bool
    has_audio: bool
    bitrate: int


def probe(path: str | Path) -> Probe:
    """What ffprobe says about a file; :class:`TranscodeError` if it is not media."""
    result = _run(
        [
            settings.MEDIA_FFPROBE,
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        timeout=60,
    )
    data = json.loads(result.stdout or b"{}")
    streams = data.get("streams") or []
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    fmt = data.get("format") or {}
    try:
        duration = float(fmt.get("duration") or (video or audio or {}).get("duration") or 0)
    except ValueError:
        duration = 0.0
    if not video and not audio:
        raise TranscodeError("no audio or video stream")
    return Probe(
        duration=duration,
        width=int(video["width"]) if video else None,
        height=int(video["height"]) if video else None,
        has_video=video is not None,
        has_audio=audio is not None,
        bitrate=int(fmt.get("bit_rate") or 0),
    )


def encode(
    source: Path,
    target: Path,
    profile: Profile,
    *,
    audio_source: Path | None = None,
    source_has_audio: bool = True,
) -> None:
    """Encode ``source`` into ``target`` with ``profile``; with ``audio_source``, its sound
    replaces the master's (a dubbed track)."""
    args = [settings.MEDIA_FFMPEG, "-nostdin", "-y", "-v", "error", "-i", str(source)]
    audio_input = "0:a:0?"
    if audio_source:
        args += ["-i", str(audio_source)]
        audio_input = "1:a:0"
    if profile.height is None:
        if not (source_has_audio or audio_source):
            raise TranscodeError("the master has no sound for an audio-only rendition")
        args += ["-map", audio_input, "-vn"]
    else:
        args += [
            "-map",
            "0:v:0",
            "-map",
            audio_input,
            "-vf",
            # The short side gets the profile's size (phones film upright); never upscale;
            # even dimensions for H.264; cap the frame rate.
            f"scale=w='if(gt(iw,ih),-2,min({profile.height},iw))'"
            f":h='if(gt(iw,ih),min({profile.height},ih),-2)',"
            f"fps='min({profile.max_fps},source_fps)',format=yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-profile:v",
            profile.h264_profile,
            "-crf",
            "26",
            "-maxrate",
            f"{profile.video_kbps}k",
            "-bufsize",
            f"{profile.video_kbps * 2}k",
            "-g",
            "48",
        ]
    args += [
        "-c:a",
        "aac",
        "-b:a",
        f"{profile.audio_kbps}k",
        "-ac",
        str(profile.audio_channels),
        "-ar",
        str(profile.audio_rate),
        "-movflags",
        "+faststart",
        "-map_metadata",
        "-1",
    ]
    if audio_source:
        args += ["-shortest"]
    args.append(str(target))
    _run(args, timeout=settings.MEDIA_TRANSCODE_TIMEOUT)


def poster(source: Path, target: Path, *, at: float, height: int = 360) -> None:
    """A JPEG still from ``at`` seconds in, no taller than ``height``."""
    _run(
        [
            settings.MEDIA_FFMPEG,
            "-nostdin",
            "-y",
            "-v",
            "error",
            "-ss",
            f"{max(at, 0):.2f}",
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-vf",
            f"scale=-2:'min({height},ih)'",
            "-q:v",
            "6",
            str(target),
        ],
        timeout=120,
    )
