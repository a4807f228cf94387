"""Models of the LRS's document resources (State, Activity Profile, Agent Profile) and of
the launch credentials that content launched by the site (cmi5) uses to reach the LRS.

Imported by ``lms.records.models`` so that Django finds them in the records app."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class XapiDocument(models.Model):
    """One document of the State, Activity Profile or Agent Profile resource: opaque bytes
    with their content type, addressed by its resource's parameters (``key_hash`` holds
    them in one unique column, so addresses of any length stay indexable), with an ETag
    that changes whenever the bytes do."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
        AGENT_PROFILE = "agent_profile", _("Agent profile")

    kind = models.CharField(_("resource"), max_length=20, choices=Kind.choices)
    activity_id = models.CharField(_("activity"), max_length=1000, blank=True)
    agent_key = models.CharField(_("agent"), max_length=500, blank=True)
    registration = models.CharField(_("registration"), max_length=36, blank=True)
    document_id = models.CharField(_("document id"), max_length=1000)
    key_hash = models.CharField(_("address hash"), max_length=64, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The person the agent names, when it names one of this site's people."),
    )
    content = models.BinaryField(_("content"))
    content_type = models.CharField(_("content type"), max_length=255)
    etag = models.CharField(_("ETag"), max_length=64)
    updated = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("xAPI document")
        verbose_name_plural = _("xAPI documents")
        indexes = [
            models.Index(
                fields=["kind", "agent_key", "activity_id", "registration", "updated"],
                name="records_xapidoc_listing",
            ),
            models.Index(
                fields=["kind", "activity_id", "updated"], name="records_xapidoc_activity"
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.document_id}"


class LaunchCredential(models.Model):
    """What the site gives content it launches (a cmi5 assignable unit) to reach the LRS as
    one learner: a one-time fetch key in the launch address, exchanged once for a token
    that the content sends as its Basic credentials until the session ends. Only hashes
    of both are stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    activity_id = models.CharField(_("activity"), max_length=300)
    registration = models.UUIDField(_("registration"))
    session_id = models.UUIDField(_("session"), default=uuid.uuid4, unique=True)
    fetch_key_hash = models.CharField(_("fetch key hash"), max_length=64, unique=True)
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("launch credential")
        verbose_name_plural = _("launch credentials")

    def __str__(self):
        return f"{self.user_id} · {self.activity_id}"
