"""Write-side of prerequisites and question-bank checks: staff overrides, opening an attempt
(drawing its questions once, within the course's attempt limit) and scoring it on the
server from the questions stored with it."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import selectors as course_selectors
from courses.progression import selectors
from courses.progression.models import BankQuestion, PrerequisiteOverride, QuizAttempt, QuizRules
from courses.services import (
    CourseActionError,
    _canonical_block_id,
    _statement,
    derived_statement_id,
)
from lms.accounts.selectors import country_scope
from lms.records import verbs
from lms.records.activities import activity_id
from lms.records.services import statements_record


def prerequisites_refusal(missing) -> str:
    return _("Complete these courses first: %(courses)s.") % {
        "courses": "; ".join(page.title for page in missing)
    }


def may_override_prerequisites(*, staff, learner) -> bool:
    """Global staff, or the country staff of the learner's country."""
    scope = country_scope(staff)
    if scope is False:
        return False
    return scope is None or scope == learner.country_id


@transaction.atomic
def prerequisite_override_grant(*, course, learner, granted_by, note: str):
    """Let ``learner`` into ``course`` without its prerequisites; the note says why."""
    if not may_override_prerequisites(staff=granted_by, learner=learner):
        raise CourseActionError(
            _("Only programme staff of this person's country can waive prerequisites.")
        )
    note = (note or "").strip()
    if not note:
        raise CourseActionError(_("Say why this person may skip the prerequisites."))
    course = course_selectors.canonical_page(course).specific
    override, _created = PrerequisiteOverride.objects.get_or_create(
        course=course, learner=learner, defaults={"note": note, "granted_by": granted_by}
    )
    return override


# --- question-bank checks ---------------------------------------------------------------


def quiz_block(*, lesson, block_id: str):
    block = next((b for b in lesson.body if b.id == block_id and b.block_type == "bank_quiz"), None)
    if block is None:
        raise CourseActionError(_("This knowledge check is no longer in the lesson."))
    return block


def _quiz_place(*, learner, lesson, block_id):
    """The course, the canonical lesson and block id an attempt is kept under; refuses a
    learner who is not enrolled or has not completed the prerequisites."""
    course_here = course_selectors.course_of_page(lesson)
    if course_here is None:
        raise CourseActionError(_("This knowledge check is not part of a course."))
    course = course_selectors.canonical_page(course_here).specific
    if course_selectors.enrolment_for(learner=learner, course=course) is None:
        raise CourseActionError(_("Enrol in the course to answer the questions."))
    missing = selectors.prerequisites_missing(learner=learner, course=course)
    if missing:
        raise CourseActionError(prerequisites_refusal(missing))
    canonical_lesson = course_selectors.canonical_page(lesson).specific
    canonical_block = _canonical_block_id(lesson=lesson, block_id=block_id)
    return course, canonical_lesson, canonical_block


def quiz_attempt_open(*, learner, lesson, block_id: str) -> QuizAttempt:
    """The learner's attempt in progress, or a new one with its questions drawn (seeded and
    stored). Refused once the course's attempt limit is used up."""
    block = quiz_block(lesson=lesson, block_id=block_id)
    course, canonical_lesson, canonical_block = _quiz_place(
        learner=learner, lesson=lesson, block_id=block_id
    )
    standing = selectors.quiz_standing(
        learner=learner, lesson=canonical_lesson, block_id=canonical_block, course=course
    )
    if standing.open_attempt:
        return standing.open_attempt
    if standing.remaining == 0:
        raise CourseActionError(
            ngettext(
                "You have used the %(limit)s attempt allowed at this check.",
                "You have used all %(limit)s attempts allowed at this check.",
                standing.rules.attempt_limit,
            )
            % {"limit": standing.rules.attempt_limit}
        )
    candidates = selectors.bank_question_ids(topic=block.value["topic"])
    if not candidates:
        raise CourseActionError(_("The question bank has no questions for this topic yet."))
    seed = secrets.token_hex(8)
    drawn = selectors.question_draw(candidates=candidates, count=block.value["count"], seed=seed)
    number = len(standing.attempts) + 1
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(
                learner=learner,
                lesson=canonical_lesson,
                block_id=canonical_block,
                number=number,
                seed=seed,
                question_ids=drawn,
                out_of=len(drawn),
                pass_percent=block.value["pass_percent"],
            )
    except IntegrityError:
        # The same learner opened it twice at once (two tabs, a retried request).
        return QuizAttempt.objects.get(
            learner=learner, lesson=canonical_lesson, block_id=canonical_block, number=number
        )


def quiz_attempt_submit(*, attempt: QuizAttempt, answers: dict[str, int]) -> QuizAttempt:
    """Score an attempt from the questions stored with it (never from what the browser
    says is right) and record it. Submitting again returns the first result unchanged."""
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted:
            return attempt
        questions = {q.pk: q for q in BankQuestion.objects.filter(pk__in=attempt.question_ids)}
        marks, given = {}, {}
        for pk in attempt.question_ids:
            question = questions.get(pk)
            if question is None:
                continue  # deleted from the bank since the draw: it no longer counts
            choice = answers.get(str(pk))
            if choice is None or not 0 <= choice < len(question.choices):
                raise CourseActionError(_("Answer every question."))
            given[str(pk)] = choice
            marks[str(pk)] = choice in question.correct_positions()
        attempt.answers = given
        attempt.out_of = len(marks)
        attempt.score = sum(marks.values())
        attempt.passed = bool(marks) and 100 * attempt.score >= attempt.pass_percent * len(marks)
        attempt.submitted_at = timezone.now()
        attempt.save()
        counts_as_passed = attempt.passed
        rules = selectors.quiz_rules_for(course=course_selectors.course_of_page(attempt.lesson))
        if rules.counts == QuizRules.Counts.BEST and not counts_as_passed:
            counts_as_passed = (
                selectors.attempts_of(
                    learner=attempt.learner, lesson=attempt.lesson, block_id=attempt.block_id
                )
                .filter(passed=True)
                .exists()
            )
        # Inside the transaction: a refused record (a module not open yet) keeps no score.
        statements_record(
            scored_by_server=True,
            actor=attempt.learner,
            statements=_statement(
                statement_id=derived_statement_id("bank-quiz", attempt.pk),
                verb=verbs.PASSED if counts_as_passed else verbs.FAILED,
                activity=activity_id("question", f"{attempt.lesson_id}.{attempt.block_id}"),
                result={
                    "success": counts_as_passed,
                    "score": {
                        "raw": attempt.score,
                        "max": attempt.out_of,
                        "scaled": attempt.score / attempt.out_of if attempt.out_of else 0,
                    },
                    "extensions": {course_selectors.ANSWERS_EXTENSION: marks},
                },
                parent=course_selectors.lesson_activity_id(attempt.lesson),
            ),
        )
    return attempt
