"""Worker surveys and controlled experiments.

Surveys and their questions are translatable snippets (one row per locale sharing a
``translation_key``, like the compliance instrument); a round, its factories, responses and
audio point at the default-locale rows. A response belongs to a factory in a round, never to
a person: nothing about who answered is stored (a keyed hash of the device's random token, per
round, only keeps one device from answering twice).

A study assigns its eligible factories to arms at random within strata; the seed, the strata
and the arms are stored so that the assignment can be derived again and checked
(:mod:`lms.reports.studies.assignment`), and it cannot change once locked.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from lms.private_files import private_storage
from lms.reports.studies.audio import validate_question_audio
from lms.taxonomy.models import canonical_terms

# --- worker surveys ------------------------------------------------------------------------


class Survey(TranslatableMixin, index.Indexed, ClusterableModel):
    """A short questionnaire workers answer anonymously on their phones."""

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown above the questions: why we ask, and that answers are anonymous."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("introduction"),
        InlinePanel("questions", heading=_("Questions"), label=_("question"), min_num=1),
    ]
    search_fields = [index.SearchField("title")]
    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("introduction"),
        TranslatableField("questions"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("worker survey")
        verbose_name_plural = _("worker surveys")
        ordering = ["title"]

    def __str__(self):
        return self.title


class SurveyQuestion(TranslatableMixin, Orderable):
    """One question. Single-choice answers are stored as the number of the option (1, 2 ...),
    so that the answers in every language count together."""

    class Topic(models.TextChoices):
        PAY = "pay", _("Pay")
        HOURS = "hours", _("Working hours")
        SAFETY = "safety", _("Safety")
        HARASSMENT = "harassment", _("Harassment")
        VOICE = "voice", _("Voice at work")
        WELLBEING = "wellbeing", _("Wellbeing")

    class Kind(models.TextChoices):
        CHOICE = "choice", _("Single choice")
        SCALE = "scale", _("Scale")
        NUMBER = "number", _("Number")

    survey = ParentalKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Stable across languages, e.g. overtime-hours.")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("question"))
    options = models.TextField(
        _("options"),
        blank=True,
        help_text=_(
            "For a single choice: one option per line, in the same order in every language."
        ),
    )
    scale_min = models.SmallIntegerField(_("lowest value"), default=1)
    scale_max = models.SmallIntegerField(_("highest value"), default=5)
    low_label = models.CharField(
        _("label of the lowest value"), max_length=80, blank=True, help_text=_("e.g. Never")
    )
    high_label = models.CharField(
        _("label of the highest value"), max_length=80, blank=True, help_text=_("e.g. Always")
    )
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("For a number, e.g. hours a week.")
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("topic"),
        FieldPanel("kind"),
        FieldPanel("text"),
        FieldPanel("options"),
        FieldPanel("scale_min"),
        FieldPanel("scale_max"),
        FieldPanel("low_label"),
        FieldPanel("high_label"),
        FieldPanel("unit"),
    ]
    # The code, kind and range are the same in every language (answers count together).
    translatable_fields = [
        SynchronizedField("code"),
        SynchronizedField("topic"),
        SynchronizedField("kind"),
        TranslatableField("text"),
        TranslatableField("options"),
        SynchronizedField("scale_min"),
        SynchronizedField("scale_max"),
        TranslatableField("low_label"),
        TranslatableField("high_label"),
        TranslatableField("unit"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="studies_question_code"),
        ]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"

    def option_labels(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def allowed_values(self) -> tuple[int, int]:
        """The lowest and highest value an answer may have."""
        if self.kind == self.Kind.CHOICE:
            return 1, len(self.option_labels())
        return self.scale_min, self.scale_max

    def clean(self):
        errors = {}
        if self.kind == self.Kind.CHOICE and len(self.option_labels()) < 2:
            errors["options"] = _("Give at least two options, one per line.")
        if self.kind != self.Kind.CHOICE and self.scale_min >= self.scale_max:
            errors["scale_max"] = _("The highest value must be above the lowest.")
        if errors:
            raise ValidationError(errors)


def audio_path(instance, filename):
    return f"surveys/audio/{uuid.uuid4().hex}/{filename}"


class QuestionAudio(models.Model):
    """A recording of a question read aloud, in one language (uploaded by staff)."""

    question = models.ForeignKey(
        SurveyQuestion,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="audio",
        limit_choices_to=canonical_terms,
        help_text=_(
            "The question in the survey's original language; choose the recording's language below."
        ),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(
        _("audio file"),
        upload_to=audio_path,
        validators=[validate_question_audio],
        help_text=_("MP3 or M4A, at most 1 MB: short and light for workers' phones."),
    )

    class Meta:
        verbose_name = _("question read aloud")
        verbose_name_plural = _("questions read aloud")
        ordering = ["question", "language"]
        constraints = [
            models.UniqueConstraint(fields=["question", "language"], name="studies_audio_once"),
        ]

    def __str__(self):
        return f"{self.question.code} ({self.language})"


class SurveyRound(models.Model):
    """A survey asked in some factories of one country over a period."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="survey_rounds",
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A round cannot close before it opens.")})


def new_round_code() -> str:
    # Short enough to type from a poster; unguessable enough that nobody answers for a
    # factory they do not work in by trying codes (10 characters of 32: 50 bits).
    import secrets

    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class RoundFactory(models.Model):
    """A factory taking part in a round, with the code its workers open the survey with."""

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="factories"
    )
    factory = models.ForeignKey(
        "compliance.Factory",
        verbose_name=_("factory"),
        on_delete=models.CASCADE,
        related_name="survey_rounds",
    )
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_round_code)

    class Meta:
        verbose_name = _("factory in a round")
        verbose_name_plural = _("factories in a round")
        ordering = ["round", "factory__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "factory"], name="studies_round_factory"),
        ]

    def __str__(self):
        return f"{self.round} · {self.factory}"


class SurveyResponse(models.Model):
    """One worker's answers. ``client_id`` is made when the form is served, so a form sent
    twice stores once; ``device`` is a keyed hash of the device's random token and this
    round's factory, so one device answers once. Neither says who answered."""

    round_factory = models.ForeignKey(
        RoundFactory,
        verbose_name=_("factory in a round"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    client_id = models.UUIDField(_("submission id"), unique=True)
    device = models.CharField(_("device (keyed hash)"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["round_factory", "device"], name="studies_response_one_per_device"
            ),
        ]

    def __str__(self):
        return f"{self.round_factory_id} {self.submitted_on}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.IntegerField(_("value"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="studies_answer_once"),
        ]
        indexes = [models.Index(fields=["question", "value"], name="studies_answer_question")]

    def __str__(self):
        return f"{self.question_id}: {self.value}"


# --- the controlled experiment --------------------------------------------------------------


class Study(models.Model):
    """A randomised study: which factories, stratified how, into which arms, measured on
    which outcomes over which years."""

    class Stratum(models.TextChoices):
        COUNTRY = "country", _("Country")
        PROVINCE = "province", _("Province or city")
        SECTOR = "sector", _("Sector")
        SIZE = "size", _("Size band (workers)")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="studies",
        help_text=_("Empty for a study across countries (global staff only)."),
    )
    strata = models.JSONField(_("strata"), default=list, blank=True)
    size_bands = models.JSONField(
        _("size band limits"),
        default=list,
        blank=True,
        help_text=_("Workers at which a new band starts, e.g. [500, 1500]."),
    )
    outcomes = models.JSONField(_("outcomes"), default=list)
    first_year = models.PositiveSmallIntegerField(
        _("first year measured"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    intervention_year = models.PositiveSmallIntegerField(
        _("year services start"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Years before it are the baseline; from it on, the follow-up."),
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year measured"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    assignment_digest = models.CharField(
        _("assignment fingerprint"), max_length=64, blank=True, editable=False
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True, editable=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def clean(self):
        years = (self.first_year, self.intervention_year, self.last_year)
        if all(years) and not self.first_year < self.intervention_year <= self.last_year:
            raise ValidationError(
                _(
                    "The services must start after the first year measured and no later "
                    "than the last: a difference-in-differences needs years before and after."
                )
            )


class StudyArm(models.Model):
    """One arm. The comparison arm is the one the others are measured against."""

    study = models.ForeignKey(
        Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="arms"
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"))
    is_comparison = models.BooleanField(_("comparison arm"), default=False)

    class Meta:
        verbose_name = _("study arm")
        verbose_name_plural = _("study arms")
        ordering = ["study", "position"]
        constraints = [
            models.UniqueConstraint(fields=["study", "position"], name="studies_arm_position"),
        ]

    def __str__(self):
        return self.name


class StudyFactory(models.Model):
    """An eligible factory, its stratum (fixed when assigned) and its arm."""

    study = models.ForeignKey(
        Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="members"
    )
    factory = models.ForeignKey(
        "compliance.Factory",
        verbose_name=_("factory"),
        on_delete=models.PROTECT,
        related_name="studies",
    )
    stratum = models.CharField(_("stratum"), max_length=300, blank=True)
    arm = models.ForeignKey(
        StudyArm,
        verbose_name=_("arm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        verbose_name = _("factory in a study")
        verbose_name_plural = _("factories in a study")
        ordering = ["study", "factory_id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "factory"], name="studies_member_once"),
        ]

    def __str__(self):
        return f"{self.study} · {self.factory_id}"


def study_export_path(instance, filename):
    return f"studies/exports/{uuid.uuid4().hex}/{filename}"


class StudyExport(models.Model):
    """The panel of a study (factory × year × arm × outcomes) as CSV and Parquet with its
    data dictionary, built by a Celery task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    study = models.ForeignKey(
        Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="study_exports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    panel_csv = models.FileField(
        _("panel (CSV)"), upload_to=study_export_path, storage=private_storage, blank=True
    )
    panel_parquet = models.FileField(
        _("panel (Parquet)"), upload_to=study_export_path, storage=private_storage, blank=True
    )
    dictionary = models.FileField(
        _("data dictionary"), upload_to=study_export_path, storage=private_storage, blank=True
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("study export")
        verbose_name_plural = _("study exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.study} {self.created_at:%Y-%m-%d %H:%M}"
