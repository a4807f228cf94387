"""The factory side of the programme: enterprises and their profile, the assessment instrument
versioned per country, assessments with one row per answer, evidence, the bipartite committee,
improvement plans and their actions, advisory visits, monthly productivity and quality figures,
and the training recommended against non-compliance.

The instrument (versions and their questions) is translatable (wagtail-localize): one row per
locale sharing a ``translation_key``. Everything else points at the default-locale rows; pages
show ``question.localized`` (or :mod:`compliance.selectors`) in the reader's language.

Write-side rules (workflow, stale writes, freezing a version once used) live in
:mod:`compliance.services`; nothing here changes other rows on ``save()``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from compliance.evidence import EVIDENCE_EXTENSIONS, validate_evidence_file
from lms.private_files import PrivateUploadTo, private_storage
from lms.taxonomy.models import canonical_terms

# --- enterprises ---------------------------------------------------------------------------


class Service(models.TextChoices):
    """What a factory takes from the country programme in a cycle."""

    ASSESSMENT = "assessment", _("Independent assessment")
    ADVISORY = "advisory", _("Advisory services")
    TRAINING = "training", _("Training")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment support")
    VIRTUAL_CHECK = "virtual_check", _("Virtual compliance check")


class Factory(models.Model):
    """The enterprise profile of an organisation taking part in a country programme.

    Country, sector and city stay on :class:`lms.accounts.models.Organisation` (one place for
    the rest of the site); this adds what the compliance work needs.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="factory",
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    products = models.CharField(
        _("products"), max_length=300, blank=True, help_text=_("For example: knitwear, denim.")
    )
    registry_id = models.CharField(
        _("external registry id"),
        max_length=64,
        blank=True,
        help_text=_("The factory's id in a public facility registry, e.g. Open Supply Hub."),
    )
    workers_women = models.PositiveIntegerField(_("women workers"), default=0)
    workers_men = models.PositiveIntegerField(_("men workers"), default=0)
    workers_other = models.PositiveIntegerField(
        _("workers of another or undisclosed gender"), default=0
    )
    workers_migrant = models.PositiveIntegerField(_("migrant workers"), default=0)
    advisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enterprise advisors"),
        blank=True,
        related_name="advised_factories",
        help_text=_("The advisors assigned to this factory."),
    )
    latest_published = models.ForeignKey(
        "compliance.Assessment",
        verbose_name=_("latest published assessment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("factory")
        verbose_name_plural = _("factories")
        ordering = ["legal_name"]
        indexes = [models.Index(fields=["registry_id"], name="compliance_factory_registry")]

    def __str__(self):
        return self.trading_name or self.legal_name

    @property
    def workers_total(self) -> int:
        return self.workers_women + self.workers_men + self.workers_other

    def clean(self):
        if self.workers_migrant > self.workers_total:
            raise ValidationError(
                {"workers_migrant": _("There cannot be more migrant workers than workers.")}
            )


class BuyerLink(models.Model):
    """A buyer (brand or retailer) the factory supplies. The buyer may already be an
    organisation with its own users, or only a name until it joins."""

    factory = models.ForeignKey(
        Factory, verbose_name=_("factory"), on_delete=models.CASCADE, related_name="buyer_links"
    )
    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("buyer organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supplier_links",
    )
    buyer_name = models.CharField(_("buyer name"), max_length=200, blank=True)
    since = models.DateField(_("supplying since"), null=True, blank=True)

    class Meta:
        verbose_name = _("buyer supplied")
        verbose_name_plural = _("buyers supplied")
        ordering = ["buyer_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "buyer"],
                condition=models.Q(buyer__isnull=False),
                name="compliance_buyerlink_unique_buyer",
            ),
            models.CheckConstraint(
                condition=models.Q(buyer__isnull=False) | ~models.Q(buyer_name=""),
                name="compliance_buyerlink_named",
            ),
        ]

    def __str__(self):
        return self.buyer_name or str(self.buyer)


class ProgrammeEnrolment(models.Model):
    """A factory's enrolment in its country programme for one cycle (usually a year)."""

    factory = models.ForeignKey(
        Factory, verbose_name=_("factory"), on_delete=models.CASCADE, related_name="enrolments"
    )
    cycle = models.PositiveSmallIntegerField(
        _("cycle"), validators=[MinValueValidator(1)], help_text=_("1 for the first year.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    services = models.JSONField(
        _("services taken"), default=list, blank=True, help_text=_("Codes of the services.")
    )

    class Meta:
        verbose_name = _("programme enrolment")
        verbose_name_plural = _("programme enrolments")
        ordering = ["factory", "-cycle"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "cycle"], name="compliance_enrolment_unique_cycle"
            )
        ]

    def __str__(self):
        return f"{self.factory} #{self.cycle}"

    def clean(self):
        unknown = set(self.services or []) - set(Service.values)
        if not isinstance(self.services, list) or unknown:
            raise ValidationError({"services": _("Choose services from the list.")})
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})

    def get_services_display(self) -> list[str]:
        labels = dict(Service.choices)
        return [str(labels[code]) for code in self.services if code in labels]


class CommitteeMember(models.Model):
    """A member of the factory's bipartite committee: management or worker side."""

    class Side(models.TextChoices):
        MANAGEMENT = "management", _("Management")
        WORKERS = "workers", _("Workers")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Not disclosed")

    factory = models.ForeignKey(
        Factory,
        verbose_name=_("factory"),
        on_delete=models.CASCADE,
        related_name="committee_members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_memberships",
        help_text=_("Leave empty for a member without an account."),
    )
    name = models.CharField(_("name"), max_length=120)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices)
    position = models.CharField(
        _("position"), max_length=120, blank=True, help_text=_("For example: sewing operator.")
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["side", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "user"],
                condition=models.Q(user__isnull=False, left_on__isnull=True),
                name="compliance_committee_unique_active_user",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_on is None


# --- the instrument --------------------------------------------------------------------------


class InstrumentQuerySet(models.QuerySet):
    def canonical(self):
        from wagtail.models import Locale

        return self.filter(locale=Locale.get_default())


class InstrumentVersion(TranslatableMixin, index.Indexed, ClusterableModel):
    """One version of the compliance assessment tool: the global one, or a country's
    adaptation of it to national law. Frozen (no more edits) once an assessment uses it; a
    change is made in a new version, so answers stay tied to the questions they answered."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In use")
        RETIRED = "retired", _("Retired")

    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instrument_versions",
        limit_choices_to=canonical_terms,
        help_text=_("Empty for the global instrument."),
    )
    number = models.PositiveSmallIntegerField(_("version number"), default=1)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adaptations",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    notes = models.TextField(_("notes"), blank=True)
    frozen_at = models.DateTimeField(
        _("frozen at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the first assessment uses this version; it cannot change after."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InstrumentQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("country"),
                FieldPanel("number"),
                FieldPanel("based_on"),
                FieldPanel("status"),
            ],
            heading=_("Version"),
        ),
        FieldPanel("notes"),
        InlinePanel("questions", heading=_("Questions"), label=_("question")),
    ]
    search_fields = [index.SearchField("name"), index.FilterField("country")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["country__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "country", "number"],
                name="compliance_instrument_unique_number",
            ),
            models.UniqueConstraint(
                fields=["locale", "number"],
                condition=models.Q(country__isnull=True),
                name="compliance_instrument_unique_global_number",
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.number})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def clean(self):
        # Once used, only the status may change (to retire it); the admin's form lands here.
        if self.pk is None:
            return
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or not stored.is_frozen:
            return
        if any(
            getattr(stored, name) != getattr(self, name)
            for name in ("name", "country_id", "number", "based_on_id")
        ):
            raise ValidationError(FROZEN_MESSAGE)


FROZEN_MESSAGE = _("This version is used by assessments and cannot change: make a new version.")
QUESTION_FIELDS = (
    "code",
    "compliance_point_id",
    "text",
    "guidance",
    "legal_source",
    "legal_reference",
    "reference_is_example",
    "options",
    "non_compliant_options",
    "publicly_reported",
)


class AnswerOption(models.TextChoices):
    """The answers an assessor may give; each question offers some of them and says which
    of them mean non-compliance."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class LegalSource(models.TextChoices):
    ILO = "ilo", _("ILO convention")
    NATIONAL = "national", _("National law")
    GOOD_PRACTICE = "good_practice", _("International good practice")


class Question(TranslatableMixin, Orderable):
    """One question of an instrument version, under a compliance point (and so a cluster)."""

    instrument = ParentalKey(
        InstrumentVersion,
        verbose_name=_("instrument version"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    code = models.CharField(
        _("code"),
        max_length=30,
        help_text=_("Stable across versions and languages, e.g. CHI.1.3."),
    )
    compliance_point = models.ForeignKey(
        "taxonomy.CompliancePoint",
        verbose_name=_("compliance point"),
        on_delete=models.PROTECT,
        related_name="questions",
        limit_choices_to=canonical_terms,
    )
    text = models.TextField(_("question"))
    guidance = models.TextField(
        _("guidance for the assessor"), blank=True, help_text=_("What to check and how.")
    )
    legal_source = models.CharField(
        _("source of the requirement"),
        max_length=20,
        choices=LegalSource.choices,
        default=LegalSource.ILO,
    )
    legal_reference = models.CharField(
        _("legal reference"),
        max_length=300,
        help_text=_("An ILO convention (e.g. C138, Art. 2) or an article of national law."),
    )
    reference_is_example = models.BooleanField(
        _("reference is an example"),
        default=False,
        help_text=_("Shown as an example, not as legal advice (demo and draft references)."),
    )
    options = models.JSONField(
        _("answer options"),
        default=list,
        help_text=_('Codes of the answers offered, e.g. ["yes", "no", "na"].'),
    )
    non_compliant_options = models.JSONField(
        _("answers that mean non-compliance"),
        default=list,
        help_text=_('For example ["no"] when the answer "No" is a non-compliance.'),
    )
    publicly_reported = models.BooleanField(
        _("publicly reported issue"),
        default=False,
        help_text=_("Among the issues the programme reports publicly by factory name."),
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("compliance_point"),
        FieldPanel("text"),
        FieldPanel("guidance"),
        FieldPanel("legal_source"),
        FieldPanel("legal_reference"),
        FieldPanel("reference_is_example"),
        FieldPanel("options"),
        FieldPanel("non_compliant_options"),
        FieldPanel("publicly_reported"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "code"], name="compliance_question_unique_code"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    def clean(self):
        self._refuse_change_when_frozen()
        errors = {}
        allowed = set(AnswerOption.values)
        options = self.options if isinstance(self.options, list) else None
        if not options or set(options) - allowed or len(set(options)) != len(options):
            errors["options"] = _("Choose answers from: %(codes)s.") % {
                "codes": ", ".join(AnswerOption.values)
            }
        else:
            wrong = self.non_compliant_options
            if not isinstance(wrong, list) or not wrong or set(wrong) - set(options):
                errors["non_compliant_options"] = _(
                    "Name at least one of the offered answers as non-compliance."
                )
            elif set(wrong) == set(options):
                errors["non_compliant_options"] = _("At least one answer must be compliant.")
        if errors:
            raise ValidationError(errors)

    def _refuse_change_when_frozen(self):
        """A frozen version's questions keep what assessors answered (translations of
        the text into other languages may still be made)."""
        if not self.instrument_id:
            return
        instrument = InstrumentVersion.objects.filter(pk=self.instrument_id).first()
        if instrument is None or not instrument.is_frozen:
            return
        stored = type(self).objects.filter(pk=self.pk).first() if self.pk else None
        if stored is None or any(
            getattr(stored, name) != getattr(self, name) for name in QUESTION_FIELDS
        ):
            raise ValidationError(FROZEN_MESSAGE)

    def option_choices(self) -> list[tuple[str, str]]:
        labels = dict(AnswerOption.choices)
        return [(code, labels[code]) for code in self.options if code in labels]

    def is_non_compliant_answer(self, answer: str) -> bool:
        return answer in (self.non_compliant_options or [])


# --- assessments ---------------------------------------------------------------------------


class Assessment(models.Model):
    """One assessment of a factory with one instrument version. The workflow runs
    draft → submitted → in review (country staff) → published, or back to draft."""

    class Kind(models.TextChoices):
        INDEPENDENT = "independent", _("Independent assessment")
        SELF = "self", _("Self-assessment")
        VIRTUAL = "virtual", _("Virtual compliance check")
        INSPECTION = "inspection", _("Labour inspection")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In quality review")
        PUBLISHED = "published", _("Published")

    factory = models.ForeignKey(
        Factory, verbose_name=_("factory"), on_delete=models.CASCADE, related_name="assessments"
    )
    instrument = models.ForeignKey(
        InstrumentVersion,
        verbose_name=_("instrument version"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    cycle = models.PositiveSmallIntegerField(
        _("cycle"), default=1, validators=[MinValueValidator(1)]
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    announced = models.BooleanField(
        _("announced"), default=False, help_text=_("Independent assessments are unannounced.")
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessors"),
        blank=True,
        related_name="compliance_assessments",
    )
    questions = models.ManyToManyField(
        Question,
        verbose_name=_("chosen questions"),
        blank=True,
        related_name="+",
        help_text=_("For a virtual check: the subset asked. Empty means every question."),
    )
    summary = models.TextField(_("summary"), blank=True)
    review_note = models.TextField(
        _("note from the quality review"), blank=True, help_text=_("Why it was sent back.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["factory", "-starts_on"]
        indexes = [
            models.Index(fields=["factory", "state", "-starts_on"], name="compliance_assess_fac"),
        ]

    def __str__(self):
        return f"{self.factory} · {self.get_kind_display()} · {self.starts_on}"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first.")})

    @property
    def is_editable(self) -> bool:
        """Answers may change only while the assessment is a draft."""
        return self.state == self.State.DRAFT


class AssessmentEvent(models.Model):
    """One step of an assessment's workflow: who moved it, from where to where, and why."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=Assessment.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Assessment.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment step")
        verbose_name_plural = _("assessment steps")
        ordering = ["assessment", "at", "id"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class Finding(models.Model):
    """The answer to one question in one assessment: one row per answer, so two assessors
    answering different questions at once never touch the same row. ``version`` counts the
    writes; a write made against an older version is refused (see services.finding_answer).
    ``is_non_compliant`` is derived from the question when the answer is written."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="findings"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="findings"
    )
    answer = models.CharField(_("answer"), max_length=10, choices=AnswerOption.choices)
    notes = models.TextField(_("notes"), blank=True)
    is_non_compliant = models.BooleanField(_("non-compliance"), default=False, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    client_id = models.UUIDField(
        _("id of the last write"), editable=False, help_text=_("Made by the device that wrote it.")
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["assessment", "question__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="compliance_finding_unique_question"
            )
        ]

    def __str__(self):
        return f"{self.question.code}: {self.get_answer_display()}"


class FindingWrite(models.Model):
    """Every write of an answer, kept: the history behind a finding, and the record of client
    ids that makes a retried send from an offline device harmless (unique ``client_id``)."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="writes"
    )
    client_id = models.UUIDField(_("client id"), unique=True)
    version = models.PositiveIntegerField(_("version written"))
    answer = models.CharField(_("answer"), max_length=10, choices=AnswerOption.choices)
    notes = models.TextField(_("notes"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer written")
        verbose_name_plural = _("answers written")
        ordering = ["finding", "version"]

    def __str__(self):
        return f"{self.finding_id} v{self.version}"


class PointResult(models.Model):
    """The derived result of one compliance point in one assessment, computed by the service
    when the assessment goes to review or is published (never typed): what country overviews,
    reports and public pages read instead of re-aggregating every answer."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="point_results",
    )
    compliance_point = models.ForeignKey(
        "taxonomy.CompliancePoint",
        verbose_name=_("compliance point"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cluster = models.ForeignKey(
        "taxonomy.Cluster", verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="+"
    )
    questions_answered = models.PositiveSmallIntegerField(_("questions answered"), default=0)
    questions_non_compliant = models.PositiveSmallIntegerField(
        _("questions non-compliant"), default=0
    )
    publicly_reported_non_compliant = models.PositiveSmallIntegerField(
        _("publicly reported questions non-compliant"), default=0
    )

    class Meta:
        verbose_name = _("compliance point result")
        verbose_name_plural = _("compliance point results")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "compliance_point"], name="compliance_pointresult_unique"
            )
        ]
        indexes = [
            models.Index(fields=["compliance_point", "assessment"], name="compliance_pr_point"),
        ]

    def __str__(self):
        return f"{self.assessment_id} {self.compliance_point_id}"

    @property
    def is_non_compliant(self) -> bool:
        return self.questions_non_compliant > 0


# --- improvement plans, visits, evidence ----------------------------------------------------


class ImprovementPlan(models.Model):
    """What a factory's bipartite committee and its advisor plan to fix, from the findings
    of a published assessment."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        CLOSED = "closed", _("Closed")

    factory = models.ForeignKey(
        Factory,
        verbose_name=_("factory"),
        on_delete=models.CASCADE,
        related_name="improvement_plans",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("from assessment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_plans",
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["factory", "-created_at"]

    def __str__(self):
        return self.title


class PlanAction(models.Model):
    """One action of a plan, usually against one non-compliance."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        VERIFIED = "verified", _("Verified by the advisor")

    plan = models.ForeignKey(
        ImprovementPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions"
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    compliance_point = models.ForeignKey(
        "taxonomy.CompliancePoint",
        verbose_name=_("compliance point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=canonical_terms,
    )
    description = models.TextField(_("what will be done"))
    responsible = models.ForeignKey(
        CommitteeMember,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    responsible_name = models.CharField(
        _("responsible person (not on the committee)"), max_length=120, blank=True
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    last_reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["plan", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="compliance_action_due")]

    def __str__(self):
        return self.description[:80]


class Evidence(models.Model):
    """A photo or document attached to a finding or to a plan action. Checked by the core's
    upload checker (lms/uploads.py) before it is stored."""

    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    action = models.ForeignKey(
        PlanAction,
        verbose_name=_("plan action"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    file = models.FileField(
        _("file"),
        upload_to=PrivateUploadTo("compliance/evidence"),
        storage=private_storage,
        validators=[FileExtensionValidator(list(EVIDENCE_EXTENSIONS)), validate_evidence_file],
    )
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(finding__isnull=False, action__isnull=True)
                    | models.Q(finding__isnull=True, action__isnull=False)
                ),
                name="compliance_evidence_one_owner",
            )
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class AdvisoryVisit(models.Model):
    """An advisor's visit to a factory between assessments."""

    factory = models.ForeignKey(
        Factory, verbose_name=_("factory"), on_delete=models.CASCADE, related_name="visits"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="advisory_visits",
    )
    visited_on = models.DateField(_("date of the visit"))
    attendees = models.ManyToManyField(
        CommitteeMember, verbose_name=_("committee members present"), blank=True, related_name="+"
    )
    other_attendees = models.CharField(_("others present"), max_length=300, blank=True)
    topics = models.ManyToManyField(
        "taxonomy.CompliancePoint",
        verbose_name=_("topics"),
        blank=True,
        related_name="+",
        limit_choices_to=canonical_terms,
    )
    notes = models.TextField(_("notes"), blank=True)
    actions_reviewed = models.ManyToManyField(
        PlanAction, verbose_name=_("actions reviewed"), blank=True, related_name="visits"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("advisory visit")
        verbose_name_plural = _("advisory visits")
        ordering = ["factory", "-visited_on"]

    def __str__(self):
        return f"{self.factory} · {self.visited_on}"


# --- needs drive training --------------------------------------------------------------------


class TrainingLink(models.Model):
    """Training (a course, seminar, workbook, model policy or awareness medium: a page tagged
    with the point or its cluster) recommended to a factory for a non-compliance, and whether
    the factory took it."""

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", _("Recommended")
        TAKEN = "taken", _("Taken")
        DISMISSED = "dismissed", _("Not needed")

    factory = models.ForeignKey(
        Factory,
        verbose_name=_("factory"),
        on_delete=models.CASCADE,
        related_name="training_links",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    compliance_point = models.ForeignKey(
        "taxonomy.CompliancePoint",
        verbose_name=_("compliance point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.ForeignKey(
        PlanAction,
        verbose_name=_("plan action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_links",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECOMMENDED
    )
    people_enrolled = models.PositiveIntegerField(_("people enrolled"), default=0)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acted_at = models.DateTimeField(_("at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training for a need")
        verbose_name_plural = _("training for needs")
        ordering = ["factory", "status", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "page", "compliance_point"],
                name="compliance_traininglink_unique",
            )
        ]

    def __str__(self):
        return f"{self.factory_id} → {self.page_id}"


# --- productivity and quality ----------------------------------------------------------------


PERCENT_VALIDATORS = [
    MinValueValidator(0, message=_("A rate cannot be below %(limit_value)s%%.")),
    MaxValueValidator(100, message=_("A rate cannot be above %(limit_value)s%%.")),
]


class MonthlyFigures(models.Model):
    """A factory's figures for one month. The ranges refuse what cannot be true (a rate above
    100 %, more than 120 overtime hours per worker a month, efficiency above 150 %)."""

    factory = models.ForeignKey(
        Factory,
        verbose_name=_("factory"),
        on_delete=models.CASCADE,
        related_name="monthly_figures",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    employees_women = models.PositiveIntegerField(_("women employed"))
    employees_men = models.PositiveIntegerField(_("men employed"))
    employees_other = models.PositiveIntegerField(
        _("employed of another or undisclosed gender"), default=0
    )
    turnover_percent = models.DecimalField(
        _("turnover (percent of the workforce who left)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    absenteeism_percent = models.DecimalField(
        _("absenteeism (percent of working days)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    overtime_hours_per_worker = models.DecimalField(
        _("overtime hours per worker"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, message=_("Overtime cannot be negative.")),
            MaxValueValidator(
                120,
                message=_(
                    "More than %(limit_value)s overtime hours per worker in a month is not "
                    "plausible: check the figure (hours per worker, not in total)."
                ),
            ),
        ],
    )
    efficiency_percent = models.DecimalField(
        _("productivity (efficiency %)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, message=_("Efficiency cannot be negative.")),
            MaxValueValidator(
                150,
                message=_("Efficiency above %(limit_value)s%% is not plausible: check the figure."),
            ),
        ],
    )
    defect_percent = models.DecimalField(
        _("quality (defect or rework rate %)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    lost_time_accidents = models.PositiveIntegerField(
        _("lost-time accidents"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        ordering = ["factory", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "month"], name="compliance_figures_unique_month"
            )
        ]

    def __str__(self):
        return f"{self.factory} · {self.month:%Y-%m}"

    @property
    def employees_total(self) -> int:
        return self.employees_women + self.employees_men + self.employees_other

    def clean(self):
        errors = {}
        if self.month and self.month.day != 1:
            errors["month"] = _("Give the first day of the month.")
        employed = (self.employees_women or 0) + (self.employees_men or 0)
        if (
            self.lost_time_accidents is not None
            and employed
            and (self.lost_time_accidents > employed + (self.employees_other or 0))
        ):
            errors["lost_time_accidents"] = _(
                "There cannot be more lost-time accidents than people employed in a month."
            )
        if errors:
            raise ValidationError(errors)


# --- sharing with buyers (issue 17) ------------------------------------------------------------


class SharingScope(models.TextChoices):
    """What a factory may share with a buyer, each granted on its own."""

    REPORTS = "reports", _("Assessment reports")
    PLAN = "plan", _("Improvement plan and its progress")
    TRAINING = "training", _("Training record")


class AccessRequest(models.Model):
    """A buyer's request to see a supplier's information; the factory accepts (granting the
    scopes it chooses) or declines it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the factory")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    factory = models.ForeignKey(
        Factory, verbose_name=_("factory"), on_delete=models.CASCADE, related_name="access_requests"
    )
    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    scopes = models.JSONField(_("scopes asked"), default=list)
    message = models.TextField(_("message to the factory"), blank=True, max_length=2000)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "buyer"],
                condition=models.Q(state="pending"),
                name="compliance_accessrequest_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.buyer_id} → {self.factory_id} ({self.state})"

    def get_scopes_display(self) -> list[str]:
        labels = dict(SharingScope.choices)
        return [str(labels[code]) for code in self.scopes if code in labels]


class AccessGrant(models.Model):
    """A factory's grant of one scope to one buyer. Withdrawing sets ``withdrawn_at``; every
    read checks for a live row (no withdrawal date), so a withdrawal takes effect at once.
    Granting again makes a new row: the history of who shared what, and when, stays."""

    factory = models.ForeignKey(
        Factory, verbose_name=_("factory"), on_delete=models.CASCADE, related_name="access_grants"
    )
    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="access_grants",
    )
    scope = models.CharField(_("scope"), max_length=20, choices=SharingScope.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["factory", "buyer", "scope", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "buyer", "scope"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="compliance_accessgrant_one_live",
            )
        ]
        indexes = [
            models.Index(fields=["buyer", "withdrawn_at"], name="compliance_grant_buyer"),
        ]

    def __str__(self):
        return f"{self.factory_id} → {self.buyer_id}: {self.scope}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class BuyerToken(models.Model):
    """A key with which a buyer's system reads the API for the buyer (issue 17). Only a hash
    of the key is stored; the key is shown once, when it is made."""

    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.CASCADE,
        related_name="buyer_tokens",
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("Which system uses the key."))
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("buyer API key")
        verbose_name_plural = _("buyer API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"


class AccessLogEntry(models.Model):
    """One view or download of a factory's information by a buyer's user (a page, an export
    or an API call). Append-only: rows are never changed or deleted by the application; the
    factory's managers read them."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed a page")
        DOWNLOAD = "download", _("Downloaded")
        API = "api", _("Read through the API")

    factory = models.ForeignKey(
        Factory, verbose_name=_("factory"), on_delete=models.CASCADE, related_name="access_log"
    )
    buyer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    user_name = models.CharField(_("name"), max_length=150)
    token = models.ForeignKey(
        BuyerToken,
        verbose_name=_("API key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=SharingScope.choices, blank=True)
    what = models.CharField(_("what"), max_length=300)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["factory", "-at"], name="compliance_accesslog_fac")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.what}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("The access log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The access log is append-only."))


class SharingNotice(models.Model):
    """One email about sharing to one person. The row is made first and claimed (``sent_at``)
    before the email goes, so a retried task never sends the same notice twice."""

    class Kind(models.TextChoices):
        ASSESSMENT_PUBLISHED = "published", _("An assessment of your factory was published")
        ACCESS_ASKED = "asked", _("A buyer asks for access")
        REPORT_SHARED = "shared", _("A supplier shared a new report")
        ACCESS_GRANTED = "granted", _("A supplier shared information")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    about = models.CharField(_("about"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sharing notice")
        verbose_name_plural = _("sharing notices")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "about"], name="compliance_sharingnotice_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.about} → {self.recipient_id}"


# --- public reporting and the labour administration (issue 17) --------------------------------


class PublicReportingRule(ClusterableModel):
    """A country's rules of publication: whether its factories are named on the
    transparency portal, after how many published assessments, which issues are reported
    (the instrument's publicly reported questions, less those withdrawn here, plus those
    added here), and what labour inspectors may read. Kept by the country's staff."""

    class InspectorAccess(models.TextChoices):
        NONE = "none", _("Nothing beyond the public pages")
        PUBLIC_ISSUES = "public_issues", _("Publicly reported issues of every assessed factory")
        FULL_REPORTS = "full_reports", _("Full published assessment reports")

    country = models.OneToOneField(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        related_name="public_reporting_rule",
        limit_choices_to=canonical_terms,
    )
    is_active = models.BooleanField(
        _("factories are named publicly"),
        default=True,
        help_text=_("Untick to take every factory of the country off the public pages at once."),
    )
    min_published_assessments = models.PositiveSmallIntegerField(
        _("published assessments before a factory appears"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Two in the programme's public reporting."),
    )
    inspector_access = models.CharField(
        _("labour inspectors may read"),
        max_length=20,
        choices=InspectorAccess.choices,
        default=InspectorAccess.PUBLIC_ISSUES,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("country"),
        FieldPanel("is_active"),
        FieldPanel("min_published_assessments"),
        FieldPanel("inspector_access"),
        InlinePanel(
            "issue_changes",
            heading=_("Issues withdrawn from or added to the public report"),
            label=_("issue"),
        ),
    ]

    class Meta:
        verbose_name = _("public reporting rule")
        verbose_name_plural = _("public reporting rules")
        ordering = ["country__code"]

    def __str__(self):
        return str(_("Public reporting in %(country)s") % {"country": self.country})


class PublicIssueChange(Orderable):
    """One question (by its code, the same in every version) withdrawn from the public
    report, or added to it, in one country."""

    rule = ParentalKey(
        PublicReportingRule,
        verbose_name=_("rule"),
        on_delete=models.CASCADE,
        related_name="issue_changes",
    )
    code = models.CharField(_("question code"), max_length=30, help_text=_("For example CHI.1.3."))
    reported = models.BooleanField(
        _("reported"),
        default=False,
        help_text=_("Unticked: withdrawn from the public report. Ticked: added to it."),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    panels = [FieldPanel("code"), FieldPanel("reported"), FieldPanel("reason")]

    class Meta(Orderable.Meta):
        verbose_name = _("public issue change")
        verbose_name_plural = _("public issue changes")
        constraints = [
            models.UniqueConstraint(fields=["rule", "code"], name="compliance_issuechange_unique")
        ]

    def __str__(self):
        return self.code


class FactoryResponse(models.Model):
    """A factory's own statement on one of its publicly reported findings (what it did,
    with a photo of the fix). Shown on the public pages as the factory's statement, not
    verified, once the country's staff approve it, and only while the finding is in the
    factory's latest published assessment."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    finding = models.OneToOneField(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        related_name="public_response",
    )
    factory = models.ForeignKey(
        Factory,
        verbose_name=_("factory"),
        on_delete=models.CASCADE,
        related_name="public_responses",
    )
    text = models.TextField(_("the factory's statement"), max_length=2000)
    photo = models.FileField(
        _("photo of the fix"),
        upload_to=PrivateUploadTo("compliance/responses"),
        storage=private_storage,
        blank=True,
    )
    photo_content_type = models.CharField(_("photo type"), max_length=60, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    refusal_reason = models.TextField(_("why it was refused"), blank=True)
    notified_state = models.CharField(
        _("factory told of"),
        max_length=20,
        blank=True,
        editable=False,
        help_text=_("The decision the factory was last told of (so it is told once)."),
    )

    class Meta:
        verbose_name = _("factory response")
        verbose_name_plural = _("factory responses")
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["factory", "state"], name="compliance_response_state")]

    def __str__(self):
        return f"{self.factory_id} · {self.finding_id}"
