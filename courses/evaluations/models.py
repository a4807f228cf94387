"""Participants' evaluations of a classroom session or a course (issue 22, part 5).

Anonymous by construction (decision 0120): who answered and what they answered are two
tables with nothing in common that could join them. ``EvaluationReceipt`` says that a person
has answered for a target (so they answer once, and the waiting list leaves it out);
``EvaluationAnswer`` holds the ratings and the comment with the course, class and country
it is about, a random primary key (no sequence to line up with the receipt's) and only the
month it was given (no timestamp to line up either).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Target(models.TextChoices):
    SESSION = "session", _("Classroom session")
    COURSE = "course", _("Course")


class EvaluationReceipt(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="evaluation_receipts",
    )
    target = models.CharField(_("evaluated"), max_length=10, choices=Target.choices)
    target_id = models.PositiveBigIntegerField(_("what was evaluated"))

    class Meta:
        verbose_name = _("evaluation receipt")
        verbose_name_plural = _("evaluation receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "target", "target_id"], name="evaluations_answer_once"
            )
        ]

    def __str__(self):
        return f"{self.target} {self.target_id}"


class EvaluationAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target = models.CharField(_("evaluated"), max_length=10, choices=Target.choices)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    session = models.ForeignKey(
        "courses.ClassSession",
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    content_rating = models.PositiveSmallIntegerField(_("content"), validators=RATING_VALIDATORS)
    trainer_rating = models.PositiveSmallIntegerField(
        _("trainer"), validators=RATING_VALIDATORS, null=True, blank=True
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        indexes = [
            models.Index(fields=["course", "month"], name="evaluations_course_month"),
            models.Index(fields=["country", "month"], name="evaluations_country_month"),
        ]

    def __str__(self):
        return f"{self.course_id} {self.month:%Y-%m}"
