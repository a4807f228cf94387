"""The training catalogue (Wagtail pages) and its delivery (enrolments, cohorts, classroom
sessions, attendance, workbook submissions, policy adoptions).

Page models hold the content schema only; enrolment, progress and completion live in
``courses.services`` and ``courses.selectors``.

Every kind of course (programme, seminar, supervisor training, induction kit, workbook)
is a ``CoursePage``: one table for enrolments and completion rules. Delivery rows always
point at the course in the default language (its "canonical" version); a translation is
another way into the same course.
"""

import os
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from courses.blocks import (
    CHECK_BLOCK_TYPES,
    RICH_TEXT_FEATURES,
    HandoutBlock,
    LessonStreamBlock,
    TestQuestionsBlock,
    TrainingStructureBlock,
)
from lms.private_files import private_storage
from lms.taxonomy.models import BasePage

COURSE_PARENTS = ["portal.SectionPage", "portal.CountryPage"]


class CoursePage(BasePage):
    """What every course shares: who may enrol, how it is completed, its pre/post test."""

    is_creatable = False

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    audience = models.CharField(
        _("who it is for"),
        max_length=200,
        blank=True,
        help_text=_("For example: supervisors and line leaders."),
    )
    duration = models.CharField(_("duration"), max_length=120, blank=True)
    self_enrolment = models.BooleanField(
        _("learners may enrol themselves"),
        default=True,
        help_text=_("Otherwise only a trainer can enrol learners, through a cohort."),
    )
    complete_lessons = models.BooleanField(_("every lesson completed"), default=True)
    complete_knowledge_checks = models.BooleanField(
        _("every knowledge check answered correctly"), default=False
    )
    complete_attendance_percent = models.PositiveSmallIntegerField(
        _("sessions attended (percent)"),
        default=0,
        help_text=_("0 when attendance does not count towards completion."),
    )
    complete_submissions = models.BooleanField(
        _("every workbook step or practice assignment approved"), default=False
    )
    offline_scoring = models.BooleanField(
        _("answers may be checked on the phone offline"),
        default=False,
        help_text=_(
            "A phone that keeps the course offline then also keeps the right answers of its "
            "knowledge checks and test. Otherwise answers are checked when they reach the site."
        ),
    )
    test_questions = StreamField(
        TestQuestionsBlock(),
        verbose_name=_("pre/post test questions"),
        blank=True,
        help_text=_("Learners answer the same questions before and after the course."),
    )

    completion_panels = [
        MultiFieldPanel(
            [
                FieldPanel("self_enrolment"),
                FieldPanel("complete_lessons"),
                FieldPanel("complete_knowledge_checks"),
                FieldPanel("complete_attendance_percent"),
                FieldPanel("complete_submissions"),
                FieldPanel("offline_scoring"),
            ],
            heading=_("Enrolment and completion"),
        )
    ]
    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        FieldPanel("audience"),
        FieldPanel("duration"),
        *completion_panels,
        InlinePanel("prerequisites", label=_("complete these courses first")),
        InlinePanel("quiz_rules", label=_("question bank rules"), max_num=1, min_num=0),
        FieldPanel("test_questions"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        if self.complete_attendance_percent > 100:
            raise ValidationError(
                {"complete_attendance_percent": _("A percentage is at most 100.")}
            )

    def get_context(self, request, *args, **kwargs):
        from courses.page_context import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request, self))
        return context


class ProgrammePage(CoursePage):
    """The 12-month modular programme: one module a month."""

    parent_page_types = COURSE_PARENTS
    subpage_types = ["courses.ModulePage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("modular programme")
        verbose_name_plural = _("modular programmes")


class ModulePage(BasePage):
    month = models.PositiveSmallIntegerField(
        _("month"), help_text=_("Opens this many months after the cohort starts (1 = at once).")
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("month"), FieldPanel("intro")]
    parent_page_types = ["courses.ProgrammePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def clean(self):
        super().clean()
        if not 1 <= (self.month or 0) <= 36:
            raise ValidationError({"month": _("Choose a month from 1 to 36.")})


class LessonPage(BasePage):
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    # Kept in step with the body when saved, so progress never has to read every body.
    knowledge_check_ids = models.JSONField(default=list, editable=False)

    content_panels = [*BasePage.content_panels, FieldPanel("minutes"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = [
        "courses.ModulePage",
        "courses.SeminarPage",
        "courses.SupervisorTrainingPage",
        "courses.InductionKitPage",
    ]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def save(self, *args, **kwargs):
        ids = []
        for block in self.body:
            if not block.id:  # new blocks get their id here rather than on the way to the DB
                block.id = str(uuid.uuid4())
            if block.block_type in CHECK_BLOCK_TYPES:
                ids.append(block.id)
        self.knowledge_check_ids = ids
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.page_context import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request, self))
        return context


class SeminarPage(CoursePage):
    """A single-issue seminar; its dates and venues are its cohorts' sessions."""

    materials = StreamField(LessonStreamBlock(), verbose_name=_("materials"), blank=True)

    content_panels = [*CoursePage.content_panels, FieldPanel("materials")]
    parent_page_types = COURSE_PARENTS
    subpage_types = ["courses.LessonPage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")


class SupervisorTrainingPage(CoursePage):
    """Classroom blocks with practice at work in between (2 days + 4-6 weeks + 2 days)."""

    structure = StreamField(TrainingStructureBlock(), verbose_name=_("structure"), blank=True)

    content_panels = [*CoursePage.content_panels, FieldPanel("structure")]
    parent_page_types = COURSE_PARENTS
    subpage_types = ["courses.LessonPage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("supervisor training")
        verbose_name_plural = _("supervisor trainings")

    def practice_assignments(self):
        return [block for block in self.structure if block.block_type == "practice"]


class InductionKitPage(CoursePage):
    """A bundle for new workers: short lessons, handouts and posters, a facilitator guide."""

    handouts = StreamField(
        [("handout", HandoutBlock())], verbose_name=_("handouts and posters"), blank=True
    )
    facilitator_guide = RichTextField(
        _("facilitator guide"), blank=True, features=RICH_TEXT_FEATURES
    )

    content_panels = [
        *CoursePage.content_panels,
        FieldPanel("handouts"),
        FieldPanel("facilitator_guide"),
    ]
    parent_page_types = COURSE_PARENTS
    subpage_types = ["courses.LessonPage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("induction kit")
        verbose_name_plural = _("induction kits")


class WorkbookPage(CoursePage):
    """A mini-project for a small enterprise: steps, each with guidance and a worksheet."""

    parent_page_types = COURSE_PARENTS
    subpage_types = ["courses.WorkbookStepPage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("mini-project workbook")
        verbose_name_plural = _("mini-project workbooks")


class WorkbookStepPage(BasePage):
    guidance = RichTextField(_("guidance"), features=RICH_TEXT_FEATURES)
    worksheet = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("worksheet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_prompt = models.CharField(
        _("what evidence to submit"),
        max_length=300,
        blank=True,
        help_text=_("For example: a photo of the signed committee minutes."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("guidance"),
        FieldPanel("worksheet"),
        FieldPanel("evidence_prompt"),
    ]
    parent_page_types = ["courses.WorkbookPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("workbook step")
        verbose_name_plural = _("workbook steps")

    def get_context(self, request, *args, **kwargs):
        from courses.page_context import step_context

        context = super().get_context(request, *args, **kwargs)
        context.update(step_context(request, self))
        return context


class PolicyPage(BasePage):
    """A model policy or good-practice guide, in versions an organisation can adopt."""

    page_cache = True  # served to anonymous visitors from the page cache

    class Kind(models.TextChoices):
        MODEL_POLICY = "policy", _("Model policy")
        GUIDE = "guide", _("Good-practice guide")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default="policy")

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("kind"),
        InlinePanel("versions", label=_("versions"), min_num=1),
    ]
    parent_page_types = COURSE_PARENTS
    subpage_types = []

    class Meta:
        verbose_name = _("model policy or guide")
        verbose_name_plural = _("model policies and guides")

    def current_version(self):
        return max(self.versions.all(), key=lambda v: v.published_on, default=None)

    def get_context(self, request, *args, **kwargs):
        from courses.page_context import policy_context

        context = super().get_context(request, *args, **kwargs)
        context.update(policy_context(request, self))
        return context


class PolicyVersion(Orderable):
    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("version"), max_length=20, help_text=_("For example: 2.1"))
    published_on = models.DateField(_("published on"))
    summary = models.TextField(_("what changed"), blank=True, max_length=600)
    text = RichTextField(_("policy text"), features=RICH_TEXT_FEATURES)
    template_docx = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("template (DOCX)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    template_pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("template (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("label"),
        FieldPanel("published_on"),
        FieldPanel("summary"),
        FieldPanel("text"),
        FieldPanel("template_docx"),
        FieldPanel("template_pdf"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["page", "label"], name="courses_policy_version_unique")
        ]

    def __str__(self):
        return f"{self.page.title} {self.label}"


class PolicyAdoption(models.Model):
    """An organisation recorded that it adopted a version of a policy."""

    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="policy_adoptions",
    )
    adopted_on = models.DateField(_("adopted on"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy adoption")
        verbose_name_plural = _("policy adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="courses_adoption_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.organisation} - {self.version}"


class Cohort(models.Model):
    """A class that a trainer runs for an organisation, in one language."""

    name = models.CharField(_("name"), max_length=160)
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="cohorts"
    )
    country = models.ForeignKey(
        "taxonomy.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    start_date = models.DateField(_("start date"))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("trainers"), related_name="cohorts_trained"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if (
            self.organisation_id
            and self.country_id
            and self.organisation.country_id != self.country_id
        ):
            raise ValidationError({"organisation": _("The organisation is in another country.")})


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Enrolled themselves")
        TRAINER = "trainer", _("Enrolled by a trainer")
        IMPORT = "import", _("Imported from a class list")
        REQUIRED = "required", _("Assigned as required training")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrolments"
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    source = models.CharField(_("how"), max_length=10, choices=Source.choices)
    # The learner's reporting attributes when they enrolled and when they completed (issue
    # 16): reports group by these, so a later profile change does not rewrite the past.
    learner_profile = models.ForeignKey(
        "records.PersonSnapshot",
        verbose_name=_("learner's profile at enrolment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    completion_profile = models.ForeignKey(
        "records.PersonSnapshot",
        verbose_name=_("learner's profile at completion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # When the current cycle of a recurring required training began (``courses.training``):
    # only learning from then on counts towards completing it again. Empty: the first cycle.
    cycle_started_at = models.DateTimeField(
        _("current cycle started at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="courses_enrol_once")
        ]
        indexes = [models.Index(fields=["cohort", "learner"], name="courses_enrol_cohort")]

    def __str__(self):
        return f"{self.learner} - {self.course}"


def check_in_code():
    """Six characters that are easy to read aloud and type on a phone."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class ClassSession(models.Model):
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=160)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    block_number = models.PositiveSmallIntegerField(
        _("block"), default=1, help_text=_("Which classroom block of the training it belongs to.")
    )
    check_in_code = models.CharField(
        _("check-in code"), max_length=8, unique=True, default=check_in_code
    )
    # Sign-up (issue 22): a session with a capacity takes registrations.
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Leave empty when people do not sign up for this session."),
    )
    registration_opens_at = models.DateTimeField(
        _("sign-up opens at"), null=True, blank=True, help_text=_("Empty: at once.")
    )
    registration_closes_at = models.DateTimeField(
        _("sign-up closes at"), null=True, blank=True, help_text=_("Empty: when it starts.")
    )
    cancellation_deadline = models.DateTimeField(
        _("cancel until"), null=True, blank=True, help_text=_("Empty: until it starts.")
    )

    class Meta:
        verbose_name = _("classroom session")
        verbose_name_plural = _("classroom sessions")
        ordering = ["starts_at"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session ends after it starts.")})
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            raise ValidationError({"registration_closes_at": _("Sign-up closes after it opens.")})

    @property
    def takes_registrations(self) -> bool:
        return self.capacity is not None

    @property
    def registration_closes(self):
        return self.registration_closes_at or self.starts_at

    @property
    def cancellation_closes(self):
        return self.cancellation_deadline or self.starts_at


class Attendance(models.Model):
    """Who was there. A trainer may correct it afterwards, so it is a row, not a record;
    each first presence is also written to the learning records."""

    class Via(models.TextChoices):
        ROSTER = "roster", _("Marked by the trainer")
        CODE = "code", _("Checked in with the session code")

    session = models.ForeignKey(
        ClassSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    learner_profile = models.ForeignKey(
        "records.PersonSnapshot",
        verbose_name=_("learner's profile when marked"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    present = models.BooleanField(_("present"), default=True)
    via = models.CharField(_("how"), max_length=10, choices=Via.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="courses_attend_once")
        ]

    def __str__(self):
        return f"{self.learner} - {self.session}"


def evidence_upload_to(instance, filename):
    return f"courses/evidence/{secrets.token_urlsafe(18)}/{os.path.basename(filename)}"


# What evidence may be; the content checks are the core's (lms/uploads.py, run by the form).
EVIDENCE_PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "docx", "xlsx", "odt", "txt"]


class Submission(models.Model):
    """Evidence for a workbook step (from a team: the learner's organisation) or a
    supervisor's practice assignment, and its review."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES = "changes", _("Changes requested")
        APPROVED = "approved", _("Approved")

    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="submissions"
    )
    item = models.CharField(
        _("step or assignment"),
        max_length=64,
        help_text=_("A workbook step page id, or practice-<block id>."),
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("what you did"), max_length=4000, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to=evidence_upload_to,
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_PHOTO_EXTENSIONS)],
    )
    file = models.FileField(
        _("file"),
        upload_to=evidence_upload_to,
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("comment"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["course", "item"], name="courses_submission_item")]

    def __str__(self):
        return f"{self.learner} - {self.course} - {self.item}"

    def clean(self):
        if not (self.text.strip() or self.photo or self.file):
            raise ValidationError(_("Describe what you did, or add a photo or a file."))


# --- sign-up for sessions (issue 22) -----------------------------------------------------


class SessionRegistration(models.Model):
    """A person's place in a classroom session or seminar that takes sign-ups: a seat, or a
    place on its waiting list. One row per person and session (a retried sign-up finds it);
    cancelling and signing up again reuse the row. The rules are in
    ``courses.registration_services``."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    # Statuses that hold a seat.
    SEATED = (Status.REGISTERED, Status.ATTENDED, Status.NO_SHOW)

    session = models.ForeignKey(
        ClassSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="session_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # Order on the waiting list (lower goes first). Numbers are never reused or shifted, so
    # the position shown to a person is their rank among those still waiting.
    waitlist_position = models.PositiveIntegerField(_("waiting-list order"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    seat_given_at = models.DateTimeField(_("seat given at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("session registration")
        verbose_name_plural = _("session registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "learner"], name="courses_register_once_per_session"
            ),
            models.UniqueConstraint(
                fields=["session", "waitlist_position"],
                condition=models.Q(waitlist_position__isnull=False),
                name="courses_waitlist_position_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="courses_registration_status"),
        ]

    def __str__(self):
        return f"{self.learner} - {self.session} ({self.status})"


class CalendarFeed(models.Model):
    """A person's secret iCalendar address. Only a hash of its token is kept: the address
    is shown once, when made; a new one replaces it, and revoking deletes it."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.person)


class TrainingRequirement(models.Model):
    """A course that people holding a role must take: in one organisation (set by its
    manager or by staff) or in every factory of a country (set by the country's staff). Due a
    number of days after the person joined or after the requirement reached them; optionally
    again every few months after each completion (``courses.training``)."""

    class DueFrom(models.TextChoices):
        ASSIGNED = "assigned", _("the day it is assigned")
        JOINED = "joined", _("the day the person joined")

    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="training_requirements",
    )
    role = models.ForeignKey(
        "accounts.Role", verbose_name=_("role"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_requirements",
        help_text=_("Empty: every factory of the country."),
    )
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_within_days = models.PositiveSmallIntegerField(_("due within (days)"), default=30)
    due_from = models.CharField(
        _("counted from"), max_length=10, choices=DueFrom.choices, default=DueFrom.ASSIGNED
    )
    recur_every_months = models.PositiveSmallIntegerField(
        _("again every (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: taken once. For example 12 for a yearly refresher."),
    )
    remind_days_before = models.PositiveSmallIntegerField(_("remind (days before)"), default=14)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("required training")
        verbose_name_plural = _("required trainings")
        ordering = ["course__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "role", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="courses_requirement_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["course", "role", "country"],
                condition=models.Q(organisation__isnull=True),
                name="courses_requirement_once_per_country",
            ),
        ]

    def __str__(self):
        return f"{self.course} - {self.role}"

    def clean(self):
        if (
            self.organisation_id
            and self.country_id
            and self.organisation.country_id != self.country_id
        ):
            raise ValidationError({"organisation": _("The organisation is in another country.")})
        if self.recur_every_months is not None and not 1 <= self.recur_every_months <= 120:
            raise ValidationError(
                {"recur_every_months": _("Choose a number of months from 1 to 120.")}
            )


class TrainingAssignment(models.Model):
    """One cycle of a required training for one person: when it is due, when it was done,
    and which reminders went out (each once per learner, course and due date)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="training_assignments",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="training_assignments",
    )
    requirement = models.ForeignKey(
        TrainingRequirement,
        verbose_name=_("required by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    due_on = models.DateField(_("due on"))
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    due_soon_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    overdue_sent_at = models.DateTimeField(_("overdue notice sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("required training cycle")
        verbose_name_plural = _("required training cycles")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course", "cycle"], name="courses_assignment_once_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["learner", "course", "due_on"], name="courses_assignment_once_per_due"
            ),
        ]
        indexes = [
            models.Index(fields=["completed_at", "due_on"], name="courses_assignment_open"),
        ]

    def __str__(self):
        return f"{self.learner} - {self.course} ({self.due_on})"

    def is_overdue(self, today) -> bool:
        return self.completed_at is None and self.due_on < today
