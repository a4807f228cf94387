"""Awareness media for workers: videos (with their renditions, captions and dubbed audio),
soap-opera series and episodes, comics as translatable panel sequences, their printable
PDFs, and the anonymous reach counts the impact reports read.

A video is one item shared by every language of the pages that show it: its captions and
dubbed audio tracks are per language. A comic is a page: wagtail-localize translates each
panel's text while the drawing is synchronised, so one set of drawings serves every language.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from lms.taxonomy.models import BasePage
from media_library.blocks import DiscussionGuideBlock, EpisodeQuizBlock
from media_library.captions import CaptionError, parse_webvtt
from media_library.validators import validate_audio_upload, validate_video_upload

LANGUAGE_CHOICES = settings.LANGUAGES


def _video_path(instance, filename):
    return f"media_library/videos/{instance.uuid}/master/{filename}"


def _audio_track_path(instance, filename):
    return f"media_library/videos/{instance.video.uuid}/audio/{instance.language}-{filename}"


def _poster_path(instance, filename):
    return f"media_library/videos/{instance.uuid}/{filename}"


def _rendition_path(instance, filename):
    return f"media_library/videos/{instance.video.uuid}/{filename}"


class VideoItem(ClusterableModel):
    """An uploaded master and everything the pipeline makes from it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be processed")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"locale__language_code": settings.LANGUAGE_CODE},
        help_text=_("The programme that owns this video. Leave empty for a global video."),
    )
    original_language = models.CharField(
        _("spoken language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    master = models.FileField(
        _("master file"),
        upload_to=_video_path,
        max_length=300,
        validators=[validate_video_upload],
        help_text=_("The original video (MP4, MOV, MKV, WebM or AVI)."),
    )
    master_checksum = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, editable=False
    )
    error = models.TextField(_("processing error"), blank=True, editable=False)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster = models.FileField(
        _("poster"), upload_to=_poster_path, max_length=300, blank=True, editable=False
    )
    processed_checksum = models.CharField(max_length=64, blank=True, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("country"),
        FieldPanel("original_language"),
        FieldPanel("master"),
        InlinePanel("captions", heading=_("Captions"), label=_("caption")),
        InlinePanel("audio_tracks", heading=_("Dubbed audio"), label=_("audio track")),
    ]

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_ready(self):
        return self.status == self.Status.READY


class Caption(Orderable):
    """WebVTT captions in one language. Upload a .vtt file or edit the text in the admin."""

    video = ParentalKey(VideoItem, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    upload = models.FileField(
        _("WebVTT file"),
        upload_to="media_library/captions/",
        blank=True,
        max_length=300,
        validators=[FileExtensionValidator(["vtt"])],
        help_text=_("Optional: a .vtt file replaces the text below when you save."),
    )
    vtt = models.TextField(
        _("WebVTT text"), blank=True, help_text=_("Starts with WEBVTT, then timed cues.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("language"), FieldPanel("upload"), FieldPanel("vtt")]

    class Meta(Orderable.Meta):
        verbose_name = _("caption")
        verbose_name_plural = _("captions")
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language"], name="media_caption_one_per_language"
            )
        ]

    def __str__(self):
        return f"{self.video} ({self.language})"

    def clean(self):
        uploaded = bool(self.upload) and not getattr(self.upload, "_committed", True)
        if uploaded:
            raw = self.upload.read(settings.MEDIA_CAPTION_MAX_BYTES + 1)
            self.upload.seek(0)
            if len(raw) > settings.MEDIA_CAPTION_MAX_BYTES:
                raise ValidationError({"upload": _("A caption file may be at most 512 KB.")})
            try:
                self.vtt = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    {"upload": _("The caption file must be UTF-8 text.")}
                ) from None
        if not self.vtt.strip():
            raise ValidationError({"vtt": _("Upload a WebVTT file or type the captions.")})
        try:
            parse_webvtt(self.vtt, duration=self._video_duration())
        except CaptionError as error:
            field = (
                "upload" if self.upload and not getattr(self.upload, "_committed", True) else "vtt"
            )
            raise ValidationError({field: error.message}) from None

    def _video_duration(self) -> float | None:
        try:
            return self.video.duration
        except VideoItem.DoesNotExist:
            return None


class AudioTrack(Orderable):
    """A dubbed soundtrack in one language: the pipeline makes renditions that carry it."""

    video = ParentalKey(VideoItem, on_delete=models.CASCADE, related_name="audio_tracks")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    file = models.FileField(
        _("audio file"),
        upload_to=_audio_track_path,
        max_length=300,
        validators=[validate_audio_upload],
    )

    panels = [FieldPanel("language"), FieldPanel("file")]

    class Meta(Orderable.Meta):
        verbose_name = _("audio track")
        verbose_name_plural = _("audio tracks")
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language"], name="media_audio_track_one_per_language"
            )
        ]

    def __str__(self):
        return f"{self.video} ({self.language})"


class VideoRendition(models.Model):
    """One encoded file made from a master: a quality profile, in the original soundtrack
    (``language`` empty) or a dubbed one."""

    class Profile(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        AUDIO = "audio", _("Audio only")

    video = models.ForeignKey(VideoItem, on_delete=models.CASCADE, related_name="renditions")
    profile = models.CharField(_("quality"), max_length=10, choices=Profile.choices)
    language = models.CharField(_("soundtrack language"), max_length=10, blank=True)
    file = models.FileField(upload_to=_rendition_path, max_length=300)
    mime_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    bitrate = models.PositiveIntegerField(_("bit rate (bits per second)"), default=0)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    duration = models.FloatField(_("duration (seconds)"), default=0)
    source_checksum = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("video rendition")
        verbose_name_plural = _("video renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["video", "profile", "language"], name="media_rendition_unique"
            )
        ]

    def __str__(self):
        return f"{self.video} {self.profile} {self.language or '-'}"

    @property
    def is_audio(self):
        return self.profile == self.Profile.AUDIO


class SeriesPage(BasePage):
    """A soap-opera series: its episodes are its children."""

    page_cache = True  # served to anonymous visitors from the page cache

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["portal.SectionPage", "portal.CountryPage", "portal.HomePage"]
    subpage_types = ["media_library.EpisodePage"]

    class Meta:
        verbose_name = _("soap-opera series")
        verbose_name_plural = _("soap-opera series")

    def get_context(self, request, *args, **kwargs):
        from media_library.selectors import series_episodes

        context = super().get_context(request, *args, **kwargs)
        context["episodes"] = series_episodes(series=self)
        return context


class EpisodePage(BasePage):
    """One episode: synopsis, the video, a discussion guide for trainers, a short quiz."""

    page_cache = True  # served to anonymous visitors from the page cache

    number = models.PositiveSmallIntegerField(_("episode number"), default=1)
    video = models.ForeignKey(
        VideoItem,
        verbose_name=_("video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="episodes",
    )
    synopsis = RichTextField(_("synopsis"), blank=True, features=["bold", "italic", "link"])
    discussion_guide = StreamField(
        DiscussionGuideBlock(),
        verbose_name=_("discussion guide for trainers"),
        blank=True,
    )
    quiz = StreamField(EpisodeQuizBlock(), verbose_name=_("short quiz"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("number"),
        FieldPanel("video"),
        FieldPanel("synopsis"),
        FieldPanel("discussion_guide"),
        FieldPanel("quiz"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("synopsis")]
    parent_page_types = ["media_library.SeriesPage"]
    subpage_types = []

    @property
    def quiz_has_h5p(self) -> bool:
        return any(block.block_type == "h5p" for block in self.quiz)

    class Meta:
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")

    def get_context(self, request, *args, **kwargs):
        from media_library.selectors import episode_neighbours, player_for_video

        context = super().get_context(request, *args, **kwargs)
        context["player"] = player_for_video(video=self.video, language=self.locale.language_code)
        context["previous_episode"], context["next_episode"] = episode_neighbours(episode=self)
        return context


class ComicPage(BasePage):
    """A comic: an ordered sequence of panels, each one drawing and its text."""

    page_cache = True  # served to anonymous visitors from the page cache

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        InlinePanel("panels", heading=_("Panels"), label=_("panel"), min_num=1),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.RelatedFields("panels", [index.SearchField("text")]),
    ]
    parent_page_types = ["portal.SectionPage", "portal.CountryPage", "portal.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("comic")
        verbose_name_plural = _("comics")

    def get_context(self, request, *args, **kwargs):
        from media_library.selectors import comic_reader

        context = super().get_context(request, *args, **kwargs)
        context["reader"] = comic_reader(comic=self)
        return context


class ComicPanel(TranslatableMixin, Orderable):
    """One drawing (the same in every language) and its text in the page's language."""

    class TextPosition(models.TextChoices):
        BELOW = "below", _("Below the drawing")
        TOP = "top", _("Over the top of the drawing")
        BOTTOM = "bottom", _("Over the bottom of the drawing")

    page = ParentalKey(ComicPage, on_delete=models.CASCADE, related_name="panels")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("drawing"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(
        _("description for screen readers"),
        max_length=300,
        blank=True,
        help_text=_("What the drawing shows, for people who cannot see it."),
    )
    speaker = models.CharField(_("who speaks"), max_length=80, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=600)
    text_position = models.CharField(
        _("text position"), max_length=10, choices=TextPosition.choices, default="below"
    )

    panels = [
        FieldPanel("image"),
        FieldPanel("description"),
        FieldPanel("speaker"),
        FieldPanel("text"),
        FieldPanel("text_position"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("comic panel")
        verbose_name_plural = _("comic panels")

    def __str__(self):
        return f"{self.page} #{self.sort_order}"


class ComicPrint(models.Model):
    """The printable PDF of one comic in one language (one ComicPage translation)."""

    page = models.OneToOneField(ComicPage, on_delete=models.CASCADE, related_name="print_pdf")
    file = models.FileField(upload_to="media_library/comics/", max_length=300)
    content_hash = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("printable comic")
        verbose_name_plural = _("printable comics")

    def __str__(self):
        return f"{self.page} PDF"


class ReachEvent(models.Model):
    """One anonymous view or completion of an item, in a language, from a country.

    No person is recorded: the id is a random one the browser makes for each view (so a
    retried beacon is stored once) and the date has no time of day.
    """

    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        COMIC = "comic", _("Comic")

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        COMPLETE = "complete", _("Completed")

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    video = models.ForeignKey(
        VideoItem, null=True, blank=True, on_delete=models.CASCADE, related_name="reach_events"
    )
    comic = models.ForeignKey(
        ComicPage, null=True, blank=True, on_delete=models.CASCADE, related_name="reach_events"
    )
    language = models.CharField(_("language"), max_length=10)
    country = models.ForeignKey(
        "taxonomy.Country", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("reach event")
        verbose_name_plural = _("reach events")
        indexes = [
            models.Index(fields=["day", "kind"], name="media_reach_day_kind"),
            models.Index(fields=["country", "day"], name="media_reach_country_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="video", video__isnull=False, comic__isnull=True)
                    | models.Q(kind="comic", comic__isnull=False, video__isnull=True)
                ),
                name="media_reach_one_item",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.action} {self.language} {self.day}"
