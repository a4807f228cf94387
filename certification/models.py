"""Certificated programmes for trainers and enterprise advisors: their requirements, the
candidates working towards them, the evidence candidates submit and assessors review, CPD
activities, and the certificates issued (with their renewals, reminders and revocation).

Programmes and their requirements are translatable snippets (one row per locale sharing a
``translation_key``). Everything else points at the default-locale rows; templates show
``programme.localized`` in the reader's language.
"""

import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from certification.validators import validate_evidence_file
from lms.private_files import PrivateUploadTo, private_storage

EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "docx", "odt", "mp4", "m4a", "mp3"]


def certificate_code() -> str:
    """An unguessable public code: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


class ProgrammeQuerySet(models.QuerySet):
    def canonical(self):
        from lms.taxonomy.locales import default_locale

        return self.filter(locale=default_locale())


class Programme(TranslatableMixin, index.Indexed, ClusterableModel):
    """A certificated programme, e.g. "Certified Better Work Trainer"."""

    class Audience(models.TextChoices):
        TRAINER = "trainer", _("Trainers")
        ENTERPRISE_ADVISOR = "enterprise_advisor", _("Enterprise advisors")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("The same in every language; used in addresses.")
    )
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices)
    summary = models.TextField(_("summary"), blank=True)
    criteria = models.TextField(
        _("criteria"),
        blank=True,
        help_text=_("What a holder has shown, in a sentence or two: shown in the badge."),
    )
    serial_prefix = models.CharField(
        _("serial number prefix"),
        max_length=10,
        help_text=_("Letters that start every serial number of this programme, e.g. BWT."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity in months"), default=36, validators=[MinValueValidator(1)]
    )
    renewal_cpd_hours = models.DecimalField(
        _("CPD hours needed to renew"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        help_text=_("Hours of continuing professional development logged during the validity."),
    )
    is_open = models.BooleanField(
        _("open for candidates"),
        default=True,
        help_text=_("People of the audience may enrol themselves."),
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessors"),
        blank=True,
        related_name="assessed_programmes",
        help_text=_("Who reviews this programme's evidence and observes practice."),
    )
    last_serial = models.PositiveIntegerField(_("last serial number issued"), default=0)

    objects = ProgrammeQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("audience"),
        FieldPanel("summary"),
        FieldPanel("criteria"),
        MultiFieldPanel(
            [
                FieldPanel("serial_prefix"),
                FieldPanel("validity_months"),
                FieldPanel("renewal_cpd_hours"),
                FieldPanel("is_open"),
                FieldPanel("assessors"),
            ],
            heading=_("Certification"),
        ),
        InlinePanel("requirements", heading=_("Requirements"), label=_("requirement")),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("summary")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("certification programme")
        verbose_name_plural = _("certification programmes")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "slug"], name="certification_programme_unique_slug"
            ),
        ]

    def __str__(self):
        return self.title


class Requirement(TranslatableMixin, Orderable):
    """One condition of a programme. Its kind says which record meets it."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course completed")
        ASSESSMENT = "assessment", _("Assessment passed")
        OBSERVED_PRACTICE = "observed_practice", _("Observed practice")
        PORTFOLIO = "portfolio", _("Portfolio of evidence")
        CPD_HOURS = "cpd_hours", _("CPD hours")

    programme = ParentalKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    course = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a course requirement: the course page to complete."),
    )
    assessment_activity = models.CharField(
        _("assessment activity"),
        max_length=300,
        blank=True,
        help_text=_(
            "For an assessment: the learning-record activity id whose scored result counts, "
            "e.g. urn:betterwork:assessment:trainer-final. Assessors may also record a score."
        ),
    )
    minimum_score = models.PositiveSmallIntegerField(
        _("minimum score (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    required_count = models.PositiveSmallIntegerField(
        _("approved items needed"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Observed sessions or portfolio items an assessor must approve."),
    )
    rubric = models.TextField(
        _("observation rubric"),
        blank=True,
        help_text=_("For observed practice: one criterion per line, each scored 1 to 4."),
    )
    hours = models.DecimalField(
        _("CPD hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("course"),
        FieldPanel("assessment_activity"),
        FieldPanel("minimum_score"),
        FieldPanel("required_count"),
        FieldPanel("rubric"),
        FieldPanel("hours"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        needed = {
            self.Kind.COURSE: ("course", self.course_id),
            self.Kind.ASSESSMENT: ("minimum_score", self.minimum_score is not None),
            self.Kind.CPD_HOURS: ("hours", self.hours),
        }.get(self.kind)
        if needed and not needed[1]:
            raise ValidationError({needed[0]: _("This kind of requirement needs this field.")})
        if self.kind == self.Kind.OBSERVED_PRACTICE and not self.rubric_criteria:
            raise ValidationError({"rubric": _("Observed practice needs a rubric.")})

    @property
    def rubric_criteria(self) -> list[str]:
        return [line.strip() for line in self.rubric.splitlines() if line.strip()]

    @property
    def takes_submissions(self) -> bool:
        return self.kind in {self.Kind.OBSERVED_PRACTICE, self.Kind.PORTFOLIO}


class Candidacy(models.Model):
    """A person working towards a programme's certificate."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        CERTIFIED = "certified", _("Certified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="candidacies",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issue approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A staff member who approved the issue without every requirement met."),
    )

    class Meta:
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "programme"], name="certification_one_candidacy"
            )
        ]

    def __str__(self):
        return f"{self.candidate} · {self.programme}"


class CourseCompletion(models.Model):
    """Evidence that a person completed a course, as courses reported it."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="certification_course_completions",
    )
    course = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("course"), on_delete=models.CASCADE, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"))

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"], name="certification_one_completion"
            )
        ]

    def __str__(self):
        return f"{self.learner_id} completed {self.course_id}"


class AssessmentResult(models.Model):
    """A scored attempt at an assessment requirement, from the learning records or an
    assessor."""

    candidacy = models.ForeignKey(
        Candidacy,
        verbose_name=_("candidacy"),
        on_delete=models.CASCADE,
        related_name="assessment_results",
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(
        _("score (%)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    statement_id = models.UUIDField(_("learning record"), null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    taken_at = models.DateTimeField(_("taken"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["-taken_at"]

    def __str__(self):
        return f"{self.requirement} {self.score}"


class Submission(models.Model):
    """A piece of evidence for an observed-practice or portfolio requirement, reviewed by an
    assessor. For observed practice the assessor scores the requirement's rubric."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")

    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="submissions"
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    session_date = models.DateField(_("date of the session or work"), null=True, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=PrivateUploadTo("certification/evidence"),
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), validate_evidence_file],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    rubric_scores = models.JSONField(_("rubric scores"), default=dict, blank=True)
    client_id = models.UUIDField(
        _("client id"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Made by the form, so a resent form is logged once."),
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="cert_submission_queue")]

    def __str__(self):
        return self.title


class ReviewComment(models.Model):
    """A comment in a submission's conversation, with the decision it came with, if any."""

    class Decision(models.TextChoices):
        NONE = "", _("Comment")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        RESUBMITTED = "resubmitted", _("Resubmitted")

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE
    )
    body = models.TextField(_("comment"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default="", blank=True
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.author} · {self.get_decision_display()}"


class CPDActivity(models.Model):
    """An activity of continuing professional development a person logged."""

    class Kind(models.TextChoices):
        TRAINING_DELIVERED = "training_delivered", _("Training delivered")
        COURSE_ATTENDED = "course_attended", _("Course or workshop attended")
        COACHING = "coaching", _("Coaching or mentoring")
        PEER_LEARNING = "peer_learning", _("Peer learning or community of practice")
        SELF_STUDY = "self_study", _("Self-directed study")
        CONFERENCE = "conference", _("Conference or seminar")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="cpd_activities",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("what you did"), max_length=200)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("80"))],
    )
    description = models.TextField(_("what you learnt"), blank=True)
    evidence = models.FileField(
        _("evidence"),
        upload_to=PrivateUploadTo("certification/cpd"),
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), validate_evidence_file],
    )
    client_id = models.UUIDField(
        _("client id"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Made by the form, so a resent form is logged once."),
    )
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)

    class Meta:
        verbose_name = _("CPD activity")
        verbose_name_plural = _("CPD activities")
        ordering = ["-date", "-logged_at"]
        indexes = [models.Index(fields=["person", "date"], name="cert_cpd_person_date")]

    def __str__(self):
        return self.title


class CertificateQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.filter(revoked_at__isnull=True, issued_on__lte=day, expires_on__gte=day)


class Certificate(models.Model):
    """A certificate issued once per candidacy. ``code`` is public and unguessable (it is in
    the QR code); ``serial_number`` is the human number, unique per programme."""

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    candidacy = models.OneToOneField(
        Candidacy,
        verbose_name=_("candidacy"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    holder_name = models.CharField(
        _("name on the certificate"), max_length=200, help_text=_("As it was when issued.")
    )
    # The holder's reporting attributes when the certificate was issued (issue 16): reports
    # group and filter certificates by these, so a later profile change does not rewrite
    # the past. Empty only for certificates issued before snapshots existed.
    holder_profile = models.ForeignKey(
        "records.PersonSnapshot",
        verbose_name=_("holder's profile at issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    code = models.CharField(_("public code"), max_length=40, unique=True, default=certificate_code)
    serial_number = models.PositiveIntegerField(_("serial number"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(_("expiry date"))
    language = models.CharField(_("language of the certificate"), max_length=10)
    pdf = models.FileField(
        _("PDF"),
        upload_to=PrivateUploadTo("certification/certificates"),
        storage=private_storage,
        blank=True,
    )
    status_index = models.PositiveIntegerField(
        _("status list index"),
        unique=True,
        editable=False,
        help_text=_("Its random position in the public revocation status list."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "serial_number"], name="certification_unique_serial"
            )
        ]
        indexes = [models.Index(fields=["expires_on"], name="cert_certificate_expiry")]

    def __str__(self):
        return self.serial

    @property
    def serial(self) -> str:
        return f"{self.programme.serial_prefix}-{self.issued_on:%Y}-{self.serial_number:06d}"

    def state_on(self, day: date | None = None) -> str:
        day = day or timezone.localdate()
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_on < day:
            return self.State.EXPIRED
        return self.State.VALID

    @property
    def state(self) -> str:
        return self.state_on()

    @property
    def is_valid(self) -> bool:
        return self.state == self.State.VALID

    def get_state_display(self):
        return self.State(self.state).label

    def days_to_expiry(self, day: date | None = None) -> int:
        return (self.expires_on - (day or timezone.localdate())).days

    def renewal_window_opens(self) -> date:
        return self.expires_on - timedelta(days=settings.CERTIFICATION_RENEWAL_WINDOW_DAYS)


class Renewal(models.Model):
    """A certificate's validity extended after the holder logged enough CPD hours."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="renewals",
    )
    renewed_at = models.DateTimeField(_("renewed"), default=timezone.now)
    previous_expires_on = models.DateField(_("previous expiry date"))
    expires_on = models.DateField(_("new expiry date"))
    cpd_hours = models.DecimalField(_("CPD hours counted"), max_digits=7, decimal_places=1)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        ordering = ["-renewed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "previous_expires_on"],
                name="certification_one_renewal_per_period",
            )
        ]

    def __str__(self):
        return f"{self.certificate} → {self.expires_on}"


class ExpiryReminder(models.Model):
    """A reminder sent before a certificate expires: one per threshold per expiry date, so
    a re-run of the beat task never sends twice."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    expires_on = models.DateField(_("expiry date"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "days_before", "expires_on"],
                name="certification_one_reminder",
            )
        ]

    def __str__(self):
        return f"{self.certificate} −{self.days_before}d"
