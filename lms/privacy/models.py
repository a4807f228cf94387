"""The privacy notice (one per language, edited by staff) and requests to erase a person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin


class PrivacyNotice(TranslatableMixin, models.Model):
    """What the site collects about people, why, for how long, and their rights. A snippet
    translated with wagtail-localize: each language has its own copy; the newest notice of
    the reader's language is shown, else the default language's."""

    title = models.CharField(_("title"), max_length=200)
    body = RichTextField(_("text"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    panels = [FieldPanel("title"), FieldPanel("body")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self):
        return self.title


class ErasureRequest(models.Model):
    """A request to erase a person, reviewed by staff before a worker carries it out
    (``lms.privacy.erasure``). Made by the person, or proposed by the retention task for an
    account unused for longer than ``LMS_INACTIVE_ACCOUNT_RETENTION_DAYS``."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for review")
        APPROVED = "approved", _("Approved, waiting to run")
        RUNNING = "running", _("Running")
        DONE = "done", _("Erased")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled by the person")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        PERSON = "person", _("Asked by the person")
        RETENTION = "retention", _("Account inactive beyond the retention period")

    OPEN = (Status.REQUESTED, Status.APPROVED, Status.RUNNING)

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    # The person's country when asked: staff of that country review it, and it stays
    # known after the person's row is pseudonymised.
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=40, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True, editable=False)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["requested", "approved", "running"]),
                name="privacy_one_open_erasure_per_person",
            )
        ]

    def __str__(self):
        return str(self.pseudonym or self.person)

    @property
    def is_open(self):
        return self.status in self.OPEN
