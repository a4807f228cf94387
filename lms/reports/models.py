"""Coverage targets per country and role, exports of the indicator tables, and the
economic figures (exports, foreign direct investment) staff enter per country and year."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.private_files import private_storage
from lms.taxonomy.models import canonical_terms

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
    """An export of the indicator tables, built by a Celery task.

    A file with anonymised records is one build per view (``view_key``: indicators, filters,
    format, language) and snapshot of the tables (``snapshot_at``, decision 0607): a request
    for a view whose current file exists, or is being built, gets a row that ``shares`` it
    instead of a build of its own."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", _("Excel (XLSX)")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_exports",
    )

    class Subject(models.TextChoices):
        TRAINING = "training", _("Training indicators")
        IMPACT = "impact", _("Compliance, productivity and economic indicators")

    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    subject = models.CharField(
        _("indicators"), max_length=10, choices=Subject.choices, default=Subject.TRAINING
    )
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
    # Only for files built once per view and snapshot (those with records); blank otherwise.
    view_key = models.CharField(max_length=64, blank=True, editable=False)
    snapshot_at = models.DateTimeField(null=True, blank=True, editable=False)
    shares = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["view_key", "status"], name="reports_export_view")]
        constraints = [
            # Concurrent requests for one view share one build: a second build of a view
            # cannot start while one is waiting or running.
            models.UniqueConstraint(
                fields=["view_key"],
                condition=models.Q(shares__isnull=True, status__in=["pending", "running"])
                & ~models.Q(view_key=""),
                name="reports_export_one_build_per_view",
            ),
        ]

    def __str__(self):
        return f"{self.get_format_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def build(self) -> "ReportExport":
        """The export that holds the file: this one, or the one it shares."""
        return self.shares or self


class CountryEconomicFigure(models.Model):
    """A country's exports or foreign direct investment in one year, as published by the
    source named (a figure without a source is refused): entered by staff, never computed."""

    class Kind(models.TextChoices):
        EXPORTS = "exports", _("Garment and footwear exports")
        FDI = "fdi", _("Foreign direct investment (inflows)")

    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        related_name="economic_figures",
        limit_choices_to=canonical_terms,
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[
            MinValueValidator(1990, message=_("Give a year from %(limit_value)s on.")),
            MaxValueValidator(2100, message=_("Give a year up to %(limit_value)s.")),
        ],
    )
    kind = models.CharField(_("figure"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(
        _("value"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0, message=_("The value cannot be negative."))],
    )
    unit = models.CharField(
        _("unit"), max_length=40, help_text=_("For example: USD million (current prices).")
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_(
            "Who published the figure, and the table or report: e.g. "
            "General Statistics Office of Viet Nam, Statistical Yearbook 2024, table 8.3."
        ),
    )
    source_url = models.URLField(_("source address"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("economic figure")
        verbose_name_plural = _("economic figures")
        ordering = ["country", "kind", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "year"], name="reports_economic_figure_once"
            ),
        ]

    def __str__(self):
        return f"{self.country} {self.get_kind_display()} {self.year}"

    def clean(self):
        errors = {}
        source = (self.source or "").strip()
        if not source:
            errors["source"] = _("Name the source: a figure without a source is refused.")
        elif len(source) < 8 or not any(ch.isalpha() for ch in source):
            errors["source"] = _(
                "Name the publisher and the table or report the figure comes from."
            )
        if not (self.unit or "").strip():
            errors["unit"] = _("Give the unit, e.g. USD million.")
        if errors:
            raise ValidationError(errors)
        self.source = source
        self.unit = self.unit.strip()


class LearnerTestScores(models.Model):
    """One learner's tests of one course, rolled up from their learning records (decision
    0613): the score of their first pre-test and of their best post-test, each phase's
    first and last moment. The knowledge gain reads these 100,000 small rows instead of
    1,000,000 records whenever the rows answer the question exactly (see
    ``lms.reports.test_scores``).

    Kept by ``lms.reports.test_scores.scores_refresh`` in the transaction that stores a
    test result (the records' ``statements_recorded``), from the records themselves: a
    retried record recomputes the same row, a crash rolls both back, and nothing but a
    server-scored record moves it, as for the direct definition."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # As written in the test's activity id (``…test:<course>.pre``), like the direct pairing.
    course = models.CharField(_("course"), max_length=300)
    pre_score = models.FloatField(_("first pre-test score (%)"), null=True)
    pre_first_at = models.DateTimeField(_("first pre-test"), null=True)
    pre_last_at = models.DateTimeField(_("last pre-test"), null=True)
    post_score = models.FloatField(_("best post-test score (%)"), null=True)
    post_first_at = models.DateTimeField(_("first post-test"), null=True)
    post_last_at = models.DateTimeField(_("last post-test"), null=True)

    class Meta:
        verbose_name = _("learner's test scores")
        verbose_name_plural = _("learners' test scores")
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="reports_scores_learner")
        ]
        indexes = [models.Index(fields=["course", "learner"], name="reports_scores_course")]

    def __str__(self):
        return f"{self.learner_id} · {self.course}"


class LearnerParticipation(models.Model):
    """One learner's training events rolled up (decision 0615): their enrolments (the moment
    they enrolled and the one they completed) and their presences at class sessions, one row
    per profile the events carry (the ``PersonSnapshot`` of the learner at the event), course
    and cohort, with the first and last moment among them. Participation by country,
    gender, role and migrant status reads these rows (about one per enrolment) instead of
    joining every enrolment and presence to the people's attributes.

    Kept by ``lms.reports.participation.participation_refresh`` in the transaction that
    writes an enrolment or a presence, from the events themselves (see that module)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The events' snapshot; none for events stored before snapshots existed (they count
    # under the person's attributes now, joined when read, as in the direct definition).
    profile = models.ForeignKey(
        "records.PersonSnapshot",
        verbose_name=_("learner's profile at the events"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE, related_name="+"
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    first_at = models.DateTimeField(_("first event"))
    last_at = models.DateTimeField(_("last event"))

    class Meta:
        verbose_name = _("learner's participation")
        verbose_name_plural = _("learners' participation")

    def __str__(self):
        return f"{self.learner_id} · {self.course_id}"
