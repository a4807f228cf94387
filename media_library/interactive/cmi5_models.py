"""cmi5 courses: a package whose ``cmi5.xml`` lays out assignable units (AUs) in blocks,
and what the LMS keeps per learner: the registration (one per learner, package and page),
each AU's progress towards its moveOn criterion, and the launch sessions.

Imported by ``media_library.interactive.models`` so that Django finds them in this app."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from media_library.interactive.models import Package


class MoveOn(models.TextChoices):
    PASSED = "Passed", _("Passed")
    COMPLETED = "Completed", _("Completed")
    COMPLETED_AND_PASSED = "CompletedAndPassed", _("Completed and passed")
    COMPLETED_OR_PASSED = "CompletedOrPassed", _("Completed or passed")
    NOT_APPLICABLE = "NotApplicable", _("Not applicable")


class LaunchMode(models.TextChoices):
    """cmi5 10.0: in Browse and Review the AU records nothing towards completion."""

    NORMAL = "Normal", _("Normal")
    BROWSE = "Browse", _("Browse")
    REVIEW = "Review", _("Review")


class WaiveReason(models.TextChoices):
    """cmi5 9.5.5.2: why an AU was waived."""

    TESTED_OUT = "Tested Out", _("Tested out")
    EQUIVALENT_AU = "Equivalent AU", _("Equivalent unit in this course")
    EQUIVALENT_OUTSIDE = "Equivalent Outside Activity", _("Equivalent activity elsewhere")
    ADMINISTRATIVE = "Administrative", _("Administrative decision")


class Cmi5Package(Package):
    course_id = models.CharField(_("course id (publisher)"), max_length=1000, blank=True)
    structure = models.JSONField(_("course structure"), default=dict, blank=True)

    class Meta(Package.Meta):
        verbose_name = _("cmi5 course")
        verbose_name_plural = _("cmi5 courses")

    @property
    def storage_prefix(self):
        return f"interactive/cmi5/{self.uuid}"


class Cmi5Au(models.Model):
    """One assignable unit, in course-structure order; ``blocks``: the LMS ids of the blocks
    that hold it, outermost first."""

    package = models.ForeignKey(
        Cmi5Package, verbose_name=_("course"), on_delete=models.CASCADE, related_name="aus"
    )
    publisher_id = models.CharField(_("AU id (publisher)"), max_length=1000)
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("launch path"), max_length=1000)
    move_on = models.CharField(
        _("move on"), max_length=20, choices=MoveOn.choices, default=MoveOn.NOT_APPLICABLE
    )
    mastery_score = models.FloatField(_("mastery score"), null=True, blank=True)
    launch_method = models.CharField(_("launch method"), max_length=20, default="AnyWindow")
    launch_parameters = models.TextField(_("launch parameters"), blank=True)
    entitlement_key = models.CharField(_("entitlement key"), max_length=1000, blank=True)
    blocks = models.JSONField(_("blocks"), default=list, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("assignable unit")
        verbose_name_plural = _("assignable units")
        ordering = ["package", "sort_order"]

    def __str__(self):
        return self.title


class Cmi5Registration(models.Model):
    """A learner's enrolment in one cmi5 course as embedded in one page (cmi5's
    registration id); ``satisfied``: the LMS ids of blocks and course found satisfied."""

    registration = models.UUIDField(_("registration"), default=uuid.uuid4, unique=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    package = models.ForeignKey(
        Cmi5Package,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    satisfied = models.JSONField(_("satisfied blocks and course"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("cmi5 registration")
        verbose_name_plural = _("cmi5 registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "package", "page"], name="interactive_cmi5_registration_unique"
            )
        ]

    def __str__(self):
        return str(self.registration)


class Cmi5AuProgress(models.Model):
    registration = models.ForeignKey(
        Cmi5Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    au = models.ForeignKey(
        Cmi5Au, verbose_name=_("assignable unit"), on_delete=models.CASCADE, related_name="+"
    )
    completed = models.BooleanField(_("completed"), default=False)
    passed = models.BooleanField(_("passed"), default=False)
    failed = models.BooleanField(_("failed"), default=False)
    waived = models.BooleanField(_("waived"), default=False)
    satisfied = models.BooleanField(_("satisfied"), default=False)

    class Meta:
        verbose_name = _("assignable unit progress")
        verbose_name_plural = _("assignable unit progress")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "au"], name="interactive_cmi5_progress_unique"
            )
        ]

    def __str__(self):
        return f"{self.registration_id} · {self.au_id}"


class Cmi5Session(models.Model):
    """One launch of one AU: from the LMS's launched statement to the AU's terminated one
    (or the LMS's abandoned one)."""

    session_id = models.UUIDField(_("session"), default=uuid.uuid4, unique=True)
    registration = models.ForeignKey(
        Cmi5Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    au = models.ForeignKey(
        Cmi5Au, verbose_name=_("assignable unit"), on_delete=models.CASCADE, related_name="+"
    )
    launch_mode = models.CharField(
        _("launch mode"), max_length=10, choices=LaunchMode.choices, default=LaunchMode.NORMAL
    )
    launched_at = models.DateTimeField(_("launched"), auto_now_add=True)
    initialized = models.BooleanField(_("initialized"), default=False)
    # The timestamps the AU gave "initialized" and "terminated" (cmi5 9.3: order is the
    # timestamps' order), and when "terminated" arrived (the grace for queued statements).
    initialized_at = models.DateTimeField(_("initialized at"), null=True, blank=True)
    verbs = models.JSONField(_("cmi5 verbs sent"), default=list, blank=True)
    terminated = models.BooleanField(_("terminated"), default=False)
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)
    terminated_received_at = models.DateTimeField(
        _("terminated received at"), null=True, blank=True
    )
    abandoned = models.BooleanField(_("abandoned"), default=False)

    class Meta:
        verbose_name = _("cmi5 session")
        verbose_name_plural = _("cmi5 sessions")
        ordering = ["-launched_at"]

    def __str__(self):
        return str(self.session_id)

    @property
    def is_open(self) -> bool:
        return not (self.terminated or self.abandoned)
