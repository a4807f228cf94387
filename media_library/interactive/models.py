"""Interactive packages: H5P content with its shared libraries, SCORM packages with their SCOs,
and what a learner leaves in them (H5P resume state, SCORM attempts).

Uploaded archives are kept as they came (``source``); processing (a Celery task) unpacks them
into storage under ``interactive/``, from where the package origin serves them. H5P libraries
are stored once per major.minor version and shared by every content that needs them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from lms.taxonomy.models import BasePage
from media_library.interactive.blocks import InteractiveStreamBlock


class PackageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Package(index.Indexed, models.Model):
    """What H5P content and SCORM packages share: an uploaded archive and its processing."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the learner reads in this package."),
    )
    source = models.FileField(_("package file"), upload_to="interactive/uploads/%Y/%m/")
    status = models.CharField(
        _("status"), max_length=20, choices=PackageStatus.choices, default=PackageStatus.PENDING
    )
    status_message = models.TextField(_("status message"), blank=True)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for a package every country may use."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    allowed_origins = models.TextField(
        _("outside addresses allowed"),
        blank=True,
        help_text=_(
            "Origins this package may load from, one per line, e.g. https://www.youtube.com. "
            "Leave empty: the package may use only its own files."
        ),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    # The admin lists filter a search by these (its status and language filters, the
    # country scope by id); without them every filtered search answered 500.
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("id"),
        index.FilterField("status"),
        index.FilterField("language"),
        index.FilterField("country"),
    ]

    class Meta:
        abstract = True
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def is_ready(self):
        return self.status == PackageStatus.READY

    def origin_list(self) -> list[str]:
        """The allowed origins, checked again as they are read (only scheme://host[:port])."""
        from media_library.interactive.package_files import clean_origin

        origins = []
        for line in (self.allowed_origins or "").split():
            origin = clean_origin(line)
            if origin and origin not in origins:
                origins.append(origin)
        return origins


class H5PLibrary(models.Model):
    """One H5P library at one major.minor version, stored once for all content.

    A newer patch version replaces the files in place, so every content using the library
    gets the fix; content never depends on a patch version.
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=200)
    runnable = models.BooleanField(_("runnable"), default=False)
    embed_types = models.JSONField(_("embed types"), default=list, blank=True)
    preloaded_js = models.JSONField(_("preloaded scripts"), default=list, blank=True)
    preloaded_css = models.JSONField(_("preloaded styles"), default=list, blank=True)
    dependencies = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("dependencies"), related_name="+"
    )
    installed_at = models.DateTimeField(_("installed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="interactive_h5plibrary_unique_version",
            )
        ]

    def __str__(self):
        return f"{self.machine_name} {self.version}"

    @property
    def version(self):
        return f"{self.major_version}.{self.minor_version}.{self.patch_version}"

    @property
    def folder(self):
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"


class H5PContent(Package):
    """An H5P exercise (quiz, drag-and-drop, interactive video ...)."""

    main_library = models.ForeignKey(
        H5PLibrary,
        verbose_name=_("main library"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="main_of",
    )
    libraries = models.ManyToManyField(
        H5PLibrary, verbose_name=_("libraries"), blank=True, related_name="contents"
    )
    h5p_json = models.JSONField(_("h5p.json"), default=dict, blank=True)
    embed_type = models.CharField(_("embed type"), max_length=10, default="iframe")
    variant_of = models.ForeignKey(
        "self",
        verbose_name=_("same exercise in another language"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="variants",
        help_text=_(
            "Link the translations of one exercise: a page shows the one in its own language."
        ),
    )

    class Meta(Package.Meta):
        verbose_name = _("H5P content")
        verbose_name_plural = _("H5P content")
        permissions = [
            ("upload_package", _("Can upload H5P and SCORM packages (they carry JavaScript)")),
        ]

    @property
    def storage_prefix(self):
        return f"interactive/h5p/content/{self.uuid}"


class ScormPackage(Package):
    class Version(models.TextChoices):
        SCORM_12 = "1.2", _("SCORM 1.2")
        SCORM_2004_2 = "2004-2", _("SCORM 2004 2nd Edition")
        SCORM_2004_3 = "2004-3", _("SCORM 2004 3rd Edition")
        SCORM_2004_4 = "2004-4", _("SCORM 2004 4th Edition")

    version = models.CharField(
        _("SCORM version"), max_length=10, choices=Version.choices, blank=True
    )
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)

    class Meta(Package.Meta):
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")

    @property
    def storage_prefix(self):
        return f"interactive/scorm/{self.uuid}"

    @property
    def is_2004(self):
        return self.version.startswith("2004")


class ScormSco(models.Model):
    """One launchable item of a SCORM package (a SCO or an asset), in manifest order."""

    package = models.ForeignKey(
        ScormPackage, verbose_name=_("package"), on_delete=models.CASCADE, related_name="scos"
    )
    identifier = models.CharField(_("identifier"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    launch = models.CharField(_("launch path"), max_length=1000)
    is_sco = models.BooleanField(_("is a SCO"), default=True)
    mastery_score = models.FloatField(_("mastery score"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("SCO")
        verbose_name_plural = _("SCOs")
        ordering = ["package", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "identifier"], name="interactive_sco_unique_identifier"
            )
        ]

    def __str__(self):
        return self.title


class H5PState(models.Model):
    """A learner's answers so far in one H5P exercise on one page, to resume where they left."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    content = models.ForeignKey(
        H5PContent, verbose_name=_("H5P content"), on_delete=models.CASCADE, related_name="states"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.TextField(_("state"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("H5P resume state")
        verbose_name_plural = _("H5P resume states")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "content", "page"], name="interactive_h5pstate_unique"
            )
        ]

    def __str__(self):
        return f"{self.learner} · {self.content}"


class ScormAttempt(models.Model):
    """One attempt of one learner at one SCO on one page; retakes start a new attempt and the
    old ones stay as history."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sco = models.ForeignKey(
        ScormSco, verbose_name=_("SCO"), on_delete=models.CASCADE, related_name="attempts"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    number = models.PositiveIntegerField(_("attempt number"), default=1)
    cmi = models.JSONField(_("run-time data"), default=dict, blank=True)
    completion_status = models.CharField(_("completion status"), max_length=20, default="unknown")
    success_status = models.CharField(_("success status"), max_length=20, default="unknown")
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    score_raw = models.FloatField(_("raw score"), null=True, blank=True)
    score_max = models.FloatField(_("maximum score"), null=True, blank=True)
    suspended = models.BooleanField(_("suspended"), default=False)
    terminated = models.BooleanField(_("terminated"), default=False)
    commit_sequence = models.PositiveIntegerField(_("last commit"), default=0)
    reported = models.JSONField(_("statements sent"), default=list, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SCORM attempt")
        verbose_name_plural = _("SCORM attempts")
        ordering = ["learner", "sco", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "sco", "page", "number"], name="interactive_attempt_unique"
            )
        ]

    def __str__(self):
        return f"{self.learner} · {self.sco} · {self.number}"


class InteractivePage(BasePage):
    """A page of interactive exercises in the media library (a quiz for workers, a SCORM
    module for buyers); lessons embed the same blocks in their own bodies."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(InteractiveStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]
    subpage_types = []
    template = "interactive/interactive_page.html"

    class Meta:
        verbose_name = _("interactive exercise page")
        verbose_name_plural = _("interactive exercise pages")


# cmi5 courses live in their own module.
from media_library.interactive.cmi5_models import (  # noqa: E402
    Cmi5Au,
    Cmi5AuProgress,
    Cmi5Package,
    Cmi5Registration,
    Cmi5Session,
)

__all__ = [
    "Cmi5Au",
    "Cmi5AuProgress",
    "Cmi5Package",
    "Cmi5Registration",
    "Cmi5Session",
    "H5PContent",
    "H5PLibrary",
    "H5PState",
    "InteractivePage",
    "Package",
    "PackageStatus",
    "ScormAttempt",
    "ScormPackage",
    "ScormSco",
]
