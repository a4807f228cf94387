"""Coverage targets per country and role, and exports of the indicator tables."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.private_files import private_storage

# Better Work's usual targets (Jordan's 100/100/50/20 without the owners' line).
DEFAULT_TARGETS = {"manager": 100, "supervisor": 50, "worker": 20}
COVERAGE_ROLES = ("manager", "supervisor", "worker")


class CoverageTarget(models.Model):
    """The share of people of a role in a country that the programme aims to train."""

    class TargetRole(models.TextChoices):
        MANAGER = "manager", _("Manager")
        SUPERVISOR = "supervisor", _("Supervisor")
        WORKER = "worker", _("Worker")

    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        related_name="coverage_targets",
    )
    role = models.CharField(_("role"), max_length=20, choices=TargetRole.choices)
    percent = models.PositiveSmallIntegerField(
        _("target (% trained)"), validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("coverage target")
        verbose_name_plural = _("coverage targets")
        ordering = ["country", "role"]
        constraints = [
            models.UniqueConstraint(fields=["country", "role"], name="reports_target_once"),
        ]

    def __str__(self):
        return f"{self.country} {self.get_role_display()} {self.percent}%"


def export_path(instance, filename):
    return f"reports/exports/{uuid.uuid4().hex}/{filename}"


class ReportExport(models.Model):
    """An export of the indicator tables, built by a Celery task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", _("Excel (XLSX)")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_exports",
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    for_sharing = models.BooleanField(
        _("for sharing outside the country team"),
        default=False,
        help_text=_("Counts under 5 are suppressed and no individual records are included."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), upload_to=export_path, storage=private_storage, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_format_display()} {self.created_at:%Y-%m-%d %H:%M}"
