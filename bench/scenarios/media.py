"""Benchmarks of the media library: the pages a worker opens without an account (episode,
comic, series) with their page weight, and the small public files (service worker, manifest,
captions). prepare() builds the demo series and comic (videos generated locally by ffmpeg)."""

from bench.harness import HttpScenario

EPISODE = "/{lang}/worker-awareness/life-on-the-line/the-long-shift/"
SERIES = "/{lang}/worker-awareness/life-on-the-line/"
COMIC = "/{lang}/worker-awareness/fire-safety-comic/"


def prepare() -> None:
    from lms.portal import demo as portal_demo
    from media_library import demo

    portal_demo.load_pages()
    demo.load()


def _caption_path() -> str:
    from media_library.models import Caption

    caption = Caption.objects.filter(language="ar").order_by("video_id").first()
    return f"/api/media/videos/{caption.video_id}/captions/ar.vtt" if caption else "/sw.js"


def scenarios() -> list[HttpScenario]:
    return [
        HttpScenario(
            "media: episode page (en, anonymous)", EPISODE.format(lang="en"), measure_weight=True
        ),
        HttpScenario(
            "media: episode page (ar, anonymous)", EPISODE.format(lang="ar"), measure_weight=True
        ),
        HttpScenario("media: series page (vi, anonymous)", SERIES.format(lang="vi")),
        HttpScenario(
            "media: comic page (en, anonymous)", COMIC.format(lang="en"), measure_weight=True
        ),
        HttpScenario(
            "media: comic page (km, anonymous)", COMIC.format(lang="km"), measure_weight=True
        ),
        HttpScenario("media: service worker", "/sw.js", requests=100),
        HttpScenario("media: web app manifest", "/manifest.webmanifest?lang=vi", requests=100),
        HttpScenario("media: captions (WebVTT)", _caption_path(), requests=100),
    ]
