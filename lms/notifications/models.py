"""One notification per person, kind and event (the deduplication key), rendered once in the
person's language; one delivery row per outside channel (email, SMS) that records whether it
was sent; and each person's choice of channels per kind.

The on-site notice is the notification itself: it shows on the person's notices page when
the on-site channel was chosen for its kind."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SITE = "site", _("On this site")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(
        _("deduplication key"),
        max_length=200,
        help_text=_("The event this notification is about: each is told once."),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    html = models.TextField(_("HTML text"), blank=True)
    email_headers = models.JSONField(_("email headers"), default=dict, blank=True)
    sms_text = models.CharField(_("text message"), max_length=480, blank=True)
    on_site = models.BooleanField(_("shown on the site"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], name="notifications_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "on_site", "read_at"], name="notifications_unread_idx"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notifications_recent_idx"),
        ]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """A notification sent (or to send) through one outside channel. A worker claims a row by
    moving it from pending to sending in one conditional update, so two workers (or a retried
    task) never send it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notifications_one_delivery_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="notifications_queue_idx")]

    def __str__(self):
        return f"{self.notification} ({self.channel})"


class Preference(models.Model):
    """A person's choice for one kind and channel; without a row, the kind's default holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("wanted"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notifications_one_choice_per_channel"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.channel}"
