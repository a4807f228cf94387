"""Write-side operations of courses: enrolment, cohorts, sessions and attendance, class
imports, lesson and test results, workbook submissions and reviews, policy adoption, and
completion (see ``courses.selectors`` for how progress is derived)."""

import csv
import io
import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import selectors
from courses.models import (
    Attendance,
    ClassSession,
    Cohort,
    CoursePage,
    Enrolment,
    LessonPage,
    PolicyAdoption,
    Submission,
)
from courses.record_access import page_access_kept
from courses.signals import course_completed, enrolments_updated
from lms.accounts.audit import acting_as
from lms.accounts.models import Role, User
from lms.accounts.services import user_create
from lms.learner_page_cache import learning_state_changed
from lms.records import verbs
from lms.records.activities import activity_id, parse_activity_id
from lms.records.services import statements_record
from lms.records.snapshots import person_snapshot
from lms.taxonomy import locales as taxonomy_locales

STATEMENT_NAMESPACE = uuid.UUID("6f1c3a52-8f6b-4f0e-9a43-5d0c2f1b7e21")


class CourseActionError(Exception):
    """A request the rules refuse; ``message`` is translated, for the person who asked."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _statement(*, statement_id, verb, activity, result=None, parent=None) -> dict:
    raw = {"id": str(statement_id), "verb": {"id": verb}, "object": {"id": activity}}
    if result is not None:
        raw["result"] = result
    if parent:
        raw["context"] = {"contextActivities": {"parent": [{"id": parent}]}}
    return raw


def derived_statement_id(*parts) -> uuid.UUID:
    """A statement id made from what it records, so recording it again is a no-op."""
    return uuid.uuid5(STATEMENT_NAMESPACE, ":".join(str(p) for p in parts))


# --- enrolment --------------------------------------------------------------------------


@transaction.atomic
def enrolment_create(
    *,
    learner: User,
    course: CoursePage,
    cohort: Cohort | None = None,
    source: str = Enrolment.Source.SELF,
    enrolled_by: User | None = None,
    override_note: str = "",
) -> Enrolment:
    """Enrol a learner (once: enrolling again returns the enrolment, joining the cohort).

    A course's prerequisites must be completed first, however the learner is enrolled;
    programme staff may waive them for one person with ``override_note`` saying why."""
    from courses.progression import selectors as progression

    course = selectors.canonical_page(course).specific
    if source == Enrolment.Source.SELF and not course.self_enrolment:
        raise CourseActionError(_("A trainer enrols learners in this course."))
    if cohort is not None and cohort.course_id != course.pk:
        raise CourseActionError(_("This cohort takes another course."))
    enrolment = Enrolment.objects.filter(learner=learner, course=course).first()
    if enrolment:
        if cohort is not None and enrolment.cohort_id != cohort.pk:
            enrolment.cohort = cohort
            enrolment.save(update_fields=["cohort"])
        return enrolment
    missing = progression.prerequisites_missing(learner=learner, course=course)
    if missing:
        if not (override_note.strip() and enrolled_by is not None):
            from courses.progression.services import prerequisites_refusal

            raise CourseActionError(prerequisites_refusal(missing))
        from courses.progression.services import prerequisite_override_grant

        prerequisite_override_grant(
            course=course, learner=learner, granted_by=enrolled_by, note=override_note
        )
    enrolment = Enrolment(
        learner=learner,
        course=course,
        cohort=cohort,
        source=source,
        enrolled_by=enrolled_by,
        learner_profile=person_snapshot(learner),
    )
    enrolment.full_clean()
    enrolment.save()
    return enrolment


# --- cohorts and sessions ---------------------------------------------------------------


@transaction.atomic
def cohort_create(
    *, name, course, country, language, start_date, trainers, organisation=None
) -> Cohort:
    cohort = Cohort(
        name=name,
        course=selectors.canonical_page(course).specific,
        country=country,
        organisation=organisation,
        language=language,
        start_date=start_date,
    )
    cohort.full_clean()
    cohort.save()
    cohort.trainers.set(trainers)
    return cohort


@transaction.atomic
def class_session_create(
    *, cohort, title, starts_at, ends_at, venue="", block_number=1
) -> ClassSession:
    session = ClassSession(
        cohort=cohort,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        block_number=block_number,
    )
    session.full_clean()
    session.save()
    return session


def _record_attendance_statement(*, session: ClassSession, learner: User):
    statements_record(
        scored_by_server=True,
        actor=learner,
        statements=_statement(
            statement_id=derived_statement_id("attended", session.pk, learner.pk),
            verb=verbs.ATTENDED,
            activity=activity_id("session", session.pk),
        ),
    )


@transaction.atomic
def attendance_mark(
    *, session: ClassSession, learner: User, present: bool, marked_by: User, via=None
) -> Attendance:
    """Mark a learner present or absent (again and again: the last mark stands)."""
    if not Enrolment.objects.filter(cohort=session.cohort, learner=learner).exists():
        raise CourseActionError(_("This person is not in the cohort."))
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        learner=learner,
        defaults={
            "present": present,
            "via": via or Attendance.Via.ROSTER,
            "marked_by": marked_by,
        },
        create_defaults={
            "present": present,
            "via": via or Attendance.Via.ROSTER,
            "marked_by": marked_by,
            "learner_profile": person_snapshot(learner),
        },
    )
    if present:
        _record_attendance_statement(session=session, learner=learner)
    completion_evaluate(learner=learner, course=session.cohort.course)
    return attendance


CHECK_IN_OPEN_BEFORE_MINUTES = 30
CHECK_IN_OPEN_AFTER_HOURS = 2


@transaction.atomic
def attendance_check_in(*, learner: User, code: str) -> Attendance:
    code = re.sub(r"\s", "", code or "").upper()
    session = (
        ClassSession.objects.select_related("cohort__course").filter(check_in_code=code).first()
    )
    if session is None:
        raise CourseActionError(
            _("There is no session with this code. Check it with your trainer.")
        )
    now = timezone.now()
    opens = session.starts_at - timezone.timedelta(minutes=CHECK_IN_OPEN_BEFORE_MINUTES)
    closes = session.ends_at + timezone.timedelta(hours=CHECK_IN_OPEN_AFTER_HOURS)
    if not opens <= now <= closes:
        raise CourseActionError(_("Check-in for this session is closed. Ask your trainer."))
    if not Enrolment.objects.filter(cohort=session.cohort, learner=learner).exists():
        raise CourseActionError(_("You are not in the class of this session."))
    return attendance_mark(
        session=session, learner=learner, present=True, marked_by=learner, via=Attendance.Via.CODE
    )


# --- class import -----------------------------------------------------------------------

IMPORT_MAX_ROWS = 500
IMPORT_COLUMNS = ["name", "username", "email", "gender", "role"]
IMPORT_ROLES = {Role.Code.WORKER, Role.Code.SUPERVISOR, Role.Code.MANAGER}


@dataclass
class ImportRow:
    line: int
    name: str
    username: str
    email: str
    gender: str
    role: str
    existing: User | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[ImportRow]
    errors: list[str]  # about the whole file

    @property
    def valid(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows)

    @property
    def row_errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def class_import_plan(*, cohort: Cohort, data: bytes) -> ImportPlan:
    """Read a class list and say, row by row, what is wrong with it. Changes nothing."""
    text = _decode(data)
    if text is None:
        return ImportPlan(rows=[], errors=[_("Save the file as CSV in UTF-8 and try again.")])
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in header:
        return ImportPlan(
            rows=[],
            errors=[
                _("The first line must name the columns, with at least: %(columns)s.")
                % {"columns": "name"}
            ],
        )
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    if unknown:
        return ImportPlan(
            rows=[],
            errors=[
                _("Unknown columns: %(unknown)s. Use only: %(columns)s.")
                % {"unknown": ", ".join(unknown), "columns": ", ".join(IMPORT_COLUMNS)}
            ],
        )
    reader.fieldnames = header
    rows = []
    for line, record in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in record.items() if k}
        if not any(values.values()):
            continue
        rows.append(
            ImportRow(
                line=line,
                name=values.get("name", ""),
                username=values.get("username", ""),
                email=values.get("email", "").lower(),
                gender=values.get("gender", "").lower(),
                role=values.get("role", "").lower() or Role.Code.WORKER,
            )
        )
    if not rows:
        return ImportPlan(rows=[], errors=[_("The file has no learners in it.")])
    if len(rows) > IMPORT_MAX_ROWS:
        return ImportPlan(
            rows=[],
            errors=[_("A class list may have at most %(max)s rows.") % {"max": IMPORT_MAX_ROWS}],
        )
    _check_rows(cohort=cohort, rows=rows)
    return ImportPlan(rows=rows, errors=[])


def _check_rows(*, cohort, rows: list[ImportRow]):
    usernames = {r.username.lower() for r in rows if r.username}
    emails = {r.email for r in rows if r.email}
    known = list(
        User.objects.filter(Q(username__in=usernames) | Q(email__in=emails)).select_related(
            "country"
        )
    )
    by_username = {u.username.lower(): u for u in known}
    by_email = {u.email.lower(): u for u in known if u.email}
    seen_usernames, seen_emails = {}, {}
    genders = {value for value, _label in User.Gender.choices}
    for row in rows:
        if not row.name:
            row.errors.append(_("The name is missing."))
        elif len(row.name) > 80:
            row.errors.append(_("The name is longer than 80 characters."))
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                row.errors.append(_("“%(email)s” is not an email address.") % {"email": row.email})
        if row.username and not re.fullmatch(r"[\w.@+-]{3,150}", row.username):
            row.errors.append(_("A username has 3 to 150 letters, digits and . @ + - _ only."))
        if row.gender and row.gender not in genders:
            row.errors.append(
                _("Gender must be one of: %(choices)s.") % {"choices": ", ".join(sorted(genders))}
            )
        if row.role not in IMPORT_ROLES:
            row.errors.append(
                _("Role must be one of: %(choices)s.")
                % {"choices": ", ".join(sorted(IMPORT_ROLES))}
            )
        for key, seen in ((row.username.lower(), seen_usernames), (row.email, seen_emails)):
            if key and key in seen:
                row.errors.append(
                    _("Line %(line)s has the same username or email.") % {"line": seen[key]}
                )
            elif key:
                seen[key] = row.line
        existing_by_name = by_username.get(row.username.lower()) if row.username else None
        existing_by_email = by_email.get(row.email) if row.email else None
        if existing_by_name and existing_by_email and existing_by_name != existing_by_email:
            row.errors.append(_("The username and the email belong to two different people."))
        row.existing = existing_by_name or existing_by_email
        if row.existing and row.existing.country_id not in (None, cohort.country_id):
            row.errors.append(_("This person is registered in another country."))


def _username_for(name: str, taken: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("đ", "d").replace("Đ", "D")
    base = re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")[:24] or "learner"
    for _attempt in range(1000):
        candidate = f"{base}.{secrets.randbelow(9000) + 1000}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise CourseActionError(_("Could not find a free username."))


def login_password() -> str:
    """Easy to copy from a paper slip: no 0/O or 1/l/I."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


@dataclass
class ImportedLearner:
    user: User
    password: str | None  # only for accounts made by the import


@transaction.atomic
def class_import_run(*, cohort: Cohort, data: bytes, enrolled_by: User) -> list[ImportedLearner]:
    """Import a class list: all of it or, if any row is wrong, nothing."""
    plan = class_import_plan(cohort=cohort, data=data)
    if not plan.valid:
        raise CourseActionError(_("The class list has errors; nothing was imported."))
    wanted = {r.username.lower() for r in plan.rows if r.username and not r.existing}
    taken = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    imported = []
    for row in plan.rows:
        password = None
        user = row.existing
        if user is None:
            password = login_password()
            username = row.username or _username_for(row.name, taken)
            if username in taken and row.username:
                raise CourseActionError(_("The username %(name)s is taken.") % {"name": username})
            with acting_as(enrolled_by):
                user = user_create(
                    username=username,
                    password=password,
                    email=row.email,
                    display_name=row.name,
                    roles=[row.role],
                    country=cohort.country,
                    organisation=cohort.organisation,
                    sector=cohort.organisation.sector if cohort.organisation else None,
                    preferred_language=cohort.language,
                    gender=row.gender,
                )
        enrolment_create(
            learner=user,
            course=cohort.course,
            cohort=cohort,
            source=Enrolment.Source.IMPORT,
            enrolled_by=enrolled_by,
        )
        imported.append(ImportedLearner(user=user, password=password))
    return imported


RESETTABLE_ROLES = {Role.Code.WORKER, Role.Code.SUPERVISOR, Role.Code.MANAGER}


def trainer_responsible_for(*, trainer: User, cohort: Cohort, learner: User) -> bool:
    """Is ``trainer`` responsible for ``learner`` through ``cohort``? They train the cohort,
    the learner is in it, all three are in one country, and either the cohort is run for the
    learner's own organisation by a trainer of that organisation, or the trainer made the
    learner's account (a class import, recorded in the audit trail). Enrolling someone into
    a cohort of one's own making is not enough (issue 12, hole 3)."""
    from auditlog.models import LogEntry

    if not cohort.trainers.filter(pk=trainer.pk).exists():
        return False
    if not Enrolment.objects.filter(cohort=cohort, learner=learner).exists():
        return False
    if not (learner.country_id and learner.country_id == cohort.country_id == trainer.country_id):
        return False
    if (
        learner.organisation_id
        and cohort.organisation_id == learner.organisation_id
        and trainer.organisation_id == learner.organisation_id
    ):
        return True
    return (
        LogEntry.objects.get_for_object(learner)
        .filter(action=LogEntry.Action.CREATE, actor=trainer)
        .exists()
    )


@transaction.atomic
def learner_password_reset(*, cohort: Cohort, learner: User, actor: User) -> str:
    """A new password for a learner of the cohort who has no email to reset it themselves
    (a worker who lost their slip). Only for people responsible for them (their country's
    staff, or their trainer: ``trainer_responsible_for``), never for people with other
    roles; recorded in the audit trail, and the person is told."""
    from lms.accounts.permissions import is_responsible_staff
    from lms.accounts.services import person_password_reset_notify, person_password_set

    if not Enrolment.objects.filter(cohort=cohort, learner=learner).exists():
        raise CourseActionError(_("This person is not in the cohort."))
    if learner.email or not set(learner.role_codes()) <= RESETTABLE_ROLES:
        raise CourseActionError(
            _("This person can reset their password themselves, with their email address.")
        )
    if not (
        is_responsible_staff(actor, learner)
        or trainer_responsible_for(trainer=actor, cohort=cohort, learner=learner)
    ):
        raise CourseActionError(
            _(
                "Only this person's own trainer or your country programme team can give "
                "them a new password."
            )
        )
    password = login_password()
    person_password_set(
        actor=actor,
        person=learner,
        password=password,
        reason=f"password reset through cohort {cohort.pk}",
    )
    person_password_reset_notify(person=learner, actor=actor)
    return password


# --- lessons, knowledge checks and tests -------------------------------------------------


def _parse_statement_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise CourseActionError(_("This form has expired. Load the page again.")) from error


def lesson_complete(*, learner: User, lesson: LessonPage, form_token) -> None:
    """Record that the learner finished reading a lesson (from the no-JavaScript form)."""
    token = _parse_statement_id(form_token)
    statements_record(
        scored_by_server=True,
        actor=learner,
        statements=_statement(
            statement_id=derived_statement_id(token, "completed"),
            verb=verbs.COMPLETED,
            activity=selectors.lesson_activity_id(lesson),
            result={"completion": True},
        ),
    )


@dataclass
class CheckOutcome:
    correct: bool
    explanation: str
    correct_answers: list[str]


def knowledge_check_answer(
    *, learner: User, lesson: LessonPage, block_id: str, choice: int, form_token
) -> CheckOutcome:
    block = next(
        (b for b in lesson.body if b.id == block_id and b.block_type == "knowledge_check"), None
    )
    if block is None:
        raise CourseActionError(_("This question is no longer in the lesson."))
    choices = block.value["choices"]
    if not 0 <= choice < len(choices):
        raise CourseActionError(_("Choose one of the answers."))
    correct = bool(choices[choice]["correct"])
    lesson_id = selectors.lesson_activity_id(lesson)
    canonical_block = _canonical_block_id(lesson=lesson, block_id=block_id)
    token = _parse_statement_id(form_token)
    statements_record(
        scored_by_server=True,
        actor=learner,
        statements=_statement(
            statement_id=derived_statement_id(token, block_id),
            verb=verbs.PASSED if correct else verbs.FAILED,
            activity=activity_id(
                "question", f"{parse_activity_id(lesson_id)[1]}.{canonical_block}"
            ),
            result={"success": correct, "response": str(choice)},
            parent=lesson_id,
        ),
    )
    return CheckOutcome(
        correct=correct,
        explanation=block.value["explanation"],
        correct_answers=[c["text"] for c in choices if c["correct"]],
    )


def _canonical_block_id(*, lesson: LessonPage, block_id: str) -> str:
    """Translations keep block ids (wagtail-localize copies the stream), so the id is the
    same; a hand-made translation falls back to matching by position."""
    canonical = selectors.canonical_page(lesson)
    if canonical.pk == lesson.pk:
        return block_id
    canonical_ids = canonical.specific.knowledge_check_ids
    if block_id in canonical_ids:
        return block_id
    position = lesson.knowledge_check_ids.index(block_id)
    return canonical_ids[position] if position < len(canonical_ids) else block_id


def test_submit(
    *, learner: User, course: CoursePage, phase: str, answers: dict[str, int], form_token
) -> tuple[int, int]:
    """Score a pre or post test and record it; returns (correct, out of)."""
    if phase not in ("pre", "post"):
        raise CourseActionError(_("Unknown test."))
    canonical = selectors.canonical_page(course).specific
    if phase == "pre" and selectors.test_results(course=canonical, learner_ids=[learner.pk])[
        "pre"
    ].get(learner.pk):
        raise CourseActionError(_("You have already taken the test before the course."))
    questions = list(course.test_questions)
    canonical_questions = list(canonical.test_questions)
    if not questions:
        raise CourseActionError(_("This course has no test."))
    marks = {}
    for position, block in enumerate(questions):
        choice = answers.get(block.id)
        if choice is None or not 0 <= choice < len(block.value["choices"]):
            raise CourseActionError(_("Answer every question."))
        key = canonical_questions[position].id if position < len(canonical_questions) else block.id
        marks[key] = bool(block.value["choices"][choice]["correct"])
    score = sum(marks.values())
    token = _parse_statement_id(form_token)
    statements_record(
        scored_by_server=True,
        actor=learner,
        statements=_statement(
            statement_id=derived_statement_id(token, phase),
            verb=verbs.COMPLETED,
            activity=activity_id("test", f"{canonical.pk}.{phase}"),
            result={
                "score": {"raw": score, "max": len(marks), "scaled": score / len(marks)},
                "completion": True,
                "extensions": {selectors.ANSWERS_EXTENSION: marks},
            },
        ),
    )
    return score, len(marks)


# --- workbook evidence and practice reports ---------------------------------------------


@transaction.atomic
def submission_create(
    *, learner: User, course: CoursePage, item: str, text="", photo=None, file=None
) -> Submission:
    course = selectors.canonical_page(course).specific
    if not Enrolment.objects.filter(learner=learner, course=course).exists():
        raise CourseActionError(_("Enrol in the course to submit your work."))
    structure = selectors.course_structure(course=course)
    if item not in structure.submission_items:
        raise CourseActionError(_("This step is not part of the course."))
    submission = Submission(
        course=course,
        item=item,
        learner=learner,
        organisation=learner.organisation,
        text=text,
        photo=photo or "",
        file=file or "",
    )
    submission.full_clean()
    submission.save()
    return submission


@transaction.atomic
def submission_review(
    *, submission: Submission, reviewer: User, approve: bool, comment: str = ""
) -> Submission:
    if not approve and not comment.strip():
        raise CourseActionError(_("Say what to change."))
    submission.status = Submission.Status.APPROVED if approve else Submission.Status.CHANGES
    submission.reviewer = reviewer
    submission.review_comment = comment
    submission.reviewed_at = timezone.now()
    submission.full_clean()
    submission.save()
    if approve:
        statements_record(
            scored_by_server=True,
            actor=submission.learner,
            statements=_statement(
                statement_id=derived_statement_id("approved", submission.pk),
                verb=verbs.PASSED,
                activity=activity_id("step", f"{submission.course_id}.{submission.item}"),
            ),
        )
        team = [submission.learner]
        if submission.organisation_id:
            team = list(
                User.objects.filter(
                    enrolments__course_id=submission.course_id,
                    organisation_id=submission.organisation_id,
                )
            )
        for member in team:
            completion_evaluate(learner=member, course=submission.course)
    return submission


# --- policies ---------------------------------------------------------------------------


@transaction.atomic
def policy_adopt(*, version, organisation, adopted_on, recorded_by, notes="") -> PolicyAdoption:
    adoption = PolicyAdoption.objects.filter(version=version, organisation=organisation).first()
    if adoption:
        return adoption
    adoption = PolicyAdoption(
        version=version,
        organisation=organisation,
        adopted_on=adopted_on,
        recorded_by=recorded_by,
        notes=notes,
    )
    adoption.full_clean()
    adoption.save()
    return adoption


# --- completion -------------------------------------------------------------------------


def completion_evaluate(
    *, learner: User, course: CoursePage, enrolment: Enrolment | None = None
) -> bool:
    """Mark the enrolment complete the first time the course's rule is met, and send
    ``course_completed`` once, after the transaction commits. Never undoes a completion.

    ``enrolment``: the learner's enrolment in ``course`` (in the default language) when the
    caller read it already, from ``selectors.enrolments_containing``; the course is then
    loaded as its own page type only if it completes."""
    if enrolment is None:
        course = selectors.canonical_page(course).specific
        enrolment = Enrolment.objects.filter(learner=learner, course=course).first()
        sessions = None
    else:
        sessions = {enrolment.cohort_id: enrolment.cohort_sessions} if enrolment.cohort_id else {}
    if enrolment is None or enrolment.completed_at:
        return False
    progress = selectors.progress_for_course(
        learner=learner,
        course=course,
        enrolment=enrolment,
        sessions_per_cohort=sessions,
        rule_only=True,
    )
    if not progress.rule_met(course):
        return False
    course = course.specific  # the receivers of course_completed may look at its page type
    completed_at = timezone.now()
    updated = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
        completed_at=completed_at, completion_profile=person_snapshot(learner)
    )
    if updated:
        enrolments_updated.send(sender=Enrolment, learner_ids=[learner.pk])
    learning_state_changed(learner_ids=[learner.pk])
    if updated:
        transaction.on_commit(
            lambda: course_completed.send(
                sender=type(course), learner=learner, course=course, completed_at=completed_at
            )
        )
    return bool(updated)


PROGRESS_VERBS = {verbs.COMPLETED, verbs.PASSED, verbs.ANSWERED}


def _pages_progress_may_change(statements) -> set[int]:
    """The pages (lessons, courses) whose progress these statements may move, as
    ``selectors._statement_progress`` counts it: a lesson completed or passed, itself or
    through something inside it (an H5P or SCORM result), a knowledge check passed or
    answered right, a step. Other results inside a lesson (an exercise answered) count for
    nothing."""
    page_ids = set()
    for statement in statements:
        if statement.verb not in PROGRESS_VERBS:
            continue  # "experienced", "attempted" ... never change progress
        answered = statement.verb == verbs.ANSWERED
        for value in (statement.activity, statement.parent_activity):
            parsed = parse_activity_id(value)
            if not parsed:
                continue
            kind, key = parsed
            if answered and not (
                kind == "question" and value == statement.activity and statement.success
            ):
                continue
            if kind in ("lesson", "question", "step"):
                head = key.split(".", 1)[0]
                if head.isdigit():
                    page_ids.add(int(head))
    return page_ids


def completion_after_statements(*, actor: User, statements) -> None:
    """React to new learning records: re-evaluate the courses they touch, when the learner
    takes them (from the record access kept for them, which the store's authorisation read
    a moment ago: no query when none of the pages is in a course they take)."""
    page_ids = _pages_progress_may_change(statements)
    if not page_ids or not page_access_kept(learner=actor, page_ids=page_ids).enrolled:
        return
    for enrolment in selectors.enrolments_containing(page_ids=page_ids, learner=actor):
        if taxonomy_locales.in_default_language(enrolment.course):
            completion_evaluate(learner=actor, course=enrolment.course, enrolment=enrolment)
        else:  # enrolled in a translation: evaluated against the default-language course
            completion_evaluate(learner=actor, course=enrolment.course)
