"""Fixtures of the media library tests: a tiny clip made once per session."""

import pytest

from tests.media_library.factories import tiny_clip


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def tiny_mp4(clip_dir):
    """One and a half seconds at 640×360 with sound."""
    return tiny_clip(clip_dir / "tiny.mp4", seconds=1.5, size="640x360")


@pytest.fixture(scope="session")
def silent_mp4(clip_dir):
    return tiny_clip(clip_dir / "silent.mp4", seconds=1, size="320x180", audio=False)


@pytest.fixture(scope="session")
def tone_m4a(clip_dir):
    return tiny_clip(clip_dir / "tone.m4a", seconds=1.5, video=False)
