"""What gates a learner's way through the catalogue (issue 22, part 7): courses that must be
completed first (with a staff override and its note), the question bank that knowledge
checks draw from, each course's attempt rules, and the attempts with the questions drawn.

The prerequisites and the attempt rules hang off the course page through parental keys, so
they are edited on the course's own admin form without a column on the course table.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from courses.blocks import ChoiceBlock


class CoursePrerequisite(Orderable):
    course = ParentalKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="prerequisites",
    )
    required = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("complete first"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("required")]

    class Meta(Orderable.Meta):
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "required"], name="progression_prerequisite_once"
            )
        ]

    def clean(self):
        if self.course_id and self.required_id and self.course_id == self.required_id:
            raise ValidationError({"required": _("A course cannot require itself.")})


class PrerequisiteOverride(models.Model):
    """Staff let one person into a course without its prerequisites, saying why."""

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.TextField(_("why"), max_length=1000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("prerequisite override")
        verbose_name_plural = _("prerequisite overrides")
        constraints = [
            models.UniqueConstraint(fields=["course", "learner"], name="progression_override_once")
        ]

    def __str__(self):
        return f"{self.learner} - {self.course}"


class QuizRules(models.Model):
    """A course's rules for the knowledge checks that draw from the question bank."""

    class Counts(models.TextChoices):
        BEST = "best", _("The best attempt counts")
        LAST = "last", _("The last attempt counts")

    course = ParentalKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="quiz_rules",
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, help_text=_("0 for no limit.")
    )
    counts = models.CharField(
        _("which attempt counts"), max_length=4, choices=Counts.choices, default=Counts.BEST
    )

    panels = [FieldPanel("attempt_limit"), FieldPanel("counts")]

    class Meta:
        verbose_name = _("question bank rules")
        verbose_name_plural = _("question bank rules")
        constraints = [
            models.UniqueConstraint(fields=["course"], name="progression_quiz_rules_once")
        ]

    def __str__(self):
        return str(self.course)


DEFAULT_RULES = QuizRules(attempt_limit=3, counts=QuizRules.Counts.BEST)


class BankQuestion(TranslatableMixin, index.Indexed, models.Model):
    """A multiple-choice question of the bank, tagged with the topic it tests; translated
    like the taxonomy (one row per locale sharing a translation key)."""

    topic = models.ForeignKey(
        "taxonomy.Cluster",
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    compliance_point = models.ForeignKey(
        "taxonomy.CompliancePoint",
        verbose_name=_("compliance point"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    question = models.TextField(_("question"), max_length=500)
    choices = StreamField(
        [("answer", ChoiceBlock())],
        verbose_name=_("answers"),
        min_num=2,
        max_num=6,
    )
    explanation = models.TextField(
        _("explanation"), max_length=600, blank=True, help_text=_("Shown after the attempt.")
    )
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("Retired questions are no longer drawn.")
    )

    panels = [
        FieldPanel("topic"),
        FieldPanel("compliance_point"),
        FieldPanel("question"),
        FieldPanel("choices"),
        FieldPanel("explanation"),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("question"), index.AutocompleteField("question")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("bank question")
        verbose_name_plural = _("question bank")
        ordering = ["pk"]

    def __str__(self):
        return self.question[:80]

    def clean(self):
        super().clean()
        if self.choices and not any(c.value["correct"] for c in self.choices):
            raise ValidationError({"choices": _("Mark at least one answer as correct.")})

    def answer_texts(self) -> list[str]:
        return [choice.value["text"] for choice in self.choices]

    def correct_positions(self) -> set[int]:
        return {i for i, choice in enumerate(self.choices) if choice.value["correct"]}


class QuizAttempt(models.Model):
    """One attempt at a knowledge check drawn from the bank: the questions drawn (with the
    seed that drew them) are stored, so a reload shows them again and scoring uses them."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    block_id = models.CharField(_("block"), max_length=64)
    number = models.PositiveSmallIntegerField(_("attempt"))
    seed = models.CharField(_("seed"), max_length=32)
    question_ids = models.JSONField(_("questions drawn"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    out_of = models.PositiveSmallIntegerField(_("out of"))
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (percent)"))
    passed = models.BooleanField(_("passed"), null=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson", "block_id", "number"],
                name="progression_attempt_once",
            )
        ]

    def __str__(self):
        return f"{self.learner} - {self.lesson_id}.{self.block_id} #{self.number}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None
