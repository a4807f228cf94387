"""Read-side queries of the media library: what a player, a series, a comic reader and the
impact reports need, each in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from media_library.models import (
    Caption,
    ComicPage,
    EpisodePage,
    ReachEvent,
    SeriesPage,
    VideoItem,
    VideoRendition,
)
from media_library.transcoding import PROFILES_BY_NAME

LANGUAGE_NAMES = dict(settings.LANGUAGES)
PROFILE_ORDER = {"low": 0, "medium": 1, "high": 2, "audio": 3}


@dataclass(frozen=True)
class PlayerOption:
    profile: str
    label: str
    url: str
    mime_type: str
    size: int
    height: int | None
    is_audio: bool
    language: str


@dataclass(frozen=True)
class PlayerCaption:
    language: str
    label: str
    url: str


@dataclass
class Player:
    video: VideoItem
    language: str
    options: list[PlayerOption] = field(default_factory=list)
    captions: list[PlayerCaption] = field(default_factory=list)
    default_caption: str = ""
    poster_url: str = ""
    activity_id: str = ""

    @property
    def default_option(self) -> PlayerOption | None:
        """The lightest video: what a phone on a slow connection should get."""
        return next((o for o in self.options if not o.is_audio), None)

    @property
    def video_options(self):
        return [o for o in self.options if not o.is_audio]

    @property
    def audio_option(self):
        return next((o for o in self.options if o.is_audio), None)

    @property
    def is_ready(self):
        return bool(self.options)


def caption_url(*, video_id: int, language: str, version: int = 0) -> str:
    url = reverse("media_library_api:caption", kwargs={"video_id": video_id, "language": language})
    return f"{url}?v={version}" if version else url


def videos_with_player_data() -> QuerySet[VideoItem]:
    return VideoItem.objects.prefetch_related(
        Prefetch("renditions", queryset=VideoRendition.objects.order_by("profile")),
        Prefetch(
            "captions",
            queryset=Caption.objects.only("id", "video_id", "language", "updated_at"),
        ),
    )


def player_for_video(*, video: VideoItem | None, language: str) -> Player | None:
    """Everything the player shows for ``video`` on a page in ``language``: the renditions
    (with the dubbed soundtrack in that language when there is one), lightest first, and the
    captions with that language first."""
    from lms.records.activities import activity_id

    if video is None:
        return None
    renditions = list(video.renditions.all())
    captions = list(video.captions.all())
    dubbed = {r.language for r in renditions if r.language}
    soundtrack = language if language in dubbed else ""
    options = [
        PlayerOption(
            profile=r.profile,
            label=str(VideoRendition.Profile(r.profile).label),
            url=r.file.url,
            mime_type=r.mime_type,
            size=r.size,
            height=r.height,
            is_audio=r.is_audio,
            language=r.language,
        )
        for r in renditions
        if r.language == soundtrack and r.profile in PROFILES_BY_NAME and r.file
    ]
    options.sort(key=lambda o: PROFILE_ORDER.get(o.profile, 9))
    # Drop a "higher" video rendition that is no bigger than a lower one (a small master).
    seen_heights = set()
    kept = []
    for option in options:
        if not option.is_audio:
            if option.height in seen_heights:
                continue
            seen_heights.add(option.height)
        kept.append(option)
    captions.sort(key=lambda c: (c.language != language, c.language))
    player = Player(
        video=video,
        language=language,
        options=kept if video.is_ready else [],
        captions=[
            PlayerCaption(
                language=c.language,
                label=LANGUAGE_NAMES.get(c.language, c.language),
                url=caption_url(
                    video_id=video.pk,
                    language=c.language,
                    version=int(c.updated_at.timestamp()) if c.updated_at else 0,
                ),
            )
            for c in captions
        ],
        poster_url=video.poster.url if video.poster else "",
        activity_id=activity_id("video", video.pk),
    )
    spoken = soundtrack or video.original_language
    if language != spoken and any(c.language == language for c in captions):
        player.default_caption = language
    return player


def series_episodes(*, series: SeriesPage) -> QuerySet[EpisodePage]:
    return (
        EpisodePage.objects.child_of(series)
        .live()
        .public()
        .select_related("video", "listing_image")
        .order_by("number", "path")
    )


def episode_neighbours(*, episode: EpisodePage) -> tuple[EpisodePage | None, EpisodePage | None]:
    """The episodes before and after ``episode`` in its series (one query). Siblings share
    their series' view restrictions; one with its own restriction is still protected when
    followed."""
    siblings = list(
        EpisodePage.objects.sibling_of(episode, inclusive=True).live().order_by("number", "path")
    )
    index = next((i for i, s in enumerate(siblings) if s.pk == episode.pk), None)
    if index is None:
        return None, None
    before = siblings[index - 1] if index > 0 else None
    after = siblings[index + 1] if index + 1 < len(siblings) else None
    return before, after


@dataclass
class ComicReader:
    comic: ComicPage
    panels: list
    print_pdf: object | None
    direction: str


def comic_reader(*, comic: ComicPage) -> ComicReader:
    from media_library.models import ComicPrint

    panels = list(comic.panels.select_related("image").order_by("sort_order"))
    print_pdf = ComicPrint.objects.filter(page=comic).only("file", "size").first()
    language = comic.locale.language_code
    return ComicReader(
        comic=comic,
        panels=panels,
        print_pdf=print_pdf,
        direction="rtl" if language in settings.RTL_LANGUAGES else "ltr",
    )


def _country_filter(country):
    if country is None:
        return Q()
    if isinstance(country, str):
        return Q(country__code=country)
    if isinstance(country, int):
        return Q(country_id=country)
    return Q(country_id=country.pk)


def reach_counts(*, since: date | None = None, until: date | None = None, country=None) -> QuerySet:
    """Reach of awareness media per item, language and country: one row each with
    ``kind``, ``video_id``, ``comic_id``, ``title``, ``language``, ``country_code``,
    ``views`` and ``completions``. ``since``/``until`` are inclusive days; ``country`` is a
    Country, its id or its code."""
    events = ReachEvent.objects.all()
    if since:
        events = events.filter(day__gte=since)
    if until:
        events = events.filter(day__lte=until)
    events = events.filter(_country_filter(country))
    from django.db.models.functions import Coalesce

    return (
        events.values("kind", "video_id", "comic_id", "language")
        .annotate(
            title=Coalesce(F("video__title"), F("comic__title")),
            country_code=F("country__code"),
            views=Count("id", filter=Q(action=ReachEvent.Action.VIEW)),
            completions=Count("id", filter=Q(action=ReachEvent.Action.COMPLETE)),
        )
        .order_by("kind", "title", "language", "country_code")
    )


def reach_totals(*, since=None, until=None, country=None, video=None, comic=None) -> dict:
    """Views and completions in all, or of one video or comic."""
    events = ReachEvent.objects.filter(_country_filter(country))
    if video is not None:
        events = events.filter(video=video)
    if comic is not None:
        events = events.filter(comic=comic)
    if since:
        events = events.filter(day__gte=since)
    if until:
        events = events.filter(day__lte=until)
    return events.aggregate(
        views=Count("id", filter=Q(action=ReachEvent.Action.VIEW)),
        completions=Count("id", filter=Q(action=ReachEvent.Action.COMPLETE)),
    )


def videos_visible_to(*, user) -> QuerySet[VideoItem]:
    """Videos a staff member may manage: all for global staff, their country's otherwise."""
    from lms.accounts.selectors import country_scope

    scope = country_scope(user)
    videos = VideoItem.objects.select_related("country")
    if scope is None:
        return videos
    if scope is False:
        return videos.none()
    return videos.filter(country_id=scope)


PROFILE_HELP = {
    "low": _("For slow connections and saving data"),
    "medium": _("For 3G"),
    "high": _("For Wi-Fi"),
    "audio": _("Sound only, very small"),
}
