"""Write-side logic of the media library: processing videos, recording reach, printing
comics. Each operation is safe to run twice: a retried task or request makes nothing twice."""

import base64
import hashlib
import logging
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from media_library import transcoding
from media_library.models import (
    AudioTrack,
    ComicPage,
    ComicPrint,
    ReachEvent,
    VideoItem,
    VideoRendition,
)

logger = logging.getLogger(__name__)

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
REACH_MAX_BATCH = 50
REACH_MAX_AGE_DAYS = 30
STALE_PROCESSING = timedelta(hours=2)


# --- Videos -------------------------------------------------------------------------------


def video_source_key(*, video: VideoItem, tracks: list[AudioTrack] | None = None) -> str:
    """Changes whenever the master or a dubbed track is replaced (uploads get new names)."""
    if tracks is None:
        tracks = list(video.audio_tracks.all())
    parts = [video.master.name]
    parts += sorted(f"{t.language}={t.file.name}" for t in tracks)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def video_process_enqueue(*, video: VideoItem) -> None:
    """Ask a worker to (re)make the renditions once the current transaction commits."""
    from media_library.tasks import video_process_task

    if video.processed_checksum == video_source_key(video=video) and video.is_ready:
        return
    VideoItem.objects.filter(pk=video.pk).exclude(status=VideoItem.Status.PROCESSING).update(
        status=VideoItem.Status.PENDING, error=""
    )
    transaction.on_commit(lambda: video_process_task.delay(video.pk))


def _claim(video_id: int) -> bool:
    """Mark the video as processing unless another worker is on it right now."""
    now = timezone.now()
    with transaction.atomic():
        video = VideoItem.objects.select_for_update().get(pk=video_id)
        busy = (
            video.status == VideoItem.Status.PROCESSING
            and video.updated_at > now - STALE_PROCESSING
        )
        if busy:
            return False
        video.status = VideoItem.Status.PROCESSING
        video.error = ""
        video.save(update_fields=["status", "error", "updated_at"])
    return True


def _copy_local(field_file, directory: Path, name: str) -> Path:
    target = directory / name
    with field_file.open("rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    return target


def _store(field, name: str, path: Path) -> None:
    """Replace what ``field`` holds with ``path`` under a stable name."""
    if field.name:
        field.storage.delete(field.name)
    with open(path, "rb") as handle:
        field.save(name, File(handle), save=False)


@dataclass
class ProcessOutcome:
    status: str
    made: list[str]


def video_process(*, video_id: int) -> ProcessOutcome:
    """Make every rendition, the poster and the duration of a video.

    Idempotent: a rendition made from the same sources is kept, not remade; a video whose
    sources have not changed since it was last made ready is left alone.
    """
    video = VideoItem.objects.get(pk=video_id)
    tracks = list(video.audio_tracks.all())
    key = video_source_key(video=video, tracks=tracks)
    if video.is_ready and video.processed_checksum == key:
        return ProcessOutcome(video.status, [])
    if not _claim(video_id):
        return ProcessOutcome(VideoItem.Status.PROCESSING, [])
    video.refresh_from_db()
    made: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bw-video-") as tmp:
            workdir = Path(tmp)
            master = _copy_local(video.master, workdir, "master" + Path(video.master.name).suffix)
            found = transcoding.probe(master)
            if not found.has_video:
                raise transcoding.TranscodeError(_("The master file has no video."))
            existing = {(r.profile, r.language): r for r in video.renditions.all()}
            wanted = []
            soundtracks = [("", None)]
            for track in tracks:
                soundtracks.append(
                    (track.language, _copy_local(track.file, workdir, f"audio-{track.language}"))
                )
            for language, audio_path in soundtracks:
                source_key = hashlib.sha256(
                    f"{video.master.name}|{language}|"
                    f"{next((t.file.name for t in tracks if t.language == language), '')}".encode()
                ).hexdigest()
                for profile in transcoding.PROFILES:
                    if profile.height is None and not (found.has_audio or audio_path):
                        continue
                    wanted.append((profile.name, language))
                    current = existing.get((profile.name, language))
                    if (
                        current
                        and current.source_checksum == source_key
                        and current.file
                        and current.file.storage.exists(current.file.name)
                    ):
                        continue
                    suffix = f"-{language}" if language else ""
                    name = f"{profile.name}{suffix}.{profile.extension}"
                    target = workdir / name
                    transcoding.encode(
                        master,
                        target,
                        profile,
                        audio_source=audio_path,
                        source_has_audio=found.has_audio,
                    )
                    result = transcoding.probe(target)
                    rendition = current or VideoRendition(
                        video=video, profile=profile.name, language=language
                    )
                    _store(rendition.file, name, target)
                    rendition.mime_type = profile.mime_type
                    rendition.width = result.width
                    rendition.height = result.height
                    rendition.size = target.stat().st_size
                    rendition.duration = round(result.duration, 2)
                    rendition.bitrate = (
                        int(rendition.size * 8 / result.duration) if result.duration else 0
                    )
                    rendition.source_checksum = source_key
                    rendition.full_clean()
                    rendition.save()
                    made.append(f"{profile.name}{suffix}")
            for (profile_name, language), stale in existing.items():
                if (profile_name, language) not in wanted:
                    stale.file.delete(save=False)
                    stale.delete()
            poster_path = workdir / "poster.jpg"
            transcoding.poster(master, poster_path, at=min(found.duration * 0.2, 10))
            _store(video.poster, "poster.jpg", poster_path)
    except (transcoding.TranscodeError, OSError) as error:
        logger.warning("Video %s failed: %s", video_id, error)
        VideoItem.objects.filter(pk=video_id).update(
            status=VideoItem.Status.FAILED, error=str(error)[:2000], updated_at=timezone.now()
        )
        return ProcessOutcome(VideoItem.Status.FAILED, made)
    VideoItem.objects.filter(pk=video_id).update(
        status=VideoItem.Status.READY,
        error="",
        duration=round(found.duration, 2),
        width=found.width,
        height=found.height,
        poster=video.poster.name,
        processed_checksum=key,
        processed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return ProcessOutcome(VideoItem.Status.READY, made)


@transaction.atomic
def video_create(
    *,
    title: str,
    master: File,
    country=None,
    original_language: str = "en",
    description: str = "",
    captions: dict[str, str] | None = None,
    process: bool = True,
) -> VideoItem:
    """Store an uploaded master (and its captions, by language) and queue its processing
    (unless ``process`` is false: the video waits, pending, for ``process_pending_videos``)."""
    from media_library.models import Caption

    video = VideoItem(
        title=title,
        master=master,
        country=country,
        original_language=original_language,
        description=description,
    )
    video.full_clean()
    video.save()
    for language, text in (captions or {}).items():
        caption = Caption(video=video, language=language, vtt=text)
        caption.full_clean()
        caption.save()
    if process:
        video_process_enqueue(video=video)
    return video


# --- Reach --------------------------------------------------------------------------------


class ReachInvalid(Exception):
    def __init__(self, message: str, *, index: int | None = None):
        super().__init__(message)
        self.message = message
        self.index = index


def _reach_day(raw, today: date, index: int) -> date:
    if raw in (None, ""):
        return today
    try:
        day = date.fromisoformat(str(raw))
    except ValueError:
        raise ReachInvalid(_("day must be a date such as 2026-01-31."), index=index) from None
    if day > today + timedelta(days=1) or day < today - timedelta(days=REACH_MAX_AGE_DAYS):
        raise ReachInvalid(_("day is too far from today."), index=index)
    return min(day, today)


def reach_record(*, events: list[dict], country=None, today: date | None = None) -> int:
    """Store anonymous views and completions; return how many were new.

    Each event carries an ``id`` the browser made (a UUID): a retried or re-queued event
    with an id already stored is ignored, so nothing is counted twice.
    """
    today = today or timezone.localdate()
    if not isinstance(events, list) or not events:
        raise ReachInvalid(_("Send one event or a list of events."))
    if len(events) > REACH_MAX_BATCH:
        raise ReachInvalid(_("Send at most %(max)s events at a time.") % {"max": REACH_MAX_BATCH})
    parsed = []
    for index, raw in enumerate(events):
        if not isinstance(raw, dict):
            raise ReachInvalid(_("An event must be a JSON object."), index=index)
        try:
            event_id = uuid.UUID(str(raw.get("id", "")))
        except ValueError:
            raise ReachInvalid(_("Each event needs an id that is a UUID."), index=index) from None
        kind = raw.get("kind")
        if kind not in ReachEvent.Kind.values:
            raise ReachInvalid(_("kind must be video or comic."), index=index)
        action = raw.get("action")
        if action not in ReachEvent.Action.values:
            raise ReachInvalid(_("action must be view or complete."), index=index)
        language = raw.get("language")
        if language not in LANGUAGE_CODES:
            raise ReachInvalid(_("language is not one this site offers."), index=index)
        item = raw.get("item")
        if isinstance(item, bool) or not isinstance(item, int) or item <= 0:
            raise ReachInvalid(_("item must be the number of a video or comic."), index=index)
        parsed.append(
            {
                "id": event_id,
                "kind": kind,
                "action": action,
                "language": language,
                "item": item,
                "day": _reach_day(raw.get("day"), today, index),
            }
        )
    video_ids = {e["item"] for e in parsed if e["kind"] == "video"}
    comic_ids = {e["item"] for e in parsed if e["kind"] == "comic"}
    videos = set(VideoItem.objects.filter(pk__in=video_ids).values_list("pk", flat=True))
    comics = canonical_comic_ids(page_ids=comic_ids)
    rows = []
    for index, event in enumerate(parsed):
        if event["kind"] == "video" and event["item"] not in videos:
            raise ReachInvalid(_("There is no such video."), index=index)
        if event["kind"] == "comic" and event["item"] not in comics:
            raise ReachInvalid(_("There is no such comic."), index=index)
        rows.append(
            ReachEvent(
                id=event["id"],
                kind=event["kind"],
                action=event["action"],
                language=event["language"],
                video_id=event["item"] if event["kind"] == "video" else None,
                comic_id=comics[event["item"]] if event["kind"] == "comic" else None,
                country=country,
                day=event["day"],
            )
        )
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        raise ReachInvalid(_("The same event id appears twice in this batch."))
    known = set(ReachEvent.objects.filter(id__in=ids).values_list("id", flat=True))
    new = [r for r in rows if r.id not in known]
    if new:
        try:
            with transaction.atomic():
                ReachEvent.objects.bulk_create(new)
        except IntegrityError:
            # A concurrent retry stored some of them a moment ago.
            ReachEvent.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def canonical_comic_ids(*, page_ids: set[int]) -> dict[int, int]:
    """Map each comic page id to the id of the same comic in the default language (its
    translations count as one item), or to itself when that has no default-language page."""
    from wagtail.models import Locale

    if not page_ids:
        return {}
    pages = dict(ComicPage.objects.filter(pk__in=page_ids).values_list("pk", "translation_key"))
    default = dict(
        ComicPage.objects.filter(
            translation_key__in=set(pages.values()), locale=Locale.get_default()
        ).values_list("translation_key", "pk")
    )
    return {pk: default.get(key, pk) for pk, key in pages.items()}


# --- Comics -------------------------------------------------------------------------------


def _comic_content_hash(page: ComicPage, panels) -> str:
    parts = [page.title, page.intro, page.locale.language_code]
    for panel in panels:
        parts += [panel.image.file.name, panel.speaker, panel.text, panel.description]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def comic_print_render(*, page_id: int, force: bool = False) -> ComicPrint | None:
    """The printable PDF of one comic translation, made with WeasyPrint in its language.

    Made again only when a panel, its text or the title changed.
    """
    from weasyprint import HTML

    page = ComicPage.objects.filter(pk=page_id).select_related("locale").first()
    if page is None:
        return None
    panels = list(page.panels.select_related("image").order_by("sort_order"))
    if not panels:
        return None
    content_hash = _comic_content_hash(page, panels)
    existing = ComicPrint.objects.filter(page=page).first()
    if (
        existing
        and not force
        and existing.content_hash == content_hash
        and existing.file.storage.exists(existing.file.name)
    ):
        return existing
    language = page.locale.language_code
    drawings = []
    for panel in panels:
        rendition = panel.image.get_rendition("max-1200x1200|format-jpeg|jpegquality-80")
        with rendition.file.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode()
        drawings.append((panel, f"data:image/jpeg;base64,{data}"))
    with translation.override(language):
        html = render_to_string(
            "media_library/comic_print.html",
            {
                "page": page,
                "drawings": drawings,
                "language": language,
                "direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
            },
        )
    pdf = HTML(string=html).write_pdf()
    record = existing or ComicPrint(page=page)
    if record.file:
        record.file.delete(save=False)
    record.file.save(f"{page.slug}-{language}-{page.pk}.pdf", ContentFile(pdf), save=False)
    record.content_hash = content_hash
    record.size = len(pdf)
    record.save()
    return record


def comic_print_enqueue(*, page: ComicPage) -> None:
    from media_library.tasks import comic_print_task

    transaction.on_commit(lambda: comic_print_task.delay(page.pk))
